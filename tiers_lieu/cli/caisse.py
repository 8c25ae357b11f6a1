"""``tiers-lieu caisse``: the till's journal, checked and archived.

- ``tiers-lieu caisse verifier``: verifies the base's till journal (each place's hash chain,
  the tickets, payments and closures against their lines, the guards); prints « Journal de
  caisse intact (…) » and exits 0, or says where each break is and exits 1.
- ``tiers-lieu caisse verifier ARCHIVE.zip``: checks an archive's signature (against the key
  this base knows for the place, else the one inside, and says which), its manifest's digests,
  its chain and its closures' totals; exits 0 when intact, 1 when altered, 2 when the file
  cannot be read as an archive.
- ``tiers-lieu caisse archiver --mois 2026-11 | --annee 2026 [--site NOM] [--dossier D]``:
  writes the signed archive of a closed period to the backup folder (or ``--dossier``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from tiers_lieu.errors import ComptoirError, os_reason
from tiers_lieu.i18n import _, ngettext

EXIT_OK, EXIT_BROKEN, EXIT_USAGE = 0, 1, 2


def add_caisse_parser(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "caisse", help=_("vérifie et archive le journal inaltérable de la caisse")
    )
    actions = parser.add_subparsers(dest="caisse_action", metavar=_("ACTION"), required=True)
    check = actions.add_parser(
        "verifier",
        help=_("vérifie le journal de caisse de la base, ou une archive de caisse"),
    )
    check.add_argument(
        "archive",
        nargs="?",
        type=Path,
        default=None,
        metavar=_("ARCHIVE"),
        help=_("archive .zip à vérifier (sans elle : le journal de la base)"),
    )
    check.set_defaults(run=run_verify, needs_base=_needs_base)
    archive = actions.add_parser(
        "archiver", help=_("écrit l'archive signée d'un mois ou d'une année clôturés")
    )
    period = archive.add_mutually_exclusive_group(required=True)
    period.add_argument("--mois", metavar=_("AAAA-MM"), help=_("mois clôturé à archiver"))
    period.add_argument("--annee", metavar=_("AAAA"), help=_("année clôturée à archiver"))
    archive.add_argument("--site", default=None, metavar=_("NOM"), help=_("lieu de la caisse"))
    archive.add_argument(
        "--dossier",
        type=Path,
        default=None,
        metavar=_("DOSSIER"),
        help=_("dossier où écrire l'archive (par défaut : celui des sauvegardes)"),
    )
    archive.set_defaults(run=run_archive)


def _fail(message: str) -> int:
    """The refusal said as every command says it (« Erreur : … »), exit 2."""
    sys.stderr.write(_("Erreur : {message}").format(message=message) + "\n")
    return EXIT_USAGE


def _needs_base(args: argparse.Namespace) -> bool:
    """``caisse verifier`` reads the base's journal; given an archive, it checks it without
    one when there is none (an accountant's computer)."""
    return args.archive is None


def run_verify(args: argparse.Namespace) -> int:
    from tiers_lieu.app import build

    if args.archive is None:
        try:
            with build(getattr(args, "db", None)) as app:
                report = app.till_journal.verify()
        except ComptoirError as exc:
            return _fail(exc.message)
        sys.stdout.write(report.summary() + "\n")
        return EXIT_OK if report.intact else EXIT_BROKEN
    from tiers_lieu.services.till.archive_check import UnreadableArchiveError, verify_archive

    path: Path = args.archive
    try:
        if _base_exists(getattr(args, "db", None)):
            with build(getattr(args, "db", None)) as app:
                result = app.till_journal.verify_archive(path)
        else:
            result = verify_archive(path)
    except UnreadableArchiveError as exc:
        return _fail(exc.message)
    except ComptoirError as exc:
        return _fail(exc.message)
    sys.stdout.write(result.summary() + "\n")
    return EXIT_OK if result.intact else EXIT_BROKEN


def _base_exists(db: str | None) -> bool:
    """Whether there is a base to read the place's key from (an archive is checked without
    one; opening a missing file would create an empty base)."""
    from tiers_lieu.db_location import resolve_db_url, sqlite_path

    url = resolve_db_url(db)
    path = sqlite_path(url)
    return path is None or path.exists()


def run_archive(args: argparse.Namespace) -> int:
    from tiers_lieu.app import build
    from tiers_lieu.services.till.archive import Period

    try:
        period = Period.month(args.mois) if args.mois is not None else Period.year(args.annee)
        with build(getattr(args, "db", None)) as app:
            site = app.sites.resolve(args.site)
            written = app.till_journal.archive(site.id, period, folder=args.dossier)
    except ComptoirError as exc:
        return _fail(exc.message)
    except OSError as exc:
        return _fail(_("Écriture de l'archive impossible : {error}").format(error=os_reason(exc)))
    sys.stdout.write(
        _("Archive écrite : {path}").format(path=written.path)
        + "\n"
        + ngettext("{n} ligne du journal, ", "{n} lignes du journal, ", written.lines).format(
            n=written.lines
        )
        + ngettext("{n} clôture", "{n} clôtures", written.closures).format(n=written.closures)
        + "\n"
        + _("Empreinte de la clé du lieu : {fingerprint}").format(fingerprint=written.fingerprint)
        + "\n"
    )
    return EXIT_OK
