"""The Coop de la médiation numérique's fields of the démarche form, by keyboard: Alt+P goes to
its box, a few letters pick the autonomy, the equipment and the digital themes, the démarche's
name is typed (and suggested next time); equipment and themes are kept for the next démarche
on this desk, autonomy and name are not; a word no list knows is refused, naming the field.

Only ASCII is typed (QTest aborts on accented characters): the lists accept a few letters.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot
from sqlmodel import select

from tiers_lieu.app import Comptoir
from tiers_lieu.models import AssistanceRecord
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.demarches import DemarchesSection


def open_form(qtbot: QtBot, app: Comptoir, site: SiteInfo) -> DemarchesSection:
    section = DemarchesSection(app, site)
    qtbot.addWidget(section)
    section.resize(1280, 800)
    with qtbot.waitExposed(section):
        section.show()
    section.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    return section


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def has_focus(widget: QWidget) -> bool:
    current = focused()
    return current is widget or widget.isAncestorOf(current)


class Keys:
    """Types into whatever has the focus and counts the keys pressed (a chord is one)."""

    def __init__(self, qtbot: QtBot) -> None:
        self.qtbot, self.count = qtbot, 0

    def type(self, text: str) -> None:
        self.qtbot.keyClicks(focused(), text)
        self.count += len(text)

    def press(
        self, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
    ) -> None:
        self.qtbot.keyClick(focused(), key, modifier)
        self.count += 1


ALT = Qt.KeyboardModifier.AltModifier


def records(app: Comptoir) -> list[AssistanceRecord]:
    """The records saved, as copies that outlive the unit of work."""
    with app.uow() as uow:
        return [
            AssistanceRecord.model_validate(r.model_dump())
            for r in uow.session.exec(select(AssistanceRecord))
        ]


def test_the_coops_fields_are_typed_by_keyboard_and_the_desks_choices_kept(
    qtbot: QtBot, app: Comptoir, site: SiteInfo
) -> None:
    section = open_form(qtbot, app, site)
    form = section.form
    keys = Keys(qtbot)
    keys.type("caf")
    keys.press(Qt.Key.Key_Tab)
    keys.type("loge")
    keys.press(Qt.Key.Key_Tab)
    keys.type("en ligne")
    keys.press(Qt.Key.Key_4, ALT)  # 30 minutes
    keys.press(Qt.Key.Key_P, ALT)  # the Coop's box: its first field, the autonomy
    assert has_focus(form.autonomy)
    keys.type("avec")
    keys.press(Qt.Key.Key_Tab)
    assert focused() is form.demarche_name
    keys.type("Prime d'activite")
    keys.press(Qt.Key.Key_Tab)
    assert focused() is form.equipment
    keys.type("ordi, tel")
    keys.press(Qt.Key.Key_Tab)
    assert focused() is form.digital_themes
    keys.type("mail")
    keys.press(Qt.Key.Key_Q, ALT)  # the themes' own mnemonic keeps the focus there
    assert focused() is form.digital_themes
    keys.press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    (record,) = records(app)
    assert record.autonomy == "entierement_accompagne"
    assert record.demarche_name == "Prime d'activite"
    assert record.equipment == "ordinateur;telephone"
    assert record.digital_themes == "email"
    assert record.channel == "lieu_activite"  # « Sur place », the form's « Lieu »
    assert record.duration_min == 30
    assert "Démarche enregistrée" in form.status.text()

    # Next person: the equipment and themes stay, the autonomy and the name are cleared.
    assert form.equipment.text() == "Ordinateur, Téléphone"
    assert form.digital_themes.text() == "E-mail"
    assert form.autonomy.currentText() == "" and form.demarche_name.text() == ""
    assert form.demarche_name.suggestions()[0] == "Prime d'activite"

    # Another form on this desk (the window opened again) starts from the same choices and
    # suggests the names typed at the place.
    again = DemarchesSection(app, site)
    qtbot.addWidget(again)
    assert again.form.equipment.text() == "Ordinateur, Téléphone"
    assert again.form.digital_themes.text() == "E-mail"
    assert again.form.demarche_name.suggestions() == ["Prime d'activite"]


def test_a_typical_demarche_stays_a_few_keys(qtbot: QtBot, app: Comptoir, site: SiteInfo) -> None:
    """The desk's lists are remembered: a démarche like the last one but for the organisme,
    the theme, the duration, the autonomy and the name is about twenty keys."""
    section = open_form(qtbot, app, site)
    form = section.form
    form.operator.select_text("msa")
    form.theme.select_text("social")
    form.help_type.select_text("en ligne")
    form.equipment.set_keys(["ordinateur"])
    form.on_save_clicked()
    assert len(records(app)) == 1

    form.operator.setFocus()
    keys = Keys(qtbot)
    keys.type("caf")
    keys.press(Qt.Key.Key_Tab)
    keys.type("loge")
    keys.press(Qt.Key.Key_Tab)
    keys.press(Qt.Key.Key_4, ALT)
    keys.press(Qt.Key.Key_P, ALT)
    keys.type("auto")
    keys.press(Qt.Key.Key_Tab)
    keys.type("APL")
    keys.press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert keys.count <= 20
    newest = max(records(app), key=lambda r: r.created_at)
    assert (newest.autonomy, newest.demarche_name, newest.equipment) == (
        "partiellement_autonome",
        "APL",
        "ordinateur",
    )


def test_a_word_no_list_knows_is_refused_naming_the_field(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, message_boxes: list[tuple[str, str, str]]
) -> None:
    section = open_form(qtbot, app, site)
    form = section.form
    form.operator.select_text("caf")
    form.theme.select_text("loge")
    form.help_type.select_text("en ligne")
    form.equipment.setFocus()
    qtbot.keyClicks(form.equipment, "ordi, fax")
    qtbot.keyClick(form.equipment, Qt.Key.Key_Tab)
    assert form.equipment.text() == "Ordinateur, fax"  # kept as typed, to be corrected
    form.on_save_clicked()
    assert records(app) == []
    (kind, _title, text) = message_boxes[-1]
    assert kind == "warning" and "Matériel" in text and "fax" in text
    assert focused() is form.equipment
