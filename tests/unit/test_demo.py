"""The demo-data generator: every area gets rows, the data is reproducible, and it keeps the
rules the application itself enforces (capacity, opening days, stock, assistance outcomes).

One small demo is generated per module and shared by the read-only checks, to keep the suite
fast; reproducibility needs fresh databases of its own.
"""

from __future__ import annotations

import shutil
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import SQLModel, col, select

from tiers_lieu.app import Comptoir, build
from tiers_lieu.errors import ConflictError, ValidationError
from tiers_lieu.models import (
    AmapContract,
    AmapInstalment,
    AmapSubscription,
    AssistanceRecord,
    BasketType,
    Booking,
    Category,
    Closure,
    Commune,
    CoworkingPass,
    Distribution,
    Event,
    EventAttendance,
    Job,
    Membership,
    OpeningHours,
    Operation,
    PassType,
    PassUse,
    Payment,
    PaymentClaim,
    Permanence,
    Person,
    Pickup,
    Practitioner,
    Producer,
    Product,
    Resource,
    Sale,
    SaleLine,
    Site,
    SolidarityFunding,
    StockMovement,
    Visit,
    VolunteerTime,
)
from tiers_lieu.services.demo import DemoSummary
from tiers_lieu.services.public_holidays import public_holidays
from tiers_lieu.services.readmodels import SiteInfo

TODAY = date(2025, 6, 13)


@pytest.fixture(scope="module")
def demo(
    template_db: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Comptoir, SiteInfo, DemoSummary]]:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    shutil.copyfile(template_db, path)
    app = build(str(path))
    site = app.sites.init_site(
        name="Le Comptoir de Felletin", commune_name="Felletin", insee_code="23079"
    )
    calls: list[tuple[int, int]] = []
    summary = app.demo.generate(
        scale="small", seed=7, today=TODAY, progress=lambda done, total: calls.append((done, total))
    )
    assert calls[0][0] == 0 and calls[-1][0] == calls[-1][1]
    assert [c[0] for c in calls] == sorted(c[0] for c in calls)
    yield app, site, summary
    app.close()


def _count(app: Comptoir, model: type[SQLModel], *where: object) -> int:
    with app.uow() as uow:
        query = select(func.count()).select_from(model)
        for clause in where:
            query = query.where(clause)  # type: ignore[arg-type]
        return int(uow.session.execute(query).scalar_one())


EVERY_AREA: list[type[SQLModel]] = [
    Commune,
    Person,
    Membership,
    Visit,
    Event,
    EventAttendance,
    AssistanceRecord,
    Resource,
    Practitioner,
    Permanence,
    Booking,
    PassType,
    CoworkingPass,
    PassUse,
    Payment,
    Producer,
    Product,
    StockMovement,
    Sale,
    SaleLine,
    AmapContract,
    BasketType,
    AmapSubscription,
    SolidarityFunding,
    AmapInstalment,
    Distribution,
    Pickup,
    Job,
    VolunteerTime,
    Operation,
    PaymentClaim,
    Closure,
]


@pytest.mark.parametrize("model", EVERY_AREA, ids=lambda m: m.__tablename__)
def test_small_demo_fills_every_area(
    demo: tuple[Comptoir, SiteInfo, DemoSummary], model: type[SQLModel]
) -> None:
    app, site, _summary = demo
    assert _count(app, model, model.site_id == site.id) >= 1  # type: ignore[attr-defined]


def test_small_demo_has_the_shapes_reports_need(
    demo: tuple[Comptoir, SiteInfo, DemoSummary],
) -> None:
    app, site, summary = demo
    assert _count(app, Visit, Visit.count > 1) >= 1  # groups
    unknown_age = _count(app, Visit, Visit.age_band_id.is_(None))  # type: ignore[union-attr]
    known_age = _count(app, Visit, Visit.age_band_id.is_not(None))  # type: ignore[union-attr]
    assert known_age > 0 and unknown_age > 0.4 * (known_age + unknown_age)
    assert _count(app, Visit, Visit.event_id.is_not(None)) >= 1  # type: ignore[union-attr]
    assert _count(app, Visit, Visit.booking_id.is_not(None)) >= 1  # type: ignore[union-attr]
    assert _count(app, Visit, Visit.activity_date > TODAY) == 0
    assert _count(app, AssistanceRecord, AssistanceRecord.follow_up_due.is_not(None)) >= 1  # type: ignore[union-attr]
    assert _count(app, Booking, Booking.permanence_id.is_not(None)) >= 1  # type: ignore[union-attr]
    assert _count(app, AmapSubscription, AmapSubscription.solidarity.is_(True)) >= 1  # type: ignore[attr-defined]
    assert _count(app, Person, Person.consent_given_at.is_not(None)) >= 1  # type: ignore[union-attr]
    assert _count(app, Commune, Commune.insee_code == "23008", Commune.population == 3108) == 1
    for kind in ("reception", "sale", "loss"):
        assert _count(app, StockMovement, StockMovement.kind == kind) >= 1
    for status in ("collected", "absent"):
        assert _count(app, Pickup, Pickup.status == status) >= 1
    for contract in ("cdi", "cdd"):
        assert _count(app, Job, Job.contract_type == contract) >= 1
    assert _count(app, Job, Job.is_new.is_(True)) >= 1  # type: ignore[attr-defined]
    text = summary.describe()
    assert "Lieu : Le Comptoir de Felletin" in text
    visits = _count(app, Visit, Visit.site_id == site.id)
    assert f"Visites : {visits:,}".replace(",", "\u202f") in text


