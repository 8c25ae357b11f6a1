"""Which reader a file needs, told by its first bytes rather than its name, and its sheets.

A spreadsheet renamed, or saved in an old format, must be refused with a sentence that says
what to do, not with a codec's error: a zip archive is an XLSX or an ODS workbook, an OLE
compound file is an Excel 97-2003 workbook (or an encrypted one), which Comptoir does not read;
anything else is read as CSV text, unless its name says it is a workbook.

Each reader gives one ``(name, rows)`` pair per sheet (a CSV file has one, without a name); a
sheet's rows must be used, or left, before the next sheet is asked for, since an ODS file
holds every sheet in one stream. :func:`read_table` reads the first sheet whole, for short
lists such as a territory's communes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from tiers_lieu import held_files
from tiers_lieu.errors import ImportFileError, LineError, os_reason
from tiers_lieu.i18n import _
from tiers_lieu.services.imports.csvfile import CsvBook
from tiers_lieu.services.imports.ods import MIMETYPE, OdsBook
from tiers_lieu.services.imports.xlsx import XlsxBook
from tiers_lieu.services.imports.zipparts import ZIP_ERRORS, is_zip, open_archive
from tiers_lieu.services.tabular import (
    LIMITS,
    FileRefusedError,
    Limits,
    Row,
    check_size,
    non_empty,
    normalise,
    too_many_rows,
)

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".ods", ".xls", ".fods"}
#: What the file dialogs offer.
PATTERNS = ("*.csv", "*.txt", "*.xlsx", "*.xlsm", "*.ods", "*.fods")


class Book(Protocol):
    kind: str

    def sheets(self) -> Iterator[tuple[str, Iterator[Row]]]: ...

    def progress(self) -> float: ...

    def close(self) -> None: ...


def _zip_kind(path: Path, limits: Limits) -> str:
    archive = open_archive(path, limits)
    try:
        if "mimetype" in archive.NameToInfo:
            info = archive.getinfo("mimetype")
            if info.file_size <= 200 and archive.read("mimetype").strip() == MIMETYPE:
                return "ods"
        return "xlsx"
    except ZIP_ERRORS as exc:
        raise FileRefusedError(
            path, _("l'archive zip est abîmée ({error})").format(error=exc)
        ) from exc
    finally:
        archive.close()


@contextmanager
def open_book(path: Path, limits: Limits = LIMITS) -> Iterator[Book]:
    """The reader for ``path``, closed on leaving; refused in French when the file cannot be
    read or is past a limit."""
    check_size(path, limits)
    try:
        with held_files.open_input(path) as handle:
            head = handle.read(512)
    except OSError as exc:
        raise FileRefusedError(path, _("illisible ({error})").format(error=os_reason(exc))) from exc
    suffix = path.suffix.casefold()
    book: Book
    if is_zip(head):
        kind = _zip_kind(path, limits)
        book = OdsBook(path, limits) if kind == "ods" else XlsxBook(path, limits)
    elif head.startswith(OLE):
        raise FileRefusedError(
            path,
            _(
                "c'est un classeur Excel 97-2003 (.xls) ou un classeur protégé par un mot de "
                "passe, que Comptoir ne lit pas : ouvrez-le dans le tableur et enregistrez-le "
                "au format .xlsx ou .ods, sans mot de passe"
            ),
        )
    elif suffix == ".fods" or (
        head.lstrip().startswith(b"<?xml") and b"opendocument" in head and b"office" in head
    ):
        book = OdsBook(path, limits, flat=True)
    elif suffix in WORKBOOK_SUFFIXES:
        raise FileRefusedError(
            path,
            _(
                "son nom dit un classeur {suffix} mais ce n'en est pas un (ce n'est pas une "
                "archive zip) : ouvrez-le dans le tableur et enregistrez-le à nouveau"
            ).format(suffix=suffix.lstrip(".").upper()),
        )
    else:
        book = CsvBook(path, limits)
    try:
        yield book
    finally:
        book.close()


@dataclass(frozen=True)
class Table:
    """Rows keyed by normalised header; ``lines[i]`` is the file line of ``rows[i]``."""

    headers: list[str]
    rows: list[dict[str, str]]
    lines: list[int]


def read_table(path: Path, required: list[str], limits: Limits = LIMITS) -> Table:
    """The first sheet of ``path`` (CSV, XLSX or ODS) whole, for small lists such as the
    territory's communes; every name of ``required`` (normalised) must be a column. The
    readers' limits hold."""
    with open_book(path, limits) as book:
        first = next(book.sheets(), None)
        data = non_empty(first[1]) if first is not None else iter(())
        header = next(data, None)
        if header is None:
            raise ImportFileError([LineError(1, _("le fichier est vide"))])
        headers = [normalise(h) for h in header[1]]
        missing = [name for name in required if name not in headers]
        if missing:
            raise ImportFileError(
                [LineError(1, _("colonne manquante : {names}").format(names=", ".join(missing)))]
            )
        rows: list[dict[str, str]] = []
        lines: list[int] = []
        for number, values in data:
            if len(rows) >= limits.rows:
                raise FileRefusedError(path, too_many_rows(limits.rows))
            rows.append(
                {h: (values[i].strip() if i < len(values) else "") for i, h in enumerate(headers)}
            )
            lines.append(number)
    return Table(headers=headers, rows=rows, lines=lines)
