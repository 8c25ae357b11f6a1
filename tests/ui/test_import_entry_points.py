"""The import dialog is reached from where the data lands: « Visites » for visits,
« Démarches › Historique » for assistance records, and the lists follow what was imported."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog
from pytestqt.qtbot import QtBot

from tiers_lieu.app import Comptoir
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.demarches import DemarchesSection
from tiers_lieu.ui.imports import ImportDialog
from tiers_lieu.ui.visits import VisitsSection

DATA = Path(__file__).parent.parent / "data" / "imports"


def _answer_file(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(path), ""))


def _open_import(qtbot: QtBot, button: object) -> ImportDialog:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # type: ignore[arg-type]
    dialogs = [
        w for w in QApplication.topLevelWidgets() if isinstance(w, ImportDialog) and w.isVisible()
    ]
    assert len(dialogs) == 1 and dialogs[0].isVisible()
    return dialogs[0]


def test_visits_imported_from_the_visits_list_appear_in_it(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    section = VisitsSection(app, site)
    qtbot.addWidget(section)
    section.show()
    tab = section.visits_tab
    tab.period.set_range(date(2025, 1, 1), date(2025, 12, 31))  # the file's year
    assert tab.model.rowCount() == 0
    dialog = _open_import(qtbot, tab.import_button)
    assert dialog.windowTitle() == "Importer des visites"
    _answer_file(monkeypatch, DATA / "visites_utf8_bom.csv")
    dialog.on_choose_clicked()
    qtbot.waitUntil(lambda: dialog.import_button.isEnabled())
    with qtbot.waitSignal(section.changes.changed):
        dialog.on_import_clicked()
    assert tab.model.rowCount() == 4
    assert "9 visites" in tab.totals_label.text()


def test_assistance_import_is_offered_in_the_history(
    qtbot: QtBot, app: Comptoir, site: SiteInfo
) -> None:
    section = DemarchesSection(app, site)
    qtbot.addWidget(section)
    section.show()
    dialog = _open_import(qtbot, section.history.import_button)
    assert dialog.windowTitle() == "Importer des démarches"
