"""``tiers-lieu purge [--site NAME] [--dry-run]``: apply the retention periods of the GDPR.

``--dry-run`` lists what would be anonymised and deleted without touching anything; without
it the same list is applied (anonymisation keeps every report figure, see
:mod:`tiers_lieu.services.privacy`). Without ``--site`` every site of the database is purged
with its own settings. Exit 0 when done, 2 with a French message on bad input.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import TYPE_CHECKING, Any

from tiers_lieu.cli.parser import iso_date
from tiers_lieu.errors import ComptoirError
from tiers_lieu.i18n import _, format_date, ngettext, place_today

if TYPE_CHECKING:  # the models, only when a purge runs (the window starts without them)
    from tiers_lieu.services.privacy import PurgeReport

EXIT_OK, EXIT_USAGE = 0, 2


def add_purge_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "purge", help=_("applique les durées de conservation (RGPD) : anonymise et efface")
    )
    parser.add_argument("--site", default=None, metavar=_("NOM"), help=_("un seul lieu"))
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help=_("dit ce qui serait anonymisé ou effacé, sans rien modifier"),
    )
    # The day the periods are counted from; for tests and to rehearse a purge.
    parser.add_argument("--today", default=None, help=argparse.SUPPRESS)
    parser.set_defaults(run=run_purge)


def run_purge(args: argparse.Namespace) -> int:
    from tiers_lieu.app import build

    try:
        given = _today(args.today)
        with build(getattr(args, "db", None)) as app:
            sites = [app.sites.resolve(args.site)] if args.site else app.sites.list_sites()
            if not sites:
                app.sites.resolve(None)  # raises the « no site configured » message
            privacy = app.privacy
            for site in sites:
                today = given or place_today(site.zone)  # each place's own calendar
                report = privacy.purge(site.id, dry_run=args.dry_run, today=today)
                sys.stdout.write(describe(site.name, report))
    except ComptoirError as exc:
        sys.stderr.write(_("Erreur : {message}").format(message=exc.message) + "\n")
        return EXIT_USAGE
    return EXIT_OK


def describe(site: str, report: PurgeReport) -> str:
    """The purge report as the coordinator reads it (French, one line per person)."""
    if not report.anything:
        return _("{site} : rien à purger.").format(site=site) + "\n"
    head = (
        _("{site} — essai, rien n'est modifié :") if report.dry_run else _("{site} — purge faite :")
    )
    lines = [head.format(site=site)]
    n = len(report.people)
    lines.append(
        ngettext(
            "  {n} personne sans activité anonymisée",
            "  {n} personnes sans activité anonymisées",
            n,
        ).format(n=n)
    )
    for p in report.people:
        lines.append(
            _("    - {name} (dernière activité le {day})").format(
                name=p.display_name or _("(sans nom)"), day=format_date(p.last_activity_on)
            )
        )
    lines.append(
        ngettext(
            "  {n} note de démarche effacée",
            "  {n} notes de démarches effacées",
            report.assistance_notes,
        ).format(n=report.assistance_notes)
    )
    lines.append(
        ngettext(
            "  {n} ligne du journal supprimée",
            "  {n} lignes du journal supprimées",
            report.audit_entries,
        ).format(n=report.audit_entries)
    )
    return "\n".join(lines) + "\n"


def _today(text: str | None) -> date | None:
    return None if text is None else iso_date("--today", text)
