"""The dialogs of the « Comptes » tab: a new account, and a new password or PIN.

Both only help input (the confirmation must match, a PIN is offered to volunteers only); the
account service decides the rest and its refusals are shown through ``show_error``, with the
cursor put back in the field the message names.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import ComptoirError, ValidationError
from tiers_lieu.i18n import _
from tiers_lieu.labels import role_label
from tiers_lieu.models.enums import Role
from tiers_lieu.services.account_secrets import MIN_PASSWORD_LENGTH, PIN_LENGTH
from tiers_lieu.services.accounts import AccountInfo
from tiers_lieu.services.readmodels import SiteInfo, UserInfo
from tiers_lieu.ui.common import dialog_buttons
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.first_run.pages import username_from

ROLE_ORDER = (Role.VOLUNTEER, Role.HOST, Role.MEDIATOR, Role.COORDINATOR, Role.ADMIN)


def role_combo(parent: QWidget, current: str | None = None) -> QComboBox:
    combo = QComboBox(parent)
    for role in ROLE_ORDER:
        combo.addItem(role_label(role), role.value)
    if current is not None:
        combo.setCurrentIndex([r.value for r in ROLE_ORDER].index(current))
    return combo


class SecretFields(QWidget):
    """« Mot de passe » or « Code PIN » (volunteers only), typed twice."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.password_radio = QRadioButton(_("Mot de &passe"), self)
        self.pin_radio = QRadioButton(_("Code PI&N (6 chiffres)"), self)
        self.password_radio.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.password_radio)
        group.addButton(self.pin_radio)
        self.secret_edit = QLineEdit(self)
        self.secret_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm_edit = QLineEdit(self)
        self.confirm_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        kinds = QHBoxLayout()
        kinds.addWidget(self.password_radio)
        kinds.addWidget(self.pin_radio)
        kinds.addStretch(1)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(_("Connexion par :"), kinds)
        self.secret_label = QLabel(self)
        self.secret_label.setBuddy(self.secret_edit)
        confirm_label = QLabel(_("Con&firmation :"), self)
        confirm_label.setBuddy(self.confirm_edit)
        form.addRow(self.secret_label, self.secret_edit)
        form.addRow(confirm_label, self.confirm_edit)
        form.addRow(self.hint)
        self.pin_radio.toggled.connect(self.on_pin_radio_toggled)
        self.on_pin_radio_toggled(False)

    def allow_pin(self, allowed: bool) -> None:
        self.pin_radio.setEnabled(allowed)
        if not allowed:
            self.password_radio.setChecked(True)

    @property
    def uses_pin(self) -> bool:
        return self.pin_radio.isChecked()

    def checked_secret(self) -> str:
        """The secret typed, once both entries agree (otherwise a refusal naming the field)."""
        secret = self.secret_edit.text()
        if secret != self.confirm_edit.text():
            self.confirm_edit.clear()
            raise ValidationError(_("Confirmation"), _("les deux saisies ne sont pas identiques"))
        return secret

    @Slot(bool)
    def on_pin_radio_toggled(self, pin: bool) -> None:
        self.secret_edit.clear()
        self.confirm_edit.clear()
        self.secret_label.setText(_("Co&de PIN :") if pin else _("&Mot de passe :"))
        self.secret_edit.setMaxLength(PIN_LENGTH if pin else 200)
        self.secret_edit.setInputMethodHints(
            Qt.InputMethodHint.ImhDigitsOnly if pin else Qt.InputMethodHint.ImhNone
        )
        self.hint.setText(
            _("Exactement 6 chiffres, pour se connecter vite à l'accueil.")
            if pin
            else _("{n} caractères au moins.").format(n=MIN_PASSWORD_LENGTH)
        )


