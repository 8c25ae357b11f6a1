"""A tab's rows read off the GUI thread: the frame at once, « Chargement… » over the list while
the read runs, the rows when it is done (issue 17: every section opens in < 150 ms, whatever
the history of the place).

:class:`BackgroundLoad` runs one read at a time for its tab through :func:`ui.ops.run_op`. A
newer ``start`` supersedes the running read: its result is dropped when it comes back, so a
tab refreshed twice never shows the older rows last. The result reaches ``apply`` on the GUI
thread; under the tests' :class:`~tiers_lieu.ui.ops.SynchronousPool` it does so before
``start`` returns (the signal is delivered directly on the same thread), so a test reads the
rows right after the call as before.

The read must not touch widgets. Reads with no side effect should use a read-only unit of
work (a deferred SQLite transaction) so that a key press at the desk never waits for them.

:func:`refresh_when_shown` defers a tab's first read until the user opens that tab: a section
with five tabs reads one list on its first open, not five.
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QFrame,
    QLabel,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.errors import ComptoirError, storage_error
from tiers_lieu.i18n import _
from tiers_lieu.services.pending_visits import is_connection_lost
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.ops import run_op

T = TypeVar("T")

SHOW_AFTER_MS = 80
"""« Chargement… » appears when a read lasts longer than this (no flicker on quick ones)."""


def expected(exc: BaseException) -> bool:
    """A refusal, a lost server or a full disk: said in French where the tab is. Anything
    else is a bug, reported like an exception raised on the GUI thread."""
    return (
        isinstance(exc, ComptoirError) or is_connection_lost(exc) or storage_error(exc) is not None
    )


@dataclass(frozen=True)
class _Outcome:
    ticket: int
    value: Any
    failed: bool


class LoadingCover(QFrame):
    """« Chargement… » and a busy bar, centred over a list's visible area."""

    def __init__(self, area: QAbstractScrollArea) -> None:
        super().__init__(area)
        self.setObjectName("loadingCover")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.label = QLabel(_("Chargement…"), self)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.bar = QProgressBar(self)
        self.bar.setRange(0, 0)  # busy: the length of a read is not known
        self.bar.setTextVisible(False)
        self.bar.setFixedHeight(8)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 10, 16, 12)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        self._area = area
        area.installEventFilter(self)
        self.hide()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._area and event.type() == QEvent.Type.Resize and self.isVisible():
            self._place()
        return False

    def _place(self) -> None:
        self.adjustSize()
        width = max(self.sizeHint().width(), 200)
        height = self.sizeHint().height()
        self.setGeometry(
            max(0, (self._area.width() - width) // 2),
            max(0, (self._area.height() - height) // 3),
            width,
            height,
        )

    def appear(self) -> None:
        self._place()
        self.show()
        self.raise_()


class BackgroundLoad(QObject):
    """The reads of one tab, each run in the pool and applied on the GUI thread."""

    finished = Signal()
    """The latest read came back and was applied (or failed and was reported)."""

    _tickets = itertools.count(1)

    def __init__(self, owner: QWidget, cover: QAbstractScrollArea | None = None) -> None:
        super().__init__(owner)
        self._owner = owner
        self._ticket = 0
        self._pending: dict[int, tuple[Callable[[Any], None], Callable[[BaseException], None]]]
        self._pending = {}
        self.cover = LoadingCover(cover) if cover is not None else None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SHOW_AFTER_MS)
        self._timer.timeout.connect(self._show_cover)

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    def start(
        self,
        read: Callable[[], T],
        apply: Callable[[T], None],
        *,
        on_failure: Callable[[BaseException], None] | None = None,
    ) -> None:
        """Run ``read`` off the GUI thread, then ``apply(result)`` on it, unless another
        ``start`` came meanwhile. A failure is shown (``show_error``) or handed to
        ``on_failure``."""
        ticket = next(self._tickets)
        self._ticket = ticket
        self._pending = {ticket: (apply, on_failure or self._report)}
        self._timer.start()

        run_op(
            self,
            lambda _progress: read(),
            lambda value: self._arrived(_Outcome(ticket, value, False)),
            on_failure=lambda exc: self._arrived(_Outcome(ticket, exc, True)),
        )

    def _arrived(self, outcome: _Outcome) -> None:
        handlers = self._pending.pop(outcome.ticket, None)
        if handlers is None or outcome.ticket != self._ticket:
            return  # a newer read superseded it
        self._timer.stop()
        if self.cover is not None:
            self.cover.hide()
        apply, on_failure = handlers
        if outcome.failed:
            on_failure(outcome.value)
        else:
            apply(outcome.value)
        self.finished.emit()

    def _show_cover(self) -> None:
        if self._pending and self.cover is not None:
            self.cover.appear()

    def _report(self, exc: BaseException) -> None:
        if expected(exc):
            show_error(self._owner, exc)
        else:  # as if the read had raised in a slot: logged and reported by the hook
            sys.excepthook(type(exc), exc, exc.__traceback__)


class WhenShown(QObject):
    """Refreshes a tab when it comes on screen, if something changed since (``stale``)."""

    def __init__(
        self, tab: QWidget, refresh: Callable[[], None], every_time: bool, stale: bool = True
    ) -> None:
        super().__init__(tab)
        self._tab = tab
        self._refresh = refresh
        self._every_time = every_time
        self.stale = stale
        tab.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Spontaneous shows (the window restored from the task bar) read nothing again.
        if (
            event.type() == QEvent.Type.Show
            and not event.spontaneous()
            and (self.stale or self._every_time)
        ):
            self.stale = False
            self._refresh()
        return False

    def invalidate(self) -> None:
        """Something the tab shows changed: read it again now if it is on screen, else when
        it is next shown."""
        if self._tab.isVisible():
            self.stale = False
            self._refresh()
        else:
            self.stale = True


def refresh_when_shown(
    tab: QWidget,
    refresh: Callable[[], None] | None = None,
    *,
    every_time: bool = False,
    read: bool = False,
) -> WhenShown:
    """Call ``refresh`` (the tab's own by default) when ``tab`` is next shown — now if it is
    already on screen — and, with ``every_time``, at each later showing too (a list others
    change, such as the stock after a sale). ``read``: the tab has just read, so only a
    later ``invalidate()`` reads again."""
    action: Callable[[], None] = refresh if refresh is not None else tab.refresh  # type: ignore[attr-defined]
    watcher = WhenShown(tab, action, every_time, stale=not read)
    if tab.isVisible() and not read:
        watcher.invalidate()
    return watcher
