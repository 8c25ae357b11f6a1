"""The till's type-ahead, the product list and the favourites read the stock of the products
they show, and only theirs (issue 17): a place's whole stock history was summed — every
movement of every place — on each letter typed at the counter, so each letter got slower as
the history grew. Each product's level is now one row of ``stock_level``, kept by the
database in the transaction of each movement; the figures shown stay the sums of each
product's movements, whoever wrote them (the services, a cascade, a bundle merge), on SQLite
and on PostgreSQL."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlmodel import col, select
from twosites import PASSWORD, PLACE_A, PLACE_B

from tiers_lieu.app import Comptoir, build
from tiers_lieu.models import StockMovement
from tiers_lieu.services.bundles.placekeys import PlaceKeyService, PublicKeyFile
from tiers_lieu.services.grocery.products import ProductFields
from tiers_lieu.services.grocery.sales import LineInput, PaymentInput
from tiers_lieu.services.readmodels import SiteInfo


def places(app: Comptoir) -> tuple[SiteInfo, SiteInfo]:
    by_name = {s.name: s for s in app.sites.list_sites()}
    return by_name[PLACE_A], by_name[PLACE_B]


def shelf(app: Comptoir, site: SiteInfo, names: list[str], moves: int) -> dict[str, uuid.UUID]:
    """Products (favourites) each received ``moves`` times 1 piece, then one sold."""
    ids = {}
    for name in names:
        product = app.grocery.products.create(
            site.id, ProductFields(name=name, price_cents=300, favourite=True)
        )
        for _ in range(moves):
            app.grocery.stock.receive(
                site_id=site.id, product_id=product.id, quantity_milli=1000, unit_cost_cents=None
            )
        app.grocery.stock.lose(site_id=site.id, product_id=product.id, quantity_milli=1000)
        ids[name] = product.id
    return ids


@contextmanager
def stock_reads(app: Comptoir) -> Iterator[list[str]]:
    """The query plans (SQLite ``EXPLAIN QUERY PLAN``) of the statements reading
    ``stock_movement`` or ``stock_level`` while the block runs, one line per step."""
    seen: list[tuple[str, Any]] = []

    def keep(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_rest: Any) -> None:
        if "stock_movement" in statement or "stock_level" in statement:
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


def reads_only_chosen_products(plans: list[str]) -> None:
    """The stock is read from each chosen product's own level, by its key; no read of the
    movements at all (their number grows with the history), nor of a whole table."""
    assert not [line for line in plans if "stock_movement" in line], plans
    steps = [line for line in plans if "stock_level" in line]
    assert steps, "the stock was not read at all"
    for line in steps:
        assert line.startswith("SEARCH"), line
        assert "product_id=?" in line, line


def levels(found: list[Any]) -> dict[str, int]:
    """The stock shown for each jar (the places hold other products too)."""
    return {p.name: p.stock_milli for p in found if p.name.startswith("Bocal")}


def test_each_letter_reads_the_stock_of_the_products_it_shows_only(two: Comptoir) -> None:
    a, b = places(two)
    shelf(two, a, ["Bocal de miel", "Bocal de mûres", "Bocal de cornichons"], moves=4)
    shelf(two, b, ["Bocal de miel de sapin", "Bocal de cornichons"], moves=6)
    products = two.grocery.products
    calls: list[Callable[[], list[Any]]] = [
        lambda: products.search(site_id=a.id, text="bocal de m"),
        lambda: products.list(site_id=a.id),
        lambda: products.list(site_id=a.id, text="cornichon"),
        lambda: products.favourites(site_id=a.id),
    ]
    answers = []
    for call in calls:
        with stock_reads(two) as plans:
            answers.append(call())
        reads_only_chosen_products(plans)
    # The figures shown are still each product's own movements, this place's only.
    assert [p.name for p in answers[0]] == ["Bocal de miel", "Bocal de mûres"]
    assert levels(answers[0]) == {"Bocal de miel": 3000, "Bocal de mûres": 3000}
    assert levels(answers[1]) == {
        "Bocal de cornichons": 3000,
        "Bocal de miel": 3000,
        "Bocal de mûres": 3000,
    }
    assert levels(answers[2]) == {"Bocal de cornichons": 3000}
    assert levels(answers[3]) == levels(answers[1])
    assert levels(products.search(site_id=b.id, text="cornichons")) == {"Bocal de cornichons": 5000}


def test_an_account_of_one_place_reads_its_products_stock_only(two: Comptoir) -> None:
    a, b = places(two)
    ids = shelf(two, a, ["Bocal de miel", "Bocal de cornichons"], moves=3)
    shelf(two, b, ["Bocal de miel"], moves=5)
    two.access.sign_in(two.accounts.authenticate("a.host", PASSWORD))
    with stock_reads(two) as plans:
        found = two.grocery.products.search(site_id=a.id, text="bocal de miel")
    reads_only_chosen_products(plans)
    assert [(p.id, p.stock_milli) for p in found] == [(ids["Bocal de miel"], 2000)]
    with stock_reads(two) as plans:
        assert two.grocery.products.get(ids["Bocal de cornichons"]).stock_milli == 2000
    reads_only_chosen_products(plans)


# -- the levels kept by the database agree with the movements -----------------------------------


def levels_agree(app: Comptoir) -> int:
    """Every ``stock_level`` row equals the sum of its product's movements, and every product
    with movements has its row; returns how many products have movements."""
    with app.engine.connect() as conn:
        sums: dict[Any, int] = dict(
            conn.execute(
                text(
                    "SELECT product_id, SUM(quantity_milli) FROM stock_movement GROUP BY product_id"
                )
            ).all()
        )
        kept: dict[Any, int] = dict(
            conn.execute(text("SELECT product_id, quantity_milli FROM stock_level")).all()
        )
    assert set(sums) <= set(kept)
    assert {pid: kept[pid] for pid in sums} == sums
    assert all(q == 0 for pid, q in kept.items() if pid not in sums)
    return len(sums)


def trade(app: Comptoir, site_id: uuid.UUID, name: str) -> dict[str, Any]:
    """A shelf's life through the services: receptions, sales (one cancelled by a reversing
    ticket; a numbered ticket is never deleted), an inventory, a loss, a movement deleted and
    one corrected. Returns the products' ids and the final stock a user sees."""
    grocery = app.grocery
    jam = grocery.products.create(site_id, ProductFields(name=f"{name} confiture", price_cents=450))
    flour = grocery.products.create(
        site_id, ProductFields(name=f"{name} farine", price_cents=200, unit="kg")
    )
    for product in (jam, flour):
        grocery.stock.receive(
            site_id=site_id, product_id=product.id, quantity_milli=10000, unit_cost_cents=100
        )
    paid = [PaymentInput(method="cash", amount_cents=10000)]
    grocery.sales.record(
        site_id=site_id,
        lines=[LineInput(jam.id, 2000), LineInput(flour.id, 1500)],
        payments=paid,
    )
    cancelled = grocery.sales.record(
        site_id=site_id, lines=[LineInput(jam.id, 3000)], payments=paid
    )
    grocery.sales.cancel(cancelled.id)
    grocery.sales.record(site_id=site_id, lines=[LineInput(flour.id, 500)], payments=paid)
    grocery.stock.count(site_id=site_id, product_id=jam.id, counted_milli=7000)  # one broke
    grocery.stock.lose(site_id=site_id, product_id=flour.id, quantity_milli=1000)
    extra = grocery.stock.receive(
        site_id=site_id, product_id=jam.id, quantity_milli=4000, unit_cost_cents=None
    )
    typo = grocery.stock.receive(
        site_id=site_id, product_id=flour.id, quantity_milli=9000, unit_cost_cents=None
    )
    with app.uow() as uow:
        uow.session.delete(uow.session.get(StockMovement, extra.id))  # received by mistake
        fixed = uow.session.get(StockMovement, typo.id)
        assert fixed is not None
        fixed.quantity_milli = 900  # 0,9 kg, not 9 kg
        uow.session.add(fixed)
        uow.commit()
    return {
        "ids": (jam.id, flour.id),
        "levels": (grocery.stock.level(jam.id), grocery.stock.level(flour.id)),
    }


