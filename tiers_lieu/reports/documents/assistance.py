"""The France Services partner table (records per organisme and month) as CSV and XLSX,
written from the read model of :mod:`tiers_lieu.services.assistance_export` (the activity
itself is the Coop's export: :mod:`tiers_lieu.reports.documents.coop`).

The CSV files are what French spreadsheets open without a question (UTF-8 with BOM, ``;``
separator); the XLSX files hold real dates and numbers so that a coordinator can sum and
filter them. Both go through the formula-safe writers of :mod:`tiers_lieu.reports.cells`: a
commune or an organisme named « =HYPERLINK(…) » is written as text starting with « ' »,
never as a formula; dates and counts stay dates and numbers. openpyxl is imported there,
when an XLSX is written (start-up time).
"""

from __future__ import annotations

from pathlib import Path

from tiers_lieu.i18n import _
from tiers_lieu.reports.cells import write_csv, write_xlsx_table
from tiers_lieu.services.assistance_export import MonthlyTable


def _monthly_table_rows(table: MonthlyTable) -> tuple[list[str], list[list[object]]]:
    header = [_("Organisme"), *table.months, _("Total")]
    rows: list[list[object]] = [[line.operator, *line.counts, line.total] for line in table.lines]
    rows.append([_("Total"), *table.month_totals(), table.total])
    return header, rows


def write_monthly_csv(table: MonthlyTable, path: Path) -> int:
    """Write the organisme × month table; returns the number of records it counts."""
    header, rows = _monthly_table_rows(table)
    write_csv(path, [header, *rows])
    return table.total


def write_monthly_xlsx(table: MonthlyTable, path: Path) -> int:
    header, rows = _monthly_table_rows(table)
    write_xlsx_table(path, _("France Services"), header, rows)
    return table.total
