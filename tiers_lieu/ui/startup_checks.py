"""What the start does off the GUI thread (issue 17): opening the database, checking its file,
and the automatic backups.

:class:`DeskStart` builds the application (imports, clean-up of what a crash left, services)
in a background thread while the first window (the sign-in, shown at once) already takes the
keyboard, and checks the file with ``PRAGMA quick_check`` in a second thread, on its own
SQLite connection (0.45 s on the large demo, 2 s with a million visits: it grows with the
file, so it never holds the window back). A base with something to migrate is checked
before it is migrated. Both run through :func:`~tiers_lieu.ui.ops.run_op` in threads of
their own (not the pool: the opening may wait for the check), and their results come back to
the GUI thread through it. The module imports nothing heavy: the opening imports SQLAlchemy,
the models and the services in its thread, once the sign-in is on screen.

A damaged file is said in French and the latest good backup offered (:func:`offer_restore`),
wherever the start then is: before the window (the engine is closed first, a restore
accepted there replaces the file that the next build opens), or once the main window is open
(:func:`watch_file_check`: the same restore as the « Sauvegardes » tab, through
:func:`tiers_lieu.ui.settings.backups_tab.restore_in_background`, then the desk locks). A sound
file is said in the status bar. :func:`check_database_file` does the whole check in the
calling thread, for callers that have nothing else to show meanwhile.

:func:`install_auto_backups` backs up after a change: at start, then every 30 minutes while
changes happen (checked every 5 minutes). A copy of the large demo takes about 4 s of two
cores' time, so it waits until nobody has touched the desk for :data:`IDLE_MS` (a key press
or a click starts the wait again) and its thread runs at a lower priority (Linux: a thread
has its own nice value). A failure is logged, never shown: the desk is in the middle of
something else.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEventLoop, QObject, QTimer, Signal, Slot
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from tiers_lieu.errors import storage_error
from tiers_lieu.heap import imports_outside_collector
from tiers_lieu.i18n import _
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.ops import Progress, run_op

if TYPE_CHECKING:
    from tiers_lieu.app import Comptoir
    from tiers_lieu.services.backups import BackupInfo, BackupService
    from tiers_lieu.services.leftovers import StartNotes
    from tiers_lieu.ui.main_window import MainWindow

log = logging.getLogger(__name__)
CHECK_INTERVAL_MS = 5 * 60 * 1000
IDLE_MS = 60 * 1000  # no key press nor click for a minute: the desk is idle, a backup may run
BACKGROUND_NICE = 10  # what a background thread adds to its nice value (Linux)
CHECK_NOTE_MS = 60 * 1000  # how long the status bar says the file was found sound
CHECK_LABEL = "fileCheckLabel"


def lower_priority() -> None:
    """Let the desk's threads go first: on Linux a thread has its own nice value, raised
    here for the calling thread only. Elsewhere (or where it is refused) nothing changes."""
    if not sys.platform.startswith("linux") or not hasattr(os, "setpriority"):
        return
    try:
        current = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), current + BACKGROUND_NICE)
    except OSError as exc:
        log.debug("Priorité inchangée : %s", exc)


# -- the check of the file ----------------------------------------------------------------
@dataclass(frozen=True)
class FileCheck:
    """What ``PRAGMA quick_check`` found (nothing: sound), and when it found something, the
    newest backup that is itself sound (``None``: none)."""

    problems: tuple[str, ...] = ()
    latest: BackupInfo | None = None

    @property
    def damaged(self) -> bool:
        return bool(self.problems)


def check_file(service: BackupService) -> FileCheck:
    """The check, in the calling thread: ``quick_check``, then (only when it fails) the
    latest good backup, each verified in full."""
    problems = tuple(service.quick_check())
    if not problems:
        return FileCheck()
    return FileCheck(problems, service.latest_good_backup())


def check_database_file(service: BackupService, parent: QWidget | None) -> bool:
    """``True`` if the database file is sound (or was replaced by a good backup); to run
    when nothing of this process holds the file."""
    found = check_file(service)
    return not found.damaged or offer_restore(service, found, parent)


def offer_restore(service: BackupService, found: FileCheck, parent: QWidget | None) -> bool:
    """Say the file is damaged and offer its latest good backup; ``True`` once restored.
    Nothing of this process may hold the file (the restore would be refused)."""
    source = _ask_restore(service, found, parent)
    if source is None:
        return False
    try:
        service.restore(source.path)
    except Exception as exc:  # expected ones shown, unexpected ones also logged
        show_error(parent, exc, _("Restauration impossible"))
        return False
    _say_restored(source, parent)
    return True


def _ask_restore(
    service: BackupService, found: FileCheck, parent: QWidget | None
) -> BackupInfo | None:
    from tiers_lieu.ui.settings.backups_tab import describe_instant

    latest = found.latest
    if latest is None:
        QMessageBox.critical(
            parent,
            _("Base de données endommagée"),
            _(
                "La base de données « {path} » est endommagée ({detail}) et aucune sauvegarde "
                "valide n'a été trouvée. Ne supprimez pas le fichier : faites-en une copie et "
                "demandez de l'aide."
            ).format(path=service.db_path, detail=found.problems[0]),
        )
        return None
    answer = QMessageBox.question(
        parent,
        _("Base de données endommagée"),
        _(
            "La base de données est endommagée ({detail}). Restaurer la dernière sauvegarde "
            "valide, du {when} ? Ce qui a été saisi depuis devra être saisi de nouveau ; le "
            "fichier endommagé est gardé de côté."
        ).format(detail=found.problems[0], when=describe_instant(latest.taken_at)),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.Yes,
    )
    return latest if answer == QMessageBox.StandardButton.Yes else None


def _say_restored(source: BackupInfo, parent: QWidget | None) -> None:
    from tiers_lieu.ui.settings.backups_tab import describe_instant

    QMessageBox.information(
        parent,
        _("Base restaurée"),
        _("La sauvegarde du {when} a été restaurée.").format(
            when=describe_instant(source.taken_at)
        ),
    )


# -- the start off the GUI thread ----------------------------------------------------------
class DeskStart(QObject):
    """Opens the application and checks its file, each in a thread of its own (``run_op``).

    ``tidy``: the clean-up of what a crash left (:func:`tidy_at_start`) is still to do (the
    caller did it itself when it had to say something before any window). ``check``: the
    file is checked (SQLite only; a restore just made was verified in full already).
    Results are read on the GUI thread once ``build_known``/``check_known`` came: ``app`` or
    ``failure`` (both ``None``: not built, the file being damaged), ``notes`` (what the
    clean-up did), ``file_check`` (``None``: no check), ``service`` (the file's backups, from
    the composition root's :func:`~tiers_lieu.services.backups.backups_for`, known before the check
    begins; ``None`` on PostgreSQL).
    """

    build_known = Signal()
    check_known = Signal()

    def __init__(
        self,
        db: str | None,
        url: str,
        *,
        tidy: bool,
        check: bool = True,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._url = url
        self._tidy = tidy
        self._want_check = check
        self.app: Comptoir | None = None
        self.failure: BaseException | None = None
        self.file_check: FileCheck | None = None
        self.notes: StartNotes | None = None
        self.service: BackupService | None = None  # set by the opening before the check
        self.is_built = False
        self.is_checked = False
        self.offered = False  # a damaged file's restore was offered (by the main window)
        self._tidied = threading.Event()  # the clean-up is over: the check may read the file
        self._check_done = threading.Event()
        self._result: FileCheck | None = None

    # -- background ---------------------------------------------------------------------
    def begin(self) -> None:
        """Start the work; returns at once."""
        run_op(
            self,
            self._load,
            self._on_built,
            on_failure=self._on_build_failed,
            thread="comptoir-ouverture",
        )
        if not self._want_check:
            self._check_done.set()
            self._on_checked(None)
            return
        run_op(
            self,
            self._check,
            self._on_checked,
            on_failure=self._on_check_failed,
            thread="comptoir-verification",
        )

    def _load(self, _progress: Progress) -> tuple[Comptoir | None, StartNotes | None]:
        notes = None
        try:
            if self._tidy:
                from tiers_lieu.services.leftovers import tidy_at_start

                notes = tidy_at_start(self._url)
            if self._want_check:
                from tiers_lieu.services.backups import backups_for

                self.service = backups_for(self._url)  # None: the server checks its own files
        finally:
            self._tidied.set()  # when the clean-up failed, ``service`` stays None: no check
        if self._must_wait_for_check():
            self._check_done.wait()
            if self._result is not None and self._result.damaged:
                return None, notes  # nothing migrated on a damaged file
        with imports_outside_collector():
            from tiers_lieu.app import build

            return build(self._db), notes

    def _check(self, _progress: Progress) -> FileCheck | None:
        try:
            self._tidied.wait()
            service = self.service
            if service is None:
                return None
            lower_priority()  # the desk's key presses first
            self._result = check_file(service)
            return self._result
        finally:
            self._check_done.set()

    def _must_wait_for_check(self) -> bool:
        """A base with something to migrate is checked first (never migrate a damaged
        file); one at the newest schema opens while its check runs."""
        if self.service is None:
            return False
        from tiers_lieu.db import HEAD_REVISION
        from tiers_lieu.encryption import connect, database_errors

        try:
            connection = connect(self.service.db_path, read_only=True)
            try:
                rows = connection.execute("SELECT version_num FROM alembic_version").fetchall()
            finally:
                connection.close()
        except database_errors():
            return True
        return rows != [(HEAD_REVISION,)]

    # -- GUI thread ---------------------------------------------------------------------
    def _on_built(self, outcome: tuple[Comptoir | None, StartNotes | None]) -> None:
        self.app, self.notes = outcome
        self.is_built = True
        self.build_known.emit()

    def _on_build_failed(self, error: BaseException) -> None:
        self.failure = error
        self.is_built = True
        self.build_known.emit()

    def _on_checked(self, found: FileCheck | None) -> None:
        self.file_check = found
        self.is_checked = True
        self.check_known.emit()

    def _on_check_failed(self, error: BaseException) -> None:
        # Not a verdict on the file: the start goes on.
        log.warning("Vérification de la base impossible : %s", error)
        self.is_checked = True
        self.check_known.emit()

    @property
    def damaged(self) -> bool:
        return self.file_check is not None and self.file_check.damaged

    def wait_built(self, *, give_up: Any = None) -> bool:
        """Process events until the application is built (or failed); ``False`` when the
        signal ``give_up`` came first (the user closed the window shown meanwhile)."""
        return self._wait(lambda: self.is_built, self.build_known, give_up)

    def wait_checked(self) -> None:
        """Process events until the check's outcome is here."""
        self._wait(lambda: self.is_checked, self.check_known)

    def _wait(self, done: Callable[[], bool], signal: Any, give_up: Any = None) -> bool:
        if done():
            return True
        loop = QEventLoop()
        gave_up: list[bool] = []

        def stop(*_args: object) -> None:
            gave_up.append(True)
            loop.quit()

        signal.connect(loop.quit)
        if give_up is not None:
            give_up.connect(stop)
        try:
            while not done() and not gave_up:
                loop.exec()
        finally:
            signal.disconnect(loop.quit)
            if give_up is not None:
                give_up.disconnect(stop)
        return done()

    def finish(self) -> None:
        """The start ends here: wait until the opening is over (a migration is never cut in
        the middle), then close what it opened."""
        self.wait_built()
        if self.app is not None:
            self.app.close()
            self.app = None


