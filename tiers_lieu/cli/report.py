"""``tiers-lieu report``: the activity report from the command line (DESIGN.md contract).

``tiers-lieu report --from 2026-01-01 --to 2026-12-31 [--site NOM] --format pdf|xlsx|csv
--out FICHIER [--claim NUMERO]``. Without ``--site`` the report covers every site of the
base. Bad dates, a period ending before it starts or an unknown site exit with code 2 and a
French message on stderr, before anything is written. The file is written next to its final
name and moved into place, so a failure never leaves half a report behind.

Only what a report needs is imported and opened (issue 17): the base, the sites and the
report services (:func:`_open`), not :func:`tiers_lieu.app.build`'s every service; the
writer of the asked format only (reportlab for a PDF, openpyxl for an XLSX). ``main()`` has
already tidied what a crash left (``tidy_at_start``) before this runs.
"""

from __future__ import annotations

import argparse
import gc
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tiers_lieu.cli.parser import period_of
from tiers_lieu.errors import ComptoirError
from tiers_lieu.heap import command_process, imports_outside_collector
from tiers_lieu.i18n import _, format_date

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from tiers_lieu.services.reports import ReportService
    from tiers_lieu.services.sites import SiteService

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


def run_report(args: argparse.Namespace) -> int:
    """Compute and write the report; 0 on success, 2 with a French message otherwise.

    When this process is the command (:func:`tiers_lieu.heap.command_process`), the report is
    its last work: the objects made are then frozen out of the cyclic collector, which
    neither walks them during the report nor takes the heap apart at exit: a fifth of the CPU
    of a small report (issue 17). A caller that lives on (a test) keeps its collector as it
    was.
    """
    try:
        return _run(args)
    except ComptoirError as exc:
        sys.stderr.write(_("Erreur : {message}").format(message=exc.message) + "\n")
        return EXIT_USAGE
    finally:
        if command_process():
            gc.freeze()


def _open(db: str | None) -> tuple[Engine, SiteService, ReportService]:
    """The base (migrated if need be) and the two services a report uses, wired as
    :func:`tiers_lieu.app.build` wires them, with the listeners of what the report writes:
    its audit line is chained and its fields checked. (Tombstones are for deletions: a report
    deletes nothing.) ``tests/integration/test_report_cli_imports.py`` checks that line's
    chain. The imports run outside the cyclic collector (:mod:`tiers_lieu.heap`)."""
    with imports_outside_collector():
        from tiers_lieu.db import UowFactory
        from tiers_lieu.services.access import Access
        from tiers_lieu.services.audit_chain import install_chain_listener
        from tiers_lieu.services.migration import open_database
        from tiers_lieu.services.reports import ReportService
        from tiers_lieu.services.sites import SiteService
        from tiers_lieu.validation import install_shape_listener
    install_shape_listener()
    install_chain_listener()
    uow = UowFactory(open_database(db), Access())
    return uow.engine, SiteService(uow), ReportService(uow)


def _run(args: argparse.Namespace) -> int:
    start, end = period_of(args.date_from, args.date_to)
    out = Path(args.out)  # a file in an existing folder (check_arguments)
    engine, sites, reports = _open(getattr(args, "db", None))
    try:
        site_ids = None
        if args.site:
            site_ids = [sites.resolve(args.site).id]
        elif not sites.list_sites():
            sites.resolve(None)  # raises the « no site configured » message
        data = reports.compute(
            period_start=start, period_end=end, site_ids=site_ids, claim_number=args.claim
        )
        # Written aside and renamed once whole (ReportService.write).
        reports.write(data, fmt=args.fmt, path=out, site_id=site_ids[0] if site_ids else None)
    finally:
        engine.dispose()
    print(
        _("Rapport du {start} au {end} ({sites}) écrit dans {path}.").format(
            start=format_date(start),
            end=format_date(end),
            sites=", ".join(data.site_names) or _("aucun lieu"),
            path=out,
        )
    )
    return EXIT_OK
