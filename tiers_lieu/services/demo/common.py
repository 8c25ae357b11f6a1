"""What every demo generator shares: the scales, the seeded draw, the site's calendar and a
bulk writer.

Demo data must be reproducible (same seed and same ``today`` give the same data), so every
draw, every UUID and every timestamp comes from one ``random.Random``; nothing here reads the
clock or the global random, and nothing iterates over a set. Rows are written as plain tuples
by the driver's ``executemany`` on the connection of the caller's unit of work (see
:mod:`.bulk`): ORM objects would take minutes for the large scale (≈ 250 000 visits), and
even Core's per-row parameter processing took two thirds of the time.
"""

from __future__ import annotations

import gc
import math
import random
import uuid
from bisect import bisect
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import accumulate
from operator import itemgetter
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection
from sqlmodel import SQLModel, col, select

from tiers_lieu.models import Category, Closure, Commune, OpeningHours, Service, Site
from tiers_lieu.services.demo.bulk import Same, TablePlan
from tiers_lieu.services.public_holidays import public_holidays

BATCH = 5000
KEPT_INSTANTS = 300_000  # moments ``DemoContext.at`` remembers (≈ 40 000 a large site)
_MISSING = object()  # a key some rows of one insert give and others do not


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
    # A regional network: 10 places × 10 years (≈ 1.7 million visits), for the benchmarks.
    "network": Scale("network", 10, 120, 50, 1500, 7, 4.0, 2.0, 8, 12, 10, 26),
}


# ``uuid.UUID(int=bits, version=4)`` spends most of its time checking its arguments; the demo
# draws one per row. Same variant and version bits, same value (tests/unit/test_demo_bulk.py).
_V4_KEEP = ~((0xC000 << 48) | (0xF000 << 64)) & ((1 << 128) - 1)
_V4_SET = (0x8000 << 48) | (4 << 76)
_UNKNOWN = uuid.SafeUUID.unknown


_new_object = object.__new__
_set_slot = object.__setattr__


def uuid4_of(bits: int) -> uuid.UUID:
    """The version-4 UUID made of 128 random ``bits``, as ``uuid.UUID(int=…, version=4)``."""
    value = _new_object(uuid.UUID)
    _set_slot(value, "int", (bits & _V4_KEEP) | _V4_SET)
    _set_slot(value, "is_safe", _UNKNOWN)
    return value


class Weighted:
    """``rng.choices(options, cum_weights=…)[0]`` for a draw repeated many times: the same
    ``random()`` call and the same bisection, without the checks made at every call."""

    __slots__ = ("_cum", "_hi", "_options", "_random", "_total")

    def __init__(self, rng: random.Random, options: Sequence[Any], cum_weights: list[float]):
        if not options or len(options) != len(cum_weights):
            raise ValueError("options and cumulative weights of the same, non-zero length")
        self._options = options
        self._cum = cum_weights
        self._total = cum_weights[-1] + 0.0
        self._hi = len(options) - 1
        self._random = rng.random

    @classmethod
    def of(cls, rng: random.Random, options: Sequence[Any], weights: Sequence[float]) -> Weighted:
        """As ``rng.choices(options, weights)``."""
        return cls(rng, options, list(accumulate(weights)))

    def __call__(self) -> Any:
        return self._options[bisect(self._cum, self._random() * self._total, 0, self._hi)]

    def many(self, k: int) -> list[Any]:
        """As ``rng.choices(…, k=k)``: ``k`` draws with replacement."""
        options, cum, total, hi, rand = (
            self._options,
            self._cum,
            self._total,
            self._hi,
            self._random,
        )
        return [options[bisect(cum, rand() * total, 0, hi)] for _ in range(k)]


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


