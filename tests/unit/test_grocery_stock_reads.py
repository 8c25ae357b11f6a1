"""The till's type-ahead, the product list and the favourites read the stock of the products
they show, and only theirs (issue 17): a place's whole stock history was summed — every
movement of every place — on each letter typed at the counter, so each letter got slower as
the history grew. The figures shown stay the sums of each product's movements."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from twosites import PASSWORD, PLACE_A, PLACE_B

from tiers_lieu.app import Comptoir
from tiers_lieu.services.readmodels import SiteInfo


def places(app: Comptoir) -> tuple[SiteInfo, SiteInfo]:
    by_name = {s.name: s for s in app.sites.list_sites()}
    return by_name[PLACE_A], by_name[PLACE_B]


def shelf(app: Comptoir, site: SiteInfo, names: list[str], moves: int) -> dict[str, uuid.UUID]:
    """Products (favourites) each received ``moves`` times 1 piece, then one sold."""
    ids = {}
    for name in names:
        product = app.grocery.products.create(
            site_id=site.id, name=name, price_cents=300, favourite=True
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
    ``stock_movement`` while the block runs, one line per step."""
    seen: list[tuple[str, Any]] = []

    def keep(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_rest: Any) -> None:
        if "stock_movement" in statement:
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
    """Every read of the movements goes to the chosen products' own, by the product index;
    none walks the whole table (or a whole place's movements)."""
    steps = [line for line in plans if "stock_movement" in line]
    assert steps, "the stock was not read at all"
    for line in steps:
        assert line.startswith("SEARCH"), line
        assert "product_id" in line, line


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
