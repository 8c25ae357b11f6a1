"""What a workshop's attendance sheet (« feuille d'émargement ») prints before it is held.

A LEADER payment claim proves each workshop by its sheet signed by the participants. The sheet
names the place and the workshop, lists the people registered (one line each, to sign), then
empty lines for those who come without registering, up to the workshop's capacity when it is
known. The EU block (emblem and « Cofinancé par l'Union européenne ») is printed only when an
operation of the place covers the workshop's day: a sheet must not claim a co-financing that
no operation declares. The writer is :mod:`tiers_lieu.reports.documents.attendance_sheet`.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time

from sqlmodel import col, select

from tiers_lieu.db import UnitOfWork
from tiers_lieu.models import Event, EventAttendance, Operation, Person, Site
from tiers_lieu.services.people_search import fold

MAX_SHEETS = 1000
"""Sheets in one file at most (a year of a busy place is a few hundred workshops)."""


@dataclass(frozen=True)
class SheetOperation:
    """The LEADER operation covering a workshop's day, for the EU block."""

    title: str
    emblem_path: str | None


@dataclass(frozen=True)
class AttendanceSheet:
    """One workshop's sheet. ``names``: the people registered, in alphabetical order
    (accents and case ignored);
    ``capacity``: the places offered, when the workshop says."""

    place_name: str
    title: str
    event_date: date
    start_time: time | None
    duration_min: int
    location: str
    facilitator: str
    capacity: int | None
    names: tuple[str, ...]
    operation: SheetOperation | None


def _name(person: Person) -> str:
    name = " ".join(p for p in (person.first_name, person.last_name) if p)
    return name or person.organisation


def _covering(operations: Sequence[Operation], day: date) -> SheetOperation | None:
    """The most recent operation whose dates (open at either end) include ``day``."""
    for operation in operations:
        if operation.start_date is not None and day < operation.start_date:
            continue
        if operation.end_date is not None and day > operation.end_date:
            continue
        return SheetOperation(operation.title, operation.emblem_path)
    return None


def attendance_sheets(
    uow: UnitOfWork, site_id: uuid.UUID, events: Sequence[Event]
) -> list[AttendanceSheet]:
    """The sheets of ``events`` (one place's), in the order given, in four queries."""
    if not events:
        return []
    session = uow.session
    site = session.get(Site, site_id)
    place_name = site.name if site is not None else ""
    operations = list(
        session.exec(
            select(Operation)
            .where(Operation.site_id == site_id)
            .order_by(col(Operation.created_at).desc())
        )
    )
    names: dict[uuid.UUID, list[str]] = {}
    rows = session.exec(
        select(EventAttendance.event_id, Person)
        .join(Person, col(Person.id) == col(EventAttendance.person_id))
        .where(
            col(EventAttendance.event_id).in_([e.id for e in events]),
            col(EventAttendance.waiting).is_(False),  # the waiting list signs nothing
        )
    )
    for event_id, person in rows:
        name = _name(person).strip()
        if name and person.anonymized_at is None:
            names.setdefault(event_id, []).append(name)
    return [
        AttendanceSheet(
            place_name=place_name,
            title=event.title,
            event_date=event.event_date,
            start_time=event.start_time,
            duration_min=event.duration_min,
            location=event.place,
            facilitator=event.facilitator,
            capacity=event.capacity,
            names=tuple(sorted(names.get(event.id, []), key=lambda n: (fold(n), n))),
            operation=_covering(operations, event.event_date),
        )
        for event in events
    ]
