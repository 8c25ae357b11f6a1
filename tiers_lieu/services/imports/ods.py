"""Reading an OpenDocument spreadsheet (``.ods``, LibreOffice's own format; also the flat XML
``.fods``) sheet by sheet, row by row.

Every sheet sits in one XML part, ``content.xml``, read here as a stream by expat. OpenDocument
compresses runs of alike cells and rows with repeat counts: LibreOffice itself ends a sheet
with a million empty rows of a thousand empty cells, and a hostile file may repeat a filled row
a billion times (calamine, asked for such a 737-byte file, took 2.4 GB). So an empty run only
moves the line count on, a filled cell is copied only up to the columns read, and a filled row
is handed on once per repeat, lazily, each counting against the row limit.

Typed cells give their value, not their display: a date « 03/02/2025 » arrives as
``2025-02-03``, a time as ``PT14H30M00S`` (read HH:MM), a number as « 3 ».
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from tiers_lieu import held_files
from tiers_lieu.i18n import _, format_number
from tiers_lieu.services.imports.cells import number_text
from tiers_lieu.services.imports.zipparts import (
    CHUNK,
    READ_ERRORS,
    check_parts,
    damaged,
    open_archive,
    xml_parser,
)
from tiers_lieu.services.tabular import (
    LIMITS,
    FileRefusedError,
    Limits,
    Row,
    cell_too_long,
    group_sheets,
    too_many_rows,
)

MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
TABLE, ROW = _TABLE + "table", _TABLE + "table-row"
CELL, COVERED = _TABLE + "table-cell", _TABLE + "covered-table-cell"
NAME, ROWS_REPEATED = _TABLE + "name", _TABLE + "number-rows-repeated"
COLUMNS_REPEATED = _TABLE + "number-columns-repeated"
VALUE_TYPE, VALUE = _OFFICE + "value-type", _OFFICE + "value"
DATE_VALUE, TIME_VALUE = _OFFICE + "date-value", _OFFICE + "time-value"
BOOLEAN_VALUE, STRING_VALUE = _OFFICE + "boolean-value", _OFFICE + "string-value"
ANNOTATION = _OFFICE + "annotation"
PARAGRAPH, SPACE = _TEXT + "p", _TEXT + "s"
TAB, LINE_BREAK, SPACES = _TEXT + "tab", _TEXT + "line-break", _TEXT + "c"
_DURATION = re.compile(r"^-?PT(\d+)H(\d+)M(\d+)")
FAR = 1 << 30


def _count(text: str | None) -> int:
    return int(text) if text and text.isdigit() and len(text) < 10 else 1


def time_text(value: str) -> str:
    """``PT14H30M00S`` → 14:30."""
    match = _DURATION.match(value)
    if match is None:
        return value
    return f"{int(match.group(1)):02d}:{int(match.group(2)):02d}"


class _TooLongError(Exception):
    pass


class _ContentReader:
    """expat handlers for ``content.xml``: sheet starts and complete rows land in ``pending``
    as ``(sheet, line, cells, repeat)``, ``cells`` being ``None`` for a sheet's start."""

    def __init__(self, book: OdsBook) -> None:
        self.book = book
        self.limit = book.limits.cell_chars
        self.max_columns = book.limits.columns
        self.pending: list[tuple[str, int, list[str] | None, int]] = []
        self.depth = 0  # tables inside tables (a cell may hold one) are not read
        self.sheet = ""
        self.sheets = 0
        self.line = 0
        self.repeat = 1
        self.cells: dict[int, str] = {}
        self.column = 0
        self.columns = 1
        self.value: str | None = None  # a typed cell's value, or None to read its text
        self.paragraphs: list[list[str]] | None = None
        self.length = 0
        self.annotation = 0

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        if tag in (CELL, COVERED):
            if self.depth == 1:
                self._start_cell(attributes)
        elif tag == PARAGRAPH:
            if self.paragraphs is not None and not self.annotation:
                if self.paragraphs:
                    self._add("\n")
                self.paragraphs.append([])
        elif tag == SPACE:
            self._add(" " * min(_count(attributes.get(SPACES)), self.limit + 1))
        elif tag == ROW:
            if self.depth == 1:
                self.repeat = _count(attributes.get(ROWS_REPEATED))
                self.cells = {}
                self.column = 0
        elif tag == TAB:
            self._add("\t")
        elif tag == LINE_BREAK:
            self._add("\n")
        elif tag == ANNOTATION:
            self.annotation += 1
        elif tag == TABLE:
            self.depth += 1
            if self.depth == 1:
                self._start_sheet(attributes.get(NAME, ""))

    def _start_sheet(self, name: str) -> None:
        self.sheets += 1
        if self.sheets > self.book.limits.sheets:
            raise FileRefusedError(
                self.book.path,
                _("le classeur compte plus de {limit} feuilles").format(
                    limit=format_number(self.book.limits.sheets)
                ),
            )
        self.sheet = name
        self.line = 0
        self.pending.append((name, 0, None, 0))

    def _start_cell(self, attributes: dict[str, str]) -> None:
        self.columns = _count(attributes.get(COLUMNS_REPEATED))
        kind = attributes.get(VALUE_TYPE)
        self.length = 0
        self.paragraphs = None
        if kind in ("float", "percentage", "currency"):
            self.value = number_text(attributes.get(VALUE, ""))
        elif kind == "date":
            self.value = attributes.get(DATE_VALUE, "")[:10]
        elif kind == "time":
            self.value = time_text(attributes.get(TIME_VALUE, ""))
        elif kind == "boolean":
            self.value = attributes.get(BOOLEAN_VALUE, "")
        elif STRING_VALUE in attributes:
            self.value = attributes[STRING_VALUE]
        else:
            self.value = None
            self.paragraphs = []
        if self.value is not None and len(self.value) > self.limit:
            raise _TooLongError

    def _add(self, text: str) -> None:
        if self.paragraphs and not self.annotation:
            self.length += len(text)
            if self.length > self.limit:
                raise _TooLongError
            self.paragraphs[-1].append(text)

    def text(self, data: str) -> None:
        if self.paragraphs and not self.annotation:
            self._add(data)

    def end(self, tag: str) -> None:
        if tag in (CELL, COVERED):
            if self.depth == 1:
                self._end_cell()
        elif tag == ROW:
            if self.depth == 1:
                self._end_row()
        elif tag == ANNOTATION:
            self.annotation -= 1
        elif tag == TABLE:
            self.depth -= 1

    def _end_cell(self) -> None:
        if self.value is not None:
            value = self.value
        elif self.paragraphs:
            value = "".join("".join(parts) for parts in self.paragraphs)
        else:
            value = ""
        self.paragraphs = None
        if value and self.column < self.max_columns:
            for column in range(self.column, min(self.column + self.columns, self.max_columns)):
                self.cells[column] = value
        self.column = min(self.column + self.columns, FAR)

    def _end_row(self) -> None:
        if self.cells:
            if self.repeat > self.book.limits.rows:
                raise FileRefusedError(self.book.path, too_many_rows(self.book.limits.rows))
            row = [""] * (max(self.cells) + 1)
            for column, value in self.cells.items():
                row[column] = value
            self.pending.append((self.sheet, self.line + 1, row, self.repeat))
        self.line = min(self.line + self.repeat, FAR)


