"""The inactivity lock and the fast user switch as the desk meets them: the lock screen
appears after the delay and hides the sections and the status bar, the same person unlocks
and finds the form as they left it, a volunteer takes the desk with their PIN and gets only
the volunteer's sections, and nobody without the right reads a person's assistance notes."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from types import SimpleNamespace

import desk_window
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit
from pytestqt.qtbot import QtBot
from sqlmodel import col, select

from tiers_lieu.app import Comptoir
from tiers_lieu.models import AssistanceRecord, AuditEntry
from tiers_lieu.models.enums import CategoryKind, Role
from tiers_lieu.services.access import AccessDeniedError
from tiers_lieu.services.people import PersonInput
from tiers_lieu.services.readmodels import SiteInfo, UserInfo
from tiers_lieu.ui.login import LoginDialog
from tiers_lieu.ui.main_window import MainWindow
from tiers_lieu.ui.people import PeopleSection
from tiers_lieu.ui.sections import SECTIONS

PASSWORD = "tilleul-2026"
PIN = "482916"
SHOTS = Path("/tmp/lock-shots")


@pytest.fixture
def lea(app: Comptoir) -> UserInfo:
    return app.accounts.create_user(
        username="lea", display_name="Léa Dupont", password=PASSWORD, role=Role.COORDINATOR
    )


@pytest.fixture
def jules(app: Comptoir) -> UserInfo:
    return app.accounts.create_user(
        username="jules", display_name="Jules Bernard", pin=PIN, role=Role.VOLUNTEER
    )


def open_window(qtbot: QtBot, app: Comptoir, site: SiteInfo, user: UserInfo) -> MainWindow:
    """Shown and active: the lock's shortcuts go to the active window."""
    window = desk_window.open_window(qtbot, app, site, user)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window


def unlock(qtbot: QtBot, window: MainWindow, display_name: str, secret: str) -> None:
    screen = window.desk_lock.screen
    assert screen is not None
    rows = [screen.accounts.item(i).text() for i in range(screen.accounts.count())]
    screen.accounts.setCurrentRow(next(i for i, t in enumerate(rows) if display_name in t))
    screen.secret_edit.setFocus()
    qtbot.keyClicks(screen.secret_edit, secret)
    qtbot.keyClick(screen.secret_edit, Qt.Key.Key_Return)


def switches(app: Comptoir) -> list[AuditEntry]:
    with app.uow() as uow:
        rows = list(
            uow.session.exec(select(AuditEntry).where(col(AuditEntry.action) == "switch")).all()
        )
        uow.session.expunge_all()
        return rows


def test_the_desk_locks_after_the_delay_and_the_same_person_finds_their_form(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, lea: UserInfo, jules: UserInfo
) -> None:
    window = open_window(qtbot, app, site, lea)
    settings = window.show_section("parametres")
    address = settings.place_tab.address_edit  # type: ignore[attr-defined]
    address.setFocus()
    qtbot.keyClicks(address, "12 rue du Marche")  # typed, not saved
    lock = window.desk_lock

    lock.start_watching(200)
    qtbot.waitUntil(lambda: lock.is_locked, timeout=3000)

    screen = lock.screen
    assert screen is not None and screen.isVisible()
    assert not lock.content.isVisible()  # the sections are not underneath
    assert not window.statusBar().isVisible() and not window.user_label.isVisible()
    assert not window.place_label.isVisible()
    assert "Léa Dupont (Coordination)" in screen.who_label.text()
    assert screen.accounts.currentItem().text() == "Léa Dupont — Coordination"  # preselected
    assert screen.secret_edit.hasFocus()
    assert not lock.watcher.running  # no timer while locked
    assert not any(a.isEnabled() for a in window.section_actions)
    assert not lock.lock_action.isEnabled()
    SHOTS.mkdir(exist_ok=True)
    window.grab().save(str(SHOTS / "verrouille.png"))

    qtbot.keyClicks(screen.secret_edit, "mauvais-mot")
    qtbot.keyClick(screen.secret_edit, Qt.Key.Key_Return)
    assert lock.is_locked
    assert screen.error_label.text() == "Mot de passe ou code PIN incorrect."
    assert screen.secret_edit.text() == ""

    qtbot.keyClicks(screen.secret_edit, PASSWORD)
    with qtbot.waitSignal(lock.unlocked):
        qtbot.keyClick(screen.secret_edit, Qt.Key.Key_Return)
    assert not lock.is_locked and lock.content.isVisible()
    assert window.current_section_key() == "parametres"
    assert window.section_widget("parametres") is settings  # not rebuilt
    assert address.text() == "12 rue du Marche" and address.hasFocus()
    assert window.statusBar().isVisible() and "Léa Dupont" in window.user_label.text()
    assert all(a.isEnabled() for a in window.section_actions)
    assert lock.watcher.running
    assert switches(app) == []  # the same person came back


