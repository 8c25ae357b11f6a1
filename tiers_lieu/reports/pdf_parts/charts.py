"""Bar charts drawn with ``reportlab.graphics`` shapes, sized from their labels.

Drawn by hand rather than with reportlab's chart classes so that labels never overlap: label
columns are measured with the embedded font and shortened with an ellipsis, month labels turn
vertical when there are more than twelve, and every bar carries its value. A breakdown with
nothing to draw becomes the sentence « Aucune donnée sur la période », never an empty frame.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from reportlab.graphics.shapes import Drawing, Group, Line, Rect, String
from reportlab.lib.colors import Color

from tiers_lieu.i18n import _
from tiers_lieu.reports.pdf_parts.fonts import BOLD, REGULAR, fit_text, text_width
from tiers_lieu.reports.pdf_parts.fonts import drawing as new_drawing
from tiers_lieu.reports.pdf_parts.styles import BAR, MUTED, RULE, ZEBRA
from tiers_lieu.reports.pdf_parts.text import format_share, format_value, month_label

LABEL_SIZE = 7.5
ROW_HEIGHT = 14.0
BAR_HEIGHT = 9.0

Series = Sequence[tuple[str, int | float]]


def nice_scale(maximum: float, ticks: int = 4) -> tuple[float, float]:
    """A round upper bound and step (1, 2, 2.5 or 5 × 10ⁿ) covering ``maximum``."""
    if maximum <= 0:
        return 1.0, 1.0
    raw = maximum / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    if step < 1 and maximum >= 1:
        step = 1.0
    return math.ceil(maximum / step) * step, step


def no_data(width: float) -> Drawing:
    """The sentence that replaces a chart when the period has nothing to show."""
    drawing = new_drawing(width, 24)
    drawing.add(Rect(0, 0, width, 24, fillColor=ZEBRA, strokeColor=None))
    drawing.add(
        String(
            width / 2,
            8.5,
            _("Aucune donnée sur la période"),
            fontName=REGULAR,
            fontSize=8.5,
            fillColor=MUTED,
            textAnchor="middle",
        )
    )
    return drawing


def horizontal_bars(
    series: Series,
    width: float,
    unit: str,
    *,
    colors: Sequence[Color] | None = None,
    shares: bool = False,
) -> Drawing:
    """One labelled bar per category in the order given, the value at the bar's end (and
    its share of the whole when ``shares``)."""
    if not series or not any(value for _label, value in series):
        return no_data(width)
    whole = sum(value for _label, value in series)
    values = [
        _("{value} ({share})").format(
            value=format_value(value, unit), share=format_share(value, whole)
        )
        if shares
        else format_value(value, unit)
        for _label, value in series
    ]
    value_room = max(text_width(v, LABEL_SIZE, bold=True) for v in values) + 6
    widest = max(text_width(label, LABEL_SIZE) for label, _value in series)
    label_room = min(widest + 10, width * 0.45)
    bar_room = max(width - label_room - value_room, 20)
    height = ROW_HEIGHT * len(series) + 4
    drawing = new_drawing(width, height)
    top = max(value for _label, value in series) or 1
    for index, ((label, value), shown) in enumerate(zip(series, values, strict=True)):
        y = height - ROW_HEIGHT * (index + 1)
        drawing.add(
            String(
                label_room - 6,
                y + (ROW_HEIGHT - LABEL_SIZE) / 2 + 1,
                fit_text(label, label_room - 8, LABEL_SIZE),
                fontName=REGULAR,
                fontSize=LABEL_SIZE,
                textAnchor="end",
            )
        )
        length = bar_room * max(value, 0) / top
        color = colors[index % len(colors)] if colors else BAR
        drawing.add(
            Rect(
                label_room,
                y + (ROW_HEIGHT - BAR_HEIGHT) / 2,
                max(length, 0.5),
                BAR_HEIGHT,
                fillColor=color,
                strokeColor=None,
            )
        )
        drawing.add(
            String(
                label_room + length + 4,
                y + (ROW_HEIGHT - LABEL_SIZE) / 2 + 1,
                shown,
                fontName=BOLD,
                fontSize=LABEL_SIZE,
            )
        )
    drawing.add(Line(label_room, 2, label_room, height, strokeColor=RULE, strokeWidth=0.6))
    return drawing


def month_bars(series: Series, width: float, height: float = 150) -> Drawing:
    """Vertical bars per month with a value axis; labels turn vertical past twelve months."""
    if not series or not any(value for _label, value in series):
        return no_data(width)
    count = len(series)
    # Past a year (or across two years) a label needs its year: only vertical text fits.
    vertical = count > 12 or _years(series) > 1
    labels = [month_label(dim, with_year=vertical) for dim, _value in series]
    label_depth = (
        max(text_width(label, LABEL_SIZE - 0.5) for label in labels) + 6
        if vertical
        else LABEL_SIZE + 8
    )
    top, step = nice_scale(max(value for _dim, value in series))
    axis_room = text_width(format_value(top, "count"), LABEL_SIZE) + 8
    plot_w = width - axis_room - 4
    plot_h = height - label_depth - 6
    x0, y0 = axis_room, label_depth
    drawing = new_drawing(width, height)
    ticks = round(top / step)
    for tick in range(ticks + 1):
        y = y0 + plot_h * tick / ticks
        drawing.add(Line(x0, y, x0 + plot_w, y, strokeColor=RULE, strokeWidth=0.4))
        drawing.add(
            String(
                x0 - 4,
                y - LABEL_SIZE / 3,
                format_value(step * tick, "count"),
                fontName=REGULAR,
                fontSize=LABEL_SIZE,
                fillColor=MUTED,
                textAnchor="end",
            )
        )
    slot = plot_w / count
    bar_w = slot * 0.7
    for index, ((_dim, value), label) in enumerate(zip(series, labels, strict=True)):
        x = x0 + slot * index + (slot - bar_w) / 2
        bar_h = plot_h * max(value, 0) / top
        drawing.add(Rect(x, y0, bar_w, bar_h, fillColor=BAR, strokeColor=None))
        centre = x + bar_w / 2
        if vertical:
            group = Group(
                String(
                    0,
                    0,
                    label,
                    fontName=REGULAR,
                    fontSize=LABEL_SIZE - 0.5,
                    textAnchor="end",
                )
            )
            group.translate(centre + (LABEL_SIZE - 0.5) / 3, y0 - 3)
            group.rotate(90)
            drawing.add(group)
        else:
            drawing.add(
                String(
                    centre,
                    y0 - LABEL_SIZE - 3,
                    fit_text(label, slot, LABEL_SIZE),
                    fontName=REGULAR,
                    fontSize=LABEL_SIZE,
                    textAnchor="middle",
                )
            )
            drawing.add(
                String(
                    centre,
                    y0 + bar_h + 2,
                    format_value(value, "count"),
                    fontName=BOLD,
                    fontSize=LABEL_SIZE - 1,
                    textAnchor="middle",
                )
            )
    drawing.add(Line(x0, y0, x0 + plot_w, y0, strokeColor=MUTED, strokeWidth=0.6))
    return drawing


def _years(series: Series) -> int:
    return len({dim.partition("-")[0] for dim, _value in series})
