"""What the Accueil desk records: each key press sent to the server as a visit (or, after « + »,
a passage), or kept on this computer while the server is away; the details of the last one;
and Ctrl+Z, which takes back the last one, saved or kept. :class:`DeskEntries` holds that
logic and the desk's undo stack; :class:`~tiers_lieu.ui.accueil.section.AccueilSection`
builds the screen on it (the widgets annotated below are the section's).

The undo stack lives as long as the section: it is the host's own session, not a history of
the site. Edits left in the details panel are saved just before the next key press is sent,
so the host can fill in a commune, then press the next key.

With PostgreSQL, a key press while the server is away keeps the visit on this computer (the
window's :class:`~tiers_lieu.ui.connection.ConnectionMonitor` saves it, at its own date and
time, when the server answers) and says « en attente »; Ctrl+Z takes such a visit back too.

People, not only services (issue 20): « + » (or the « Une personne entre » button) records a
passage through the door; the services counted at this desk in the minute after it
(:data:`PASSAGE_WINDOW_S`, same activity date) attach to it, so one person using the café and
the grocery counts one person and two services. Without « + », each visit is its own passage
(the rule of :mod:`tiers_lieu.services.visits`): counting stays one key per visit. Ctrl+Z
takes a passage back like a visit; the details panel then gives its number of people.
"""

from __future__ import annotations

import time as clock
import uuid
from collections.abc import Callable
from datetime import date, datetime, time
from typing import TypeVar

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import ComptoirError
from tiers_lieu.i18n import _
from tiers_lieu.services.passages import PassageInfo
from tiers_lieu.services.pending_visits import PendingPassage, PendingVisit, is_connection_lost
from tiers_lieu.services.readmodels import ServiceInfo, SiteInfo
from tiers_lieu.services.visits import VisitInfo
from tiers_lieu.ui.accueil.activity_date import ActivityDateBar
from tiers_lieu.ui.accueil.buttons import ServicePad
from tiers_lieu.ui.accueil.details import DetailsPanel, describe_passage, describe_visit
from tiers_lieu.ui.accueil.figures import FiguresOnScreen
from tiers_lieu.ui.accueil.pending import (
    UndoEntry,
    kept_text,
    pending_passage,
    pending_visit,
    saved_text,
    taken_back_text,
    with_saved,
)
from tiers_lieu.ui.connection import ConnectionMonitor, monitor_of
from tiers_lieu.ui.data_changed import DataChanged, Topic
from tiers_lieu.ui.errors import show_error

UNDO_DEPTH = 200
PASSAGE_WINDOW_S = 60.0
"""After « une personne entre », how long the services counted at this desk attach to it."""

R = TypeVar("R")