class NewAccountDialog(QDialog):
    """Name, username, role and the secret of a new account; ``created`` once saved."""

    def __init__(self, app: Comptoir, site: SiteInfo | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._app = app
        self._site = site
        self.created: UserInfo | None = None
        self._username_typed = False
        self.setWindowTitle(_("Nouveau compte"))
        self.setMinimumWidth(440)
        self.name_edit = QLineEdit(self)
        self.name_edit.setMaxLength(120)
        self.username_edit = QLineEdit(self)
        self.username_edit.setMaxLength(60)
        self.role_combo = role_combo(self)
        self.secret = SecretFields(self)
        form = QFormLayout()
        for text, field in (
            (_("Nom &affiché :"), self.name_edit),
            (_("&Identifiant :"), self.username_edit),
            (_("&Rôle :"), self.role_combo),
        ):
            label = QLabel(text, self)
            label.setBuddy(field)
            form.addRow(label, field)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.secret)
        layout.addWidget(dialog_buttons(self, ok_text=_("&Créer le compte")))
        self.name_edit.textEdited.connect(self.on_name_edited)
        self.username_edit.textEdited.connect(self.on_username_edited)
        self.role_combo.currentIndexChanged.connect(self.on_role_changed)
        self.on_role_changed(self.role_combo.currentIndex())

    def role(self) -> Role:
        return Role(self.role_combo.currentData())

    @Slot(str)
    def on_name_edited(self, text: str) -> None:
        if not self._username_typed:
            self.username_edit.setText(username_from(text))

    @Slot(str)
    def on_username_edited(self, text: str) -> None:
        self._username_typed = bool(text)

    @Slot(int)
    def on_role_changed(self, _index: int) -> None:
        self.secret.allow_pin(self.role() == Role.VOLUNTEER)

    def accept(self) -> None:
        try:
            secret = self.secret.checked_secret()
            pin = secret if self.secret.uses_pin else None
            self.created = self._app.accounts.create_user(
                username=self.username_edit.text(),
                display_name=self.name_edit.text(),
                role=self.role(),
                password="" if pin else secret,
                pin=pin,
                site_id=None if self._site is None else self._site.id,
            )
        except ComptoirError as exc:
            show_error(self, exc, _("Compte non créé"))
            self._focus_on(exc)
            return
        except Exception as exc:
            show_error(self, exc)
            return
        super().accept()

    def _focus_on(self, exc: ComptoirError) -> None:
        field = getattr(exc, "field", None)
        target: QWidget = self.secret.secret_edit
        if field == _("Identifiant"):
            target = self.username_edit
        elif field == _("Nom affiché"):
            target = self.name_edit
        elif field == _("Confirmation"):
            target = self.secret.confirm_edit
        target.setFocus(Qt.FocusReason.OtherFocusReason)


class SecretDialog(QDialog):
    """A new password or PIN; one's own needs the current secret first."""

    def __init__(
        self, app: Comptoir, account: AccountInfo, *, own: bool, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._app = app
        self._account = account
        self.setWindowTitle(
            _("Nouveau mot de passe ou code PIN — {name}").format(name=account.display_name)
        )
        self.setMinimumWidth(440)
        layout = QVBoxLayout(self)
        self.current_edit: QLineEdit | None = None
        if own:
            self.current_edit = QLineEdit(self)
            self.current_edit.setEchoMode(QLineEdit.EchoMode.Password)
            form = QFormLayout()
            label = QLabel(_("Mot de passe ou code PIN &actuel :"), self)
            label.setBuddy(self.current_edit)
            form.addRow(label, self.current_edit)
            layout.addLayout(form)
        self.secret = SecretFields(self)
        self.secret.allow_pin(account.role == Role.VOLUNTEER)
        if account.role == Role.VOLUNTEER and not account.has_password:
            self.secret.pin_radio.setChecked(True)
        layout.addWidget(self.secret)
        layout.addWidget(dialog_buttons(self, ok_text=_("&Enregistrer")))

    def accept(self) -> None:
        current = None if self.current_edit is None else self.current_edit.text()
        accounts = self._app.accounts
        try:
            secret = self.secret.checked_secret()
            if self.secret.uses_pin:
                accounts.set_pin(self._account.id, secret, current=current)
            else:
                accounts.set_password(self._account.id, secret, current=current)
        except ComptoirError as exc:
            show_error(self, exc, _("Rien n'a été changé"))
            return
        except Exception as exc:
            show_error(self, exc)
            return
        super().accept()
