"""The agenda on paper: what the day's agenda for the door and a practitioner's list of the
day say (:mod:`tiers_lieu.reports.documents.agenda_sheet` writes them as PDFs).

The door sheet is read by anyone passing by, so it names no one who booked as a person:
their bookings show as « Réservé », meetings show their title or organisation, permanences
the practitioner and profession. The practitioner's list gives each slot's time and the
name of the person booked — what the practitioner needs, and nothing more (no reason is
stored anyway).
"""

from __future__ import annotations

import uuid
from datetime import date

from tiers_lieu.db import UowFactory
from tiers_lieu.errors import NotFoundError
from tiers_lieu.i18n import _, format_date, format_time, ngettext
from tiers_lieu.models import Practitioner, Site
from tiers_lieu.services.access import Permission, requires
from tiers_lieu.services.agenda import views
from tiers_lieu.services.agenda.readmodels import (
    AgendaSheet,
    AgendaView,
    BookingInfo,
    PermanenceSlot,
    SheetBlock,
)
from tiers_lieu.services.agenda.rules import SiteCalendar, hours_text
from tiers_lieu.services.agenda.slots import generate_slots


def _span(start: object, end: object) -> str:
    return _("{start} – {end}").format(
        start=format_time(start.time()),  # type: ignore[attr-defined]
        end=format_time(end.time()),  # type: ignore[attr-defined]
    )


def _door_label(b: BookingInfo) -> str:
    if b.person_id is not None and not b.title:
        return _("Réservé")
    return b.title or b.organisation or _("Réservé")


def _door_rows(view: AgendaView) -> tuple[SheetBlock, ...]:
    sections: list[SheetBlock] = []
    for column in view.resources:
        lines: list[tuple[str, str]] = []
        seen: set[tuple[uuid.UUID, date]] = set()
        for slot in column.permanence_slots:
            if (slot.permanence_id, slot.day) in seen or slot.cancelled:
                continue
            seen.add((slot.permanence_id, slot.day))
            same = [s for s in column.permanence_slots if s.permanence_id == slot.permanence_id]
            lines.append(
                (
                    _span(same[0].start, same[-1].end),
                    _("Permanence : {who}").format(who=slot.practitioner_name),
                )
            )
        for b in column.bookings:
            if b.permanence_id is None:
                text = _door_label(b)
                if column.resource.capacity > 1:
                    text = _("{text} ({n} pl.)").format(text=text, n=b.seats)
                lines.append((_span(b.start, b.end), text))
        lines.sort()
        sections.append(SheetBlock(column.resource.name, tuple(lines)))
    return tuple(sections)


class PrintingService:
    def __init__(self, uow: UowFactory) -> None:
        self._uow = uow

    @requires(Permission.BOOKINGS)
    def day_sheet(self, *, site_id: uuid.UUID, day: date) -> AgendaSheet:
        """The day's agenda of every resource, for the door; names no person."""
        with self._uow() as uow:
            site = uow.session.get(Site, site_id)
            if site is None:
                raise NotFoundError(_("Ce lieu n'existe plus."))
            view = views.agenda(uow, site_id, [day])
            place = site.name
        closed = view.closed_days.get(day)
        opening = view.opening.get(day, ())
        if closed:
            subtitle = _("{place} — fermé ({why})").format(place=place, why=closed)
        else:
            subtitle = _("{place} — ouvert {hours}").format(place=place, hours=hours_text(opening))
        return AgendaSheet(
            _("Agenda du {day}").format(day=format_date(day, "full")),
            subtitle,
            _door_rows(view),
        )

    @requires(Permission.BOOKINGS)
    def practitioner_day(self, *, practitioner_id: uuid.UUID, day: date) -> AgendaSheet:
        """A practitioner's slots of the day with the name of each person booked."""
        with self._uow() as uow:
            who = uow.session.get(Practitioner, practitioner_id)
            if who is None:
                raise NotFoundError(_("Ce praticien n'existe plus."))
            name, profession = who.name, who.profession
            slots: list[PermanenceSlot] = generate_slots(
                uow, SiteCalendar(uow, who.site_id), day, day, practitioner_id=practitioner_id
            )
        lines = [
            (
                _span(s.start, s.end),
                _("Annulé")
                if s.cancelled
                else (s.who or _("(sans nom)"))
                if s.taken
                else _("libre"),
            )
            for s in slots
        ]
        if not slots:
            lines = [("", _("Pas de permanence ce jour-là."))]
        taken = sum(1 for s in slots if s.taken and not s.cancelled)
        return AgendaSheet(
            _("{name} — {day}").format(name=name, day=format_date(day, "full")),
            ngettext(
                "{profession} — {taken} rendez-vous sur {total} créneau",
                "{profession} — {taken} rendez-vous sur {total} créneaux",
                len(slots),
            ).format(profession=profession, taken=taken, total=len(slots)),
            (SheetBlock(_("Rendez-vous"), tuple(lines)),),
        )
