"""``tiers-lieu report``: the activity report from the command line (DESIGN.md contract).

``tiers-lieu report --from 2026-01-01 --to 2026-12-31 [--site NOM] --format pdf|xlsx|csv
--out FICHIER [--claim NUMERO]``. Without ``--site`` the report covers every site of the
base. Bad dates, a period ending before it starts or an unknown site exit with code 2 and a
French message on stderr, before anything is written. The file is written next to its final
name and moved into place, so a failure never leaves half a report behind.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from pathlib import Path
from typing import Any

from tiers_lieu.errors import ComptoirError
from tiers_lieu.i18n import _, format_date

EXIT_OK, EXIT_USAGE = 0, 2
FORMATS = ("pdf", "xlsx", "csv")


def add_report_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``report`` sub-command to ``subparsers`` (from ``add_subparsers()``)."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "report", help=_("produit le rapport d'activité (PDF, XLSX ou CSV)")
    )
    parser.add_argument(
        "--from", dest="date_from", required=True, metavar=_("AAAA-MM-JJ"), help=_("premier jour")
    )
    parser.add_argument(
        "--to", dest="date_to", required=True, metavar=_("AAAA-MM-JJ"), help=_("dernier jour")
    )
    parser.add_argument(
        "--site", default=None, metavar=_("NOM"), help=_("un lieu (par défaut : tous les lieux)")
    )
    parser.add_argument("--format", dest="fmt", required=True, choices=FORMATS)
    parser.add_argument("--out", required=True, type=Path, metavar=_("FICHIER"))
    parser.add_argument(
        "--claim",
        default="",
        metavar=_("NUMERO"),
        help=_("numéro de la demande de paiement (page de couverture)"),
    )
    parser.set_defaults(run=run_report)
    return parser


def _date(option: str, text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ComptoirError(
            _("{option} : date invalide « {value} » (attendu AAAA-MM-JJ)").format(
                option=option, value=text
            )
        ) from None


def run_report(args: argparse.Namespace) -> int:
    """Compute and write the report; 0 on success, 2 with a French message otherwise."""
    try:
        return _run(args)
    except ComptoirError as exc:
        sys.stderr.write(_("Erreur : {message}").format(message=exc.message) + "\n")
        return EXIT_USAGE


def _run(args: argparse.Namespace) -> int:
    from tiers_lieu.app import build

    start = _date("--from", args.date_from)
    end = _date("--to", args.date_to)
    if end < start:
        raise ComptoirError(
            _("--to : le {end} précède le début de la période ({start}).").format(
                end=format_date(end), start=format_date(start)
            )
        )
    out = Path(args.out)
    if not out.parent.is_dir():
        raise ComptoirError(
            _("--out : le dossier « {folder} » n'existe pas.").format(folder=out.parent)
        )
    app = build(getattr(args, "db", None))
    try:
        site_ids = None
        if args.site:
            site_ids = [app.sites.resolve(args.site).id]
        elif not app.sites.list_sites():
            app.sites.resolve(None)  # raises the « no site configured » message
        data = app.reports.compute(
            period_start=start, period_end=end, site_ids=site_ids, claim_number=args.claim
        )
        partial = out.with_name(f".{out.name}.partiel")
        try:
            app.reports.write(
                data,
                fmt=args.fmt,
                path=partial,
                site_id=site_ids[0] if site_ids else None,
            )
            os.replace(partial, out)
        finally:
            partial.unlink(missing_ok=True)
    finally:
        app.close()
    print(
        _("Rapport du {start} au {end} ({sites}) écrit dans {path}.").format(
            start=format_date(start),
            end=format_date(end),
            sites=", ".join(data.site_names) or _("aucun lieu"),
            path=out,
        )
    )
    return EXIT_OK
