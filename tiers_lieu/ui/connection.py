"""« Serveur injoignable »: watching the PostgreSQL server from the desk, and the visits kept
on this computer until it answers again.

Only a database reached over the network can go away, so :class:`ConnectionMonitor` does
nothing on SQLite. Otherwise it pings (``SELECT 1``) every 15 seconds and at once after a
write failed for a lost connection, always off the GUI thread (a server that vanished can
keep a connection attempt waiting for a long time), one ping at a time. When the server
answers, the visits waiting in the :class:`~tiers_lieu.services.pending_visits.PendingVisitQueue`
are saved, in the same background job, each with its own activity date and time.

:class:`ConnectionStatus` is the red line of the status bar (« Serveur injoignable depuis
10:42 — 3 visites en attente ») with its « Réessayer » button (Ctrl+Maj+R). Sections find the
monitor through their window (:func:`monitor_of`), so they need no wiring of their own.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMessageBox, QPushButton, QWidget
from sqlalchemy import text
from sqlalchemy.engine import make_url

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import ComptoirError
from tiers_lieu.i18n import _, format_date, format_time, ngettext, time_zone, to_place_time
from tiers_lieu.services import pending_visits
from tiers_lieu.services.pending_visits import (
    FlushResult,
    PendingPassage,
    PendingVisit,
    PendingVisitQueue,
    is_connection_lost,
)
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.services.visits import VisitInfo
from tiers_lieu.ui.common import add_shortcut
from tiers_lieu.ui.errors import window_monitor
from tiers_lieu.ui.ops import run_op

log = logging.getLogger(__name__)

PING_INTERVAL_MS = 15_000
RETRY_KEYS = "Ctrl+Shift+R"


def monitoring_wanted(url: str) -> bool:
    """Only a server can become unreachable; an SQLite file is on this computer."""
    return make_url(url).get_backend_name() != "sqlite"


def ping_database(app: Comptoir) -> None:
    """``SELECT 1`` on a fresh or re-checked connection; raises when the server is away."""
    with app.engine.connect() as connection:
        connection.execute(text("SELECT 1"))


def save_pending(app: Comptoir, visit: PendingVisit) -> VisitInfo:
    """Count a kept visit at its own date, time and id (a retry never counts it twice)."""
    return pending_visits.save_pending(app.visits, visit)


@dataclass
class CheckOutcome:
    reachable: bool
    flushed: FlushResult[VisitInfo] = field(default_factory=FlushResult)


def _check_failed(exc: BaseException) -> CheckOutcome:
    """A check must never take the desk down: it counts as unreachable and is tried again."""
    log.error("Connection check failed unexpectedly", exc_info=exc)
    return CheckOutcome(reachable=False)


class ConnectionMonitor(QObject):
    """Whether the database server answers, and the visits waiting for it."""

    state_changed = Signal()
    """The server went away or came back, or the number of visits waiting changed."""
    visits_saved = Signal(object)
    """Visits kept while the server was away are saved: ``list[(PendingVisit, VisitInfo)]``
    (empty when only visits taken back meanwhile were removed from the server)."""
    visits_refused = Signal(object)
    """Kept visits the service refused: ``list[(PendingVisit, ComptoirError)]``."""

    def __init__(
        self,
        app: Comptoir,
        *,
        queue: PendingVisitQueue | None = None,
        enabled: bool | None = None,
        interval_ms: int = PING_INTERVAL_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._app = app
        self.enabled = monitoring_wanted(app.url) if enabled is None else enabled
        self._queue = queue
        self.ping: Callable[[], None] = lambda: ping_database(app)
        self._offline_since: datetime | None = None
        self._busy = False
        self._again = False
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.check_now)

    # -- state -----------------------------------------------------------------------------
    @property
    def queue(self) -> PendingVisitQueue:
        if self._queue is None:
            self._queue = PendingVisitQueue.for_database(self._app.url)
        return self._queue

    @property
    def offline(self) -> bool:
        return self._offline_since is not None

    @property
    def offline_since(self) -> datetime | None:
        return self._offline_since

    def pending_count(self) -> int:
        return len(self.queue) if self.enabled else 0

    # -- actions ---------------------------------------------------------------------------
    def start(self) -> None:
        """Ping every 15 s, and now: visits kept by an earlier session are saved at once."""
        if self.enabled:
            self.timer.start()
            self.check_now()

    def stop(self) -> None:
        self.timer.stop()

    def check_now(self) -> None:
        """Ping off the GUI thread, then save what waits; a second call during a check runs
        once more afterwards instead of piling up."""
        if not self.enabled:
            return
        if self._busy:
            self._again = True
            return
        self._busy = True
        ping, app, queue = self.ping, self._app, self.queue

        def work(_progress: object) -> CheckOutcome:
            try:
                ping()
            except Exception as exc:
                log.info("Database server unreachable: %s", exc)
                return CheckOutcome(reachable=False)
            flushed = queue.flush(
                lambda visit: save_pending(app, visit),
                undo=lambda visit_id: app.visits.undo(visit_id),
                enter=lambda passage: pending_visits.save_passage(app.passages, passage),
                undo_passage=lambda passage_id: app.passages.undo(passage_id),
            )
            if flushed.stopped_by is not None and not flushed.connection_lost:
                log.warning("Pending visits not saved yet: %s", flushed.stopped_by)
            for passage, error in flushed.passages_refused:
                # Its visits made their own passages: only the door's count is lost.
                log.warning("Kept passage %s refused: %s", passage.id, error)
            return CheckOutcome(reachable=not flushed.connection_lost, flushed=flushed)

        run_op(
            self,
            work,
            self.on_check_finished,
            on_failure=lambda exc: self.on_check_finished(_check_failed(exc)),
        )

    def report_failure(self) -> None:
        """A write failed because the server went away: say so now, and check at once."""
        if not self.enabled:
            return
        if self._offline_since is None:
            self._offline_since = datetime.now(UTC)
        self.state_changed.emit()
        self.check_now()

    def keep_visit(self, visit: PendingVisit) -> None:
        """Keep a visit the server could not take (raises if even the file cannot be written)."""
        self.queue.add(visit)
        if self._offline_since is None:
            self._offline_since = datetime.now(UTC)
        self.state_changed.emit()

    def take_back(self, visit: PendingVisit) -> bool:
        """The host undid a kept visit: it will not be saved, and is removed from the server
        if it had reached it unanswered (``False`` if already saved)."""
        removed = self.queue.take_back(visit.id)
        if removed:
            self.state_changed.emit()
        return removed

    def keep_passage(self, passage: PendingPassage) -> None:
        """Keep a passage (« une personne entre ») the server could not take (raises if
        even the file cannot be written)."""
        self.queue.add_passage(passage)
        if self._offline_since is None:
            self._offline_since = datetime.now(UTC)
        self.state_changed.emit()

    def take_back_passage(self, passage: PendingPassage) -> bool:
        """As :meth:`take_back`, for a kept passage."""
        removed = self.queue.take_back_passage(passage.id)
        if removed:
            self.state_changed.emit()
        return removed

    def on_check_finished(self, outcome: object) -> None:
        assert isinstance(outcome, CheckOutcome)
        self._busy = False
        if outcome.reachable:
            self._offline_since = None
        elif self._offline_since is None:
            self._offline_since = datetime.now(UTC)
        flushed = outcome.flushed
        if flushed.saved or flushed.taken_back or flushed.passages_saved:
            self.visits_saved.emit(list(flushed.saved))
        if flushed.refused:
            self.visits_refused.emit(list(flushed.refused))
        self.state_changed.emit()
        if self._again:
            self._again = False
            self.check_now()


def monitor_of(widget: QWidget | None) -> ConnectionMonitor | None:
    """The monitor of the main window holding ``widget`` (through the dialogs opened over
    it), when it watches a server. ``show_error`` finds it the same way."""
    monitor = window_monitor(widget)
    return monitor if isinstance(monitor, ConnectionMonitor) and monitor.enabled else None


def describe_pending(visit: PendingVisit, today: date | None = None) -> str:
    """« Accueil — 10:42 » like a saved visit, with the date when it is not ``today``'s."""
    parts = [visit.service_name]
    if visit.activity_date != today:
        parts.append(format_date(visit.activity_date, "medium"))
    if visit.activity_time is not None:
        parts.append(format_time(visit.activity_time))
    return " — ".join(parts)


