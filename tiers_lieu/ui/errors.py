"""The one way the windows report a failure (like Anki's ``show_exception``).

An expected error (:class:`~tiers_lieu.errors.ComptoirError`) shows its French message; an
unexpected one is logged with its traceback and the user gets a calm message instead, with
« Copier le rapport » (version, system and the redacted traceback, for whoever helps) and
« Ouvrir le dossier du journal » (:class:`ErrorReportDialog`). A full
or read-only disk is expected: its SQLite or system error becomes the French message of
:class:`~tiers_lieu.errors.StorageError`, as on the command line. A
database server that went away (PostgreSQL) is neither: the user is told that nothing was
saved and to retry, and the status bar's monitor checks the server at once.

:func:`install_crash_reporting` does the same for exceptions nobody caught (a slot, a thread):
:mod:`tiers_lieu.journal` logs them, and the dialog is shown on the GUI thread once the slot
has returned. ``tests/ui/conftest.py`` records the dialog as a « critical » message box.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from PySide6.QtCore import (
    QObject,
    Qt,
    QtMsgType,
    QUrl,
    Signal,
    Slot,
    qInstallMessageHandler,
    qVersion,
)
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu import journal
from tiers_lieu.errors import ComptoirError, storage_error
from tiers_lieu.i18n import _
from tiers_lieu.private_files import private_folder
from tiers_lieu.redaction import exception_text, redact_exception
from tiers_lieu.services.pending_visits import is_connection_lost

log = logging.getLogger(__name__)

# While a smoke test runs, the failures the windows would show in a dialog are handed to it
# instead (:func:`failures_recorded`): it never waits for anyone.
_recorders: list[Callable[[BaseException], None]] = []


@contextmanager
def failures_recorded(record: Callable[[BaseException], None]) -> Iterator[None]:
    """While the block runs, a failure :func:`show_error` or the crash hooks would show is
    logged as usual and given to ``record``; no dialog opens."""
    _recorders.append(record)
    try:
        yield
    finally:
        _recorders.remove(record)


def show_error(parent: QWidget | None, exc: BaseException, title: str | None = None) -> None:
    if _recorders:
        log.error("Erreur signalée pendant le test de fumée", exc_info=exc)
        _recorders[-1](exc)
        return
    if is_connection_lost(exc):
        log.info("Database server unreachable: %s", exc)
        QMessageBox.warning(
            parent,
            title or _("Serveur injoignable"),
            _(
                "Le serveur de la base de données n'a pas répondu : rien n'a été enregistré. "
                "Ce que vous avez saisi est resté à l'écran ; réessayez dans un instant (la "
                "barre d'état indique quand le serveur répond de nouveau)."
            ),
        )
        monitor = window_monitor(parent)  # the status bar's line: it checks at once
        if isinstance(monitor, ServerWatch):
            monitor.report_failure()
        return
    storage = storage_error(exc)  # a full or read-only disk, said so as the command line does
    if storage is not None:
        if storage is not exc:
            log.info("Écriture refusée par le disque : %s", exc)
        QMessageBox.warning(parent, title or _("Écriture impossible"), storage.message)
        return
    if isinstance(exc, ComptoirError):
        QMessageBox.warning(parent, title or _("Impossible de continuer"), exc.message)
        return
    exc_info = (type(exc), exc, exc.__traceback__)
    log.error("Erreur inattendue", exc_info=exc_info)
    report_unexpected(parent, exc_info, title)


@runtime_checkable
class ServerWatch(Protocol):
    """What :func:`show_error` asks of a window's watch over the database server
    (:class:`tiers_lieu.ui.connection.ConnectionMonitor`)."""

    def report_failure(self) -> None: ...


def window_monitor(widget: QWidget | None) -> object | None:
    """The ``connection_monitor`` of the main window holding ``widget`` (through the dialogs
    opened over it), or ``None``."""
    while widget is not None:
        window = widget.window()
        monitor = getattr(window, "connection_monitor", None)
        if monitor is not None:
            return monitor
        widget = window.parentWidget()
    return None


# -- the unexpected error -------------------------------------------------------------------
def open_folder(folder: Path) -> bool:
    """``folder`` in the computer's file manager (created first: a journal not yet written)."""
    try:
        private_folder(folder)
    except OSError:
        return False
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))


def open_journal_folder(folder: Path) -> str:
    """Open the journal's ``folder``; what to tell the user, whether it opened or not."""
    if open_folder(folder):
        return _("Le dossier du journal est ouvert : {folder}").format(folder=folder)
    return _("Le dossier n'a pas pu être ouvert. Le journal se trouve dans : {folder}").format(
        folder=folder
    )


