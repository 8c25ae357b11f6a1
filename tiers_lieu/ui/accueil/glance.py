"""Today at a glance, beside the buttons: the day's total, visits per hour as a small bar
chart, the bookings still expected and the assistance follow-ups due.

The chart is drawn with QPainter (no chart library to load at start): one bar per hour of the
opening span, the count above each bar, the hour below, readable from a step back.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time
from html import escape

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from tiers_lieu.i18n import _, format_number, format_time, ngettext, weekday_name
from tiers_lieu.services.public_holidays import public_holidays
from tiers_lieu.services.readmodels import OpeningRange
from tiers_lieu.services.today import BookingDue, TodaySummary

NEXT_BOOKINGS = 4
BAR_COLOUR = QColor("#3f7fbf")


class HourChart(QWidget):
    """Bars of people counted per hour, between ``first_hour`` and ``last_hour``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._counts: dict[int, int] = {}
        self._first = 9
        self._last = 18
        self.setMinimumHeight(130)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName(_("Visites par heure"))

    def sizeHint(self) -> QSize:
        return QSize(300, 140)

    def set_data(self, counts: Mapping[int, int], first_hour: int, last_hour: int) -> None:
        """``last_hour`` is the last hour shown (a place closing at 18:00 ends at 17)."""
        hours = [h for h, n in counts.items() if n]
        self._first = min([first_hour, *hours])
        self._last = max([last_hour, *hours])
        self._counts = dict(counts)
        tip = ", ".join(
            _("{hour} h : {n}").format(hour=h, n=format_number(n))
            for h, n in sorted(counts.items())
            if n
        )
        self.setToolTip(tip or _("Aucune visite avec une heure aujourd'hui."))
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        text_colour = palette.color(QPalette.ColorRole.Text)
        small = QFont(self.font())
        small.setPointSizeF(max(small.pointSizeF() * 0.85, 7.0))
        painter.setFont(small)
        metrics = painter.fontMetrics()
        label_h = metrics.height() + 2
        hours = list(range(self._first, self._last + 1))
        width = self.width()
        top = label_h
        bottom = self.height() - label_h - 2
        slot = width / max(len(hours), 1)
        peak = max([1, *self._counts.values()])
        painter.setPen(palette.color(QPalette.ColorRole.Mid))
        painter.drawLine(0, int(bottom), width, int(bottom))
        for index, hour in enumerate(hours):
            count = self._counts.get(hour, 0)
            x = index * slot
            bar_w = max(slot * 0.62, 2.0)
            bar_x = x + (slot - bar_w) / 2
            height = (bottom - top) * count / peak
            if count:
                painter.fillRect(QRectF(bar_x, bottom - height, bar_w, height), BAR_COLOUR)
                painter.setPen(text_colour)
                painter.drawText(
                    QRectF(x, bottom - height - label_h, slot, label_h),
                    Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom,
                    format_number(count),
                )
            painter.setPen(text_colour)
            painter.drawText(
                QRectF(x, bottom + 2, slot, label_h),
                Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                str(hour),
            )
        painter.end()


def today_hours_text(ranges: list[OpeningRange], day: date, closure: str | None = None) -> str:
    """One sentence for the host: open today from … to …, or why the place is closed."""
    holiday = public_holidays(day.year).get(day)
    if holiday:
        return _("Fermé aujourd'hui : {name} (jour férié).").format(name=holiday)
    if closure is not None:
        if closure:
            return _("Fermé aujourd'hui : {reason}.").format(reason=closure)
        return _("Fermé aujourd'hui (fermeture exceptionnelle).")
    today = [r for r in ranges if r.weekday == day.weekday()]
    if not today:
        return _("Le lieu n'ouvre pas le {weekday}.").format(weekday=weekday_name(day.weekday()))
    spans = [
        _("de {opens} à {closes}").format(
            opens=format_time(r.opens_at), closes=format_time(r.closes_at)
        )
        for r in today
    ]
    joined = spans[0] if len(spans) == 1 else ", ".join(spans[:-1]) + _(" et ") + spans[-1]
    return _("Ouvert aujourd'hui {spans}.").format(spans=joined)


