"""Today at a glance for the Accueil screen: visits per service and per hour, the bookings
still expected today and the assistance follow-ups that are due.

:meth:`TodayService.summary` reads everything the panel shows in one transaction, with the
aggregation done by the database (the desk's laptop may hold years of visits of several
sites). :meth:`TodayService.visits` reads only the visit figures, in one query: the screen
reloads them after every key press, and a key press changes no booking.

"Today" is the place's day: bookings are stored in UTC and selected between the local
midnights of the site's time zone. A booking shows who it is for by name only: a health slot
stores no reason, and the screen at the desk is seen by people waiting.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import case
from sqlmodel import col, func, select

from tiers_lieu.db import UnitOfWork, UowFactory
from tiers_lieu.models import AssistanceRecord, Booking, Parcel, Person, Resource, Visit
from tiers_lieu.models.enums import BookingStatus
from tiers_lieu.services.access import Permission, requires
from tiers_lieu.services.sites import site_zone


@dataclass(frozen=True)
class BookingDue:
    """A booking expected today, as the host needs it: when, what, for whom (a name)."""

    id: uuid.UUID
    start: time
    end: time
    resource_name: str
    who: str


@dataclass(frozen=True)
class TodaySummary:
    day: date
    visits_by_service: dict[uuid.UUID, int] = field(default_factory=dict)
    visits_by_hour: dict[int, int] = field(default_factory=dict)
    """People counted per hour of the activity time (0–23); untimed visits are left out."""
    untimed: int = 0
    total: int = 0
    bookings_today: tuple[BookingDue, ...] = ()
    """The day's bookings still expected (confirmed)."""
    bookings_arrived: int = 0
    """The day's bookings already pointed as arrived."""
    follow_ups_due: int = 0
    parcels_waiting: int = 0
    """Parcels of the relay waiting to be handed over (neither handed nor sent back)."""
    parcels_late: int = 0
    """Of those, the ones past their date: to send back."""


@dataclass(frozen=True)
class DayVisits:
    day: date
    by_service: dict[uuid.UUID, int]
    by_hour: dict[int, int]
    untimed: int
    total: int


def _day_visits(uow: UnitOfWork, site_id: uuid.UUID, day: date) -> DayVisits:
    # One query grouped by service and exact time (a day holds at most a few hundred
    # distinct times); the hours are taken here because extracting an hour is written
    # differently in SQLite and PostgreSQL.
    by_service: Counter[uuid.UUID] = Counter()
    by_hour: Counter[int] = Counter()
    untimed = 0
    for service_id, moment, total in uow.session.exec(
        select(Visit.service_id, col(Visit.activity_time), func.sum(Visit.count))
        .where(Visit.site_id == site_id, Visit.activity_date == day)
        .group_by(col(Visit.service_id), col(Visit.activity_time))
    ).all():
        people = int(total or 0)
        by_service[service_id] += people
        if moment is None:
            untimed += people
        else:
            by_hour[moment.hour] += people
    return DayVisits(
        day=day,
        by_service=dict(by_service),
        by_hour=dict(sorted(by_hour.items())),
        untimed=untimed,
        total=sum(by_service.values()),
    )


def _who(booking: Booking, person: Person | None) -> str:
    """The person's display name, else the organisation booked for; nothing more."""
    if person is not None and person.anonymized_at is None:
        name = " ".join(p for p in (person.first_name, person.last_name) if p)
        if name or person.organisation:
            return name or person.organisation
    return booking.organisation


class TodayService:
    def __init__(self, uow: UowFactory) -> None:
        self._uow = uow

    @requires(Permission.DESK)
    def visits(self, site_id: uuid.UUID, day: date) -> DayVisits:
        """The visit figures of ``day`` alone: what the screen reloads after each key press."""
        with self._uow() as uow:
            return _day_visits(uow, site_id, day)

    @requires(Permission.DESK)
    def summary(self, site_id: uuid.UUID, day: date) -> TodaySummary:
        with self._uow() as uow:
            zone = site_zone(uow, site_id)
            visits = _day_visits(uow, site_id, day)

            start = datetime.combine(day, time(0), zone).astimezone(UTC)
            end = datetime.combine(day + timedelta(days=1), time(0), zone).astimezone(UTC)
            bookings = uow.session.exec(
                select(Booking, Resource.name, Person)
                .join(Resource, col(Resource.id) == col(Booking.resource_id))
                .outerjoin(Person, col(Person.id) == col(Booking.person_id))
                .where(
                    Booking.site_id == site_id,
                    Booking.status == BookingStatus.CONFIRMED,
                    col(Booking.start_at) >= start,
                    col(Booking.start_at) < end,
                )
                .order_by(col(Booking.start_at), col(Resource.name))
            ).all()
            due = tuple(
                BookingDue(
                    id=booking.id,
                    start=booking.start_at.astimezone(zone).time(),
                    end=booking.end_at.astimezone(zone).time(),
                    resource_name=resource_name,
                    who=_who(booking, person),
                )
                for booking, resource_name, person in bookings
            )

            arrived = uow.session.exec(
                select(func.count())
                .select_from(Booking)
                .where(
                    Booking.site_id == site_id,
                    Booking.status == BookingStatus.CHECKED_IN,
                    col(Booking.start_at) >= start,
                    col(Booking.start_at) < end,
                )
            ).one()

            follow_ups = uow.session.exec(
                select(func.count())
                .select_from(AssistanceRecord)
                .where(
                    AssistanceRecord.site_id == site_id,
                    col(AssistanceRecord.follow_up_due).is_not(None),
                    col(AssistanceRecord.follow_up_due) <= day,
                    col(AssistanceRecord.follow_up_closed_at).is_(None),
                )
            ).one()

            waiting, late = uow.session.exec(
                select(
                    func.count(),
                    func.coalesce(func.sum(case((col(Parcel.keep_until) < day, 1), else_=0)), 0),
                ).where(
                    Parcel.site_id == site_id,
                    col(Parcel.handed_at).is_(None),
                    col(Parcel.returned_at).is_(None),
                )
            ).one()

            return TodaySummary(
                day=day,
                visits_by_service=visits.by_service,
                visits_by_hour=visits.by_hour,
                untimed=visits.untimed,
                total=visits.total,
                bookings_today=due,
                bookings_arrived=int(arrived or 0),
                follow_ups_due=int(follow_ups or 0),
                parcels_waiting=int(waiting or 0),
                parcels_late=int(late or 0),
            )
