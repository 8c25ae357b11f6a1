"""What every section's computation shares: the scope (sites, period, calendar) and the
helpers that turn aggregated rows into :class:`~tiers_lieu.reports.model.Indicator` rows.

Queries group on foreign keys or plain columns and the labels are mapped afterwards from the
small category, service and commune tables: grouping on a computed label (``CASE``) would
render different bound parameters in ``SELECT`` and ``GROUP BY`` on PostgreSQL. Several sites
are merged by label, so « Coworking » of five places is one row.

The calendar (open days from opening hours, closures and public holidays) is computed per
site by walking the days of the period, at most a few thousand dates, never table rows.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Table, and_, false, or_, select, true
from sqlmodel import Session

from tiers_lieu.defaults import UNKNOWN
from tiers_lieu.i18n import _
from tiers_lieu.models import Category, Closure, OpeningHours, Site
from tiers_lieu.reports.model import INDICATORS, Indicator
from tiers_lieu.services.public_holidays import public_holidays


def table(model: Any) -> Table:
    """The Core table of a SQLModel class (typed, for ``table(Visit).c.count``)."""
    return cast(Table, model.__table__)


@dataclass(frozen=True)
class SiteScope:
    id: uuid.UUID
    name: str
    timezone: str
    local_distance_km: int


@dataclass
class Scope:
    """The sites and the period (dates inclusive, local to each site) of one report."""

    session: Session
    start: date
    end: date
    sites: list[SiteScope]
    all_sites: bool
    _cache: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(
        cls, session: Session, *, start: date, end: date, site_ids: list[uuid.UUID] | None
    ) -> Scope:
        site = table(Site)
        query = select(site.c.id, site.c.name, site.c.timezone, site.c.local_distance_km)
        if site_ids is not None:
            query = query.where(site.c.id.in_(site_ids))
        rows = session.execute(query.order_by(site.c.name)).all()
        sites = [SiteScope(r[0], r[1], r[2] or "Europe/Paris", r[3]) for r in rows]
        return cls(session, start, end, sites, site_ids is None)

    @property
    def dialect(self) -> str:
        return self.session.get_bind().dialect.name

    def on_sites(self, column: Any) -> ColumnElement[bool]:
        """``column`` (a ``site_id``) belongs to the scope."""
        if self.all_sites:
            return true()
        if not self.sites:
            return false()
        return cast(ColumnElement[bool], column.in_([s.id for s in self.sites]))

    def on_dates(self, column: Any) -> ColumnElement[bool]:
        return and_(column >= self.start, column <= self.end)

    def in_period(self, column: Any, site_column: Any) -> ColumnElement[bool]:
        """An instant (aware UTC column) within the period as lived at its site.

        A sale at 23:59 in Paris on the last day is in; one at 00:00 the next day is out.
        Sites are grouped by time zone so the condition stays short.
        """
        by_zone: dict[str, list[uuid.UUID]] = {}
        for site in self.sites:
            by_zone.setdefault(site.timezone, []).append(site.id)
        parts: list[ColumnElement[bool]] = []
        for zone, ids in by_zone.items():
            lo, hi = self.instant_bounds(zone)
            parts.append(and_(site_column.in_(ids), column >= lo, column < hi))
        if not parts:
            return false()
        return or_(*parts)

    def instant_bounds(self, zone: str) -> tuple[datetime, datetime]:
        tz = ZoneInfo(zone)
        lo = datetime.combine(self.start, time(0), tzinfo=tz).astimezone(UTC)
        hi = datetime.combine(self.end + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
        return lo, hi

    def days(self) -> list[date]:
        count = (self.end - self.start).days + 1
        return [self.start + timedelta(days=n) for n in range(max(0, count))]

    # -- calendar ------------------------------------------------------------------------
    @cached_property
    def _weekday_hours(self) -> dict[uuid.UUID, dict[int, float]]:
        hours = table(OpeningHours)
        rows = self.session.execute(
            select(hours.c.site_id, hours.c.weekday, hours.c.opens_at, hours.c.closes_at).where(
                self.on_sites(hours.c.site_id)
            )
        ).all()
        result: dict[uuid.UUID, dict[int, float]] = {s.id: {} for s in self.sites}
        for site_id, weekday, opens, closes in rows:
            minutes = (closes.hour * 60 + closes.minute) - (opens.hour * 60 + opens.minute)
            days = result.setdefault(site_id, {})
            days[weekday] = days.get(weekday, 0.0) + minutes / 60
        return result

    @cached_property
    def _closed(self) -> dict[uuid.UUID, set[date]]:
        """Days each site is closed: public holidays and the coordinator's closures."""
        holidays: set[date] = set()
        for year in range(self.start.year, self.end.year + 1):
            holidays.update(public_holidays(year))
        closure = table(Closure)
        rows = self.session.execute(
            select(closure.c.site_id, closure.c.start_date, closure.c.end_date).where(
                self.on_sites(closure.c.site_id),
                closure.c.start_date <= self.end,
                closure.c.end_date >= self.start,
            )
        ).all()
        result = {s.id: set(holidays) for s in self.sites}
        for site_id, first, last in rows:
            closed = result.setdefault(site_id, set(holidays))
            day = max(first, self.start)
            while day <= min(last, self.end):
                closed.add(day)
                day += timedelta(days=1)
        return result

    def is_closed(self, site_id: uuid.UUID, day: date) -> bool:
        return day in self._closed.get(site_id, set())

    def open_hours(self, site_id: uuid.UUID) -> dict[date, float]:
        """Each open day of the period and its opening hours (closed days absent)."""
        key = f"open:{site_id}"
        if key not in self._cache:
            weekly = self._weekday_hours.get(site_id, {})
            self._cache[key] = {
                day: weekly[day.weekday()]
                for day in self.days()
                if weekly.get(day.weekday()) and not self.is_closed(site_id, day)
            }
        return cast(dict[date, float], self._cache[key])

    # -- labels --------------------------------------------------------------------------
    @cached_property
    def category_labels(self) -> dict[uuid.UUID, str]:
        """Category id → label, the « unknown » rows mapped to « Non communiqué »."""
        category = table(Category)
        rows = self.session.execute(
            select(category.c.id, category.c.label, category.c.is_unknown).where(
                self.on_sites(category.c.site_id)
            )
        ).all()
        return {r[0]: (UNKNOWN if r[2] else r[1]) for r in rows}

    def active_categories(self, kind: str) -> list[str]:
        category = table(Category)
        rows = self.session.execute(
            select(category.c.label).where(
                self.on_sites(category.c.site_id),
                category.c.kind == kind,
                category.c.active == true(),
                category.c.is_unknown == false(),
            )
        ).all()
        return [r[0] for r in rows]


