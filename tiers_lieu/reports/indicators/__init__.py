"""Indicator computation of the activity report, one module per section of DOMAIN.md.

:func:`compute` runs inside the caller's session and returns the indicators in report order
(:data:`tiers_lieu.reports.model.SECTIONS`). Every figure is a SQL aggregate, but those of
the visits: one grouped pass over ``visit`` rolled up in Python into every breakdown
(:mod:`.visits`, issue 17). Python otherwise walks the days of the period (calendar) and a
few configuration rows.
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlmodel import Session

from tiers_lieu.reports.indicators import (
    assistance,
    cafe,
    coworking,
    deliveries,
    events,
    grocery_amap,
    health,
    inclusion,
    letters,
    opening,
    parcels,
    partners_results,
    programme,
    reminders,
    rota,
    satisfaction,
    visits,
)
from tiers_lieu.reports.indicators.common import Scope
from tiers_lieu.reports.model import INDICATORS, Indicator

SECTION_MODULES = (
    opening,
    visits,
    coworking,
    health,
    assistance,
    events,
    grocery_amap,
    deliveries,
    reminders,
    satisfaction,
    rota,
    parcels,
    cafe,
    letters,
    partners_results,
    inclusion,
    programme,
)


def compute(
    session: Session, *, start: date, end: date, site_ids: list[uuid.UUID] | None
) -> tuple[list[str], list[Indicator]]:
    """Site names and every indicator for the sites (None = all) over ``start``–``end``."""
    scope = Scope.load(session, start=start, end=end, site_ids=site_ids)
    found: list[Indicator] = []
    for module in SECTION_MODULES:
        found.extend(module.compute(scope))
    order = {code: index for index, code in enumerate(INDICATORS)}
    found.sort(key=lambda i: order[i.code])  # stable: keeps each breakdown's own order
    return [s.name for s in scope.sites], found
