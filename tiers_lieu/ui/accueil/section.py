"""The Accueil section: the desk's visit counter and today at a glance.

Counting is the one thing the host does all day, so it is one key press: the number keys are
window shortcuts (a text field keeps the keys typed into it, so typing a commune or a time
never counts a visit), each press is one ``VisitService.count`` call saved at once, and the
visit goes on this desk's undo stack for Ctrl+Z. The stack lives as long as the section: it
is the host's own session, not a history of the site.

The details panel always refers to the last visit counted. Edits left in it are saved just
before the next visit is counted, so the host can fill in a commune, then press the next key.

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
from functools import partial
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import ComptoirError
from tiers_lieu.i18n import _, format_date
from tiers_lieu.services.pending_visits import PendingPassage, PendingVisit, is_connection_lost
from tiers_lieu.services.readmodels import (
    ClosureInfo,
    OpeningRange,
    ServiceInfo,
    SiteInfo,
)
from tiers_lieu.services.visits import PassageInfo, VisitInfo, desk_keys
from tiers_lieu.ui.accueil.activity_date import ActivityDateBar
from tiers_lieu.ui.accueil.buttons import ServicePad
from tiers_lieu.ui.accueil.details import DetailsPanel, describe_passage, describe_visit
from tiers_lieu.ui.accueil.figures import SETTLE_MS, FiguresOnScreen, ShownFigures
from tiers_lieu.ui.accueil.glance import TodayPanel, opening_hours_span, today_hours_text
from tiers_lieu.ui.accueil.pending import (
    UndoEntry,
    kept_text,
    pending_passage,
    pending_visit,
    saved_text,
    taken_back_text,
    with_saved,
)
from tiers_lieu.ui.accueil.tally import print_tally_sheet, save_tally_sheet
from tiers_lieu.ui.connection import ConnectionMonitor, monitor_of
from tiers_lieu.ui.data_changed import DataChanged, Topic, hub_for
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.fit import scrolled
from tiers_lieu.ui.printing import printed_text
from tiers_lieu.ui.widgets import SectionHeader

UNDO_DEPTH = 200
PASSAGE_WINDOW_S = 60.0
"""After « une personne entre », how long the services counted at this desk attach to it."""
PASSAGE_KEY = "+"
GLANCE_REFRESH_MS = 60_000
SIDE_WIDTH = (280, 340)  # the column beside the buttons, narrowest and widest


class AccueilSection(QWidget):
    """One large button per active service, the details of the last visit, today's figures.
    Each visit counted, completed or taken back is announced (``Topic.VISITS``)."""

    def __init__(
        self,
        app: Comptoir,
        site: SiteInfo,
        parent: QWidget | None = None,
        *,
        changes: DataChanged | None = None,
    ) -> None:
        super().__init__(parent)
        self.changes = hub_for(changes, self)
        self._app = app
        self._site = site
        self._services: list[ServiceInfo] = []
        self._keys: dict[uuid.UUID, int] = {}
        self._opening: list[OpeningRange] = []
        self._closures: list[ClosureInfo] = []
        # Saved visits, and visits kept while the server was away (until it takes them).
        self._undo: list[UndoEntry] = []
        self._monitor: ConnectionMonitor | None = None
        self._zone = app.visits.time_zone(site.id)
        # The passage open at this desk: its id, when « + » was pressed (monotonic clock) and
        # the activity date and time chosen then; services counted within the minute attach.
        self._open_passage: tuple[uuid.UUID, float, tuple[date | None, time | None]] | None = None
        self.passage_clock: Callable[[], float] = clock.monotonic

        self.title = SectionHeader(site.name, self)
        self.date_label = QLabel(self)
        self.date_bar = ActivityDateBar(self.now, self)
        self.pad = ServicePad(self)
        self.pad_hint = QLabel(self)
        self.pad_hint.setWordWrap(True)
        self.status_label = QLabel(self)
        self.status_label.setObjectName("visitStatus")
        self.status_label.setWordWrap(True)
        font = self.status_label.font()
        font.setBold(True)
        self.status_label.setFont(font)
        self.enter_button = QPushButton(_("Une personne entre (+)"), self)
        self.enter_button.setObjectName("passageButton")
        self.enter_button.setToolTip(
            _(
                "Compter une personne qui entre (touche +) : les services comptés dans la "
                "minute qui suit sont les siens. Sans elle, chaque visite compte une personne."
            )
        )
        self.undo_button = QPushButton(_("Annuler (Ctrl+Z)"), self)
        self.undo_button.setToolTip(_("Retirer la dernière visite comptée à ce poste (Ctrl+Z)"))
        self.details = DetailsPanel(app, site.id, self)
        self.today_panel = TodayPanel(self)
        self.figures = FiguresOnScreen(app, site.id, self.pad, self.today_panel, self._opening_span)
        self.print_button = QPushButton(_("Imp&rimer une feuille de comptage…"), self)
        self.print_button.setToolTip(
            _("Une feuille à cocher pour les jours où l'ordinateur est éteint (Ctrl+P)")
        )
        self.pdf_button = QPushButton(_("Enregistrer &la feuille en PDF…"), self)
        self.pdf_button.setToolTip(
            _("La même feuille, enregistrée en PDF pour l'imprimer ailleurs")
        )

        self._build_layout()
        self._connect()
        self.refresh()
        self._show_status(_("Appuyez sur la touche d'un service pour compter une visite."))
        # Standalone, the first focusable child would be the date field, which keeps the
        # digits typed; in the main window the section list takes the focus afterwards.
        self.pad.focus_first()

    # -- layout and wiring ----------------------------------------------------------------
    def _build_layout(self) -> None:
        heading = QHBoxLayout()
        heading.addWidget(self.title)
        heading.addStretch(1)
        heading.addWidget(self.date_label)

        status = QHBoxLayout()
        status.addWidget(self.status_label, 1)
        status.addWidget(self.enter_button)
        status.addWidget(self.undo_button)

        # The buttons take the whole height; the details of the last visit share the column
        # beside them with today's figures, as two tabs that scroll inside when the screen
        # is short (issue 16: at 1024×600 the details below the buttons were cut off).
        left = QVBoxLayout()
        left.setSpacing(8)
        left.addWidget(self.date_bar)
        left.addWidget(self.pad, 1)
        left.addWidget(self.pad_hint)
        left.addLayout(status)

        today_page = QWidget(self)
        today = QVBoxLayout(today_page)
        today.setContentsMargins(8, 8, 8, 8)
        today.addWidget(self.today_panel, 1)
        today.addWidget(self.print_button)
        today.addWidget(self.pdf_button)
        # Not ``tabs``: Ctrl+Tab would put the focus in the commune field, which keeps the
        # digits typed, and the next service key would not count (``ui/tab_keys``).
        self.side_tabs = QTabWidget(self)
        self.side_tabs.setObjectName("accueilSide")
        self.side_tabs.setDocumentMode(True)
        self.side_tabs.addTab(scrolled(today_page), _("Aujourd'&hui"))
        self.side_tabs.addTab(scrolled(self.details), _("Compléter la &visite"))
        self.side_tabs.setTabToolTip(1, _("Compléter la dernière visite (facultatif)"))
        self.side_tabs.setMinimumWidth(SIDE_WIDTH[0])
        self.side_tabs.setMaximumWidth(SIDE_WIDTH[1])

        body = QHBoxLayout()
        body.setSpacing(14)
        body.addLayout(left, 3)
        body.addWidget(self.side_tabs, 1)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(18, 14, 18, 14)
        outer.setSpacing(10)
        outer.addLayout(heading)
        outer.addLayout(body, 1)

    def _connect(self) -> None:
        self.pad.service_clicked.connect(self.on_service_clicked)
        self.undo_button.clicked.connect(self.on_undo_clicked)
        self.enter_button.clicked.connect(self.on_enter_clicked)
        self.details.save_requested.connect(self.on_details_save_requested)
        self.date_bar.changed.connect(self.on_activity_date_changed)
        self.date_bar.day_changed.connect(self.on_glance_timer_timeout)
        self.date_bar.editing_done.connect(self.pad.focus_first)  # back to the service keys
        # Bookings move from "next" to "past" as the day goes; another desk may count too.
        self.glance_timer = QTimer(self)
        self.glance_timer.setInterval(GLANCE_REFRESH_MS)
        self.glance_timer.timeout.connect(self.on_glance_timer_timeout)
        self.glance_timer.start()
        # A key press adds its visit to the figures shown; the day is read again once the desk
        # pauses, so that visits counted at another desk show too.
        self.settle_timer = QTimer(self)
        self.settle_timer.setSingleShot(True)
        self.settle_timer.setInterval(SETTLE_MS)
        self.settle_timer.timeout.connect(self.on_settle_timer_timeout)
        self.print_button.clicked.connect(self.on_print_clicked)
        self.pdf_button.clicked.connect(self.on_save_pdf_clicked)
        self.key_shortcuts: dict[int, QShortcut] = {}
        for key in range(10):
            self.key_shortcuts[key] = self._shortcut(
                QKeySequence(str(key)), partial(self.on_number_key_pressed, key)
            )
        self.passage_shortcut = self._shortcut(QKeySequence(PASSAGE_KEY), self.on_enter_clicked)
        self._shortcut(QKeySequence.StandardKey.Undo, self.on_undo_clicked)
        self._shortcut(QKeySequence.StandardKey.Print, self.on_print_clicked)

    def _shortcut(
        self, keys: QKeySequence | QKeySequence.StandardKey, slot: Callable[[], None]
    ) -> QShortcut:
        shortcut = QShortcut(QKeySequence(keys), self)
        # Window-wide, so that a key counts wherever the focus is (section list included);
        # Qt ignores the shortcuts of a hidden section, and text fields keep their keys.
        shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        shortcut.setAutoRepeat(False)
        shortcut.activated.connect(slot)
        return shortcut

    # -- public ---------------------------------------------------------------------------
    @property
    def site(self) -> SiteInfo:
        return self._site

    def now(self) -> datetime:
        """The place's wall clock (its time zone, whatever the computer's)."""
        return datetime.now(self._zone)

    def undo_stack(self) -> list[UndoEntry]:
        return list(self._undo)

    def refresh(self) -> None:
        """Reload services, communes and figures (after a visit to Paramètres, say)."""
        try:
            self._services = self._app.config.list_services(self._site.id)
            self._opening = self._app.config.opening_hours(self._site.id)
            self._closures = self._app.config.list_closures(self._site.id)
        except Exception as exc:
            show_error(self, exc)
            return
        self._keys = desk_keys(self._services)
        self.pad.set_services(self._services, self._keys)
        self.details.reload()
        unkeyed = len(self._services) - len(self._keys)
        self.pad_hint.setVisible(unkeyed > 0 or not self._services)
        if not self._services:
            self.pad_hint.setText(
                _("Aucun service actif : ajoutez ou réactivez des services dans Paramètres.")
            )
        else:
            self.pad_hint.setText(
                _("Les services sans touche se comptent d'un clic ou avec Tab puis Espace.")
            )
        self._reload_glance()

    def count_visit(self, service_id: uuid.UUID) -> VisitInfo | None:
        """Count one visit to ``service_id`` now (or at the activity date chosen); ``None``
        when it was refused, or kept for later because the server is away."""
        monitor = monitor_of(self)
        pressed_at = self.now()  # what a kept visit counts, however long the server takes
        # The visit's id, made now: if the server commits it but its answer is lost, the
        # kept copy retried later carries the same id and is not counted a second time.
        visit_id = uuid.uuid4()
        passage_id = self.open_passage()
        if monitor is not None and monitor.offline:
            # No wait on a server known to be away: keep the visit at once.
            self._keep_visit(monitor, service_id, pressed_at, visit_id, passage_id)
            return None
        if self.details.is_dirty() and not self._save_details():
            if monitor is not None and monitor.offline:
                self._keep_visit(monitor, service_id, pressed_at, visit_id, passage_id)
            return None
        day, moment = self.date_bar.value()
        try:
            visit = self._app.visits.count(
                site_id=self._site.id,
                service_id=service_id,
                activity_date=day,
                activity_time=moment,
                visit_id=visit_id,
                passage_id=passage_id,
            )
        except Exception as exc:
            if monitor is not None and is_connection_lost(exc):
                self._keep_visit(monitor, service_id, pressed_at, visit_id, passage_id)
                monitor.report_failure()
            else:
                show_error(self, exc)
            return None
        self._undo.append(visit)
        del self._undo[:-UNDO_DEPTH]
        self.details.set_visit(visit, self.now().date())
        self.undo_button.setEnabled(True)
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
        monitor = monitor_of(self)
        pressed_at = self.now()
        passage_id = uuid.uuid4()  # made now, like a visit's: a retry never counts it twice
        if monitor is not None and monitor.offline:
            self._keep_passage(monitor, pressed_at, passage_id)
            return None
        if self.details.is_dirty() and not self._save_details():
            if monitor is not None and monitor.offline:
                self._keep_passage(monitor, pressed_at, passage_id)
            return None
        day, moment = self.date_bar.value()
        try:
            passage = self._app.visits.enter(
                site_id=self._site.id,
                activity_date=day,
                activity_time=moment,
                passage_id=passage_id,
            )
        except Exception as exc:
            if monitor is not None and is_connection_lost(exc):
                self._keep_passage(monitor, pressed_at, passage_id)
                monitor.report_failure()
            else:
                show_error(self, exc)
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

    # -- slots ----------------------------------------------------------------------------
    def on_number_key_pressed(self, key: int) -> None:
        service_id = next((sid for sid, k in self._keys.items() if k == key), None)
        if service_id is None:
            self._show_status(_("Aucun service n'a la touche {key}.").format(key=key))
            return
        self.count_visit(service_id)

    def on_service_clicked(self, service_id: object) -> None:
        if isinstance(service_id, uuid.UUID):
            self.count_visit(service_id)

    def on_undo_clicked(self) -> None:
        self.undo_last()

    def on_enter_clicked(self) -> None:
        self.enter()

    def on_details_save_requested(self) -> None:
        if self._save_details():
            self.pad.focus_first()

    def on_activity_date_changed(self) -> None:
        self._reload_figures()

    def on_glance_timer_timeout(self) -> None:
        monitor = monitor_of(self)
        if self.isVisible() and (monitor is None or not monitor.offline):
            self._reload_glance()

    def on_settle_timer_timeout(self) -> None:
        monitor = monitor_of(self)
        if self.isVisible() and (monitor is None or not monitor.offline):
            self._reload_figures()

    def on_pending_visits_saved(self, saved: object) -> None:
        """The server came back and took the visits kept meanwhile."""
        assert isinstance(saved, list)
        mine = with_saved(self._undo, saved)
        if mine:
            self._show_status(saved_text(mine))
        if self.isVisible():
            self._reload_figures()

    def on_print_clicked(self) -> None:
        print_tally_sheet(self, self._app, self._site, self.on_tally_sheet_printed)

    def on_tally_sheet_printed(self, pages: int) -> None:
        self._show_status(printed_text(pages))

    def on_save_pdf_clicked(self) -> None:
        save_tally_sheet(self, self._app, self._site, self.on_tally_sheet_written)

    def on_tally_sheet_written(self, path: Path) -> None:
        self._show_status(_("Feuille de comptage enregistrée : {path}").format(path=str(path)))

    # -- inside ---------------------------------------------------------------------------
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
        try:
            monitor.keep_visit(visit)
        except ComptoirError as exc:
            show_error(self, exc)
            return
        if self._monitor is not monitor:
            self._monitor = monitor
            monitor.visits_saved.connect(self.on_pending_visits_saved)
        self._undo.append(visit)
        del self._undo[:-UNDO_DEPTH]
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
        try:
            monitor.keep_passage(passage)
        except ComptoirError as exc:
            show_error(self, exc)
            return
        if self._monitor is not monitor:
            self._monitor = monitor
            monitor.visits_saved.connect(self.on_pending_visits_saved)
        self._opened(passage)
        if not self.details.is_dirty():
            self.details.set_visit(None, pressed_at.date())
        self._show_status(
            _(
                "Entrée en attente (serveur injoignable) : {passage}. Elle sera enregistrée "
                "dès que le serveur répondra."
            ).format(passage=describe_passage(passage, pressed_at.date()))
        )

    def _opened(self, passage: PassageInfo | PendingPassage) -> None:
        self._open_passage = (passage.id, self.passage_clock(), self.date_bar.value())
        self._undo.append(passage)
        del self._undo[:-UNDO_DEPTH]
        self.undo_button.setEnabled(True)

    def _undo_passage(self, passage: PassageInfo | PendingPassage) -> None:
        """Take back the passage on top of the undo stack (kept, or saved on the server)."""
        today = self.now().date()
        monitor = monitor_of(self)
        if (
            isinstance(passage, PendingPassage)
            and monitor is not None
            and monitor.take_back_passage(passage)
        ):
            self._undo.pop()
            self._closed(passage.id)
            self._after_undo()
            self._show_status(
                _("Entrée en attente retirée : {passage}").format(
                    passage=describe_passage(passage, today)
                )
            )
            return
        try:  # saved (perhaps when the server came back): taken back there
            self._app.visits.undo_passage(passage.id)
        except Exception as exc:
            if monitor is not None and is_connection_lost(exc):
                monitor.report_failure()
            self._undo.pop()
            self._closed(passage.id)
            show_error(self, exc)
            self._after_undo()
            return
        self._undo.pop()
        self._closed(passage.id)
        self._after_undo()
        self._show_status(
            _("Entrée annulée : {passage}").format(passage=describe_passage(passage, today))
        )
        self.changes.announce(self, Topic.VISITS)

    def _closed(self, passage_id: uuid.UUID) -> None:
        if self._open_passage is not None and self._open_passage[0] == passage_id:
            self._open_passage = None

    def _take_back(self, visit: PendingVisit) -> None:
        monitor = monitor_of(self)
        removed = monitor is not None and monitor.take_back(visit)
        self._show_status(taken_back_text(visit, removed, self.now().date()))

    def _save_details(self) -> bool:
        passage = self.details.passage
        if passage is not None:
            return self._save_passage(passage)
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

    def _save_passage(self, passage: PassageInfo) -> bool:
        """The number of people of the passage shown in the details panel."""
        try:
            saved = self._app.visits.complete_passage(
                passage.id, count=self.details.count_spin.value()
            )
        except Exception as exc:
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

    def _reload_glance(self) -> None:
        """Everything the section shows about today, bookings and follow-ups included."""
        now = self.now()
        today = now.date()
        day = self.date_bar.day()
        heading = format_date(today, "full")
        self.date_label.setText(heading[:1].upper() + heading[1:])
        try:
            summary = self._app.today.summary(self._site.id, today)
            counts = (
                summary.visits_by_service
                if day == today
                else self._app.visits.counts_for_day(self._site.id, day)
            )
        except Exception as exc:
            show_error(self, exc)
            return
        self.figures.show(ShownFigures.of_summary(summary, day, counts))
        self.today_panel.show_agenda(summary, now)
        closure = next(
            (c.reason for c in self._closures if c.start_date <= today <= c.end_date), None
        )
        self.today_panel.hours_label.setText(today_hours_text(self._opening, today, closure))

    def _opening_span(self, today: date) -> tuple[int, int] | None:
        ranges = [(r.opens_at, r.closes_at) for r in self._opening if r.weekday == today.weekday()]
        return opening_hours_span(ranges)
