"""« Comptes » : the inactivity-lock delay of the place, and the accounts.

The delay is a setting of the place (coordination and administration may change it); the
accounts are the administration's alone, so a coordinator sees only the delay (the tab is then
called « Verrouillage »). Accounts are never deleted: they are deactivated, and the list keeps
them, greyed, at the bottom. The services refuse what the role may not do whatever this tab
shows; it only avoids offering it.
"""

from __future__ import annotations

import uuid
from enum import IntEnum
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QItemSelection, Qt, Signal
from PySide6.QtGui import QColor, QKeySequence
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import _, format_instant, time_zone
from tiers_lieu.labels import role_label
from tiers_lieu.models.enums import Role
from tiers_lieu.services.access import Permission
from tiers_lieu.services.accounts import LOCK_MAX_MINUTES, LOCK_MIN_MINUTES, AccountInfo
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.common import StatusLabel, add_shortcut, make_table, select_id, selected_id
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.models import ReadModelTable
from tiers_lieu.ui.settings.account_dialogs import (
    ROLE_ORDER,
    NewAccountDialog,
    SecretDialog,
)


class AccountsModel(ReadModelTable[AccountInfo]):
    zone: ZoneInfo = time_zone(None)
    """The place's clock the last sign-in is shown on (the tab sets its site's)."""

    class Columns(IntEnum):
        NAME = 0
        USERNAME = 1
        ROLE = 2
        PIN = 3
        ACTIVE = 4
        LAST_LOGIN = 5

    def headers(self) -> dict[Any, str]:
        c = self.Columns
        return {
            c.NAME: _("Nom"),
            c.USERNAME: _("Identifiant"),
            c.ROLE: _("Rôle"),
            c.PIN: _("Code PIN"),
            c.ACTIVE: _("Actif"),
            c.LAST_LOGIN: _("Dernière connexion"),
        }

    def display(self, row: AccountInfo, column: Any) -> str:
        c = self.Columns
        if column == c.NAME:
            return row.display_name
        if column == c.USERNAME:
            return row.username
        if column == c.ROLE:
            return role_label(row.role)
        if column == c.PIN:
            return _("oui") if row.has_pin else _("non")
        if column == c.ACTIVE:
            return _("oui") if row.active else _("désactivé")
        if row.last_login_at is None:
            return _("jamais")
        return format_instant(row.last_login_at, self.zone)

    def extra(self, row: AccountInfo, column: Any, role: int) -> object:
        if role == Qt.ItemDataRole.ForegroundRole and not row.active:
            return QColor("#808080")
        return None