class StepClock:
    """The watcher's clock, moved by the test: a slow machine cannot stretch an idle time."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def test_activity_keeps_the_desk_open(
    qtbot: QtBot,
    app: Comptoir,
    site: SiteInfo,
    lea: UserInfo,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = StepClock()
    monkeypatch.setattr("tiers_lieu.ui.lock.time", SimpleNamespace(monotonic=clock))
    window = open_window(qtbot, app, site, lea)
    lock = window.desk_lock
    lock.start_watching(400)
    for _step in range(8):  # 2 s in all, never 0.4 s without a key press
        clock.advance(0.25)
        qtbot.keyClick(window.nav, Qt.Key.Key_Shift)
        lock.watcher.on_timer_timeout()  # the delay's check, as its timer makes it
        assert not lock.is_locked
    clock.advance(0.5)  # then 0.5 s without a key press: the timer locks the desk
    qtbot.waitUntil(lambda: lock.is_locked, timeout=10_000)


def test_the_lock_waits_for_an_open_dialog(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, lea: UserInfo
) -> None:
    window = open_window(qtbot, app, site, lea)
    lock = window.desk_lock
    dialog = QDialog(window)
    dialog.setModal(True)
    dialog.show()
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is dialog)
    lock.start_watching(150)
    qtbot.wait(600)
    assert not lock.is_locked  # it would cover nothing and lose what the dialog holds
    dialog.reject()
    qtbot.waitUntil(lambda: lock.is_locked, timeout=3000)


def test_a_volunteer_takes_the_desk_with_their_pin(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, lea: UserInfo, jules: UserInfo
) -> None:
    window = open_window(qtbot, app, site, lea)
    window.show_section("rapports")
    qtbot.keyClick(
        window,
        Qt.Key.Key_C,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    lock = window.desk_lock
    assert lock.is_locked and lock.screen is not None
    assert lock.screen.accounts.hasFocus()  # « Changer d'utilisateur… » starts on the list

    unlock(qtbot, window, "Jules Bernard", "000000")
    assert lock.is_locked and "incorrect" in lock.screen.error_label.text()
    unlock(qtbot, window, "Jules Bernard", PIN)

    assert not lock.is_locked
    assert window.user == jules and app.access.user == jules
    assert "Jules Bernard (Bénévole)" in window.user_label.text()
    assert window.section_widget("rapports") is None  # nothing built for Léa stays
    hidden = {s.key for i, s in enumerate(SECTIONS) if window.nav.item(i).isHidden()}
    assert {"demarches", "rapports", "parametres", "personnes"} <= hidden
    assert window.current_section_key() == "accueil"
    [switch] = switches(app)
    assert switch.user_id == jules.id and switch.entity_id == jules.id


def test_the_lock_shortcut_and_menu(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, lea: UserInfo
) -> None:
    window = open_window(qtbot, app, site, lea)
    file_menu = window.menuBar().actions()[0].menu()
    texts = [a.text() for a in file_menu.actions()]  # type: ignore[union-attr]
    assert "&Verrouiller" in texts and "Changer d'&utilisateur…" in texts
    assert window.desk_lock.lock_action.shortcut().toString() == "Ctrl+Shift+L"
    qtbot.keyClick(
        window,
        Qt.Key.Key_L,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert window.desk_lock.is_locked
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.current_section_key() == "accueil"  # no section opens under the lock


def with_note(app: Comptoir, site: SiteInfo, person_id: object, note: str) -> None:
    kind = app.config.list_categories
    with app.uow() as uow:
        uow.session.add(
            AssistanceRecord(
                site_id=site.id,
                activity_date=date(2026, 2, 2),
                operator_id=kind(site.id, CategoryKind.OPERATOR)[0].id,
                theme_id=kind(site.id, CategoryKind.THEME)[0].id,
                help_type_id=kind(site.id, CategoryKind.HELP_TYPE)[0].id,
                outcome_id=kind(site.id, CategoryKind.OUTCOME)[0].id,
                person_id=person_id,
                note=note,
            )
        )
        uow.commit()


def test_no_assistance_notes_for_a_volunteer_or_a_host(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, jules: UserInfo
) -> None:
    person = app.people.create(site.id, PersonInput(first_name="Léa", last_name="Roux"))
    with_note(app, site, person.id, "Dossier retraite")
    host = app.accounts.create_user(
        username="paul", display_name="Paul", password=PASSWORD, role=Role.HOST
    )
    mediator = app.accounts.create_user(
        username="nadia", display_name="Nadia", password=PASSWORD, role=Role.MEDIATOR
    )
    window = open_window(qtbot, app, site, jules)
    assert window.nav.item([s.key for s in SECTIONS].index("personnes")).isHidden()
    with pytest.raises(AccessDeniedError):
        window.show_section("personnes")  # the register is not for volunteers at all

    for user, sees in ((host, False), (mediator, True)):
        window.desk_lock.switch_user()
        unlock(qtbot, window, user.display_name, PASSWORD)
        people = window.show_section("personnes")
        assert isinstance(people, PeopleSection)
        people.register.table.selectRow(0)
        text = people.register.page.toPlainText()
        assert "Léa Roux" in text
        assert ("Dossier retraite" in text) is sees, user.role


def test_the_login_dialog_accepts_a_volunteers_pin(
    qtbot: QtBot, app: Comptoir, jules: UserInfo
) -> None:
    dialog = LoginDialog(app)
    qtbot.addWidget(dialog)
    with qtbot.waitExposed(dialog):
        dialog.show()
    assert dialog.username_edit.completer().model().rowCount() == 1  # the accounts offered
    dialog.username_edit.setText("jules")
    password: QLineEdit = dialog.password_edit
    qtbot.keyClicks(password, PIN)
    with qtbot.waitSignal(dialog.signed_in):
        qtbot.keyClick(password, Qt.Key.Key_Return)
    assert dialog.user == jules
