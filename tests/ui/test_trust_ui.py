"""What the desk sees of issue 15's points 6 and 7: the login dialog says how long a locked
account waits, even after a restart; the audit viewer's banner says « Journal intact (N lignes
vérifiées) » or where the log breaks; after signing in, the administration is warned of a
broken log (dialog and status bar) and a volunteer is not."""

from __future__ import annotations

from pathlib import Path

import pytest
from desk_window import open_window
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from tiers_lieu.app import Comptoir, build
from tiers_lieu.errors import AuthenticationError
from tiers_lieu.models.enums import Role
from tiers_lieu.services.readmodels import SiteInfo, UserInfo
from tiers_lieu.ui.login import LoginDialog
from tiers_lieu.ui.settings.audit_tab import AuditTab

PASSWORD = "tilleul-2026"


@pytest.fixture
def admin(app: Comptoir) -> UserInfo:
    return app.accounts.create_user(
        username="lea", display_name="Léa Dupont", password=PASSWORD, role=Role.ADMIN
    )


def drop_trigger(app: Comptoir) -> None:
    with app.engine.begin() as connection:
        connection.execute(text("DROP TRIGGER audit_entry_no_update"))


def test_the_login_dialog_says_how_long_to_wait_after_a_restart(
    qtbot: QtBot, app: Comptoir, admin: UserInfo, db_path: Path
) -> None:
    for _attempt in range(5):
        with pytest.raises(AuthenticationError):
            app.accounts.authenticate("lea", "mauvais-mot")
    app.close()
    again = build(str(db_path))
    try:
        dialog = LoginDialog(again)
        qtbot.addWidget(dialog)
        with qtbot.waitExposed(dialog):
            dialog.show()
        qtbot.keyClicks(dialog.username_edit, "lea")
        qtbot.keyClicks(dialog.password_edit, PASSWORD)  # the right one, too early
        qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
        assert dialog.result() != QDialog.DialogCode.Accepted and dialog.user is None
        assert dialog.error_label.isVisible()
        assert "ce compte est bloqué, réessayez dans" in dialog.error_label.text()
        assert "secondes" in dialog.error_label.text()
    finally:
        again.close()


def open_audit_tab(qtbot: QtBot, app: Comptoir, site: SiteInfo) -> AuditTab:
    tab = AuditTab(app, site)
    qtbot.addWidget(tab)
    tab.show()
    return tab


def test_the_viewer_says_the_log_is_intact(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, admin: UserInfo
) -> None:
    app.access.sign_in(admin)
    tab = open_audit_tab(qtbot, app, site)
    qtbot.waitUntil(lambda: tab.chain_label.text().startswith("Journal intact"))
    lines = app.audit_log.verify().lines
    assert lines >= 1
    expected = (
        f"Journal intact ({lines} ligne vérifiée)"
        if lines == 1
        else (f"Journal intact ({lines} lignes vérifiées)")
    )
    assert tab.chain_label.text() == expected


def test_the_viewer_says_where_the_log_is_broken(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, admin: UserInfo
) -> None:
    app.access.sign_in(admin)
    drop_trigger(app)
    tab = open_audit_tab(qtbot, app, site)
    qtbot.waitUntil(lambda: "altéré" in tab.chain_label.text())
    assert "« audit_entry_no_update » absent" in tab.chain_label.text()
    assert "b00020" in tab.chain_label.styleSheet()


def test_the_administration_is_warned_of_a_broken_log_at_sign_in(
    qtbot: QtBot,
    app: Comptoir,
    site: SiteInfo,
    admin: UserInfo,
    message_boxes: list[tuple[str, str, str]],
) -> None:
    drop_trigger(app)
    window = open_window(qtbot, app, site, admin)
    qtbot.waitUntil(lambda: bool(message_boxes))
    [(kind, title, body)] = message_boxes
    assert (kind, title) == ("warning", "Journal d'audit altéré")
    assert "audit_entry_no_update" in body
    assert window.audit_label.isVisible()
    assert "Journal d'audit altéré" in window.audit_label.text()


def test_a_volunteer_is_not_asked_about_the_log(
    qtbot: QtBot,
    app: Comptoir,
    site: SiteInfo,
    message_boxes: list[tuple[str, str, str]],
) -> None:
    jules = app.accounts.create_user(
        username="jules", display_name="Jules", pin="482916", role=Role.VOLUNTEER
    )
    drop_trigger(app)
    window = open_window(qtbot, app, site, jules)
    qtbot.wait(50)
    assert message_boxes == [] and not window.audit_label.isVisible()


def test_an_intact_log_says_nothing_at_sign_in(
    qtbot: QtBot,
    app: Comptoir,
    site: SiteInfo,
    admin: UserInfo,
    message_boxes: list[tuple[str, str, str]],
) -> None:
    window = open_window(qtbot, app, site, admin)
    qtbot.wait(50)
    assert message_boxes == [] and not window.audit_label.isVisible()
