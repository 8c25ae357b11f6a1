"""The « Comptes » and « Journal d'audit » tabs of Paramètres as the administration uses them,
and what a coordinator gets instead (the lock delay only). Dialogs are driven through their
fields, message boxes recorded."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QInputDialog, QMessageBox
from pytestqt.qtbot import QtBot

from tiers_lieu.app import Comptoir
from tiers_lieu.models.enums import AuditAction, Role
from tiers_lieu.services.readmodels import SiteInfo, UserInfo
from tiers_lieu.ui.common import select_id
from tiers_lieu.ui.settings import SettingsSection, account_dialogs
from tiers_lieu.ui.settings.accounts_tab import AccountsModel, AccountsTab
from tiers_lieu.ui.settings.audit_tab import AuditModel

PASSWORD = "tilleul-2026"
SHOTS = Path("/tmp/accounts-shots")
Boxes = list[tuple[str, str, str]]


@pytest.fixture
def admin(app: Comptoir) -> UserInfo:
    user = app.accounts.create_user(
        username="lea", display_name="Léa Dupont", password=PASSWORD, role=Role.ADMIN
    )
    app.access.sign_in(user)
    return user


def open_settings(qtbot: QtBot, app: Comptoir, site: SiteInfo) -> SettingsSection:
    section = SettingsSection(app, site)
    qtbot.addWidget(section)
    section.resize(1100, 700)
    with qtbot.waitExposed(section):
        section.show()
    return section


def accounts_tab(section: SettingsSection) -> AccountsTab:
    tab = section.accounts_tab
    assert tab is not None
    section.tabs.setCurrentWidget(tab)
    return tab


def fill_new_account(
    monkeypatch: pytest.MonkeyPatch, *, name: str, role: Role, secret: str, confirm: str, pin: bool
) -> list[Any]:
    created: list[Any] = []

    def fake_exec(self: account_dialogs.NewAccountDialog) -> int:
        self.name_edit.setText(name)
        self.on_name_edited(name)
        self.role_combo.setCurrentIndex(account_dialogs.ROLE_ORDER.index(role))
        self.secret.pin_radio.setChecked(pin)
        self.secret.secret_edit.setText(secret)
        self.secret.confirm_edit.setText(confirm)
        self.accept()
        created.append(self.created)
        return 1 if self.created else 0

    monkeypatch.setattr(account_dialogs.NewAccountDialog, "exec", fake_exec)
    return created


def test_the_administration_creates_a_volunteer_with_a_pin(
    qtbot: QtBot,
    app: Comptoir,
    site: SiteInfo,
    admin: UserInfo,
    message_boxes: Boxes,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    section = open_settings(qtbot, app, site)
    tab = accounts_tab(section)
    assert section.tabs.tabText(section.tabs.indexOf(tab)) == "Comptes"
    created = fill_new_account(
        monkeypatch,
        name="Jules Bernard",
        role=Role.VOLUNTEER,
        secret="4829",
        confirm="4829",
        pin=True,
    )
    tab.new_button.click()
    assert created == [None]
    assert message_boxes[-1][2] == "Code PIN : exactement 6 chiffres"
    created = fill_new_account(
        monkeypatch,
        name="Jules Bernard",
        role=Role.VOLUNTEER,
        secret="482916",
        confirm="482917",
        pin=True,
    )
    tab.new_button.click()
    assert "Confirmation : les deux saisies ne sont pas identiques" in message_boxes[-1][2]
    created = fill_new_account(
        monkeypatch,
        name="Jules Bernard",
        role=Role.VOLUNTEER,
        secret="482916",
        confirm="482916",
        pin=True,
    )
    tab.new_button.click()
    assert created[0] is not None and created[0].username == "jules.bernard"
    shown = {
        tab.model.display(row, AccountsModel.Columns.USERNAME): row for row in tab.model.rows()
    }
    jules = shown["jules.bernard"]
    assert tab.model.display(jules, AccountsModel.Columns.PIN) == "oui"
    assert tab.model.display(jules, AccountsModel.Columns.ROLE) == "Bénévole"
    assert tab.model.display(jules, AccountsModel.Columns.LAST_LOGIN) == "jamais"
    assert app.accounts.authenticate_pin(jules.id, "482916").id == jules.id
    SHOTS.mkdir(exist_ok=True)
    section.grab().save(str(SHOTS / "comptes.png"))


def test_roles_deactivation_and_the_last_administration_account(
    qtbot: QtBot,
    app: Comptoir,
    site: SiteInfo,
    admin: UserInfo,
    message_boxes: Boxes,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    paul = app.accounts.create_user(
        username="paul", display_name="Paul", password=PASSWORD, role=Role.HOST
    )
    section = open_settings(qtbot, app, site)  # kept: the tab lives as long as its section
    tab = accounts_tab(section)
    answers = iter(["Médiation / France Services"])
    monkeypatch.setattr(
        QInputDialog, "getItem", lambda *_a, **_k: (next(answers), True), raising=True
    )
    select_id(tab.table, paul.id)
    tab.role_button.click()
    assert tab.selected() is not None and tab.selected().role == Role.MEDIATOR  # type: ignore[union-attr]

    select_id(tab.table, admin.id)
    answers = iter(["Coordination"])
    tab.role_button.click()
    assert "propre rôle" in message_boxes[-1][2]  # signed in as that very account

    select_id(tab.table, paul.id)
    tab.active_button.click()  # the recorded question answers Ok, not Yes: nothing done
    assert tab.selected().active  # type: ignore[union-attr]
    monkeypatch.setattr(QMessageBox, "question", lambda *_a, **_k: QMessageBox.StandardButton.Yes)
    tab.active_button.click()
    row = tab.selected()
    assert row is not None and not row.active
    assert tab.model.display(row, AccountsModel.Columns.ACTIVE) == "désactivé"
    assert tab.active_button.text() == "Ré&activer"
    assert not tab.role_button.isEnabled()
    tab.active_button.click()
    assert tab.selected().active  # type: ignore[union-attr]
    assert "paul" in {u.username for u in app.accounts.list_users()}


def test_a_new_pin_for_a_volunteer_and_a_rename(
    qtbot: QtBot,
    app: Comptoir,
    site: SiteInfo,
    admin: UserInfo,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    jules = app.accounts.create_user(
        username="jules", display_name="Jules", pin="111111", role=Role.VOLUNTEER
    )
    section = open_settings(qtbot, app, site)  # kept: the tab lives as long as its section
    tab = accounts_tab(section)
    select_id(tab.table, jules.id)

    def fake_exec(self: account_dialogs.SecretDialog) -> int:
        assert self.current_edit is None  # another person's account: no current secret
        assert self.secret.pin_radio.isChecked()  # a PIN-only volunteer
        self.secret.secret_edit.setText("246810")
        self.secret.confirm_edit.setText("246810")
        self.accept()
        return 1

    monkeypatch.setattr(account_dialogs.SecretDialog, "exec", fake_exec)
    tab.secret_button.click()
    assert app.accounts.authenticate_pin(jules.id, "246810").id == jules.id
    monkeypatch.setattr(QInputDialog, "getText", lambda *_a, **_k: ("Jules Bernard", True))
    tab.rename_button.click()
    assert tab.selected().display_name == "Jules Bernard"  # type: ignore[union-attr]


def test_a_volunteers_pin_is_removed_when_it_is_known_to_others(
    qtbot: QtBot,
    app: Comptoir,
    site: SiteInfo,
    admin: UserInfo,
    monkeypatch: pytest.MonkeyPatch,
    message_boxes: Boxes,
) -> None:
    jules = app.accounts.create_user(
        username="jules", display_name="Jules", password=PASSWORD, pin="111111", role=Role.VOLUNTEER
    )
    only_pin = app.accounts.create_user(
        username="mina", display_name="Mina", pin="222222", role=Role.VOLUNTEER
    )
    section = open_settings(qtbot, app, site)
    tab = accounts_tab(section)
    select_id(tab.table, admin.id)
    assert not tab.pin_button.isEnabled()  # no PIN to remove
    select_id(tab.table, jules.id)
    assert tab.pin_button.isEnabled()

    monkeypatch.setattr(QMessageBox, "question", lambda *_a, **_k: QMessageBox.StandardButton.Yes)
    tab.pin_button.click()

    assert tab.selected().has_pin is False  # type: ignore[union-attr]
    with pytest.raises(Exception, match="pas de code PIN"):
        app.accounts.authenticate_pin(jules.id, "111111")
    assert app.accounts.authenticate("jules", PASSWORD).id == jules.id  # the password stays

    # Without a password, the PIN is the only way in: refused, said.
    select_id(tab.table, only_pin.id)
    tab.pin_button.click()
    assert any("n'a pas de mot de passe" in text for _k, _t, text in message_boxes)
    assert tab.selected().has_pin is True  # type: ignore[union-attr]


def test_a_coordinator_sets_the_lock_delay_but_sees_no_accounts(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, admin: UserInfo
) -> None:
    claire = app.accounts.create_user(
        username="claire", display_name="Claire", password=PASSWORD, role=Role.COORDINATOR
    )
    app.access.sign_in(claire)
    section = open_settings(qtbot, app, site)
    tab = accounts_tab(section)
    titles = [section.tabs.tabText(i) for i in range(section.tabs.count())]
    assert titles[-1] == "Verrouillage" and "Journal d'audit" not in titles
    assert not tab.manages_accounts and not hasattr(tab, "table")
    assert section.audit_tab is None
    assert tab.lock_spin.value() == 5
    tab.lock_spin.setValue(12)
    with qtbot.waitSignal(tab.lock_delay_saved):
        tab.lock_save_button.click()
    assert "12 min" in tab.lock_status.text()
    assert app.accounts.lock_minutes(site.id) == 12


def test_the_audit_tab_filters_and_exports(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, admin: UserInfo, tmp_path: Path
) -> None:
    app.accounts.authenticate("lea", PASSWORD)  # a « Connexion » line by Léa
    section = open_settings(qtbot, app, site)
    tab = section.audit_tab
    assert tab is not None
    section.tabs.setCurrentWidget(tab)
    actions = {tab.model.display(r, AuditModel.Columns.ACTION) for r in tab.model.rows()}
    assert {"Connexion", "Création"} <= actions
    tab.action.setCurrentIndex(tab.action.findData(str(AuditAction.LOGIN)))
    assert [r.account for r in tab.model.rows()] == ["Léa Dupont"]
    assert tab.count_label.text() == "1 ligne"
    tab.action.setCurrentIndex(0)
    tab.account.setCurrentIndex(tab.account.findData(str(admin.id)))
    assert {r.account for r in tab.model.rows()} == {"Léa Dupont"}
    out = tmp_path / "journal"
    tab.export_to(out)
    qtbot.waitUntil(lambda: "1 ligne exportée" in tab.status.text())
    assert (tmp_path / "journal.csv").read_text("utf-8-sig").startswith("Date;Compte;Action")
    assert tab.model.rows()[0].action_label == "Export"  # the export is in the log at once
    SHOTS.mkdir(exist_ok=True)
    section.grab().save(str(SHOTS / "journal.png"))


def test_the_table_models_follow_qt_rules(
    qtbot: QtBot, qtmodeltester: Any, app: Comptoir, site: SiteInfo, admin: UserInfo
) -> None:
    section = open_settings(qtbot, app, site)
    assert section.accounts_tab is not None and section.audit_tab is not None
    qtmodeltester.check(section.accounts_tab.model)
    qtmodeltester.check(section.audit_tab.model)
