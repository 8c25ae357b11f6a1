"""The counter (« Caisse ») driven from the keyboard as a host and a barcode scanner do: the
lines that appear, the total, the change shown and the stock afterwards."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from placetime import place_today
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from tiers_lieu.app import Comptoir
from tiers_lieu.models import Person
from tiers_lieu.models.enums import ProductUnit
from tiers_lieu.services.grocery.products import ProductFields, ProductInfo
from tiers_lieu.services.people import PersonInput
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.grocery import GroceryPanel
from tiers_lieu.ui.grocery.cash_desk import CashDeskTab
from tiers_lieu.ui.grocery.table_models import CartModel

HONEY = "2000010000012"
BREAD = "3760000000017"


def stocked(app: Comptoir, site: SiteInfo, name: str, price: int, **kw: Any) -> ProductInfo:
    product = app.grocery.products.create(
        site.id, ProductFields(name=name, price_cents=price, **kw)
    )
    app.grocery.stock.receive(
        site_id=site.id, product_id=product.id, quantity_milli=10000, unit_cost_cents=None
    )
    return product


@pytest.fixture
def products(app: Comptoir, site: SiteInfo) -> dict[str, ProductInfo]:
    return {
        "honey": stocked(app, site, "Miel toutes fleurs 250 g", 590, barcode=HONEY),
        "bread": stocked(app, site, "Pain de campagne", 145, barcode=BREAD, favourite=True),
        "carrots": stocked(app, site, "Carottes", 280, unit=ProductUnit.KG),
    }


@pytest.fixture
def desk(qtbot: QtBot, app: Comptoir, site: SiteInfo, products: object) -> Iterator[CashDeskTab]:
    panel = GroceryPanel(app, site)
    qtbot.addWidget(panel)
    panel.resize(1280, 800)
    with qtbot.waitExposed(panel):
        panel.show()
    panel.cash_desk.scan.setFocus()
    yield panel.cash_desk  # the panel stays referenced (alive) until the test ends


def cart_texts(desk: CashDeskTab) -> list[tuple[str, str, str]]:
    model = desk.cart
    c = CartModel.Columns
    return [
        (
            model.index(row, c.PRODUCT).data(),
            model.index(row, c.QUANTITY).data(),
            model.index(row, c.TOTAL).data(),
        )
        for row in range(model.rowCount())
    ]


def scan(qtbot: QtBot, desk: CashDeskTab, text: str) -> None:
    qtbot.keyClicks(desk.scan, text)
    qtbot.keyClick(desk.scan, Qt.Key.Key_Return)


def test_scanned_barcode_adds_the_line_then_increments_it(qtbot: QtBot, desk: CashDeskTab) -> None:
    scan(qtbot, desk, HONEY)
    assert cart_texts(desk) == [("Miel toutes fleurs 250 g", "1", "5,90\u00a0€")]
    assert desk.scan.text() == ""
    scan(qtbot, desk, HONEY)
    scan(qtbot, desk, "3*" + BREAD)
    assert cart_texts(desk) == [
        ("Miel toutes fleurs 250 g", "2", "11,80\u00a0€"),
        ("Pain de campagne", "3", "4,35\u00a0€"),
    ]
    assert "16,15" in desk.total_label.text()


def test_unknown_barcode_warns_and_adds_nothing(
    qtbot: QtBot, desk: CashDeskTab, message_boxes: list[tuple[str, str, str]]
) -> None:
    scan(qtbot, desk, "3017620422003")
    assert desk.cart.rowCount() == 0
    assert message_boxes and "3017620422003" in message_boxes[-1][2]


def test_letters_then_arrow_and_enter_pick_a_match(qtbot: QtBot, desk: CashDeskTab) -> None:
    qtbot.keyClicks(desk.scan, "0,625*ca")
    assert desk.matches.isVisible()
    names = [desk.matches_model.row_at(r).name for r in range(desk.matches_model.rowCount())]
    assert names == ["Carottes", "Pain de campagne"]
    qtbot.keyClick(desk.scan, Qt.Key.Key_Return)
    assert cart_texts(desk) == [("Carottes", "0,625 kg", "1,75\u00a0€")]
    qtbot.keyClicks(desk.scan, "ca")
    qtbot.keyClick(desk.scan, Qt.Key.Key_Down)
    qtbot.keyClick(desk.scan, Qt.Key.Key_Return)
    assert cart_texts(desk)[-1][0] == "Pain de campagne"


def open_payment(qtbot: QtBot, desk: CashDeskTab) -> QWidget:
    """F9, then wait for the payment dialog to take the keyboard; returns the focused field."""
    qtbot.keyClick(desk.scan, Qt.Key.Key_F9)
    dialog = desk.payment_dialog
    assert dialog is not None

    def focused_in_dialog() -> bool:
        widget = QApplication.focusWidget()
        return widget is not None and widget.window() is dialog

    qtbot.waitUntil(focused_in_dialog, timeout=2000)
    focused = QApplication.focusWidget()
    assert focused is not None
    return focused


def test_whole_sale_by_keyboard_cash_with_change_and_stock_down(
    qtbot: QtBot, desk: CashDeskTab, app: Comptoir, products: dict[str, ProductInfo]
) -> None:
    # 5,90 € of honey + 1,45 € of bread (F1, the favourite) = 7,35 €; 10 € given → 2,65 €.
    scan(qtbot, desk, HONEY)
    qtbot.keyClick(desk.scan, Qt.Key.Key_F1)
    assert "7,35" in desk.total_label.text()
    focused = open_payment(qtbot, desk)
    qtbot.keyClicks(focused, "10")
    assert "2,65" in desk.payment_dialog.balance.text()  # type: ignore[union-attr]
    qtbot.keyClick(focused, Qt.Key.Key_Return)
    assert desk.payment_dialog is None
    assert "monnaie à rendre : 2,65" in desk.status.text()
    assert desk.cart.rowCount() == 0 and "0,00" in desk.total_label.text()
    assert app.grocery.stock.level(products["honey"].id) == 9000
    assert app.grocery.stock.level(products["bread"].id) == 9000


def test_short_payment_keeps_the_dialog_open(qtbot: QtBot, desk: CashDeskTab) -> None:
    scan(qtbot, desk, HONEY)
    focused = open_payment(qtbot, desk)
    qtbot.keyClicks(focused, "5")
    qtbot.keyClick(focused, Qt.Key.Key_Return)
    assert desk.payment_dialog is not None
    assert "Reste à payer : 0,90" in desk.payment_dialog.balance.text()
    qtbot.keyClick(focused, Qt.Key.Key_F2)  # the rest by card
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert desk.payment_dialog is None and desk.cart.rowCount() == 0
    assert "Vente enregistrée : 5,90" in desk.status.text()


def test_beyond_stock_asks_and_records_when_confirmed(
    qtbot: QtBot,
    desk: CashDeskTab,
    app: Comptoir,
    products: dict[str, ProductInfo],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked: list[str] = []

    def question(_parent: object, _title: str, text: str, *_args: object) -> object:
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", question)
    scan(qtbot, desk, "12*" + HONEY)
    qtbot.keyClick(open_payment(qtbot, desk), Qt.Key.Key_F2)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert asked and "Miel toutes fleurs 250 g (10 en stock)" in asked[0]
    assert desk.cart.rowCount() == 0
    assert app.grocery.stock.level(products["honey"].id) == 0


def test_eligible_buyer_gets_the_solidarity_price(
    qtbot: QtBot, desk: CashDeskTab, app: Comptoir, site: SiteInfo, products: object
) -> None:
    eggs = stocked(app, site, "Oeufs", 320, solidarity_price_cents=220, barcode="2000020000019")
    household = app.people.create(
        site.id, PersonInput(first_name="Lucie", last_name="Martin", kinds=["solidarity"])
    )
    scan(qtbot, desk, "2*" + eggs.barcode)  # type: ignore[operator]
    assert "6,40" in desk.total_label.text()
    desk.buyer.set_value(household.id)
    desk.on_buyer_changed(household.id)
    assert desk.solidarity.isChecked()
    assert "4,40" in desk.total_label.text()


def test_ended_eligibility_is_shown_not_applied(
    qtbot: QtBot, desk: CashDeskTab, app: Comptoir, site: SiteInfo, products: object
) -> None:
    """Issue 21: after its end date the household pays the normal price, the till says why,
    and the host can still tick the box by hand."""
    eggs = stocked(app, site, "Oeufs", 320, solidarity_price_cents=220, barcode="2000020000026")
    household = app.people.create(
        site.id, PersonInput(first_name="Lucie", last_name="Martin", kinds=["solidarity"])
    )
    ended = place_today() - timedelta(days=1)
    with app.uow() as uow:  # the attestation ended yesterday
        person = uow.session.get(Person, household.id)
        assert person is not None
        person.solidarity_until = ended
        uow.commit()
    scan(qtbot, desk, "2*" + eggs.barcode)  # type: ignore[operator]
    desk.buyer.set_value(household.id)
    desk.on_buyer_changed(household.id)
    assert not desk.solidarity.isChecked()
    assert "6,40" in desk.total_label.text()
    assert desk.eligibility_label.isVisibleTo(desk)
    assert desk.eligibility_label.text() == "Tarif solidaire échu le " + ended.strftime("%d/%m/%Y")
    desk.solidarity.setChecked(True)  # by hand, as before
    assert "4,40" in desk.total_label.text()
    desk.clear_sale()
    assert not desk.eligibility_label.isVisibleTo(desk)
