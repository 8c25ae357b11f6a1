"""The grocery's other tabs: the day's sales with the Z PDF, a sale cancelled, a reception in
« Stock », and the product and producer forms filled and saved."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pdftext import pdf_text
from PySide6.QtCore import QRunnable, Qt
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from tiers_lieu.app import Comptoir
from tiers_lieu.models.enums import Role, StockMovementKind
from tiers_lieu.services.grocery.products import ProductFields
from tiers_lieu.services.grocery.sales import LineInput, PaymentInput
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.common import selected_id
from tiers_lieu.ui.grocery import GroceryPanel
from tiers_lieu.ui.grocery.day_tab import DaySalesTab
from tiers_lieu.ui.grocery.producer_dialog import ProducerDialog
from tiers_lieu.ui.grocery.product_dialog import ProductDialog
from tiers_lieu.ui.grocery.stock_tab import MovementDialog
from tiers_lieu.ui.grocery.table_models import ProductsModel
from tiers_lieu.ui.ops import SynchronousPool, set_pool

PASSWORD = "tilleul-2026"


@pytest.fixture
def panel(qtbot: QtBot, app: Comptoir, site: SiteInfo) -> Iterator[GroceryPanel]:
    bread = app.grocery.products.create(site.id, ProductFields(name="Pain", price_cents=480))
    app.grocery.stock.receive(
        site_id=site.id, product_id=bread.id, quantity_milli=5000, unit_cost_cents=250
    )
    app.grocery.sales.record(
        site_id=site.id,
        lines=[LineInput(bread.id, 2000)],
        payments=[PaymentInput("cash", 1000)],
    )
    widget = GroceryPanel(app, site)
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    with qtbot.waitExposed(widget):
        widget.show()
    yield widget


def test_day_sales_z_pdf_and_cancel(
    qtbot: QtBot,
    panel: GroceryPanel,
    app: Comptoir,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    panel.tabs.setCurrentWidget(panel.day_tab)
    tab = panel.day_tab
    assert "1 vente — 9,60" in tab.summary.text()
    assert "Espèces : 9,60" in tab.methods.text()
    target = tmp_path / "z.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    with qtbot.waitSignal(tab.z_saved):
        tab.save_z()
    assert "Espèces 1 9,60 €" in pdf_text(target)

    asked: list[str] = []

    def answer(_parent: object, title: str, text: str, *_a: object) -> QMessageBox.StandardButton:
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    assert tab.cancel_button.text() == "Annu&ler par un ticket d'annulation…"
    assert tab.cancel_button.isVisible()
    original = tab.model.row_at(0).id
    tab.view.selectRow(0)
    tab.cancel_selected()
    assert "ticket d'annulation" in asked[0] and "ticket d'origine y reste" in asked[0]
    assert tab.model.rowCount() == 2  # the original ticket and its reversal
    assert app.grocery.sales.get(original).reversed_by_number == 2
    panel.tabs.setCurrentWidget(panel.stock_tab)
    stock = panel.stock_tab.model.index(0, ProductsModel.Columns.STOCK).data()
    assert stock == "5"


def test_a_volunteer_sees_no_cancel_action(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    bread = app.grocery.products.create(site.id, ProductFields(name="Pain", price_cents=480))
    app.grocery.stock.receive(
        site_id=site.id, product_id=bread.id, quantity_milli=5000, unit_cost_cents=None
    )
    app.grocery.sales.record(
        site_id=site.id, lines=[LineInput(bread.id, 1000)], payments=[PaymentInput("cash", 480)]
    )
    volunteer = app.accounts.create_user(
        username="benevole", display_name="Bénévole", password=PASSWORD, role=Role.VOLUNTEER
    )
    app.access.sign_in(volunteer)
    tab = DaySalesTab(app, site)
    qtbot.addWidget(tab)
    with qtbot.waitExposed(tab):
        tab.show()
    assert not tab.cancel_button.isVisible()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: pytest.fail("asked"))
    tab.view.selectRow(0)
    tab.cancel_selected()  # the Del key: nothing happens
    assert tab.model.rowCount() == 1


def test_reception_in_stock_tab(
    panel: GroceryPanel, app: Comptoir, monkeypatch: pytest.MonkeyPatch
) -> None:
    panel.tabs.setCurrentWidget(panel.stock_tab)
    tab = panel.stock_tab

    def fill(dialog: MovementDialog) -> int:
        assert dialog.kind == StockMovementKind.RECEPTION
        dialog.quantity.setText("12")
        dialog.cost.setText("2,50")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(MovementDialog, "exec", fill)
    tab.record(StockMovementKind.RECEPTION)
    assert tab.model.index(0, ProductsModel.Columns.STOCK).data() == "15"
    assert tab.history.index(0, 1).data() == "Réception"


def test_product_and_producer_forms(
    panel: GroceryPanel, app: Comptoir, site: SiteInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    def producer_form(dialog: ProducerDialog) -> int:
        dialog.name.setText("Miellerie du plateau")
        dialog.distance.setValue(22)
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(ProducerDialog, "exec", producer_form)
    panel.tabs.setCurrentWidget(panel.producers_tab)
    panel.producers_tab.on_new_clicked()
    assert panel.producers_tab.model.index(0, 3).data() == "oui"

    def product_form(dialog: ProductDialog) -> int:
        dialog.name.setText("Miel 500 g")
        dialog.price.setText("9,50")
        dialog.barcode.setText("2000010000012")
        dialog.producer.setCurrentIndex(1)
        dialog.favourite.setChecked(True)
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(ProductDialog, "exec", product_form)
    panel.tabs.setCurrentWidget(panel.products_tab)
    panel.products_tab.on_new_clicked()
    names = [
        panel.products_tab.model.index(r, 0).data()
        for r in range(panel.products_tab.model.rowCount())
    ]
    assert "★ Miel 500 g" in names
    # Starred: it is a favourite button of the counter when it is next shown.
    panel.tabs.setCurrentWidget(panel.cash_desk)
    assert any("Miel 500 g" in b.text() for b in panel.cash_desk.favourite_buttons)
    found = app.grocery.products.by_barcode(site_id=site.id, barcode="2000010000012")
    assert found is not None and found.producer_name == "Miellerie du plateau"


class HeldPool:
    """Holds the tab's reads until released: a search still on its way, as on a slow base."""

    def __init__(self) -> None:
        self.held: list[QRunnable] = []

    def start(self, runnable: QRunnable) -> None:
        self.held.append(runnable)

    def release(self) -> None:
        while self.held:
            self.held.pop(0).run()


def test_entree_typed_before_the_search_is_back_picks_from_the_search(
    qtbot: QtBot, panel: GroceryPanel, app: Comptoir, site: SiteInfo
) -> None:
    """Three products on screen; « conf » typed then Entrée at once: the jam is chosen once
    the search is back (it chose « Abricots secs », first of the list of before)."""
    for name in ("Abricots secs", "Confiture d'abricot"):
        app.grocery.products.create(site.id, ProductFields(name=name, price_cents=590))
    tab = panel.products_tab
    panel.tabs.setCurrentWidget(tab)
    assert tab.model.rowCount() == 3
    pool = HeldPool()
    set_pool(pool)
    try:
        tab.search.setFocus()
        qtbot.keyClicks(tab.search, "conf")
        qtbot.keyClick(tab.search, Qt.Key.Key_Return)
        assert tab.model.rowCount() == 3  # the search has not come back yet
        assert selected_id(tab.view) is None  # nothing of the list of before is chosen
        pool.release()
    finally:
        set_pool(SynchronousPool())
    chosen = tab.model.row_at(tab.model.find_row(selected_id(tab.view)))
    assert (tab.model.rowCount(), chosen.name) == (1, "Confiture d'abricot")
    assert tab.view.hasFocus()