def test_no_visit_on_a_closed_day(demo: tuple[Comptoir, SiteInfo, DemoSummary]) -> None:
    app, site, _summary = demo
    with app.uow() as uow:
        s = uow.session
        weekdays = {
            w
            for (w,) in s.execute(
                select(col(OpeningHours.weekday)).where(OpeningHours.site_id == site.id)
            )
        }
        closures = list(s.execute(select(col(Closure.start_date), col(Closure.end_date))))
        days = {d for (d,) in s.execute(select(col(Visit.activity_date)).distinct())}
    assert days
    for day in days:
        assert day.weekday() in weekdays, day
        assert day not in public_holidays(day.year), day
        assert not any(start <= day <= end for start, end in closures), day


def test_bookings_never_exceed_capacity(demo: tuple[Comptoir, SiteInfo, DemoSummary]) -> None:
    app, _site, _summary = demo
    with app.uow() as uow:
        capacity: dict[object, int] = dict(
            uow.session.execute(select(col(Resource.id), col(Resource.capacity))).all()
        )
        rows = uow.session.execute(
            select(
                col(Booking.resource_id),
                col(Booking.start_at),
                col(Booking.end_at),
                col(Booking.seats),
            ).where(Booking.status != "cancelled")
        ).all()
    changes: dict[object, list[tuple[datetime, int]]] = defaultdict(list)
    for resource, start, end, seats in rows:
        changes[resource].append((start, seats))
        changes[resource].append((end, -seats))
    assert len(changes) >= 3
    for resource, moments in changes.items():
        taken = 0
        for _moment, delta in sorted(moments, key=lambda m: (m[0], m[1])):  # ends first
            taken += delta
            assert taken <= capacity[resource]


def test_orientation_only_when_oriented(demo: tuple[Comptoir, SiteInfo, DemoSummary]) -> None:
    app, _site, _summary = demo
    with app.uow() as uow:
        labels: dict[object, str] = dict(
            uow.session.execute(select(col(Category.id), col(Category.label))).all()
        )
        rows = uow.session.execute(
            select(
                col(AssistanceRecord.outcome_id),
                col(AssistanceRecord.orientation_id),
                col(AssistanceRecord.follow_up_due),
                col(AssistanceRecord.letter_sent_on),
            )
        ).all()
    oriented = [r for r in rows if labels[r[0]] == "Orientée"]
    assert oriented and len(oriented) < len(rows)
    for outcome, orientation, due, letter in rows:
        assert (orientation is not None) == (labels[outcome] == "Orientée")
        if due is not None and letter is None:  # a letter's follow-up is its answer's date
            assert labels[outcome] in ("Doit revenir", "À finaliser en autonomie")


def test_stock_never_negative(demo: tuple[Comptoir, SiteInfo, DemoSummary]) -> None:
    app, _site, _summary = demo
    with app.uow() as uow:
        rows = uow.session.execute(
            select(
                col(StockMovement.product_id),
                col(StockMovement.occurred_at),
                col(StockMovement.quantity_milli),
            ).order_by(col(StockMovement.occurred_at))
        ).all()
    levels: dict[object, int] = defaultdict(int)
    for product, _at, quantity in rows:
        levels[product] += quantity
        assert levels[product] >= 0
    with app.uow() as uow:
        sold = uow.session.execute(select(func.sum(SaleLine.total_cents))).scalar_one()
        paid = uow.session.execute(
            select(func.sum(Payment.amount_cents)).where(Payment.sale_id.is_not(None))  # type: ignore[union-attr]
        ).scalar_one()
        totals = uow.session.execute(select(func.sum(Sale.total_cents))).scalar_one()
    assert sold == totals == paid


def test_a_filled_site_is_not_filled_twice(demo: tuple[Comptoir, SiteInfo, DemoSummary]) -> None:
    app, _site, _summary = demo
    before = _count(app, Visit)
    with pytest.raises(ConflictError):
        app.demo.generate(scale="small", seed=7, today=TODAY)
    assert _count(app, Visit) == before


def _fingerprint(app: Comptoir) -> tuple[object, ...]:
    with app.uow() as uow:
        s = uow.session
        visits = s.execute(select(func.count(), func.sum(Visit.count))).one()
        times = s.execute(
            select(col(Visit.activity_date), col(Visit.activity_time), col(Visit.count)).order_by(
                col(Visit.activity_date), col(Visit.activity_time), col(Visit.count)
            )
        ).all()
        turnover = s.execute(select(func.sum(Sale.total_cents))).scalar_one()
    return tuple(visits), hash(tuple(times)), turnover


def test_same_seed_same_data_other_seed_other_data(
    demo: tuple[Comptoir, SiteInfo, DemoSummary],
    template_db: Path,
    tmp_path: Path,
) -> None:
    app, _site, _summary = demo
    prints = []
    for seed in (7, 8):
        path = tmp_path / f"seed{seed}.sqlite"
        shutil.copyfile(template_db, path)
        other = build(str(path))
        try:
            summary = other.demo.generate(scale="small", seed=seed, today=TODAY)
            assert summary.sites == ["Le Comptoir de Felletin"]
            assert _count(other, Site) == 1
            prints.append(_fingerprint(other))
        finally:
            other.close()
    assert prints[0] == _fingerprint(app)
    assert prints[1] != prints[0]


def test_unknown_scale_is_refused_and_writes_nothing(app: Comptoir) -> None:
    with pytest.raises(ValidationError, match="huge"):
        app.demo.generate(scale="huge")
    assert _count(app, Site) == 0


def test_a_failure_leaves_the_database_as_it_was(
    app: Comptoir,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*_args: object) -> None:
        raise RuntimeError("panne simulée")

    monkeypatch.setattr("tiers_lieu.services.demo.commerce.add_grocery", broken)
    with pytest.raises(RuntimeError):
        app.demo.generate(scale="small", today=TODAY)
    assert _count(app, Site) == 0
    assert _count(app, Visit) == 0
