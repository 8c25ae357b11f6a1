"""The call list of the day before (issue 22): the next opening day's appointments and
workshop registrations, each person to call with their number, ticked with an outcome.

Listed: the confirmed agenda bookings of that day made for a person (coworking, health
permanence slots taken…) and the registrations of that day's workshops (a person, not on the
waiting list). A phone number is shown **only when the person consented** to the keeping of
their data (``consent_given_at`` set, ``consent_withdrawn_at`` empty, not erased): the others
are listed without a number, « pas de consentement ».

Each tick is one :class:`~tiers_lieu.models.ReminderCall` (and one audit line): a person
called twice (voicemail, then reached) keeps both lines; the list shows the last one. An
outcome « annulé » does not cancel anything by itself: the screen then offers to cancel the
booking (through the agenda's service) or the registration (through the programme's,
``ProgrammeService.cancel``: the first person waiting takes the place freed; the calls ticked
for it stay, unlinked by the foreign key's ``SET NULL``).

Report codes (:mod:`tiers_lieu.reports.indicators.reminders`): ``reminders.calls`` (calls
ticked for days of the period), ``reminders.reached`` (of which the person was reached).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from html import escape

from sqlmodel import col, select

from tiers_lieu.db import UnitOfWork, UowFactory
from tiers_lieu.errors import NotFoundError, ValidationError
from tiers_lieu.i18n import N_, _, format_date, format_time, ngettext
from tiers_lieu.models import (
    Booking,
    Event,
    EventAttendance,
    Person,
    ReminderCall,
    Resource,
)
from tiers_lieu.models.base import utcnow
from tiers_lieu.models.enums import AuditAction, BookingStatus, ReminderOutcome
from tiers_lieu.services import audit
from tiers_lieu.services.access import Permission, requires
from tiers_lieu.services.agenda.common import display_name
from tiers_lieu.services.agenda.readmodels import AgendaSheet, SheetBlock
from tiers_lieu.services.agenda.rules import SiteCalendar

REACHED, VOICEMAIL, UNREACHABLE, CANCELLED = (
    str(ReminderOutcome.REACHED),
    str(ReminderOutcome.VOICEMAIL),
    str(ReminderOutcome.UNREACHABLE),
    str(ReminderOutcome.CANCELLED),
)
OUTCOMES: dict[str, str] = {
    REACHED: N_("joint"),
    VOICEMAIL: N_("messagerie"),
    UNREACHABLE: N_("injoignable"),
    CANCELLED: N_("annulé"),
}
"""Outcome key → label msgid, in the order of the screen's keys (1 to 4)."""

MOST = 500
"""At most this many lines (a day of a place is a few dozen)."""

LOOK_AHEAD_DAYS = 14
"""The next opening day is looked for this far; past it, the day after is proposed."""


@dataclass(frozen=True)
class ReminderLine:
    """One person to call: an appointment or a workshop registration."""

    booking_id: uuid.UUID | None
    attendance_id: uuid.UUID | None
    person_id: uuid.UUID | None
    name: str
    start: datetime | None  # local time of the place; None for a workshop without an hour
    what: str  # the resource booked, or the workshop's title
    phone: str  # "" when no consent (or none known)
    consent: bool
    outcome: str = ""  # the last call's outcome key, "" when not called yet
    calls: int = 0

    @property
    def kind(self) -> str:
        return "booking" if self.booking_id is not None else "workshop"


@dataclass(frozen=True)
class CallList:
    day: date
    lines: tuple[ReminderLine, ...]

    @property
    def called(self) -> int:
        return sum(1 for line in self.lines if line.outcome)


@dataclass(frozen=True)
class CallTick:
    """One call ticked: for a booking or a registration, with its outcome."""

    for_date: date
    outcome: str
    booking_id: uuid.UUID | None = None
    attendance_id: uuid.UUID | None = None


def has_consent(person: Person | None) -> bool:
    return (
        person is not None
        and person.consent_given_at is not None
        and person.consent_withdrawn_at is None
        and person.anonymized_at is None
    )


