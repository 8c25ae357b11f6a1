"""« Horaires d'ouverture » : up to two opening ranges per weekday (morning and afternoon,
the usual rhythm of a rural place), or the day closed.

Saving writes only the days that changed, one ``set_opening_hours`` call each. Every changed
day is checked first with the service's own rule (``check_opening_ranges``), so that a mistake
on Saturday does not leave Monday to Friday saved and the week half-changed.
"""

from __future__ import annotations

from datetime import time

from PySide6.QtCore import QTime, SignalInstance
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import _, format_number, ngettext, weekday_name
from tiers_lieu.services.config import check_opening_ranges
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.common import StatusLabel, add_shortcut, to_time
from tiers_lieu.ui.data_changed import DataChanged, Topic, hub_for
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.loading import refresh_when_shown

Ranges = list[tuple[time, time]]

DEFAULT_RANGES: Ranges = [(time(9, 0), time(12, 30)), (time(14, 0), time(18, 0))]
"""What a day that was closed shows when it is opened: a common rural timetable."""


def day_title(weekday: int) -> str:
    name = weekday_name(weekday)
    return name[:1].upper() + name[1:]


def _minutes(ranges: Ranges) -> int:
    return sum((c.hour * 60 + c.minute) - (o.hour * 60 + o.minute) for o, c in ranges if c > o)


class DayRow:
    """The widgets of one weekday, placed on one line of the tab's grid."""

    def __init__(self, weekday: int, parent: QWidget, grid: QGridLayout, line: int) -> None:
        self.weekday = weekday
        self.title = QLabel(day_title(weekday), parent)
        self.closed = QCheckBox(_("Fermé"), parent)
        self.closed.setAccessibleName(_("{day} : fermé").format(day=day_title(weekday)))
        self.opens = [self._time_edit(parent), self._time_edit(parent)]
        self.closes = [self._time_edit(parent), self._time_edit(parent)]
        self.second = QCheckBox(_("puis de"), parent)
        self.second.setAccessibleName(_("{day} : deuxième plage").format(day=day_title(weekday)))
        self._shown: Ranges = []

        grid.addWidget(self.title, line, 0)
        grid.addWidget(self.closed, line, 1)
        grid.addWidget(self.opens[0], line, 2)
        grid.addWidget(QLabel("–", parent), line, 3)
        grid.addWidget(self.closes[0], line, 4)
        grid.addWidget(self.second, line, 5)
        grid.addWidget(self.opens[1], line, 6)
        grid.addWidget(QLabel("–", parent), line, 7)
        grid.addWidget(self.closes[1], line, 8)
        self.closed.toggled.connect(self._update_enabled)
        self.second.toggled.connect(self._update_enabled)

    @staticmethod
    def _time_edit(parent: QWidget) -> QTimeEdit:
        edit = QTimeEdit(parent)
        edit.setDisplayFormat("HH:mm")
        return edit

    def widgets_changed(self) -> list[SignalInstance]:
        """The signals that mean "the user changed something on this line"."""
        edits = [*self.opens, *self.closes]
        return [self.closed.toggled, self.second.toggled] + [e.timeChanged for e in edits]

    def show_ranges(self, ranges: Ranges) -> None:
        shown = sorted(ranges)[:2]
        filled = shown + DEFAULT_RANGES[len(shown) :]
        for edit, value in zip(self.opens, (r[0] for r in filled), strict=True):
            edit.setTime(QTime(value.hour, value.minute))
        for edit, value in zip(self.closes, (r[1] for r in filled), strict=True):
            edit.setTime(QTime(value.hour, value.minute))
        self.closed.setChecked(not shown)
        self.second.setChecked(len(shown) == 2)
        self._update_enabled()
        self._shown = self.ranges()

    def ranges(self) -> Ranges:
        if self.closed.isChecked():
            return []
        count = 2 if self.second.isChecked() else 1
        return [
            (to_time(self.opens[i].time()), to_time(self.closes[i].time())) for i in range(count)
        ]

    def is_changed(self) -> bool:
        return self.ranges() != self._shown

    def _update_enabled(self) -> None:
        is_open = not self.closed.isChecked()
        self.opens[0].setEnabled(is_open)
        self.closes[0].setEnabled(is_open)
        self.second.setEnabled(is_open)
        has_second = is_open and self.second.isChecked()
        self.opens[1].setEnabled(has_second)
        self.closes[1].setEnabled(has_second)


