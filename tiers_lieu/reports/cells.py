"""Formula-safe cells: the one rule every CSV and XLSX that Comptoir writes follows.

A spreadsheet program runs a cell whose text starts with ``=``, ``+``, ``-`` or ``@`` as a
formula: a commune typed or imported as ``=HYPERLINK("http://…";"clic")`` becomes a live link
on the coordinator's screen, ``=cmd|…`` a command on an old Excel. OWASP's rule, applied here to
every text cell: text starting with one of those characters, with a tab or a carriage return
(or with blanks before ``= + - @``: LibreOffice can trim them before evaluating) is written with
a leading ``'``, which the spreadsheet shows as it is and never runs.

Only text is neutralised. Numbers, dates and times stay what they are, so a negative number is
still a number in an XLSX. A text that is nothing but a plain number (``-3,5``, ``-12``: the
figures of the French CSVs, which Comptoir writes as text with a decimal comma) is left as it
is too: a spreadsheet reads it as that number, and a number runs nothing. So is a lone « - »
(a table's « nothing »).

In an XLSX, openpyxl would store any string starting with ``=`` as a formula and ``#N/A`` as an
error: :func:`put` neutralises the text and marks the cell as text. The writers here
(:func:`write_csv`, :func:`write_xlsx_table`) write aside and rename, so a failure never leaves
half a file under the real name. openpyxl is imported inside the functions that need it:
services import this module, and start-up stays light.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from tiers_lieu.errors import ComptoirError
from tiers_lieu.i18n import _
from tiers_lieu.private_files import write_whole

#: What starts a formula in Excel, LibreOffice and Google Sheets.
FORMULA_STARTS = ("=", "+", "-", "@")
#: Characters that may hide a formula start when they come first (OWASP: tab, CR).
HIDDEN_STARTS = ("\t", "\r")
#: A plain number: a spreadsheet reads it as a number, never as a formula (a sign first:
#: ``-3,5``, or ``+33555667788``, the telephone numbers of the national listing of places).
PLAIN_NUMBER = re.compile(r"[-+]?[0-9]+(?:[,.][0-9]+)?")

#: « - », what a table shows for « nothing » (the Coop's export does): no formula is a dash.
PLACEHOLDER = "-"

CSV_DELIMITER = ";"
CSV_LINE_END = "\r\n"


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet could take ``text`` (a cell's whole text) as a formula."""
    if text.startswith(HIDDEN_STARTS):
        return True
    if text == PLACEHOLDER:
        return False
    return text.lstrip().startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(text)


def safe_text(text: str) -> str:
    """``text`` as a spreadsheet shows it without running it: ``'`` first when needed."""
    return "'" + text if is_formula_like(text) else text


# -- CSV -------------------------------------------------------------------------------------
def csv_field(value: object) -> str:
    """One CSV field: text neutralised, a date as ``JJ/MM/AAAA``, a number as French digits."""
    if value is None:
        return ""
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float | Decimal):
        return str(value).replace(".", ",")
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return safe_text(str(value))


def csv_text(rows: Iterable[Sequence[object]], *, delimiter: str = CSV_DELIMITER) -> str:
    """The rows as French CSV text (``;`` separator unless told, CRLF), every field through
    :func:`csv_field`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=CSV_LINE_END)
    for row in rows:
        writer.writerow([csv_field(value) for value in row])
    return buffer.getvalue()


def write_csv(path: Path, rows: Iterable[Sequence[object]]) -> None:
    """Write the rows to ``path`` in UTF-8 with a byte order mark (French spreadsheets then
    open the accents right), aside first, then renamed."""
    write_bytes(path, csv_text(rows).encode("utf-8-sig"))


def neutralise_csv(text: str) -> str:
    """A CSV written elsewhere (the indicators another place sent), made formula-safe field by
    field before it is saved here: plain numbers stay, other text is neutralised."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=CSV_DELIMITER)
    try:
        rows = list(reader)
    except csv.Error:  # a field beyond the csv module's limit (128 Kio), say
        raise ComptoirError(
            _(
                "Les indicateurs reçus ne sont pas un fichier CSV lisible (ligne {line}) : "
                "ils n'ont pas été enregistrés."
            ).format(line=reader.line_num)
        ) from None
    return csv_text(rows)


# -- XLSX ------------------------------------------------------------------------------------
def xlsx_value(value: object) -> object:
    """What a cell receives: text neutralised, anything else (number, date) unchanged."""
    return safe_text(value) if isinstance(value, str) else value


def put(cell: Any, value: object) -> Any:
    """Set an openpyxl cell to ``value``; text is neutralised and stored as text, never as a
    formula or an error value. Returns the cell."""
    cell.value = xlsx_value(value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def save_workbook(book: Any, path: Path) -> None:
    """Save an openpyxl workbook aside, then rename it to ``path``."""
    buffer = io.BytesIO()
    book.save(buffer)
    write_bytes(path, buffer.getvalue())


def write_xlsx_table(
    path: Path,
    title: str,
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    date_column: bool = False,
) -> None:
    """One sheet: a bold frozen header, then the rows (the first column as dates when
    ``date_column``), real numbers and dates, text as safe text."""
    import openpyxl  # imported here, not at the top: heavy, and only exports need it
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = re.sub(r"[\[\]:*?/\\]", "-", title)[:31] or "Feuille"
    for column, name in enumerate(header, start=1):
        put(sheet.cell(row=1, column=column), name).font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(column)].width = max(12, min(40, len(name) + 4))
    for index, values in enumerate(rows, start=2):
        for column, value in enumerate(values, start=1):
            cell = put(sheet.cell(row=index, column=column), value)
            if date_column and column == 1:
                cell.number_format = "DD/MM/YYYY"
    sheet.freeze_panes = "A2"
    save_workbook(book, path)


def write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` beside ``path`` (``….partiel``), then rename it to ``path``: a
    document of the user's, with the usual rights."""
    write_whole(path, data, mode=None)
