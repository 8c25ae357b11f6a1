"""The agenda's time grid: columns (resources for a day, or days for a week), hours as rows,
bookings and health slots painted as coloured blocks.

The grid knows nothing of the database: the section turns the agenda service's read models
into :class:`GridColumn` and :class:`GridBlock` values and hands them over with
:meth:`AgendaGrid.set_content`. It is painted with ``QPainter`` in one pass, with no widget per
booking, so a full week of every resource draws in a few milliseconds on the desk's laptop.

The keyboard is the host's first tool here (see ``navigation.py`` for the keys): the grid keeps
a current cell and an anchor, so Shift+arrows (or a mouse drag) select a time range, and says
what the host asked for through signals; it never books or cancels anything itself.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from datetime import date, datetime, time

from PySide6.QtCore import QPoint, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QKeyEvent,
    QMouseEvent,
    QMoveEvent,
    QPainter,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import QToolTip, QWidget

from tiers_lieu.i18n import _, format_time
from tiers_lieu.ui.agenda.grid_model import (
    COLOURS,
    BlockKind,
    CellRange,
    GridBlock,
    GridColumn,
    assign_lanes,
    minutes_of,
    time_of,
)
from tiers_lieu.ui.agenda.navigation import GridKeys, key_action

__all__ = ["AgendaGrid", "BlockKind", "CellRange", "GridBlock", "GridColumn", "assign_lanes"]

GUTTER = 52
MIN_ROW = 20
MIN_COLUMN = 36
NARROW_TEXT = 26
READABLE = "Cabinet de sa…"
"""A column is never narrower than this text: below it, the grid scrolls sideways rather
than cut every resource name to « Ca…té » (the week of every resource)."""


class AgendaGrid(QWidget):
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
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self._columns: list[GridColumn] = []
        self._blocks: list[GridBlock] = []
        self._first = 8 * 60
        self._last = 19 * 60
        self._step = 30
        self._col = 0
        self._row = 0
        self._anchor = 0
        self._bounds: list[list[int]] = []  # each column's row boundaries, in minutes
        self._dragging = False
        self._now: datetime | None = None
        self.setAccessibleName(_("Agenda"))

    # -- content --------------------------------------------------------------------------
    def set_content(
        self,
        columns: Sequence[GridColumn],
        blocks: Sequence[GridBlock],
        *,
        first: time,
        last: time,
        step_min: int = 30,
        now: datetime | None = None,
    ) -> None:
        self._columns = list(columns)
        self._blocks = assign_lanes(blocks)
        self._step = step_min
        self._first = minutes_of(first) - minutes_of(first) % step_min
        self._last = max(minutes_of(last), self._first + step_min)
        self._now = now
        self._bounds = [self._column_bounds(c) for c in self._columns]
        self._col = min(self._col, max(len(self._columns) - 1, 0))
        self._row = min(self._row, self.row_count() - 1)
        self._anchor = self._row
        self.updateGeometry()
        self.update()

    def columns(self) -> list[GridColumn]:
        return list(self._columns)

    def blocks(self) -> list[GridBlock]:
        return list(self._blocks)

    def _column_bounds(self, column: GridColumn) -> list[int]:
        """The rows of a column follow its permanence's slots (09:00, 09:20, 09:40…) during
        the permanence and the grid's step elsewhere."""
        spans = [
            (minutes_of(s), minutes_of(e))
            for s, e in column.slots
            if minutes_of(s) < self._last and minutes_of(e) > self._first
        ]
        marks = {
            m
            for m in range(self._first, self._last + 1, self._step)
            if not any(s < m < e for s, e in spans)
        }
        for s, e in spans:
            marks.update(m for m in (s, e) if self._first <= m <= self._last)
        marks.update((self._first, self._last))
        return sorted(marks)

    def _rows_of(self, column: int | None = None) -> list[int]:
        column = self._col if column is None else column
        if 0 <= column < len(self._bounds):
            return self._bounds[column]
        return list(range(self._first, self._last + 1, self._step))

    def _base_rows(self) -> int:
        return max((self._last - self._first) // self._step, 1)

    def row_count(self, column: int | None = None) -> int:
        return max(len(self._rows_of(column)) - 1, 1)

    def row_time(self, row: int, column: int | None = None) -> time:
        bounds = self._rows_of(column)
        row = max(0, min(row, len(bounds) - 1))
        return time_of(bounds[row])

    def _row_at(self, minute: int, column: int | None = None) -> int:
        """The row of ``column`` that holds ``minute``."""
        bounds = self._rows_of(column)
        return max(0, min(bisect_right(bounds, minute) - 1, len(bounds) - 2))

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
        return self.block_at(self._col, self.row_time(self._row))

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

    # -- geometry -------------------------------------------------------------------------
    def _header_height(self) -> int:
        lines = 2 if any(c.group for c in self._columns) else 1
        return lines * (self.fontMetrics().height() + 6) + 4

    def header_height(self) -> int:
        """The header's height: it stays at the top of the scroll area and hides what is
        under it (see :meth:`_scrolled_by`)."""
        return self._header_height()

    def _scrolled_by(self) -> int:
        """How far the grid is scrolled up in its scroll area (on a short screen its hours
        scroll): the header is drawn that much lower, so the names of the columns stay in
        sight."""
        return max(0, -self.y())

    def moveEvent(self, event: QMoveEvent) -> None:
        super().moveEvent(event)
        self.update()  # scrolling moves the grid: its header is drawn again where it stays

    def _row_height(self) -> float:
        """The height of ``step`` minutes (a row of the plain grid)."""
        free = self.height() - self._header_height()
        return max(float(MIN_ROW), free / self._base_rows())

    def _least_column(self) -> int:
        """Columns of resources are never narrower than a readable name; a day's column in
        one resource's week may be narrow (its date is short)."""
        one_day = len({c.day for c in self._columns}) == 1
        if any(c.group for c in self._columns) or (one_day and len(self._columns) > 1):
            return max(MIN_COLUMN, self.fontMetrics().horizontalAdvance(READABLE) + 12)
        return MIN_COLUMN

    def _column_width(self) -> float:
        count = max(len(self._columns), 1)
        return max(float(self._least_column()), (self.width() - GUTTER) / count)

    def sizeHint(self) -> QSize:
        count = max(len(self._columns), 1)
        return QSize(GUTTER + count * 120, self._header_height() + self._base_rows() * 26)

    def minimumSizeHint(self) -> QSize:
        count = max(len(self._columns), 1)
        return QSize(
            GUTTER + count * self._least_column(),
            self._header_height() + self._base_rows() * MIN_ROW,
        )

    def cell_rect(self, column: int, row: int) -> QRect:
        width = self._column_width()
        bounds = self._rows_of(column)
        row = max(0, min(row, len(bounds) - 2))
        top, bottom = self._y_of(bounds[row]), self._y_of(bounds[row + 1])
        return QRectF(GUTTER + column * width, top, width, bottom - top).toRect()

    def _y_of(self, minutes: int) -> float:
        return self._header_height() + (minutes - self._first) / self._step * self._row_height()

    def block_rect(self, block: GridBlock) -> QRectF:
        width = self._column_width()
        lane_width = (width - 6) / block.lanes
        x = GUTTER + block.column * width + 2 + block.lane * lane_width
        top = self._y_of(max(minutes_of(block.start), self._first))
        bottom = self._y_of(min(minutes_of(block.end), self._last))
        return QRectF(x, top + 1, lane_width - 1, max(bottom - top - 2, 4.0))

    def _cell_at(self, point: QPoint) -> tuple[int, int, float] | None:
        top = self._scrolled_by() + self._header_height()
        if point.x() < GUTTER or point.y() < top or not self._columns:
            return None
        width = self._column_width()
        column = int((point.x() - GUTTER) // width)
        minute = self._first + (point.y() - self._header_height()) / self._row_height() * (
            self._step
        )
        if not (0 <= column < len(self._columns) and minute < self._last):
            return None
        row = self._row_at(int(minute), column)
        lane_x = ((point.x() - GUTTER) - column * width) / width
        return column, row, lane_x

    # -- painting -------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            painter.fillRect(self.rect(), QColor("#f4f4f4"))
            self._paint_columns(painter)
            self._paint_hours(painter)
            self._paint_selection(painter)
            self._paint_blocks(painter)
            self._paint_now(painter)
            painter.translate(0, self._scrolled_by())
            self._paint_header(painter)
        finally:
            painter.end()

    def _paint_columns(self, painter: QPainter) -> None:
        width, top = self._column_width(), self._header_height()
        bottom = self._y_of(self._last)
        for number, column in enumerate(self._columns):
            x = GUTTER + number * width
            painter.fillRect(QRectF(x, top, width, bottom - top), QColor("#e6e6e6"))
            if column.closed:
                continue
            fill = QColor("#fffbe6") if column.today else QColor("#ffffff")
            for opens, closes in column.open_ranges:
                y0 = self._y_of(max(minutes_of(opens), self._first))
                y1 = self._y_of(min(minutes_of(closes), self._last))
                if y1 > y0:
                    painter.fillRect(QRectF(x, y0, width, y1 - y0), fill)
        painter.setPen(QPen(QColor("#dddddd")))
        for number, bounds in enumerate(self._bounds):
            x = GUTTER + number * width
            for minute in bounds:
                y = int(self._y_of(minute))
                painter.drawLine(int(x), y, int(x + width), y)
        for number, column in enumerate(self._columns):
            x = int(GUTTER + number * width)
            new_day = number == 0 or self._columns[number - 1].day != column.day
            painter.setPen(QPen(QColor("#888888" if new_day else "#cccccc")))
            painter.drawLine(x, top, x, int(bottom))
            if column.closed and width >= 70:
                painter.setPen(QColor("#666666"))
                rect = QRectF(x + 2, top + 8, width - 4, 3 * self._row_height())
                painter.drawText(
                    rect,
                    int(Qt.AlignmentFlag.AlignHCenter | Qt.TextFlag.TextWordWrap),
                    column.closed,
                )

    def _paint_hours(self, painter: QPainter) -> None:
        painter.fillRect(QRect(0, 0, GUTTER, self.height()), QColor("#f4f4f4"))
        painter.setPen(QColor("#444444"))
        metrics = self.fontMetrics()
        for row in range(self._base_rows()):
            minutes = self._first + row * self._step
            if minutes % 60 and self._row_height() < metrics.height() * 1.6:
                continue
            y = self._y_of(minutes)
            label = format_time(time_of(minutes))
            painter.drawText(
                QRectF(0, y + 1, GUTTER - 6, metrics.height()),
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop),
                label,
            )

    def _paint_header(self, painter: QPainter) -> None:
        height, width = self._header_height(), self._column_width()
        painter.fillRect(QRect(0, 0, self.width(), height), QColor("#f4f4f4"))
        line = self.fontMetrics().height() + 6
        grouped = any(c.group for c in self._columns)
        bold = QFont(self.font())
        bold.setBold(True)
        small = QFont(self.font())
        small.setPointSizeF(self.font().pointSizeF() * 0.85)
        start = 0
        for number, column in enumerate(self._columns):
            x = GUTTER + number * width
            if column.today:
                top_y = line if grouped else 0
                painter.fillRect(QRectF(x, top_y, width, height - top_y), QColor("#ffe58a"))
            painter.setPen(QColor("#222222"))
            font = small if grouped else self.font()
            painter.setFont(font)
            title_rect = QRectF(x + 2, (line if grouped else 0) + 2, width - 4, line)
            elided = QFontMetrics(font).elidedText(
                column.title, Qt.TextElideMode.ElideRight, int(width - 4)
            )
            painter.drawText(title_rect, int(Qt.AlignmentFlag.AlignCenter), elided)
            last_of_group = (
                number == len(self._columns) - 1 or self._columns[number + 1].group != column.group
            )
            if grouped and last_of_group:
                span = QRectF(GUTTER + start * width, 0, (number - start + 1) * width, line)
                if column.today:
                    painter.fillRect(span, QColor("#ffd23f"))
                painter.setFont(bold)
                text = QFontMetrics(bold).elidedText(
                    column.group, Qt.TextElideMode.ElideRight, int(span.width() - 4)
                )
                painter.drawText(span, int(Qt.AlignmentFlag.AlignCenter), text)
                painter.setPen(QColor("#888888"))
                painter.drawLine(int(span.left()), 0, int(span.left()), height)
                start = number + 1
        painter.setPen(QColor("#888888"))
        painter.drawLine(0, height - 1, self.width(), height - 1)

    def _paint_selection(self, painter: QPainter) -> None:
        if not self._columns:
            return
        top, bottom = sorted((self._anchor, self._row))
        rect = self.cell_rect(self._col, top).united(self.cell_rect(self._col, bottom))
        highlight = self.palette().highlight().color()
        fill = QColor(highlight)
        fill.setAlpha(60)
        painter.fillRect(rect, fill)

    def _paint_blocks(self, painter: QPainter) -> None:
        normal = self.font()
        small = QFont(normal)
        small.setPointSizeF(normal.pointSizeF() * 0.85)
        for block in self._blocks:
            if not (0 <= block.column < len(self._columns)):
                continue
            rect = self.block_rect(block)
            key = block.kind if block.kind != BlockKind.BOOKING else block.status
            fill, border = COLOURS.get(key, COLOURS["confirmed"])
            pen = QPen(QColor(border), 1.5)
            if block.kind == BlockKind.SLOT_FREE:
                pen.setStyle(Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.setBrush(QColor(fill))
            painter.drawRoundedRect(rect, 3, 3)
            painter.fillRect(QRectF(rect.left(), rect.top(), 3, rect.height()), QColor(border))
            painter.setPen(QColor("#111111"))
            inner = rect.adjusted(5, 1, -2, -1)
            if inner.width() < NARROW_TEXT:
                continue  # a seat of a busy open space: the tooltip and the line below say who
            narrow = inner.width() < 70
            painter.setFont(small if narrow else normal)
            metrics = QFontMetrics(painter.font())
            y = inner.top()
            for number, line in enumerate(block.lines):
                if y + metrics.height() > inner.bottom() + 2:
                    break
                # In a narrow column the start hour matters more than the end.
                text = line.split("–")[0] if narrow and number == 0 else line
                shown = metrics.elidedText(text, Qt.TextElideMode.ElideRight, int(inner.width()))
                painter.drawText(
                    QRectF(inner.left(), y, inner.width(), metrics.height()),
                    int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop),
                    shown,
                )
                y += metrics.height()
        painter.setBrush(Qt.BrushStyle.NoBrush)
        if self._columns:
            top, bottom = sorted((self._anchor, self._row))
            cursor = self.cell_rect(self._col, top).united(self.cell_rect(self._col, bottom))
            pen = QPen(self.palette().highlight().color(), 2.5 if self.hasFocus() else 1.5)
            painter.setPen(pen)
            painter.drawRect(cursor.adjusted(1, 1, -1, -1))

    def _paint_now(self, painter: QPainter) -> None:
        if self._now is None:
            return
        minutes = self._now.hour * 60 + self._now.minute
        if not self._first <= minutes <= self._last:
            return
        width = self._column_width()
        y = int(self._y_of(minutes))
        painter.setPen(QPen(QColor("#d62828"), 2))
        for number, column in enumerate(self._columns):
            if column.day == self._now.date():
                x = GUTTER + number * width
                painter.drawLine(int(x), y, int(x + width), y)

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