class TodayPanel(QWidget):
    """The « Aujourd'hui » tab of the column beside the service buttons."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hours_label = QLabel(self)
        self.hours_label.setWordWrap(True)
        self.hours_label.setObjectName("todayHours")
        self.total_label = QLabel(self)
        self.total_label.setObjectName("todayTotal")
        self.total_label.setWordWrap(True)
        font = self.total_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.total_label.setFont(font)
        self.chart_title = QLabel(_("Personnes accueillies par heure"), self)
        self.chart_title.setWordWrap(True)
        self.chart = HourChart(self)
        self.untimed_label = QLabel(self)
        self.bookings_title = _bold(QLabel(self))
        self.bookings_title.setWordWrap(True)
        self.bookings_label = QLabel(self)
        self.bookings_label.setWordWrap(True)
        self.bookings_label.setTextFormat(Qt.TextFormat.RichText)
        self.follow_ups_label = _bold(QLabel(self))
        self.follow_ups_label.setWordWrap(True)
        self.parcels_label = _bold(QLabel(self))
        self.parcels_label.setWordWrap(True)
        self.parcels_label.setObjectName("todayParcels")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.hours_label)
        layout.addWidget(self.total_label)
        layout.addSpacing(4)
        layout.addWidget(self.chart_title)
        layout.addWidget(self.chart)
        layout.addWidget(self.untimed_label)
        layout.addSpacing(6)
        layout.addWidget(self.bookings_title)
        layout.addWidget(self.bookings_label)
        layout.addSpacing(6)
        layout.addWidget(self.follow_ups_label)
        layout.addWidget(self.parcels_label)
        layout.addStretch(1)

    def show_visits(
        self,
        by_hour: Mapping[int, int],
        untimed: int,
        total: int,
        opening: tuple[int, int] | None,
    ) -> None:
        """The day's visit figures (reloaded after every key press)."""
        if total:
            self.total_label.setText(
                ngettext("{n} personne accueillie", "{n} personnes accueillies", total).format(
                    n=format_number(total)
                )
            )
        else:
            self.total_label.setText(_("Aucune visite comptée"))
        first, last = opening if opening is not None else (9, 18)
        self.chart.set_data(by_hour, first, last)
        self.untimed_label.setVisible(untimed > 0)
        self.untimed_label.setText(
            ngettext("dont {n} sans heure", "dont {n} sans heure", untimed).format(
                n=format_number(untimed)
            )
        )

    def show_agenda(self, summary: TodaySummary, now: datetime) -> None:
        """The bookings still expected and the follow-ups due (reloaded every minute)."""
        bookings = summary.bookings_today
        upcoming = [b for b in bookings if b.end > now.time()][:NEXT_BOOKINGS]
        arrived = summary.bookings_arrived
        self.bookings_label.setVisible(bool(bookings))
        if not bookings and not arrived:
            self.bookings_title.setText(_("Aucune réservation aujourd'hui"))
        elif not bookings:
            self.bookings_title.setText(
                ngettext(
                    "{n} réservation arrivée, plus aucune attendue",
                    "{n} réservations arrivées, plus aucune attendue",
                    arrived,
                ).format(n=arrived)
            )
        else:
            day_total = len(bookings) + arrived
            self.bookings_title.setText(
                ngettext(
                    "{n} réservation aujourd'hui", "{n} réservations aujourd'hui", day_total
                ).format(n=day_total)
            )
        if not bookings:
            self.bookings_label.clear()
        elif not upcoming:
            self.bookings_label.setText(_("Plus aucune réservation attendue aujourd'hui."))
        else:
            lines = [_booking_line(b) for b in upcoming]
            more = len([b for b in bookings if b.end > now.time()]) - len(upcoming)
            if more > 0:
                lines.append(
                    escape(ngettext("… et {n} autre", "… et {n} autres", more).format(n=more))
                )
            self.bookings_label.setText("<br>".join(lines))

        due = summary.follow_ups_due
        if due:
            self.follow_ups_label.setText(
                ngettext(
                    "{n} suivi de démarche à faire", "{n} suivis de démarches à faire", due
                ).format(n=due)
            )
        else:
            self.follow_ups_label.setText(_("Aucun suivi de démarche en attente."))
        self.parcels_label.setText(parcels_text(summary.parcels_waiting, summary.parcels_late))
        self.parcels_label.setVisible(summary.parcels_waiting > 0)


def parcels_text(waiting: int, late: int) -> str:
    """« 3 colis en attente au relais, dont 1 à retourner » (nothing when none waits)."""
    if not waiting:
        return ""
    text = ngettext(
        "{n} colis en attente au relais", "{n} colis en attente au relais", waiting
    ).format(n=waiting)
    if late:
        text += ngettext(", dont {n} à retourner", ", dont {n} à retourner", late).format(n=late)
    return text


def _booking_line(booking: BookingDue) -> str:
    """One booking as rich text: the hours in bold, then what and for whom (escaped)."""
    when = _("{start}–{end}").format(start=format_time(booking.start), end=format_time(booking.end))
    what = " · ".join(p for p in (booking.resource_name, booking.who) if p)
    return f"<b>{escape(when)}</b> {escape(what)}"


def _bold(label: QLabel) -> QLabel:
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label


def opening_hours_span(ranges: list[tuple[time, time]]) -> tuple[int, int] | None:
    """First and last hour to chart for a day's opening ranges."""
    if not ranges:
        return None
    first = min(opens for opens, _closes in ranges).hour
    closes = max(closes for _opens, closes in ranges)
    last = closes.hour - 1 if closes.minute == 0 else closes.hour
    return first, max(first, last)
