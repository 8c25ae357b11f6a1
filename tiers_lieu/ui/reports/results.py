"""The computed figures on screen, section by section, before anything is exported.

Each section of :data:`reports.model.SECTIONS` shows its totals as a small table and each
breakdown as a bar chart (visits per month upright), in the order of the PDF, so that what the
coordinator checks here is what the funder will read. The view only reads a
:class:`ReportData`; it never computes.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHeaderView,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.i18n import _
from tiers_lieu.reports.model import INDICATORS, SECTIONS, Indicator, ReportData
from tiers_lieu.reports.pdf_parts.text import format_value, top_with_others
from tiers_lieu.ui.models import ReadModelTable
from tiers_lieu.ui.reports.chart import BarChart
from tiers_lieu.ui.widgets import EmptyState, SectionHeader, SubHeading

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
TOP_COMMUNES = 10  # as in the PDF; the full list is in the exports


class TotalsModel(ReadModelTable[Indicator]):
    """The totals of one section: what is counted, and how many."""

    class Columns(IntEnum):
        LABEL = 0
        VALUE = 1

    def headers(self) -> dict[Any, str]:
        return {self.Columns.LABEL: _("Indicateur"), self.Columns.VALUE: _("Valeur")}

    def display(self, row: Indicator, column: Any) -> str:
        if column == self.Columns.LABEL:
            return row.label
        return format_value(row.value, row.unit)

    def row_id(self, row: Indicator) -> object:
        return row.code

    def sort_value(self, row: Indicator, column: Any) -> object:
        return row.label if column == self.Columns.LABEL else row.value

    def alignment(self, column: Any) -> Qt.AlignmentFlag:
        if column == self.Columns.VALUE:
            return _RIGHT
        return super().alignment(column)


class SectionView(QFrame):
    """One section: its title, its totals table and one chart per breakdown."""

    def __init__(
        self, key: str, title: str, codes: list[str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.key = key
        self.model = TotalsModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setTabKeyNavigation(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setVisible(False)
        rows = self.table.verticalHeader()
        rows.setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.heading = SectionHeader(title, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 8)
        layout.addWidget(self.heading)
        layout.addWidget(self.table)
        # One chart per breakdown of the section, built once (the codes never change).
        self.charts: dict[str, BarChart] = {}
        for code in codes:
            if _is_breakdown(code):
                chart = BarChart(self)
                chart.setObjectName(code)
                chart.setAccessibleName(_(INDICATORS[code].label))
                layout.addWidget(SubHeading(_(INDICATORS[code].label), self))
                layout.addWidget(chart)
                self.charts[code] = chart

    def set_data(self, data: ReportData, codes: list[str]) -> None:
        totals = [i for i in data.indicators if i.code in codes and not _is_breakdown(i.code)]
        self.model.set_rows(totals)
        height = self.table.verticalHeader().defaultSectionSize() * len(totals)
        self.table.setFixedHeight(height + 2 * self.table.frameWidth())
        self.table.setVisible(bool(totals))
        for code, chart in self.charts.items():
            series = data.series(code)
            if code == "visits.by_commune":
                series = top_with_others(series, TOP_COMMUNES, _("Autres communes"))
            chart.set_series(series, _unit(data, code), months=code == "visits.by_month")


def _is_breakdown(code: str) -> bool:
    definition = INDICATORS.get(code)
    return definition is not None and definition.breakdown


def _unit(data: ReportData, code: str) -> str:
    return INDICATORS[code].unit if code in INDICATORS else "count"


class ResultsView(QScrollArea):
    """All sections one under the other, or an explanation until a report is computed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.sections: dict[str, SectionView] = {}
        self._data: ReportData | None = None
        self.setWidget(
            EmptyState(
                _("Aucun rapport calculé"),
                _(
                    "Choisissez une période et un lieu, puis « Calculer » (Ctrl+Entrée) : les "
                    "chiffres du rapport s'affichent ici, section par section, avant l'export."
                ),
            )
        )

    def data(self) -> ReportData | None:
        return self._data

    def set_data(self, data: ReportData) -> None:
        self._data = data
        if not self.sections:
            content = QWidget(self)
            layout = QVBoxLayout(content)
            layout.setContentsMargins(16, 8, 24, 16)
            for number, (key, title, codes) in enumerate(SECTIONS, start=1):
                heading = _("{number}. {title}").format(number=number, title=_(title))
                view = SectionView(key, heading, codes, content)
                self.sections[key] = view
                layout.addWidget(view)
            layout.addStretch(1)
            self.setWidget(content)
        for key, _title, codes in SECTIONS:
            section = self.sections[key]
            section.set_data(data, codes)
            # Charts changed height: lay the sections out now rather than on a later pass,
            # so that nothing is drawn over its neighbour in between.
            _activate(section)
        shown = self.widget()
        _activate(shown)
        if shown is not None:
            shown.adjustSize()


def _activate(widget: QWidget | None) -> None:
    layout = widget.layout() if widget is not None else None
    if layout is not None:
        layout.activate()
