"""The agenda's time grid: columns (resources for a day, or days for a week), hours as rows,
bookings and health slots painted as coloured blocks.

The grid knows nothing of the database: the section turns the agenda service's read models
into :class:`GridColumn` and :class:`GridBlock` values (``grid_model.py``) and hands them over
with :meth:`AgendaGrid.set_content`. How it is drawn, and where each cell lies, is in
``grid_canvas.py``; this module is what the host does on it.

The keyboard is the host's first tool here (see ``navigation.py`` for the keys): the grid keeps
a current cell and an anchor, so Shift+arrows (or a mouse drag) select a time range, and says
what the host asked for through signals; it never books or cancels anything itself.
"""

from __future__ import annotations

from datetime import date, time

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QToolTip, QWidget

from tiers_lieu.i18n import _
from tiers_lieu.ui.agenda.grid_canvas import GUTTER, GridCanvas
from tiers_lieu.ui.agenda.grid_model import BlockKind, CellRange, GridBlock, minutes_of
from tiers_lieu.ui.agenda.navigation import GridKeys, key_action


class AgendaGrid(GridCanvas):
    """The painted grid. Signals say what the host asked for; the section acts on them."""

    cell_activated = Signal(object)
    """Entrée, a double click or a drag on free time: create a booking (a :class:`CellRange`)."""
    block_activated = Signal(object)
    """Entrée or a double click on a block, or one click on a free slot (a :class:`GridBlock`)."""
    cancel_requested = Signal(object)
    """Suppr on a block (a :class:`GridBlock`)."""
    page_requested = Signal(int)
    """PgUp/PgDn: -1 or +1 page (a week in the week view, a day in the day view)."""
    today_requested = Signal()
    next_free_requested = Signal()
    """L: the next free slot of the resource or practitioner."""
    current_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self._dragging = False
        self.setAccessibleName(_("Agenda"))

    # -- current cell and selection -------------------------------------------------------
    def current_cell(self) -> tuple[int, int]:
        return self._col, self._row

    def set_current(self, column: int, row: int, *, extend: bool = False) -> None:
        if not self._columns:
            return
        self._col = max(0, min(column, len(self._columns) - 1))
        self._row = max(0, min(row, self.row_count() - 1))
        if extend:
            self._anchor = min(self._anchor, self.row_count() - 1)
        else:
            self._anchor = self._row
        self.update()
        self.current_changed.emit()

    def go_to(self, day: date, at: time | None = None, resource_id: object = None) -> None:
        """Put the current cell on ``day`` at ``at`` (the hour kept when ``None``), in the
        column of ``resource_id`` if that day shows it, else the day's first column."""
        of_day = [n for n, column in enumerate(self._columns) if column.day == day]
        if not of_day:
            return
        same = [n for n in of_day if self._columns[n].resource_id == resource_id]
        column = (same or of_day)[0]
        minute = minutes_of(at) if at is not None else minutes_of(self.row_time(self._row))
        self.set_current(column, self._row_at(minute, column))

    def move_to_column(self, column: int) -> None:
        """Left/right: the row of the other column at the same time of day."""
        if not self._columns:
            return
        column = max(0, min(column, len(self._columns) - 1))
        self.set_current(column, self._row_at(minutes_of(self.row_time(self._row)), column))

    def selected_range(self) -> CellRange | None:
        if not self._columns:
            return None
        top, bottom = sorted((self._anchor, self._row))
        return CellRange(self._columns[self._col], self.row_time(top), self.row_time(bottom + 1))

    def current_block(self) -> GridBlock | None:
        """The block under the cursor: the one at its row's start, else one that begins
        within the row (a booking at 14:15 on the 14:00 row of a half-hour grid)."""
        start = self.row_time(self._row)
        found = self.block_at(self._col, start)
        if found is not None:
            return found
        first, end = minutes_of(start), minutes_of(self.row_time(self._row + 1))
        within = [
            b for b in self._blocks if b.column == self._col and first < minutes_of(b.start) < end
        ]
        within.sort(key=lambda b: (b.kind != BlockKind.BOOKING, minutes_of(b.start), b.lane))
        return within[0] if within else None

    def block_at(self, column: int, at: time, lane_x: float | None = None) -> GridBlock | None:
        minute = minutes_of(at)
        found = [
            b
            for b in self._blocks
            if b.column == column and minutes_of(b.start) <= minute < minutes_of(b.end)
        ]
        if lane_x is not None and found:
            lane_hit = [b for b in found if b.lane == int(lane_x * b.lanes)]
            found = lane_hit or found
        found.sort(key=lambda b: (b.kind != BlockKind.BOOKING, b.lane))
        return found[0] if found else None

    # -- keyboard and mouse ---------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        action = key_action(event)
        if action is None or not self._columns:
            super().keyPressEvent(event)
            return
        extend = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        if action == GridKeys.UP:
            self.set_current(self._col, self._row - 1, extend=extend)
        elif action == GridKeys.DOWN:
            self.set_current(self._col, self._row + 1, extend=extend)
        elif action == GridKeys.LEFT:
            self.move_to_column(self._col - 1)
        elif action == GridKeys.RIGHT:
            self.move_to_column(self._col + 1)
        elif action == GridKeys.HOME:
            self.set_current(self._col, 0)
        elif action == GridKeys.END:
            self.set_current(self._col, self.row_count() - 1)
        elif action == GridKeys.PAGE_UP:
            self.page_requested.emit(-1)
        elif action == GridKeys.PAGE_DOWN:
            self.page_requested.emit(1)
        elif action == GridKeys.TODAY:
            self.today_requested.emit()
        elif action == GridKeys.NEXT_FREE:
            self.next_free_requested.emit()
        elif action == GridKeys.ACTIVATE:
            self._activate_current()
        elif action == GridKeys.CANCEL:
            block = self.current_block()
            if block is not None and block.kind != BlockKind.SLOT_FREE:
                self.cancel_requested.emit(block)
        event.accept()

    def _activate_current(self) -> None:
        block = self.current_block() if self._anchor == self._row else None
        if block is not None:
            self.block_activated.emit(block)
            return
        selected = self.selected_range()
        if selected is not None:
            self.cell_activated.emit(selected)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        hit = self._cell_at(event.position().toPoint())
        if hit is None or event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        column, row, _lane = hit
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        self.set_current(column, row)
        self._dragging = True

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        hit = self._cell_at(event.position().toPoint())
        if self._dragging and hit is not None and hit[0] == self._col:
            self.set_current(self._col, hit[1], extend=True)
        elif not self._dragging and hit is None and self._columns:
            QToolTip.showText(
                event.globalPosition().toPoint(), self.header_tip(event.position().toPoint()), self
            )
        elif not self._dragging and hit is not None:
            block = self.block_at(hit[0], self.row_time(hit[1], hit[0]), hit[2])
            tip = block.tooltip if block is not None else ""
            if tip:
                QToolTip.showText(event.globalPosition().toPoint(), tip, self)
            else:
                QToolTip.hideText()

    def header_tip(self, point: QPoint) -> str:
        """The whole name of the column under ``point`` in the header (it may be cut)."""
        below = point.y() - self._scrolled_by()
        if not 0 <= below < self._header_height() or point.x() < GUTTER or not self._columns:
            return ""
        column = int((point.x() - GUTTER) // self._column_width())
        if not 0 <= column < len(self._columns):
            return ""
        found = self._columns[column]
        return " — ".join(t for t in (found.group, found.title, found.closed) if t)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if not self._dragging:
            return
        self._dragging = False
        hit = self._cell_at(event.position().toPoint())
        if self._anchor != self._row:
            selected = self.selected_range()
            if selected is not None:
                self.cell_activated.emit(selected)
            return
        if hit is not None:
            block = self.block_at(hit[0], self.row_time(hit[1], hit[0]), hit[2])
            if block is not None and block.kind == BlockKind.SLOT_FREE:
                self.block_activated.emit(block)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        hit = self._cell_at(event.position().toPoint())
        if hit is None:
            return
        block = self.block_at(hit[0], self.row_time(hit[1], hit[0]), hit[2])
        if block is not None:
            if block.kind != BlockKind.SLOT_FREE:  # a free slot opened on the first click
                self.block_activated.emit(block)
            return
        selected = self.selected_range()
        if selected is not None:
            self.cell_activated.emit(selected)