def watch_file_check(start: DeskStart, window: MainWindow, app: Comptoir) -> QLabel:
    """The status bar says when the file was found sound (or that it is being checked);
    a damaged file found once the window is open offers its latest good backup there."""
    label = QLabel(window)
    label.setObjectName(CHECK_LABEL)
    window.statusBar().addPermanentWidget(label)

    def show(found: FileCheck | None) -> None:
        if found is None:
            label.setText(_("Vérification de la base…"))
            return
        if not found.damaged:
            label.setText(_("Base vérifiée : aucun problème"))
            QTimer.singleShot(CHECK_NOTE_MS, label.hide)
            return
        label.setText(_("Base endommagée"))
        label.setStyleSheet("color: #b00020; font-weight: bold;")
        start.offered = True
        _restore_from_window(start, found, window, app)

    def outcome() -> None:
        if start.file_check is None:
            label.hide()  # no check (PostgreSQL), or it could not run (logged)
        else:
            show(start.file_check)

    if start.is_checked:
        outcome()
    else:
        show(None)
        start.check_known.connect(outcome)
    return label


def _restore_from_window(
    start: DeskStart, found: FileCheck, window: MainWindow, app: Comptoir
) -> None:
    from tiers_lieu.ui.settings.backups_tab import restore_in_background

    service = app.backups
    assert service is not None  # only a file is checked
    source = _ask_restore(service, found, window)
    if source is None:
        return

    def restored(kept: Path) -> None:
        _say_restored(source, window)
        window.on_database_restored(kept)

    restore_in_background(window, app, service, source.path, restored)


