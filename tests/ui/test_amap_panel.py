"""The AMAP panel as a host uses it: tick a pick-up on the distribution sheet by keyboard,
refuse an absence beyond the contract, print the sheet, and register a household."""

from __future__ import annotations

import uuid
from datetime import date, time
from pathlib import Path

import pytest
from pdftext import pdf_text
from placetime import place_today
from printer_double import fake_printer, printed_pages
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog, QPushButton
from pytestqt.qtbot import QtBot
from questions import Questions
from sqlalchemy import update

from tiers_lieu.app import Comptoir
from tiers_lieu.models import AmapContract
from tiers_lieu.models.enums import PickupStatus
from tiers_lieu.services.amap.contracts import ContractInfo, ContractInput
from tiers_lieu.services.people import PersonInput
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.amap import AmapPanel
from tiers_lieu.ui.amap.contract_dialog import BasketDialog, ContractDialog
from tiers_lieu.ui.amap.table_models import SheetModel


def todays_contract(
    app: Comptoir, site: SiteInfo, producer_id: uuid.UUID, name: str
) -> ContractInfo:
    """A contract of one day, today, 17:00–19:00, no absence allowed."""
    today = place_today()
    return app.amap.contracts.create_contract(
        site.id,
        ContractInput(
            producer_id=producer_id,
            name=name,
            season_start=today,
            season_end=today,
            weekday=today.weekday(),
            start_time=time(17, 0),
            end_time=time(19, 0),
            max_absences=0,
        ),
    )


@pytest.fixture
def distribution_day(app: Comptoir, site: SiteInfo) -> date:
    """A contract whose distribution is today, with three households subscribed."""
    today = place_today()
    producer = app.grocery.producers.create(site_id=site.id, name="GAEC des Combes")
    contract = todays_contract(app, site, producer.id, "Légumes bio")
    basket = app.amap.contracts.add_basket_type(
        contract_id=contract.id, name="Petit panier", price_cents=1200
    )
    app.amap.distributions.add(contract_id=contract.id, on_date=today)
    for first, last in (("Anne", "Alard"), ("Bruno", "Blanc"), ("Chloe", "Cazal")):
        person = app.people.create(site.id, PersonInput(first_name=first, last_name=last))
        app.amap.subscriptions.subscribe(
            contract_id=contract.id, person_id=person.id, basket_type_id=basket.id
        )
    return today


def _panel(qtbot: QtBot, app: Comptoir, site: SiteInfo) -> AmapPanel:
    panel = AmapPanel(app, site)
    qtbot.addWidget(panel)
    panel.resize(1280, 800)
    with qtbot.waitExposed(panel):
        panel.show()
    return panel


def test_tick_a_pickup_by_keyboard(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, distribution_day: date
) -> None:
    panel = _panel(qtbot, app, site)
    tab = panel.distributions_tab
    assert tab.model.rowCount() == 3
    view = tab.view
    view.setFocus()
    view.selectRow(0)
    qtbot.keyClick(view, Qt.Key.Key_Down)
    qtbot.keyClick(view, Qt.Key.Key_Space)
    status = tab.model.index(1, SheetModel.Columns.STATUS).data()
    assert status == "Retiré"
    assert "BLANC Bruno" in tab.status.text()
    assert "1 retiré, 0 absence prévenue, 2 à noter" in tab.summary.text()
    sheet = app.amap.pickups.sheet(distribution_id=tab.sheet.distribution_id)  # type: ignore[union-attr]
    stored = {line.household: line.status for line in sheet.lines}
    assert stored == {
        "ALARD Anne": PickupStatus.EXPECTED,
        "BLANC Bruno": PickupStatus.COLLECTED,
        "CAZAL Chloe": PickupStatus.EXPECTED,
    }
    qtbot.keyClick(view, Qt.Key.Key_D)
    assert tab.model.index(1, SheetModel.Columns.STATUS).data() == "Non retiré, donné"


def test_the_summary_counts_absences_with_their_plural(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, distribution_day: date
) -> None:
    with app.uow() as uow:  # a contract allowing absences
        uow.session.execute(update(AmapContract).values(max_absences=2))
        uow.commit()
    panel = _panel(qtbot, app, site)
    tab = panel.distributions_tab
    view = tab.view
    view.setFocus()
    view.selectRow(0)
    qtbot.keyClick(view, Qt.Key.Key_A)
    assert "0 retiré, 1 absence prévenue, 2 à noter" in tab.summary.text()
    view.selectRow(1)
    qtbot.keyClick(view, Qt.Key.Key_A)
    assert "0 retiré, 2 absences prévenues, 1 à noter" in tab.summary.text()


