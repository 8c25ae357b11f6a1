"""The demo's programme (issue 22): the workshops of the coming weeks with registrations
ahead, places reserved for a group, one workshop full with a waiting list, and the meeting
room blocked in the agenda for those it is free for.

A random generator of its own (like the reminders), every row's id drawn from it, so the rest
of the demo does not move; written in bulk like the other demo modules. The workshops are to
come: their registrations are written without visits (the demo keeps no visit after today).
"""

from __future__ import annotations

import random
import uuid
from datetime import date, time, timedelta
from typing import Any

from sqlalchemy import and_, select

from tiers_lieu.models import Booking, Event, EventAttendance, Resource
from tiers_lieu.models.enums import (
    AttendanceMode,
    BookingStatus,
    CategoryKind,
    ResourceKind,
    ServiceKind,
)
from tiers_lieu.services.demo.common import DemoContext, uuid4_of

# title, type, start, minutes, capacity (None: not limited), registered, group, waiting
WORKSHOPS: tuple[tuple[str, str, time, int, int | None, int, int, int], ...] = (
    ("Premiers pas sur tablette", "Atelier numérique", time(14, 0), 90, 8, 6, 2, 3),
    ("Sécuriser son smartphone", "Atelier numérique", time(10, 0), 120, 10, 4, 0, 0),
    ("Déclarer ses impôts en ligne", "Atelier numérique", time(14, 30), 90, 6, 3, 3, 0),
    ("Café des parents", "Animation", time(17, 30), 60, None, 3, 0, 0),
    ("Rédiger son CV", "Atelier numérique", time(10, 0), 120, 8, 2, 0, 0),
    ("Atelier cuisine anti-gaspi", "Animation", time(14, 0), 120, 12, 5, 4, 0),
)


def _open_days(ctx: DemoContext, first: date, count: int) -> list[date]:
    """The next ``count`` weekdays the place opens, from ``first``."""
    days: list[date] = []
    day = first
    while len(days) < count and day < first + timedelta(days=60):
        closed = any(start <= day <= end for start, end in ctx.closures)
        if day.weekday() < 5 and ctx.hours.get(day.weekday()) and not closed:
            days.append(day)
        day += timedelta(days=1)
    return days


def _room(ctx: DemoContext) -> uuid.UUID | None:
    table = Resource.__table__  # type: ignore[attr-defined]
    return ctx.conn.execute(
        select(table.c.id).where(
            table.c.site_id == ctx.site_id, table.c.kind == ResourceKind.MEETING_ROOM
        )
    ).scalar()


def _room_free(ctx: DemoContext, room: uuid.UUID, start: Any, end: Any) -> bool:
    table = Booking.__table__  # type: ignore[attr-defined]
    taken = ctx.conn.execute(
        select(table.c.id).where(
            and_(
                table.c.resource_id == room,
                table.c.status != BookingStatus.CANCELLED,
                table.c.start_at < end,
                table.c.end_at > start,
            )
        )
    ).first()
    return taken is None


def add_programme(ctx: DemoContext) -> int:
    """The coming weeks' workshops; the number of registrations written."""
    rng = random.Random(f"comptoir-demo-programme:{ctx.site_name}:{ctx.today.isoformat()}")
    people = [p for p in ctx.people if p.since <= ctx.today]
    days = _open_days(ctx, ctx.today + timedelta(days=1), 14)
    if len(people) < 12 or len(days) < len(WORKSHOPS):
        return 0
    service = ctx.services.get(ServiceKind.WORKSHOP) or ctx.services.get(ServiceKind.OTHER)
    room = _room(ctx)
    chosen_days = sorted(rng.sample(days, len(WORKSHOPS)))
    events: list[dict[str, Any]] = []
    bookings: list[dict[str, Any]] = []
    lines: list[dict[str, Any]] = []
    for day, spec in zip(chosen_days, WORKSHOPS, strict=True):
        title, type_label, start, minutes, capacity, registered, group, waiting = spec
        eid = uuid4_of(rng.getrandbits(128))
        stamp = ctx.at(ctx.today, time(9, 0)) - timedelta(days=rng.randint(2, 12))
        booking_id = None
        begins = ctx.at(day, start)
        ends = begins + timedelta(minutes=minutes)
        if room is not None and _room_free(ctx, room, begins, ends):
            booking_id = uuid4_of(rng.getrandbits(128))
            bookings.append(
                {
                    "id": booking_id,
                    "created_at": stamp,
                    "resource_id": room,
                    "start_at": begins,
                    "end_at": ends,
                    "seats": 1,
                    "title": title,
                    "status": BookingStatus.CONFIRMED,
                    "price_cents": 0,
                }
            )
        events.append(
            {
                "id": eid,
                "created_at": stamp,
                "title": title,
                "event_type_id": ctx.category(CategoryKind.EVENT_TYPE, type_label),
                "service_id": service,
                "event_date": day,
                "start_time": start,
                "duration_min": minutes,
                "place": "Salle de réunion" if booking_id else "Salle commune",
                "facilitator": rng.choice(["Conseiller numérique", "Bénévole", "Coordinatrice"]),
                "attendance_mode": AttendanceMode.REGISTERED,
                "capacity": capacity,
                "booking_id": booking_id,
            }
        )
        who = rng.sample(people, registered + waiting)
        for number, person in enumerate(who):
            on_list = number >= registered
            lines.append(
                {
                    "id": uuid4_of(rng.getrandbits(128)),
                    "created_at": stamp + timedelta(minutes=number),
                    "event_id": eid,
                    "person_id": person.id,
                    "count": 1,
                    "age_band_id": person.age_band_id,
                    "gender_id": person.gender_id,
                    "status_id": person.status_id,
                    "waiting": on_list,
                }
            )
        if group:
            lines.append(
                {
                    "id": uuid4_of(rng.getrandbits(128)),
                    "created_at": stamp + timedelta(minutes=registered),
                    "event_id": eid,
                    "person_id": None,
                    "count": group,
                    "age_band_id": None,
                    "gender_id": None,
                    "status_id": None,
                    "waiting": False,
                }
            )
    ctx.insert(Booking, bookings)
    ctx.insert(Event, events)
    ctx.insert(EventAttendance, lines)
    return len(lines)
