"""Bar charts drawn with ``reportlab.graphics`` shapes, sized from their labels.

Drawn by hand rather than with reportlab's chart classes so that labels never overlap: label
columns are measured with the embedded font and shortened with an ellipsis, month labels stay
horizontal (thinned or as initials, with a line of years under a multi-year period), and every
bar carries its value (upright when the bar is narrow). A breakdown with
nothing to draw becomes the sentence « Aucune donnée sur la période », never an empty frame.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from babel import dates as babel_dates
from reportlab.graphics.shapes import Drawing, Group, Line, Rect, String
from reportlab.lib.colors import Color

from tiers_lieu.i18n import _, locale_name
from tiers_lieu.reports.pdf_parts.fonts import BOLD, REGULAR, fit_text, text_width
from tiers_lieu.reports.pdf_parts.fonts import drawing as new_drawing
from tiers_lieu.reports.pdf_parts.styles import BAR, MUTED, RULE, ZEBRA
from tiers_lieu.reports.pdf_parts.text import format_share, format_value, month_label

LABEL_SIZE = 7.5
VALUE_SIZE = 6.5
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


def month_bars(series: Series, width: float, height: float | None = None) -> Drawing:
    """Vertical bars per month with a value axis and each month's figure above its bar.

    Labels stay horizontal: month abbreviations when they fit under every bar, else their
    initials (« J F M… ») under every bar, else one abbreviation every few months; when the
    period spans several years a second line names each year under its months, with a tick
    between years. A figure turns upright above its bar when the bar is narrower than it.
    Nothing overlaps, whatever the number of months (a test measures every text)."""
    if not series or not any(value for _label, value in series):
        return no_data(width)
    count = len(series)
    several_years = count > 12 or _years(series) > 1
    height = height if height is not None else (175.0 if several_years else 150.0)
    top, step = nice_scale(max(value for _dim, value in series))
    axis_room = text_width(format_value(top, "count"), LABEL_SIZE) + 8
    plot_w = width - axis_room - 4
    slot = plot_w / count
    bar_w = slot * 0.7
    values = [format_value(value, "count") for _dim, value in series]
    value_w = max(text_width(v, VALUE_SIZE, bold=True) for v in values)
    upright = value_w > slot - 1
    value_room = (value_w if upright else VALUE_SIZE) + 4
    names, every = _month_names(series, slot)
    label_depth = LABEL_SIZE + 6 + (LABEL_SIZE + 5 if several_years else 0)
    plot_h = height - label_depth - value_room
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
    for index, ((_dim, value), shown) in enumerate(zip(series, values, strict=True)):
        x = x0 + slot * index + (slot - bar_w) / 2
        bar_h = plot_h * max(value, 0) / top
        drawing.add(Rect(x, y0, bar_w, bar_h, fillColor=BAR, strokeColor=None))
        centre = x + bar_w / 2
        if names[index] and index % every == 0:
            drawing.add(
                String(
                    centre,
                    y0 - LABEL_SIZE - 3,
                    names[index],
                    fontName=REGULAR,
                    fontSize=LABEL_SIZE,
                    textAnchor="middle",
                )
            )
        text = String(
            0 if upright else centre,
            0 if upright else y0 + bar_h + 2,
            shown,
            fontName=BOLD,
            fontSize=VALUE_SIZE,
            textAnchor="start" if upright else "middle",
        )
        if upright:
            group = Group(text)
            group.translate(centre + VALUE_SIZE / 3, y0 + bar_h + 2)
            group.rotate(90)
            drawing.add(group)
        else:
            drawing.add(text)
    drawing.add(Line(x0, y0, x0 + plot_w, y0, strokeColor=MUTED, strokeWidth=0.6))
    if several_years:
        _year_line(drawing, series, x0, slot, y0 - 2 * LABEL_SIZE - 7, every == 1)
    return drawing


def _month_names(series: Series, slot: float) -> tuple[list[str], int]:
    """The label under each bar and how many bars apart labels are written (1 = all)."""
    months = [dim.partition("-")[2] for dim, _value in series]
    if not all(m.isdigit() and 1 <= int(m) <= 12 for m in months):
        names = [dim for dim, _value in series]
    else:
        names = [month_label(dim, with_year=False) for dim, _value in series]
        if max(text_width(n, LABEL_SIZE) for n in names) + 2 > slot:
            narrow = babel_dates.get_month_names("narrow", locale=locale_name())
            initials = [str(narrow[int(m)]) for m in months]
            if max(text_width(n, LABEL_SIZE) for n in initials) + 2 <= slot:
                return initials, 1
    widest = max(text_width(n, LABEL_SIZE) for n in names) + 4
    every = next((k for k in (1, 2, 3, 4, 6, 12) if slot * k >= widest), len(names))
    return names, every


def _year_line(
    drawing: Drawing, series: Series, x0: float, slot: float, y: float, tall: bool
) -> None:
    """Each year centred under its months (« ’24 » when a lone month is too narrow for
    « 2024 »), a tick between two years (up to the axis when every month has its label; a
    thinned label may stand across the edge)."""
    spans: list[tuple[str, int, int]] = []
    for index, (dim, _value) in enumerate(series):
        year = dim.partition("-")[0]
        if spans and spans[-1][0] == year:
            spans[-1] = (year, spans[-1][1], index + 1)
        else:
            spans.append((year, index, index + 1))
    for number, (year, first, last) in enumerate(spans):
        room = slot * (last - first) - 2
        text = year if text_width(year, LABEL_SIZE, bold=True) <= room else "\u2019" + year[-2:]
        if text_width(text, LABEL_SIZE, bold=True) <= room:
            drawing.add(
                String(
                    x0 + slot * (first + last) / 2,
                    y,
                    text,
                    fontName=BOLD,
                    fontSize=LABEL_SIZE,
                    textAnchor="middle",
                )
            )
        if number:
            edge = x0 + slot * first
            drawing.add(
                Line(
                    edge,
                    y - 2,
                    edge,
                    y + (2 * LABEL_SIZE + 6 if tall else LABEL_SIZE + 1),
                    strokeColor=MUTED,
                    strokeWidth=0.6,
                )
            )


def _years(series: Series) -> int:
    return len({dim.partition("-")[0] for dim, _value in series})
