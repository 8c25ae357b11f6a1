"""« Fréquentation »: visits counted at the desk, their breakdowns and distinct people.

A visit row counts ``count`` people (a group of 8 counts 8). Each breakdown sums to
``visits.total``: an empty reference is reported under « Non communiqué », never dropped.
Months are listed chronologically, zero months included, so a chart shows the whole period.
``results.population_served`` (the sum of the populations of the communes visitors came
from, an estimate) is computed here too, from the same pass over the visits.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, func, select

from tiers_lieu.models import Commune, Service, Visit
from tiers_lieu.models.enums import CategoryKind
from tiers_lieu.reports.indicators.common import Scope, breakdown, merge, table, total
from tiers_lieu.reports.model import Indicator


def month_keys(start: date, end: date) -> list[str]:
    """``AAAA-MM`` of every month from ``start`` to ``end``."""
    keys: list[str] = []
    cursor = date(start.year, start.month, 1)
    while cursor <= end:
        keys.append(f"{cursor.year:04d}-{cursor.month:02d}")
        cursor = date(cursor.year + cursor.month // 12, cursor.month % 12 + 1, 1)
    return keys


def visit_filter(scope: Scope) -> ColumnElement[bool]:
    visit = table(Visit)
    return scope.on_sites(visit.c.site_id) & scope.on_dates(visit.c.activity_date)


def compute(scope: Scope) -> list[Indicator]:
    visit = table(Visit)
    where = visit_filter(scope)
    people = func.sum(visit.c.count)

    def grouped(column: Any) -> list[tuple[Any, Any]]:
        rows = scope.session.execute(select(column, people).where(where).group_by(column))
        return [(r[0], r[1]) for r in rows]

    # Each query is a pass over the period's visits, the cost of the report on a large
    # base: grouping on the date (a few hundred groups) gives both the months and the
    # total, and the commune groups give the communes whose population is summed.
    by_month: dict[str, int | float] = {}
    for day, n in grouped(visit.c.activity_date):
        key = f"{day.year:04d}-{day.month:02d}"
        by_month[key] = by_month.get(key, 0) + int(n)
    service = table(Service)
    services = scope.session.execute(
        select(service.c.id, service.c.name, service.c.active).where(
            scope.on_sites(service.c.site_id)
        )
    ).all()
    by_commune = grouped(visit.c.commune_id)
    commune = table(Commune)
    seen = [key for key, _n in by_commune if key is not None]
    communes = scope.session.execute(
        select(commune.c.id, commune.c.name, commune.c.population, commune.c.insee_code).where(
            commune.c.id.in_(seen)
        )
    ).all()
    # Each site keeps its own commune rows: one commune counts once, by INSEE code or name.
    populations = {(r[3] or r[1].casefold()): r[2] or 0 for r in communes}
    labels = scope.category_labels
    distinct_people = scope.session.execute(
        select(func.count(func.distinct(visit.c.person_id))).where(
            where, visit.c.person_id.is_not(None)
        )
    ).scalar()
    return [
        total("visits.total", sum(by_month.values())),
        *breakdown("visits.by_month", by_month, ordered=month_keys(scope.start, scope.end)),
        *breakdown(
            "visits.by_service",
            merge(
                grouped(visit.c.service_id),
                {r[0]: r[1] for r in services},
                zeros=[r[1] for r in services if r[2]],
            ),
        ),
        *breakdown("visits.by_commune", merge(by_commune, {r[0]: r[1] for r in communes})),
        *[
            indicator
            for code, column, kind in (
                ("visits.by_age_band", visit.c.age_band_id, CategoryKind.AGE_BAND),
                ("visits.by_gender", visit.c.gender_id, CategoryKind.GENDER),
                ("visits.by_status", visit.c.status_id, CategoryKind.STATUS),
            )
            for indicator in breakdown(
                code, merge(grouped(column), labels, zeros=scope.active_categories(kind))
            )
        ],
        total("people.distinct", distinct_people),
        # Shown under « Résultats »: the report puts every code in its section's order.
        total("results.population_served", sum(populations.values())),
    ]
