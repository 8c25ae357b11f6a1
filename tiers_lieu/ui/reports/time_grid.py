"""The weekly grid of « Temps passé »: a line per operation and task, a column per day, hours
typed by keyboard.

A cell takes what people write on paper: « 3,5 », « 3h30 », « 3:30 », « 4 »
(:func:`tiers_lieu.i18n.parse_duration`); it then shows « 3 h 30 ». A cell that cannot be read
keeps its text, turns red and is named when saving (nothing is saved until it is fixed). An
empty cell is no time. The last line is always empty (typing in it adds a line); the line
under it holds each day's total, the last column each line's.

Tab, Maj+Tab and Entrée move to the next (previous) cell that can be typed in, skipping the
totals; Suppr empties a cell. The model knows nothing of the services: it is loaded from a
:class:`~tiers_lieu.services.time_sheets.WeekGrid` and gives back
:class:`~tiers_lieu.services.time_sheets.WeekLine` rows.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from tiers_lieu.i18n import _, format_date, format_duration, parse_duration
from tiers_lieu.services.time_sheet_models import (
    TASK_MAX,
    OperationChoice,
    WeekGrid,
    WeekLine,
    day_label,
)

OPERATION, TASK = 0, 1
FIRST_DAY = 2
TOTAL = FIRST_DAY + 7
COLUMNS = TOTAL + 1

Index = QModelIndex | QPersistentModelIndex
Cell = int | str | None
"""Minutes typed, or the text that could not be read, or ``None`` (empty)."""

_INVALID = QColor(255, 205, 205)
_TOTALS = QColor(236, 239, 242)
_WEEKEND = QColor(246, 247, 249)


@dataclass
class _Line:
    operation_id: uuid.UUID | None
    task: str
    cells: list[Cell] = field(default_factory=lambda: [None] * 7)

    def minutes(self) -> list[int]:
        return [c if isinstance(c, int) else 0 for c in self.cells]

    def is_empty(self) -> bool:
        return not self.task and all(c is None for c in self.cells)


@dataclass(frozen=True)
class Unreadable:
    """A cell whose text is not a duration: where it is and what it says."""

    row: int
    column: int
    day: date
    text: str

    @property
    def message(self) -> str:
        return _(
            "{day} : « {text} » n'est pas une durée (tapez par exemple 3,5 ou 3h30 ou 3:30)."
        ).format(day=day_label(self.day), text=self.text)


class WeekModel(QAbstractTableModel):
    """The week being typed; ``edited`` after each change a person makes."""

    edited = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.days: list[date] = []
        self.operations: tuple[OperationChoice, ...] = ()
        self.default_operation_id: uuid.UUID | None = None
        self._lines: list[_Line] = []
        self.dirty = False

    # -- loading and reading back ------------------------------------------------------------
    def load(self, grid: WeekGrid | None) -> None:
        """Show ``grid`` (``None``: nothing to type in), unchanged."""
        self.beginResetModel()
        if grid is None:
            self.days, self.operations, self.default_operation_id = [], (), None
            self._lines = []
        else:
            self.days = grid.days
            self.operations = grid.operations
            self.default_operation_id = grid.default_operation_id
            self._lines = [
                _Line(line.operation_id, line.task, [m or None for m in line.minutes])
                for line in grid.lines
            ]
            self._lines.append(self._blank())
        self.dirty = False
        self.endResetModel()

    def week_lines(self) -> list[WeekLine]:
        """What to save: every line with time (lines without are left out)."""
        return [
            WeekLine(line.operation_id, line.task, tuple(line.minutes()))
            for line in self._lines
            if any(line.minutes())
        ]

    def unreadable(self) -> Unreadable | None:
        """The first cell whose text is not a duration, if any."""
        for row, line in enumerate(self._lines):
            for day, cell in enumerate(line.cells):
                if isinstance(cell, str):
                    return Unreadable(row, FIRST_DAY + day, self.days[day], cell)
        return None

    def day_totals(self) -> list[int]:
        return [sum(line.minutes()[day] for line in self._lines) for day in range(7)]

    def week_total(self) -> int:
        return sum(self.day_totals())

    @property
    def line_count(self) -> int:
        """Lines a person types in (the empty last one included; not the totals)."""
        return len(self._lines)

    def operation_title(self, operation_id: uuid.UUID | None) -> str:
        if operation_id is None:
            return _("Hors opération")
        for operation in self.operations:
            if operation.id == operation_id:
                return operation.title
        return "—"

    def operation_at(self, row: int) -> uuid.UUID | None:
        return self._lines[row].operation_id if row < len(self._lines) else None

    def _blank(self) -> _Line:
        return _Line(self.default_operation_id, "")

    # -- Qt's model ------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or not self.days else len(self._lines) + 1

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else COLUMNS

    def is_totals(self, row: int) -> bool:
        return row == len(self._lines)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if not self.is_totals(index.row()) and index.column() != TOTAL:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.ToolTipRole and section == OPERATION:
            return _(
                "« Hors opération » : le reste du temps de travail (le total du jour le compte)."
            )
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if section == OPERATION:
            return _("Opération")
        if section == TASK:
            return _("Tâche")
        if section == TOTAL:
            return _("Total")
        if self.days:
            return format_date(self.days[section - FIRST_DAY], "EEE\nd/M")
        return ""

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if self.is_totals(row):
            return self._totals_data(column, role)
        line = self._lines[row]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if column == OPERATION:
                if line.is_empty() and role == Qt.ItemDataRole.DisplayRole:
                    return ""
                return self.operation_title(line.operation_id)
            if column == TASK:
                return line.task
            if column == TOTAL:
                total = sum(line.minutes())
                return format_duration(total) if total else ""
            return _cell_text(line.cells[column - FIRST_DAY])
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= FIRST_DAY:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole:
            if FIRST_DAY <= column < TOTAL:
                if isinstance(line.cells[column - FIRST_DAY], str):
                    return QBrush(_INVALID)
                if self.days and self.days[column - FIRST_DAY].weekday() >= 5:
                    return QBrush(_WEEKEND)
            if column == TOTAL:
                return QBrush(_TOTALS)
        if role == Qt.ItemDataRole.ToolTipRole and column == OPERATION:
            return self.operation_title(line.operation_id)
        if role == Qt.ItemDataRole.ToolTipRole and FIRST_DAY <= column < TOTAL:
            cell = line.cells[column - FIRST_DAY]
            if isinstance(cell, str):
                return Unreadable(row, column, self.days[column - FIRST_DAY], cell).message
        return None

    def _totals_data(self, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            if column == OPERATION:
                return _("Total du jour")
            if column >= FIRST_DAY:
                minutes = self.week_total() if column == TOTAL else self.day_totals()[column - 2]
                return format_duration(minutes) if minutes else ""
            return ""
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= FIRST_DAY:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(_TOTALS)
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not (self.flags(index) & Qt.ItemFlag.ItemIsEditable):
            return False
        row, column = index.row(), index.column()
        line = self._lines[row]
        if column == OPERATION:
            if value is not None and not isinstance(value, uuid.UUID):
                return False
            if value == line.operation_id:
                return True
            line.operation_id = value
        elif column == TASK:
            text = " ".join(str(value or "").split())[:TASK_MAX]
            if text == line.task:
                return True
            line.task = text
        else:
            cell = _read_cell(str(value or ""))
            if cell == line.cells[column - FIRST_DAY]:
                return True
            line.cells[column - FIRST_DAY] = cell
        self.dirty = True
        last = self.rowCount() - 1
        self.dataChanged.emit(self.index(row, 0), self.index(row, TOTAL))
        self.dataChanged.emit(self.index(last, 0), self.index(last, TOTAL))
        if row == len(self._lines) - 1 and not line.is_empty():
            # Typing in the empty last line makes it a line: a new empty one comes under it.
            self.beginInsertRows(QModelIndex(), len(self._lines), len(self._lines))
            self._lines.append(self._blank())
            self.endInsertRows()
        self.edited.emit()
        return True


def _cell_text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, str):
        return cell
    return format_duration(cell)


def _read_cell(text: str) -> Cell:
    text = text.strip()
    if not text:
        return None
    try:
        minutes = parse_duration(text)
    except ValueError:
        return text[:40]
    return minutes or None


class GridDelegate(QStyledItemDelegate):
    """A list of the place's operations for the first column; Entrée moves on like Tab."""

    def __init__(self, model: WeekModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self.editor: QWidget | None = None
        """The editor open, if any (the tab commits it before saving or leaving)."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        if index.column() == OPERATION:
            combo = QComboBox(parent)
            combo.addItem(_("Hors opération"))
            for operation in self._model.operations:
                combo.addItem(operation.title)
            editor: QWidget = combo
        else:
            editor = super().createEditor(parent, option, index)
        self.editor = editor
        editor.destroyed.connect(self._forget)
        return editor

    def _forget(self, *_args: object) -> None:
        self.editor = None

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        if isinstance(editor, QComboBox):
            current = self._model.operation_at(index.row())
            ids = [None, *(o.id for o in self._model.operations)]
            editor.setCurrentIndex(ids.index(current) if current in ids else 0)
            return
        super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:
        if isinstance(editor, QComboBox):
            ids = [None, *(o.id for o in self._model.operations)]
            model.setData(index, ids[max(editor.currentIndex(), 0)])
            return
        super().setModelData(editor, model, index)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            isinstance(watched, QWidget)
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and not (isinstance(watched, QComboBox) and watched.view().isVisible())
        ):
            self.commitData.emit(watched)
            self.closeEditor.emit(watched, QAbstractItemDelegate.EndEditHint.EditNextItem)
            return True
        return super().eventFilter(watched, event)

    def commit_open_editor(self) -> None:
        """Keep what is being typed (before saving, changing week…)."""
        editor = self.editor
        if editor is not None:
            self.commitData.emit(editor)
            self.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.NoHint)


class GridView(QTableView):
    """The grid's keys: Tab and Entrée skip what cannot be typed in, Suppr empties."""

    def __init__(self, model: WeekModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.week_model = model
        self.delegate = GridDelegate(model, self)
        self.setItemDelegate(self.delegate)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.setTabKeyNavigation(True)
        self.setWordWrap(False)
        self.setCornerButtonEnabled(False)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(TASK, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(OPERATION, QHeaderView.ResizeMode.Interactive)
        metrics = self.fontMetrics()
        width = max(metrics.horizontalAdvance(text) for text in ("24 h 00", "mer.", "30/12")) + 16
        for column in range(FIRST_DAY, COLUMNS):
            header.resizeSection(column, width)
        header.resizeSection(OPERATION, 130)

    def editable_after(self, row: int, column: int, step: int) -> QModelIndex:
        """The next (``step`` 1) or previous (-1) cell one can type in, row by row."""
        model = self.week_model
        position = row * COLUMNS + column
        last = model.rowCount() * COLUMNS
        while True:
            position += step
            if position < 0 or position >= last:
                return QModelIndex()
            index = model.index(position // COLUMNS, position % COLUMNS)
            if model.flags(index) & Qt.ItemFlag.ItemIsEditable:
                return index

    def moveCursor(
        self, action: QAbstractItemView.CursorAction, modifiers: Qt.KeyboardModifier
    ) -> QModelIndex:
        current = self.currentIndex()
        if current.isValid() and action in (
            QAbstractItemView.CursorAction.MoveNext,
            QAbstractItemView.CursorAction.MovePrevious,
        ):
            step = 1 if action == QAbstractItemView.CursorAction.MoveNext else -1
            found = self.editable_after(current.row(), current.column(), step)
            return found if found.isValid() else current
        return super().moveCursor(action, modifiers)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        current = self.currentIndex()
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and current.isValid():
            found = self.editable_after(current.row(), current.column(), 1)
            if found.isValid():
                self.setCurrentIndex(found)
            return
        if (
            event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)
            and current.isValid()
            and current.column() != OPERATION
            and self.week_model.flags(current) & Qt.ItemFlag.ItemIsEditable
        ):
            self.week_model.setData(current, "")
            return
        super().keyPressEvent(event)

    def start_at_first_day(self) -> None:
        """Put the cursor on the first line's Monday."""
        index = self.week_model.index(0, FIRST_DAY)
        if index.isValid():
            self.setCurrentIndex(index)
