"""« Santé »: practitioners' permanences held, the slots they offered and those taken.

A permanence is held on each date of its rhythm (weekday, every N weeks from its start date,
until its end date) within the period, except the dates it was cancelled and the days the
place is closed (public holidays, closures). Each holding offers as many slots as fit
between its start and end times. Slots taken are the non-cancelled bookings linked to a
permanence (no-shows included: the slot was given). No medical reason is ever read.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from tiers_lieu.models import Booking, Permanence, PermanenceCancellation, Practitioner
from tiers_lieu.models.enums import BookingStatus
from tiers_lieu.reports.indicators.common import Scope, breakdown, merge, table, total
from tiers_lieu.reports.model import Indicator


def compute(scope: Scope) -> list[Indicator]:
    permanence, practitioner = table(Permanence), table(Practitioner)
    cancellation, booking = table(PermanenceCancellation), table(Booking)
    rows = scope.session.execute(
        select(
            permanence.c.id,
            permanence.c.site_id,
            permanence.c.practitioner_id,
            permanence.c.weekday,
            permanence.c.start_time,
            permanence.c.end_time,
            permanence.c.slot_min,
            permanence.c.interval_weeks,
            permanence.c.start_date,
            permanence.c.end_date,
        ).where(
            scope.on_sites(permanence.c.site_id),
            permanence.c.start_date <= scope.end,
        )
    ).all()
    cancelled = {
        (r[0], r[1])
        for r in scope.session.execute(
            select(cancellation.c.permanence_id, cancellation.c.on_date).where(
                scope.on_sites(cancellation.c.site_id), scope.on_dates(cancellation.c.on_date)
            )
        )
    }
    held, offered = 0, 0
    practitioners: set[object] = set()
    for pid, site_id, practitioner_id, weekday, first, last, slot, every, since, until in rows:
        span = (last.hour * 60 + last.minute) - (first.hour * 60 + first.minute)
        slots = span // slot if slot else 0
        day = max(since, scope.start)
        day += timedelta(days=(weekday - day.weekday()) % 7)
        end = min(until, scope.end) if until else scope.end
        step = 7 * max(1, every)
        while day <= end:
            due = (day - since).days % step == 0 and (pid, day) not in cancelled
            if due and not scope.is_closed(site_id, day):
                held += 1
                offered += slots
                practitioners.add(practitioner_id)
            day += timedelta(days=7)
    taken_where = (
        booking.c.permanence_id.is_not(None),
        booking.c.status != BookingStatus.CANCELLED.value,
        scope.in_period(booking.c.start_at, booking.c.site_id),
    )
    taken = scope.session.execute(select(func.count()).where(*taken_where)).scalar()
    by_specialty = scope.session.execute(
        select(practitioner.c.specialty, func.count())
        .select_from(
            booking.join(permanence, permanence.c.id == booking.c.permanence_id).join(
                practitioner, practitioner.c.id == permanence.c.practitioner_id
            )
        )
        .where(*taken_where)
        .group_by(practitioner.c.specialty)
    ).all()
    return [
        total("health.permanences", held),
        total("health.slots_offered", offered),
        total("health.slots_taken", taken),
        total("health.practitioners", len(practitioners)),
        *breakdown("health.by_specialty", merge((r[0], r[1]) for r in by_specialty)),
    ]