def _place_zone(widget: QWidget) -> ZoneInfo:
    """The clock of the place the window shows (Europe/Paris before one is chosen)."""
    site = getattr(widget.window(), "site", None)
    current = site() if callable(site) else None
    return current.zone if isinstance(current, SiteInfo) else time_zone(None)


class ConnectionStatus(QWidget):
    """The status bar's red line while the server is away, with « Réessayer »."""

    def __init__(self, monitor: ConnectionMonitor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.monitor = monitor
        self.label = QLabel(self)
        self.label.setObjectName("connectionStatus")
        self.label.setStyleSheet("color: #b00020; font-weight: bold;")
        self.retry_button = QPushButton(_("Réessayer"), self)
        self.retry_button.setAccessibleName(_("Réessayer d'enregistrer"))
        self.retry_button.clicked.connect(self.on_retry_clicked)
        add_shortcut(self, RETRY_KEYS, self.on_retry_clicked, self.retry_button)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.retry_button)
        monitor.state_changed.connect(self.on_state_changed)
        monitor.visits_refused.connect(self.on_visits_refused)
        self.on_state_changed()

    def text(self) -> str:
        return self.label.text()

    def on_state_changed(self) -> None:
        monitor = self.monitor
        pending = monitor.pending_count()
        since = monitor.offline_since
        if since is not None:
            local = to_place_time(since, _place_zone(self))
            message = _("Serveur injoignable depuis {time}").format(time=format_time(local.time()))
            if pending:
                message += " — " + ngettext(
                    "{n} visite en attente", "{n} visites en attente", pending
                ).format(n=pending)
        elif pending:
            message = ngettext(
                "{n} visite en attente d'enregistrement",
                "{n} visites en attente d'enregistrement",
                pending,
            ).format(n=pending)
        else:
            message = ""
        self.label.setText(message)
        self.setToolTip(
            _(
                "Les visites comptées pendant la coupure sont gardées sur cet ordinateur et "
                "enregistrées dès que le serveur répond. Les autres saisies n'ont pas été "
                "enregistrées : refaites-les une fois le serveur revenu."
            )
            if message
            else ""
        )
        self.setVisible(bool(message))

    def on_retry_clicked(self) -> None:
        self.monitor.check_now()

    def on_visits_refused(self, refused: Any) -> None:
        lines = [
            _("{visit} : {reason}").format(visit=describe_pending(visit), reason=error.message)
            for visit, error in refused
            if isinstance(error, ComptoirError)
        ]
        QMessageBox.warning(
            self,
            ngettext("Visite non enregistrée", "Visites non enregistrées", len(lines)),
            ngettext(
                "Cette visite comptée pendant la coupure du serveur a été refusée et n'est "
                "pas enregistrée ; comptez-la de nouveau si besoin :\n\n{visits}",
                "Ces visites comptées pendant la coupure du serveur ont été refusées et ne "
                "sont pas enregistrées ; comptez-les de nouveau si besoin :\n\n{visits}",
                len(lines),
            ).format(visits="\n".join(lines)),
        )


def install(window: QWidget, app: Comptoir) -> tuple[ConnectionMonitor, ConnectionStatus]:
    """The monitor and its status line, started; the window keeps the monitor as its
    ``connection_monitor`` attribute, where :func:`monitor_of` looks."""
    monitor = ConnectionMonitor(app, parent=window)
    status = ConnectionStatus(monitor, window)
    monitor.start()
    return monitor, status


__all__ = [
    "ConnectionMonitor",
    "ConnectionStatus",
    "describe_pending",
    "install",
    "is_connection_lost",
    "monitor_of",
]