# -- building indicators ----------------------------------------------------------------
def total(code: str, value: int | float | None) -> Indicator:
    spec = INDICATORS[code]
    return Indicator(code, _(spec.label), "", _clean(value, spec.unit), spec.unit)


def breakdown(
    code: str,
    values: Mapping[str, int | float],
    *,
    ordered: Iterable[str] | None = None,
) -> list[Indicator]:
    """Rows of a breakdown; ``ordered`` keeps a natural order (months, duration buckets).

    Otherwise: value descending, then label, « Non communiqué » last. A breakdown with no
    category at all yields one total row of 0, so that every code appears in every export.
    """
    spec = INDICATORS[code]
    label = _(spec.label)
    if ordered is not None:
        keys = list(ordered)
    else:
        keys = sorted((k for k in values if k != UNKNOWN), key=lambda k: (-values[k], k.casefold()))
        if UNKNOWN in values:
            keys.append(UNKNOWN)
    if not keys:
        return [Indicator(code, label, "", 0, spec.unit)]
    return [Indicator(code, label, k, _clean(values.get(k, 0), spec.unit), spec.unit) for k in keys]


def merge(
    rows: Iterable[tuple[Any, Any]],
    labels: Mapping[Any, str] | None = None,
    *,
    zeros: Iterable[str] = (),
) -> dict[str, int | float]:
    """Sum aggregated ``(key, value)`` rows under their label (None → « Non communiqué »).

    ``zeros`` lists the categories shown even when nothing was counted under them.
    """
    result: dict[str, int | float] = dict.fromkeys(zeros, 0)
    for key, value in rows:
        if labels is None:
            name = key if key not in (None, "") else UNKNOWN
        else:
            name = labels.get(key, UNKNOWN) if key is not None else UNKNOWN
        result[name] = result.get(name, 0) + (value or 0)
    return result


def _clean(value: int | float | None, unit: str) -> int | float:
    """Counts as ``int``; decimals rounded where the report shows them."""
    if value is None:
        return 0
    if unit in ("count", "people", "minutes", "km"):
        return int(value)
    if unit == "percent":
        return round(float(value), 1)
    return round(float(value), 2)
