"""Work off the GUI thread, the one way (like Anki's ``QueryOp``).

:func:`run_op` runs ``work(progress)`` off the GUI thread; ``work`` receives a ``progress(done,
total)`` callback and must not touch widgets. Its result (or exception) comes back through a
signal, so ``on_success``/``on_failure`` run on the GUI thread (by default a failure is shown
with ``show_error``). Two choices:

- ``label``: the work runs behind a modal progress dialog saying it (an export, a restore) and
  the window waits for it before closing. Without a label the work is quiet (a tab's read, the
  server's ping, the audit check): no dialog, and a close does not wait for it.
- ``thread``: the work runs in a thread of its own, so named, instead of the pool: work that
  waits for other work, lowers its own priority or may last minutes (the start, the file's
  check, the automatic backup, a restore, which waits for the pool). It runs in a real thread
  under the tests too.

Tests replace the pool with :class:`SynchronousPool`, so that pool work finishes before the
call returns; a quiet operation's result is then handled before :func:`run_op` returns too (the
signal is delivered directly on the same thread), a labelled one's through the event loop.

While a labelled operation runs (an export writing its file), the main window does not close:
its ``closeEvent`` asks :func:`may_close`, which puts the close off behind a small modal
« Export en cours… » and closes the window once the work is done (or lets the user stay).
Without it the database was closed under the export and Python printed a traceback when the
result came back to a relay already deleted.
"""

from __future__ import annotations

import contextlib
import itertools
import threading
from collections.abc import Callable
from dataclasses import dataclass
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


@dataclass(frozen=True)
class _Handlers:
    succeeded: Callable[[Any], None]
    failed: Callable[[BaseException], None]
    progressed: Callable[[int, int], None] | None


class _Relay(QObject):
    """Brings the outcomes of one parent's operations back to the GUI thread. One relay per
    parent (and delivery), found again at each call: a relay per call would pile up under a
    parent that pings every 15 seconds all day. It is never deleted before its parent:
    deleting it from inside its own signal crashed PySide when the parent (a dialog closed by
    that very result) was destroyed first."""

    progressed = Signal(object, int, int)  # ticket, done, total
    finished = Signal(object, bool, object)  # ticket, succeeded, result or exception

    def __init__(self, parent: QObject, name: str, kind: Qt.ConnectionType) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.pending: dict[int, _Handlers] = {}  # GUI thread only
        self.progressed.connect(self._on_progressed, kind)
        self.finished.connect(self._on_finished, kind)

    def _on_progressed(self, ticket: int, done: int, total: int) -> None:
        handlers = self.pending.get(ticket)
        if handlers is not None and handlers.progressed is not None:
            handlers.progressed(done, total)

    def _on_finished(self, ticket: int, succeeded: bool, value: object) -> None:
        handlers = self.pending.pop(ticket, None)
        if handlers is None:
            return
        if succeeded:
            handlers.succeeded(value)
        else:
            assert isinstance(value, BaseException)
            handlers.failed(value)


def _relay_of(parent: QObject, *, queued: bool) -> _Relay:
    name = "opsRelayQueued" if queued else "opsRelay"
    found = parent.findChild(_Relay, name, Qt.FindChildOption.FindDirectChildrenOnly)
    if isinstance(found, _Relay):
        return found
    # Queued: the result waits for the event loop even when the work ran on this thread.
    # Auto: direct when it ran on this thread (the tests' pool), queued from a worker.
    kind = Qt.ConnectionType.QueuedConnection if queued else Qt.ConnectionType.AutoConnection
    return _Relay(parent, name, kind)


class _Job(QRunnable):
    def __init__(
        self, work: Callable[[Progress], Any], relay: _Relay, ticket: int, label: str | None
    ) -> None:
        super().__init__()
        self._work = work
        self._relay = relay
        self._ticket = ticket
        self._counted = label is not None
        if label is not None:
            with _running_lock:  # counted from the start, before the pool picks it up
                _running[ticket] = label

    def _progress(self, done: int, total: int) -> None:
        with contextlib.suppress(RuntimeError):  # the window went away meanwhile
            self._relay.progressed.emit(self._ticket, done, total)

    def run(self) -> None:
        try:
            try:
                outcome = (True, self._work(self._progress))
            except BaseException as exc:  # handed to the GUI thread, said there
                outcome = (False, exc)
            with contextlib.suppress(RuntimeError):  # the parent is gone: nobody to tell
                self._relay.finished.emit(self._ticket, *outcome)
        finally:
            if self._counted:
                with _running_lock:
                    _running.pop(self._ticket, None)


def _progress_dialog(label: str, parent: QWidget) -> QProgressDialog:
    dialog = QProgressDialog(label, "", 0, 0, parent)
    dialog.setCancelButton(None)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    return dialog


def run_op(
    parent: QObject,
    work: Callable[[Progress], T],
    on_success: Callable[[T], None],
    *,
    label: str | None = None,
    on_failure: Callable[[BaseException], None] | None = None,
    thread: str | None = None,
) -> None:
    """Run ``work`` off the GUI thread, then ``on_success(result)`` or ``on_failure(exc)``
    on it; ``label``: behind a modal progress dialog (``parent`` is then a widget);
    ``thread``: in a thread of that name rather than the pool (see the module's docstring).
    Nothing is called back once ``parent`` is gone."""
    dialog: QProgressDialog | None = None
    if label is not None:
        assert isinstance(parent, QWidget), "a progress dialog needs a window"
        dialog = _progress_dialog(label, parent)
    owner = parent if isinstance(parent, QWidget) else None

    def close_dialog() -> None:
        if dialog is not None:
            dialog.close()
            dialog.deleteLater()

    def succeeded(result: Any) -> None:
        close_dialog()
        on_success(result)

    def failed(exc: BaseException) -> None:
        close_dialog()
        if on_failure is not None:
            on_failure(exc)
        else:
            show_error(owner, exc)

    def progressed(done: int, total: int) -> None:
        if dialog is not None:
            dialog.setMaximum(max(total, 1))
            dialog.setValue(min(done, total))

    relay = _relay_of(parent, queued=label is not None)
    ticket = next(_ids)
    relay.pending[ticket] = _Handlers(succeeded, failed, progressed if dialog else None)
    job = _Job(work, relay, ticket, label)
    if thread is None:
        current_pool().start(job)
    else:
        threading.Thread(target=job.run, name=thread, daemon=True).start()
