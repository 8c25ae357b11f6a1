"""« Planning bénévoles »: the volunteers' rota of a week (issue 22).

A grid: a column per day (Monday to Sunday), a row per role and hours of the week's shifts
(« Accueil 09:00–12:30 », « AMAP 17:00–19:00 »…); each cell says who holds the shift, « à
pourvoir » in red when nobody does, ✓ when done. The arrows move by day and role; Entrée opens
the volunteer picker (or a new shift on an empty cell); Ctrl+N a new shift; PgUp/PgDn the
previous/next week; Suppr deletes the shift. Under it, the gaps of the next 7 days (shifts
with nobody, opening hours no « Accueil » shift covers): their number is in the tab's title.

After the day, « Fait » writes the volunteer's hours into « Bénévolat » (the report's
volunteer hours); « Remettre à venir » takes them back. The grid's cells and the gaps' lines
are drawn by :mod:`rota_grid`, the dialogs are in :mod:`rota_dialogs`.
"""

from __future__ import annotations

import uuid
from datetime import date, time, timedelta
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import (
    _,
    format_date,
    format_duration,
    format_time,
    ngettext,
    place_today,
    weekday_name,
)
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.services.rota import (
    MAX_REPEAT_WEEKS,
    ROLES,
    RotaGaps,
    ShiftInfo,
    monday_of,
    role_label,
    week_days,
)
from tiers_lieu.ui.common import StatusLabel, add_shortcut, ask_pdf_path
from tiers_lieu.ui.data_changed import DataChanged, Topic, hub_for
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.loading import refresh_when_shown
from tiers_lieu.ui.ops import run_op
from tiers_lieu.ui.people.rota_dialogs import AvailabilityDialog, ShiftDialog, VolunteerPicker
from tiers_lieu.ui.people.rota_grid import Slot, gap_lines, shift_cell
from tiers_lieu.ui.sheet_output import print_confirmed, save_confirmed
from tiers_lieu.ui.tab_parts import button_row


