"""``tiers-lieu export KIND [--from AAAA-MM-JJ --to AAAA-MM-JJ] [--site NOM] --format F
--out FICHIER``: every funder's format from one register (issue 20).

Each kind is a line of :data:`KINDS`: the formats it writes, whether it covers a period, and
the function that writes it, named ``"module:function"`` and imported only when that kind is
asked for (the command stays light). The function receives the application and an
:class:`ExportRequest` whose options are already checked (dates, period, folder, format,
place), writes ``request.out`` whole (``private_files.writing_whole`` or a renderer that
uses it: a failure never leaves half a file) and returns the line to print. The same
functions are behind the window's buttons.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tiers_lieu.cli.parser import period_of
from tiers_lieu.errors import ComptoirError
from tiers_lieu.i18n import N_, _

if TYPE_CHECKING:
    from tiers_lieu.app import Comptoir
    from tiers_lieu.services.readmodels import SiteInfo

EXIT_OK, EXIT_USAGE = 0, 2


@dataclass(frozen=True, slots=True, kw_only=True)
class ExportRequest:
    """What the user asked for, checked. ``site``: the place, or ``None`` for every place of
    the base (kinds that need one place refuse ``None`` with their own message)."""

    start: date | None
    end: date | None
    site: SiteInfo | None
    fmt: str
    out: Path


@dataclass(frozen=True, slots=True)
class ExportKind:
    help: str
    formats: tuple[str, ...]
    writer: str  # "tiers_lieu.module:function", imported when asked for
    period: bool = True  # --from and --to are required

    def load(self) -> Callable[[Comptoir, ExportRequest], str]:
        module, _sep, name = self.writer.partition(":")
        function: Callable[[Comptoir, ExportRequest], str] = getattr(
            importlib.import_module(module), name
        )
        return function


# One line per export; the CLI word is the key (French, as the users say it).
KINDS: dict[str, ExportKind] = {
    "observatoire": ExportKind(
        help=N_("chiffres du recensement de l'Observatoire des tiers-lieux (une année)"),
        formats=("xlsx", "csv"),
        writer="tiers_lieu.reports.documents.census:export_census",
    ),
    "affiche": ExportKind(
        help=N_("affiche A3 de l'opération LEADER (emblème UE, logos, description)"),
        formats=("pdf",),
        writer="tiers_lieu.reports.documents.publicity:export_poster",
        period=False,
    ),
    "notice": ExportKind(
        help=N_("notice A4 de l'opération LEADER (même contenu que l'affiche)"),
        formats=("pdf",),
        writer="tiers_lieu.reports.documents.publicity:export_notice",
        period=False,
    ),
    "emargement": ExportKind(
        help=N_("feuilles d'émargement des ateliers de la période, une par atelier"),
        formats=("pdf",),
        writer="tiers_lieu.reports.documents.attendance_sheet:export_attendance_sheets",
    ),
    "programme": ExportKind(
        help=N_(
            "programme des ateliers de la période : affiche A4 (pdf), agenda (ics) ou page web "
            "(html)"
        ),
        formats=("pdf", "ics", "html"),
        writer="tiers_lieu.reports.documents.programme:export_programme",
    ),
    "programme-a3": ExportKind(
        help=N_("programme des ateliers de la période en affiche A3"),
        formats=("pdf",),
        writer="tiers_lieu.reports.documents.programme:export_programme_a3",
    ),
    "feuilles-temps": ExportKind(
        help=N_("feuilles de temps mensuelles des salariés, une page par personne et par mois"),
        formats=("pdf",),
        writer="tiers_lieu.reports.documents.time_sheet:export_time_sheets",
    ),
    "coop": ExportKind(
        help=N_(
            "activités (démarches et ateliers) au format d'export de la Coop de la médiation "
            "numérique"
        ),
        formats=("xlsx", "csv"),
        writer="tiers_lieu.reports.documents.coop:export_coop",
    ),
    "dossier-paiement": ExportKind(
        help=N_(
            "dossier de demande de paiement LEADER de la période (rapport, feuilles, affiche, "
            "notice, sommaire) : un dossier et son zip"
        ),
        formats=("zip",),
        writer="tiers_lieu.reports.documents.claim_pack:export_claim_pack",
    ),
    "lieu": ExportKind(
        help=N_(
            "fiche du lieu au standard national des lieux de médiation numérique (cartographie "
            "nationale)"
        ),
        formats=("csv",),
        writer="tiers_lieu.reports.documents.listing:export_listing",
        period=False,
    ),
    "fec": ExportKind(
        help=N_(
            "fichier des écritures comptables (FEC) d'un lieu pour le comptable : Z quotidiens, "
            "factures, avoirs, règlements, cotisations, dons"
        ),
        formats=("txt",),
        writer="tiers_lieu.reports.documents.fec:export_fec",
    ),
    "clotures": ExportKind(
        help=N_("totaux des Z quotidiens d'un lieu : tickets, moyens de paiement, TVA par taux"),
        formats=("xlsx", "csv"),
        writer="tiers_lieu.reports.documents.fec:export_closures",
    ),
}


def add_export_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``export`` sub-command to ``subparsers``."""
    kinds = "\n".join(f"  {name:<22} {_(kind.help)}" for name, kind in sorted(KINDS.items()))
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "export",
        help=_("écrit un export pour un financeur ou un réseau (voir la liste des genres)"),
        description=_("Genres d'export :") + "\n" + kinds,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("kind", choices=sorted(KINDS), metavar=_("GENRE"))
    parser.add_argument(
        "--from", dest="date_from", default=None, metavar=_("AAAA-MM-JJ"), help=_("premier jour")
    )
    parser.add_argument(
        "--to", dest="date_to", default=None, metavar=_("AAAA-MM-JJ"), help=_("dernier jour")
    )
    parser.add_argument(
        "--site", default=None, metavar=_("NOM"), help=_("un lieu (par défaut : tous les lieux)")
    )
    parser.add_argument("--format", dest="fmt", default=None, metavar=_("FORMAT"))
    parser.add_argument("--out", required=True, type=Path, metavar=_("FICHIER"))
    parser.set_defaults(run=run_export)
    return parser


