"""« Fréquentation »: visits counted at the desk, their breakdowns and distinct people.

A visit row counts ``count`` people (a group of 8 counts 8). Each breakdown sums to
``visits.total``: an empty reference is reported under « Non communiqué », never dropped.
Months are listed chronologically, zero months included, so a chart shows the whole period.
The same pass gives the results section what it needs of the visits (R.41's communes, R.42's
people and anonymous head counts): :func:`rollup_of` keeps the roll-up for the report.

« Personnes accueillies » (``visits.people``, issue 20) counts people through the door, the
rule of :mod:`tiers_lieu.services.visits`: the people of the period's passages (one query over
``passage``), plus the people of the visits without a passage, each its own (found in the
same pass: a visit counted before that rule, a booking's or a workshop's, counts its
``count`` people). « Services rendus » is ``visits.total``.

**One pass over ``visit`` per report** (issue 17): a single ``GROUP BY`` on every column of
the covering index ``ix_visit_report``, in the index's order (site, date, count, service,
commune, age band, gender, status, person, public, passage), so SQLite reads the period's
slice of that index once, in order, and aggregates without a temporary B-tree. Python then
rolls the groups up into every breakdown and the set of distinct people (:class:`Rollup`).

On the demo's data nearly every visit is a group of its own, so that statement returns about
one row per visit: the rows are read from the DB-API cursor of the unit of work's own
connection (:func:`stream`), as plain tuples of the stored text, streamed by batches (a
server-side cursor on PostgreSQL). SQLAlchemy's row objects, and a UUID or a date object per
value, cost more than the roll-up itself; keys become ids and dates once per distinct value.
Memory holds the totals (one per day, service, commune, category) and the distinct people,
never the groups. ``tests/unit/test_report_one_pass.py`` checks the plan, the single
statement and every figure against a plain reference, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlmodel import Session

from tiers_lieu.models import Commune, Passage, Service, Visit
from tiers_lieu.models.enums import CategoryKind
from tiers_lieu.reports.indicators.common import Scope, breakdown, merge, table, total
from tiers_lieu.reports.model import Indicator

#: Rows fetched at a time: the groups are streamed, never held all at once.
BATCH = 10_000


def month_keys(start: date, end: date) -> list[str]:
    """``AAAA-MM`` of every month from ``start`` to ``end``."""
    keys: list[str] = []
    cursor = date(start.year, start.month, 1)
    while cursor <= end:
        keys.append(f"{cursor.year:04d}-{cursor.month:02d}")
        cursor = date(cursor.year + cursor.month // 12, cursor.month % 12 + 1, 1)
    return keys


def visit_filter(scope: Scope) -> ColumnElement[bool]:
    """The period's visits of the scope's places, every place named even for all of them:
    the covering index leads with the place, so SQLite then reads each place's slice of the
    period, not the index of every year (all places × 3 years of 10: 30 % less CPU)."""
    visit = table(Visit)
    places = visit.c.site_id.in_([site.id for site in scope.sites])
    return places & scope.on_dates(visit.c.activity_date)


def one_pass(scope: Scope) -> Select[Any]:
    """The single statement over ``visit``: every dimension, grouped in index order."""
    c = table(Visit).c
    return (
        select(
            c.activity_date,
            c.service_id,
            c.commune_id,
            c.age_band_id,
            c.gender_id,
            c.status_id,
            c.person_id,
            c.public_id,
            c.passage_id,
            func.sum(c.count),
            c.count,  # a group's size: its rows are sum ÷ size (R.42's companions)
        )
        .where(visit_filter(scope))
        .group_by(
            c.site_id,
            c.activity_date,
            c.count,
            c.service_id,
            c.commune_id,
            c.age_band_id,
            c.gender_id,
            c.status_id,
            c.person_id,
            c.public_id,
            c.passage_id,
        )
    )


def stream(session: Session, statement: Select[Any]) -> Iterator[list[tuple[Any, ...]]]:
    """Batches of ``statement``'s rows as the driver returns them, read inside the session's
    transaction. Its values are rendered in the SQL (dates and ids only, by their types'
    literal forms), so the DB-API cursor needs no parameters."""
    connection = session.connection()
    dialect = connection.dialect
    sql = str(statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
    driver: Any = connection.connection.driver_connection
    # PostgreSQL: a named (server-side) cursor, or the client would hold every row at once.
    cursor = (
        driver.cursor(name="report_visits") if dialect.name == "postgresql" else driver.cursor()
    )
    try:
        cursor.execute(sql)
        while rows := cursor.fetchmany(BATCH):
            yield rows
    finally:
        cursor.close()


def _as_id(value: Any) -> uuid.UUID | None:
    if value is None or isinstance(value, uuid.UUID):
        return value
    return uuid.UUID(str(value))


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


@dataclass
class Rollup:
    """Every total of the visits, from one walk over the grouped rows."""

    by_day: dict[Any, int] = field(default_factory=dict)
    by_service: dict[Any, int] = field(default_factory=dict)
    by_commune: dict[Any, int] = field(default_factory=dict)
    by_age_band: dict[Any, int] = field(default_factory=dict)
    by_gender: dict[Any, int] = field(default_factory=dict)
    by_status: dict[Any, int] = field(default_factory=dict)
    by_public: dict[Any, int] = field(default_factory=dict)
    people: set[Any] = field(default_factory=set)
    unattached: int = 0
    """People counted on visits without a passage (each its own: a group of 8 counts 8)."""
    anonymous: int = 0
    """People counted on visits without a registered person (a group of 8 counts 8)."""
    companions: int = 0
    """The others of a registered person's group visit (``count`` − 1 per visit)."""

    def add(self, rows: Any) -> None:
        by_day, by_service, by_commune = self.by_day, self.by_service, self.by_commune
        by_age, by_gender, by_status = self.by_age_band, self.by_gender, self.by_status
        day_get, service_get, commune_get = by_day.get, by_service.get, by_commune.get
        age_get, gender_get, status_get = by_age.get, by_gender.get, by_status.get
        by_public = self.by_public
        public_get = by_public.get
        add_person = self.people.add
        anonymous = companions = unattached = 0
        for day, service, commune, age, gender, status, person, public, passage, n, size in rows:
            by_day[day] = day_get(day, 0) + n
            by_service[service] = service_get(service, 0) + n
            by_commune[commune] = commune_get(commune, 0) + n
            by_age[age] = age_get(age, 0) + n
            by_gender[gender] = gender_get(gender, 0) + n
            by_status[status] = status_get(status, 0) + n
            by_public[public] = public_get(public, 0) + n
            if passage is None:
                unattached += n
            if person is None:
                anonymous += n
            else:
                add_person(person)
                companions += n - n // size
        self.anonymous += int(anonymous)
        self.companions += int(companions)
        self.unattached += int(unattached)

    def by_month(self) -> dict[str, int]:
        months: dict[str, int] = {}
        for raw_day, n in self.by_day.items():
            day = _as_date(raw_day)
            key = f"{day.year:04d}-{day.month:02d}"
            months[key] = months.get(key, 0) + int(n)
        return months

    @staticmethod
    def ids(totals: dict[Any, int]) -> list[tuple[uuid.UUID | None, int]]:
        return [(_as_id(key), int(n)) for key, n in totals.items()]


