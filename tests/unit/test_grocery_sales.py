"""Sales at the counter: one transaction for sale, payments and movements; prices, change,
the stock warning, cancellation by a reversing ticket, and the Z de caisse."""

from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from pdftext import pdf_text
from sqlalchemy.exc import IntegrityError
from sqlmodel import func, select

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import ConflictError, NotFoundError
from tiers_lieu.models import Payment, Sale, SaleLine, StockMovement
from tiers_lieu.models.enums import ProductUnit, StockMovementKind
from tiers_lieu.reports.documents.z_report import write_z_pdf
from tiers_lieu.services.amounts import line_total, vat_included
from tiers_lieu.services.grocery import sales as sales_module
from tiers_lieu.services.grocery.products import ProductFields, ProductInfo
from tiers_lieu.services.grocery.sales import LineInput, PaymentInput, StockWarning
from tiers_lieu.services.people import PersonInput
from tiers_lieu.services.readmodels import SiteInfo


def product(app: Comptoir, site: SiteInfo, name: str, price: int, **kwargs: Any) -> ProductInfo:
    created = app.grocery.products.create(
        site.id, ProductFields(name=name, price_cents=price, **kwargs)
    )
    app.grocery.stock.receive(
        site_id=site.id, product_id=created.id, quantity_milli=20000, unit_cost_cents=None
    )
    return created


def counts(app: Comptoir) -> tuple[int, ...]:
    with app.uow() as uow:
        return tuple(
            uow.session.exec(select(func.count()).select_from(table)).one()
            for table in (Sale, SaleLine, Payment, StockMovement)
        )


def test_cash_change_is_exact_and_stock_goes_down(app: Comptoir, site: SiteInfo) -> None:
    honey = product(app, site, "Miel toutes fleurs 250 g", 590)
    carrots = product(app, site, "Carottes", 280, unit=ProductUnit.KG)
    sale = app.grocery.sales.record(
        site_id=site.id,
        lines=[LineInput(honey.id, 1000), LineInput(carrots.id, 625)],
        payments=[PaymentInput("cash", 1000)],
    )
    # 5,90 € + 0,625 kg × 2,80 € (1,75 €) = 7,65 €; 10 € given → 2,35 € back.
    assert sale.total_cents == 765
    assert sale.change_cents == 235
    assert [(p.method, p.amount_cents) for p in sale.payments] == [("cash", 765)]
    assert app.grocery.stock.level(carrots.id) == 20000 - 625


def test_split_payment_voucher_then_cash(app: Comptoir, site: SiteInfo) -> None:
    bread = product(app, site, "Pain de campagne 1 kg", 480)
    sale = app.grocery.sales.record(
        site_id=site.id,
        lines=[LineInput(bread.id, 2000)],
        payments=[PaymentInput("voucher", 500), PaymentInput("cash", 500)],
    )
    assert sale.change_cents == 40
    assert sorted((p.method, p.amount_cents) for p in sale.payments) == [
        ("cash", 460),
        ("voucher", 500),
    ]


def test_short_payment_rolls_everything_back(app: Comptoir, site: SiteInfo) -> None:
    bread = product(app, site, "Pain", 480)
    before = counts(app)
    with pytest.raises(ConflictError, match="il manque"):
        app.grocery.sales.record(
            site_id=site.id,
            lines=[LineInput(bread.id, 1000)],
            payments=[PaymentInput("card", 400)],
        )
    with pytest.raises(ConflictError, match="espèces"):
        app.grocery.sales.record(
            site_id=site.id,
            lines=[LineInput(bread.id, 1000)],
            payments=[PaymentInput("card", 500)],
        )
    assert counts(app) == before
    assert app.grocery.stock.level(bread.id) == 20000


