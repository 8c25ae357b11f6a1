"""Quitting while an export writes its file: the window waits behind « Export en cours… » and
closes once the work is done, or stays open when asked; a result coming back after its window
went away prints no traceback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from desk_window import open_window
from PySide6.QtCore import QRunnable
from PySide6.QtWidgets import QProgressDialog, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from tiers_lieu.app import Comptoir
from tiers_lieu.models.enums import Role
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui import ops
from tiers_lieu.ui.main_window import MainWindow


class HeldPool:
    """A pool that keeps the work until the test lets it run (a long export)."""

    def __init__(self) -> None:
        self.held: list[QRunnable] = []

    def start(self, runnable: QRunnable) -> None:
        self.held.append(runnable)

    def finish(self) -> None:
        while self.held:
            self.held.pop(0).run()


@pytest.fixture
def pool() -> Iterator[HeldPool]:
    held = HeldPool()
    ops.set_pool(held)
    yield held
    held.finish()
    ops.set_pool(ops.SynchronousPool())


@pytest.fixture
def window(qtbot: QtBot, app: Comptoir, site: SiteInfo) -> MainWindow:
    admin = app.accounts.create_user(
        username="lea", display_name="Lea", role=Role.ADMIN, password="tilleul-2026"
    )
    return open_window(qtbot, app, site, admin)


def start_export(window: MainWindow, done: list[object]) -> None:
    ops.run_op(window, lambda _progress: "fini", done.append, label="Export du rapport…")


def waiting_dialog(window: MainWindow) -> QProgressDialog | None:
    return window.findChild(QProgressDialog, "closingWait")


def test_closing_waits_for_the_export_then_closes(
    qtbot: QtBot, window: MainWindow, pool: HeldPool
) -> None:
    done: list[object] = []
    start_export(window, done)
    assert ops.running() == ["Export du rapport…"]
    window.close()
    assert window.isVisible()  # not while the file is being written
    dialog = waiting_dialog(window)
    assert dialog is not None and dialog.isVisible()
    assert dialog.windowTitle() == "Export en cours…"
    assert "Export du rapport…" in dialog.labelText()
    window.close()  # asking again does not stack a second dialog
    assert len(window.findChildren(QProgressDialog, "closingWait")) == 1
    pool.finish()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=3000)
    assert done == ["fini"]
    assert ops.running() == []


def test_the_user_may_stay_instead(qtbot: QtBot, window: MainWindow, pool: HeldPool) -> None:
    start_export(window, [])
    window.close()
    dialog = waiting_dialog(window)
    assert dialog is not None
    [stay] = dialog.findChildren(QPushButton)
    assert stay.text() == "Ne pas quitter"
    stay.click()
    pool.finish()
    qtbot.wait(3 * ops.CLOSE_POLL_MS)
    assert window.isVisible()
    assert waiting_dialog(window) is None
    window.close()  # nothing runs now: closes at once
    assert not window.isVisible()


def test_a_result_after_its_window_went_away_prints_no_traceback(
    qtbot: QtBot, pool: HeldPool, capsys: pytest.CaptureFixture[str]
) -> None:
    parent = QWidget()

    def work(progress: ops.Progress) -> int:
        progress(1, 2)
        return 3

    ops.run_op(parent, work, lambda _r: None, label="Export…")
    ops.run_op(parent, lambda _p: 1 / 0, lambda _r: None, label="Export…")
    parent.deleteLater()
    qtbot.wait(10)  # the widget and its relay are gone
    pool.finish()  # would raise « Internal C++ object already deleted »
    assert ops.running() == []
    assert "Traceback" not in capsys.readouterr().err
