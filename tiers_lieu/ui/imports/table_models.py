"""The import dialog's lists: the first lines of a file as they will be stored, and the problems
that refused it.

The preview shows what the service matched, not what the file said (« epicerie » shows as
« Épicerie », « F » as « Féminin »), so the coordinator sees the import's meaning before
committing to it. An unknown detail shows as a muted dash with « Non communiqué » as its
tooltip: spelt out in every cell, it widened four columns until the assistance preview no
longer fitted a 1280-pixel screen.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from tiers_lieu.defaults import UNKNOWN
from tiers_lieu.errors import LineError
from tiers_lieu.i18n import _, format_date, format_number, format_time
from tiers_lieu.services.imports import AssistancePreview, VisitPreview
from tiers_lieu.ui.models import ReadModelTable

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


UNKNOWN_MARK = "—"


def _detail(value: str | None) -> str:
    return UNKNOWN_MARK if value is None else value


def _muted_if_unknown(value: object, role: int) -> object:
    """Unknown details muted and explained, so the known ones stand out."""
    if value is not None:
        return None
    if role == Qt.ItemDataRole.ForegroundRole:
        return QApplication.palette().color(QPalette.ColorRole.PlaceholderText)
    if role == Qt.ItemDataRole.ToolTipRole:
        return _(UNKNOWN)
    return None


class VisitPreviewModel(ReadModelTable[VisitPreview]):
    class Columns(IntEnum):
        LINE = 0
        DATE = 1
        TIME = 2
        SERVICE = 3
        COUNT = 4
        COMMUNE = 5
        AGE_BAND = 6
        GENDER = 7
        STATUS = 8
        PUBLIC = 9

    def headers(self) -> dict[Any, str]:
        c = self.Columns
        return {
            c.LINE: _("Ligne"),
            c.DATE: _("Date"),
            c.TIME: _("Heure"),
            c.SERVICE: _("Service"),
            c.COUNT: _("Nombre"),
            c.COMMUNE: _("Commune"),
            c.AGE_BAND: _("Tranche d'âge"),
            c.GENDER: _("Genre"),
            c.STATUS: _("Statut"),
            c.PUBLIC: _("Public"),
        }

    def _value(self, row: VisitPreview, column: Any) -> object:
        c = self.Columns
        return {
            c.LINE: row.line,
            c.DATE: row.activity_date,
            c.TIME: row.activity_time,
            c.SERVICE: row.service,
            c.COUNT: row.count,
            c.COMMUNE: row.commune,
            c.AGE_BAND: row.age_band,
            c.GENDER: row.gender,
            c.STATUS: row.status,
            c.PUBLIC: row.public,
        }[column]

    def display(self, row: VisitPreview, column: Any) -> str:
        c = self.Columns
        if column == c.LINE:
            return format_number(row.line)
        if column == c.DATE:
            return format_date(row.activity_date)
        if column == c.TIME:
            return format_time(row.activity_time) if row.activity_time else ""
        if column == c.COUNT:
            return format_number(row.count)
        value = self._value(row, column)
        return _detail(value if isinstance(value, str) else None)

    def alignment(self, column: Any) -> Qt.AlignmentFlag:
        if column in (self.Columns.LINE, self.Columns.COUNT):
            return RIGHT
        return super().alignment(column)

    def extra(self, row: VisitPreview, column: Any, role: int) -> object:
        if column in (self.Columns.LINE, self.Columns.DATE, self.Columns.TIME):
            return None
        return _muted_if_unknown(self._value(row, column), role)


class AssistancePreviewModel(ReadModelTable[AssistancePreview]):
    class Columns(IntEnum):
        LINE = 0
        DATE = 1
        OPERATOR = 2
        THEME = 3
        HELP_TYPE = 4
        DURATION = 5
        OUTCOME = 6
        ORIENTATION = 7
        COMMUNE = 8
        AGE_BAND = 9
        GENDER = 10
        STATUS = 11

    def headers(self) -> dict[Any, str]:
        c = self.Columns
        return {
            c.LINE: _("Ligne"),
            c.DATE: _("Date"),
            c.OPERATOR: _("Organisme"),
            c.THEME: _("Thème"),
            c.HELP_TYPE: _("Type d'aide"),
            c.DURATION: _("Durée"),
            c.OUTCOME: _("Issue"),
            c.ORIENTATION: _("Orientation"),
            c.COMMUNE: _("Commune"),
            c.AGE_BAND: _("Tranche d'âge"),
            c.GENDER: _("Genre"),
            c.STATUS: _("Statut"),
        }

    def _value(self, row: AssistancePreview, column: Any) -> object:
        c = self.Columns
        return {
            c.LINE: row.line,
            c.DATE: row.activity_date,
            c.OPERATOR: row.operator,
            c.THEME: row.theme,
            c.HELP_TYPE: row.help_type,
            c.DURATION: row.duration_min,
            c.OUTCOME: row.outcome,
            c.ORIENTATION: row.orientation,
            c.COMMUNE: row.commune,
            c.AGE_BAND: row.age_band,
            c.GENDER: row.gender,
            c.STATUS: row.status,
        }[column]

    def display(self, row: AssistancePreview, column: Any) -> str:
        c = self.Columns
        if column == c.LINE:
            return format_number(row.line)
        if column == c.DATE:
            return format_date(row.activity_date)
        if column == c.DURATION:
            return _("{n} min").format(n=format_number(row.duration_min))
        if column == c.ORIENTATION and row.orientation is None:
            return ""  # only « Orientée » records have one: nothing is missing here
        value = self._value(row, column)
        return _detail(value if isinstance(value, str) else None)

    def alignment(self, column: Any) -> Qt.AlignmentFlag:
        if column in (self.Columns.LINE, self.Columns.DURATION):
            return RIGHT
        return super().alignment(column)

    def extra(self, row: AssistancePreview, column: Any, role: int) -> object:
        if column in (self.Columns.COMMUNE, self.Columns.AGE_BAND, self.Columns.GENDER):
            return _muted_if_unknown(self._value(row, column), role)
        if column == self.Columns.STATUS:
            return _muted_if_unknown(row.status, role)
        return None


class ProblemsModel(ReadModelTable[LineError]):
    """Every problem of a refused file: sheet (in a workbook of several), line, column and
    what is wrong."""

    class Columns(IntEnum):
        SHEET = 0
        LINE = 1
        COLUMN = 2
        PROBLEM = 3

    def headers(self) -> dict[Any, str]:
        c = self.Columns
        return {
            c.SHEET: _("Feuille"),
            c.LINE: _("Ligne"),
            c.COLUMN: _("Colonne"),
            c.PROBLEM: _("Problème"),
        }

    def display(self, row: LineError, column: Any) -> str:
        if column == self.Columns.SHEET:
            return str(getattr(row, "sheet", ""))
        if column == self.Columns.LINE:
            return format_number(row.line)
        if column == self.Columns.COLUMN:
            return str(getattr(row, "column", ""))
        return row.message

    def alignment(self, column: Any) -> Qt.AlignmentFlag:
        return RIGHT if column == self.Columns.LINE else super().alignment(column)

    def extra(self, row: LineError, column: Any, role: int) -> object:
        if role == Qt.ItemDataRole.ToolTipRole and column == self.Columns.PROBLEM:
            return row.message  # long lists of valid values do not fit the column
        return None
