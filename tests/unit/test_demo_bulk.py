"""The demo's bulk writer (issue 17): rows go to the driver as plain tuples, and what it stores
is exactly what the ORM stores, on SQLite and on PostgreSQL; the shortcuts it takes (UUIDs,
weighted draws, local times) give the same values as the library calls they replace."""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text
from sqlalchemy.dialects import sqlite
from sqlmodel import SQLModel, col, select

from tiers_lieu.app import Comptoir, build
from tiers_lieu.models import (
    AssistanceRecord,
    Category,
    Product,
    Sale,
    Service,
    Visit,
)
from tiers_lieu.models.enums import CategoryKind, VisitSource
from tiers_lieu.services.demo.bulk import TablePlan
from tiers_lieu.services.demo.common import (
    BATCH,
    SCALES,
    DemoContext,
    Weighted,
    uuid4_of,
)
from tiers_lieu.services.readmodels import SiteInfo

PARIS = ZoneInfo("Europe/Paris")


# -- the converters ---------------------------------------------------------------------------

PLUS_ONE = timezone(timedelta(hours=1))

# Values of each type, twice over (the converters remember what they converted), with equal
# values that must not be stored alike: the two 02:30 of the night the clocks go back, one
# instant seen from two zones (two dates), a clock time with and without a zone.
SAMPLES: dict[str, list[Any]] = {
    "Uuid": [uuid.uuid4(), uuid4_of(0), uuid4_of((1 << 128) - 1), None] * 2,
    "UTCDateTime": [
        datetime(2025, 3, 30, 0, 59, 59, tzinfo=UTC),
        datetime(2025, 3, 30, 3, 0, 0, 1, tzinfo=PARIS),
        datetime(2024, 10, 27, 2, 30, tzinfo=PARIS),
        datetime(2024, 10, 27, 2, 30, fold=1, tzinfo=PARIS),
        datetime(2024, 10, 27, 0, 30, tzinfo=UTC),
        datetime(2024, 10, 27, 1, 30, tzinfo=UTC),
        datetime(1999, 12, 31, 23, 59, 59, 999999, tzinfo=ZoneInfo("Pacific/Kiritimati")),
        None,
    ]
    * 2,
    "Date": [
        date(2024, 2, 29),
        date(1900, 1, 1),
        datetime(2025, 6, 13, 23, 59),
        datetime(2025, 1, 1, 23, 0, tzinfo=UTC),
        datetime(2025, 1, 2, 0, 0, tzinfo=PLUS_ONE),
        date(2025, 1, 1),
        None,
    ]
    * 2,
    "Time": [
        time(0, 0),
        time(9, 5),
        time(23, 59, 59, 999999),
        time(12, 0, 0, 120),
        time(10, 0, tzinfo=PLUS_ONE),
        time(9, 0, tzinfo=UTC),
        time(9, 0),
        None,
    ]
    * 2,
    "Boolean": [True, False, None],
}


@pytest.mark.parametrize("model", [Visit, Sale, AssistanceRecord, Product])
def test_sqlite_values_are_what_sqlalchemy_would_hand_the_driver(model: type[SQLModel]) -> None:
    dialect = sqlite.dialect()
    plan = TablePlan.of(model, dialect)
    table = model.__table__  # type: ignore[attr-defined]
    checked = 0
    for column, convert in zip(table.columns, plan.converters, strict=True):
        processor = column.type.dialect_impl(dialect).bind_processor(dialect)
        samples = SAMPLES.get(type(column.type).__name__, ["texte", 3, None])
        expected = [v if processor is None else processor(v) for v in samples]
        got = list(samples) if convert is None else convert(samples)
        assert got == expected, column.name
        checked += convert is not None
    assert checked >= 5


def test_a_naive_instant_is_refused_as_the_orm_refuses_it() -> None:
    plan = TablePlan.of(Visit, sqlite.dialect())
    created_at = plan.columns.index("created_at")
    with pytest.raises(ValueError, match="sans fuseau"):
        plan.converters[created_at]([datetime(2025, 1, 1, 12, 0)])  # type: ignore[misc]