class DeskEntries(QWidget):
    """The desk's visits and passages: sent, kept, completed and taken back. Each visit or
    passage counted, completed or taken back is announced (``Topic.VISITS``)."""

    # The section's widgets, made by it (their order is the screen's focus chain).
    changes: DataChanged
    date_bar: ActivityDateBar
    pad: ServicePad
    status_label: QLabel
    undo_button: QPushButton
    details: DetailsPanel
    figures: FiguresOnScreen
    settle_timer: QTimer
    _services: list[ServiceInfo]

    def __init__(self, app: Comptoir, site: SiteInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._app = app
        self._site = site
        # Saved visits, and visits kept while the server was away (until it takes them).
        self._undo: list[UndoEntry] = []
        self._monitor: ConnectionMonitor | None = None
        self._zone = app.visits.time_zone(site.id)
        # The passage open at this desk: its id, when « + » was pressed (monotonic clock) and
        # the activity date and time chosen then; services counted within the minute attach.
        self._open_passage: tuple[uuid.UUID, float, tuple[date | None, time | None]] | None = None
        self.passage_clock: Callable[[], float] = clock.monotonic

    def now(self) -> datetime:
        """The place's wall clock (its time zone, whatever the computer's)."""
        return datetime.now(self._zone)

    def undo_stack(self) -> list[UndoEntry]:
        return list(self._undo)

    # -- a key press ------------------------------------------------------------------------
    def count_visit(self, service_id: uuid.UUID) -> VisitInfo | None:
        """Count one visit to ``service_id`` now (or at the activity date chosen); ``None``
        when it was refused, or kept for later because the server is away."""
        pressed_at = self.now()  # what a kept visit counts, however long the server takes
        # The visit's id, made now: if the server commits it but its answer is lost, the
        # kept copy retried later carries the same id and is not counted a second time.
        visit_id = uuid.uuid4()
        passage_id = self.open_passage()
        visit = self._send_or_keep(
            lambda day, moment: self._app.visits.count(
                site_id=self._site.id,
                service_id=service_id,
                activity_date=day,
                activity_time=moment,
                visit_id=visit_id,
                passage_id=passage_id,
            ),
            lambda monitor: self._keep_visit(monitor, service_id, pressed_at, visit_id, passage_id),
        )
        if visit is None:
            return None
        self._push(visit)
        self.details.set_visit(visit, self.now().date())
        self._show_status(
            _("Visite comptée : {visit}").format(visit=describe_visit(visit, self.now().date()))
        )
        self._count_in(visit)
        self.pad.flash(service_id)
        self.changes.announce(self, Topic.VISITS)
        return visit

    def open_passage(self) -> uuid.UUID | None:
        """The passage the next service counted attaches to: « + » pressed at this desk less
        than a minute ago, with the same activity date and time chosen."""
        opened = self._open_passage
        if opened is None:
            return None
        passage_id, pressed, chosen = opened
        if self.passage_clock() - pressed > PASSAGE_WINDOW_S or chosen != self.date_bar.value():
            self._open_passage = None
            return None
        return passage_id

    def enter(self) -> PassageInfo | None:
        """« Une personne entre »: record a passage now (or at the activity date chosen) and
        keep it open for the services of the next minute; ``None`` when refused or kept for
        later because the server is away."""
        pressed_at = self.now()
        passage_id = uuid.uuid4()  # made now, like a visit's: a retry never counts it twice
        passage = self._send_or_keep(
            lambda day, moment: self._app.passages.enter(
                site_id=self._site.id,
                activity_date=day,
                activity_time=moment,
                passage_id=passage_id,
            ),
            lambda monitor: self._keep_passage(monitor, pressed_at, passage_id),
        )
        if passage is None:
            return None
        self._opened(passage)
        self.details.set_passage(passage, self.now().date())
        self._show_status(
            _(
                "Entrée comptée : {passage}. Les services comptés dans la minute sont les siens."
            ).format(passage=describe_passage(passage, self.now().date()))
        )
        self.changes.announce(self, Topic.VISITS)
        return passage

    def _send_or_keep(
        self,
        send: Callable[[date | None, time | None], R],
        keep: Callable[[ConnectionMonitor], None],
    ) -> R | None:
        """``send`` the key press at the bar's date and time, once the details typed for the
        previous one are saved; ``keep`` it on this computer instead when the server is away
        (known already, or found so now). ``None`` when kept or refused."""
        monitor = monitor_of(self)
        if monitor is not None and monitor.offline:
            # No wait on a server known to be away: keep it at once.
            keep(monitor)
            return None
        if self.details.is_dirty() and not self._save_details():
            if monitor is not None and monitor.offline:
                keep(monitor)
            return None
        day, moment = self.date_bar.value()
        try:
            return send(day, moment)
        except Exception as exc:
            if monitor is not None and is_connection_lost(exc):
                keep(monitor)
                monitor.report_failure()
            else:
                show_error(self, exc)
            return None

    # -- kept while the server is away ------------------------------------------------------
    def _keep_visit(
        self,
        monitor: ConnectionMonitor,
        service_id: uuid.UUID,
        pressed_at: datetime,
        visit_id: uuid.UUID,
        passage_id: uuid.UUID | None = None,
    ) -> None:
        """Keep on this computer a visit the server could not take, at its own instant."""
        visit = pending_visit(
            visit_id=visit_id,
            site_id=self._site.id,
            service_id=service_id,
            services=self._services,
            chosen=self.date_bar.value(),
            pressed_at=pressed_at,
            passage_id=passage_id,
        )
        if not self._kept(monitor, lambda: monitor.keep_visit(visit)):
            return
        self._push(visit)
        if not self.details.is_dirty():  # edits typed for the previous visit stay on screen
            self.details.set_visit(None, pressed_at.date())
        self._show_status(kept_text(visit, pressed_at.date()))
        self.pad.flash(service_id)

    def _keep_passage(
        self, monitor: ConnectionMonitor, pressed_at: datetime, passage_id: uuid.UUID
    ) -> None:
        """Keep on this computer a passage the server could not take; it stays open for the
        services of the next minute, which are kept with its id."""
        passage = pending_passage(
            passage_id=passage_id,
            site_id=self._site.id,
            chosen=self.date_bar.value(),
            pressed_at=pressed_at,
        )
        if not self._kept(monitor, lambda: monitor.keep_passage(passage)):
            return
        self._opened(passage)
        if not self.details.is_dirty():
            self.details.set_visit(None, pressed_at.date())
        self._show_status(
            _(
                "Entrée en attente (serveur injoignable) : {passage}. Elle sera enregistrée "
                "dès que le serveur répondra."
            ).format(passage=describe_passage(passage, pressed_at.date()))
        )

    def _kept(self, monitor: ConnectionMonitor, keep: Callable[[], None]) -> bool:
        """``keep`` (the monitor's file takes the entry); ``False`` when it could not (said).
        The section hears from ``monitor`` when the server takes what it keeps."""
        try:
            keep()
        except ComptoirError as exc:
            show_error(self, exc)
            return False
        if self._monitor is not monitor:
            self._monitor = monitor
            monitor.visits_saved.connect(self.on_pending_visits_saved)
        return True

    def on_pending_visits_saved(self, saved: object) -> None:
        """The server came back and took the visits kept meanwhile."""
        assert isinstance(saved, list)
        mine = with_saved(self._undo, saved)
        if mine:
            self._show_status(saved_text(mine))
        if self.isVisible():
            self._reload_figures()

    # -- Ctrl+Z -----------------------------------------------------------------------------
    def undo_last(self) -> VisitInfo | None:
        """Remove the last visit counted at this desk in this session."""
        if not self._undo:
            self._show_status(_("Aucune visite à annuler à ce poste."))
            return None
        visit = self._undo[-1]
        if isinstance(visit, PendingVisit):
            self._undo.pop()
            self._after_undo()
            self._take_back(visit)
            return None
        if isinstance(visit, PassageInfo | PendingPassage):
            self._undo_passage(visit)
            return None
        try:
            self._app.visits.undo(visit.id)
        except Exception as exc:
            self._undo.pop()
            show_error(self, exc)
            self._after_undo()
            return None
        self._undo.pop()
        self._after_undo()
        self._show_status(
            _("Visite annulée : {visit}").format(visit=describe_visit(visit, self.now().date()))
        )
        self._reload_figures()
        self.changes.announce(self, Topic.VISITS)
        return visit

    def _undo_passage(self, passage: PassageInfo | PendingPassage) -> None:
        """Take back the passage on top of the undo stack (kept, or saved on the server)."""
        today = self.now().date()
        monitor = monitor_of(self)
        if (
            isinstance(passage, PendingPassage)
            and monitor is not None
            and monitor.take_back_passage(passage)
        ):
            self._drop_passage(passage.id)
            self._after_undo()
            self._show_status(
                _("Entrée en attente retirée : {passage}").format(
                    passage=describe_passage(passage, today)
                )
            )
            return
        try:  # saved (perhaps when the server came back): taken back there
            self._app.passages.undo(passage.id)
        except Exception as exc:
            if monitor is not None and is_connection_lost(exc):
                monitor.report_failure()
            self._drop_passage(passage.id)
            show_error(self, exc)
            self._after_undo()
            return
        self._drop_passage(passage.id)
        self._after_undo()
        self._show_status(
            _("Entrée annulée : {passage}").format(passage=describe_passage(passage, today))
        )
        self.changes.announce(self, Topic.VISITS)

    def _take_back(self, visit: PendingVisit) -> None:
        monitor = monitor_of(self)
        removed = monitor is not None and monitor.take_back(visit)
        self._show_status(taken_back_text(visit, removed, self.now().date()))

    # -- the undo stack and the open passage ------------------------------------------------
    def _push(self, entry: UndoEntry) -> None:
        self._undo.append(entry)
        del self._undo[:-UNDO_DEPTH]
        self.undo_button.setEnabled(True)

    def _opened(self, passage: PassageInfo | PendingPassage) -> None:
        self._open_passage = (passage.id, self.passage_clock(), self.date_bar.value())
        self._push(passage)

    def _drop_passage(self, passage_id: uuid.UUID) -> None:
        """The passage on top of the undo stack is gone: off the stack, and no longer open."""
        self._undo.pop()
        if self._open_passage is not None and self._open_passage[0] == passage_id:
            self._open_passage = None

    def _after_undo(self) -> None:
        last = self._undo[-1] if self._undo else None
        today = self.now().date()
        if isinstance(last, PassageInfo):
            self.details.set_passage(last, today)
        else:
            self.details.set_visit(last if isinstance(last, VisitInfo) else None, today)
        self.undo_button.setEnabled(bool(self._undo))

    def _show_status(self, message: str) -> None:
        self.status_label.setText(message)
        self.undo_button.setEnabled(bool(self._undo))

    # -- the details of the last entry ------------------------------------------------------
    def unsaved_work(self) -> str | None:
        """The details typed for the last entry and not saved (ui/leaving.py)."""
        if not self.details.is_dirty():
            return None
        return _("Accueil : les détails de la dernière visite comptée")

    def save_work(self, *, quiet: bool = False) -> bool:
        return self._save_details(quiet=quiet)

    def _save_details(self, *, quiet: bool = False) -> bool:
        passage = self.details.passage
        if passage is not None:
            return self._save_passage(passage, quiet=quiet)
        visit = self.details.visit
        if visit is None:
            return True
        try:
            values = self.details.details()
            saved = self._app.visits.complete(
                visit.id,
                commune_id=values.commune_id,
                age_band_id=values.age_band_id,
                gender_id=values.gender_id,
                status_id=values.status_id,
                person_id=values.person_id,
                count=values.count,
                public_id=values.public_id,
            )
        except Exception as exc:
            if not quiet:
                show_error(self, exc)
            return False
        self._undo = [saved if v.id == saved.id else v for v in self._undo]
        self.details.set_visit(saved, self.now().date())
        self._show_status(
            _("Détails enregistrés : {visit}").format(
                visit=describe_visit(saved, self.now().date())
            )
        )
        if saved.count != visit.count:
            self._reload_figures()
        self.changes.announce(self, Topic.VISITS)
        return True

    def _save_passage(self, passage: PassageInfo, *, quiet: bool = False) -> bool:
        """The number of people of the passage shown in the details panel."""
        try:
            saved = self._app.passages.complete(passage.id, count=self.details.count_spin.value())
        except Exception as exc:
            if not quiet:
                show_error(self, exc)
            return False
        self._undo = [
            saved if v.id == saved.id and isinstance(v, PassageInfo) else v for v in self._undo
        ]
        self.details.set_passage(saved, self.now().date())
        self._show_status(
            _("Détails enregistrés : {visit}").format(
                visit=describe_passage(saved, self.now().date())
            )
        )
        self.changes.announce(self, Topic.VISITS)
        return True

    # -- the figures on screen --------------------------------------------------------------
    def _count_in(self, visit: VisitInfo) -> None:
        """Add the visit just committed to the figures shown, without reading the day again
        (read once the desk pauses, :data:`~tiers_lieu.ui.accueil.figures.SETTLE_MS`)."""
        if self.figures.count_in(visit, self.now().date(), self.date_bar.day()):
            self.settle_timer.start()
        else:
            self._reload_figures()

    def _reload_figures(self) -> None:
        """The counts on the buttons and today's visit figures only, read from the base."""
        try:
            self.figures.read(self.now().date(), self.date_bar.day())
        except Exception as exc:
            show_error(self, exc)