class AccountsTab(QWidget):
    """The lock delay (settings) and, for the administration, the accounts."""

    lock_delay_saved = Signal(int)

    def __init__(self, app: Comptoir, site: SiteInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._app = app
        self._site = site
        layout = QVBoxLayout(self)
        layout.addWidget(self._build_lock_box())
        self.manages_accounts = app.access.allows(Permission.ACCOUNTS)
        if self.manages_accounts:
            layout.addWidget(self._build_accounts_box(), 1)
            self.refresh()
        else:
            layout.addStretch(1)

    def title(self) -> str:
        return _("Comptes") if self.manages_accounts else _("Verrouillage")

    # -- the lock delay ---------------------------------------------------------------------
    def _build_lock_box(self) -> QWidget:
        box = QGroupBox(_("Verrouillage automatique"), self)
        box.setMaximumWidth(760)
        self.lock_spin = QSpinBox(box)
        self.lock_spin.setRange(LOCK_MIN_MINUTES, LOCK_MAX_MINUTES)
        self.lock_spin.setSuffix(_(" min"))
        self.lock_spin.setMaximumWidth(120)
        self.lock_spin.setValue(self._app.accounts.lock_minutes(self._site.id))
        self.lock_save_button = QPushButton(_("&Enregistrer le délai"), box)
        self.lock_status = StatusLabel(box, zone=self._site.zone)
        label = QLabel(_("&Verrouiller après inactivité de :"), box)
        label.setBuddy(self.lock_spin)
        row = QHBoxLayout()
        row.addWidget(self.lock_spin)
        row.addWidget(self.lock_save_button)
        row.addStretch(1)
        form = QFormLayout(box)
        form.addRow(label, row)
        hint = QLabel(
            _(
                "Sans touche ni clic pendant ce délai, l'écran se verrouille et cache les données "
                "des personnes ; chacun le déverrouille avec son mot de passe ou son code PIN. "
                "Fichier › Verrouiller (Ctrl+Maj+L) le fait tout de suite."
            ),
            box,
        )
        hint.setWordWrap(True)
        form.addRow(hint)
        form.addRow(self.lock_status)
        self.lock_save_button.clicked.connect(self.on_lock_save_clicked)
        add_shortcut(
            self, QKeySequence.StandardKey.Save, self.on_lock_save_clicked, self.lock_save_button
        )
        return box

    def on_lock_save_clicked(self) -> None:
        minutes = self.lock_spin.value()
        try:
            self._app.accounts.set_lock_minutes(site_id=self._site.id, minutes=minutes)
        except Exception as exc:
            show_error(self, exc, _("Délai non enregistré"))
            return
        self.lock_status.confirm(_("Délai de verrouillage enregistré : {n} min.").format(n=minutes))
        desk_lock = getattr(self.window(), "desk_lock", None)  # this desk follows at once
        set_delay = getattr(desk_lock, "set_delay_minutes", None)
        if callable(set_delay):
            set_delay(minutes)
        self.lock_delay_saved.emit(minutes)

    # -- the accounts -----------------------------------------------------------------------
    def _build_accounts_box(self) -> QWidget:
        box = QGroupBox(_("Comptes"), self)
        self.model = AccountsModel(self)
        self.model.zone = self._site.zone
        self.table = make_table(self.model, box, stretch=AccountsModel.Columns.NAME)
        self.table.setAccessibleName(_("Comptes"))
        self.new_button = QPushButton(_("&Nouveau compte…"), box)
        self.role_button = QPushButton(_("Changer le &rôle…"), box)
        self.secret_button = QPushButton(_("Nouveau mot de &passe ou PIN…"), box)
        self.pin_button = QPushButton(_("Retirer le &code PIN…"), box)
        self.pin_button.setToolTip(
            _("Un code PIN connu d'autres personnes : le compte garde son mot de passe.")
        )
        self.rename_button = QPushButton(_("Reno&mmer…"), box)
        self.active_button = QPushButton(_("&Désactiver"), box)
        buttons = QVBoxLayout()
        for button in (
            self.new_button,
            self.role_button,
            self.secret_button,
            self.pin_button,
            self.rename_button,
            self.active_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)
        row = QHBoxLayout(box)
        row.addWidget(self.table, 1)
        row.addLayout(buttons)
        add_shortcut(self, QKeySequence.StandardKey.New, self.on_new_clicked, self.new_button)
        self.new_button.clicked.connect(self.on_new_clicked)
        self.role_button.clicked.connect(self.on_role_clicked)
        self.secret_button.clicked.connect(self.on_secret_clicked)
        self.pin_button.clicked.connect(self.on_pin_clicked)
        self.rename_button.clicked.connect(self.on_rename_clicked)
        self.active_button.clicked.connect(self.on_active_clicked)
        self.table.selectionModel().selectionChanged.connect(self.on_selection_changed)
        return box

    def refresh(self, keep: object | None = None) -> None:
        if not self.manages_accounts:
            return
        keep = keep if keep is not None else selected_id(self.table)
        try:
            self.model.set_rows(self._app.accounts.list_accounts())
        except Exception as exc:
            show_error(self, exc)
            return
        if keep is not None:
            select_id(self.table, keep)
        elif self.model.rowCount():
            self.table.selectRow(0)
        self._update_buttons()

    def selected(self) -> AccountInfo | None:
        row_id = selected_id(self.table)
        row = self.model.find_row(row_id) if isinstance(row_id, uuid.UUID) else -1
        return self.model.row_at(row) if row >= 0 else None

    def _update_buttons(self) -> None:
        account = self.selected()
        for button in (self.role_button, self.secret_button, self.rename_button):
            button.setEnabled(account is not None and account.active)
        self.pin_button.setEnabled(account is not None and account.active and account.has_pin)
        self.active_button.setEnabled(account is not None)
        inactive = account is not None and not account.active
        self.active_button.setText(_("Ré&activer") if inactive else _("&Désactiver"))

    def _own(self, account: AccountInfo) -> bool:
        return self._app.access.user_id == account.id and not self._app.access.is_system

    # -- slots ------------------------------------------------------------------------------
    def on_selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._update_buttons()

    def on_new_clicked(self) -> None:
        dialog = NewAccountDialog(self._app, self._site, self)
        if dialog.exec() and dialog.created is not None:
            self.refresh(dialog.created.id)

    def on_role_clicked(self) -> None:
        account = self.selected()
        if account is None:
            return
        labels = [role_label(r) for r in ROLE_ORDER]
        current = [r.value for r in ROLE_ORDER].index(account.role)
        label, ok = QInputDialog.getItem(
            self,
            _("Changer le rôle"),
            _("Rôle de {name} :").format(name=account.display_name),
            labels,
            current,
            False,
        )
        if not ok or label not in labels:
            return
        role = ROLE_ORDER[labels.index(label)]
        if role == account.role:
            return
        try:
            self._app.accounts.set_role(account.id, Role(role))
        except Exception as exc:
            show_error(self, exc, _("Rôle non changé"))
            return
        self.refresh(account.id)

    def on_secret_clicked(self) -> None:
        account = self.selected()
        if account is None:
            return
        if SecretDialog(self._app, account, own=self._own(account), parent=self).exec():
            self.refresh(account.id)

    def on_pin_clicked(self) -> None:
        """A PIN seen or given away: removed (the account keeps its password; one with no
        password is refused, it could no longer sign in)."""
        account = self.selected()
        if account is None or not account.has_pin:
            return
        answer = QMessageBox.question(
            self,
            _("Retirer le code PIN"),
            _(
                "Retirer le code PIN de {name} ? Le compte se connectera avec son mot de passe ; "
                "un nouveau code pourra lui être donné."
            ).format(name=account.display_name),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            self._app.accounts.set_pin(account.id, None)
        except Exception as exc:
            show_error(self, exc, _("Code PIN non retiré"))
            return
        self.refresh(account.id)

    def on_rename_clicked(self) -> None:
        account = self.selected()
        if account is None:
            return
        name, ok = QInputDialog.getText(
            self, _("Renommer le compte"), _("Nom affiché :"), text=account.display_name
        )
        if not ok or name.strip() == account.display_name:
            return
        try:
            self._app.accounts.update_display_name(account.id, name)
        except Exception as exc:
            show_error(self, exc, _("Compte non renommé"))
            return
        self.refresh(account.id)

    def on_active_clicked(self) -> None:
        account = self.selected()
        if account is None:
            return
        if account.active:
            answer = QMessageBox.question(
                self,
                _("Désactiver le compte"),
                _(
                    "Désactiver le compte de {name} ? Il ne pourra plus se connecter ; son "
                    "historique reste dans le journal, et le compte peut être réactivé."
                ).format(name=account.display_name),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        try:
            self._app.accounts.set_active(account.id, not account.active)
        except Exception as exc:
            show_error(self, exc, _("Rien n'a été changé"))
            return
        self.refresh(account.id)
