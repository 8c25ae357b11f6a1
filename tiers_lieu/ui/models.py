"""Qt table models over lists of read models, and the custom roles every list shares.

A list in the windows is a :class:`ReadModelTable` holding frozen read models that a service
returned: the model never talks to the database (no ``QSql*Model``), the widget that owns it
reloads it after each service call. Subclasses declare a ``Columns`` enum, its headers and how
one row shows in one column; this base class does the Qt plumbing once.

A list that grows with the place's history is a :class:`PagedTable`: it holds the pages read
so far and reads the next one only when the view scrolls near the end.

Custom roles are named here once so that every view and test means the same number.
"""

from __future__ import annotations

from abc import ABCMeta, abstractmethod
from collections.abc import Sequence
from enum import IntEnum
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

ID_ROLE = Qt.ItemDataRole.UserRole + 1
"""The row's identifier (a UUID), for acting on the selected row through a service."""

SORT_ROLE = Qt.ItemDataRole.UserRole + 2
"""A value that sorts naturally (a date, a number) where the displayed text would not."""

RowT = TypeVar("RowT")
AnyIndex = QModelIndex | QPersistentModelIndex

_NO_INDEX = QModelIndex()
_UNSEEN = object()
MOST_ANSWERS = 50_000
"""Cell answers kept per model (a screen of cells asks ~5,000; a few MB at most)."""

PAGE_SIZE = 200
"""Rows a :class:`PagedTable` reads at a time, unless it says otherwise."""

_PAGED_ROLES = frozenset(
    {Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.TextAlignmentRole, ID_ROLE, SORT_ROLE}
)


class QtABCMeta(type(QAbstractTableModel), ABCMeta):  # type: ignore[misc]
    """Lets a Qt base class declare abstract methods (Qt's metaclass and ABCMeta combined)."""


class ReadModelTable(QAbstractTableModel, Generic[RowT], metaclass=QtABCMeta):
    """A read-only table over ``rows``; subclasses say what each column shows."""

    Columns: type[IntEnum]

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[RowT] = []
        # What each cell answered to each role: Qt asks a dozen roles of every visible cell at
        # every paint and every column sizing, and ``display`` formats dates and amounts
        # through Babel (~40 µs each). Forgotten whenever the rows or a cell change (every
        # change goes through one of these signals).
        self._answers: dict[tuple[int, int, int], object] = {}
        self._column_members = tuple(self.Columns)
        for signal in (
            self.modelReset,
            self.layoutChanged,
            self.dataChanged,
            self.rowsInserted,
            self.rowsRemoved,
            self.rowsMoved,
        ):
            signal.connect(self._forget_answers)

    # -- what subclasses provide -------------------------------------------------------
    @abstractmethod
    def headers(self) -> dict[Any, str]:
        """Translated column titles, keyed by ``Columns`` member (called when shown)."""

    @abstractmethod
    def display(self, row: RowT, column: Any) -> str:
        """The text of ``row`` in ``column``."""

    def row_id(self, row: RowT) -> object:
        return getattr(row, "id", None)

    def sort_value(self, row: RowT, column: Any) -> object:
        return self.display(row, column)

    def alignment(self, column: Any) -> Qt.AlignmentFlag:
        return Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter

    def extra(self, row: RowT, column: Any, role: int) -> object:
        """Any other role (colours, tooltips); ``None`` when the column has nothing to add."""
        return None

    # -- rows ----------------------------------------------------------------------------
    def set_rows(self, rows: Sequence[RowT]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[RowT]:
        return list(self._rows)

    def row_at(self, row: int) -> RowT:
        return self._rows[row]

    def find_row(self, row_id: object) -> int:
        """The row number of the read model whose id is ``row_id``, or -1."""
        for number, row in enumerate(self._rows):
            if self.row_id(row) == row_id:
                return number
        return -1

    # -- Qt ------------------------------------------------------------------------------
    def rowCount(self, parent: AnyIndex = _NO_INDEX) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = _NO_INDEX) -> int:
        return 0 if parent.isValid() else len(self.Columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.Columns):
            column = self.Columns(section)
            if role == Qt.ItemDataRole.DisplayRole:
                return self.headers()[column]
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return self.alignment(column)
        return None

    def _forget_answers(self, *_args: object) -> None:
        self._answers.clear()

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        number, column_number = index.row(), index.column()
        key = (number, column_number, role)
        shown = self._answers.get(key, _UNSEEN)
        if shown is not _UNSEEN:
            return shown
        if not index.isValid() or not 0 <= number < len(self._rows):
            return None
        if not 0 <= column_number < len(self._column_members):
            return None
        shown = self._answer(self._rows[number], self._column_members[column_number], role)
        if len(self._answers) >= MOST_ANSWERS:  # a long list scrolled through: bounded
            self._answers.clear()
        self._answers[key] = shown
        return shown

    def _answer(self, row: RowT, column: Any, role: int) -> object:
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(row, column)
        if role == ID_ROLE:
            return self.row_id(row)
        if role == SORT_ROLE:
            return self.sort_value(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self.alignment(column)
        return self.extra(row, column, role)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class PagedTable(ReadModelTable[RowT]):
    """A list read a page at a time, through Qt's ``canFetchMore``/``fetchMore``: the view
    asks for the next page only when it scrolls near the end, so a year of a busy place opens
    with its first page. Subclasses say how to read the rows after those held
    (:meth:`read_page`: an offset or a keyset after the last row) and how a row shows."""

    page_size = PAGE_SIZE

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._more = False

    @abstractmethod
    def read_page(self, held: Sequence[RowT], limit: int) -> list[RowT]:
        """At most ``limit`` rows following ``held``, the rows read so far (none at first)."""

    def reload(self, first: list[RowT] | None = None) -> None:
        """Forget the pages held and show the first one again: ``first`` when it was read
        already (off the GUI thread), else read here."""
        rows = self.read_page([], self.page_size) if first is None else first
        self._more = len(rows) >= self.page_size
        self.set_rows(rows)

    def canFetchMore(self, parent: AnyIndex = _NO_INDEX) -> bool:
        return not parent.isValid() and self._more

    def fetchMore(self, parent: AnyIndex = _NO_INDEX) -> None:
        if not self.canFetchMore(parent):
            return
        page = self.read_page(self._rows, self.page_size)
        self._more = len(page) >= self.page_size
        if page:
            first = len(self._rows)
            self.beginInsertRows(_NO_INDEX, first, first + len(page) - 1)
            self._rows.extend(page)
            self.endInsertRows()

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        # Qt asks every cell it shows or measures for a dozen roles at each scroll; a paged
        # list answers four of them (no colours, fonts or tooltips), the others at once.
        return super().data(index, role) if role in _PAGED_ROLES else None