def roll_up(scope: Scope) -> Rollup:
    rollup = Rollup()
    for rows in stream(scope.session, one_pass(scope)):
        rollup.add(rows)
    return rollup


def rollup_of(scope: Scope) -> Rollup:
    """The scope's roll-up, made by the first section that asks: one pass per report."""
    found = scope._cache.get("visits.rollup")
    if not isinstance(found, Rollup):
        found = scope._cache["visits.rollup"] = roll_up(scope)
    return found


def people_entered(scope: Scope, rollup: Rollup) -> int:
    """« Personnes accueillies »: the period's passages, plus the visits without one."""
    passage = table(Passage)
    entered = scope.session.execute(
        select(func.coalesce(func.sum(passage.c.count), 0)).where(
            passage.c.site_id.in_([site.id for site in scope.sites]),
            scope.on_dates(passage.c.activity_date),
        )
    ).scalar()
    return int(entered or 0) + rollup.unattached


def compute(scope: Scope) -> list[Indicator]:
    rollup = rollup_of(scope)
    by_month = rollup.by_month()
    service = table(Service)
    services = scope.session.execute(
        select(service.c.id, service.c.name, service.c.active).where(
            scope.on_sites(service.c.site_id)
        )
    ).all()
    by_commune = Rollup.ids(rollup.by_commune)
    commune = table(Commune)
    seen = [key for key, _n in by_commune if key is not None]
    communes = scope.session.execute(
        select(commune.c.id, commune.c.name).where(commune.c.id.in_(seen))
    ).all()
    labels = scope.category_labels
    return [
        total("visits.people", people_entered(scope, rollup)),
        total("visits.total", sum(by_month.values())),
        *breakdown("visits.by_month", by_month, ordered=month_keys(scope.start, scope.end)),
        *breakdown(
            "visits.by_service",
            merge(
                Rollup.ids(rollup.by_service),
                {r[0]: r[1] for r in services},
                zeros=[r[1] for r in services if r[2]],
            ),
        ),
        *breakdown("visits.by_commune", merge(by_commune, {r[0]: r[1] for r in communes})),
        *[
            indicator
            for code, totals, kind in (
                ("visits.by_age_band", rollup.by_age_band, CategoryKind.AGE_BAND),
                ("visits.by_gender", rollup.by_gender, CategoryKind.GENDER),
                ("visits.by_status", rollup.by_status, CategoryKind.STATUS),
                ("visits.by_public", rollup.by_public, CategoryKind.PUBLIC),
            )
            for indicator in breakdown(
                code,
                merge(Rollup.ids(totals), labels, zeros=scope.active_categories(kind)),
            )
        ],
        total("people.distinct", len(rollup.people)),
    ]
