"""The call list of the day before: the calls ticked about the last weeks' appointments and
workshop registrations (most people reached, some on voicemail, a few unreachable or
cancelled), and tomorrow's list left to call.

Run last, with a random generator of its own: the rest of the demo is the same with or
without it.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select

from tiers_lieu.models import Booking, Event, EventAttendance, ReminderCall
from tiers_lieu.models.enums import BookingStatus
from tiers_lieu.services.demo.common import DemoContext, uuid4_of
from tiers_lieu.services.reminders import CANCELLED, REACHED, UNREACHABLE, VOICEMAIL

WEEKS = 6
"""Weeks of calls before today."""

CALLED_SHARE = 0.7
"""The share of the appointments and registrations the desk called about."""

COLUMNS = ("id", "for_date", "booking_id", "attendance_id", "called_at", "outcome")


def add_reminders(ctx: DemoContext) -> int:
    """The calls of the last :data:`WEEKS` weeks, each made the afternoon before (a second
    call after a voicemail, now and then); returns how many were written."""
    rng = random.Random(f"comptoir-demo-reminders:{ctx.site_name}:{ctx.today.isoformat()}")
    first = max(ctx.start, ctx.today - timedelta(weeks=WEEKS))
    since = datetime.combine(first, time(0), tzinfo=ctx.tz).astimezone(UTC)
    until = datetime.combine(ctx.today + timedelta(days=1), time(0), tzinfo=ctx.tz).astimezone(UTC)
    targets: list[tuple[date, Any, Any]] = []
    for booking_id, start in ctx.conn.execute(
        select(Booking.id, Booking.start_at)  # type: ignore[call-overload]
        .where(
            Booking.site_id == ctx.site_id,
            Booking.person_id.is_not(None),  # type: ignore[union-attr]
            Booking.status != BookingStatus.CANCELLED,
            Booking.start_at >= since,
            Booking.start_at < until,
        )
        .order_by(Booking.start_at)
    ):
        start = start if start.tzinfo else start.replace(tzinfo=UTC)
        targets.append((start.astimezone(ctx.tz).date(), booking_id, None))
    for attendance_id, day in ctx.conn.execute(
        select(EventAttendance.id, Event.event_date)  # type: ignore[call-overload]
        .join(Event, Event.id == EventAttendance.event_id)
        .where(
            Event.site_id == ctx.site_id,
            EventAttendance.person_id.is_not(None),  # type: ignore[union-attr]
            Event.event_date >= first,
            Event.event_date <= ctx.today,
        )
        .order_by(Event.event_date, EventAttendance.id)
    ):
        targets.append((day, None, attendance_id))
    rows: list[tuple[Any, ...]] = []
    for day, booking_id, attendance_id in targets:
        if rng.random() >= CALLED_SHARE:
            continue
        called = ctx.at(day - timedelta(days=1), time(16, rng.randrange(0, 60, 5)))
        outcome = rng.choices((REACHED, VOICEMAIL, UNREACHABLE, CANCELLED), weights=(70, 18, 8, 4))[
            0
        ]
        rows.append(
            (uuid4_of(rng.getrandbits(128)), day, booking_id, attendance_id, called, outcome)
        )
        if outcome == VOICEMAIL and rng.random() < 0.5:
            again = called + timedelta(hours=1, minutes=rng.randrange(0, 40, 5))
            rows.append(
                (uuid4_of(rng.getrandbits(128)), day, booking_id, attendance_id, again, REACHED)
            )
    ctx.insert_rows(ReminderCall, COLUMNS, rows)
    return len(rows)
