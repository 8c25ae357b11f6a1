"""« Services de proximité » — the call list of the day before (issue 22).

``reminders.calls``: calls ticked about days of the period (one per tick, a person called
twice counts twice); ``reminders.reached``: of which the person was reached (« joint »).
"""

from __future__ import annotations

from sqlalchemy import case, func, select

from tiers_lieu.models import ReminderCall
from tiers_lieu.models.enums import ReminderOutcome
from tiers_lieu.reports.indicators.common import Scope, table, total
from tiers_lieu.reports.model import Indicator


def compute(scope: Scope) -> list[Indicator]:
    call = table(ReminderCall)
    calls, reached = scope.session.execute(
        select(
            func.count(),
            func.coalesce(
                func.sum(case((call.c.outcome == str(ReminderOutcome.REACHED), 1), else_=0)), 0
            ),
        ).where(scope.on_sites(call.c.site_id) & scope.on_dates(call.c.for_date))
    ).one()
    return [total("reminders.calls", calls), total("reminders.reached", reached)]
