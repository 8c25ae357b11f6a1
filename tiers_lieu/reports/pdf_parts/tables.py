"""The report's tables: key figures, a breakdown with shares, visits per month as a year ×
month grid, and the annex listing every indicator row.

Every number goes through :func:`text.format_value` (the i18n formatting), so the tables read
like the screen and the spreadsheet. Long lists (the annex) are ``LongTable`` with the header
repeated on each page.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import LongTable, Paragraph, Table, TableStyle

from tiers_lieu.i18n import _, format_number
from tiers_lieu.reports.model import INDICATORS, ReportData
from tiers_lieu.reports.pdf_parts.fonts import BOLD, REGULAR
from tiers_lieu.reports.pdf_parts.styles import CONTENT_WIDTH, RULE, ZEBRA, Styles
from tiers_lieu.reports.pdf_parts.text import (
    dimension_text,
    format_share,
    format_value,
    month_abbr,
)


def label_of(data: ReportData, code: str) -> str:
    for indicator in data.indicators:
        if indicator.code == code:
            return indicator.label
    definition = INDICATORS.get(code)
    return _(definition.label) if definition is not None else code


def unit_of(data: ReportData, code: str) -> str:
    for indicator in data.indicators:
        if indicator.code == code:
            return indicator.unit
    definition = INDICATORS.get(code)
    return definition.unit if definition is not None else "count"


def _style(header: bool, rows: int, numeric_from: int) -> TableStyle:
    commands: list[tuple[object, ...]] = [
        ("FONT", (0, 0), (-1, -1), REGULAR, 8.5),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (numeric_from, 0), (-1, -1), "RIGHT"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
    ]
    first = 1 if header else 0
    if header:
        commands += [
            ("FONT", (0, 0), (-1, 0), BOLD, 8.5),
            ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
        ]
    for row in range(first + 1, rows, 2):
        commands.append(("BACKGROUND", (0, row), (-1, row), ZEBRA))
    return TableStyle(commands)


def key_figures_table(data: ReportData, codes: Iterable[str], styles: Styles) -> Table:
    """Totals as label / value, one per line."""
    rows = [
        [
            Paragraph(escape(label_of(data, code)), styles.cell),
            format_value(data.value(code), unit_of(data, code)),
        ]
        for code in codes
    ]
    table = Table(rows, colWidths=[CONTENT_WIDTH * 0.7, CONTENT_WIDTH * 0.3], hAlign="LEFT")
    table.setStyle(_style(False, len(rows), 1))
    return table


def breakdown_table(
    data: ReportData,
    code: str,
    styles: Styles,
    *,
    series: Sequence[tuple[str, int | float]] | None = None,
    heading: str | None = None,
) -> Table:
    """One breakdown: category, value and its share of the breakdown's sum, then a total."""
    rows_in = list(series if series is not None else data.series(code))
    unit = unit_of(data, code)
    total = sum(value for _dim, value in rows_in)
    rows: list[list[object]] = [[heading or _("Catégorie"), _("Valeur"), _("Part")]]
    for dimension, value in rows_in:
        rows.append(
            [
                Paragraph(escape(dimension_text(code, dimension)), styles.cell),
                format_value(value, unit),
                format_share(value, total),
            ]
        )
    rows.append([Paragraph(escape(_("Total")), styles.cell_bold), format_value(total, unit), ""])
    table = Table(
        rows,
        colWidths=[CONTENT_WIDTH * 0.62, CONTENT_WIDTH * 0.2, CONTENT_WIDTH * 0.18],
        repeatRows=1,
        hAlign="LEFT",
    )
    table.setStyle(_style(True, len(rows), 1))
    table.setStyle(TableStyle([("FONT", (1, -1), (-1, -1), BOLD, 8.5)]))
    return table


def month_grid(data: ReportData, code: str) -> Table | None:
    """Visits per month as one line per year and one column per month, with year totals."""
    by_month: dict[tuple[int, int], float] = {}
    for dimension, value in data.series(code):
        year_text, _sep, month_text = dimension.partition("-")
        if year_text.isdigit() and month_text.isdigit():
            by_month[(int(year_text), int(month_text))] = value
    if not by_month:
        return None
    years = sorted({year for year, _month in by_month})
    header: list[object] = [_("Année"), *(month_abbr(m) for m in range(1, 13)), _("Total")]
    rows: list[list[object]] = [header]
    for year in years:
        cells = [by_month.get((year, month)) for month in range(1, 13)]
        line: list[object] = [str(year)]
        line += ["" if v is None else format_number(round(v)) for v in cells]
        line.append(format_number(round(sum(v for v in cells if v is not None))))
        rows.append(line)
    first = 12 * mm
    last = 16 * mm
    widths = [first] + [(CONTENT_WIDTH - first - last) / 12] * 12 + [last]
    table = Table(rows, colWidths=widths, hAlign="LEFT")
    style = _style(True, len(rows), 1)
    style.add("FONT", (0, 1), (-1, -1), REGULAR, 7.5)
    style.add("FONT", (0, 0), (-1, 0), BOLD, 7.5)
    style.add("FONT", (-1, 1), (-1, -1), BOLD, 7.5)
    style.add("LEFTPADDING", (0, 0), (-1, -1), 2)
    style.add("RIGHTPADDING", (0, 0), (-1, -1), 2)
    table.setStyle(style)
    return table


def annex_table(data: ReportData, styles: Styles) -> LongTable:
    """Every indicator row (the CSV, readable): the indicator's French name once, then each
    category of a breakdown under it (months as « janv. 2026 »), and the value with its
    unit. Codes stay in the CSV and the XLSX: a funder reads names."""
    rows: list[list[object]] = [[_("Indicateur"), _("Catégorie"), _("Valeur")]]
    previous = ""
    for indicator in data.indicators:
        first = indicator.code != previous
        previous = indicator.code
        rows.append(
            [
                Paragraph(escape(indicator.label), styles.small) if first else "",
                Paragraph(
                    escape(dimension_text(indicator.code, indicator.dimension)), styles.small
                ),
                format_value(indicator.value, indicator.unit),
            ]
        )
    widths = [CONTENT_WIDTH * 0.44, CONTENT_WIDTH * 0.36]
    widths.append(CONTENT_WIDTH - sum(widths))
    table = LongTable(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
    style = _style(True, len(rows), 2)
    style.add("FONT", (2, 1), (2, -1), REGULAR, 7.5)
    style.add("VALIGN", (0, 0), (-1, -1), "TOP")
    style.add("TOPPADDING", (0, 0), (-1, -1), 1.5)
    style.add("BOTTOMPADDING", (0, 0), (-1, -1), 1.5)
    table.setStyle(style)
    return table