class OdsBook:
    """An ODS (or flat FODS) file opened for reading: its sheets, in order."""

    kind = "ODS"

    def __init__(self, path: Path, limits: Limits = LIMITS, *, flat: bool = False) -> None:
        self.path = path
        self.limits = limits
        self.flat = flat
        self._inflated = 0
        self.archive = None if flat else open_archive(path, limits)
        try:
            if self.archive is None:
                self._total = max(path.stat().st_size, 1)
            else:
                names = set(self.archive.namelist())
                if "content.xml" not in names:
                    raise FileRefusedError(
                        path, _("cette archive n'est ni un classeur XLSX ni un classeur ODS")
                    )
                self._total = max(check_parts(path, self.archive, ["content.xml"], limits), 1)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if self.archive is not None:
            self.archive.close()

    def progress(self) -> float:
        return min(self._inflated / self._total, 1.0)

    def _open(self) -> IO[bytes]:
        if self.archive is None:
            return held_files.open_input(self.path)
        return self.archive.open("content.xml")

    def sheets(self) -> Iterator[tuple[str, Iterator[Row]]]:
        """Each sheet's name and filled rows, from the one stream of ``content.xml``."""
        return group_sheets(self._events())

    def _events(self) -> Iterator[tuple[str, Row | None]]:
        """``(sheet, None)`` as each sheet starts, then ``(sheet, row)`` for each filled row
        (a repeated row once per repeat)."""
        reader = _ContentReader(self)
        parser = xml_parser(namespace_separator="}")
        parser.StartElementHandler = reader.start
        parser.EndElementHandler = reader.end
        parser.CharacterDataHandler = reader.text
        part = self.path.name if self.archive is None else "content.xml"
        try:
            with self._open() as stream:
                while True:
                    chunk = stream.read(CHUNK)
                    parser.Parse(chunk, not chunk)
                    self._inflated += len(chunk)
                    ready = reader.pending[:]
                    reader.pending.clear()
                    for sheet, line, cells, repeat in ready:
                        if cells is None:
                            yield sheet, None
                            continue
                        for offset in range(repeat):
                            yield sheet, (line + offset, cells)
                    if not chunk:
                        return
        except _TooLongError as exc:
            raise FileRefusedError(
                self.path, cell_too_long(self.limits.cell_chars, reader.line + 1, reader.sheet)
            ) from exc
        except READ_ERRORS as exc:
            raise damaged(self.path, part, exc) from exc
