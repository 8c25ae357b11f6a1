"""The sign-in dialog shown at start once the place has accounts.

A refused password is answered on the dialog itself (no message box to dismiss) and the
password field is cleared for another try; the last username is remembered on this desk so
that the usual host only types a password. The username field completes from the accounts
of the database, and the secret may be a volunteer's 6-digit PIN (the service tries the
password, then the PIN).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import AuthenticationError
from tiers_lieu.i18n import _
from tiers_lieu.services.readmodels import UserInfo
from tiers_lieu.ui import options
from tiers_lieu.ui.errors import show_error


class LoginDialog(QDialog):
    """Asks for a username and a password; ``user`` holds who signed in once accepted."""

    signed_in = Signal(object)

    def __init__(self, app: Comptoir, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._app = app
        self.user: UserInfo | None = None
        self.setWindowTitle(_("Comptoir — connexion"))
        self.setMinimumWidth(380)

        intro = QLabel(
            _(
                "Identifiez-vous pour ouvrir Comptoir. Bénévoles : votre code PIN à 6 chiffres "
                "suffit."
            ),
            self,
        )
        intro.setWordWrap(True)
        self.username_edit = QLineEdit(self)
        self.username_edit.setMaxLength(60)
        try:
            usernames = [u.username for u in app.accounts.list_users()]
        except Exception:  # a list to choose from is a help, not a condition
            usernames = []
        completer = QCompleter(usernames, self.username_edit)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.username_edit.setCompleter(completer)
        self.password_edit = QLineEdit(self)
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.error_label = QLabel(self)
        self.error_label.setObjectName("loginError")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.setAccessibleName(_("Erreur de connexion"))
        self.error_label.hide()

        form = QFormLayout()
        form.addRow(_("&Identifiant :"), self.username_edit)
        form.addRow(_("&Mot de passe ou code PIN :"), self.password_edit)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Se &connecter"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("&Quitter"))
        self.buttons.accepted.connect(self.on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

        last = options.LAST_USERNAME.get()
        self.username_edit.setText(last)
        focus = self.password_edit if last else self.username_edit
        focus.setFocus(Qt.FocusReason.OtherFocusReason)

    @Slot()
    def on_buttons_accepted(self) -> None:
        username = self.username_edit.text().strip()
        try:
            user = self._app.accounts.authenticate(username, self.password_edit.text())
        except AuthenticationError as exc:
            self.error_label.setText(exc.message)
            self.error_label.show()
            self.password_edit.clear()
            self.password_edit.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        except Exception as exc:
            show_error(self, exc)
            return
        self.user = user
        options.LAST_USERNAME.set(user.username)
        self.signed_in.emit(user)
        self.accept()
