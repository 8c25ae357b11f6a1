"""The start of the window (issue 17): the sign-in appears while the base is still being
opened and its file checked off the GUI thread; a damaged file still offers its latest good
backup (found before the window, during the sign-in, or when the base cannot even be opened);
the automatic backup waits until nobody touches the desk."""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QLineEdit, QMessageBox
from pytestqt.qtbot import QtBot

from tiers_lieu.app import Comptoir, build
from tiers_lieu.models.enums import Role
from tiers_lieu.services.backups import BackupService
from tiers_lieu.services.readmodels import SiteInfo, UserInfo
from tiers_lieu.ui import application
from tiers_lieu.ui import startup_checks as checks
from tiers_lieu.ui.login import LoginDialog
from tiers_lieu.ui.main_window import MainWindow

PASSWORD = "tilleul-2026"


@pytest.fixture
def lea(app: Comptoir, site: SiteInfo) -> UserInfo:
    return app.accounts.create_user(
        username="lea", display_name="Léa Dupont", password=PASSWORD, role=Role.COORDINATOR
    )


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """« Restaurer la dernière sauvegarde ? »: the answer given, and the questions asked."""
    state: dict[str, Any] = {"answer": QMessageBox.StandardButton.Yes, "asked": []}

    def question(_parent: object, _title: str, text: str, *_args: object) -> object:
        state["asked"].append(text)
        return state["answer"]

    monkeypatch.setattr(QMessageBox, "question", question)
    return state


def damage(db_path: Path, offset: int) -> None:
    with db_path.open("r+b") as handle:
        handle.seek(offset)
        handle.write(b"\x00garbage\xff" * 4000)


def test_the_sign_in_shows_while_the_file_is_still_being_checked(
    qtbot: QtBot,
    app: Comptoir,
    lea: UserInfo,
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    message_boxes: list[tuple[str, str, str]],
    shown_main_windows: list[MainWindow],
) -> None:
    app.close()
    released = threading.Event()
    checked_on: list[bool] = []
    quick_check = BackupService.quick_check

    def slow_check(self: BackupService) -> list[str]:  # a large file: seconds
        checked_on.append(threading.current_thread() is threading.main_thread())
        released.wait(timeout=5)
        return quick_check(self)

    seen: dict[str, Any] = {}

    def sign_in(dialog: LoginDialog) -> int:
        seen["visible"] = dialog.isVisible()
        seen["still checking"] = not released.is_set()
        dialog.username_edit.setText("lea")
        dialog.password_edit.setText(PASSWORD)
        dialog.on_buttons_accepted()  # as « Se connecter »
        released.set()  # the check ends once the desk is open
        return dialog.result()

    def event_loop(_qapp: object) -> int:
        [window] = shown_main_windows
        qtbot.addWidget(window)
        label = window.statusBar().findChild(QLabel, checks.CHECK_LABEL)
        assert label is not None
        seen["status while checking"] = label.text()
        qtbot.waitUntil(lambda: label.text() == "Base vérifiée : aucun problème", timeout=10000)
        seen["user"] = window.user_label.text()
        return 0

    monkeypatch.setattr(BackupService, "quick_check", slow_check)
    monkeypatch.setattr(LoginDialog, "exec", sign_in)
    monkeypatch.setattr(QApplication, "exec", event_loop)

    assert application.run_gui(db=str(db_path)) == 0

    assert checked_on == [False]  # never on the GUI thread
    assert seen["visible"] and seen["still checking"]  # the sign-in did not wait for it
    assert seen["status while checking"] == "Vérification de la base…"
    assert "Léa Dupont" in seen["user"]
    assert message_boxes == []


def test_a_sign_in_asked_before_the_base_is_open_goes_on_once_it_is(
    qtbot: QtBot, app: Comptoir, lea: UserInfo
) -> None:
    dialog = LoginDialog(None, usernames=["lea"])  # as at start, the base still opening
    qtbot.addWidget(dialog)
    with qtbot.waitExposed(dialog):
        dialog.show()
    dialog.username_edit.setText("lea")
    qtbot.keyClicks(dialog.password_edit, PASSWORD)
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.wait_label.isVisible()
    assert dialog.wait_label.text() == "Ouverture de la base de données…"
    assert dialog.password_edit.text() == PASSWORD  # nothing typed is lost

    with qtbot.waitSignal(dialog.signed_in):
        dialog.set_app(app)
    assert dialog.user == lea
    assert dialog.result() == QDialog.DialogCode.Accepted