@pytest.fixture(params=["sqlite", "postgresql"])
def coordination(
    request: pytest.FixtureRequest, template_db: Path, tmp_path: Path
) -> Iterator[Comptoir]:
    """An empty coordinator's base, in a SQLite file or on the PostgreSQL test server."""
    if request.param == "sqlite":
        target = tmp_path / "coordination.sqlite"
        shutil.copyfile(template_db, target)
        url = str(target)
    else:
        url = request.getfixturevalue("pg_url")
    app = build(url)
    yield app
    app.close()


def test_every_level_is_the_sum_of_its_movements_whoever_writes_them(
    coordination: Comptoir, template_db: Path, tmp_path: Path
) -> None:
    desk_file = tmp_path / "felletin.sqlite"
    shutil.copyfile(template_db, desk_file)
    desk = build(str(desk_file))
    try:
        place = desk.sites.init_site(name=PLACE_A, commune_name="Felletin", insee_code="23079")
        sold = trade(desk, place.id, "Bocal")
        # 10 − 2 (sold) − 3 + 3 (cancelled) → 8, counted 7; 10 − 1,5 − 0,5 − 1 (lost)
        # + 0,9 (corrected) → 7,9 kg.
        assert sold["levels"] == (7000, 7900)
        assert levels_agree(desk) == 2
        bundle = tmp_path / "felletin.bundle"
        desk.bundles.export_bundle(place.id, bundle, since=None, mode="full")
        key = PlaceKeyService(desk.uow).own_key(place.id)

        # The coordinator trades at its own place, then merges the desk's rows (Core inserts).
        own = coordination.sites.init_site(name=PLACE_B, commune_name="Aubusson")
        kept = trade(coordination, own.id, "Pot")
        assert kept["levels"] == (7000, 7900)
        assert levels_agree(coordination) == 2
        PlaceKeyService(coordination.uow).trust(
            PublicKeyFile(place.id, key.label, key.public_key, key.fingerprint)
        )
        coordination.bundles.import_bundle(bundle)
        assert levels_agree(coordination) == 4
        jam, flour = sold["ids"]
        assert (coordination.grocery.stock.level(jam), coordination.grocery.stock.level(flour)) == (
            7000,
            7900,
        )

        # Later at the desk: a correction and a deletion travel as an update and a tombstone.
        since = datetime.now(UTC)
        with desk.uow() as uow:
            moves = uow.session.exec(
                select(StockMovement).where(col(StockMovement.product_id) == flour)
            ).all()
            reception = next(m for m in moves if m.quantity_milli == 10000)
            reception.quantity_milli = 12000
            uow.session.add(reception)
            uow.session.delete(next(m for m in moves if m.quantity_milli == -1000))  # not lost
            uow.commit()
        assert desk.grocery.stock.level(flour) == 10900
        later = tmp_path / "felletin-2.bundle"
        desk.bundles.export_bundle(place.id, later, since=since, mode="full")
        coordination.bundles.import_bundle(later)
        assert coordination.grocery.stock.level(flour) == 10900
        assert levels_agree(coordination) == 4
        assert levels_agree(desk) == 2
    finally:
        desk.close()
