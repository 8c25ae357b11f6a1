"""« Ouverture »: days and hours open over the period.

Open = the weekday has opening hours, and the day is neither a public holiday nor within a
closure. Over several sites the figures are site-days and site-hours, summed.
"""

from __future__ import annotations

from tiers_lieu.reports.indicators.common import Scope, total
from tiers_lieu.reports.model import Indicator


def compute(scope: Scope) -> list[Indicator]:
    days = 0
    hours = 0.0
    for site in scope.sites:
        open_hours = scope.open_hours(site.id)
        days += len(open_hours)
        hours += sum(open_hours.values())
    return [total("opening.days", days), total("opening.hours", hours)]
