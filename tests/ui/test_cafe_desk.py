"""« Café » driven from the keyboard as a host does: Ctrl+N opens a tab for « Table 3 »,
digits put coffees on it, Ctrl+Suppr takes one away, Ctrl+Entrée settles it as one ticket;
a quick sale « au comptoir » is a ticket at once; Ctrl+P shows the last ticket when the
customer asks for it; at 1024×600."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tiers_lieu.app import Comptoir
from tiers_lieu.services.grocery.products import ProductFields, ProductInfo
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.cafe import CafePanel


def product(app: Comptoir, site: SiteInfo, name: str, price: int, **kw: Any) -> ProductInfo:
    return app.grocery.products.create(site.id, ProductFields(name=name, price_cents=price, **kw))


@pytest.fixture
def cafe(qtbot: QtBot, app: Comptoir, site: SiteInfo) -> Iterator[CafePanel]:
    product(app, site, "Café", 120, category="Café", vat_rate_bp=1000, favourite=True)
    product(app, site, "Thé", 150, category="Café", vat_rate_bp=1000)
    product(app, site, "Pain", 300, category="Boulangerie")  # not the café's
    panel = CafePanel(app, site)
    qtbot.addWidget(panel)
    panel.resize(1024, 600)
    with qtbot.waitExposed(panel):
        panel.show()
    panel.tabs_view.setFocus()
    yield panel


def lines(panel: CafePanel) -> list[tuple[str, str]]:
    model = panel.lines_model
    return [
        (model.item(row, 0).text(), model.item(row, 1).text()) for row in range(model.rowCount())
    ]


def test_a_tab_from_the_keyboard(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, cafe: CafePanel
) -> None:
    assert [b.text().split("  ")[1] for b in cafe.grid_buttons] == ["Café", "Thé"]
    qtbot.keyClick(cafe.tabs_view, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = cafe.new_tab_dialog
    assert dialog is not None
    qtbot.keyClicks(dialog.label, "Table 3")
    qtbot.keyClick(dialog.label, Qt.Key.Key_Return)
    assert cafe.new_tab_dialog is None
    assert cafe.title.text() == "Table 3"
    for key in (Qt.Key.Key_1, Qt.Key.Key_1, Qt.Key.Key_1, Qt.Key.Key_2):
        qtbot.keyClick(cafe.tabs_view, key)
    assert lines(cafe) == [("Café", "3"), ("Thé", "1")]
    cafe.lines_view.selectRow(0)
    qtbot.keyClick(cafe.tabs_view, Qt.Key.Key_Delete, Qt.KeyboardModifier.ControlModifier)
    assert lines(cafe) == [("Café", "2"), ("Thé", "1")]
    assert "3,90" in cafe.total_label.text()
    assert "3,90" in cafe.tabs_model.item(1, 2).text()  # the running total in the list
    assert app.cafe.open_tabs(site_id=site.id)[0].total_cents == 390

    qtbot.keyClick(cafe.tabs_view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    payment = cafe.payment_dialog
    assert payment is not None
    cash = payment.fields["cash"]
    qtbot.keyClicks(cash, "5")
    qtbot.keyClick(cash, Qt.Key.Key_Return)
    assert cafe.payment_dialog is None
    assert "T000001" in cafe.status.text() and "1,10" in cafe.status.text()
    assert app.cafe.open_tabs(site_id=site.id) == []
    assert cafe.tabs_model.rowCount() == 1  # « Au comptoir » only
    assert app.till_journal.verify().intact


def test_a_quick_sale_at_the_counter_is_a_ticket(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, cafe: CafePanel
) -> None:
    assert cafe.current_tab_id() is None  # « Au comptoir (sans ardoise) »
    qtbot.keyClick(cafe.tabs_view, Qt.Key.Key_1)
    assert lines(cafe) == [("Café", "1")]
    qtbot.keyClick(cafe.tabs_view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    payment = cafe.payment_dialog
    assert payment is not None
    qtbot.keyClicks(payment.fields["card"], "1,20")  # by card
    qtbot.keyClick(payment.fields["card"], Qt.Key.Key_Return)
    assert "T000001" in cafe.status.text()
    assert lines(cafe) == []
    sale = app.grocery.sales.get(_only_sale(app))
    assert sale.total_cents == 120 and sale.payments[0].method == "card"


def test_the_last_ticket_is_shown_when_asked_the_original_once(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, cafe: CafePanel
) -> None:
    assert not cafe.ticket_button.isEnabled()  # nothing settled yet
    qtbot.keyClick(cafe.tabs_view, Qt.Key.Key_1)
    qtbot.keyClick(cafe.tabs_view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    payment = cafe.payment_dialog
    assert payment is not None
    qtbot.keyClicks(payment.fields["cash"], "2")
    qtbot.keyClick(payment.fields["cash"], Qt.Key.Key_Return)
    assert cafe.receipt_dialog is None  # the café does not stop for a ticket nobody asked for

    qtbot.keyClick(cafe.tabs_view, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    first = cafe.receipt_dialog
    assert first is not None
    text = first.text.toPlainText()
    assert "T000001" in text and "1,20" in text and "0,80" in text  # the change given
    assert "duplicata" not in text.lower()
    first.close()

    cafe.ticket_button.click()  # asked again: any edition now is a duplicate
    again = cafe.receipt_dialog
    assert again is not None and again is not first
    assert "chaque impression sera un duplicata" in again.text.toPlainText()
    again.close()


def _only_sale(app: Comptoir) -> Any:
    from sqlalchemy import select

    from tiers_lieu.models import Sale

    with app.engine.connect() as connection:
        return connection.execute(select(Sale.__table__.c.id)).scalar_one()  # type: ignore[attr-defined]
