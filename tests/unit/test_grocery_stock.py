"""Products and stock: barcode checks and look-ups, and the level as the sum of movements."""

from __future__ import annotations

import pytest

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import ConflictError, ValidationError
from tiers_lieu.models.enums import ProductUnit, StockMovementKind
from tiers_lieu.services.grocery.products import ProductFields, ProductInfo, barcode_is_valid
from tiers_lieu.services.grocery.sales import LineInput, PaymentInput
from tiers_lieu.services.readmodels import SiteInfo

EGGS = "2000010000012"  # a valid EAN-13


def eggs(app: Comptoir, site: SiteInfo, **kwargs: object) -> ProductInfo:
    return app.grocery.products.create(
        site.id,
        ProductFields(
            name="Œufs fermiers, boîte de 6",
            category="Frais",
            price_cents=320,
            solidarity_price_cents=220,
            barcode=EGGS,
            alert_threshold_milli=5000,
            **kwargs,  # type: ignore[arg-type]
        ),
    )


def test_ean13_check_digit() -> None:
    assert barcode_is_valid("3017620422003")
    assert barcode_is_valid(EGGS)
    assert barcode_is_valid("96385074")  # EAN-8
    assert not barcode_is_valid("3017620422004")
    assert not barcode_is_valid("30176204220")
    assert not barcode_is_valid("301762042200A")


def test_barcode_refused_when_wrong_or_taken(app: Comptoir, site: SiteInfo) -> None:
    eggs(app, site)
    with pytest.raises(ValidationError) as error:
        app.grocery.products.create(
            site.id, ProductFields(name="Miel", price_cents=950, barcode="3017620422004")
        )
    assert error.value.field == "Code-barres"
    with pytest.raises(ConflictError, match="Œufs fermiers"):
        app.grocery.products.create(
            site.id, ProductFields(name="Miel", price_cents=950, barcode=EGGS)
        )


def test_barcode_lookup_and_search_by_letters(app: Comptoir, site: SiteInfo) -> None:
    product = eggs(app, site)
    app.grocery.products.create(site.id, ProductFields(name="Pain de campagne", price_cents=480))
    found = app.grocery.products.by_barcode(site_id=site.id, barcode=EGGS)
    assert found is not None and found.id == product.id
    assert app.grocery.products.by_barcode(site_id=site.id, barcode="3017620422003") is None
    assert [p.name for p in app.grocery.products.search(site_id=site.id, text="oeuf")] == [
        "Œufs fermiers, boîte de 6"
    ]
    assert [p.name for p in app.grocery.products.search(site_id=site.id, text="CAMP")] == [
        "Pain de campagne"
    ]
    # An inactive product no longer answers the scanner.
    app.grocery.products.update(
        product.id, ProductFields(name=product.name, price_cents=320, barcode=EGGS, active=False)
    )
    assert app.grocery.products.by_barcode(site_id=site.id, barcode=EGGS) is None


def test_level_is_the_sum_of_receptions_sales_losses_and_inventory(
    app: Comptoir, site: SiteInfo
) -> None:
    product = eggs(app, site)
    stock = app.grocery.stock
    stock.receive(site_id=site.id, product_id=product.id, quantity_milli=12000, unit_cost_cents=200)
    stock.receive(site_id=site.id, product_id=product.id, quantity_milli=6000, unit_cost_cents=210)
    app.grocery.sales.record(
        site_id=site.id,
        lines=[LineInput(product.id, 3000)],
        payments=[PaymentInput("card", 960)],
    )
    stock.lose(site_id=site.id, product_id=product.id, quantity_milli=1000, note="Casse")
    assert stock.level(product.id) == 12000 + 6000 - 3000 - 1000
    correction = stock.count(site_id=site.id, product_id=product.id, counted_milli=13000)
    assert correction is not None and correction.quantity_milli == -1000
    assert correction.kind == StockMovementKind.INVENTORY
    assert stock.count(site_id=site.id, product_id=product.id, counted_milli=13000) is None
    assert stock.level(product.id) == 13000
    assert app.grocery.products.get(product.id).stock_milli == 13000
    history = stock.history(product.id)
    assert sum(m.quantity_milli for m in history) == 13000
    assert len(history) == 5


def test_loss_beyond_stock_refused_and_pieces_whole(app: Comptoir, site: SiteInfo) -> None:
    product = eggs(app, site)
    stock = app.grocery.stock
    stock.receive(site_id=site.id, product_id=product.id, quantity_milli=2000, unit_cost_cents=None)
    with pytest.raises(ConflictError, match="inventaire"):
        stock.lose(site_id=site.id, product_id=product.id, quantity_milli=3000)
    with pytest.raises(ValidationError):
        stock.receive(
            site_id=site.id, product_id=product.id, quantity_milli=1500, unit_cost_cents=None
        )
    assert stock.level(product.id) == 2000


def test_low_stock_lists_products_at_or_below_threshold(app: Comptoir, site: SiteInfo) -> None:
    low = eggs(app, site)
    full = app.grocery.products.create(
        site.id,
        ProductFields(
            name="Carottes", unit=ProductUnit.KG, price_cents=280, alert_threshold_milli=2000
        ),
    )
    app.grocery.stock.receive(
        site_id=site.id, product_id=low.id, quantity_milli=4000, unit_cost_cents=None
    )
    app.grocery.stock.receive(
        site_id=site.id, product_id=full.id, quantity_milli=8500, unit_cost_cents=None
    )
    assert [p.name for p in app.grocery.stock.low_stock(site_id=site.id)] == [low.name]
