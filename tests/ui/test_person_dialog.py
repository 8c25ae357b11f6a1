"""Registering someone from a form, in a few seconds."""

from __future__ import annotations

from datetime import date, timedelta

from placetime import place_today
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from tiers_lieu.app import Comptoir
from tiers_lieu.models import Person
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.common import to_date
from tiers_lieu.ui.person_dialog import NewPersonDialog


def test_the_typed_name_is_proposed_and_the_person_saved(
    qtbot: QtBot, app: Comptoir, site: SiteInfo
) -> None:
    dialog = NewPersonDialog(app, site.id, name="Paul Besse", kinds=["coworker"])
    qtbot.addWidget(dialog)
    assert (dialog.first_name.text(), dialog.last_name.text()) == ("Paul", "Besse")
    qtbot.keyClicks(dialog.phone, "05 55 00 00 00")
    dialog.consent.setChecked(True)
    with qtbot.waitSignal(dialog.person_created) as created:
        dialog.on_save_clicked()
    person = created.args[0]  # type: ignore[index]
    assert person.display_name == "Paul Besse" and person.has_consent
    assert [p.id for p in app.people.search(site.id, "besse")] == [person.id]


def test_a_nameless_person_is_refused(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, message_boxes: list[tuple[str, str, str]]
) -> None:
    dialog = NewPersonDialog(app, site.id)
    qtbot.addWidget(dialog)
    dialog.on_save_clicked()
    assert dialog.created is None
    assert "Nom" in message_boxes[-1][2]


def _fill_by_keyboard(qtbot: QtBot, dialog: NewPersonDialog, until: date) -> None:
    """Name, then Alt+J (« Solidaire jusqu'au »), Tab to the date, the date typed, Entrée."""
    with qtbot.waitExposed(dialog):
        dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    assert focused() is dialog.first_name
    qtbot.keyClicks(focused(), "Lucie")
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    qtbot.keyClicks(focused(), "Martin")
    qtbot.keyClick(focused(), Qt.Key.Key_J, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(dialog.solidarity.isChecked)  # a mnemonic clicks after a short flash
    assert focused() is dialog.solidarity
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    assert focused() is dialog.solidarity_until
    qtbot.keyClicks(focused(), until.strftime("%d/%m/%Y"))
    assert to_date(dialog.solidarity_until.date()) == until
    qtbot.keyClick(focused(), Qt.Key.Key_Return)


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def test_solidarity_end_entered_by_keyboard(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, message_boxes: list[tuple[str, str, str]]
) -> None:
    """Issue 21: « Solidaire jusqu'au » reached by Alt+J; a past date is refused naming the
    field, a later one marks the household for the solidarity price up to that day."""
    today = place_today()
    dialog = NewPersonDialog(app, site.id)
    qtbot.addWidget(dialog)
    _fill_by_keyboard(qtbot, dialog, today - timedelta(days=1))
    assert dialog.created is None
    assert "Solidaire jusqu'au" in message_boxes[-1][2]
    assert app.people.search(site.id, "martin") == []
    dialog.solidarity_until.setFocus()
    until = today + timedelta(days=60)
    dialog.solidarity_until.setDate(QDate(until.year, until.month, until.day))
    qtbot.keyClick(dialog.solidarity_until, Qt.Key.Key_Return)
    assert dialog.created is not None
    assert app.grocery.sales.eligible(dialog.created.id)
    with app.uow() as uow:
        person = uow.session.get(Person, dialog.created.id)
        assert person is not None and person.solidarity_until == until
        assert "solidarity" in person.kinds.split(",")


def test_without_the_box_no_solidarity(qtbot: QtBot, app: Comptoir, site: SiteInfo) -> None:
    dialog = NewPersonDialog(app, site.id, name="Paul Besse")
    qtbot.addWidget(dialog)
    assert not dialog.solidarity_until.isEnabled()
    dialog.on_save_clicked()
    assert dialog.created is not None
    assert not app.grocery.sales.eligible(dialog.created.id)
