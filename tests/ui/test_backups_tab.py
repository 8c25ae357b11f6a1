"""The « Sauvegardes » tab: a backup taken now is listed with its date and size, restoring
the chosen one asks first and brings the old data back, the second folder gets its copy, and
a damaged database at start offers the latest good backup."""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog
from pytestqt.qtbot import QtBot

from tiers_lieu.app import Comptoir, build
from tiers_lieu.services.backups import BackupService
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui import ops
from tiers_lieu.ui.settings.backups_tab import BackupsModel, BackupsTab
from tiers_lieu.ui.startup_checks import check_database_file, install_auto_backups


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    state: dict[str, Any] = {"answer": QMessageBox.StandardButton.Yes, "asked": []}

    def question(_parent: object, _title: str, text: str, *_args: object) -> object:
        state["asked"].append(text)
        return state["answer"]

    monkeypatch.setattr(QMessageBox, "question", question)
    return state


@pytest.fixture
def tab(qtbot: QtBot, app: Comptoir, site: SiteInfo, tmp_path: Path) -> BackupsTab:
    service = BackupService(app.url, folder=tmp_path / "sauv")
    widget = BackupsTab(app, site, service=service)
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def texts(model: BackupsModel, column: BackupsModel.Columns) -> list[str]:
    return [str(model.index(row, column).data()) for row in range(model.rowCount())]


def test_backup_now_lists_the_copy_with_date_and_size(qtbot: QtBot, tab: BackupsTab) -> None:
    assert tab.model.rowCount() == 0
    qtbot.mouseClick(tab.backup_button, Qt.MouseButton.LeftButton)
    QApplication.processEvents()
    assert tab.model.rowCount() == 1
    assert " à " in texts(tab.model, BackupsModel.Columns.DATE)[0]
    # An empty base's copy: about a megabyte since migration 0012 (« 1,0 Mo »), shown French.
    assert re.fullmatch(r"\d+(,\d)? (Ko|Mo)", texts(tab.model, BackupsModel.Columns.SIZE)[0])
    assert texts(tab.model, BackupsModel.Columns.PLACE) == ["cet ordinateur"]
    assert "Sauvegarde vérifiée" in tab.status.text()


def test_restore_asks_then_brings_the_old_data_back(
    qtbot: QtBot,
    tab: BackupsTab,
    app: Comptoir,
    answers: dict[str, Any],
    message_boxes: list[tuple[str, str, str]],
) -> None:
    qtbot.mouseClick(tab.backup_button, Qt.MouseButton.LeftButton)
    QApplication.processEvents()
    app.sites.init_site(name="Ajouté après", commune_name="Aubusson", insee_code="23008")
    tab.view.selectRow(0)
    restored: list[object] = []
    tab.database_restored.connect(restored.append)

    answers["answer"] = QMessageBox.StandardButton.No
    qtbot.mouseClick(tab.restore_button, Qt.MouseButton.LeftButton)
    assert len(app.sites.list_sites()) == 2

    answers["answer"] = QMessageBox.StandardButton.Yes
    with qtbot.waitSignal(tab.database_restored, timeout=10000):  # off the GUI thread
        qtbot.keyClick(tab, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert [s.name for s in app.sites.list_sites()] == ["Le Comptoir de Felletin"]
    assert "Tout ce qui a été saisi depuis sera retiré" in answers["asked"][-1]
    assert message_boxes[-1][1] == "Base restaurée"
    assert len(restored) == 1
    assert "cet ordinateur" in texts(tab.model, BackupsModel.Columns.PLACE)


def test_a_restore_runs_off_the_gui_thread_behind_a_progress_dialog(
    qtbot: QtBot, tab: BackupsTab, answers: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    qtbot.mouseClick(tab.backup_button, Qt.MouseButton.LeftButton)
    QApplication.processEvents()
    tab.view.selectRow(0)
    released = threading.Event()
    on_gui_thread: list[bool] = []
    restore = BackupService.restore

    def slow_restore(self: BackupService, source: Path, **kwargs: Any) -> Path:
        on_gui_thread.append(threading.current_thread() is threading.main_thread())
        released.wait(timeout=10)  # a large base: seconds
        return restore(self, source, **kwargs)

    monkeypatch.setattr(BackupService, "restore", slow_restore)
    with qtbot.waitSignal(tab.database_restored, timeout=10000):
        qtbot.keyClick(tab, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: on_gui_thread != [], timeout=10000)
        # The window is still drawn meanwhile, and says what it is doing.
        qtbot.waitUntil(lambda: tab.findChild(QProgressDialog) is not None, timeout=10000)
        dialog = tab.findChild(QProgressDialog)
        assert dialog is not None and dialog.labelText() == "Restauration en cours…"
        assert ops.running() == ["Restauration en cours…"]  # a close waits for it
        released.set()
    assert on_gui_thread == [False]
    qtbot.waitUntil(lambda: ops.running() == [], timeout=10000)


def test_external_folder_gets_a_copy_and_the_warning_goes(
    qtbot: QtBot, tab: BackupsTab, tmp_path: Path
) -> None:
    usb = tmp_path / "cle"
    assert tab.service is not None
    tab.service.set_external_folder(usb)
    tab.refresh()
    assert tab.warning_label.isVisibleTo(tab)
    assert "Aucune sauvegarde externe" in tab.warning_label.text()
    usb.mkdir()
    tab.set_external_folder(usb)
    QApplication.processEvents()
    assert len(list((usb / "comptoir").glob("comptoir-*.sqlite"))) == 1
    assert "externe" in texts(tab.model, BackupsModel.Columns.PLACE)
    assert not tab.warning_label.isVisibleTo(tab)
    assert "jamais" not in tab.external_label.text()
    tab.grab().save("/tmp/backups_tab.png")


def test_a_damaged_database_at_start_offers_the_latest_backup(
    qtbot: QtBot, db_path: Path, tmp_path: Path, answers: dict[str, Any]
) -> None:
    app = build(str(db_path))
    app.sites.init_site(name="Sauvé", commune_name="Felletin", insee_code="23079")
    BackupService(app.url).backup()
    app.close()
    with db_path.open("r+b") as handle:
        handle.seek(4096)
        handle.write(b"\x00garbage\xff" * 4000)
    assert BackupService(f"sqlite:///{db_path}").quick_check() != []
    # As the start does, before the application is built.
    assert check_database_file(BackupService(f"sqlite:///{db_path}"), None) is True
    assert "endommagée" in answers["asked"][0]
    reopened = build(str(db_path))
    try:
        assert [s.name for s in reopened.sites.list_sites()] == ["Sauvé"]
    finally:
        reopened.close()


def test_auto_backups_copy_at_start_then_only_after_changes(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, db_path: Path
) -> None:
    from PySide6.QtCore import QObject

    owner = QObject()
    # Nobody at this desk: idle after 1 ms (tests/ui/test_start_checks.py: a key press waits).
    timer = install_auto_backups(app, owner, idle_ms=1)
    assert timer is not None and timer.isActive()
    folder = db_path.parent / "sauvegardes" / "comptoir"
    qtbot.waitUntil(lambda: len(list(folder.glob("comptoir-*.sqlite"))) == 1, timeout=5000)
    # The copy runs in a background thread, which notes the file's state once it is done.
    qtbot.waitUntil(lambda: not BackupService(app.url).changed_since_last_backup(), timeout=5000)
    timer.stop()
