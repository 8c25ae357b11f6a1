"""Épicerie et AMAP › « Portage » driven from the keyboard as a host does: a round for the day,
Ctrl+N takes Marie's order (a product picked from the list, an AMAP basket), Inser puts Jean's
on the round, Ctrl+Haut moves it first, L / A tick the stops, Ctrl+P prints the round sheet;
at 1024×600, in the window's « Épicerie et AMAP » section."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from printer_double import fake_printer, printed_pages
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox, QTabWidget
from pytestqt.qtbot import QtBot

from tiers_lieu.app import Comptoir
from tiers_lieu.models.enums import Role
from tiers_lieu.services.deliveries import OrderInput
from tiers_lieu.services.grocery.products import ProductFields
from tiers_lieu.services.people import PersonInput
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.grocery.delivery_tab import DeliveryTab, OrderDialog

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def tab(qtbot: QtBot, app: Comptoir, site: SiteInfo) -> Iterator[DeliveryTab]:
    felletin = app.communes.find_or_add(site.id, "Felletin").id
    app.people.create(
        site.id,
        PersonInput(first_name="Marie", last_name="Vergne", commune_id=felletin, consent=True),
    )
    app.grocery.products.create(site.id, ProductFields(name="Lait demi-écrémé", price_cents=110))
    widget = DeliveryTab(app, site)
    qtbot.addWidget(widget)
    widget.resize(1024, 600)
    with qtbot.waitExposed(widget):
        widget.show()
    yield widget


def texts(tab: DeliveryTab, column: int) -> list[str]:
    model = tab.model
    return [model.index(row, column).data() for row in range(model.rowCount())]


def test_an_order_a_round_and_its_sheet_from_the_keyboard(
    qtbot: QtBot,
    app: Comptoir,
    site: SiteInfo,
    tab: DeliveryTab,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    assert "Une commande n'est pas une vente" in tab.note.text()
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Gérard Vialle", True))
    tab.new_round_button.click()
    assert tab.round.currentText() == "Tournée — Gérard Vialle (0 arrêt)"

    seen: list[str] = []

    def fill() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, OrderDialog)
        dialog.person.setText("Vergne")
        dialog.person.textEdited.emit("Vergne")
        dialog.address.setText("3 rue Haute")
        dialog.product.setText("lait")
        dialog.product.textEdited.emit("lait")
        seen.extend(dialog._products.stringList())
        dialog.product.setText(seen[0])
        dialog.quantity.setValue(2)
        qtbot.keyClick(dialog.product, Qt.Key.Key_Return)  # adds the line, keeps the dialog
        assert dialog.items.toPlainText() == "2 × Lait demi-écrémé"
        dialog.basket.setChecked(True)
        dialog.on_save()

    QTimer.singleShot(0, fill)
    qtbot.keyClick(tab.view, Qt.Key.Key_N, CTRL)
    assert seen == ["Lait demi-écrémé"]
    assert texts(tab, 1) == ["Marie Vergne"]
    assert texts(tab, 4) == ["2 × Lait demi-écrémé ; Panier AMAP"]
    assert texts(tab, 5) == ["Gérard Vialle"]  # taken on the round chosen
    assert "Commande de Marie Vergne" in tab.status.text()

    # Jean's order, taken earlier, waits on no round: Inser puts it last, Ctrl+Haut first.
    jean = app.people.create(site.id, PersonInput(first_name="Jean", last_name="Aubert"))
    app.deliveries.take_order(
        site.id,
        OrderInput(
            person_id=jean.id,
            for_date=tab.current_day(),
            address="1 route de la Gare",
            prescription=True,
        ),
    )
    tab.refresh()
    assert texts(tab, 5) == ["Gérard Vialle", "(aucune)"]
    tab.view.selectRow(1)
    qtbot.keyClick(tab.view, Qt.Key.Key_Insert)
    qtbot.keyClick(tab.view, Qt.Key.Key_Up, CTRL)
    assert texts(tab, 1) == ["Jean Aubert", "Marie Vergne"]
    assert texts(tab, 0) == ["1", "2"]
    assert "(2 arrêts)" in tab.round.currentText()

    qtbot.keyClick(tab.view, Qt.Key.Key_A)  # Jean was out
    tab.view.selectRow(1)
    qtbot.keyClick(tab.view, Qt.Key.Key_L)
    assert texts(tab, 6) == ["Absent", "Livré"]
    assert tab.summary.text() == "2 commandes — 1 livrée, 1 absent"

    paper = tmp_path / "imprimante.pdf"
    chosen = fake_printer(monkeypatch, paper)
    tab.activateWindow()  # the offscreen platform leaves it inactive after the modal form
    qtbot.waitUntil(tab.isActiveWindow)
    qtbot.keyClick(tab.view, Qt.Key.Key_P, CTRL)
    assert chosen == ["Feuille de tournée"]
    qtbot.waitUntil(lambda: "1 page envoyée à l'imprimante" in tab.status.text())
    assert printed_pages(paper) == 1


def test_a_volunteer_ticks_the_round_but_takes_no_order(
    qtbot: QtBot, app: Comptoir, site: SiteInfo
) -> None:
    volunteer = app.accounts.create_user(
        username="jules", display_name="Jules", role=Role.VOLUNTEER, password="tilleul-2026"
    )
    app.access.sign_in(volunteer)
    widget = DeliveryTab(app, site)
    qtbot.addWidget(widget)
    widget.show()
    assert not widget.new_order_button.isEnabled()
    assert not widget.new_round_button.isEnabled()


def test_the_tab_is_in_the_shop_section(qtbot: QtBot, app: Comptoir, site: SiteInfo) -> None:
    from tiers_lieu.ui.data_changed import DataChanged
    from tiers_lieu.ui.sections import SECTIONS, SectionContext, section_index

    shop = SECTIONS[section_index("epicerie")]
    built = shop.build(SectionContext(app=app, site=site, changes=DataChanged()))
    qtbot.addWidget(built)
    assert isinstance(built, QTabWidget)
    titles = [built.tabText(i) for i in range(built.count())]
    assert titles[-1] == "Portage"
    assert isinstance(built.widget(built.count() - 1), DeliveryTab)


def test_a_rounds_driver_is_corrected_and_a_round_made_by_mistake_deleted(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, tab: DeliveryTab, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Gérrard", True))
    tab.activateWindow()
    tab.view.setFocus()
    qtbot.keyClick(tab.view, Qt.Key.Key_U, Qt.KeyboardModifier.AltModifier)  # Nouvelle to&urnée…
    # A button's mnemonic clicks it after a short animation.
    qtbot.waitUntil(lambda: tab.round.currentText() == "Tournée — Gérrard (0 arrêt)")
    offered: list[str] = []

    def corrected(*_a: object, **k: object) -> tuple[str, bool]:
        offered.append(str(k.get("text")))
        return "Gérard Vialle", True

    monkeypatch.setattr(QInputDialog, "getText", corrected)
    qtbot.keyClick(tab.view, Qt.Key.Key_H, Qt.KeyboardModifier.AltModifier)  # C&hauffeur…
    qtbot.waitUntil(lambda: tab.round.currentText() == "Tournée — Gérard Vialle (0 arrêt)")
    assert offered == ["Gérrard"]  # the name to correct, not an empty field
    assert "Gérard Vialle" in tab.status.text()
    monkeypatch.setattr(QMessageBox, "question", lambda *_a: QMessageBox.StandardButton.Yes)
    qtbot.keyClick(tab.view, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)  # Suppri&mer la tournée
    qtbot.waitUntil(lambda: tab.round.currentText() == "Toutes les commandes du jour")
    assert app.deliveries.rounds(site.id, tab.current_day()) == []
    assert not tab.delete_round_button.isEnabled() and not tab.driver_button.isEnabled()
    assert "Tournée de Gérard Vialle supprimée" in tab.status.text()
