"""The day's figures the Accueil section shows (the count on each button, today's total and
visits per hour), kept current from each visit the desk counts.

A key press adds the visit just committed to the figures on screen instead of reading the
day again (issue 17: the re-read and the repaint of every button were half of a key press).
The pressed button's count shows at once; today's total and chart follow when the keys rest
(:data:`TODAY_DELAY_MS`), so that their repaint is not part of the key press. The day is read
again once the desk pauses (:data:`SETTLE_MS` after the last visit, so that visits counted at
another desk show too), when the activity date changes, after Ctrl+Z, and at the section's
minute refresh.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date

from PySide6.QtCore import QTimer

from tiers_lieu.app import Comptoir
from tiers_lieu.services.today import DayVisits, TodaySummary
from tiers_lieu.services.visits import VisitInfo
from tiers_lieu.ui.accueil.buttons import ServicePad
from tiers_lieu.ui.accueil.glance import TodayPanel

SETTLE_MS = 2_000
"""After the last visit counted, the pause before the day is read again from the base."""

TODAY_DELAY_MS = 250
"""After a visit counted, the pause before today's total and chart are redrawn."""


@dataclass
class ShownFigures:
    """What is on screen: today's figures, and the counts of the day the buttons show (the
    activity date chosen, today unless the host re-keys a past day)."""

    today: date
    total: int
    untimed: int
    by_hour: dict[int, int]
    pad_day: date
    pad_counts: dict[uuid.UUID, int] = field(default_factory=dict)

    @classmethod
    def of(
        cls, visits: DayVisits, pad_day: date, pad_counts: Mapping[uuid.UUID, int]
    ) -> ShownFigures:
        return cls(
            today=visits.day,
            total=visits.total,
            untimed=visits.untimed,
            by_hour=dict(visits.by_hour),
            pad_day=pad_day,
            pad_counts=dict(pad_counts),
        )

    @classmethod
    def of_summary(
        cls, summary: TodaySummary, pad_day: date, pad_counts: Mapping[uuid.UUID, int]
    ) -> ShownFigures:
        return cls(
            today=summary.day,
            total=summary.total,
            untimed=summary.untimed,
            by_hour=dict(summary.visits_by_hour),
            pad_day=pad_day,
            pad_counts=dict(pad_counts),
        )

    def add(self, visit: VisitInfo) -> tuple[bool, bool]:
        """Count ``visit`` (committed) in; whether today's figures and the buttons changed."""
        today = visit.activity_date == self.today
        if today:
            self.total += visit.count
            if visit.activity_time is None:
                self.untimed += visit.count
            else:
                hour = visit.activity_time.hour
                self.by_hour[hour] = self.by_hour.get(hour, 0) + visit.count
        pad = visit.activity_date == self.pad_day
        if pad:
            self.pad_counts[visit.service_id] = (
                self.pad_counts.get(visit.service_id, 0) + visit.count
            )
        return today, pad


class FiguresOnScreen:
    """The buttons' counts and today's panel, fed from the base or from a visit counted."""

    def __init__(
        self,
        app: Comptoir,
        site_id: uuid.UUID,
        pad: ServicePad,
        panel: TodayPanel,
        opening_span: Callable[[date], tuple[int, int] | None],
    ) -> None:
        self._app, self._site_id = app, site_id
        self._pad, self._panel, self._opening_span = pad, panel, opening_span
        self.shown: ShownFigures | None = None
        self.today_timer = QTimer(panel)
        self.today_timer.setSingleShot(True)
        self.today_timer.setInterval(TODAY_DELAY_MS)
        self.today_timer.timeout.connect(self.on_today_timer_timeout)

    def read(self, today: date, pad_day: date) -> None:
        """Read the figures from the base (one query, two when a past day is shown)."""
        visits = self._app.today.visits(self._site_id, today)
        counts = (
            visits.by_service
            if pad_day == today
            else self._app.visits.counts_for_day(self._site_id, pad_day)
        )
        self.show(ShownFigures.of(visits, pad_day, counts))

    def show(self, figures: ShownFigures) -> None:
        self.shown = figures
        self._pad.set_counts(figures.pad_counts)
        self.today_timer.stop()
        self._show_today(figures)

    def count_in(self, visit: VisitInfo, today: date, pad_day: date) -> bool:
        """Add the visit just committed to what is shown; ``False`` when the figures shown
        are of another day (or none), which must then be read."""
        figures = self.shown
        if figures is None or figures.today != today or figures.pad_day != pad_day:
            return False
        in_today, in_pad = figures.add(visit)
        if in_pad:
            self._pad.set_count(visit.service_id, figures.pad_counts[visit.service_id])
        if in_today:
            self.today_timer.start()  # (re)started: drawn once the keys rest
        return True

    def on_today_timer_timeout(self) -> None:
        if self.shown is not None:
            self._show_today(self.shown)

    def _show_today(self, figures: ShownFigures) -> None:
        self._panel.show_visits(
            figures.by_hour, figures.untimed, figures.total, self._opening_span(figures.today)
        )
