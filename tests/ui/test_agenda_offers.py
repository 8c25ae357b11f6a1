"""Coworking offers and passes as the coordinator and the host use them: an offer created in
« Formules » is on sale in « Pass coworking » at once; corrected, the next pass is sold at
the new price while the passes sold keep theirs; taken off sale, it leaves the list."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from questions import Questions

from tiers_lieu.app import Comptoir
from tiers_lieu.services.people import PersonInput
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.agenda import AgendaSection
from tiers_lieu.ui.common import selected_id
from tiers_lieu.ui.leaving import pending, save_quietly

pytestmark = pytest.mark.usefixtures("signed_in_coordinator")  # Claire runs Agenda's settings


def open_section(qtbot: QtBot, app: Comptoir, site: SiteInfo) -> AgendaSection:
    section = AgendaSection(app, site)
    qtbot.addWidget(section)
    section.resize(1024, 600)
    with qtbot.waitExposed(section):
        section.show()
    return section


def offers_on_sale(section: AgendaSection) -> list[str]:
    section.tabs.setCurrentWidget(section.passes)  # reads again when shown
    combo = section.passes.pass_type
    return [combo.itemText(i) for i in range(combo.count())]


def test_an_offer_is_created_corrected_and_taken_off_sale(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, message_boxes: list[tuple[str, str, str]]
) -> None:
    section = open_section(qtbot, app, site)
    assert offers_on_sale(section) == []  # a new place sells nothing yet
    tab = section.pass_types
    section.tabs.setCurrentWidget(tab)

    qtbot.keyClick(tab, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    tab.kind.setCurrentIndex(tab.kind.findData("ten_pass"))
    assert tab.units.value() == 10  # a card of 10 counts ten days
    qtbot.keyClicks(tab.name, "Carte 10 jours")
    qtbot.keyClicks(tab.price, "120")
    qtbot.keyClick(tab, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert not message_boxes
    assert "Formule « Carte 10 jours » enregistrée." in tab.status.text()
    assert offers_on_sale(section) == ["Carte 10 jours — 120,00\u00a0€"]

    lea = app.people.create(site.id, PersonInput(first_name="Léa", last_name="Martin"))
    [offer] = app.agenda.passes.list_types(site.id)
    first = app.agenda.passes.sell(
        site_id=site.id, person_id=lea.id, pass_type_id=offer.id, method="cash"
    )

    section.tabs.setCurrentWidget(tab)
    tab.view.selectRow(0)
    assert not tab.kind.isEnabled()  # the passes sold are of that kind
    tab.price.setText("135,00")
    tab.units.setValue(12)
    tab.on_save_clicked()
    assert offers_on_sale(section) == ["Carte 10 jours — 135,00\u00a0€"]
    held = app.agenda.passes.history(lea.id).passes
    assert [(p.id, p.price_cents, p.units_total) for p in held] == [(first.id, 12000, 10)]

    section.tabs.setCurrentWidget(tab)
    tab.view.selectRow(0)
    tab.price.setText("douze")
    tab.on_save_clicked()
    assert "Prix" in message_boxes[-1][2]  # refused, named, the form keeps what was typed
    assert tab.price.text() == "douze"
    tab.price.setText("135")
    tab.active.setChecked(False)
    tab.on_save_clicked()
    assert tab.model.index(0, tab.model.Columns.ACTIVE).data() == "Retirée de la vente"
    assert offers_on_sale(section) == []


def test_an_offer_or_a_resource_typed_is_not_lost_when_the_desk_locks(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, message_boxes: list[tuple[str, str, str]]
) -> None:
    """Typed beside their lists and not saved: the window's question names them, the desk
    locking saves them; a form as it was shown holds nothing."""
    section = open_section(qtbot, app, site)
    for tab in (section.pass_types, section.resources):
        section.tabs.setCurrentWidget(tab)
    assert pending(section) == []
    section.pass_types.name.setText("Demi-journée")
    section.pass_types.price.setText("8")
    section.resources.name.setText("Bureau fenêtre")
    assert sorted(str(w.unsaved_work()) for w in pending(section)) == [
        "Formules : la formule « Demi-journée »",
        "Ressources : la ressource « Bureau fenêtre »",
    ]
    assert save_quietly(section) == 0
    assert not message_boxes
    assert [t.name for t in app.agenda.passes.list_types(site.id)] == ["Demi-journée"]
    assert [r.name for r in app.agenda.resources.list(site.id)] == ["Bureau fenêtre"]
    assert pending(section) == []
    section.pass_types.price.setText("huit")  # refused when the desk locks: kept, no dialog
    assert save_quietly(section) == 1
    assert not message_boxes and section.pass_types.price.text() == "huit"


def test_choosing_another_offer_asks_before_dropping_what_was_typed(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, questions: Questions
) -> None:
    """Typed a new price, then clicked another offer: asked; « Annuler » keeps the typing on
    the offer being corrected, « Enregistrer » saves it, « Ne pas enregistrer » drops it."""
    for name, price in (("Carte 10 jours", 12000), ("Journée", 1500)):
        app.agenda.passes.create_type(
            site_id=site.id, name=name, kind="day", price_cents=price, units=1, validity_days=None
        )
    section = open_section(qtbot, app, site)
    tab = section.pass_types
    section.tabs.setCurrentWidget(tab)
    answers, asked = questions.answers, questions.asked

    def choose(name: str) -> None:  # the list is by price
        [row] = [r for r in range(tab.model.rowCount()) if tab.model.row_at(r).name == name]
        tab.view.selectRow(row)

    choose("Carte 10 jours")
    assert tab.name.text() == "Carte 10 jours"
    tab.price.setText("130")
    answers.append(QMessageBox.StandardButton.Cancel)
    choose("Journée")
    assert "Formules : la formule « Carte 10 jours »" in asked[-1]
    chosen = tab.model.row_at(tab.model.find_row(selected_id(tab.view))).name
    assert (tab.name.text(), tab.price.text(), chosen) == (
        "Carte 10 jours",
        "130",
        "Carte 10 jours",
    )
    answers.append(QMessageBox.StandardButton.Save)
    choose("Journée")
    prices = {t.name: t.price_cents for t in app.agenda.passes.list_types(site.id)}
    assert prices == {"Carte 10 jours": 13000, "Journée": 1500}
    choose("Journée")
    assert tab.name.text() == "Journée"
    tab.price.setText("99")
    answers.append(QMessageBox.StandardButton.Discard)
    choose("Carte 10 jours")
    assert (tab.name.text(), tab.price.text()) == ("Carte 10 jours", "130,00")
    prices = {t.name: t.price_cents for t in app.agenda.passes.list_types(site.id)}
    assert prices["Journée"] == 1500
    assert answers == []
