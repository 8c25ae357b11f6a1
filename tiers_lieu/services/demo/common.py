"""What every demo generator shares: the scales, the seeded draw, the site's calendar and a
bulk writer.

Demo data must be reproducible (same seed and same ``today`` give the same data), so every
draw, every UUID and every timestamp comes from one ``random.Random``; nothing here reads the
clock or the global random, and nothing iterates over a set. Rows are written with SQLAlchemy
Core ``executemany`` on the connection of the caller's unit of work: building ORM objects
would take minutes for the large scale (≈ 250 000 visits), Core takes seconds.
"""

from __future__ import annotations

import math
import random
import uuid
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pydantic_core import PydanticUndefined
from sqlalchemy import Connection, insert
from sqlmodel import SQLModel, col, select

from tiers_lieu.models import Category, Closure, Commune, OpeningHours, Service, Site
from tiers_lieu.services.config import public_holidays

BATCH = 5000


@dataclass(frozen=True)
class Scale:
    """How much of everything one scale generates, per site."""

    name: str
    sites: int
    months: int
    visits_per_day: float
    people: int
    sales_per_day: float
    assistance_per_day: float
    events_per_week: float
    coworking_seats: int
    coworkers: int
    volunteers: int
    amap_households: int


SCALES: dict[str, Scale] = {
    "small": Scale("small", 1, 3, 22, 120, 6, 2.5, 1.5, 6, 6, 5, 14),
    "medium": Scale("medium", 1, 12, 30, 350, 8, 3.5, 2.0, 8, 10, 8, 22),
    "large": Scale("large", 5, 36, 50, 600, 7, 4.0, 2.0, 8, 12, 10, 26),
}


@dataclass(frozen=True)
class PersonRef:
    """What generators need to know about a person they link a row to."""

    id: uuid.UUID
    first_name: str
    last_name: str
    commune_id: uuid.UUID | None
    age_band_id: uuid.UUID | None
    gender_id: uuid.UUID | None
    status_id: uuid.UUID | None
    kinds: tuple[str, ...]
    since: date


def poisson(rng: random.Random, lam: float) -> int:
    """A Poisson draw: Knuth's method for small means, a rounded normal above."""
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit = math.exp(-lam)
    k, p = 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def months_before(day: date, months: int) -> date:
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for candidate in (day.day, 28):
        try:
            return date(year, month, candidate)
        except ValueError:
            continue
    return date(year, month, 1)


def daterange(start: date, end: date) -> list[date]:
    """Every day from ``start`` to ``end`` inclusive."""
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def _static_defaults(model: type[SQLModel]) -> dict[str, Any]:
    """Column defaults declared on the model (SQLModel keeps them Python-side only)."""
    defaults: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if info.default_factory is None and info.default is not PydanticUndefined:
            defaults[name] = info.default
    return defaults


