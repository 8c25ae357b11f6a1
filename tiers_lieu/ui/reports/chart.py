"""A small bar chart painted with ``QPainter`` (PySide6-Essentials has no QtCharts).

Two shapes, as in the PDF: horizontal bars for a breakdown (label, bar, value) and vertical
bars for visits per month. Labels are elided to the room they have, and a chart with
nothing to show says « Aucune donnée sur la période » instead of drawing an empty frame.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

from tiers_lieu.i18n import _
from tiers_lieu.reports.pdf_parts.text import format_value, month_label

BAR_COLOUR = QColor(69, 130, 181)
ROW = 20
MONTHS_HEIGHT = 190


class BarChart(QWidget):
    """Bars for ``series``; ``months=True`` draws them upright with month labels."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._series: list[tuple[str, float]] = []
        self._unit = "count"
        self._months = False
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_series(
        self, series: Sequence[tuple[str, int | float]], unit: str, *, months: bool = False
    ) -> None:
        self._series = [(label, float(value)) for label, value in series]
        self._unit = unit
        self._months = months
        self.setFixedHeight(self.sizeHint().height())
        self.update()

    def series(self) -> list[tuple[str, float]]:
        return list(self._series)

    def is_empty(self) -> bool:
        return not any(value for _label, value in self._series)

    def sizeHint(self) -> QSize:
        if self.is_empty():
            return QSize(400, ROW + 8)
        if self._months:
            return QSize(600, MONTHS_HEIGHT)
        return QSize(400, ROW * len(self._series) + 6)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        try:
            if self.is_empty():
                self._paint_empty(painter)
            elif self._months:
                self._paint_months(painter)
            else:
                self._paint_bars(painter)
        finally:
            painter.end()

    def _paint_empty(self, painter: QPainter) -> None:
        # The greyed text colour: a hint, not a figure.
        painter.setPen(self.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text))
        painter.drawText(
            self.rect(), Qt.AlignmentFlag.AlignCenter, _("Aucune donnée sur la période")
        )

    def _paint_bars(self, painter: QPainter) -> None:
        metrics = QFontMetrics(self.font())
        texts = [format_value(value, self._unit) for _label, value in self._series]
        value_room = max(metrics.horizontalAdvance(t) for t in texts) + 10
        widest = max(metrics.horizontalAdvance(label) for label, _value in self._series)
        label_room = min(widest + 12, int(self.width() * 0.4))
        bar_room = max(self.width() - label_room - value_room, 20)
        top = max(value for _label, value in self._series) or 1.0
        text_colour = self.palette().text().color()
        for index, ((label, value), text) in enumerate(zip(self._series, texts, strict=True)):
            y = 3 + index * ROW
            painter.setPen(text_colour)
            shown = metrics.elidedText(label, Qt.TextElideMode.ElideRight, label_room - 10)
            painter.drawText(
                QRectF(0, y, label_room - 8, ROW),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                shown,
            )
            length = bar_room * max(value, 0.0) / top
            painter.fillRect(QRectF(label_room, y + 4, max(length, 1.0), ROW - 8), BAR_COLOUR)
            painter.drawText(
                QRectF(label_room + length + 5, y, value_room, ROW),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                text,
            )

    def _paint_months(self, painter: QPainter) -> None:
        metrics = QFontMetrics(self.font())
        count = len(self._series)
        years = len({label.partition("-")[0] for label, _value in self._series})
        upright = count > 12 or years > 1
        labels = [month_label(label, with_year=upright) for label, _value in self._series]
        label_depth = (
            max(metrics.horizontalAdvance(text) for text in labels) + 8
            if upright
            else metrics.height() + 6
        )
        top = max(value for _label, value in self._series) or 1.0
        plot_top = metrics.height() + 4
        plot_h = self.height() - label_depth - plot_top
        slot = self.width() / count
        bar_w = slot * 0.7
        base = plot_top + plot_h
        painter.setPen(self.palette().mid().color())
        painter.drawLine(0, int(base), self.width(), int(base))
        text_colour = self.palette().text().color()
        for index, ((_label, value), label) in enumerate(zip(self._series, labels, strict=True)):
            x = slot * index + (slot - bar_w) / 2
            height = plot_h * max(value, 0.0) / top
            painter.fillRect(QRectF(x, base - height, bar_w, height), BAR_COLOUR)
            painter.setPen(text_colour)
            centre = x + bar_w / 2
            if upright:
                painter.save()
                painter.translate(centre + metrics.ascent() / 2 - 1, base + 4)
                painter.rotate(-90)
                painter.drawText(
                    QRectF(-label_depth, -metrics.ascent(), label_depth - 4, metrics.height()),
                    Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                    label,
                )
                painter.restore()
            else:
                painter.drawText(
                    QRectF(x - 4, base + 2, bar_w + 8, metrics.height() + 2),
                    Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                    metrics.elidedText(label, Qt.TextElideMode.ElideRight, int(slot)),
                )
            value_text = format_value(value, self._unit)
            if value and metrics.horizontalAdvance(value_text) <= slot:
                painter.drawText(
                    QRectF(
                        x - 8, base - height - metrics.height() - 2, bar_w + 16, metrics.height()
                    ),
                    Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom,
                    value_text,
                )
