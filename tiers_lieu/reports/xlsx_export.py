"""The report as an XLSX workbook: the same figures as the CSV and the PDF, as real numbers.

Sheets: « Synthèse » (period as real dates, sites, operation, payment claim, summary text),
then one sheet per section of :data:`~tiers_lieu.reports.model.SECTIONS` (a table of totals,
then one small table per breakdown, months as real dates), then « Indicateurs », the four
columns of the CSV and the unit of each value. Percentages are numbers from 0 to 100 (the
unit column says %), euros carry a euro number format. openpyxl is imported inside
:func:`write_xlsx` (start-up time).

Every cell is set through :func:`~tiers_lieu.reports.cells.put`: text (a commune, a service,
the operation's title…) is neutralised and stored as text, never as a formula; figures and
dates stay numbers and dates.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

from tiers_lieu.i18n import _, to_place_time
from tiers_lieu.reports.cells import put, save_workbook
from tiers_lieu.reports.model import INDICATORS, SECTIONS, Indicator, ReportData

NUMBER_FORMATS = {
    "count": "#,##0",
    "people": "#,##0",
    "minutes": "#,##0",
    "km": "#,##0",
    "hours": "#,##0.0",
    "percent": "0.0",
    "fte": "0.00",
    "eur": "#,##0.00 €",
}
DATE_FORMAT = "dd/mm/yyyy"
MONTH_FORMAT = "mm/yyyy"


def unit_label(unit: str) -> str:
    """What the unit column says: « % » for percentages, « € » for euros…"""
    return {
        "percent": "%",
        "eur": "€",
        "hours": _("h"),
        "minutes": _("min"),
        "fte": _("ETP"),
        "km": "km",
        "people": _("personnes"),
    }.get(unit, "")


def sheet_title(text: str, taken: set[str]) -> str:
    """A valid, unique sheet name (31 characters, none of ``[]:*?/\\``)."""
    base = re.sub(r"[\[\]:*?/\\]", "-", text)[:31] or "Feuille"
    name, n = base, 2
    while name.casefold() in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.casefold())
    return name


def write_xlsx(data: ReportData, path: Path) -> None:
    from openpyxl import Workbook  # imported here: start-up time of the application

    book = Workbook()
    taken: set[str] = set()
    summary = book.active
    summary.title = sheet_title(_("Synthèse"), taken)
    _write_summary(summary, data)
    for key, title, codes in SECTIONS:
        sheet = book.create_sheet(sheet_title(_(title), taken))
        _write_section(sheet, _(title), [i for i in data.section(key) if i.code in codes])
    _write_indicators(book.create_sheet(sheet_title(_("Indicateurs"), taken)), data)
    save_workbook(book, path)


def _bold(cell: Any, size: int | None = None) -> None:
    from openpyxl.styles import Font

    cell.font = Font(bold=True, size=size) if size else Font(bold=True)


def _write_summary(sheet: Any, data: ReportData) -> None:
    from openpyxl.styles import Alignment

    _bold(put(sheet["A1"], _("Rapport d'activité")), 14)
    operation = data.operation
    # A spreadsheet date has no zone: the place's wall clock, as on the PDF's cover.
    generated = to_place_time(data.generated_at, data.zone).replace(tzinfo=None)
    rows: list[tuple[str, Any, str | None]] = [
        (_("Début de la période"), data.period_start, DATE_FORMAT),
        (_("Fin de la période"), data.period_end, DATE_FORMAT),
        (_("Lieux"), ", ".join(data.site_names), None),
        (_("Opération"), operation.title if operation else "", None),
        (_("Numéro de dossier"), operation.file_number if operation else "", None),
        (_("GAL"), operation.gal_name if operation else "", None),
        (_("Région"), operation.region if operation else "", None),
        (_("Cofinanceurs"), operation.cofunders if operation else "", None),
        (_("Demande de paiement"), data.claim_number, None),
        (_("Généré le"), generated, "dd/mm/yyyy hh:mm"),
        (_("Résumé"), data.summary_text, None),
    ]
    for index, (label, value, number_format) in enumerate(rows, start=3):
        _bold(put(sheet.cell(row=index, column=1), label))
        cell = put(sheet.cell(row=index, column=2), value)
        cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal="left")
        if number_format:
            cell.number_format = number_format
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 90


def _write_section(sheet: Any, title: str, indicators: list[Indicator]) -> None:
    _bold(put(sheet["A1"], title), 14)
    row = 3
    for column, header in enumerate((_("Indicateur"), _("Valeur"), _("Unité")), start=1):
        _bold(put(sheet.cell(row=row, column=column), header))
    widths = [len(_("Indicateur")), 14, 12]
    for indicator in indicators:
        if INDICATORS[indicator.code].breakdown and indicator.dimension:
            continue
        row += 1
        put(sheet.cell(row=row, column=1), indicator.label)
        _number(sheet.cell(row=row, column=2), indicator)
        put(sheet.cell(row=row, column=3), unit_label(indicator.unit))
        widths[0] = max(widths[0], len(indicator.label))
    for code in dict.fromkeys(i.code for i in indicators):
        spec = INDICATORS[code]
        parts = [i for i in indicators if i.code == code and i.dimension]
        if not spec.breakdown or not parts:
            continue
        row += 2
        _bold(put(sheet.cell(row=row, column=1), parts[0].label))
        header = _("Valeur")
        unit = unit_label(spec.unit)
        _bold(put(sheet.cell(row=row, column=2), f"{header} ({unit})" if unit else header))
        for indicator in parts:
            row += 1
            _dimension(sheet.cell(row=row, column=1), indicator)
            _number(sheet.cell(row=row, column=2), indicator)
            widths[0] = max(widths[0], len(indicator.dimension))
    for letter, width in zip("ABC", widths, strict=True):
        sheet.column_dimensions[letter].width = min(70, width + 2)


def _dimension(cell: Any, indicator: Indicator) -> None:
    """A month as a real date (first of the month); other categories as text."""
    if indicator.code == "visits.by_month":
        year, month = indicator.dimension.split("-")
        cell.value = date(int(year), int(month), 1)
        cell.number_format = MONTH_FORMAT
        cell.alignment = _left()
    else:
        put(cell, indicator.dimension)


def _left() -> Any:
    from openpyxl.styles import Alignment

    return Alignment(horizontal="left")


def _number(cell: Any, indicator: Indicator) -> None:
    cell.value = indicator.value
    cell.number_format = NUMBER_FORMATS.get(indicator.unit, "General")


def _write_indicators(sheet: Any, data: ReportData) -> None:
    # The CSV's columns, then the unit of each value: « valeur » mixes minutes, hours, euros.
    headers = ("code", "libelle", "dimension", "valeur", _("unité"))
    for column, header in enumerate(headers, start=1):
        _bold(put(sheet.cell(row=1, column=column), header))
    widths = [6, 9, 10, 12, 10]
    for row, indicator in enumerate(data.indicators, start=2):
        put(sheet.cell(row=row, column=1), indicator.code)
        put(sheet.cell(row=row, column=2), indicator.label)
        put(sheet.cell(row=row, column=3), indicator.dimension)
        _number(sheet.cell(row=row, column=4), indicator)
        put(sheet.cell(row=row, column=5), unit_label(indicator.unit))
        widths[0] = max(widths[0], len(indicator.code))
        widths[1] = max(widths[1], len(indicator.label))
        widths[2] = max(widths[2], len(indicator.dimension))
    for letter, width in zip("ABCDE", widths, strict=True):
        sheet.column_dimensions[letter].width = min(70, width + 2)
    sheet.freeze_panes = "A2"