def next_opening_day(calendar: SiteCalendar, after: date) -> date:
    """The first day after ``after`` the place opens (hours that weekday, no closure nor
    public holiday): Friday → Monday, or Saturday when the place opens on Saturdays."""
    for step in range(1, LOOK_AHEAD_DAYS + 1):
        day = after + timedelta(days=step)
        if calendar.ranges(day):
            return day
    return after + timedelta(days=1)


class ReminderService:
    def __init__(self, uow: UowFactory) -> None:
        self._uow = uow

    @requires(Permission.BOOKINGS)
    def next_day(self, site_id: uuid.UUID, today: date) -> date:
        """The day whose people are called ``today``: the next opening day."""
        with self._uow(read_only=True) as uow:
            return next_opening_day(SiteCalendar(uow, site_id), today)

    @requires(Permission.BOOKINGS)
    def call_list(self, site_id: uuid.UUID, day: date) -> CallList:
        """The people to call about ``day``: appointments by hour, then workshops."""
        with self._uow(read_only=True) as uow:
            calendar = SiteCalendar(uow, site_id)
            lines = [*_bookings(uow, calendar, day), *_registrations(uow, site_id, day)]
            last = _last_calls(uow, site_id, day)
            found = []
            for line in lines[:MOST]:
                key = line.booking_id or line.attendance_id
                outcome, calls = last.get(key, ("", 0)) if key else ("", 0)
                found.append(replace(line, outcome=outcome, calls=calls))
            return CallList(day, tuple(found))

    @requires(Permission.BOOKINGS)
    def record(self, site_id: uuid.UUID, tick: CallTick) -> ReminderLine:
        """Tick one call: a :class:`ReminderCall` line (and an audit line)."""
        if tick.outcome not in OUTCOMES:
            raise ValidationError(_("Résultat de l'appel"), _("choisissez un résultat connu"))
        if (tick.booking_id is None) == (tick.attendance_id is None):
            raise ValidationError(
                _("Appel"), _("choisissez un rendez-vous ou une inscription à rappeler")
            )
        with self._uow() as uow:
            if tick.booking_id is not None:
                booking = uow.session.get(Booking, tick.booking_id)
                if booking is None or booking.site_id != site_id:
                    raise NotFoundError(_("Ce rendez-vous n'existe plus."))
            else:
                attendance = uow.session.get(EventAttendance, tick.attendance_id)
                if attendance is None or attendance.site_id != site_id:
                    raise NotFoundError(_("Cette inscription n'existe plus."))
            call = ReminderCall(
                site_id=site_id,
                for_date=tick.for_date,
                booking_id=tick.booking_id,
                attendance_id=tick.attendance_id,
                called_at=utcnow(),
                outcome=tick.outcome,
                called_by_id=uow.actor_id,
            )
            uow.session.add(call)
            uow.session.flush()
            audit.record(
                uow,
                action=AuditAction.CREATE,
                entity="reminder_call",
                entity_id=call.id,
                site_id=site_id,
                details={"outcome": tick.outcome, "for_date": tick.for_date.isoformat()},
            )
            uow.commit()
        day_list = self.call_list(site_id, tick.for_date)
        key = tick.booking_id or tick.attendance_id
        for line in day_list.lines:
            if key in (line.booking_id, line.attendance_id):
                return line
        raise NotFoundError(_("Cette ligne n'est plus dans la liste d'appels."))


def contact_text(line: ReminderLine) -> str:
    """The number to dial, or why there is none."""
    if not line.consent:
        return _("pas de consentement")
    return line.phone or _("pas de numéro")


def outcome_text(line: ReminderLine) -> str:
    if not line.outcome:
        return ""
    label = _(OUTCOMES[line.outcome])
    if line.calls > 1:
        label = ngettext("{outcome} ({n} appel)", "{outcome} ({n} appels)", line.calls).format(
            outcome=label, n=line.calls
        )
    return label


