"""The Observatoire des tiers-lieux census figures as files: one XLSX sheet or one CSV, three
columns « Indicateur / Valeur / Définition », one labelled row per figure, written from the
read model of :mod:`tiers_lieu.services.census`.

The XLSX keeps real numbers (euros with a euro format, FTE with two decimals) and real dates;
the CSV is what French spreadsheets open without a question (UTF-8 with BOM, ``;``, decimal
comma). A figure the base does not know (room hire when no room booking of the period has a
price) has an empty value, never 0. Every text (a service or a category named by the place)
goes through :mod:`tiers_lieu.reports.cells`. openpyxl is imported when an XLSX is written.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from tiers_lieu.errors import ComptoirError
from tiers_lieu.i18n import _, format_date
from tiers_lieu.reports.cells import put, save_workbook, write_csv
from tiers_lieu.reports.csv_export import DECIMALS
from tiers_lieu.reports.xlsx_export import NUMBER_FORMATS
from tiers_lieu.services.census import CensusData, CensusRow

if TYPE_CHECKING:
    from tiers_lieu.app import Comptoir
    from tiers_lieu.cli.export import ExportRequest

FORMATS = ("xlsx", "csv")
DATE_FORMAT = "dd/mm/yyyy"


def header() -> tuple[str, str, str]:
    return (_("Indicateur"), _("Valeur"), _("Définition"))


def csv_value(row: CensusRow) -> object:
    """French digits: euros and FTE with two decimals, counts whole, dates as JJ/MM/AAAA."""
    value = row.value
    if isinstance(value, int | float) and not isinstance(value, bool):
        decimals = DECIMALS.get(row.unit)
        if decimals is None:
            return int(value)
        return f"{float(value):.{decimals}f}".replace(".", ",")
    return value  # text, a date (cells.csv_field writes it), or None (empty)


def write_census_csv(data: CensusData, path: Path) -> None:
    write_csv(path, [header(), *((r.label, csv_value(r), r.definition) for r in data.rows)])


def write_census_xlsx(data: CensusData, path: Path) -> None:
    from openpyxl import Workbook  # imported here: start-up time
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet: Any = book.active
    sheet.title = _("Recensement")[:31]
    for column, name in enumerate(header(), start=1):
        put(sheet.cell(row=1, column=column), name).font = Font(bold=True)
    top = Alignment(vertical="top", wrap_text=True)
    widths = [len(header()[0]), 14]
    for index, row in enumerate(data.rows, start=2):
        put(sheet.cell(row=index, column=1), row.label).alignment = top
        cell = put(sheet.cell(row=index, column=2), row.value)
        cell.alignment = Alignment(vertical="top", horizontal="right")
        if row.unit == "date":
            cell.number_format = DATE_FORMAT
        elif row.unit in NUMBER_FORMATS:
            cell.number_format = NUMBER_FORMATS[row.unit]
        put(sheet.cell(row=index, column=3), row.definition).alignment = top
        widths[0] = max(widths[0], len(row.label))
    sheet.column_dimensions["A"].width = min(60, widths[0] + 2)
    sheet.column_dimensions["B"].width = widths[1]
    sheet.column_dimensions["C"].width = 80
    sheet.freeze_panes = "A2"
    save_workbook(book, path)


def export_census(app: Comptoir, request: ExportRequest) -> str:
    """``tiers-lieu export observatoire``: the census of the period for the place (or every
    place, added up), as XLSX or CSV; returns the line to print."""
    if request.start is None or request.end is None:
        raise ComptoirError(_("--from et --to : le recensement couvre une période (une année)."))
    if request.fmt not in FORMATS:
        raise ComptoirError(_("--format : xlsx ou csv."))
    site_ids = [request.site.id] if request.site is not None else None
    data = app.reports.census(period_start=request.start, period_end=request.end, site_ids=site_ids)
    if request.fmt == "xlsx":
        write_census_xlsx(data, request.out)
    else:
        write_census_csv(data, request.out)
    app.reports.note_census_export(
        data, fmt=request.fmt, site_id=request.site.id if request.site is not None else None
    )
    return _(
        "Recensement de l'Observatoire des tiers-lieux du {start} au {end} ({sites}) écrit "
        "dans {path}."
    ).format(
        start=format_date(request.start),
        end=format_date(request.end),
        sites=", ".join(data.site_names) or _("aucun lieu"),
        path=request.out,
    )
