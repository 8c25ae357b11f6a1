"""Long work off the GUI thread, with progress (like Anki's ``QueryOp``).

``run_op`` hands a function to a ``QThreadPool``; the function receives a ``progress(done,
total)`` callback and must not touch widgets. Its result (or exception) comes back through a
queued signal, so ``on_success``/``on_failure`` run on the GUI thread. Tests replace the pool
with :class:`SynchronousPool` so that operations finish before the call returns.

While an operation runs (an export writing its file), the main window does not close: its
``closeEvent`` asks :func:`may_close`, which puts the close off behind a small modal
« Export en cours… » and closes the window once the work is done (or lets the user stay).
Without it the database was closed under the export and Python printed a traceback when the
result came back to a relay already deleted.
"""

from __future__ import annotations

import contextlib
import itertools
import threading
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QProgressDialog, QWidget

from tiers_lieu.i18n import _
from tiers_lieu.ui.errors import show_error

T = TypeVar("T")
Progress = Callable[[int, int], None]


class Pool(Protocol):
    def start(self, runnable: QRunnable) -> None: ...


class SynchronousPool:
    """Runs each operation at once on the calling thread (for tests)."""

    def start(self, runnable: QRunnable) -> None:
        runnable.run()


_pool: Pool | None = None


def set_pool(pool: Pool | None) -> None:
    global _pool
    _pool = pool


def current_pool() -> Pool:
    return _pool if _pool is not None else QThreadPool.globalInstance()


_running_lock = threading.Lock()
_running: dict[int, str] = {}  # operations started and not yet finished: their labels
_ids = itertools.count()
CLOSE_POLL_MS = 100


def running() -> list[str]:
    """Labels of the operations still at work (« Préparation de la feuille… »)."""
    with _running_lock:
        return list(_running.values())


def may_close(window: QWidget, event: QCloseEvent) -> bool:
    """Whether ``window`` may close now; otherwise the close waits for the running work.

    A small modal « Export en cours… » says what is being finished and closes the window
    when nothing runs any more; its button (« Ne pas quitter ») keeps the window open.
    """
    labels = running()
    if not labels:
        return True
    event.ignore()
    if window.findChild(QProgressDialog, "closingWait") is not None:
        return False  # already waiting
    dialog = QProgressDialog(
        _("Comptoir se fermera dès que ce travail sera terminé :\n{work}").format(
            work="\n".join(labels)
        ),
        _("Ne pas quitter"),
        0,
        0,
        window,
    )
    dialog.setObjectName("closingWait")
    dialog.setWindowTitle(_("Export en cours…"))
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(0)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    timer = QTimer(dialog)
    timer.setInterval(CLOSE_POLL_MS)

    def stop() -> None:
        timer.stop()
        dialog.setObjectName("")
        dialog.hide()
        dialog.deleteLater()

    def check() -> None:
        if running():
            return
        stop()
        window.close()

    timer.timeout.connect(check)
    dialog.canceled.connect(stop)
    timer.start()
    dialog.show()
    return False


class _Relay(QObject):
    progressed = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(object)


class _Runnable(QRunnable):
    def __init__(self, work: Callable[[Progress], Any], relay: _Relay, label: str = "") -> None:
        super().__init__()
        self._work = work
        self._relay = relay
        self._id = next(_ids)
        with _running_lock:  # counted from the start, before the pool picks it up
            _running[self._id] = label

    def _progress(self, done: int, total: int) -> None:
        with contextlib.suppress(RuntimeError):  # the window went away meanwhile
            self._relay.progressed.emit(done, total)

    def run(self) -> None:
        try:
            try:
                result = self._work(self._progress)
            except BaseException as exc:  # handed to the GUI thread, shown there
                with contextlib.suppress(RuntimeError):
                    self._relay.failed.emit(exc)
            else:
                with contextlib.suppress(RuntimeError):
                    self._relay.succeeded.emit(result)
        finally:
            with _running_lock:
                _running.pop(self._id, None)


class ResultRelay(QObject):
    """Carries a :class:`RelayedJob`'s outcome to the GUI thread (connect ``finished`` with a
    queued connection)."""

    finished = Signal(object)


class RelayedJob(QRunnable):
    """Runs ``work`` in the pool and emits what it returned through ``relay``; when it raises,
    what ``failed`` makes of the exception (by default the exception itself). Nothing is
    emitted once the relay is gone (its window closed meanwhile)."""

    def __init__(
        self,
        work: Callable[[], object],
        relay: ResultRelay,
        *,
        failed: Callable[[Exception], object] | None = None,
    ) -> None:
        super().__init__()
        self._work = work
        self._relay = relay
        self._failed = failed

    def run(self) -> None:
        try:
            outcome = self._work()
        except Exception as exc:  # handed to the GUI thread
            outcome = exc if self._failed is None else self._failed(exc)
        with contextlib.suppress(RuntimeError):
            self._relay.finished.emit(outcome)


def run_op(
    parent: QWidget,
    work: Callable[[Progress], T],
    on_success: Callable[[T], None],
    *,
    label: str,
    on_failure: Callable[[BaseException], None] | None = None,
) -> None:
    """Run ``work`` in the pool behind a modal progress dialog labelled ``label``."""
    dialog = QProgressDialog(label, "", 0, 0, parent)
    dialog.setCancelButton(None)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    relay = _Relay(parent)

    def on_progress(done: int, total: int) -> None:
        dialog.setMaximum(max(total, 1))
        dialog.setValue(min(done, total))

    def finish() -> None:
        # The relay is not deleted here: it goes with ``parent``. Deleting it later from
        # inside its own signal crashed PySide when the parent (a dialog closed by this very
        # result) was destroyed first.
        dialog.close()
        dialog.deleteLater()

    def on_done(result: object) -> None:
        finish()
        on_success(result)  # type: ignore[arg-type]

    def on_error(exc: object) -> None:
        finish()
        assert isinstance(exc, BaseException)
        if on_failure is not None:
            on_failure(exc)
        else:
            show_error(parent, exc)

    relay.progressed.connect(on_progress, Qt.ConnectionType.QueuedConnection)
    relay.succeeded.connect(on_done, Qt.ConnectionType.QueuedConnection)
    relay.failed.connect(on_error, Qt.ConnectionType.QueuedConnection)
    current_pool().start(_Runnable(work, relay, label))
