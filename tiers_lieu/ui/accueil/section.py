"""The Accueil section: the desk's visit counter and today at a glance.

Counting is the one thing the host does all day, so it is one key press: the number keys are
window shortcuts (a text field keeps the keys typed into it, so typing a commune or a time
never counts a visit), each press is one ``VisitService.count`` call saved at once, and the
visit goes on this desk's undo stack for Ctrl+Z. « + » says someone comes in (a passage).
What a key press records, kept while the server is away, completed or taken back, is
:class:`~tiers_lieu.ui.accueil.entries.DeskEntries`; this module builds the screen on it:
the layout, the keys, the figures and today at a glance.

The details panel always refers to the last visit counted.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
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
from tiers_lieu.i18n import _, format_date
from tiers_lieu.services.readmodels import ClosureInfo, OpeningRange, SiteInfo
from tiers_lieu.services.visits import desk_keys
from tiers_lieu.ui.accueil.activity_date import ActivityDateBar
from tiers_lieu.ui.accueil.buttons import ServicePad
from tiers_lieu.ui.accueil.details import DetailsPanel
from tiers_lieu.ui.accueil.entries import DeskEntries
from tiers_lieu.ui.accueil.figures import SETTLE_MS, FiguresOnScreen, ShownFigures
from tiers_lieu.ui.accueil.glance import TodayPanel, opening_hours_span, today_hours_text
from tiers_lieu.ui.accueil.tally import print_tally_sheet, save_tally_sheet
from tiers_lieu.ui.connection import monitor_of
from tiers_lieu.ui.data_changed import DataChanged, hub_for
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.fit import scrolled
from tiers_lieu.ui.printing import printed_text
from tiers_lieu.ui.widgets import SectionHeader

PASSAGE_KEY = "+"
GLANCE_REFRESH_MS = 60_000
SIDE_WIDTH = (280, 340)  # the column beside the buttons, narrowest and widest


class AccueilSection(DeskEntries):
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
        super().__init__(app, site, parent)
        self.changes = hub_for(changes, self)
        self._services = []
        self._keys: dict[uuid.UUID, int] = {}
        self._opening: list[OpeningRange] = []
        self._closures: list[ClosureInfo] = []

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

    def on_print_clicked(self) -> None:
        print_tally_sheet(self, self._app, self._site, self.on_tally_sheet_printed)

    def on_tally_sheet_printed(self, pages: int) -> None:
        self._show_status(printed_text(pages))

    def on_save_pdf_clicked(self) -> None:
        save_tally_sheet(self, self._app, self._site, self.on_tally_sheet_written)

    def on_tally_sheet_written(self, path: Path) -> None:
        self._show_status(_("Feuille de comptage enregistrée : {path}").format(path=str(path)))

    # -- inside ---------------------------------------------------------------------------
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
