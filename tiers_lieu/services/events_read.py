"""What the workshops screens read: the events' read models, and how they are built from rows.

Kept apart from :mod:`tiers_lieu.services.events`, which writes: building an event's read
model (labels, partner, participants, attendance lines) takes a fixed number of queries
whatever the number of events listed, and both the list and every write return one.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import col, select

from tiers_lieu.db import UnitOfWork
from tiers_lieu.models import Category, Event, EventAttendance, Partner, Person, Service
from tiers_lieu.models.enums import CategoryKind
from tiers_lieu.services.coop_vocabulary import DIGITAL_THEMES, EQUIPMENT


@dataclass(frozen=True)
class HeadCountLine:
    """``count`` anonymous participants sharing the same categories (``None`` = unknown)."""

    count: int
    gender_id: uuid.UUID | None = None
    age_band_id: uuid.UUID | None = None
    status_id: uuid.UUID | None = None


@dataclass(frozen=True)
class RegisteredPerson:
    person_id: uuid.UUID
    name: str


@dataclass(frozen=True)
class PartnerChoice:
    id: uuid.UUID
    name: str


@dataclass(frozen=True)
class EventInfo:
    id: uuid.UUID
    title: str
    event_type_id: uuid.UUID | None
    event_type: str
    theme: str
    service_id: uuid.UUID | None
    service_name: str
    event_date: date
    start_time: time | None
    duration_min: int
    place: str
    facilitator: str
    partner_id: uuid.UUID | None
    partner_name: str
    attendance_mode: str
    participants: int
    # The Coop de la médiation numérique's fields (keys of services/coop_vocabulary.py).
    capacity: int | None = None
    workshop_level: str | None = None
    digital_themes: tuple[str, ...] = ()
    equipment: tuple[str, ...] = ()
    channel: str | None = None


@dataclass(frozen=True)
class EventDetail:
    event: EventInfo
    head_counts: tuple[HeadCountLine, ...]
    registered: tuple[RegisteredPerson, ...]


@dataclass(frozen=True)
class EventTotals:
    events: int
    participants: int
    minutes: int

    @property
    def hours(self) -> float:
        return self.minutes / 60


def event_totals(events: Iterable[EventInfo]) -> EventTotals:
    listed = list(events)
    return EventTotals(
        events=len(listed),
        participants=sum(e.participants for e in listed),
        minutes=sum(e.duration_min for e in listed),
    )


def _person_name(person: Person) -> str:
    name = " ".join(p for p in (person.first_name, person.last_name) if p)
    return name or person.organisation


def event_infos(uow: UnitOfWork, site_id: uuid.UUID, events: list[Event]) -> list[EventInfo]:
    """Read models of ``events`` with labels and participants, in a fixed number of queries."""
    if not events:
        return []
    session = uow.session
    ids = [e.id for e in events]
    participants: dict[uuid.UUID, int] = {
        event_id: int(total or 0)
        for event_id, total in session.execute(
            sa_select(col(EventAttendance.event_id), func.sum(EventAttendance.count))
            .where(col(EventAttendance.event_id).in_(ids), col(EventAttendance.waiting).is_(False))
            .group_by(col(EventAttendance.event_id))
        )
    }
    types = {
        c.id: c.label
        for c in session.exec(
            select(Category).where(
                Category.site_id == site_id, Category.kind == CategoryKind.EVENT_TYPE
            )
        )
    }
    services = {
        s.id: s.name for s in session.exec(select(Service).where(Service.site_id == site_id))
    }
    partners = {
        p.id: p.name for p in session.exec(select(Partner).where(Partner.site_id == site_id))
    }
    return [
        EventInfo(
            id=e.id,
            title=e.title,
            event_type_id=e.event_type_id,
            event_type=types.get(e.event_type_id, "") if e.event_type_id else "",
            theme=e.theme,
            service_id=e.service_id,
            service_name=services.get(e.service_id, "") if e.service_id else "",
            event_date=e.event_date,
            start_time=e.start_time,
            duration_min=e.duration_min,
            place=e.place,
            facilitator=e.facilitator,
            partner_id=e.partner_id,
            partner_name=partners.get(e.partner_id, "") if e.partner_id else "",
            attendance_mode=e.attendance_mode,
            participants=participants.get(e.id, 0),
            capacity=e.capacity,
            workshop_level=e.workshop_level,
            digital_themes=DIGITAL_THEMES.split(e.digital_themes),
            equipment=EQUIPMENT.split(e.equipment),
            channel=e.channel,
        )
        for e in events
    ]


def event_detail(uow: UnitOfWork, event: Event) -> EventDetail:
    session = uow.session
    lines = list(
        session.exec(
            select(EventAttendance)
            .where(EventAttendance.event_id == event.id, col(EventAttendance.waiting).is_(False))
            .order_by(col(EventAttendance.created_at), col(EventAttendance.id))
        )
    )
    people = {
        p.id: p
        for p in session.exec(
            select(Person).where(
                col(Person.id).in_([a.person_id for a in lines if a.person_id is not None])
            )
        )
    }
    head_counts = tuple(
        HeadCountLine(a.count, a.gender_id, a.age_band_id, a.status_id)
        for a in lines
        if a.person_id is None
    )
    registered = sorted(
        (
            RegisteredPerson(a.person_id, _person_name(people[a.person_id]))
            for a in lines
            if a.person_id is not None and a.person_id in people
        ),
        key=lambda r: r.name.casefold(),
    )
    return EventDetail(
        event=event_infos(uow, event.site_id, [event])[0],
        head_counts=head_counts,
        registered=tuple(registered),
    )
