"""The people to call when the place closes, a permanence takes a room over their booking, a
permanence ends before the slot they booked, or their resource is made unbookable.

Adding a closure or a permanence never cancels anything by itself: the bookings still standing
on those days or in those hours are returned so the host calls each person and moves or
cancels the booking with them, instead of leaving them silently in a closed room. Only
confirmed bookings that have not started yet are listed, soonest first; phone and e-mail are
given to a role allowed to see them (``PEOPLE_EDIT``), like the AMAP's lists.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, date, datetime, time

from sqlmodel import col, select

from tiers_lieu.db import UnitOfWork
from tiers_lieu.i18n import _, format_date, format_time
from tiers_lieu.models import Booking, Permanence, Person, Resource
from tiers_lieu.models.enums import BookingStatus
from tiers_lieu.services.access import Permission
from tiers_lieu.services.agenda.common import display_name
from tiers_lieu.services.agenda.readmodels import BookedPerson
from tiers_lieu.services.agenda.rules import SiteCalendar, occurrence_dates

MOST = 500
"""At most this many bookings are listed (a closure of a whole year stays readable)."""


def _query(uow: UnitOfWork, site_id: uuid.UUID, start: datetime, end: datetime | None):  # type: ignore[no-untyped-def]
    query = (
        select(Booking, Person, Resource.name)
        .join(Resource, col(Resource.id) == col(Booking.resource_id))
        .outerjoin(Person, col(Person.id) == col(Booking.person_id))
        .where(
            Booking.site_id == site_id,
            Booking.status == BookingStatus.CONFIRMED,
            col(Booking.start_at) >= start,
        )
        .order_by(col(Booking.start_at))
    )
    if end is not None:
        query = query.where(col(Booking.start_at) < end)
    return query


def _people(
    uow: UnitOfWork, calendar: SiteCalendar, rows: Iterable[tuple[Booking, Person | None, str]]
) -> tuple[BookedPerson, ...]:
    contacts = uow.access is None or uow.access.allows(Permission.PEOPLE_EDIT)
    found: list[BookedPerson] = []
    for b, person, resource_name in rows:
        shown = contacts and person is not None and person.anonymized_at is None
        found.append(
            BookedPerson(
                booking_id=b.id,
                person_id=b.person_id,
                name=display_name(person, b.organisation) or b.title,
                phone=person.phone if shown and person else "",
                email=person.email if shown and person else "",
                start=b.start_at.astimezone(calendar.zone),
                end=b.end_at.astimezone(calendar.zone),
                resource_name=resource_name,
            )
        )
        if len(found) == MOST:
            break
    return tuple(found)


def on_days(
    uow: UnitOfWork, calendar: SiteCalendar, first: date, last: date
) -> tuple[BookedPerson, ...]:
    """The bookings of every resource from ``first`` to ``last`` (included), from now on."""
    start = max(calendar.day_bounds(first)[0], datetime.now(UTC))
    end = calendar.day_bounds(last)[1]
    if start >= end:
        return ()
    rows = uow.session.exec(_query(uow, calendar.site_id, start, end).limit(MOST))
    return _people(uow, calendar, rows)


def under_permanence(
    uow: UnitOfWork, calendar: SiteCalendar, perm: Permanence
) -> tuple[BookedPerson, ...]:
    """The other bookings of the permanence's room during its hours, on its dates, from now
    on (days the place is closed left out: the permanence does not take place then)."""
    start = max(calendar.local(perm.start_date, time(0)).astimezone(UTC), datetime.now(UTC))
    end = None
    if perm.end_date is not None:
        end = calendar.day_bounds(perm.end_date)[1]
        if start >= end:
            return ()
    query = _query(uow, calendar.site_id, start, end).where(
        Booking.resource_id == perm.resource_id, col(Booking.permanence_id).is_(None)
    )

    def over(b: Booking) -> bool:
        local_start = b.start_at.astimezone(calendar.zone)
        local_end = b.end_at.astimezone(calendar.zone)
        day = local_start.date()
        if calendar.closed_reason(day) is not None:
            return False
        if not any(
            occurrence_dates(
                perm.weekday, perm.interval_weeks, perm.start_date, perm.end_date, day, day
            )
        ):
            return False
        return local_start.time() < perm.end_time and (
            local_end.date() > day or local_end.time() > perm.start_time
        )

    rows = (row for row in uow.session.exec(query) if over(row[0]))
    return _people(uow, calendar, rows)


def after_end(
    uow: UnitOfWork, calendar: SiteCalendar, perm: Permanence
) -> tuple[BookedPerson, ...]:
    """The slots of the permanence booked after its last day (``end_date``), from now on:
    the practitioner no longer comes, each person is called."""
    if perm.end_date is None:
        return ()
    start = max(calendar.day_bounds(perm.end_date)[1], datetime.now(UTC))
    query = _query(uow, calendar.site_id, start, None).where(Booking.permanence_id == perm.id)
    return _people(uow, calendar, uow.session.exec(query.limit(MOST)))


def on_resource(
    uow: UnitOfWork, calendar: SiteCalendar, resource_id: uuid.UUID
) -> tuple[BookedPerson, ...]:
    """The bookings of a resource from now on (it was just made unbookable)."""
    query = _query(uow, calendar.site_id, datetime.now(UTC), None).where(
        Booking.resource_id == resource_id
    )
    return _people(uow, calendar, uow.session.exec(query.limit(MOST)))


def describe(person: BookedPerson) -> str:
    """« mercredi 7 août 2030, 10:00–11:00 · Salle de réunion · Léa Martin · 06 12 34 56 78 »."""
    hours = format_time(person.start.time())
    if person.end is not None:
        hours = _("{start}–{end}").format(start=hours, end=format_time(person.end.time()))
    parts = [
        _("{date}, {hours}").format(date=format_date(person.start.date(), "full"), hours=hours),
        person.resource_name,
        person.name or "—",
        person.phone,
    ]
    return " · ".join(p for p in parts if p)