# -- automatic backups ------------------------------------------------------------------
def _back_up(service: BackupService, reason: str, lock: threading.Lock) -> None:
    if not lock.acquire(blocking=False):
        return  # the previous copy is still running
    try:
        lower_priority()
        service.maybe_backup(reason)
    finally:
        lock.release()


def _backup_failed(exc: BaseException) -> None:
    storage = storage_error(exc)
    if storage is not None:  # a full or read-only disk: the reason, not a traceback
        log.warning("Sauvegarde automatique impossible : %s", storage.message)
    else:
        log.error("Sauvegarde automatique impossible", exc_info=exc)


class IdleBackups(QObject):
    """Runs the backup that is due once the desk has been idle for ``idle_ms``."""

    def __init__(self, service: BackupService, parent: QObject, *, idle_ms: int) -> None:
        from tiers_lieu.ui.lock import InactivityWatcher

        super().__init__(parent)
        self._service = service
        self._lock = threading.Lock()
        self.due: str | None = None
        self.watcher = InactivityWatcher(self)
        self.watcher.timed_out.connect(self.on_idle)
        self._idle_ms = idle_ms

    def want(self, reason: str) -> None:
        """A backup is due: it runs after the next ``idle_ms`` without any input."""
        if self.due is None:
            self.due = reason
        if self.watcher.running:
            return
        if self.watcher.delay_ms:
            self.watcher.resume()
        else:
            self.watcher.start(self._idle_ms)

    @Slot()
    def on_idle(self) -> None:
        reason, self.due = self.due, None
        if reason is None:
            return
        service, lock = self._service, self._lock
        run_op(
            self,
            lambda _progress: _back_up(service, reason, lock),
            lambda _nothing: None,
            on_failure=_backup_failed,
            thread="comptoir-sauvegarde",  # a copy takes seconds, at a lower priority
        )


def install_auto_backups(
    app: Comptoir, parent: QObject, *, idle_ms: int = IDLE_MS
) -> QTimer | None:
    """Back up after the start once the desk is idle if the base changed since the last
    copy, then check every 5 minutes (a backup is made, again once the desk is idle, when
    changes happened and the last one is 30 minutes old). Returns the 5-minute timer
    (``None`` on PostgreSQL, whose server keeps its own backups)."""
    service = app.backups
    if service is None:
        return None
    backups = IdleBackups(service, parent, idle_ms=idle_ms)
    backups.want("start")
    timer = QTimer(backups)
    timer.setInterval(CHECK_INTERVAL_MS)
    timer.timeout.connect(lambda: backups.want("timer"))
    timer.start()
    return timer