@pytest.mark.parametrize("answer", ["Yes", "No"])
def test_a_damaged_file_found_during_the_sign_in_offers_the_latest_backup(
    qtbot: QtBot,
    app: Comptoir,
    site: SiteInfo,
    lea: UserInfo,
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    answers: dict[str, Any],
    message_boxes: list[tuple[str, str, str]],
    answer: str,
) -> None:
    BackupService(app.url).backup()
    app.sites.init_site(name="Saisi après la sauvegarde")
    app.close()
    answers["answer"] = getattr(QMessageBox.StandardButton, answer)
    sign_in_shown = threading.Event()
    sign_ins: list[bool] = []

    def check_file(service: BackupService) -> checks.FileCheck:
        sign_in_shown.wait(timeout=10)  # a large file: the check ends during the sign-in
        return checks.FileCheck(
            ("Page 12: btreeInitPage() returns error code 11",), service.latest_good_backup()
        )

    def sign_in(dialog: LoginDialog) -> int:
        sign_ins.append(dialog.isVisible())
        if len(sign_ins) > 1:
            return QDialog.DialogCode.Rejected  # the second time, the user leaves
        sign_in_shown.set()
        QTimer.singleShot(10000, dialog.reject)  # never more than 10 s in a test
        return QDialog.exec(dialog)  # closed by the check's result

    monkeypatch.setattr(checks, "check_file", check_file)
    monkeypatch.setattr(LoginDialog, "exec", sign_in)
    code = application.run_gui(db=str(db_path))

    assert len(answers["asked"]) == 1 and "endommagée" in answers["asked"][0]
    if answer == "No":
        assert code == 1
        assert sign_ins == [True]
        return
    assert code == 0
    assert sign_ins == [True, False]  # shown at once on the damaged base; then, restored, again
    assert message_boxes == [("information", "Base restaurée", message_boxes[0][2])]
    again = build(str(db_path))
    try:
        assert [s.name for s in again.sites.list_sites()] == [site.name]
    finally:
        again.close()


def test_a_base_that_cannot_even_be_opened_still_offers_the_backup(
    qtbot: QtBot,
    app: Comptoir,
    site: SiteInfo,
    lea: UserInfo,
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    answers: dict[str, Any],
    message_boxes: list[tuple[str, str, str]],
) -> None:
    BackupService(app.url).backup()
    app.close()
    damage(db_path, 0)  # not even a SQLite header: the application cannot be built
    monkeypatch.setattr(LoginDialog, "exec", lambda _self: QDialog.DialogCode.Rejected)

    assert application.run_gui(db=str(db_path)) == 0  # restored, then the user left

    assert len(answers["asked"]) == 1 and "endommagée" in answers["asked"][0]
    assert [(kind, title) for kind, title, _text in message_boxes] == [
        ("information", "Base restaurée")
    ]
    again = build(str(db_path))
    try:
        assert [s.name for s in again.sites.list_sites()] == [site.name]
    finally:
        again.close()


# -- the automatic backup waits for a quiet desk --------------------------------------------
def test_a_key_press_puts_the_backup_off_until_the_desk_is_idle(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[tuple[str, int | None]] = []

    def maybe_backup(self: BackupService, reason: str, **_kwargs: object) -> None:
        nice = None
        if sys.platform.startswith("linux"):
            nice = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
        started.append((reason, nice))

    monkeypatch.setattr(BackupService, "maybe_backup", maybe_backup)
    field = QLineEdit()
    qtbot.addWidget(field)
    field.show()
    owner = QObject()
    idle_ms = 600
    timer = checks.install_auto_backups(app, owner, idle_ms=idle_ms)
    assert timer is not None
    for _key in range(24):  # someone types for three idle delays, a key every 50 ms
        qtbot.keyClick(field, Qt.Key.Key_A)
        qtbot.wait(50)
    assert started == []  # not while the desk is in use

    qtbot.waitUntil(lambda: started != [], timeout=10000)  # idle: the backup runs
    [(reason, nice)] = started
    assert reason == "start"
    if nice is not None:  # a thread of its own, below the desk's priority
        assert nice >= os.getpriority(os.PRIO_PROCESS, 0) + checks.BACKGROUND_NICE
    timer.stop()
    owner.deleteLater()
