"""« Services de proximité »: the volunteers' rota (issue 22).

- ``rota.shifts``: shifts of the rota in the period (any role, any state);
- ``rota.shifts_filled``: percent of those with a volunteer on them (0 when there are none);
- ``rota.gaps``: shifts of the period with nobody on them.

The hours of the shifts done are not counted here: marking a shift done writes a volunteer-time
entry, so they are in ``volunteers.hours`` (« Résultats »), once.
"""

from __future__ import annotations

from sqlalchemy import func, select

from tiers_lieu.models.proximity import RotaShift
from tiers_lieu.reports.indicators.common import Scope, table, total
from tiers_lieu.reports.model import Indicator


def compute(scope: Scope) -> list[Indicator]:
    shift = table(RotaShift)
    where = scope.on_sites(shift.c.site_id) & scope.on_dates(shift.c.on_date)
    count, filled = scope.session.execute(
        select(func.count(), func.count(shift.c.person_id)).where(where)
    ).one()
    count, filled = int(count or 0), int(filled or 0)
    return [
        total("rota.shifts", count),
        total("rota.shifts_filled", round(100 * filled / count, 1) if count else 0.0),
        total("rota.gaps", count - filled),
    ]
