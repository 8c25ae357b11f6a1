"""The workshops' programme (issue 22, « Services de proximité »): what registration ahead
gives.

- ``programme.events``: workshops and events of the period (those held or announced).
- ``programme.registrations``: people registered by name with a place (not waiting).
- ``programme.waiting``: people on a waiting list (not counted present), as they stand.
- ``programme.fill_rate``: places taken (people registered and places reserved without a
  name, not the waiting list) over the places offered, in percent, for the workshops that
  give a capacity; a workshop over its capacity (head counts keyed after) counts full.
"""

from __future__ import annotations

from sqlalchemy import case, func, select

from tiers_lieu.models import Event, EventAttendance
from tiers_lieu.reports.indicators.common import Scope, table, total
from tiers_lieu.reports.model import Indicator


def compute(scope: Scope) -> list[Indicator]:
    event, attendance = table(Event), table(EventAttendance)
    where = scope.on_sites(event.c.site_id) & scope.on_dates(event.c.event_date)
    events = scope.session.execute(select(func.count()).where(where)).scalar() or 0
    joined = attendance.join(event, event.c.id == attendance.c.event_id)
    registered, waiting = scope.session.execute(
        select(
            func.coalesce(func.sum(case((attendance.c.waiting.is_(False), 1), else_=0)), 0),
            func.coalesce(func.sum(case((attendance.c.waiting.is_(True), 1), else_=0)), 0),
        )
        .select_from(joined)
        .where(where, attendance.c.person_id.is_not(None))
    ).one()
    taken = (
        select(
            attendance.c.event_id.label("event_id"),
            func.sum(attendance.c.count).label("taken"),
        )
        .where(attendance.c.waiting.is_(False))
        .group_by(attendance.c.event_id)
        .subquery()
    )
    used = func.coalesce(taken.c.taken, 0)
    offered, filled = scope.session.execute(
        select(
            func.coalesce(func.sum(event.c.capacity), 0),
            func.coalesce(
                func.sum(case((used > event.c.capacity, event.c.capacity), else_=used)), 0
            ),
        )
        .select_from(event.outerjoin(taken, taken.c.event_id == event.c.id))
        .where(where, event.c.capacity.is_not(None))
    ).one()
    rate = float(filled) / float(offered) * 100 if offered else 0.0
    return [
        total("programme.events", int(events)),
        total("programme.registrations", int(registered or 0)),
        total("programme.waiting", int(waiting or 0)),
        total("programme.fill_rate", rate),
    ]
