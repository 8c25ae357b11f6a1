"""The Accueil section as the desk has it in front of them, shared by its tests."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tiers_lieu.app import Comptoir
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.accueil import AccueilSection


def shown_accueil(qtbot: QtBot, app: Comptoir, site: SiteInfo) -> AccueilSection:
    """The Accueil section of ``site`` at 1280×800, shown and active (its shortcuts reach it)."""
    section = AccueilSection(app, site)
    qtbot.addWidget(section)
    section.resize(1280, 800)
    with qtbot.waitExposed(section):
        section.show()
    section.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is section)
    return section