def test_failure_while_writing_payments_leaves_no_sale(
    app: Comptoir, site: SiteInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    bread = product(app, site, "Pain", 480)
    before = counts(app)

    def broken(total: int, payments: Any) -> tuple[list[PaymentInput], int]:
        # A negative amount breaks the payment table's CHECK constraint at the flush,
        # after the sale, its line and its movement were added to the transaction.
        return [PaymentInput("card", -1)], 0

    monkeypatch.setattr(sales_module, "_settle", broken)
    with pytest.raises(IntegrityError, match=r"amount_positive|CHECK"):
        app.grocery.sales.record(site_id=site.id, lines=[LineInput(bread.id, 1000)], payments=[])
    assert counts(app) == before
    assert app.grocery.stock.level(bread.id) == 20000


def test_solidarity_price_for_an_eligible_household(app: Comptoir, site: SiteInfo) -> None:
    eggs = product(app, site, "Œufs", 320, solidarity_price_cents=220)
    soap = product(app, site, "Savon", 350)  # no solidarity price: normal price
    household = app.people.create(
        site.id, PersonInput(first_name="Lucie", last_name="Martin", kinds=["solidarity"])
    )
    other = app.people.create(site.id, PersonInput(first_name="Paul", last_name="Roy"))
    lines = [LineInput(eggs.id, 2000), LineInput(soap.id, 1000)]
    assert app.grocery.sales.eligible(household.id)
    assert not app.grocery.sales.eligible(other.id)
    reduced = app.grocery.sales.record(
        site_id=site.id,
        lines=lines,
        payments=[PaymentInput("cash", 790)],
        person_id=household.id,
    )
    assert reduced.solidarity and reduced.total_cents == 2 * 220 + 350
    normal = app.grocery.sales.record(
        site_id=site.id, lines=lines, payments=[PaymentInput("card", 990)], person_id=other.id
    )
    assert not normal.solidarity and normal.total_cents == 2 * 320 + 350
    flagged = app.grocery.sales.record(
        site_id=site.id, lines=lines, payments=[PaymentInput("card", 790)], solidarity=True
    )
    assert flagged.total_cents == 790


def test_sale_beyond_stock_warns_then_records_the_correction(app: Comptoir, site: SiteInfo) -> None:
    created = app.grocery.products.create(site.id, ProductFields(name="Tomme", price_cents=2400))
    app.grocery.stock.receive(
        site_id=site.id, product_id=created.id, quantity_milli=1000, unit_cost_cents=None
    )
    before = counts(app)
    lines = [LineInput(created.id, 3000)]
    with pytest.raises(StockWarning) as warning:
        app.grocery.sales.record(
            site_id=site.id, lines=lines, payments=[PaymentInput("card", 7200)]
        )
    assert warning.value.products == ["Tomme (1 en stock)"]
    assert counts(app) == before
    sale = app.grocery.sales.record(
        site_id=site.id,
        lines=lines,
        payments=[PaymentInput("card", 7200)],
        confirm_beyond_stock=True,
    )
    assert sale.corrections == ("Tomme",)
    assert app.grocery.stock.level(created.id) == 0
    kinds = [(m.kind, m.quantity_milli) for m in app.grocery.stock.history(created.id)]
    assert (StockMovementKind.INVENTORY, 2000) in kinds


def test_cancel_records_a_reversing_ticket_and_puts_products_back(
    app: Comptoir, site: SiteInfo
) -> None:
    bread = product(app, site, "Pain", 480)
    sale = app.grocery.sales.record(
        site_id=site.id, lines=[LineInput(bread.id, 2000)], payments=[PaymentInput("card", 960)]
    )
    reversal = app.grocery.sales.cancel(sale.id)
    assert (reversal.ticket_number, reversal.reverses_id, reversal.reverses_number) == (
        2,
        sale.id,
        1,
    )
    assert reversal.total_cents == -960
    assert [(line.quantity_milli, line.total_cents) for line in reversal.lines] == [(-2000, -960)]
    assert [(p.method, p.amount_cents) for p in reversal.payments] == [("card", -960)]
    assert app.grocery.stock.level(bread.id) == 20000
    original = app.grocery.sales.get(sale.id)
    assert (original.total_cents, original.cancelled_at) == (960, None)  # unchanged
    assert (original.reversed_by_id, original.reversed_by_number) == (reversal.id, 2)
    with pytest.raises(ConflictError, match="T000002"):
        app.grocery.sales.cancel(sale.id)
    with pytest.raises(ConflictError, match="déjà une annulation"):
        app.grocery.sales.cancel(reversal.id)
    today = reversal.sold_at.astimezone(app.visits.time_zone(site.id)).date()
    assert app.grocery.closing.z_report(site_id=site.id, day=today).total_cents == 0


def test_rounding_helpers() -> None:
    assert line_total(250, 1235) == 309  # 3,0875 € → 3,09 €
    assert line_total(280, 625) == 175
    assert vat_included(1055, 550) == 55  # 10,55 € TTC at 5,5 % → 0,55 € of VAT
    assert vat_included(1200, 2000) == 200


def test_z_per_method_and_vat_breakdown_exact(
    app: Comptoir, site: SiteInfo, tmp_path: Path
) -> None:
    beer = product(app, site, "Bière blonde", 350, vat_rate_bp=2000)
    eggs = product(app, site, "Œufs", 320, vat_rate_bp=550)
    record = app.grocery.sales.record
    record(
        site_id=site.id,
        lines=[LineInput(beer.id, 3000), LineInput(eggs.id, 1000)],
        payments=[PaymentInput("cash", 2000)],
    )  # 10,50 + 3,20 = 13,70 € ; 6,30 € back
    record(
        site_id=site.id,
        lines=[LineInput(eggs.id, 2000)],
        payments=[PaymentInput("voucher", 500), PaymentInput("card", 140)],
    )  # 6,40 €
    today = datetime.now(app.visits.time_zone(site.id)).date()
    z = app.grocery.closing.z_report(site_id=site.id, day=today)
    assert z.sales == 2 and z.total_cents == 1370 + 640
    assert {m.method: m.amount_cents for m in z.by_method} == {
        "cash": 1370,
        "voucher": 500,
        "card": 140,
    }
    assert sum(m.amount_cents for m in z.by_method) == z.total_cents
    vat = {v.rate_bp: (v.total_cents, v.vat_cents, v.net_cents) for v in z.by_vat}
    # 20 %: 10,50 € TTC → 1,75 € of VAT; 5,5 %: 9,60 € TTC → 0,50 € (0,5004…).
    assert vat == {2000: (1050, 175, 875), 550: (960, 50, 910)}
    path = tmp_path / "z.pdf"
    write_z_pdf(z, path)
    text = pdf_text(path)
    assert "Z de caisse" in text and "Le Comptoir de Felletin" in text
    assert "Espèces 1 13,70 €" in text
    assert "Bon alimentaire 1 5,00 €" in text
    assert "20 % 10,50 € 8,75 € 1,75 €" in text
    assert "Total 3 20,10 €" in text


def test_unknown_product_refused(app: Comptoir, site: SiteInfo) -> None:
    bread = product(app, site, "Pain", 480)
    before = counts(app)
    with pytest.raises(NotFoundError) as refused:
        app.grocery.sales.record(
            site_id=site.id,
            lines=[LineInput(bread.id, 1000), LineInput(uuid.uuid4(), 1000)],
            payments=[PaymentInput("cash", 1000)],
        )
    assert str(refused.value) == "Un produit de la vente n'existe plus."
    assert counts(app) == before  # nothing of the sale is kept, not even the bread
    assert app.grocery.stock.level(bread.id) == 20000