@dataclass
class DemoContext:
    """One site being filled: its configuration, calendar, people and the row counts."""

    conn: Connection
    rng: random.Random
    site_id: uuid.UUID
    site_name: str
    scale: Scale
    start: date
    today: date
    market_weekday: int
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("Europe/Paris"))
    services: dict[str, uuid.UUID] = field(default_factory=dict)
    categories: dict[str, list[tuple[uuid.UUID, str]]] = field(default_factory=dict)
    hours: dict[int, list[tuple[time, time]]] = field(default_factory=dict)
    closures: list[tuple[date, date]] = field(default_factory=list)
    open_days: list[date] = field(default_factory=list)
    home_commune_id: uuid.UUID | None = None
    communes: list[uuid.UUID] = field(default_factory=list)
    commune_weights: list[float] = field(default_factory=list)
    people: list[PersonRef] = field(default_factory=list)
    partners: list[uuid.UUID] = field(default_factory=list)
    last_activity: dict[uuid.UUID, date] = field(default_factory=dict)
    counts: Counter[str] = field(default_factory=Counter)
    _defaults: dict[type[SQLModel], dict[str, Any]] = field(default_factory=dict)
    _open: set[date] = field(default_factory=set)

    # -- writing ------------------------------------------------------------------------
    def uid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def at(self, day: date, moment: time) -> datetime:
        """A local wall-clock moment of the site, as an aware UTC instant."""
        return datetime.combine(day, moment, tzinfo=self.tz).astimezone(UTC)

    def insert(self, model: type[SQLModel], rows: list[dict[str, Any]]) -> None:
        """Bulk-insert ``rows``: defaults, ``site_id`` and stamps filled where missing."""
        if not rows:
            return
        defaults = self._defaults.get(model)
        if defaults is None:
            defaults = _static_defaults(model)
            self._defaults[model] = defaults
        fallback = self.at(self.start, time(9, 0))
        # Rows planned ahead (next weeks' bookings, distributions) were still written before
        # today: no stamp after today's midnight, or a coordinator would refuse the place's
        # bundle (an ``updated_at`` in the future wins every conflict).
        latest = self.at(self.today, time(0, 0))
        has_site = "site_id" in model.model_fields
        full = []
        for row in rows:
            record = {**defaults, **row}
            if has_site:
                record["site_id"] = self.site_id
            if "id" not in record:
                record["id"] = self.uid()
            stamp = record.setdefault("created_at", fallback)
            if stamp > latest:
                stamp = record["created_at"] = latest
            record.setdefault("updated_at", stamp)
            full.append(record)
        statement = insert(model)
        for offset in range(0, len(full), BATCH):
            self.conn.execute(statement, full[offset : offset + BATCH])
        self.counts[str(model.__tablename__)] += len(full)

    # -- configuration ------------------------------------------------------------------
    def load_configuration(self) -> None:
        """Services, categories, opening hours and communes the site already has."""
        conn = self.conn
        for sid, kind in conn.execute(
            select(Service.id, Service.kind)
            .where(Service.site_id == self.site_id, col(Service.active).is_(True))
            .order_by(col(Service.position), col(Service.name))
        ):
            self.services.setdefault(kind, sid)
        for cid, kind, label in conn.execute(
            select(Category.id, Category.kind, Category.label)
            .where(Category.site_id == self.site_id, col(Category.active).is_(True))
            .order_by(col(Category.kind), col(Category.position), col(Category.label))
        ):
            self.categories.setdefault(kind, []).append((cid, label))
        for weekday, opens, closes in conn.execute(
            select(
                col(OpeningHours.weekday), col(OpeningHours.opens_at), col(OpeningHours.closes_at)
            )
            .where(OpeningHours.site_id == self.site_id)
            .order_by(col(OpeningHours.weekday), col(OpeningHours.opens_at))
        ):
            self.hours.setdefault(weekday, []).append((opens, closes))
        tz_name = conn.execute(select(Site.timezone).where(Site.id == self.site_id)).scalar()
        self.tz = ZoneInfo(tz_name or "Europe/Paris")

    def existing_communes(self) -> dict[str, tuple[uuid.UUID, int | None]]:
        rows = self.conn.execute(
            select(Commune.insee_code, Commune.id, Commune.population).where(
                Commune.site_id == self.site_id
            )
        )
        return {code: (cid, pop) for code, cid, pop in rows if code}

    def load_calendar(self) -> None:
        """The days the site is open: hours that weekday, no holiday, no closure."""
        self.closures = [
            (s, e)
            for s, e in self.conn.execute(
                select(col(Closure.start_date), col(Closure.end_date))
                .where(Closure.site_id == self.site_id)
                .order_by(col(Closure.start_date))
            )
        ]
        self.open_days = [d for d in daterange(self.start, self.today) if self.is_open(d)]
        self._open = set(self.open_days)

    def is_open(self, day: date) -> bool:
        if day.weekday() not in self.hours:
            return False
        if day in public_holidays(day.year):
            return False
        return not any(s <= day <= e for s, e in self.closures)

    def is_open_cached(self, day: date) -> bool:
        """``is_open`` for days of the period, from the precomputed calendar."""
        if self.start <= day <= self.today:
            return day in self._open
        return self.is_open(day)

    # -- categories and people ----------------------------------------------------------
    def category(self, kind: str, label: str) -> uuid.UUID | None:
        wanted = label.casefold()
        for cid, name in self.categories.get(kind, []):
            if name.casefold() == wanted:
                return cid
        return None

    def pick_category(
        self, kind: str, weights: Mapping[str, float] | None = None, fill: float = 1.0
    ) -> uuid.UUID | None:
        """A category of ``kind`` (weighted by label), or ``None`` with probability 1-fill."""
        options = self.categories.get(kind)
        if not options or self.rng.random() >= fill:
            return None
        if weights is None:
            return self.rng.choice(options)[0]
        chosen = self.rng.choices(options, [weights.get(label, 1.0) for _i, label in options])
        return chosen[0][0]

    def pick_commune(self) -> uuid.UUID | None:
        if not self.communes:
            return None
        return self.rng.choices(self.communes, self.commune_weights)[0]

    def people_of(self, kind: str) -> list[PersonRef]:
        return [p for p in self.people if kind in p.kinds]

    def touch(self, person_id: uuid.UUID | None, day: date) -> None:
        """Remember the latest activity of a person (GDPR retention starts from it)."""
        if person_id is None:
            return
        last = self.last_activity.get(person_id)
        if last is None or day > last:
            self.last_activity[person_id] = day

    def progress_of(self, day: date) -> float:
        """Where ``day`` falls in the period, 0 to 1 (the audience grows over time)."""
        span = max(1, (self.today - self.start).days)
        return (day - self.start).days / span

    def minutes(self, moment: time, delta: int) -> time:
        total = moment.hour * 60 + moment.minute + delta
        total = max(0, min(total, 23 * 60 + 59))
        return time(total // 60, total % 60)
