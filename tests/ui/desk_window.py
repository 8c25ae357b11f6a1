"""The main window as the desk opens it, shared by the window tests."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from tiers_lieu.app import Comptoir
from tiers_lieu.services.readmodels import SiteInfo, UserInfo
from tiers_lieu.ui.main_window import MainWindow


def open_window(qtbot: QtBot, app: Comptoir, site: SiteInfo, user: UserInfo) -> MainWindow:
    """The window of ``site`` once ``user`` has signed in (the services act for them), shown."""
    app.access.sign_in(user)
    window = MainWindow(app, site, user, remember_geometry=False)
    qtbot.addWidget(window)
    with qtbot.waitExposed(window):
        window.show()
    return window
