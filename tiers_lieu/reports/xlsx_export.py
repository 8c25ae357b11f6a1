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
from tiers_lieu.reports.model import DEFINITIONS, INDICATORS, SECTIONS, Indicator, ReportData

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
        _write_definitions(sheet, codes)
    _write_time_spent(book.create_sheet(sheet_title(_("Temps passé"), taken)), data)
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


def _write_definitions(sheet: Any, codes: list[str]) -> None:
    """Under a section's tables, how its funder indicators are counted (R.37, R.41, R.42…),
    as the PDF prints them."""
    from openpyxl.styles import Alignment

    found = [d for d in DEFINITIONS if set(codes).intersection(d.codes)]
    if not found:
        return
    row = sheet.max_row + 2
    _bold(put(sheet.cell(row=row, column=1), _("Définitions")))
    for definition in found:
        _bold(put(sheet.cell(row=row + 1, column=1), _(definition.title)))
        text = put(sheet.cell(row=row + 2, column=1), _(definition.text))
        text.alignment = Alignment(wrap_text=True, vertical="top")
        row += 3
    sheet.column_dimensions["A"].width = 70


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


def _months(start: date, end: date) -> list[date]:
    """The first day of every month from ``start``'s to ``end``'s."""
    months, index = [], start.year * 12 + start.month - 1
    while index <= end.year * 12 + end.month - 1:
        months.append(date(index // 12, index % 12 + 1, 1))
        index += 1
    return months


def _write_time_spent(sheet: Any, data: ReportData) -> None:
    """« Temps passé »: the staff's hours per post and operation, a column per month of the
    period and the total, then a line of totals (the monthly time sheets, summed)."""
    _bold(put(sheet["A1"], _("Temps passé")), 14)
    put(sheet["A2"], _("Heures des salariés par poste, opération et mois (feuilles de temps)."))
    if not data.time_spent:
        put(sheet["A4"], _("Aucun temps saisi pour la période."))
        sheet.column_dimensions["A"].width = 40
        return
    months = _months(data.period_start, data.period_end)
    column_of = {month: 6 + n for n, month in enumerate(months)}
    total_column = 6 + len(months)
    headers = (_("Lieu"), _("Poste"), _("Début du contrat"), _("Opération"), _("N° de dossier"))
    for column, header in enumerate(headers, start=1):
        _bold(put(sheet.cell(row=4, column=column), header))
    for month, column in column_of.items():
        cell = sheet.cell(row=4, column=column, value=month)
        cell.number_format = MONTH_FORMAT
        _bold(cell)
    _bold(put(sheet.cell(row=4, column=total_column), _("Total (h)")))
    lines: dict[tuple[str, str, date, str, str], dict[date, int]] = {}
    for spent in data.time_spent:
        key = (spent.site, spent.post, spent.contract_start, spent.operation, spent.file_number)
        per_month = lines.setdefault(key, {})
        per_month[spent.month] = per_month.get(spent.month, 0) + spent.minutes
    widths = [len(h) for h in headers]
    row = 4
    for (site, post, started, operation, number), per_month in lines.items():
        row += 1
        values = (site, post, started, operation or _("Hors opération"), number)
        for column, value in enumerate(values, start=1):
            cell = put(sheet.cell(row=row, column=column), value)
            if isinstance(value, date):
                cell.number_format = DATE_FORMAT
            widths[column - 1] = max(widths[column - 1], len(str(value)))
        for month, minutes in per_month.items():
            _hours(sheet.cell(row=row, column=column_of[month]), minutes)
        _hours(sheet.cell(row=row, column=total_column), sum(per_month.values()))
    row += 1
    _bold(put(sheet.cell(row=row, column=1), _("Total")))
    for month, column in column_of.items():
        minutes = sum(p.get(month, 0) for p in lines.values())
        if minutes:
            _bold(_hours(sheet.cell(row=row, column=column), minutes))
    _bold(_hours(sheet.cell(row=row, column=total_column), sum(s.minutes for s in data.time_spent)))
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[_letter(column)].width = min(50, width + 2)
    for column in [*column_of.values(), total_column]:
        sheet.column_dimensions[_letter(column)].width = 10
    sheet.freeze_panes = "F5"


def _hours(cell: Any, minutes: int) -> Any:
    """Hours as a number (3 h 30 is 3.5), two decimals shown."""
    cell.value = minutes / 60
    cell.number_format = "#,##0.00"
    return cell


def _letter(column: int) -> str:
    from openpyxl.utils import get_column_letter as letter

    return str(letter(column))
