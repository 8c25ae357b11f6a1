"""The reads behind the sections (issue 17): each one is bounded by what it shows — one day of
sales, a place's open follow-ups, the latest volunteer entries, a product's latest stock
movements, a page of the agenda — and reaches it through its index even for an account bound
to its place, whose queries all get ``site_id IN (…)`` (SQLite then walked the place's whole
history through ``ix_<table>_site_id``). The figures shown are unchanged: each is checked
against the rows read plainly."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from sqlalchemy import event
from sqlmodel import Session, col, select
from twosites import PASSWORD, PLACE_A, PLACE_B

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import place_today
from tiers_lieu.models import (
    AmapSubscription,
    AssistanceRecord,
    BasketType,
    Distribution,
    Payment,
    Pickup,
    Resource,
    SaleLine,
    StockMovement,
    VolunteerTime,
)
from tiers_lieu.services.amap.common import DISTRIBUTED
from tiers_lieu.services.grocery.products import ProductFields
from tiers_lieu.services.grocery.sales import LineInput, PaymentInput
from tiers_lieu.services.readmodels import SiteInfo


def places(app: Comptoir) -> tuple[SiteInfo, SiteInfo]:
    by_name = {s.name: s for s in app.sites.list_sites()}
    return by_name[PLACE_A], by_name[PLACE_B]


def as_coordinator_of_a(app: Comptoir) -> None:
    app.access.sign_in(app.accounts.authenticate("a.coordinator", PASSWORD))


@contextmanager
def plans_of(app: Comptoir, table: str) -> Iterator[list[str]]:
    """The query plan lines (SQLite ``EXPLAIN QUERY PLAN``) of the statements naming
    ``table`` run while the block runs."""
    seen: list[tuple[str, Any]] = []

    def keep(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_rest: Any) -> None:
        if f" {table} " in f" {statement} ".replace("\n", " ") and statement.startswith("SELECT"):
            seen.append((statement, parameters))

    event.listen(app.engine, "before_cursor_execute", keep)
    plans: list[str] = []
    try:
        yield plans
    finally:
        event.remove(app.engine, "before_cursor_execute", keep)
    with app.engine.connect() as conn:
        for statement, parameters in seen:
            rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
            plans.extend(str(row[-1]) for row in rows)


def never_the_whole_place(plans: list[str], table: str) -> None:
    """No step scans ``table`` or walks it by its place alone."""
    steps = [line for line in plans if f" {table} " in f" {line} "]
    assert steps, f"{table} was not read"
    for line in steps:
        assert not line.startswith("SCAN"), line
        assert f"ix_{table}_site_id " not in line + " ", line


# -- « Ventes du jour » ------------------------------------------------------------------
def test_the_days_sales_read_that_day_only_and_keep_their_figures(two: Comptoir) -> None:
    a, _b = places(two)
    bread = two.grocery.products.create(a.id, ProductFields(name="Pain", price_cents=480))
    jam = two.grocery.products.create(a.id, ProductFields(name="Confiture", price_cents=350))
    two.grocery.stock.receive(
        site_id=a.id, product_id=bread.id, quantity_milli=20_000, unit_cost_cents=None
    )
    two.grocery.stock.receive(
        site_id=a.id, product_id=jam.id, quantity_milli=20_000, unit_cost_cents=None
    )
    for lines, method in (([bread], "cash"), ([bread, jam], "card"), ([jam, jam, bread], "cash")):
        total = sum(p.price_cents for p in lines)
        two.grocery.sales.record(
            site_id=a.id,
            lines=[LineInput(p.id, 1000) for p in dict.fromkeys(lines)],
            payments=[PaymentInput(method, total)],
        )
    as_coordinator_of_a(two)
    day = place_today(a.zone)
    closing = two.grocery.closing
    with plans_of(two, "sale_line") as line_plans, plans_of(two, "payment") as payment_plans:
        sales = closing.day_sales(site_id=a.id, day=day)
        z = closing.z_report(site_id=a.id, day=day)
    never_the_whole_place(line_plans, "sale_line")
    never_the_whole_place(payment_plans, "payment")
    with plans_of(two, "sale") as sale_plans:
        closing.z_report(site_id=a.id, day=day)
    assert any("ix_sale_site_sold_at" in line for line in sale_plans), sale_plans

    # The figures, against the rows read plainly.
    with Session(two.engine) as session:
        ids = {s.id for s in sales}
        lines = Counter(
            line.sale_id
            for line in session.exec(select(SaleLine).where(col(SaleLine.sale_id).in_(ids)))
        )
        payments = session.exec(select(Payment).where(col(Payment.sale_id).in_(ids))).all()
    assert len(sales) == 3
    assert {s.id: s.items for s in sales} == dict(lines)
    assert sorted(s.items for s in sales) == [1, 2, 2]
    assert z.sales == 3 and z.total_cents == sum(p.amount_cents for p in payments)
    by_method = Counter(p.method for p in payments)
    assert {m.method: m.payments for m in z.by_method} == dict(by_method)
    assert closing.day_sales(site_id=a.id, day=day - timedelta(days=1)) == []


# -- « Suivis » ----------------------------------------------------------------------------
def test_the_follow_up_count_is_the_length_of_the_list(two: Comptoir) -> None:
    a, b = places(two)
    with Session(two.engine) as session:
        expected = {
            site.id: sum(
                1
                for r in session.exec(
                    select(AssistanceRecord).where(AssistanceRecord.site_id == site.id)
                )
                if r.follow_up_due is not None and r.follow_up_closed_at is None
            )
            for site in (a, b)
        }
    assert expected[a.id] > 0, "the small demo leaves follow-ups open"
    for site in (a, b):
        assert two.assistance.count_follow_ups(site.id) == expected[site.id]
        assert len(two.assistance.follow_ups(site.id)) == expected[site.id]
    as_coordinator_of_a(two)
    with plans_of(two, "assistance_record") as plans:
        count = two.assistance.count_follow_ups(a.id)
        listed = two.assistance.follow_ups(a.id)
    assert count == len(listed) == expected[a.id]
    assert [f.due for f in listed] == sorted(f.due for f in listed)
    never_the_whole_place(plans, "assistance_record")
    assert all("ix_assistance_record_open_follow_up" in p for p in plans if "SEARCH" in p)


# -- « Bénévolat » --------------------------------------------------------------------------
def test_the_latest_volunteer_entries_are_the_head_of_the_whole_list(two: Comptoir) -> None:
    a, _b = places(two)
    everything = two.organisation.list_volunteer_time(a.id)
    with Session(two.engine) as session:
        stored = session.exec(select(VolunteerTime).where(VolunteerTime.site_id == a.id)).all()
    assert len(everything) == len(stored) > 10
    assert [e.on_date for e in everything] == sorted((e.on_date for e in stored), reverse=True)
    as_coordinator_of_a(two)
    with plans_of(two, "volunteer_time") as plans:
        latest = two.organisation.list_volunteer_time(a.id, limit=10)
    assert latest == everything[:10]
    assert any("ix_volunteer_time_site_date" in line for line in plans), plans


# -- « Stock » --------------------------------------------------------------------------
def test_a_products_history_is_its_latest_movements(two: Comptoir) -> None:
    a, _b = places(two)
    honey = two.grocery.products.create(a.id, ProductFields(name="Miel", price_cents=900))
    for quantity in range(1, 8):
        two.grocery.stock.receive(
            site_id=a.id, product_id=honey.id, quantity_milli=quantity * 1000, unit_cost_cents=None
        )
    as_coordinator_of_a(two)
    with plans_of(two, "stock_movement") as plans:
        latest = two.grocery.stock.history(honey.id, limit=5)
    with Session(two.engine) as session:
        stored = session.exec(
            select(StockMovement).where(StockMovement.product_id == honey.id)
        ).all()
    newest = sorted(stored, key=lambda m: (m.occurred_at, m.quantity_milli), reverse=True)
    assert [m.quantity_milli for m in latest] == [m.quantity_milli for m in newest[:5]]
    assert any("ix_stock_movement_product_occurred" in line for line in plans), plans
    assert two.grocery.stock.level(honey.id) == sum(range(1, 8)) * 1000


# -- « Agenda » ---------------------------------------------------------------------------
def test_a_day_of_the_agenda_reads_its_bookings_by_resource(two: Comptoir) -> None:
    a, _b = places(two)
    with Session(two.engine) as session:
        resources = session.exec(select(Resource).where(Resource.site_id == a.id)).all()
    assert resources, "the small demo has rooms to book"
    as_coordinator_of_a(two)
    with plans_of(two, "booking") as plans:
        view = two.agenda.bookings.day(a.id, place_today(a.zone))
    never_the_whole_place(plans, "booking")
    assert any("ix_booking_resource_site_start" in line for line in plans), plans
    assert view is not None


# -- « Paniers solidaires » -----------------------------------------------------------------
def test_the_solidarity_summary_reads_the_periods_pickups_only(two: Comptoir) -> None:
    a, _b = places(two)
    with Session(two.engine) as session:
        days = [d.on_date for d in session.exec(select(Distribution)) if d.site_id == a.id]
        start, end = min(days), max(days)
        expected_baskets = expected_cost = 0
        for pickup in session.exec(select(Pickup).where(Pickup.site_id == a.id)):
            distribution = session.get(Distribution, pickup.distribution_id)
            subscription = session.get(AmapSubscription, pickup.subscription_id)
            assert distribution is not None and subscription is not None
            if (
                distribution.cancelled
                or not subscription.solidarity
                or pickup.status not in [str(s) for s in DISTRIBUTED]
            ):
                continue
            basket = session.get(BasketType, subscription.basket_type_id)
            assert basket is not None
            price = basket.solidarity_price_cents
            gap = basket.price_cents - (basket.price_cents if price is None else price)
            expected_baskets += subscription.quantity
            expected_cost += subscription.quantity * gap
    assert expected_baskets > 0, "the small demo hands out solidarity baskets"
    as_coordinator_of_a(two)
    with plans_of(two, "pickup") as plans:
        summary = two.amap.solidarity.summary(site_id=a.id, start=start, end=end)
    assert (summary.baskets, summary.cost_cents) == (expected_baskets, expected_cost)
    never_the_whole_place(plans, "pickup")
