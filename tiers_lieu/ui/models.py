"""Qt table models over lists of read models, and the custom roles every list shares.

A list in the windows is a :class:`ReadModelTable` holding frozen read models that a service
returned: the model never talks to the database (no ``QSql*Model``), the widget that owns it
reloads it after each service call. Subclasses declare a ``Columns`` enum, its headers and how
one row shows in one column; this base class does the Qt plumbing once.

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


class QtABCMeta(type(QAbstractTableModel), ABCMeta):  # type: ignore[misc]
    """Lets a Qt base class declare abstract methods (Qt's metaclass and ABCMeta combined)."""


class ReadModelTable(QAbstractTableModel, Generic[RowT], metaclass=QtABCMeta):
    """A read-only table over ``rows``; subclasses say what each column shows."""

    Columns: type[IntEnum]

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[RowT] = []

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

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if not 0 <= index.column() < len(self.Columns):
            return None
        row = self._rows[index.row()]
        column = self.Columns(index.column())
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
