"""``tiers-lieu import bookings FILE.ics --resource NAME [--site NAME] [--skip-collisions]
[--hors-horaires] [--dry-run]``: a shared calendar brought into one resource of the agenda.

All or nothing, like every import: events that collide are listed on stderr with why and
nothing is saved (exit 2), unless ``--skip-collisions`` books the others and lists those left
out. Events outside the opening hours (or on a day the place is closed) are refused the same
way unless ``--hors-horaires`` books them anyway, as a calendar migration needs. What an
all-day or a recurring event becomes, and the limits on the file, are decided in
:mod:`tiers_lieu.services.agenda.ics_read`. Errors are handled here too (French message,
exit 2), so the command behaves the same whoever dispatches it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from tiers_lieu.errors import ComptoirError
from tiers_lieu.i18n import _, format_datetime, ngettext

EXIT_OK, EXIT_USAGE = 0, 2


def add_bookings_import(import_subparsers: Any) -> None:
    """Add ``bookings`` to the sub-commands of ``tiers-lieu import``."""
    parser = import_subparsers.add_parser(
        "bookings", help=_("réservations : un agenda partagé au format iCalendar (.ics)")
    )
    parser.add_argument("file", type=Path, metavar=_("FICHIER"), help=_("fichier .ics"))
    parser.add_argument(
        "--resource", required=True, metavar=_("NOM"), help=_("ressource qui reçoit l'agenda")
    )
    parser.add_argument("--site", default=None, metavar=_("NOM"), help=_("lieu de la ressource"))
    parser.add_argument(
        "--skip-collisions",
        action="store_true",
        help=_("importe les autres événements et laisse de côté ceux en conflit"),
    )
    parser.add_argument(
        "--hors-horaires",
        "--outside-hours",
        dest="outside_hours",
        action="store_true",
        help=_(
            "importe aussi les événements en dehors des horaires d'ouverture ou un jour de "
            "fermeture (migration d'un agenda) ; les conflits avec d'autres réservations "
            "restent refusés"
        ),
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help=_("vérifie le fichier et dit ce qui serait importé, sans rien enregistrer"),
    )


def run_bookings_import(args: argparse.Namespace) -> int:
    from tiers_lieu.app import build
    from tiers_lieu.services.agenda.errors import IcsCollisionError
    from tiers_lieu.services.agenda.ics_read import read_file

    try:
        data = read_file(Path(args.file))
        app = build(args.db)
        try:
            site = app.sites.resolve(args.site)
            resource = app.agenda.resources.find(site.id, args.resource)
            report = app.agenda.ical.import_ics(
                site_id=site.id,
                resource_id=resource.id,
                data=data,
                skip_collisions=args.skip_collisions,
                outside_hours=args.outside_hours,
                dry_run=args.dry_run,
            )
        finally:
            app.close()
    except ComptoirError as exc:
        sys.stderr.write(_("Erreur : {message}").format(message=exc.message) + "\n")
        if isinstance(exc, IcsCollisionError) and any(e.outside_hours for e in exc.collisions):
            sys.stderr.write(
                _(
                    "Pour importer quand même les événements en dehors des horaires "
                    "d'ouverture, relancez avec --hors-horaires."
                )
                + "\n"
            )
        return EXIT_USAGE
    if report.dry_run:
        head = ngettext(
            "Essai : {n} réservation serait créée dans « {resource} » (rien n'est enregistré).",
            "Essai : {n} réservations seraient créées dans « {resource} » (rien n'est enregistré).",
            report.created,
        )
    else:
        head = ngettext(
            "{n} réservation créée dans « {resource} ».",
            "{n} réservations créées dans « {resource} ».",
            report.created,
        )
    print(head.format(n=report.created, resource=resource.name))
    if report.outside_hours:
        print(
            ngettext(
                "Dont {n} en dehors des horaires d'ouverture, comme demandé.",
                "Dont {n} en dehors des horaires d'ouverture, comme demandé.",
                report.outside_hours,
            ).format(n=report.outside_hours)
        )
    if report.already_imported:
        print(
            ngettext(
                "{n} événement déjà importé, laissé tel quel.",
                "{n} événements déjà importés, laissés tels quels.",
                report.already_imported,
            ).format(n=report.already_imported)
        )
    if report.skipped:
        print(
            ngettext(
                "{n} événement en conflit laissé de côté :",
                "{n} événements en conflit laissés de côté :",
                len(report.skipped),
            ).format(n=len(report.skipped))
        )
        for event in report.skipped:
            print(
                _("  {start} « {summary} » : {reason}").format(
                    start=format_datetime(event.start, site.zone),
                    summary=event.summary,
                    reason=event.reason,
                )
            )
    for line in report.ignored:
        print(_("  ignoré : {why}").format(why=line))
    return EXIT_OK