class HoursTab(QWidget):
    """The week's timetable of the site."""

    def __init__(
        self,
        app: Comptoir,
        site: SiteInfo,
        parent: QWidget | None = None,
        *,
        changes: DataChanged | None = None,
    ) -> None:
        super().__init__(parent)
        self.changes = hub_for(changes, self)
        self._app = app
        self._site = site

        box = QGroupBox(_("Horaires d'ouverture de la semaine"), self)
        grid = QGridLayout(box)
        grid.setHorizontalSpacing(10)
        grid.addWidget(QLabel(_("Jour"), box), 0, 0)
        grid.addWidget(QLabel(_("Ouvert de … à"), box), 0, 2, 1, 3)
        grid.addWidget(QLabel(_("Seconde plage (après-midi)"), box), 0, 5, 1, 4)
        self.days = [DayRow(weekday, box, grid, weekday + 1) for weekday in range(7)]
        grid.setColumnStretch(9, 1)
        for day in self.days:
            for signal in day.widgets_changed():
                signal.connect(self.on_day_edited)

        note = QLabel(
            _(
                "Les jours fériés et les fermetures exceptionnelles se règlent dans l'onglet "
                "« Fermetures et jours fériés »."
            ),
            self,
        )
        note.setWordWrap(True)
        self.total_label = QLabel(self)

        self.save_button = QPushButton(_("&Enregistrer"), self)
        self.save_button.clicked.connect(self.on_save_clicked)
        add_shortcut(self, QKeySequence.StandardKey.Save, self.on_save_clicked, self.save_button)
        self.revert_button = QPushButton(_("Annu&ler les modifications"), self)
        self.revert_button.clicked.connect(self.refresh)
        self.status = StatusLabel(self, zone=self._site.zone)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.status, 1)

        layout = QVBoxLayout(self)
        layout.addWidget(box)
        layout.addWidget(self.total_label)
        layout.addWidget(note)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self.shown = refresh_when_shown(self)  # read when first on screen

    def set_site(self, site: SiteInfo) -> None:
        self._site = site

    def refresh(self) -> None:
        by_day: dict[int, Ranges] = {weekday: [] for weekday in range(7)}
        for opening in self._app.config.opening_hours(self._site.id):
            by_day[opening.weekday].append((opening.opens_at, opening.closes_at))
        for day in self.days:
            day.show_ranges(by_day[day.weekday])
        self.on_day_edited()

    def on_day_edited(self) -> None:
        minutes = sum(_minutes(day.ranges()) for day in self.days)
        open_days = sum(1 for day in self.days if day.ranges())
        self.total_label.setText(
            ngettext(
                "Ouvert {days} jour sur 7, {hours} h par semaine.",
                "Ouvert {days} jours sur 7, {hours} h par semaine.",
                open_days,
            ).format(days=open_days, hours=format_number(minutes / 60, 1 if minutes % 60 else 0))
        )
        changed = any(day.is_changed() for day in self.days)
        self.revert_button.setEnabled(changed)

    def on_save_clicked(self) -> None:
        changed = [day for day in self.days if day.is_changed()]
        if not changed:
            self.status.confirm(_("Aucune modification à enregistrer."))
            return
        try:
            for day in changed:
                check_opening_ranges(
                    day.ranges(),
                    _("Horaires du {day}").format(day=weekday_name(day.weekday)),
                )
            for day in changed:
                self._app.config.set_opening_hours(self._site.id, day.weekday, day.ranges())
        except Exception as exc:  # expected ones shown, unexpected ones also logged
            show_error(self, exc, _("Horaires non enregistrés"))
            return
        names = ", ".join(weekday_name(day.weekday) for day in changed)
        self.refresh()
        self.status.confirm(_("Horaires enregistrés : {days}.").format(days=names))
        self.changes.announce(self, Topic.CALENDAR)
