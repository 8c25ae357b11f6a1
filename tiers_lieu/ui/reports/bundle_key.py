"""The network key in « Réseau de lieux »: whether this computer has it, creating it (on
one site only), copying it out to a USB key and taking in the copy another site made.

The same file as ``tiers-lieu bundle key`` (see :mod:`tiers_lieu.services.bundles.keyfile`):
whoever holds it can sign bundles, so the messages say where it is and to keep it safe.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.i18n import _
from tiers_lieu.services.bundles import KEY_FILE_NAME, keyfile
from tiers_lieu.ui.errors import show_error

KEY_FILTER = "*.key"


def documents_folder() -> Path:
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(folder) if folder else Path.home()


class NetworkKeyBox(QGroupBox):
    """The key's state and the three things that can be done with it."""

    key_changed = Signal()
    """A key was created or taken in."""

    def __init__(self, key_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(_("Clé du réseau"), parent)
        self.key_path = key_path
        self.state_label = QLabel(self)
        self.state_label.setWordWrap(True)
        self.state_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.create_button = QPushButton(_("&Créer la clé…"), self)
        self.export_button = QPushButton(_("Copier la clé &vers…"), self)
        self.import_button = QPushButton(_("Prendre la clé d'un autre &lieu…"), self)
        self.create_button.clicked.connect(self.on_create_clicked)
        self.export_button.clicked.connect(self.on_export_clicked)
        self.import_button.clicked.connect(self.on_import_clicked)
        buttons = QHBoxLayout()
        for button in (self.create_button, self.export_button, self.import_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.state_label)
        layout.addLayout(buttons)
        self.refresh()

    def has_key(self) -> bool:
        return self.key_path.is_file()

    def refresh(self) -> None:
        if self.has_key():
            text = _(
                "Clé présente sur cet ordinateur ({path}). Elle signe les paquets envoyés et "
                "vérifie les paquets reçus."
            ).format(path=self.key_path)
        else:
            text = _(
                "Aucune clé du réseau sur cet ordinateur : sans elle, rien ne peut être envoyé "
                "ni reçu. Créez-la sur un seul lieu du réseau, copiez-la sur une clé USB, puis "
                "prenez cette copie sur chacun des autres lieux."
            )
        self.state_label.setText(text)
        self.create_button.setEnabled(not self.has_key())
        self.export_button.setEnabled(self.has_key())

    # -- slots ---------------------------------------------------------------------------
    def on_create_clicked(self) -> None:
        answer = QMessageBox.question(
            self,
            _("Créer la clé du réseau"),
            _(
                "Créer une nouvelle clé du réseau ? Ne le faites que sur un seul lieu : les "
                "autres prennent une copie de cette clé, sinon leurs paquets seront refusés."
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            keyfile.create_key(self.key_path)
        except Exception as exc:
            show_error(self, exc)
            return
        self.refresh()
        self.key_changed.emit()
        QMessageBox.information(
            self,
            _("Clé du réseau créée"),
            _(
                "Clé du réseau créée dans {path}. Copiez ce fichier sur chaque lieu du réseau."
            ).format(path=self.key_path),
        )

    def on_export_clicked(self) -> None:
        chosen, _filter = QFileDialog.getSaveFileName(
            self,
            _("Copier la clé du réseau"),
            str(documents_folder() / KEY_FILE_NAME),
            _("Clé du réseau ({pattern})").format(pattern=KEY_FILTER),
        )
        if not chosen:
            return
        target = Path(chosen)
        try:
            keyfile.export_key(self.key_path, target)
        except Exception as exc:
            show_error(self, exc)
            return
        QMessageBox.information(
            self,
            _("Clé du réseau copiée"),
            _(
                "Clé copiée dans {path}. Gardez cette copie en lieu sûr : qui la détient peut "
                "signer des paquets au nom du réseau."
            ).format(path=target),
        )

    def on_import_clicked(self) -> None:
        chosen, _filter = QFileDialog.getOpenFileName(
            self,
            _("Prendre la clé du réseau"),
            str(documents_folder()),
            _("Clé du réseau ({pattern})").format(pattern=KEY_FILTER),
        )
        if chosen:
            self.take_key(Path(chosen))

    def take_key(self, source: Path) -> None:
        """Install ``source`` as this computer's key, asking before replacing another one."""
        if self.has_key() and not keyfile.same_key(source, self.key_path):
            answer = QMessageBox.question(
                self,
                _("Remplacer la clé du réseau"),
                _(
                    "Cet ordinateur a déjà une autre clé du réseau. La remplacer ? Les paquets "
                    "signés avec l'ancienne clé seront refusés."
                ),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        try:
            installed = keyfile.install_key(source, self.key_path)
        except Exception as exc:
            show_error(self, exc)
            return
        self.refresh()
        if installed:
            self.key_changed.emit()
            message = _("Clé du réseau installée : ce lieu peut envoyer et recevoir des paquets.")
        else:
            message = _("Cet ordinateur a déjà cette clé : rien n'a changé.")
        QMessageBox.information(self, _("Clé du réseau"), message)
