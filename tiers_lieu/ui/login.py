"""The sign-in dialog shown at start once the place has accounts.

A refused password is answered on the dialog itself (no message box to dismiss) and the
password field is cleared for another try; the last username is remembered on this desk so
that the usual host only types a password. The username field completes from the accounts
of the database, and the secret may be a volunteer's 6-digit PIN (the service tries the
password, then the PIN).

At start the dialog is shown before the application is built (issue 17): ``app`` is then
``None`` and the usernames come from a light read of the base. The form takes the keyboard at
once; « Se connecter » pressed before the base is open waits for it (« Ouverture de la base
de données… ») and signs in as soon as :meth:`LoginDialog.set_app` hands it over.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QStringListModel, Qt, QTimer, Signal, Slot
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

from tiers_lieu.errors import AuthenticationError
from tiers_lieu.i18n import _
from tiers_lieu.ui import options
from tiers_lieu.ui.errors import show_error

if TYPE_CHECKING:  # the window's start shows this dialog before they are imported
    from tiers_lieu.app import Comptoir
    from tiers_lieu.services.readmodels import UserInfo


class LoginDialog(QDialog):
    """Asks for a username and a password; ``user`` holds who signed in once accepted."""

    signed_in = Signal(object)

    def __init__(
        self,
        app: Comptoir | None,
        parent: QWidget | None = None,
        *,
        usernames: list[str] | None = None,
    ) -> None:
        super().__init__(parent)
        self._app = app
        self._waiting = False  # « Se connecter » pressed before the base was open
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
        if usernames is None:
            usernames = self._usernames()
        self._names = QStringListModel(usernames, self)
        completer = QCompleter(self._names, self.username_edit)
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
        self.wait_label = QLabel(_("Ouverture de la base de données…"), self)
        self.wait_label.setObjectName("loginWait")
        self.wait_label.hide()

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
        layout.addWidget(self.wait_label)
        layout.addWidget(self.buttons)

        last = options.LAST_USERNAME.get()
        self.username_edit.setText(last)
        focus = self.password_edit if last else self.username_edit
        focus.setFocus(Qt.FocusReason.OtherFocusReason)

    def _usernames(self) -> list[str]:
        if self._app is None:
            return []
        try:
            return [u.username for u in self._app.accounts.list_users()]
        except Exception:  # a list to choose from is a help, not a condition
            return []

    def set_app(self, app: Comptoir) -> None:
        """The base is open: a sign-in asked meanwhile goes on (from the event loop)."""
        self._app = app
        if not self._names.stringList():
            self._names.setStringList(self._usernames())
        if self._waiting:
            QTimer.singleShot(0, self.on_buttons_accepted)

    @Slot()
    def on_buttons_accepted(self) -> None:
        if self._app is None:  # the base is being opened: sign in as soon as it is
            self._waiting = True
            self.wait_label.show()
            self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
            return
        if self._waiting:
            self._waiting = False
            self.wait_label.hide()
            self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(True)
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