def call_sheet(calls: CallList) -> AgendaSheet:
    """The call list as a printed sheet (boxes to tick with a pen)."""

    def lines(kind: str) -> tuple[tuple[str, str], ...]:
        return tuple(
            (
                format_time(line.start.time()) if line.start is not None else "—",
                # The sheet's cells are reportlab paragraphs (markup): « & » or « < » in a
                # name would break the page.
                escape(
                    " · ".join(
                        (line.name, line.what, contact_text(line), outcome_text(line) or "☐")
                    ),
                    quote=False,
                ),
            )
            for line in calls.lines
            if line.kind == kind
        )

    blocks = []
    for kind, heading in (("booking", _("Rendez-vous")), ("workshop", _("Ateliers"))):
        found = lines(kind)
        if found:
            blocks.append(SheetBlock(heading, found))
    return AgendaSheet(
        title=_("Appels de rappel"),
        subtitle=_("Pour le {day} · joint, messagerie, injoignable, annulé").format(
            day=format_date(calls.day, "full")
        ),
        blocks=tuple(blocks),
    )


def _bookings(uow: UnitOfWork, calendar: SiteCalendar, day: date) -> list[ReminderLine]:
    start, end = calendar.day_bounds(day)
    rows = uow.session.exec(
        select(Booking, Person, Resource.name)
        .join(Resource, col(Resource.id) == col(Booking.resource_id))
        .join(Person, col(Person.id) == col(Booking.person_id))
        .where(
            Booking.site_id == calendar.site_id,
            Booking.status == BookingStatus.CONFIRMED,
            col(Booking.start_at) >= start,
            col(Booking.start_at) < end,
        )
        .order_by(col(Booking.start_at))
        .limit(MOST)
    )
    return [
        ReminderLine(
            booking_id=b.id,
            attendance_id=None,
            person_id=person.id,
            name=display_name(person, b.organisation) or b.title,
            start=b.start_at.astimezone(calendar.zone),
            what=resource,
            phone=person.phone if has_consent(person) else "",
            consent=has_consent(person),
        )
        for b, person, resource in rows
    ]


def _registrations(uow: UnitOfWork, site_id: uuid.UUID, day: date) -> list[ReminderLine]:
    rows = uow.session.exec(
        select(EventAttendance, Person, Event)
        .join(Person, col(Person.id) == col(EventAttendance.person_id))
        .join(Event, col(Event.id) == col(EventAttendance.event_id))
        .where(
            Event.site_id == site_id,
            Event.event_date == day,
            col(EventAttendance.waiting).is_(False),
        )
        .order_by(col(Event.start_time), col(Event.title), col(Person.last_name))
        .limit(MOST)
    )
    return [
        ReminderLine(
            booking_id=None,
            attendance_id=a.id,
            person_id=person.id,
            name=display_name(person, ""),
            start=datetime.combine(day, event.start_time) if event.start_time else None,
            what=event.title,
            phone=person.phone if has_consent(person) else "",
            consent=has_consent(person),
        )
        for a, person, event in rows
    ]


def _last_calls(uow: UnitOfWork, site_id: uuid.UUID, day: date) -> dict[uuid.UUID, tuple[str, int]]:
    """The last outcome and the number of calls of each booking or registration of ``day``."""
    found: dict[uuid.UUID, tuple[str, int]] = {}
    for booking_id, attendance_id, outcome in uow.session.exec(
        select(
            col(ReminderCall.booking_id), col(ReminderCall.attendance_id), col(ReminderCall.outcome)
        )
        .where(ReminderCall.site_id == site_id, ReminderCall.for_date == day)
        .order_by(col(ReminderCall.called_at), col(ReminderCall.created_at))
    ):
        key = booking_id or attendance_id
        if key is not None:
            found[key] = (outcome, found.get(key, ("", 0))[1] + 1)
    return found


__all__ = [
    "CANCELLED",
    "OUTCOMES",
    "REACHED",
    "UNREACHABLE",
    "VOICEMAIL",
    "CallList",
    "CallTick",
    "ReminderLine",
    "ReminderService",
    "call_sheet",
    "contact_text",
    "has_consent",
    "next_opening_day",
    "outcome_text",
]
