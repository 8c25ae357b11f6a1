"""The Coop de la médiation numérique's activity export as a file, laid out as its builder
lays it out (``buildAccompagnementsWorksheet.ts`` of ``inclusion-numerique/
coop-mediation-numerique``), from the read model of :mod:`tiers_lieu.services.coop_export`.

The XLSX is one sheet « Activités »: « Informations export » (Nom, Prénom, Rôle, Total, Date
d'export, Heure d'export) in bold title and label–value lines, an empty line, « Filtres »
(Période … Tags), an empty line and the separator line, then the table « Activités » with a
filter button on each header, the date column as real dates shown ``dd/mm/yyyy``, every line
wrapped and aligned at the top, each column as wide as its longest line (at least 10), as the
Coop's ``autosizeColumns``. Its spec reads « Informations export » in A1, « Nom » in A2,
« Filtres » in A9 and « Communes » in A13: so does this file (tests check it).

The CSV holds the table alone (header and rows) as French spreadsheets open it (UTF-8 with
byte order mark, ``;``), the date as ``JJ/MM/AAAA``. Several values in one cell are on
several lines, as in the Coop's sheet.

Every cell goes through :mod:`tiers_lieu.reports.cells`. The sheet is written row by row
(openpyxl's write-only mode), so an export of many thousand activities stays small in memory;
openpyxl is imported inside the writer (start-up time).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence
from copy import copy
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tiers_lieu.errors import ComptoirError
from tiers_lieu.i18n import _, ngettext
from tiers_lieu.reports.cells import put, save_workbook, write_csv
from tiers_lieu.services.coop_export import COLUMNS, CoopExport

if TYPE_CHECKING:
    from tiers_lieu.app import Comptoir
    from tiers_lieu.cli.export import ExportRequest

SHEET = "Activités"
TABLE = "Activités"
INFORMATION = "Informations export"
FILTERS = "Filtres"
MIN_WIDTH = 10  # libs/worksheet/autosizeColumns.ts
MAX_WIDTH = 80  # a long démarche name wraps instead of pushing the table off the screen
DATE_FORMAT = "dd/mm/yyyy"


def sheet_rows(export: CoopExport) -> list[Sequence[object]]:
    """The lines above the table, as the Coop writes them (the empty lists are empty
    lines, the ``[""]`` the separator before the table)."""
    return [
        [INFORMATION],
        *([label, value] for label, value in export.information()),
        [],
        [FILTERS],
        *([label, value] for label, value in export.filters()),
        [],
        [""],
    ]


def table_rows(export: CoopExport) -> Iterable[Sequence[object]]:
    yield COLUMNS
    for row in export.rows:
        yield row.cells()


def _widths(lines: Iterable[Sequence[object]]) -> list[int]:
    widths = [MIN_WIDTH] * len(COLUMNS)
    for values in lines:
        for index, value in enumerate(values):
            if value is None or value == "" or index >= len(widths):
                continue
            text = value.strftime("%d/%m/%Y") if hasattr(value, "strftime") else str(value)
            longest = max(len(part) for part in text.split("\n"))
            widths[index] = max(widths[index], min(longest, MAX_WIDTH))
    return widths


def write_coop_xlsx(export: CoopExport, path: Path) -> int:
    """Write the sheet to ``path`` whole; returns the number of rows of the table."""
    import openpyxl  # imported here, not at the top: heavy, and only exports need it
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.filters import AutoFilter
    from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

    book = openpyxl.Workbook(write_only=True)
    book.properties.creator = "Comptoir"
    sheet: Any = book.create_sheet(SHEET)
    above = sheet_rows(export)
    for index, width in enumerate(_widths([*above, *table_rows(export)]), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width + 1
    # The three styles, made once: a cell takes a copy of its style's array (setting a style
    # on each cell hashes it each time, a fifth of the writing).
    wrap = Alignment(wrap_text=True, vertical="top")
    text_style = WriteOnlyCell(sheet)
    text_style.alignment = wrap
    title_style = WriteOnlyCell(sheet)
    title_style.alignment = wrap
    title_style.font = Font(bold=True)
    date_style = WriteOnlyCell(sheet)
    date_style.number_format = DATE_FORMAT

    def cell(value: object, *, title: bool = False) -> Any:
        """Text as a formula-safe text cell, wrapped at the top (several values are several
        lines); a date shown as the Coop shows it; a number as it is; nothing for nothing
        (an empty cell costs no XML)."""
        if value is None or value == "":
            return None
        if isinstance(value, int | float) and not isinstance(value, bool):
            return value
        written = put(WriteOnlyCell(sheet), value)
        style = date_style if isinstance(value, date) else title_style if title else text_style
        written._style = copy(style._style)
        return written

    for line in above:
        titled = line in ([INFORMATION], [FILTERS])
        sheet.append([cell(v, title=titled) for v in line])
    header_row = len(above) + 1
    for values in table_rows(export):
        sheet.append([cell(v) for v in values])
    if export.rows:  # a table needs a line under its header
        last = get_column_letter(len(COLUMNS))
        table = Table(
            displayName=TABLE,
            ref=f"A{header_row}:{last}{header_row + len(export.rows)}",
        )
        # Write-only sheets keep no cells to read the headers back from: named here.
        table.tableColumns = [
            TableColumn(id=number, name=name) for number, name in enumerate(COLUMNS, start=1)
        ]
        table.autoFilter = AutoFilter(ref=table.ref)
        table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
        with warnings.catch_warnings():  # « add table columns manually »: done above
            warnings.simplefilter("ignore", UserWarning)
            sheet.add_table(table)
    save_workbook(book, path)
    return len(export.rows)


def write_coop_csv(export: CoopExport, path: Path) -> int:
    """Write the table (header and rows) to ``path`` whole; returns the number of rows."""
    write_csv(path, table_rows(export))
    return len(export.rows)


def export_coop(app: Comptoir, request: ExportRequest) -> str:
    """``tiers-lieu export coop``: the démarches and workshops of the period (of the place
    given, or of every place the account sees) in the Coop's activity export."""
    assert request.start is not None and request.end is not None  # a period kind
    site_ids = None if request.site is None else [request.site.id]
    export = app.assistance.coop_activities(site_ids, start=request.start, end=request.end)
    if request.fmt == "xlsx":
        write_coop_xlsx(export, request.out)
    elif request.fmt == "csv":
        write_coop_csv(export, request.out)
    else:  # the command checks the format against KINDS; another caller may not
        raise ComptoirError(
            _(
                "--format : « {value} » n'est pas possible pour cet export (choix : {choices})."
            ).format(value=request.fmt, choices="xlsx, csv")
        )
    return summary(export, request.out)


def summary(export: CoopExport, path: Path) -> str:
    """The line said once written: « 12 démarches et 3 ateliers (40 accompagnements)… »."""
    records = ngettext("{n} démarche", "{n} démarches", export.accompaniments).format(
        n=export.accompaniments
    )
    workshops = ngettext("{n} atelier", "{n} ateliers", export.workshops).format(n=export.workshops)
    total = ngettext("{n} accompagnement", "{n} accompagnements", export.total).format(
        n=export.total
    )
    return _(
        "{records} et {workshops} ({total}) écrits au format de la Coop de la médiation "
        "numérique dans {path}."
    ).format(records=records, workshops=workshops, total=total, path=path)