def test_a_demo_uuid_is_the_version_4_uuid_of_its_bits() -> None:
    rng = random.Random(5)
    for bits in [0, (1 << 128) - 1, *(rng.getrandbits(128) for _ in range(2000))]:
        made, expected = uuid4_of(bits), uuid.UUID(int=bits, version=4)
        assert made == expected and hash(made) == hash(expected)
        assert (made.hex, str(made), made.version, made.variant) == (
            expected.hex,
            str(expected),
            4,
            uuid.RFC_4122,
        )
        assert made.is_safe is expected.is_safe


def test_a_weighted_draw_is_the_draw_of_random_choices() -> None:
    options = ["a", "b", "c", "d", "e"]
    weights = [35, 30, 18.5, 10, 0.5]
    ours, theirs = random.Random(11), random.Random(11)
    draw = Weighted.of(ours, options, weights)
    for k in range(1, 400):
        if k % 3:
            assert draw() == theirs.choices(options, weights)[0]
        else:
            assert draw.many(k % 7) == theirs.choices(options, weights, k=k % 7)
    assert ours.random() == theirs.random()  # the same number of draws


@pytest.mark.parametrize("zone", ["Europe/Paris", "America/St_Johns", "Australia/Lord_Howe"])
def test_a_local_moment_is_the_instant_zoneinfo_gives(zone: str) -> None:
    ctx = _context(None, uuid.uuid4(), zone)  # type: ignore[arg-type]
    moments = [time(0, 0), time(1, 59), time(2, 0), time(2, 30), time(3, 0), time(12, 0)]
    moments.append(time(23, 59, 59, 999999))
    day = date(2024, 1, 1)
    while day < date(2026, 1, 1):
        for moment in moments:
            expected = datetime.combine(day, moment, tzinfo=ctx.tz).astimezone(UTC)
            got = ctx.at(day, moment)
            assert (got, got.tzinfo) == (expected, UTC), (day, moment)
        day += timedelta(days=1)


# -- what the database keeps --------------------------------------------------------------------


@pytest.fixture(params=["sqlite", "postgresql"])
def any_app(request: pytest.FixtureRequest, app: Comptoir) -> Iterator[Comptoir]:
    if request.param == "sqlite":
        yield app
        return
    comptoir = build(request.getfixturevalue("pg_url"))
    try:
        yield comptoir
    finally:
        comptoir.close()


def _context(conn: Any, site_id: uuid.UUID, zone: str = "Europe/Paris") -> DemoContext:
    return DemoContext(
        conn=conn,
        rng=random.Random(3),
        site_id=site_id,
        site_name="Le Relais",
        scale=SCALES["small"],
        start=date(2025, 1, 1),
        today=date(2030, 1, 1),
        market_weekday=4,
        tz=ZoneInfo(zone),
    )


def _rows(app: Comptoir, site: SiteInfo) -> dict[type[SQLModel], dict[str, Any]]:
    """One row of each of a few tables, with every kind of column, NULLs and defaults."""
    with app.uow() as uow:
        service = uow.session.exec(select(Service.id).where(Service.site_id == site.id)).first()
        ids = uow.session.exec(
            select(Category.id, Category.kind).where(Category.site_id == site.id)
        ).all()
    category = {kind: cid for cid, kind in ids}
    stamp = datetime(2025, 3, 30, 3, 0, 0, 250, tzinfo=PARIS)
    return {
        Visit: {
            "created_at": stamp,
            "updated_at": stamp + timedelta(seconds=1),
            "service_id": service,
            "activity_date": date(2025, 3, 30),
            "activity_time": time(3, 0, 0, 250),
            "count": 3,
            "age_band_id": category[CategoryKind.AGE_BAND],
            "gender_id": None,
            "source": VisitSource.DEMO,
        },
        Sale: {
            "created_at": stamp,
            "updated_at": stamp,
            "sold_at": datetime(2025, 1, 2, 9, 30, tzinfo=UTC),
            "total_cents": 1250,
            "solidarity": True,
            "cancelled_at": None,
        },
        Product: {
            "created_at": stamp,
            "updated_at": stamp,
            "name": "Miel « toutes fleurs »",
            "price_cents": 890,
            "favourite": True,
        },
        AssistanceRecord: {
            "created_at": stamp,
            "updated_at": stamp,
            "activity_date": date(2025, 1, 2),
            "operator_id": category[CategoryKind.OPERATOR],
            "theme_id": category[CategoryKind.THEME],
            "help_type_id": category[CategoryKind.HELP_TYPE],
            "outcome_id": category[CategoryKind.OUTCOME],
            "follow_up_due": date(2025, 1, 20),
            "follow_up_closed_at": datetime(2025, 1, 21, 23, 30, tzinfo=UTC),
        },
    }