class ErrorReportDialog(QDialog):
    """The calm message of an unexpected error: nothing saved is lost, carry on; the report
    to send (no personal data in it) goes to the clipboard, the journal's folder opens."""

    def __init__(
        self,
        parent: QWidget | None,
        report: str,
        detail: str,
        title: str | None = None,
        folder: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title or _("Erreur inattendue"))
        self.report = report
        self.folder = journal.current_folder() if folder is None else folder
        self.message = _(
            "Une erreur inattendue s'est produite. Rien de ce qui était déjà enregistré n'est "
            "perdu : vous pouvez continuer, ou refaire ce que vous étiez en train de faire."
        )
        self.advice = _(
            "Si le problème revient, envoyez le rapport à la personne qui s'occupe de "
            "Comptoir : « Copier le rapport » le met dans le presse-papiers, à coller dans un "
            "courriel. Il ne contient ni nom, ni téléphone, ni adresse. Le journal complet est "
            "dans le dossier du journal."
        )
        self.detail = _("Détail : {detail}").format(detail=detail)

        icon = QLabel(self)
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_MessageBoxIconSize)
        icon.setPixmap(
            self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning).pixmap(size)
        )
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        texts = QVBoxLayout()
        for text, selectable in ((self.message, False), (self.advice, False), (self.detail, True)):
            label = QLabel(text, self)
            label.setWordWrap(True)
            if selectable:
                label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            texts.addWidget(label)
        self.note = QLabel("", self)  # what the last button did
        self.note.setWordWrap(True)
        texts.addWidget(self.note)
        top = QHBoxLayout()
        top.addWidget(icon)
        top.addLayout(texts, 1)

        self.copy_button = QPushButton(_("&Copier le rapport"), self)
        self.copy_button.clicked.connect(self.on_copy_clicked)
        self.folder_button = QPushButton(_("&Ouvrir le dossier du journal"), self)
        self.folder_button.clicked.connect(self.on_folder_clicked)
        self.close_button = QPushButton(_("&Fermer"), self)
        self.close_button.setDefault(True)
        self.close_button.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.folder_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(buttons)
        self.setMinimumWidth(min(560, self.sizeHint().width() + 80))
        self.close_button.setFocus()

    def text(self) -> str:
        """The message as a message box would hold it (tests record it)."""
        return f"{self.message}\n\n{self.advice}\n\n{self.detail}"

    @Slot()
    def on_copy_clicked(self) -> None:
        QGuiApplication.clipboard().setText(self.report)
        self.note.setText(_("Rapport copié : collez-le dans un courriel (Ctrl+V)."))

    @Slot()
    def on_folder_clicked(self) -> None:
        self.note.setText(open_journal_folder(self.folder))


_showing = False


def qt_details() -> dict[str, str]:
    import PySide6

    return {"Qt": f"{qVersion()} (PySide6 {PySide6.__version__})"}


def report_unexpected(
    parent: QWidget | None, exc_info: journal.ExcInfo, title: str | None = None
) -> None:
    """The calm dialog for an error already logged; one at a time (a failure repeated while
    it is open is only logged)."""
    global _showing
    if _recorders:
        _recorders[-1](exc_info[1])
        return
    if _showing:
        return
    report = journal.crash_report(exc_info, details=qt_details())
    dialog = ErrorReportDialog(parent, report, exception_text(exc_info[1]), title)
    _showing = True
    try:
        dialog.exec()
    finally:
        _showing = False
        dialog.deleteLater()


class _Relay(QObject):
    """Brings an exception caught by the hooks to the GUI thread, after the slot that raised
    it has returned (a nested dialog inside Python's excepthook would hold it)."""

    reported = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.reported.connect(self.on_reported, Qt.ConnectionType.QueuedConnection)

    def report(self, exc_info: journal.ExcInfo) -> None:
        self.reported.emit(exc_info)

    @Slot(object)
    def on_reported(self, exc_info: journal.ExcInfo) -> None:
        if not isinstance(QApplication.instance(), QApplication):
            return
        parent = QApplication.activeModalWidget() or QApplication.activeWindow()
        report_unexpected(parent, exc_info)


_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}
_relay: _Relay | None = None
_previous_qt_handler: Callable[..., Any] | None = None


def _qt_message(mode: QtMsgType, _context: object, message: str) -> None:
    logging.getLogger("qt").log(
        _QT_LEVELS.get(mode, logging.WARNING), "%s", redact_exception(message)
    )


def install_crash_reporting(*, dialogs: bool = True, hard_crashes: bool = True) -> None:
    """Exceptions nobody caught are logged, and shown in :class:`ErrorReportDialog` when
    ``dialogs`` (never in a smoke test, which must not wait for anyone); Qt's own warnings go
    to the journal (a Windows build has no console); a hard crash leaves its traceback in
    ``plantages.log``. Call it on the GUI thread."""
    global _relay, _previous_qt_handler
    if dialogs and _relay is None:
        _relay = _Relay()
    journal.install_hooks(_relay.report if dialogs and _relay is not None else None)
    _previous_qt_handler = qInstallMessageHandler(_qt_message)
    if hard_crashes:
        journal.catch_hard_crashes()


def uninstall_crash_reporting() -> None:
    global _previous_qt_handler
    journal.uninstall_hooks()
    qInstallMessageHandler(_previous_qt_handler)
    _previous_qt_handler = None
