"""The agenda grid as drawn: the rows of each column, where a cell or a block lies on
screen, and the painting.

The grid is painted with ``QPainter`` in one pass, with no widget per booking, so a full week
of every resource draws in a few milliseconds on the desk's laptop. :class:`GridCanvas` draws
the current cell and the selection; :class:`~tiers_lieu.ui.agenda.grid.AgendaGrid` (its
subclass) moves them with the keyboard and the mouse and says what the host asked for.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from datetime import datetime, time

from PySide6.QtCore import QPoint, QRect, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QMoveEvent,
    QPainter,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import QWidget

from tiers_lieu.i18n import format_time
from tiers_lieu.ui.agenda.grid_model import (
    COLOURS,
    BlockKind,
    GridBlock,
    GridColumn,
    assign_lanes,
    minutes_of,
    time_of,
)

GUTTER = 52
MIN_ROW = 20
MIN_COLUMN = 36
NARROW_TEXT = 26
READABLE = "Cabinet de sa…"
"""A column is never narrower than this text: below it, the grid scrolls sideways rather
than cut every resource name to « Ca…té » (the week of every resource)."""


class GridCanvas(QWidget):
    """The grid's content (:meth:`set_content`), its rows, its geometry and its painting.
    The current cell and the anchor of the selection are kept here because they are painted
    and kept within the content; :class:`~tiers_lieu.ui.agenda.grid.AgendaGrid` moves them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
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
        self._now: datetime | None = None

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
