"""The main window as the desk opens it, shared by the window tests."""

from __future__ import annotations

from pytestqt.qtbot import QtBot
from rolesdemo import PASSWORD

from tiers_lieu.app import Comptoir
from tiers_lieu.models.enums import Role
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


def open_window_as(qtbot: QtBot, app: Comptoir, role: Role) -> MainWindow:
    """The window of the first site once the roles demo's account of ``role`` has signed in
    (see rolesdemo.make_roles_demo), shown."""
    user = app.accounts.authenticate(f"compte.{role.value}", PASSWORD)
    return open_window(qtbot, app, app.sites.list_sites()[0], user)
