"""Aide › Guide d'utilisation: the French user guide that ships in ``resources/guide/``.

The desk often has no internet, so the guide is a file of the installation: one HTML page
(plain HTML and a little inline CSS, the subset Qt's rich text draws) with its PNG captures
beside it. :class:`GuideDialog` shows it in a :class:`QTextBrowser`, which loads the captures
relative to the page and follows its table of contents; « Ouvrir dans le navigateur » hands
the same file to the computer's browser (to print it, or to read it larger) when there is
one. The page is found like the fonts, through :func:`tiers_lieu.resources.resource`: beside
the package in a checkout, inside the bundle once installed.

The dialog is modeless and kept by its window once opened: the host reads a step, does it,
and finds the guide again where it was left. A modal dialog would also hold back the
inactivity lock (:mod:`tiers_lieu.ui.lock`), and the guide shows nobody's data.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QSize, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.i18n import _
from tiers_lieu.resources import resource
from tiers_lieu.ui.window_geometry import FRAME_ROOM

log = logging.getLogger(__name__)

GUIDE_PAGE = ("guide", "index.html")
PREFERRED_SIZE = QSize(940, 720)  # the captures are 837 px wide: no sideways scrolling


def guide_path() -> Path:
    return resource(*GUIDE_PAGE)


def guide_size(available: QSize) -> QSize:
    """The dialog's size on a screen whose free area is ``available``: its preferred size,
    shrunk so that the dialog and its frame fit (1024×600 included)."""
    return PREFERRED_SIZE.boundedTo(available - FRAME_ROOM)


class GuideDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, path: Path | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Guide d'utilisation de Comptoir"))
        self.path = guide_path() if path is None else path

        self.browser = QTextBrowser(self)
        self.browser.setOpenExternalLinks(False)  # the guide has none: it is read offline
        self.note = QLabel("", self)  # what « Ouvrir dans le navigateur » did
        self.note.setWordWrap(True)
        self.note.hide()

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.close_button = buttons.button(QDialogButtonBox.StandardButton.Close)
        self.close_button.setText(_("&Fermer"))
        buttons.rejected.connect(self.reject)
        self.open_button = QPushButton(_("Ouvrir dans le &navigateur"), self)
        self.open_button.setToolTip(_("Le même guide dans le navigateur, pour l'imprimer"))
        self.open_button.clicked.connect(self.on_open_clicked)
        buttons.addButton(self.open_button, QDialogButtonBox.ButtonRole.ActionRole)

        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addWidget(self.note)
        layout.addWidget(buttons)

        self._load()
        self.resize(guide_size(self._available()))
        self.browser.setFocus()  # arrows and Pg suiv. scroll at once

    def _load(self) -> None:
        if self.path.is_file():
            self.browser.setSource(QUrl.fromLocalFile(str(self.path)))
            return
        log.warning("Guide d'utilisation introuvable : %s", self.path)
        self.browser.setPlainText(
            _(
                "Le guide d'utilisation est introuvable ({path}). L'installation de Comptoir "
                "est incomplète : réinstallez-la, ou demandez de l'aide. Aide › Raccourcis "
                "clavier donne déjà les touches."
            ).format(path=self.path)
        )
        self.open_button.setEnabled(False)

    def _available(self) -> QSize:
        parent = self.parentWidget()
        screen = parent.screen() if parent is not None else QGuiApplication.primaryScreen()
        return screen.availableGeometry().size() if screen is not None else PREFERRED_SIZE

    def title(self) -> str:
        """The title of the page shown (« Guide d'utilisation de Comptoir »)."""
        return self.browser.documentTitle()

    @Slot()
    def on_open_clicked(self) -> None:
        if QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.path))):
            self.note.setText(_("Le guide s'ouvre dans le navigateur."))
        else:
            self.note.setText(_("Aucun navigateur n'a pu ouvrir le guide : il reste lisible ici."))
        self.note.show()


def open_guide(parent: QWidget) -> GuideDialog:
    """The guide of ``parent``'s window, shown and brought forward; built on first use, then
    kept (closing only hides it)."""
    dialog = parent.findChild(GuideDialog)
    if dialog is None:
        dialog = GuideDialog(parent)
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    return dialog


def show_guide(parent: QWidget | None) -> None:
    """Aide › Guide d'utilisation. Without a window to belong to, the guide is shown until
    closed (a dialog without parent must not outlive the application)."""
    if parent is not None:
        open_guide(parent)
        return
    dialog = GuideDialog(None)
    dialog.exec()
    dialog.deleteLater()
