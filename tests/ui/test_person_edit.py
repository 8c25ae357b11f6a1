"""« Modifier la fiche… » of the register and « Prolonger… » of the solidarity review: an
existing person corrected (the right to rectification) or a household's attestation renewed,
by keyboard, through ``people.update``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from placetime import place_today
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QWidget
from pytestqt.qtbot import QtBot

from tiers_lieu.app import Comptoir
from tiers_lieu.services.people import PersonInput
from tiers_lieu.services.people_search import PersonInfo
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.common import select_id, to_date
from tiers_lieu.ui.people import PeopleSection
from tiers_lieu.ui.people.common import PeopleModel
from tiers_lieu.ui.person_dialog import EditPersonDialog


def _household(app: Comptoir, site: SiteInfo, until: date) -> PersonInfo:
    return app.people.create(
        site.id,
        PersonInput(
            first_name="Lucie",
            last_name="Martin",
            phone="05 55 00 00 01",
            email="lucie@example.org",
            kinds=["member", "solidarity"],
            consent=True,
            solidarity_until=until,
        ),
    )


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def _when_open(act: Callable[[EditPersonDialog], None]) -> list[EditPersonDialog]:
    """Runs ``act`` on the edit dialog once ``exec`` shows it (``exec`` blocks the test)."""
    seen: list[EditPersonDialog] = []
    timer = QTimer()
    timer.setInterval(20)

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, EditPersonDialog) and dialog.isVisible() and not seen:
            timer.stop()
            seen.append(dialog)
            act(dialog)

    timer.timeout.connect(poll)
    timer.start()
    seen_timer.append(timer)  # kept alive until the test ends
    return seen


seen_timer: list[QTimer] = []


def _wait_active(qtbot: QtBot, dialog: QDialog) -> None:
    """Keys go to the dialog once the window system has made it the active window."""
    dialog.activateWindow()
    qtbot.waitUntil(lambda: dialog.isActiveWindow() and dialog.isAncestorOf(focused()))


def _type_over(qtbot: QtBot, key: Qt.Key, text: str) -> None:
    """Alt+letter to a field, its text replaced by ``text``."""
    qtbot.keyClick(focused(), key, Qt.KeyboardModifier.AltModifier)
    qtbot.keyClick(focused(), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(focused(), text)


def _open_register(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, person: PersonInfo
) -> PeopleSection:
    section = PeopleSection(app, site)
    qtbot.addWidget(section)
    section.resize(1200, 700)
    with qtbot.waitExposed(section):
        section.show()
    section.activateWindow()
    select_id(section.register.table, person.id)
    assert section.register.edit_button.isEnabled()
    section.register.table.setFocus()
    return section


def test_the_phone_and_the_solidarity_end_changed_by_keyboard(
    qtbot: QtBot, app: Comptoir, site: SiteInfo
) -> None:
    today = place_today()
    person = _household(app, site, today + timedelta(days=10))
    section = _open_register(qtbot, app, site, person)
    later = today + timedelta(days=365)

    def act(dialog: EditPersonDialog) -> None:
        assert dialog.phone.text() == "05 55 00 00 01"
        assert dialog.email.text() == "lucie@example.org"
        assert dialog.commune.text() == ""
        assert dialog.solidarity.isChecked()
        assert to_date(dialog.solidarity_until.date()) == today + timedelta(days=10)
        _wait_active(qtbot, dialog)
        _type_over(qtbot, Qt.Key.Key_T, "06 12 34 56 78")
        assert focused() is dialog.phone
        for _ in range(3):  # Courriel, Commune, the box
            qtbot.keyClick(focused(), Qt.Key.Key_Tab)
        assert focused() is dialog.solidarity
        qtbot.keyClick(focused(), Qt.Key.Key_Tab)
        assert focused() is dialog.solidarity_until
        qtbot.keyClicks(focused(), later.strftime("%d/%m/%Y"))
        qtbot.keyClick(focused(), Qt.Key.Key_Return)

    opened = _when_open(act)
    qtbot.keyClick(section.register.table, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: bool(opened) and not opened[0].isVisible())
    assert opened[0].result() == QDialog.DialogCode.Accepted
    details = app.people.details(person.id)
    assert details.info.phone == "06 12 34 56 78"
    assert details.solidarity_until == later
    assert set(details.kinds) == {"member", "solidarity"}
    assert app.people.get(person.id).has_consent  # consent is not the form's business
    model = section.register.model
    shown = model.index(model.find_row(person.id), PeopleModel.Columns.PHONE).data()
    assert shown == "06 12 34 56 78"
    assert "06 12 34 56 78" in section.register.page.toPlainText()


def test_a_bad_email_is_refused_naming_the_field(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, message_boxes: list[tuple[str, str, str]]
) -> None:
    person = _household(app, site, place_today() + timedelta(days=10))
    section = _open_register(qtbot, app, site, person)

    def act(dialog: EditPersonDialog) -> None:
        _wait_active(qtbot, dialog)
        _type_over(qtbot, Qt.Key.Key_T, "06 12 34 56 78")
        _type_over(qtbot, Qt.Key.Key_C, "lucie.example.org")
        qtbot.keyClick(focused(), Qt.Key.Key_Return)
        assert dialog.isVisible() and dialog.updated is None  # the desk corrects it
        dialog.reject()

    opened = _when_open(act)
    qtbot.keyClick(section.register.table, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: bool(opened) and not opened[0].isVisible())
    assert "Courriel" in message_boxes[-1][2]
    details = app.people.details(person.id)
    assert (details.info.phone, details.info.email) == ("05 55 00 00 01", "lucie@example.org")


def test_prolonger_moves_the_household_out_of_the_review(
    qtbot: QtBot, app: Comptoir, site: SiteInfo
) -> None:
    today = place_today()
    person = _household(app, site, today + timedelta(days=5))
    section = PeopleSection(app, site)
    qtbot.addWidget(section)
    section.resize(1200, 700)
    with qtbot.waitExposed(section):
        section.show()
    section.tabs.setCurrentWidget(section.solidarity)
    tab = section.solidarity
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1)
    select_id(tab.table, person.id)
    tab.table.setFocus()
    later = today + timedelta(days=365)

    def act(dialog: EditPersonDialog) -> None:
        _wait_active(qtbot, dialog)
        assert focused() is dialog.solidarity_until  # straight to the new end
        qtbot.keyClicks(focused(), later.strftime("%d/%m/%Y"))
        qtbot.keyClick(focused(), Qt.Key.Key_Return)

    opened = _when_open(act)
    qtbot.keyClick(tab.table, Qt.Key.Key_P, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: bool(opened) and not opened[0].isVisible())
    assert app.people.details(person.id).solidarity_until == later
    assert tab.model.rowCount() == 0 and not tab.extend_button.isEnabled()
    assert app.people.solidarity_to_review(site.id) == []
