"""``tiers-lieu import bookings FILE.ics --resource NAME [--site NAME] [--skip-collisions]
[--hors-horaires] [--dry-run]``: a shared calendar brought into one resource of the agenda.

All or nothing, like every import: events that collide are listed on stderr with why and
nothing is saved (exit 2), unless ``--skip-collisions`` books the others and lists those left
out. Events outside the opening hours (or on a day the place is closed) are refused the same
way unless ``--hors-horaires`` books them anyway, as a calendar migration needs. What an
all-day or a recurring event becomes, and the limits on the file, are decided in
:mod:`tiers_lieu.services.agenda.ics_read`. Errors are handled here too (French message,
exit 2), so the command behaves the same whoever dispatches it.

``tiers-lieu bookings export-ics --out F (--resource NOM | --practitioner NOM) [--du J]
[--au J]`` writes the same .ics as the agenda's « Imprimer et partager » menu;
``tiers-lieu bookings fermeture --du J --au J [--motif T]`` closes the place and prints the
bookings still standing on those days, with whom to call.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tiers_lieu.cli.parser import iso_date
from tiers_lieu.errors import ComptoirError, NotFoundError, ValidationError, os_reason
from tiers_lieu.i18n import _, format_date, format_datetime, ngettext

if TYPE_CHECKING:
    from tiers_lieu.services.agenda.readmodels import BookedPerson

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
    parser.set_defaults(run=run_bookings_import)


def run_bookings_import(args: argparse.Namespace) -> int:
    from tiers_lieu.app import build
    from tiers_lieu.services.agenda.errors import IcsCollisionError
    from tiers_lieu.services.agenda.ics_read import read_file

    try:
        data = read_file(Path(args.file))
        with build(args.db) as app:
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


# -- ``tiers-lieu bookings …`` ------------------------------------------------------------------
def add_bookings_parser(sub: Any) -> None:
    """``bookings export-ics`` (a resource's or a practitioner's bookings as .ics) and
    ``bookings fermeture`` (close the place and list the people to call)."""
    command = sub.add_parser("bookings", help=_("agenda : export .ics, fermetures"))
    actions = command.add_subparsers(dest="bookings_action", metavar=_("ACTION"), required=True)
    export = actions.add_parser(
        "export-ics",
        help=_("écrit les réservations d'une ressource ou d'un praticien au format .ics"),
    )
    export.add_argument("--out", required=True, type=Path, metavar=_("FICHIER"))
    which = export.add_mutually_exclusive_group(required=True)
    which.add_argument("--resource", metavar=_("NOM"), help=_("ressource à exporter"))
    which.add_argument(
        "--practitioner", metavar=_("NOM"), help=_("praticien dont exporter les créneaux")
    )
    _add_days(
        export,
        required=False,
        first=_("premier jour (par défaut : tout)"),
        last=_("dernier jour (par défaut : tout)"),
    )
    closure = actions.add_parser(
        "fermeture",
        help=_("ferme le lieu du … au … et liste les personnes à prévenir"),
    )
    _add_days(closure, required=True, first=_("premier jour fermé"), last=_("dernier jour fermé"))
    closure.add_argument("--motif", default="", metavar=_("TEXTE"), help=_("motif affiché"))
    command.set_defaults(run=run_bookings)


def _add_days(parser: argparse.ArgumentParser, *, required: bool, first: str, last: str) -> None:
    """``--site`` and the ``--du``/``--au`` days (``args.first``/``args.last``), whose help
    texts are ``first`` and ``last``."""
    parser.add_argument("--site", default=None, metavar=_("NOM"), help=_("lieu"))
    for option, english, dest, help_text in (
        ("--du", "--from", "first", first),
        ("--au", "--to", "last", last),
    ):
        parser.add_argument(
            option,
            english,
            dest=dest,
            default=None,
            required=required,
            metavar=_("AAAA-MM-JJ"),
            help=help_text,
        )


def _day(option: str, text: str | None) -> date | None:
    return None if text is None else iso_date(option, text)


def run_bookings(args: argparse.Namespace) -> int:
    from tiers_lieu.app import build

    try:
        first, last = _day("--du", args.first), _day("--au", args.last)
        if first is not None and last is not None and last < first:
            raise ValidationError("--au", _("le dernier jour précède le premier"))
        with build(args.db) as app:
            site = app.sites.resolve(args.site)
            if args.bookings_action == "export-ics":
                return _export_ics(app, site.id, args, first, last)
            assert first is not None and last is not None
            closure = app.config.add_closure(
                site.id, start_date=first, end_date=last, reason=args.motif
            )
    except ComptoirError as exc:
        sys.stderr.write(_("Erreur : {message}").format(message=exc.message) + "\n")
        return EXIT_USAGE
    print(
        _("Lieu fermé du {first} au {last}.").format(
            first=format_date(first), last=format_date(last)
        )
    )
    print_people_to_call(closure.to_call)
    return EXIT_OK


def print_people_to_call(people: Sequence[BookedPerson]) -> None:
    """One line per booking still standing: when, where, who, phone."""
    if not people:
        print(_("Aucune réservation n'est concernée."))
        return
    print(
        ngettext(
            "{n} réservation reste à déplacer ou annuler ; personne à prévenir :",
            "{n} réservations restent à déplacer ou annuler ; personnes à prévenir :",
            len(people),
        ).format(n=len(people))
    )
    from tiers_lieu.services.agenda.to_call import describe

    for person in people:
        print("  " + describe(person))


def _export_ics(
    app: Any, site_id: Any, args: argparse.Namespace, first: date | None, last: date | None
) -> int:
    ical = app.agenda.ical
    if args.resource is not None:
        resource = app.agenda.resources.find(site_id, args.resource)
        data = ical.export_resource(resource.id, first=first, last=last)
        name = resource.name
    else:
        wanted = args.practitioner.strip().casefold()
        who = next(
            (p for p in app.agenda.practitioners.list(site_id) if p.name.casefold() == wanted),
            None,
        )
        if who is None:
            raise NotFoundError(
                _("Aucun praticien ne s'appelle « {name} » dans ce lieu.").format(
                    name=args.practitioner
                )
            )
        data = ical.export_practitioner(who.id, first=first, last=last)
        name = who.name
    try:
        Path(args.out).write_bytes(data)
    except OSError as exc:
        raise ValidationError(
            "--out",
            _("impossible d'écrire « {path} » ({why})").format(path=args.out, why=os_reason(exc)),
        ) from None
    events = data.count(b"BEGIN:VEVENT")
    print(
        ngettext(
            "{n} réservation de « {name} » écrite dans {path}.",
            "{n} réservations de « {name} » écrites dans {path}.",
            events,
        ).format(n=events, name=name, path=args.out)
    )
    return EXIT_OK
