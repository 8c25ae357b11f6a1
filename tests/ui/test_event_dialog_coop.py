"""The Coop de la médiation numérique's fields of a workshop, typed in the workshop dialog by
keyboard (Alt+A the level, Alt+Q the digital themes, Tab the rest), saved with the workshop,
shown again when it is changed; the next new workshop starts from the last channel and
equipment; a word no list knows is refused, naming the field."""

from __future__ import annotations

from datetime import date

from placetime import place_today
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from tiers_lieu.app import Comptoir
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.visits.event_dialog import EventDialog

ALT = Qt.KeyboardModifier.AltModifier


def open_dialog(qtbot: QtBot, app: Comptoir, site: SiteInfo, **kwargs: object) -> EventDialog:
    dialog = EventDialog(app, site, **kwargs)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    with qtbot.waitExposed(dialog):
        dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    return dialog


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def test_a_workshops_coop_fields_by_keyboard(qtbot: QtBot, app: Comptoir, site: SiteInfo) -> None:
    dialog = open_dialog(qtbot, app, site)
    assert dialog.channel_combo.currentText() == "Lieu d’activité"  # proposed by default
    dialog.title_edit.setFocus()
    qtbot.keyClicks(focused(), "Premiers pas sur tablette")
    qtbot.keyClick(focused(), Qt.Key.Key_A, ALT)
    assert focused() is dialog.level_combo or dialog.level_combo.isAncestorOf(focused())
    qtbot.keyClicks(focused(), "deb")
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    assert focused() is dialog.capacity_spin or dialog.capacity_spin.isAncestorOf(focused())
    qtbot.keyClicks(focused(), "8")
    qtbot.keyClick(focused(), Qt.Key.Key_Q, ALT)
    assert focused() is dialog.themes_edit
    qtbot.keyClicks(focused(), "navig, prendre")
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    assert focused() is dialog.equipment_edit
    qtbot.keyClicks(focused(), "tabl")
    qtbot.keyClick(focused(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert not dialog.isVisible()

    (saved,) = app.events.list(site.id, date(2000, 1, 1), date(2100, 1, 1))
    assert (saved.workshop_level, saved.capacity, saved.channel) == ("debutant", 8, "lieu_activite")
    assert saved.digital_themes == ("prendre_en_main_du_materiel", "navigation_sur_internet")
    assert saved.equipment == ("tablette",)

    # Changed later: the dialog shows them again.
    again = open_dialog(qtbot, app, site, detail=app.events.get(saved.id))
    assert again.level_combo.currentText() == "Débutant"
    assert again.capacity_spin.value() == 8
    assert again.themes_edit.text() == "Prendre en main du matériel, Navigation sur internet"
    assert again.equipment_edit.text() == "Tablette"

    # The next new workshop starts from the last channel and equipment, not the rest.
    new = open_dialog(qtbot, app, site)
    assert new.equipment_edit.text() == "Tablette"
    assert new.channel_combo.currentText() == "Lieu d’activité"
    assert new.level_combo.currentText() == "" and new.themes_edit.text() == ""
    assert new.capacity_spin.text() == "—"


def test_an_unknown_theme_is_refused_naming_the_field(
    qtbot: QtBot,
    app: Comptoir,
    site: SiteInfo,
    message_boxes: list[tuple[str, str, str]],
) -> None:
    dialog = open_dialog(qtbot, app, site, day=place_today())
    dialog.title_edit.setText("Atelier cuisine")
    dialog.themes_edit.setText("cuisine")
    dialog.save_button.click()
    assert dialog.isVisible()
    assert message_boxes[-1][0] == "warning"
    assert message_boxes[-1][2].startswith("Thématiques numériques :")
    assert "cuisine" in message_boxes[-1][2]
    assert app.events.list(site.id, date(2000, 1, 1), date(2100, 1, 1)) == []