def test_absence_beyond_the_contract_is_refused_on_screen(
    qtbot: QtBot,
    app: Comptoir,
    site: SiteInfo,
    distribution_day: date,
    message_boxes: list[tuple[str, str, str]],
) -> None:
    panel = _panel(qtbot, app, site)
    view = panel.distributions_tab.view
    view.setFocus()
    view.selectRow(0)
    qtbot.keyClick(view, Qt.Key.Key_A)
    assert message_boxes and "ne prévoit aucune absence" in message_boxes[-1][2]
    assert panel.distributions_tab.model.index(0, SheetModel.Columns.STATUS).data() == "Attendu"


def test_print_the_sheet(
    qtbot: QtBot,
    app: Comptoir,
    site: SiteInfo,
    distribution_day: date,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    paper = tmp_path / "imprimante.pdf"  # the chosen printer prints to this file
    chosen = fake_printer(monkeypatch, paper)
    panel = _panel(qtbot, app, site)
    tab = panel.distributions_tab
    assert tab.print_button.text().replace("&", "") == "Imprimer…"
    tab.view.setFocus()
    qtbot.keyClick(tab.view, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert chosen == ["Feuille de distribution"]  # Qt's print dialog was asked
    qtbot.waitUntil(lambda: "1 page envoyée à l'imprimante" in tab.status.text())
    assert printed_pages(paper) == 1


def test_save_the_sheet_as_pdf(
    qtbot: QtBot,
    app: Comptoir,
    site: SiteInfo,
    distribution_day: date,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    target = tmp_path / "feuille.pdf"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *_args, **_kw: (str(target), "PDF (*.pdf)")
    )
    panel = _panel(qtbot, app, site)
    tab = panel.distributions_tab
    assert tab.pdf_button.text().replace("&", "") == "Enregistrer en PDF…"
    tab.pdf_button.click()
    qtbot.waitUntil(target.exists)
    text = pdf_text(target)
    for household in ("ALARD Anne", "BLANC Bruno", "CAZAL Chloe"):
        assert household in text
    assert "Légumes bio" in text and "3 × Petit panier" in text
    qtbot.waitUntil(lambda: "Feuille enregistrée" in tab.status.text())


def test_contracts_and_members_tabs_show_the_contract(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, distribution_day: date
) -> None:
    panel = _panel(qtbot, app, site)
    panel.tabs.setCurrentWidget(panel.contracts_tab)  # each tab reads when it is shown
    contracts = panel.contracts_tab.contracts_model
    assert contracts.index(0, 0).data() == "Légumes bio"
    assert panel.contracts_tab.calendar_model.rowCount() == 1
    panel.tabs.setCurrentWidget(panel.members_tab)
    members = panel.members_tab.subs_model
    assert [members.index(r, 0).data() for r in range(members.rowCount())] == [
        "ALARD Anne",
        "BLANC Bruno",
        "CAZAL Chloe",
    ]
    assert panel.members_tab.pay_model.rowCount() == 1  # one month, one cheque


def test_a_contract_and_a_basket_corrected_from_the_contracts_tab(
    qtbot: QtBot,
    app: Comptoir,
    site: SiteInfo,
    distribution_day: date,
    monkeypatch: pytest.MonkeyPatch,
    message_boxes: list[tuple[str, str, str]],
) -> None:
    panel = _panel(qtbot, app, site)
    tab = panel.contracts_tab
    panel.tabs.setCurrentWidget(tab)
    tab.contracts_view.selectRow(0)
    seen: list[tuple[str, str, int, bool]] = []

    def correct(dialog: ContractDialog) -> int:
        # Filled with the contract; the first basket's fields are for a new contract only.
        seen.append(
            (
                dialog.windowTitle(),
                dialog.name.text(),
                dialog.absences.value(),
                dialog.basket_price.isVisibleTo(dialog),
            )
        )
        # The contract's producer chosen in the list, not added to it a second time.
        assert [dialog.producer.itemText(i) for i in range(dialog.producer.count())] == [
            "GAEC des Combes"
        ]
        dialog.name.setText("Légumes bio — hiver")
        dialog.capacity.setValue(2)  # three households subscribed: refused, the form stays
        dialog.on_save_clicked()
        dialog.capacity.setValue(30)
        dialog.on_save_clicked()
        return dialog.result()

    monkeypatch.setattr(ContractDialog, "exec", correct)
    qtbot.keyClick(tab.contracts_view, Qt.Key.Key_F2)
    assert seen == [("Modifier le contrat AMAP", "Légumes bio", 0, False)]
    [(kind, _title, text)] = message_boxes
    assert kind == "warning" and "3 foyers sont déjà inscrits" in text
    assert tab.contracts_model.index(0, 0).data() == "Légumes bio — hiver"
    assert "Contrat modifié : Légumes bio — hiver." in tab.status.text()

    def reprice(dialog: BasketDialog) -> int:
        assert (dialog.name.text(), dialog.price.text()) == ("Petit panier", "12,00")
        dialog.price.setText("13,50")
        dialog.solidarity.setText("7")
        dialog.on_save_clicked()
        return dialog.result()

    monkeypatch.setattr(BasketDialog, "exec", reprice)
    tab.edit_basket_button.click()  # one basket type: no list to choose from
    assert "Petit panier : 13,50\u00a0€ (solidaire 7,00\u00a0€)" in tab.baskets_label.text()
    assert "gardent leurs échéances" in tab.status.text()

    def added(dialog: BasketDialog) -> int:
        dialog.name.setText("Grand panier")
        dialog.price.setText("20")
        dialog.on_save_clicked()
        return dialog.result()

    monkeypatch.setattr(BasketDialog, "exec", added)
    tab.basket_button.click()
    monkeypatch.setattr(
        QInputDialog, "getItem", lambda *_args: ("Grand panier (20,00\u00a0€)", True)
    )
    opened: list[str] = []

    def cancelled(dialog: BasketDialog) -> int:
        opened.append(dialog.name.text())
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(BasketDialog, "exec", cancelled)
    tab.edit_basket_button.click()  # two types now: the list asks which one, then cancelled
    assert opened == ["Grand panier"]
    assert "Grand panier : 20,00\u00a0€" in tab.baskets_label.text()
    assert len(message_boxes) == 1  # the refusal above is the only box shown


def test_a_basket_and_a_contract_made_by_mistake_are_deleted_after_asking(
    qtbot: QtBot,
    app: Comptoir,
    site: SiteInfo,
    distribution_day: date,
    monkeypatch: pytest.MonkeyPatch,
    questions: Questions,
    message_boxes: list[tuple[str, str, str]],
) -> None:
    """The basket nobody took goes from its dialog; the contract with households stays (the
    refusal says why); a new contract nobody joined goes with Suppr on the list."""
    [contract] = app.amap.contracts.list_contracts(site_id=site.id)
    app.amap.contracts.add_basket_type(contract_id=contract.id, name="Erreur", price_cents=100)
    panel = _panel(qtbot, app, site)
    tab = panel.contracts_tab
    panel.tabs.setCurrentWidget(tab)
    tab.contracts_view.selectRow(0)
    asked = questions.asked  # each answered « Oui »
    monkeypatch.setattr(QInputDialog, "getItem", lambda *_args: ("Erreur (1,00\u00a0€)", True))

    def delete_it(dialog: BasketDialog) -> int:
        [button] = [
            b
            for b in dialog.findChildren(QPushButton)
            if b.text() == "Supprimer ce type de panier…"
        ]
        button.click()
        return dialog.result()

    monkeypatch.setattr(BasketDialog, "exec", delete_it)
    tab.edit_basket_button.click()
    assert asked == ["Supprimer le type de panier « Erreur » du contrat « Légumes bio » ?"]
    assert "Erreur" not in tab.baskets_label.text()
    assert "Type de panier supprimé : Erreur." in tab.status.text()

    qtbot.keyClick(tab.contracts_view, Qt.Key.Key_Delete)
    assert "Des foyers se sont inscrits à ce contrat" in message_boxes[-1][2]
    assert tab.contracts_model.rowCount() == 1

    producer = app.grocery.producers.list(site_id=site.id)[0]
    todays_contract(app, site, producer.id, "Œufs")
    tab.refresh()
    tab.contracts_view.selectRow(
        next(r for r in range(2) if tab.contracts_model.index(r, 0).data() == "Œufs")
    )
    qtbot.keyClick(tab.contracts_view, Qt.Key.Key_Delete)
    assert "Supprimer le contrat « Œufs »" in asked[-1]
    assert [c.name for c in app.amap.contracts.list_contracts(site_id=site.id)] == ["Légumes bio"]
    assert "Contrat supprimé : Œufs." in tab.status.text()
