"""Aide › Journal: the end of the journal file (:mod:`tiers_lieu.journal`), to copy and send
to whoever helps, and its folder to open. The file holds no personal data; reading its last
200 kB takes a millisecond, so it is read on the GUI thread."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QFontDatabase, QGuiApplication, QTextCursor
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu import journal
from tiers_lieu.i18n import _
from tiers_lieu.ui.errors import open_journal_folder


class JournalDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, folder: Path | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Journal de Comptoir"))
        self.folder = journal.current_folder() if folder is None else folder
        self.file = self.folder / journal.FILE_NAME
        intro = QLabel(
            _(
                "Comptoir note ici ce qu'il fait et les erreurs qu'il rencontre, sans nom, "
                "téléphone ni adresse de personne. Si quelqu'un vous aide à résoudre un "
                "problème, envoyez-lui ce journal : copiez-le dans un courriel, ou joignez le "
                "fichier qui se trouve dans le dossier du journal."
            ),
            self,
        )
        intro.setWordWrap(True)
        where = QLabel(_("Fichier : {path}").format(path=self.file), self)
        where.setWordWrap(True)
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.view = QPlainTextEdit(self)
        self.view.setReadOnly(True)
        self.view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        label = QLabel(_("Dernières lignes du &journal :"), self)
        label.setBuddy(self.view)

        self.note = QLabel("", self)
        self.note.setWordWrap(True)
        self.copy_button = QPushButton(_("&Copier le journal"), self)
        self.copy_button.clicked.connect(self.on_copy_clicked)
        self.folder_button = QPushButton(_("&Ouvrir le dossier"), self)
        self.folder_button.clicked.connect(self.on_folder_clicked)
        self.reload_button = QPushButton(_("&Actualiser"), self)
        self.reload_button.clicked.connect(self.load)
        self.close_button = QPushButton(_("&Fermer"), self)
        self.close_button.setDefault(True)
        self.close_button.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        for button in (self.copy_button, self.folder_button, self.reload_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(where)
        layout.addWidget(label)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.note)
        layout.addLayout(buttons)
        self.resize(820, 520)
        self.load()
        self.close_button.setFocus()

    @Slot()
    def load(self) -> None:
        text = journal.tail(self.file)
        self.copy_button.setEnabled(bool(text.strip()))
        self.view.setPlainText(text or _("Le journal est vide : Comptoir n'y a encore rien noté."))
        self.view.moveCursor(QTextCursor.MoveOperation.End)  # the newest lines in sight
        self.view.ensureCursorVisible()

    @Slot()
    def on_copy_clicked(self) -> None:
        QGuiApplication.clipboard().setText(self.view.toPlainText())
        self.note.setText(_("Journal copié : collez-le dans un courriel (Ctrl+V)."))

    @Slot()
    def on_folder_clicked(self) -> None:
        self.note.setText(open_journal_folder(self.folder))
