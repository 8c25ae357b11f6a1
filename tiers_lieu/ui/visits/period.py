"""The period filter of both lists: a quick choice (today, this week, this month, this year)
or two dates typed in.

Picking a quick choice fills the two dates; editing a date switches the choice to « Dates
choisies ». Lists listen to one signal, ``period_changed(start, end)``, emitted once per
change (never twice while the dates are being filled).
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from PySide6.QtCore import QSignalBlocker, Signal
from PySide6.QtWidgets import QComboBox, QDateEdit, QHBoxLayout, QLabel, QWidget

from tiers_lieu.i18n import N_, _, place_today
from tiers_lieu.ui.common import to_date, to_qdate
from tiers_lieu.ui.date_range import bounded
from tiers_lieu.ui.visits.common import select_data


class Period(StrEnum):
    TODAY = "today"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"
    CUSTOM = "custom"


PERIOD_LABELS = {
    Period.TODAY: N_("Aujourd'hui"),
    Period.WEEK: N_("Cette semaine"),
    Period.MONTH: N_("Ce mois-ci"),
    Period.YEAR: N_("Cette année"),
    Period.CUSTOM: N_("Dates choisies"),
}


def period_range(period: Period, today: date) -> tuple[date, date]:
    """First and last day (inclusive) of ``period`` around ``today``; weeks start on Monday."""
    if period == Period.TODAY:
        return today, today
    if period == Period.WEEK:
        monday = today - timedelta(days=today.weekday())
        return monday, monday + timedelta(days=6)
    if period == Period.MONTH:
        last = calendar.monthrange(today.year, today.month)[1]
        return today.replace(day=1), today.replace(day=last)
    if period == Period.YEAR:
        return date(today.year, 1, 1), date(today.year, 12, 31)
    raise ValueError(period)


class PeriodPicker(QWidget):
    """« Période : [Ce mois-ci] du [01/11/2026] au [30/11/2026] »."""

    period_changed = Signal(object, object)
    """The period became (start, end), both ``datetime.date``, inclusive."""

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        initial: Period = Period.MONTH,
        zone: ZoneInfo,
        today: date | None = None,
    ) -> None:
        super().__init__(parent)
        self._zone = zone
        self._today = today
        self.choice = QComboBox(self)
        for period, text in PERIOD_LABELS.items():
            self.choice.addItem(_(text), period)
        self.start_edit = self._date_edit()
        self.end_edit = self._date_edit()
        label = QLabel(_("&Période :"), self)
        label.setBuddy(self.choice)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(label)
        layout.addWidget(self.choice)
        layout.addWidget(QLabel(_("du"), self))
        layout.addWidget(self.start_edit)
        layout.addWidget(QLabel(_("au"), self))
        layout.addWidget(self.end_edit)
        self.choose(initial)
        self.choice.currentIndexChanged.connect(self.on_choice_changed)
        self.start_edit.dateChanged.connect(self.on_date_edited)
        self.end_edit.dateChanged.connect(self.on_date_edited)

    def _date_edit(self) -> QDateEdit:
        edit = bounded(QDateEdit(self))
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("dd/MM/yyyy")
        edit.setMinimumWidth(120)
        return edit

    def today(self) -> date:
        return self._today or place_today(self._zone)

    def range(self) -> tuple[date, date]:
        start, end = to_date(self.start_edit.date()), to_date(self.end_edit.date())
        return (start, end) if start <= end else (end, start)

    def period(self) -> Period:
        return Period(self.choice.currentData())

    def choose(self, period: Period) -> None:
        """Select a quick choice (and fill the dates) without emitting ``period_changed``."""
        with QSignalBlocker(self.choice):
            select_data(self.choice, period)
        if period != Period.CUSTOM:
            self._fill(*period_range(period, self.today()))

    def set_range(self, start: date, end: date) -> None:
        """Custom dates, as a user would type them (emits ``period_changed``)."""
        self._fill(start, end)
        self.on_date_edited()

    def _fill(self, start: date, end: date) -> None:
        with QSignalBlocker(self.start_edit), QSignalBlocker(self.end_edit):
            self.start_edit.setDate(to_qdate(start))
            self.end_edit.setDate(to_qdate(end))

    def on_choice_changed(self, _index: int) -> None:
        if self.period() == Period.CUSTOM:
            self.start_edit.setFocus()
            return
        self._fill(*period_range(self.period(), self.today()))
        self.period_changed.emit(*self.range())

    def on_date_edited(self) -> None:
        if self.period() != Period.CUSTOM:
            with QSignalBlocker(self.choice):
                select_data(self.choice, Period.CUSTOM)
        self.period_changed.emit(*self.range())
