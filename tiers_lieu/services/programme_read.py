"""What the programme's screens and documents read: a workshop's places and registrations,
the programme of a period, and how they are built from rows (a fixed number of queries
whatever the number of workshops). The writes are in :mod:`tiers_lieu.services.programme`.
"""

from __future__ import annotations

import calendar as calendar_module
import uuid
from dataclasses import dataclass
from datetime import date, time, timedelta

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import col, select

from tiers_lieu.db import UnitOfWork
from tiers_lieu.i18n import _, ngettext
from tiers_lieu.models import Booking, Event, EventAttendance, Person, Resource
from tiers_lieu.models.enums import BookingStatus

MAX_EVENTS = 200
"""Workshops in one programme at most (a busy month is a few dozen)."""

WEEK, MONTH = "week", "month"


@dataclass(frozen=True)
class Registration:
    """A line of a workshop's registrations: a person (``person_id``) or ``count`` places
    reserved without a name; ``waiting``: on the waiting list."""

    id: uuid.UUID
    person_id: uuid.UUID | None
    name: str
    count: int
    waiting: bool


@dataclass(frozen=True)
class EventPlaces:
    """A workshop's places: ``taken`` (registered and reserved), the ``capacity`` (``None``:
    not limited) and its registrations, those with a place first, then the waiting list in
    its order."""

    event_id: uuid.UUID
    title: str
    event_date: date
    start_time: time | None
    capacity: int | None
    taken: int
    registrations: tuple[Registration, ...]
    room: str = ""

    @property
    def waiting(self) -> int:
        return sum(1 for r in self.registrations if r.waiting)

    @property
    def places_left(self) -> int | None:
        return None if self.capacity is None else max(0, self.capacity - self.taken)


@dataclass(frozen=True)
class RegistrationOutcome:
    places: EventPlaces
    waiting: bool
    position: int | None = None  # on the waiting list, from 1

    def message(self) -> str:
        if self.waiting:
            return _("Atelier complet : inscription sur la liste d'attente (rang {n}).").format(
                n=self.position
            )
        left = self.places.places_left
        if left is None:
            return _("Inscription enregistrée.")
        return ngettext(
            "Inscription enregistrée : {n} place restante.",
            "Inscription enregistrée : {n} places restantes.",
            left,
        ).format(n=left)


@dataclass(frozen=True)
class CancelOutcome:
    places: EventPlaces
    moved_up: tuple[str, ...]  # the names of those who took the freed places

    def message(self) -> str:
        if not self.moved_up:
            return _("Inscription annulée.")
        return _("Inscription annulée ; passe de la liste d'attente : {names}.").format(
            names=", ".join(self.moved_up)
        )


@dataclass(frozen=True)
class RoomChoice:
    id: uuid.UUID
    name: str
    capacity: int


@dataclass(frozen=True)
class ProgrammeLine:
    """One workshop on the programme."""

    event_id: uuid.UUID
    title: str
    event_date: date
    start_time: time | None
    duration_min: int
    room: str
    facilitator: str
    capacity: int | None
    taken: int
    waiting: int

    @property
    def places_left(self) -> int | None:
        return None if self.capacity is None else max(0, self.capacity - self.taken)


@dataclass(frozen=True)
class Programme:
    """A place's workshops from ``start`` to ``end`` in day and hour order."""

    site_id: uuid.UUID
    place_name: str
    place_address: str
    zone_name: str  # the place's time zone (the .ics file's TZID)
    start: date
    end: date
    lines: tuple[ProgrammeLine, ...]


def period_of(day: date, span: str) -> tuple[date, date]:
    """The week (Monday to Sunday) or the month holding ``day``."""
    if span == WEEK:
        first = day - timedelta(days=day.weekday())
        return first, first + timedelta(days=6)
    if span == MONTH:
        last = calendar_module.monthrange(day.year, day.month)[1]
        return day.replace(day=1), day.replace(day=last)
    raise ValueError(span)


def person_name(person: Person) -> str:
    if person.anonymized_at is not None:
        return _("Personne anonymisée")
    name = " ".join(p for p in (person.first_name, person.last_name) if p)
    return name or person.organisation


def reserved_text(count: int) -> str:
    return ngettext("{n} place réservée", "{n} places réservées", count).format(n=count)


def place_counts(
    uow: UnitOfWork, event_ids: list[uuid.UUID]
) -> tuple[dict[uuid.UUID, int], dict[uuid.UUID, int]]:
    """Places taken and people waiting, per event, in one grouped read."""
    taken: dict[uuid.UUID, int] = {}
    waiting: dict[uuid.UUID, int] = {}
    if not event_ids:
        return taken, waiting
    for event_id, is_waiting, total in uow.session.execute(
        sa_select(
            col(EventAttendance.event_id),
            col(EventAttendance.waiting),
            func.sum(EventAttendance.count),
        )
        .where(col(EventAttendance.event_id).in_(event_ids))
        .group_by(col(EventAttendance.event_id), col(EventAttendance.waiting))
    ):
        (waiting if is_waiting else taken)[event_id] = int(total or 0)
    return taken, waiting


def room_names(uow: UnitOfWork, events: list[Event]) -> dict[uuid.UUID, str]:
    """The name of the room each event blocks (confirmed bookings only)."""
    booking_ids = [e.booking_id for e in events if e.booking_id is not None]
    if not booking_ids:
        return {}
    names = {
        booking_id: name
        for booking_id, name in uow.session.execute(
            sa_select(col(Booking.id), col(Resource.name))
            .join(Resource, col(Resource.id) == col(Booking.resource_id))
            .where(col(Booking.id).in_(booking_ids), col(Booking.status) == BookingStatus.CONFIRMED)
        )
    }
    return {e.id: names[e.booking_id] for e in events if e.booking_id in names}


def event_places(uow: UnitOfWork, event: Event) -> EventPlaces:
    rows = uow.session.exec(
        select(EventAttendance, Person)
        .join(Person, col(Person.id) == col(EventAttendance.person_id), isouter=True)
        .where(EventAttendance.event_id == event.id)
        .order_by(col(EventAttendance.created_at), col(EventAttendance.id))
    ).all()
    lines = [
        Registration(
            id=row.id,
            person_id=row.person_id,
            name=person_name(person) if person is not None else reserved_text(row.count),
            count=row.count,
            waiting=row.waiting,
        )
        for row, person in rows
    ]
    lines.sort(key=lambda r: r.waiting)  # stable: each list keeps its order
    return EventPlaces(
        event_id=event.id,
        title=event.title,
        event_date=event.event_date,
        start_time=event.start_time,
        capacity=event.capacity,
        taken=sum(r.count for r in lines if not r.waiting),
        registrations=tuple(lines),
        room=room_names(uow, [event]).get(event.id, ""),
    )