@contextmanager
def cycle_collector_paused() -> Iterator[None]:
    """Python's cycle collector off while one site is filled.

    The demo makes millions of short-lived tuples, lists and dicts and holds hundreds of
    thousands of UUIDs and datetimes; each full collection walks all of them. On the large
    demo the collector took 2.1 of 14.6 s of processor time, for no cycle worth collecting
    (reference counting frees the rows). Process-wide, hence one site at a time.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


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


def _by_column(rows: list[dict[str, Any]]) -> tuple[dict[str, list[Any]], bool]:
    """The values of ``rows`` key by key, and whether some rows lack keys others have (their
    missing values are then ``_MISSING``)."""
    if not rows:
        return {}, False
    width = len(rows[0])
    if all(len(row) == width for row in rows):
        try:
            return {key: list(map(itemgetter(key), rows)) for key in rows[0]}, False
        except KeyError:  # rows of one length with other keys
            pass
    keys = dict.fromkeys(key for row in rows for key in row)
    return {key: [row.get(key, _MISSING) for row in rows] for key in keys}, True


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
    _plans: dict[type[SQLModel], TablePlan] = field(default_factory=dict)
    _open: set[date] = field(default_factory=set)
    _instants: dict[tuple[date, time], datetime] = field(default_factory=dict)
    _pickers: dict[tuple[str, int], tuple[Mapping[str, float], Weighted]] = field(
        default_factory=dict
    )

    # -- writing ------------------------------------------------------------------------
    def uid(self) -> uuid.UUID:
        return uuid4_of(self.rng.getrandbits(128))

    def at(self, day: date, moment: time) -> datetime:
        """A local wall-clock moment of the site, as an aware UTC instant.

        The same moment gives the same object (a sale's moment stamps its lines, movements
        and payment; many visits share a minute): made once, and its hash, kept in it, makes
        the writer's lookups of its text cheap (``bulk._Remembered``).
        """
        key = (day, moment)
        instant = self._instants.get(key)
        if instant is None:
            if len(self._instants) >= KEPT_INSTANTS:
                self._instants.clear()
            instant = datetime.combine(day, moment, tzinfo=self.tz).astimezone(UTC)
            self._instants[key] = instant
        return instant

    def insert(self, model: type[SQLModel], rows: list[dict[str, Any]]) -> None:
        """Bulk-insert ``rows``: defaults, ``site_id`` and stamps filled where missing.

        A row without ``id`` gets the next :meth:`uid`, in row order; ``created_at`` defaults
        to the period's first morning and is capped at today's midnight; ``updated_at``
        defaults to ``created_at``. Rows go to the driver as tuples, in batches.
        """
        plan = self._plan(model)
        for offset in range(0, len(rows), BATCH):
            batch = rows[offset : offset + BATCH]
            given, sparse = _by_column(batch)
            self._write(plan, given, len(batch), sparse)

    def insert_rows(
        self, model: type[SQLModel], columns: Sequence[str], rows: list[tuple[Any, ...]]
    ) -> None:
        """:meth:`insert` for rows given as tuples of the values of ``columns``: the busiest
        generators make no dictionary per row, and call it every :data:`BATCH` rows."""
        plan = self._plan(model)
        for offset in range(0, len(rows), BATCH):
            batch = rows[offset : offset + BATCH]
            self._write(plan, dict(zip(columns, zip(*batch, strict=True), strict=True)), len(batch))

    def send(self, plan: TablePlan, rows: list[tuple[Any, ...]]) -> None:
        """The one place demo rows reach the driver (``bench/bench_demo.py`` watches it)."""
        self.conn.exec_driver_sql(plan.sql, rows)

    def _plan(self, model: type[SQLModel]) -> TablePlan:
        plan = self._plans.get(model)
        if plan is None:
            plan = self._plans[model] = TablePlan.of(model, self.conn.dialect)
        return plan

    def _write(
        self, plan: TablePlan, given: Mapping[str, Sequence[Any]], count: int, sparse: bool = False
    ) -> None:
        """Send ``count`` rows given column by column (``sparse``: holding ``_MISSING``)."""
        if not count:
            return
        unknown = set(given) - set(plan.columns)
        if unknown:
            raise ValueError(f"{plan.table}: {sorted(unknown)}")
        # Rows planned ahead (next weeks' bookings, distributions) were still written before
        # today: no stamp after today's midnight, or a coordinator would refuse the place's
        # bundle (an ``updated_at`` in the future wins every conflict).
        latest = self.at(self.today, time(0, 0))
        fallback = min(self.at(self.start, time(9, 0)), latest)
        columns: list[Sequence[Any] | Same] = []
        created: Sequence[Any] | Same = Same(fallback)
        for name, default in zip(plan.columns, plan.defaults, strict=True):
            values = given.get(name)
            column: Sequence[Any] | Same
            if name == "site_id" and plan.has_site:
                column = Same(self.site_id)
            elif values is None:  # no row gives it
                if name == "id":
                    column = [self.uid() for _ in range(count)]
                elif name in ("created_at", "updated_at"):
                    column = created
                else:
                    column = Same(default)
            elif name == "id":
                column = [self.uid() if v is _MISSING else v for v in values] if sparse else values
            elif name == "created_at":
                if sparse or max(values) > latest:
                    values = [
                        fallback if v is _MISSING else v if v <= latest else latest for v in values
                    ]
                column = created = values
            elif name == "updated_at" and sparse:
                stamps = [created.value] * count if isinstance(created, Same) else created
                column = [c if v is _MISSING else v for v, c in zip(values, stamps, strict=True)]
            elif sparse:
                column = [default if v is _MISSING else v for v in values]
            else:
                column = values
            columns.append(column)
        self.send(plan, plan.convert(columns, count))
        self.counts[plan.table] += count

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
        self._instants.clear()
        self._pickers.clear()

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
        # As ``rng.choices(options, [weights.get(label, 1.0) …])``, the sums made once.
        key = (kind, id(weights))
        known = self._pickers.get(key)
        if known is None or known[0] is not weights:
            picker = Weighted.of(self.rng, options, [weights.get(lb, 1.0) for _i, lb in options])
            known = self._pickers[key] = (weights, picker)
        chosen: tuple[uuid.UUID, str] = known[1]()
        return chosen[0]

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
