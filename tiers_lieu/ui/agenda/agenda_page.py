"""The agenda tab's page: what it shows and how the host moves through it.

A title with the period shown and the « Imprimer et partager » menu (printing and calendar
exchange, ``share.py``), a bar to turn pages (or PgUp/PgDn, T for today) and to choose the view
and the resource, the grid, a line that describes the booking under the cursor, and the row of
action buttons, which :class:`~tiers_lieu.ui.agenda.agenda_tab.AgendaTab` (a subclass) wires to
what they do.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import _, format_date, month_name, place_now, place_today
from tiers_lieu.services.agenda.readmodels import (
    AgendaView,
    BookingInfo,
    PermanenceSlot,
    ResourceInfo,
)
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.agenda.content import ViewMode, build_content
from tiers_lieu.ui.agenda.grid import AgendaGrid
from tiers_lieu.ui.agenda.grid_model import BlockKind, GridBlock
from tiers_lieu.ui.agenda.navigation import keys_help, week_start
from tiers_lieu.ui.agenda.share import ShareMenu
from tiers_lieu.ui.common import StatusLabel
from tiers_lieu.ui.data_changed import DataChanged, Topic, hub_for
from tiers_lieu.ui.loading import refresh_when_shown
from tiers_lieu.ui.tab_parts import hint_label


def period_title(mode: ViewMode, day: date) -> str:
    if mode == ViewMode.DAY:
        return format_date(day, "full")
    monday = week_start(day)
    sunday = monday + timedelta(days=6)
    if monday.month == sunday.month:
        return _("Semaine du {first} au {last} {month} {year}").format(
            first=monday.day, last=sunday.day, month=month_name(sunday.month), year=sunday.year
        )
    # « Semaine du 30 nov. au 6 déc. 2026 »: short enough for the bar at 1024 pixels.
    return _("Semaine du {first} au {last}").format(
        first=format_date(monday, "d MMM" if monday.year == sunday.year else "medium"),
        last=format_date(sunday, "medium"),
    )


class AgendaPage(QWidget):
    """The period shown (a day or a week, every resource, one resource or one practitioner's
    permanences), the grid, the details of the block under the cursor and the buttons, which
    this class enables but does not wire."""

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
        self._day = place_today(site.zone)
        self._resources: list[ResourceInfo] = []
        self.view: AgendaView | None = None

        self.previous_button = QPushButton(_("◀ &Précédent"), self)
        self.today_button = QPushButton(_("Aujourd'&hui"), self)
        self.next_button = QPushButton(_("Sui&vant ▶"), self)
        self.previous_button.setToolTip(_("Page précédente (Pg préc.)"))
        self.today_button.setToolTip(_("Aujourd'hui (T)"))
        self.next_button.setToolTip(_("Page suivante (Pg suiv.)"))
        self.previous_button.clicked.connect(lambda: self.on_page_requested(-1))
        self.next_button.clicked.connect(lambda: self.on_page_requested(1))
        self.today_button.clicked.connect(self.on_today_requested)
        self.period = QLabel(self)
        font = self.period.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.period.setFont(font)
        self.period.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.mode = QComboBox(self)
        self.mode.addItem(_("Jour"), ViewMode.DAY)
        self.mode.addItem(_("Semaine"), ViewMode.WEEK)
        self.mode.setCurrentIndex(1)
        self.resource = QComboBox(self)
        self.resource.setMinimumContentsLength(16)
        # As wide as 16 letters, not as the longest name: the period's title needs the room.
        self.resource.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.resource.setToolTip(
            _(
                "Une ressource, un praticien (ses permanences) ou toutes les ressources "
                "(le jour, ou la semaine sur demande)"
            )
        )
        mode_label = QLabel(_("V&ue :"), self)
        mode_label.setBuddy(self.mode)
        resource_label = QLabel(_("&Ressource :"), self)
        resource_label.setBuddy(self.resource)
        bar = QHBoxLayout()
        for button in (self.previous_button, self.today_button, self.next_button):
            bar.addWidget(button)
        bar.addStretch(1)
        for widget in (mode_label, self.mode, resource_label, self.resource):
            bar.addWidget(widget)

        self.grid = AgendaGrid(self)
        self.scroller = QScrollArea(self)
        self.scroller.setWidget(self.grid)
        self.scroller.setWidgetResizable(True)
        self.scroller.setFocusProxy(self.grid)
        self.help = hint_label(keys_help(), self)
        self.details = QLabel(self)
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status = StatusLabel(self, zone=self._site.zone)

        self.next_free_button = QPushButton(_("Prochain créneau libr&e"), self)
        self.next_free_button.setToolTip(
            _("Le prochain créneau libre de la ressource ou du praticien choisi (L)")
        )
        self.new_button = QPushButton(_("&Nouvelle réservation…"), self)
        self.edit_button = QPushButton(_("Mo&difier…"), self)
        self.check_in_button = QPushButton(_("Arriv&é·e"), self)
        self.no_show_button = QPushButton(_("A&bsent·e"), self)
        self.cancel_button = QPushButton(_("Annu&ler…"), self)
        self.share = ShareMenu(app, site, self)
        self.share_button = QPushButton(_("Imprimer et par&tager"), self)
        self.share_button.setMenu(self.share)
        for key, step in ((Qt.Key.Key_PageUp, -1), (Qt.Key.Key_PageDown, 1)):
            # Wherever the focus is in the tab (a combo, a button), PgUp/PgDn turn the page.
            paging = QShortcut(QKeySequence(key), self)
            paging.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            paging.activated.connect(lambda s=step: self.on_page_requested(s))
        actions = QHBoxLayout()
        actions.addWidget(self.next_free_button)
        for button in (
            self.new_button,
            self.edit_button,
            self.check_in_button,
            self.no_show_button,
            self.cancel_button,
        ):
            actions.addWidget(button)
        actions.addStretch(1)
        # Printing is about the page shown: on the title's line, which leaves the row of
        # actions narrow enough for a 1024-pixel screen.
        title = QHBoxLayout()
        title.addWidget(self.period, 1)  # its own room: never cut at 1024 pixels
        title.addWidget(self.share_button)

        layout = QVBoxLayout(self)
        layout.addLayout(title)
        layout.addLayout(bar)
        layout.addWidget(self.scroller, 1)
        layout.addWidget(self.help)
        layout.addWidget(self.details)
        layout.addLayout(actions)
        layout.addWidget(self.status)

        self.grid.page_requested.connect(self.on_page_requested)
        self.grid.today_requested.connect(self.on_today_requested)
        self.grid.current_changed.connect(self.on_current_changed)
        self.share.imported.connect(self.on_bookings_changed)
        self.share.printed.connect(self.status.confirm)
        self.reload_resources()
        # One resource's week, or the day of every resource: the week of every resource is
        # shown only when asked for (its columns are narrow).
        self.mode.setCurrentIndex(1 if len(self._resources) <= 1 else 0)
        self.mode.currentIndexChanged.connect(self.refresh)
        self.resource.currentIndexChanged.connect(self.refresh)
        self.refresh()
        self.grid.go_to(self._day, time(9, 0))
        # Bookings, resources, permanences, hours or closures changed in another tab.
        self.shown = refresh_when_shown(self, self.reload, read=True)
        topics = {Topic.BOOKINGS, Topic.RESOURCES, Topic.PERMANENCES, Topic.CALENDAR}
        self.changes.watch(self, topics, self.shown.invalidate)

    # -- what is shown --------------------------------------------------------------------
    def current_day(self) -> date:
        return self._day

    def current_mode(self) -> ViewMode:
        return ViewMode(self.mode.currentData())

    def resource_filter(self) -> uuid.UUID | None:
        """The resource shown: the one chosen, or the room of the practitioner chosen."""
        value = self.resource.currentData()
        if isinstance(value, tuple):
            return value[2]
        return value if isinstance(value, uuid.UUID) else None

    def practitioner_filter(self) -> uuid.UUID | None:
        value = self.resource.currentData()
        return value[1] if isinstance(value, tuple) else None

    def reload_resources(self) -> None:
        chosen = self.resource.currentData()
        self._resources = self._app.agenda.resources.list(self._site.id)
        self.share.set_resources(self._resources)
        active = {r.id for r in self._resources}
        rooms: dict[uuid.UUID, tuple[str, uuid.UUID]] = {}
        today = place_today(self._site.zone)
        for perm in self._app.agenda.permanences.list(self._site.id):
            if perm.resource_id in active and (perm.end_date is None or perm.end_date >= today):
                rooms.setdefault(perm.practitioner_id, (perm.practitioner_name, perm.resource_id))
        self.resource.blockSignals(True)
        self.resource.clear()
        self.resource.addItem(_("Toutes les ressources"), None)
        choices: list[tuple[str, object]] = [(r.name, r.id) for r in self._resources]
        choices += [
            (_("Permanence : {name}").format(name=name), ("practitioner", who, room))
            for who, (name, room) in sorted(rooms.items(), key=lambda item: item[1][0])
        ]
        for text, data in choices:
            self.resource.addItem(text, data)
            if data == chosen:
                self.resource.setCurrentIndex(self.resource.count() - 1)
        self.resource.blockSignals(False)

    def reload(self) -> None:
        """The resources and practitioners to choose from, then the page shown."""
        self.reload_resources()
        self.refresh()

    def refresh(self) -> None:
        bookings = self._app.agenda.bookings
        mode, resource_id = self.current_mode(), self.resource_filter()
        if mode == ViewMode.DAY:
            self.view = bookings.day(self._site.id, self._day, resource_id=resource_id)
        else:
            self.view = bookings.week(self._site.id, self._day, resource_id=resource_id)
        content = build_content(
            self.view, mode=mode, resource_id=resource_id, today=place_today(self._site.zone)
        )
        column, _row = self.grid.current_cell()
        shown = self.grid.columns()
        was_on = shown[column].resource_id if column < len(shown) else None
        day = self._day  # set_content moves the cursor, which would change the day
        self.grid.set_content(
            content.columns,
            content.blocks,
            first=content.first,
            last=content.last,
            now=place_now(self._site.zone),
        )
        self._day = day
        self.grid.go_to(day, resource_id=was_on)
        self.period.setText(period_title(mode, self._day))
        self.period.setToolTip(self.period.text())
        self.share.set_day(self._day)
        self.on_current_changed()

    def on_bookings_changed(self, *also: Topic) -> None:
        self.refresh()
        self.changes.announce(self, Topic.BOOKINGS, *also)

    def _ensure_current_visible(self) -> None:
        column, row = self.grid.current_cell()
        rect = self.grid.cell_rect(column, row)
        # Not under the header, which stays at the top when the hours scroll.
        self.scroller.ensureVisible(
            rect.center().x(),
            rect.center().y(),
            rect.width(),
            rect.height() // 2 + self.grid.header_height() + 2,
        )

    def _show_slot(self, resource_id: uuid.UUID, start: datetime) -> None:
        """Turn to the page of ``start`` and put the cursor on it, in ``resource_id``'s
        column when the view shows it."""
        self._day = start.date()
        self.refresh()
        self.grid.go_to(self._day, start.time(), resource_id=resource_id)

    # -- navigation -----------------------------------------------------------------------
    def on_page_requested(self, step: int) -> None:
        days = 1 if self.current_mode() == ViewMode.DAY else 7
        self._day += timedelta(days=days * step)
        self.refresh()
        self.grid.go_to(self._day)

    def on_today_requested(self) -> None:
        self._day = place_today(self._site.zone)
        self.refresh()
        self.grid.go_to(self._day)
        self.grid.setFocus()

    def on_current_changed(self) -> None:
        column, _row = self.grid.current_cell()
        columns = self.grid.columns()
        if 0 <= column < len(columns):
            self._day = columns[column].day
        self._ensure_current_visible()
        block = self.grid.current_block()
        booking = self._booking_of(block)
        for button in (self.check_in_button, self.no_show_button, self.cancel_button):
            button.setEnabled(booking is not None)
        self.edit_button.setEnabled(block is not None)
        if block is None:
            self.details.setText("")
            return
        self.details.setText(" · ".join(block.tooltip.splitlines()))

    # -- the block under the cursor -------------------------------------------------------
    @staticmethod
    def _booking_of(block: GridBlock | None) -> uuid.UUID | None:
        if block is None or block.kind == BlockKind.SLOT_FREE:
            return None
        if isinstance(block.payload, BookingInfo):
            return block.payload.id
        if isinstance(block.payload, PermanenceSlot) and block.payload.booking_id:
            return block.payload.booking_id
        return None