class RotaTab(QWidget):
    """The week's rota, the gaps ahead and the actions on a shift."""

    gaps_counted = Signal(int)
    """The number of gaps of the next 7 days (the section puts it in the tab's title)."""

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
        self._app, self._site = app, site
        self.monday = monday_of(place_today(site.zone))
        self.slots: list[Slot] = []
        self.cells: dict[tuple[int, int], list[ShiftInfo]] = {}
        self.gaps: RotaGaps | None = None

        self.previous_button = QPushButton(_("◀ Semaine &précédente"), self)
        self.previous_button.clicked.connect(lambda: self.show_week(self.monday - timedelta(7)))
        self.week_label = QLabel(self)
        self.week_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.next_button = QPushButton(_("Semaine sui&vante ▶"), self)
        self.next_button.clicked.connect(lambda: self.show_week(self.monday + timedelta(7)))
        self.this_week_button = QPushButton(_("&Cette semaine"), self)
        self.this_week_button.clicked.connect(
            lambda: self.show_week(monday_of(place_today(self._site.zone)))
        )
        top = QHBoxLayout()
        top.addWidget(self.previous_button)
        top.addWidget(self.week_label, 1)
        top.addWidget(self.next_button)
        top.addWidget(self.this_week_button)

        self.grid = QTableWidget(0, 7, self)
        self.grid.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.grid.setWordWrap(True)
        self.grid.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.grid.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.grid.installEventFilter(self)
        self.grid.itemDoubleClicked.connect(lambda _item: self.on_enter())
        self.grid.currentCellChanged.connect(lambda *_a: self._update_buttons())
        self.grid.setAccessibleName(_("Planning de la semaine"))
        self.setFocusProxy(self.grid)  # Ctrl+Tab to the tab: the arrows move in the week

        self.gaps_label = QLabel(self)
        self.gaps_list = QListWidget(self)
        self.gaps_list.setMaximumHeight(84)
        self.gaps_list.itemActivated.connect(self.on_gap_activated)
        self.gaps_label.setBuddy(self.gaps_list)

        self.new_button = QPushButton(_("&Nouveau créneau…"), self)
        self.new_button.clicked.connect(self.on_new)
        self.copy_button = QPushButton(_("&Recopier la semaine…"), self)
        self.copy_button.clicked.connect(self.on_copy_week)
        self.availability_button = QPushButton(_("&Disponibilités…"), self)
        self.availability_button.clicked.connect(self.on_availability)
        self.print_button = QPushButton(_("Imprim&er…"), self)
        self.print_button.clicked.connect(self.on_print)
        self.pdf_button = QPushButton(_("Enre&gistrer le PDF…"), self)
        self.pdf_button.clicked.connect(self.on_save_pdf)
        self.assign_button = QPushButton(_("&Bénévole…"), self)
        self.assign_button.clicked.connect(self.on_enter)
        self.done_button = QPushButton(_("Fai&t"), self)
        self.done_button.clicked.connect(lambda: self.on_status("done"))
        self.absent_button = QPushButton(_("Ab&sent"), self)
        self.absent_button.clicked.connect(lambda: self.on_status("absent"))
        self.planned_button = QPushButton(_("Re&mettre à venir"), self)
        self.planned_button.clicked.connect(lambda: self.on_status("planned"))
        self.delete_button = QPushButton(_("S&upprimer"), self)
        self.delete_button.clicked.connect(self.on_delete)
        add_shortcut(self, QKeySequence.StandardKey.New, self.on_new, self.new_button)
        add_shortcut(self, QKeySequence.StandardKey.Print, self.on_print, self.print_button)

        shift_actions = button_row(
            self.assign_button,
            self.done_button,
            self.absent_button,
            self.planned_button,
            self.delete_button,
        )
        week_actions = button_row(
            self.new_button,
            self.copy_button,
            self.availability_button,
            self.print_button,
            self.pdf_button,
        )
        self.status = StatusLabel(self, zone=site.zone)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.grid, 1)
        layout.addLayout(shift_actions)
        layout.addWidget(self.gaps_label)
        layout.addWidget(self.gaps_list)
        layout.addLayout(week_actions)
        layout.addWidget(self.status)
        self._update_buttons()
        self.shown = refresh_when_shown(self, self._load)
        self.changes.watch(self, {Topic.ROTA, Topic.PEOPLE, Topic.CALENDAR}, self.shown.invalidate)

    # -- reading --------------------------------------------------------------------------
    def refresh(self) -> None:
        self.shown.invalidate()

    def count_gaps(self) -> None:
        """Count the gaps ahead (off the GUI thread): the section calls it once built, so
        the tab's title says them before the tab is ever shown."""
        site_id = self._site.id
        run_op(
            self,
            lambda _p: self._app.rota.gaps(site_id),
            self._show_gaps,
            on_failure=lambda _exc: None,
        )

    def _load(self) -> None:
        site_id, monday = self._site.id, self.monday

        def work(_progress: object) -> tuple[list[ShiftInfo], RotaGaps]:
            rota = self._app.rota
            return rota.shifts(site_id, monday, monday + timedelta(days=6)), rota.gaps(site_id)

        run_op(self, work, self._show, on_failure=lambda exc: show_error(self, exc))

    def show_week(self, monday: date) -> None:
        self.monday = monday_of(monday)
        self._load()

    def _show(self, found: tuple[list[ShiftInfo], RotaGaps]) -> None:
        shifts, gaps = found
        keep = (self.grid.currentRow(), self.grid.currentColumn())
        days = week_days(self.monday)
        self.week_label.setText(
            _("Semaine du {first} au {last}").format(
                first=format_date(days[0], "long"), last=format_date(days[-1], "long")
            )
        )
        order = {role: n for n, role in enumerate(ROLES)}
        self.slots = sorted(
            {(s.role, s.starts_at, s.ends_at) for s in shifts},
            key=lambda k: (order.get(k[0], 9), k[1], k[2]),
        )
        self.cells = {}
        for s in shifts:
            key = (self.slots.index((s.role, s.starts_at, s.ends_at)), s.on_date.weekday())
            self.cells.setdefault(key, []).append(s)
        self.grid.clearContents()
        self.grid.setRowCount(len(self.slots))
        today = place_today(self._site.zone)
        self.grid.setHorizontalHeaderLabels(
            [
                ("● " if d == today else "")
                + f"{weekday_name(d.weekday())[:3].capitalize()}. {d:%d/%m}"
                for d in days
            ]
        )
        self.grid.setVerticalHeaderLabels(
            [f"{role_label(role)}\n{format_time(a)}–{format_time(b)}" for role, a, b in self.slots]
        )
        for row in range(len(self.slots)):
            for column in range(7):
                self.grid.setItem(row, column, shift_cell(self.cells.get((row, column), [])))
        if self.slots:
            if keep[0] >= 0:
                row, column = min(keep[0], len(self.slots) - 1), keep[1]
            else:  # first shown: today's first shift (or the week's first day)
                column = min(max((today - self.monday).days, 0), 6)
                row = next((r for r, c in sorted(self.cells) if c == column), 0)
            self.grid.setCurrentCell(row, min(max(column, 0), 6))
        self._show_gaps(gaps)
        self._update_buttons()

    def _show_gaps(self, gaps: RotaGaps) -> None:
        self.gaps = gaps
        self.gaps_label.setText(
            ngettext(
                "{n} tr&ou dans les 7 prochains jours :",
                "{n} tr&ous dans les 7 prochains jours :",
                gaps.count,
            ).format(n=gaps.count)
            if gaps.count
            else _("Aucun tr&ou dans les 7 prochains jours.")
        )
        self.gaps_list.clear()
        lines = gap_lines(gaps)
        for _day, _start, text, where in sorted(lines, key=lambda line: (line[0], line[1])):
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, where)
            self.gaps_list.addItem(item)
        self.gaps_list.setVisible(bool(gaps.count))
        self.gaps_counted.emit(gaps.count)

    # -- keys -----------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.grid and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.on_enter()
                return True
            if key == Qt.Key.Key_PageUp:
                self.show_week(self.monday - timedelta(days=7))
                return True
            if key == Qt.Key.Key_PageDown:
                self.show_week(self.monday + timedelta(days=7))
                return True
            if key == Qt.Key.Key_Delete:
                self.on_delete()
                return True
        return super().eventFilter(watched, event)

    # -- the selected cell ----------------------------------------------------------------
    def current_day(self) -> date:
        column = self.grid.currentColumn()
        return self.monday + timedelta(days=column if column >= 0 else 0)

    def current_slot(self) -> Slot | None:
        row = self.grid.currentRow()
        return self.slots[row] if 0 <= row < len(self.slots) else None

    def current_shifts(self) -> list[ShiftInfo]:
        return self.cells.get((self.grid.currentRow(), self.grid.currentColumn()), [])

    def _update_buttons(self) -> None:
        shifts = self.current_shifts()
        for button in (
            self.done_button,
            self.absent_button,
            self.planned_button,
            self.delete_button,
        ):
            button.setEnabled(bool(shifts))

    def _pick_one(self, shifts: list[ShiftInfo], title: str) -> ShiftInfo | None:
        if len(shifts) <= 1:
            return shifts[0] if shifts else None
        labels = [
            f"{role_label(s.role)} {format_time(s.starts_at)}–{format_time(s.ends_at)} — "
            f"{s.person_name or _('à pourvoir')}"
            for s in shifts
        ]
        chosen, ok = QInputDialog.getItem(self, title, _("Créneau :"), labels, 0, False)
        return shifts[labels.index(chosen)] if ok else None

    # -- actions --------------------------------------------------------------------------
    def on_enter(self) -> None:
        """Entrée: the volunteer picker for the cell's shift, or a new shift there."""
        shifts = self.current_shifts()
        if not shifts:
            self.on_new()
            return
        picker = VolunteerPicker(self._app, self._site.id, shifts, self)
        if picker.exec() and picker.assigned is not None:
            s = picker.assigned
            self._written(
                _("{name} sur le créneau {role} du {day}.").format(
                    name=s.person_name or _("Personne"),
                    role=role_label(s.role),
                    day=format_date(s.on_date),
                )
            )

    def on_new(self) -> None:
        slot = self.current_slot()
        role, start, end = slot if slot is not None else ("accueil", time(9), time(12))
        dialog = ShiftDialog(
            self._app,
            self._site.id,
            self,
            day=self.current_day(),
            starts_at=start,
            ends_at=end,
            role=role,
        )
        if dialog.exec() and dialog.created:
            self._written(
                ngettext("{n} créneau créé.", "{n} créneaux créés.", len(dialog.created)).format(
                    n=len(dialog.created)
                )
            )

    def on_status(self, status: str) -> None:
        shift = self._pick_one(self.current_shifts(), _("Marquer un créneau"))
        if shift is None:
            return
        try:
            done = self._app.rota.set_status(shift.id, status)
        except Exception as exc:
            show_error(self, exc)
            return
        messages = {
            "done": _("Créneau fait : {hours} de bénévolat pour {name} (onglet « Bénévolat »)."),
            "absent": _("{name} noté·e absent·e."),
            "planned": _("Créneau remis à venir ({name})."),
        }
        hours = format_duration(done.minutes)
        self._written(
            messages[status].format(hours=hours, name=done.person_name or _("personne")),
            Topic.REPORT_RECORDS,
        )

    def on_delete(self) -> None:
        shift = self._pick_one(self.current_shifts(), _("Supprimer un créneau"))
        if shift is None:
            return
        asked = QMessageBox.question(
            self,
            _("Supprimer le créneau"),
            _("Supprimer le créneau {role} du {day} ?").format(
                role=role_label(shift.role), day=format_date(shift.on_date)
            ),
        )
        if asked != QMessageBox.StandardButton.Yes:
            return
        try:
            self._app.rota.delete_shift(shift.id)
        except Exception as exc:
            show_error(self, exc)
            return
        self._written(_("Créneau supprimé."))

    def on_copy_week(self) -> None:
        weeks, ok = QInputDialog.getInt(
            self,
            _("Recopier la semaine"),
            _(
                "Recopier les créneaux de cette semaine (avec leurs bénévoles) sur combien de "
                "semaines suivantes ?"
            ),
            1,
            1,
            MAX_REPEAT_WEEKS,
        )
        if not ok:
            return
        try:
            made = self._app.rota.copy_week(self._site.id, self.monday, weeks=weeks)
        except Exception as exc:
            show_error(self, exc)
            return
        self._written(
            ngettext("{n} créneau recopié.", "{n} créneaux recopiés.", made).format(n=made)
        )

    def on_availability(self) -> None:
        shifts = self.current_shifts()
        person = next((s.person_id for s in shifts if s.person_id is not None), None)
        dialog = AvailabilityDialog(self._app, self._site.id, self, person_id=person)
        if dialog.exec() and dialog.saved:
            self._written(_("Disponibilités enregistrées."))

    def _write_pdf(self, target: Path) -> Path:
        from tiers_lieu.reports.documents.rota_sheet import write_rota_sheet

        return write_rota_sheet(self._app.rota.week_sheet(self._site.id, self.monday), target)

    def on_print(self) -> None:
        print_confirmed(
            self,
            self.status,
            self._write_pdf,
            title=_("Planning des bénévoles"),
            label=_("Impression du planning…"),
        )

    def on_save_pdf(self) -> None:
        target = ask_pdf_path(
            self,
            _("Enregistrer le planning"),
            _("planning-benevoles-{day}.pdf").format(day=self.monday.isoformat()),
        )
        if target is None:
            return
        save_confirmed(
            self,
            self.status,
            self._write_pdf,
            target,
            label=_("Préparation du planning…"),
            saved=_("Planning enregistré : {path}."),
        )

    def on_gap_activated(self, item: QListWidgetItem) -> None:
        """Entrée on a gap: its week and its cell (an uncovered range: a new shift there)."""
        day, slot = item.data(Qt.ItemDataRole.UserRole)
        self.show_week(day)
        column = (day - self.monday).days
        if slot in self.slots:
            self.grid.setCurrentCell(self.slots.index(slot), column)
            self.grid.setFocus()
            return
        role, start, end = slot
        dialog = ShiftDialog(
            self._app, self._site.id, self, day=day, starts_at=start, ends_at=end, role=role
        )
        if dialog.exec() and dialog.created:
            self._written(_("Créneau créé."))

    def _written(self, message: str, *more: Topic) -> None:
        self.status.confirm(message)
        self._load()
        self.changes.announce(self, Topic.ROTA, *more)

    # -- the keys the tab answers, for the tests and the help ------------------------------
    def selected_id(self) -> uuid.UUID | None:
        shifts = self.current_shifts()
        return shifts[0].id if shifts else None