def test_a_row_the_demo_writes_reads_back_as_the_orm_wrote_it(any_app: Comptoir) -> None:
    site = any_app.sites.init_site(name="Le Relais", commune_name="Felletin")
    wanted = _rows(any_app, site)
    by_orm = {model: uuid.uuid4() for model in wanted}
    with any_app.uow() as uow:
        for model, values in wanted.items():
            uow.session.add(model(id=by_orm[model], site_id=site.id, **values))
        uow.commit()
    with any_app.uow() as uow:
        ctx = _context(uow.session.connection(), site.id)
        for model, values in wanted.items():
            ctx.insert(model, [dict(values)])
        uow.commit()
    with any_app.uow() as uow:
        for model in wanted:
            table = model.__table__  # type: ignore[attr-defined]
            others = [c for c in table.columns if c.name != "id"]
            read = uow.session.exec(select(model).where(model.site_id == site.id)).all()  # type: ignore[attr-defined]
            assert len(read) == 2
            orm = next(r for r in read if r.id == by_orm[model])
            demo = next(r for r in read if r.id != by_orm[model])
            assert {c.name: getattr(demo, c.name) for c in others} == {
                c.name: getattr(orm, c.name) for c in others
            }
            # What the database itself holds (the text of UUIDs and instants on SQLite).
            names = ", ".join(c.name for c in others)
            stored = uow.session.connection().execute(
                text(f"SELECT {names} FROM {table.name} WHERE site_id = :site"),
                {"site": site.id.hex if any_app.engine.dialect.name == "sqlite" else site.id},
            )
            first, second = stored.all()
            assert tuple(first) == tuple(second), table.name


def test_rows_go_by_batches_and_count(app: Comptoir, site: SiteInfo) -> None:
    sent: list[int] = []
    with app.uow() as uow:
        service = uow.session.exec(select(Service.id).where(Service.site_id == site.id)).first()
        ctx = _context(uow.session.connection(), site.id)
        real_send = ctx.send

        def send(plan: TablePlan, rows: list[tuple[Any, ...]]) -> None:
            sent.append(len(rows))
            real_send(plan, rows)

        ctx.send = send  # type: ignore[method-assign]
        stamp = datetime(2025, 2, 3, 10, 0, tzinfo=UTC)
        rows = [(stamp, service, date(2025, 2, 3), None, 1) for _ in range(BATCH * 2 + 3)]
        columns = ("created_at", "service_id", "activity_date", "activity_time", "count")
        ctx.insert_rows(Visit, columns, rows)
        uow.commit()
    assert sent == [BATCH, BATCH, 3]
    assert ctx.counts["visit"] == BATCH * 2 + 3
    with app.uow() as uow:
        visits = uow.session.exec(select(Visit).where(col(Visit.site_id) == site.id)).all()
        assert len(visits) == BATCH * 2 + 3 == len({v.id for v in visits})
        assert {(v.source, v.updated_at, v.person_id) for v in visits} == {("desk", stamp, None)}


def test_a_failure_after_rows_were_sent_leaves_the_place_empty(
    app: Comptoir, site: SiteInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object) -> None:
        raise RuntimeError("panne simulée")

    # The visits, people, agenda… are already with the driver when the grocery fails.
    monkeypatch.setattr("tiers_lieu.services.demo.commerce.add_grocery", broken)
    with pytest.raises(RuntimeError):
        app.demo.generate(scale="small", today=date(2025, 6, 13))
    with app.uow() as uow:
        for model in (Visit, Sale, AssistanceRecord):
            assert uow.session.exec(select(model.id)).first() is None  # type: ignore[attr-defined]