def check_request(kind: ExportKind, args: argparse.Namespace) -> tuple[date | None, date | None]:
    """The period and the format checked against what ``kind`` takes, before anything opens."""
    start = end = None
    if kind.period:
        if args.date_from is None or args.date_to is None:
            raise ComptoirError(
                _("--from et --to : cet export couvre une période, donnez ses deux dates.")
            )
        start, end = period_of(args.date_from, args.date_to)
    elif args.date_from is not None or args.date_to is not None:
        start, end = period_of(args.date_from or args.date_to, args.date_to or args.date_from)
    if args.fmt is None:
        args.fmt = kind.formats[0]
    if args.fmt not in kind.formats:
        raise ComptoirError(
            _(
                "--format : « {value} » n'est pas possible pour cet export (choix : {choices})."
            ).format(value=args.fmt, choices=", ".join(kind.formats))
        )
    return start, end


def run_export(args: argparse.Namespace) -> int:
    """Write the asked export; 0 on success, 2 with a French message otherwise."""
    from tiers_lieu.app import build

    kind = KINDS[args.kind]
    try:
        start, end = check_request(kind, args)
        out = Path(args.out)  # in an existing folder (check_arguments)
        with build(getattr(args, "db", None)) as app:
            site = app.sites.resolve(args.site) if args.site else None
            request = ExportRequest(start=start, end=end, site=site, fmt=args.fmt, out=out)
            print(kind.load()(app, request))
    except ComptoirError as exc:
        sys.stderr.write(_("Erreur : {message}").format(message=exc.message) + "\n")
        return EXIT_USAGE
    return EXIT_OK
