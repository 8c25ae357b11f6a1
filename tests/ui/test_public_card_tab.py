"""Paramètres › « Fiche publique »: a coordinator fills the place's card of the national listing
by keyboard (Alt letters, Tab, arrows and Space in the lists, Ctrl+S), and finds it again; a
wrong SIRET or e-mail is refused with a message naming the field, whose page is shown with
the focus on it, and nothing is saved."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from tiers_lieu.app import Comptoir
from tiers_lieu.services.public_card import PublicCard
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui import tab_keys
from tiers_lieu.ui.fit import SMALL_SCREEN
from tiers_lieu.ui.settings import SettingsSection
from tiers_lieu.ui.settings.public_card import CheckList, PublicCardTab

ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def section(qtbot: QtBot, app: Comptoir, site: SiteInfo) -> SettingsSection:
    app.sites.update_site(
        site.id,
        name=site.name,
        commune_name="Felletin",
        insee_code="23079",
        address="4 place Quinault",
    )
    section = SettingsSection(app, app.sites.list_sites()[0])
    qtbot.addWidget(section)
    section.resize(*SMALL_SCREEN)
    section.show()
    qtbot.waitExposed(section)
    section.activateWindow()
    for action in tab_keys.install(section, lambda: section):  # as the window does
        section.addAction(action)
    section.tabs.setCurrentWidget(section.public_card_tab)
    return section


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def type_into(qtbot: QtBot, tab: PublicCardTab, letter: Qt.Key, name: str, text: str) -> None:
    """Alt+letter, then the text (ASCII: QTest aborts on other characters)."""
    qtbot.keyClick(tab, letter, ALT)
    assert focused() is tab.fields[name], name
    qtbot.keyClicks(focused(), text)


def test_the_card_is_filled_by_keyboard_saved_and_read_back(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, section: SettingsSection, tmp_path: Path
) -> None:
    tab = section.public_card_tab
    assert "Mo-Fr " in tab.from_place.text() and "4 place Quinault" in tab.from_place.text()
    assert "jamais enregistrée" in tab.from_place.text()
    type_into(qtbot, tab, Qt.Key.Key_S, "pivot", "434 933 123 00029")
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)  # the next field: the telephone
    qtbot.keyClicks(focused(), "05 55 66 77 88")
    type_into(qtbot, tab, Qt.Key.Key_C, "courriels", "contact@comptoir.example.org, a@b.fr")
    type_into(qtbot, tab, Qt.Key.Key_W, "site_web", "www.comptoir.example.org")
    type_into(qtbot, tab, Qt.Key.Key_L, "latitude", "45,8873")
    type_into(qtbot, tab, Qt.Key.Key_G, "longitude", "2.1744")
    # « Présentation » : Ctrl+PgDown walks the card's pages (the window's tab keys).
    qtbot.keyClick(focused(), Qt.Key.Key_PageDown, CTRL)
    assert tab.tabs.currentIndex() == 1
    type_into(qtbot, tab, Qt.Key.Key_R, "presentation_resume", "Ateliers numeriques et demarches.")
    assert tab.summary_count.text() == "33 / 280"
    qtbot.keyClick(focused(), Qt.Key.Key_PageDown, CTRL)
    assert tab.tabs.currentIndex() == 2
    # Services: the first (démarches), then the third (insertion) with arrows and Space.
    qtbot.keyClick(tab, Qt.Key.Key_S, ALT)
    services = tab.fields["services"]
    assert focused() is services and isinstance(services, CheckList)
    qtbot.keyClick(services, Qt.Key.Key_Space)
    qtbot.keyClick(services, Qt.Key.Key_Down)
    qtbot.keyClick(services, Qt.Key.Key_Down)
    qtbot.keyClick(services, Qt.Key.Key_Space)
    qtbot.keyClick(tab, Qt.Key.Key_P, ALT)  # publics: « Jeunes »
    qtbot.keyClick(focused(), Qt.Key.Key_Space)
    qtbot.keyClick(focused(), Qt.Key.Key_PageDown, CTRL)
    qtbot.keyClick(tab, Qt.Key.Key_D, ALT)  # programmes: down to « France Services »
    for _ in range(5):
        qtbot.keyClick(focused(), Qt.Key.Key_Down)
    qtbot.keyClick(focused(), Qt.Key.Key_Space)
    qtbot.keyClick(tab, Qt.Key.Key_H, ALT)  # fees: « Gratuit »
    qtbot.keyClick(focused(), Qt.Key.Key_Space)
    qtbot.keyClick(focused(), Qt.Key.Key_S, CTRL)

    assert tab.status.text().startswith("Fiche publique enregistrée.")
    card = app.config.public_card(site.id)
    assert card.pivot == "43493312300029" and card.telephone == "+33555667788"
    assert card.courriels == ("contact@comptoir.example.org", "a@b.fr")
    assert card.site_web == ("https://www.comptoir.example.org",)
    assert (card.latitude, card.longitude) == ("45.8873", "2.1744")
    assert card.presentation_resume == "Ateliers numeriques et demarches."
    assert card.services == (
        "Aide aux démarches administratives",
        "Insertion professionnelle via le numérique",
    )
    assert card.publics_specifiquement_adresses == ("Jeunes",)
    assert card.dispositif_programmes_nationaux == ("France Services",)
    assert card.frais_a_charge == ("Gratuit",)
    assert card.typologie == ("TIERS_LIEUX",) and card.itinerance == ("Fixe",)
    assert "Fiche enregistrée le" in tab.from_place.text()

    # A new tab (the next time the section opens) shows the card as saved.
    again = PublicCardTab(app, app.sites.list_sites()[0])
    qtbot.addWidget(again)
    again.refresh()
    assert again.card() == card
    pivot = again.fields["pivot"]
    assert isinstance(pivot, QLineEdit) and pivot.text() == "43493312300029"


@pytest.mark.parametrize(
    ("name", "typed", "field", "page"),
    [
        ("pivot", "43493312300028", "SIRET ou RNA", 0),
        ("courriels", "contact-at-comptoir.fr", "Courriels", 0),
        ("prise_rdv", "rdv au bureau", "Prise de rendez-vous en ligne", 1),
    ],
)
def test_a_wrong_field_is_named_and_shown_and_nothing_is_saved(
    qtbot: QtBot,
    app: Comptoir,
    site: SiteInfo,
    section: SettingsSection,
    message_boxes: list[tuple[str, str, str]],
    name: str,
    typed: str,
    field: str,
    page: int,
) -> None:
    tab = section.public_card_tab
    edit = tab.fields[name]
    assert isinstance(edit, QLineEdit)
    tab.tabs.setCurrentIndex(page)
    edit.setFocus()
    qtbot.keyClicks(edit, typed)
    tab.tabs.setCurrentIndex(2)  # elsewhere when saving
    qtbot.keyClick(tab, Qt.Key.Key_S, CTRL)
    [(kind, title, text)] = message_boxes
    assert kind == "warning" or kind == "critical"
    assert title == "Fiche publique non enregistrée"
    assert text.startswith(f"{field} : ")
    assert tab.tabs.currentIndex() == page and focused() is edit
    assert app.config.public_card(site.id) == PublicCard()
    assert app.config.public_card(site.id).updated_at is None


def test_new_opening_hours_change_the_published_line_not_what_is_typed(
    qtbot: QtBot, section: SettingsSection
) -> None:
    tab = section.public_card_tab
    assert "Sa 09:00-12:00" in tab.from_place.text()
    pivot = tab.fields["pivot"]
    assert isinstance(pivot, QLineEdit)
    pivot.setText("W231000123")  # typed, not saved yet
    section.tabs.setCurrentWidget(section.hours_tab)
    section.hours_tab.days[5].closed.setChecked(True)  # closed on Saturdays now
    section.hours_tab.on_save_clicked()
    assert "Sa 09:00-12:00" not in tab.from_place.text()
    assert tab.from_place.text().count("Mo-Fr ") == 1
    assert pivot.text() == "W231000123"
