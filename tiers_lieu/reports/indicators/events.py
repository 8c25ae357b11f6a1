"""« Ateliers et animations »: workshops and events held, their participants and hours."""

from __future__ import annotations

from sqlalchemy import func, select

from tiers_lieu.models import Event, EventAttendance
from tiers_lieu.reports.indicators.common import Scope, table, total
from tiers_lieu.reports.model import Indicator


def compute(scope: Scope) -> list[Indicator]:
    event, attendance = table(Event), table(EventAttendance)
    where = scope.on_sites(event.c.site_id) & scope.on_dates(event.c.event_date)
    count, minutes = scope.session.execute(
        select(func.count(), func.coalesce(func.sum(event.c.duration_min), 0)).where(where)
    ).one()
    participants = scope.session.execute(
        select(func.coalesce(func.sum(attendance.c.count), 0))
        .select_from(attendance.join(event, event.c.id == attendance.c.event_id))
        .where(where, attendance.c.waiting.is_(False))
    ).scalar()
    return [
        total("events.total", count),
        total("events.participants", participants),
        total("events.hours", (minutes or 0) / 60),
    ]
