"""The passphrase of an encrypted base, asked before anything opens it.

:func:`unlock_database` runs at start, before the file check and the migrations: for an
encrypted SQLite base whose key this process does not hold yet, it tries
``TIERS_LIEU_DB_PASSPHRASE``, then shows :class:`PassphraseDialog` until the passphrase is
right or the user leaves. The key then stays in ``tiers_lieu.encryption`` for every
connection, backup and check of the session. A wrong passphrase is said on the dialog itself
and the field is cleared for another try, as on the sign-in dialog.

Unsealing the key takes about a quarter of a second (argon2id), short enough to stay on the
GUI thread, like checking a password at sign-in.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu import encryption
from tiers_lieu import encryption_keys as keys
from tiers_lieu.db_location import resolve_db_url, sqlite_path
from tiers_lieu.errors import ComptoirError
from tiers_lieu.i18n import _
from tiers_lieu.ui.errors import show_error


class PassphraseDialog(QDialog):
    """Asks the passphrase of ``db_path``; accepted once the key is unsealed."""

    def __init__(self, db_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db_path = db_path
        self.setWindowTitle(_("Phrase de passe de la base"))
        self.setMinimumWidth(460)

        intro = QLabel(
            _(
                "La base « {name} » est chiffrée. Saisissez sa phrase de passe pour l'ouvrir."
            ).format(name=db_path.name),
            self,
        )
        intro.setWordWrap(True)
        self.passphrase_edit = QLineEdit(self)
        self.passphrase_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.error_label = QLabel(self)
        self.error_label.setObjectName("passphraseError")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.setAccessibleName(_("Erreur de phrase de passe"))
        self.error_label.hide()
        hint = QLabel(
            _(
                "Phrase oubliée ? Le code de secours imprimé lors du chiffrement permet d'en "
                "choisir une nouvelle : « tiers-lieu encrypt --recover »."
            ),
            self,
        )
        hint.setWordWrap(True)

        form = QFormLayout()
        label = QLabel(_("&Phrase de passe :"), self)
        label.setBuddy(self.passphrase_edit)
        form.addRow(label, self.passphrase_edit)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("&Ouvrir"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("&Quitter"))
        self.buttons.accepted.connect(self.on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(hint)
        layout.addWidget(self.buttons)
        self.passphrase_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    @Slot()
    def on_buttons_accepted(self) -> None:
        try:
            encryption.unlock(self._db_path, self.passphrase_edit.text())
        except keys.WrongPassphraseError as exc:
            self.show_refusal(exc.message)
            return
        except Exception as exc:
            show_error(self, exc)
            return
        self.accept()

    def show_refusal(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()
        self.passphrase_edit.clear()
        self.passphrase_edit.setFocus(Qt.FocusReason.OtherFocusReason)


def encrypted_path(db: str | None) -> Path | None:
    """The SQLite file behind ``db`` when it is encrypted and its key not yet known."""
    path = sqlite_path(resolve_db_url(db))
    if path is None or not encryption.is_encrypted(path) or not path.is_file():
        return None
    if encryption.cached_key(path) is not None:
        return None
    return path


def unlock_database(db: str | None, *, quiet: bool = False) -> bool:
    """``True`` when the base can be opened (plain, or its key unsealed); ``False`` when the
    user left, or, ``quiet`` (smoke test), when no right passphrase is in the environment."""
    refusal: str | None = None
    path: Path | None = None
    try:
        path = encrypted_path(db)
        if path is None:
            return True
        encryption.check_not_interrupted(path)
        encryption.sqlcipher_module()
        if encryption.key_from_environment(path) is not None:
            return True
    except keys.WrongPassphraseError as exc:
        refusal = exc.message
    except ComptoirError as exc:
        _tell(exc.message, quiet=quiet)
        return False
    if path is None:
        return True
    if quiet:
        _tell(
            refusal
            or _("La base est chiffrée ; donnez sa phrase de passe dans {env}.").format(
                env=encryption.PASSPHRASE_ENV
            ),
            quiet=True,
        )
        return False
    return _ask(path, refusal)


def _tell(message: str, *, quiet: bool) -> None:
    if quiet:
        sys.stderr.write(_("Erreur : {message}").format(message=message) + "\n")
    else:
        show_error(None, ComptoirError(message), _("Comptoir ne peut pas démarrer"))


def _ask(path: Path, refusal: str | None) -> bool:
    dialog = PassphraseDialog(path)
    if refusal:
        dialog.show_refusal(refusal)
    accepted = dialog.exec() == QDialog.DialogCode.Accepted
    dialog.deleteLater()
    return accepted
