"""Fixtures of the window tests: operations run synchronously, each test has its own desk
settings (QSettings in a temporary folder), and message boxes are recorded, never shown (the
unexpected error's dialog too, as a « critical » box)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox
from questions import Questions

from tiers_lieu.ui.errors import ErrorReportDialog
from tiers_lieu.ui.ops import SynchronousPool, set_pool


@pytest.fixture(autouse=True)
def synchronous_ops() -> Iterator[None]:
    set_pool(SynchronousPool())
    yield
    set_pool(None)


@pytest.fixture(autouse=True)
def isolated_settings(qapp: QApplication, tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "settings"
    QCoreApplication.setOrganizationName("ComptoirTests")
    QCoreApplication.setApplicationName("comptoir-tests")
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(folder))
    QSettings().clear()
    yield folder
    QSettings().clear()


@pytest.fixture(autouse=True)
def message_boxes(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str, str]]:
    """The message boxes a test provoked, as (kind, title, text)."""
    boxes: list[tuple[str, str, str]] = []

    def recorder(kind: str) -> Any:
        def show(_parent: object, title: str, text: str, *_args: object) -> object:
            boxes.append((kind, title, text))
            return QMessageBox.StandardButton.Ok

        return show

    for kind in ("warning", "critical", "information", "question", "about"):
        monkeypatch.setattr(QMessageBox, kind, recorder(kind))

    def report(dialog: ErrorReportDialog) -> int:  # the unexpected error's calm message
        boxes.append(("critical", dialog.windowTitle(), dialog.text()))
        return QDialog.DialogCode.Rejected.value

    monkeypatch.setattr(ErrorReportDialog, "exec", report)
    return boxes


@pytest.fixture
def shown_main_windows(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every ``MainWindow`` shown during the test, in order. (Telling a new window from other
    tests' windows by ``id()`` fails when a deleted window's address is reused.)"""
    from tiers_lieu.ui.main_window import MainWindow

    shown: list[Any] = []
    original = MainWindow.show

    def show(self: MainWindow) -> None:
        shown.append(self)
        original(self)

    monkeypatch.setattr(MainWindow, "show", show)
    return shown


@pytest.fixture
def questions(
    monkeypatch: pytest.MonkeyPatch, message_boxes: list[tuple[str, str, str]]
) -> Questions:
    """``QMessageBox.question`` answered as the test says (after ``message_boxes``, which
    would answer none)."""
    asked = Questions()

    def question(_parent: object, _title: str, text: str, *_args: object) -> object:
        asked.asked.append(text)
        return asked.answers.pop(0) if asked.answers else QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", question)
    return asked


@pytest.fixture
def signed_in_coordinator(app: Any) -> Any:
    """Claire, the place's coordinator, signed in (what Agenda's settings tabs need)."""
    from tiers_lieu.models.enums import Role

    claire = app.accounts.create_user(
        username="claire", display_name="Claire", password="tilleul-2026", role=Role.COORDINATOR
    )
    app.access.sign_in(claire)
    return claire
