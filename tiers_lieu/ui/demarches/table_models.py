"""The lists of the « Démarches » section as Qt models over the assistance read models.

The history can hold thousands of records a year: :class:`HistoryModel` is a
:class:`~tiers_lieu.ui.models.PagedTable`, so that opening a year costs one page and the
totals query.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from enum import IntEnum
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont

from tiers_lieu.i18n import _, format_date, format_duration, format_number, format_time
from tiers_lieu.services.assistance import AssistanceRow, FollowUp, TotalLine
from tiers_lieu.ui.models import PagedTable, ReadModelTable

OVERDUE = QColor("#b00020")
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def format_minutes(minutes: int) -> str:
    """``45 min``, ``2 h``, ``3 h 05`` (the one rule, :func:`i18n.format_duration`)."""
    return format_duration(minutes)


class FollowUpsModel(ReadModelTable[FollowUp]):
    class Columns(IntEnum):
        DUE = 0
        DATE = 1
        OPERATOR = 2
        THEME = 3
        OUTCOME = 4
        COMMUNE = 5
        PERSON = 6
        NOTE = 7

    def __init__(self, parent: Any = None, *, today: date) -> None:
        super().__init__(parent)
        self.today = today
        """Today at the place: a follow-up due before is late."""

    def headers(self) -> dict[Any, str]:
        c = self.Columns
        return {
            c.DUE: _("À revoir le"),
            c.DATE: _("Date"),
            c.OPERATOR: _("Organisme"),
            c.THEME: _("Thème"),
            c.OUTCOME: _("Issue"),
            c.COMMUNE: _("Commune"),
            c.PERSON: _("Personne"),
            c.NOTE: _("Note"),
        }

    def display(self, row: FollowUp, column: Any) -> str:
        c = self.Columns  # only the column asked: two dates through Babel were ~80 µs a cell
        if column == c.DUE:
            return format_date(row.due)
        if column == c.DATE:
            return format_date(row.activity_date)
        if column == c.PERSON:
            return row.person_name or _("anonyme")
        if column == c.NOTE:
            return row.note.replace("\n", " ")
        texts = {c.OPERATOR: row.operator, c.THEME: row.theme, c.OUTCOME: row.outcome}
        return texts.get(column, row.commune)

    def sort_value(self, row: FollowUp, column: Any) -> object:
        c = self.Columns
        if column == c.DUE:
            return row.due
        if column == c.DATE:
            return row.activity_date
        return self.display(row, column)

    def is_overdue(self, row: FollowUp) -> bool:
        return row.due < self.today

    def extra(self, row: FollowUp, column: Any, role: int) -> object:
        if not self.is_overdue(row):
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            return OVERDUE
        if role == Qt.ItemDataRole.FontRole and column == self.Columns.DUE:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            return _("En retard : la date prévue est passée.")
        return None


class HistoryModel(PagedTable[AssistanceRow]):
    """Records of the filtered period, read a page at a time through ``fetch(offset, limit)``."""

    class Columns(IntEnum):
        DATE = 0
        OPERATOR = 1
        THEME = 2
        HELP_TYPE = 3
        DURATION = 4
        OUTCOME = 5
        ORIENTATION = 6
        COMMUNE = 7
        PERSON = 8

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._fetch: Callable[[int, int], list[AssistanceRow]] | None = None

    def load(
        self, fetch: Callable[[int, int], list[AssistanceRow]], first: list[AssistanceRow]
    ) -> None:
        """Start again with ``fetch(offset, limit)``; ``first`` is its first page, read off
        the GUI thread."""
        self._fetch = fetch
        self.reload(first)

    def read_page(self, held: Sequence[AssistanceRow], limit: int) -> list[AssistanceRow]:
        return self._fetch(len(held), limit) if self._fetch is not None else []

    def headers(self) -> dict[Any, str]:
        c = self.Columns
        return {
            c.DATE: _("Date"),
            c.OPERATOR: _("Organisme"),
            c.THEME: _("Thème"),
            c.HELP_TYPE: _("Type d'aide"),
            c.DURATION: _("Durée"),
            c.OUTCOME: _("Issue"),
            c.ORIENTATION: _("Orientation"),
            c.COMMUNE: _("Commune"),
            c.PERSON: _("Personne"),
        }

    def display(self, row: AssistanceRow, column: Any) -> str:
        c = self.Columns
        if column == c.DATE:
            day = format_date(row.activity_date)
            return f"{day} {format_time(row.activity_time)}" if row.activity_time else day
        values = {
            c.OPERATOR: row.operator,
            c.THEME: row.theme,
            c.HELP_TYPE: row.help_type,
            c.DURATION: format_minutes(row.duration_min),
            c.OUTCOME: row.outcome,
            c.ORIENTATION: row.orientation,
            c.COMMUNE: row.commune,
            c.PERSON: row.person_name,
        }
        return values[column]

    def alignment(self, column: Any) -> Qt.AlignmentFlag:
        return _RIGHT if column == self.Columns.DURATION else super().alignment(column)


class TotalsModel(ReadModelTable[TotalLine]):
    class Columns(IntEnum):
        LABEL = 0
        RECORDS = 1
        MINUTES = 2

    def headers(self) -> dict[Any, str]:
        c = self.Columns
        return {c.LABEL: "", c.RECORDS: _("Démarches"), c.MINUTES: _("Durée")}

    def set_heading(self, heading: str) -> None:
        self._heading = heading
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, 0)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if (
            orientation == Qt.Orientation.Horizontal
            and section == 0
            and role == Qt.ItemDataRole.DisplayRole
        ):
            return getattr(self, "_heading", "")
        return super().headerData(section, orientation, role)

    def row_id(self, row: TotalLine) -> object:
        return row.label

    def display(self, row: TotalLine, column: Any) -> str:
        c = self.Columns
        if column == c.RECORDS:
            return format_number(row.records)
        if column == c.MINUTES:
            return format_minutes(row.minutes)
        return row.label

    def alignment(self, column: Any) -> Qt.AlignmentFlag:
        return _RIGHT if column != self.Columns.LABEL else super().alignment(column)
