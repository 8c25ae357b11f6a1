"""Reading an XLSX workbook (Excel, LibreOffice, online spreadsheets) sheet by sheet, row by row.

Why not a library: openpyxl builds each cell's text whole (one cell of a compressed gigabyte
took 8 GB) and fills the gaps between distant rows with empty ones (a 6 MB file ran five
minutes); calamine builds a dense grid of every sheet (a 1.5 KB file whose second cell sits at
XFD1048576 asks for 549 GB and aborts the process). Here a sheet is an XML stream read by
expat: a row is handed on as soon as it is complete, rows missing between two rows cost
nothing, a cell's text is refused as soon as it passes the limit, and only the shared strings
(bounded by their part's declared size) are kept whole, packed as UTF-8.

A number whose style is a date format is a date or a time (:mod:`.cells`).
"""

from __future__ import annotations

import posixpath
from array import array
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from tiers_lieu.i18n import _, format_number
from tiers_lieu.services.imports.cells import (
    BUILTIN_DATE_FORMATS,
    COLUMNS,
    DIGITS,
    FAR,
    is_date_format,
    number_text,
    serial_text,
)
from tiers_lieu.services.imports.zipparts import (
    READ_ERRORS,
    check_parts,
    damaged,
    open_archive,
    parse_small,
    stream_events,
    xml_parser,
)
from tiers_lieu.services.tabular import (
    LIMITS,
    FileRefusedError,
    Limits,
    Row,
    cell_too_long,
)

_OFFICE_DOCUMENT = "/officeDocument"
#: A shared string's number that is not one, a style that is no number: a damaged sheet.
_SHEET_ERRORS: tuple[type[BaseException], ...] = (*READ_ERRORS, ValueError, IndexError)


class SharedStrings:
    """The workbook's strings, packed as UTF-8 with their end offsets."""

    def __init__(self) -> None:
        self._data = bytearray()
        self._ends = array("Q")
        self.get = lru_cache(maxsize=4096)(self._get)

    def add(self, text: str) -> None:
        self._data += text.encode("utf-8")
        self._ends.append(len(self._data))

    def _get(self, index: int) -> str:
        if index < 0:
            raise IndexError(index)
        start = self._ends[index - 1] if index > 0 else 0
        return self._data[start : self._ends[index]].decode("utf-8")

    def __len__(self) -> int:
        return len(self._ends)


class _TextCapture:
    """Collects the text of one cell, refusing it past the limit as it arrives."""

    __slots__ = ("capture", "length", "limit", "parts", "where")

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.parts: list[str] = []
        self.length = 0
        self.capture = False
        self.where: tuple[int, str] = (0, "")

    def reset(self) -> None:
        self.parts = []
        self.length = 0

    def add(self, data: str) -> None:
        if self.capture:
            self.length += len(data)
            if self.length > self.limit:
                raise _TooLongError(*self.where)
            self.parts.append(data)


class _TooLongError(Exception):
    def __init__(self, line: int, sheet: str) -> None:
        super().__init__(line, sheet)
        self.line = line
        self.sheet = sheet


class XlsxBook:
    """An XLSX file opened for reading: its sheets, in the workbook's order."""

    kind = "XLSX"

    def __init__(self, path: Path, limits: Limits = LIMITS) -> None:
        self.path = path
        self.limits = limits
        self.archive = open_archive(path, limits)
        self._inflated = 0
        self._total = 1
        try:
            self._load()
        except BaseException:
            self.archive.close()
            raise

    def close(self) -> None:
        self.archive.close()

    def progress(self) -> float:
        return min(self._inflated / self._total, 1.0)

    # -- the workbook's structure ---------------------------------------------------------
    def _relationships(self, part: str) -> dict[str, tuple[str, str]]:
        folder, name = posixpath.split(part)
        rels = posixpath.join(folder, "_rels", name + ".rels")
        found: dict[str, tuple[str, str]] = {}
        if rels not in self._names:
            return found

        def start(tag: str, attributes: dict[str, str]) -> None:
            if tag != "Relationship" or attributes.get("TargetMode") == "External":
                return
            target = attributes.get("Target", "")
            if target.startswith("/"):
                resolved = target.lstrip("/")
            else:
                resolved = posixpath.normpath(posixpath.join(folder, target))
            found[attributes.get("Id", "")] = (attributes.get("Type", ""), resolved)

        parse_small(self.path, self.archive, rels, start, self.limits)
        return found

    def _load(self) -> None:
        self._names = set(self.archive.namelist())
        workbook = "xl/workbook.xml"
        for kind, target in self._relationships("").values():
            if kind.endswith(_OFFICE_DOCUMENT) and target in self._names:
                workbook = target
        if workbook not in self._names:
            raise FileRefusedError(
                self.path, _("cette archive n'est ni un classeur XLSX ni un classeur ODS")
            )
        relations = self._relationships(workbook)
        listed: list[tuple[str, str]] = []
        mac = False

        def start(tag: str, attributes: dict[str, str]) -> None:
            nonlocal mac
            if tag == "sheet":
                if len(listed) >= self.limits.sheets:
                    raise FileRefusedError(
                        self.path,
                        _("le classeur compte plus de {limit} feuilles").format(
                            limit=format_number(self.limits.sheets)
                        ),
                    )
                listed.append((attributes.get("name", ""), attributes.get("id", "")))
            elif tag == "workbookPr":
                mac = attributes.get("date1904", "").lower() in ("1", "true")

        parse_small(self.path, self.archive, workbook, start, self.limits)
        self.mac_epoch = mac
        self._parts: list[tuple[str, str | None]] = []
        for name, rid in listed:
            kind, target = relations.get(rid, ("", ""))
            part = target if kind.endswith("/worksheet") and target in self._names else None
            self._parts.append((name, part))
        shared = styles = None
        for kind, target in relations.values():
            if kind.endswith("/sharedStrings") and target in self._names:
                shared = target
            elif kind.endswith("/styles") and target in self._names:
                styles = target
        parts = [part for _name, part in self._parts if part is not None]
        if shared is not None:
            parts.append(shared)
        self._total = max(check_parts(self.path, self.archive, parts, self.limits), 1)
        self.date_styles = self._date_styles(styles) if styles else frozenset()
        self.shared = self._shared_strings(shared) if shared else SharedStrings()

    def _date_styles(self, part: str) -> frozenset[int]:
        formats: dict[int, str] = {}
        cell_formats: list[int] = []
        container = ""

        def start(tag: str, attributes: dict[str, str]) -> None:
            nonlocal container
            if tag in ("cellXfs", "cellStyleXfs", "cellStyles", "dxfs"):
                container = tag
            elif tag == "numFmt" and container != "dxfs":
                number = attributes.get("numFmtId", "")
                if number.isdigit():
                    formats[int(number)] = attributes.get("formatCode", "")
            elif tag == "xf" and container == "cellXfs":
                number = attributes.get("numFmtId", "0")
                cell_formats.append(int(number) if number.isdigit() else 0)

        parse_small(self.path, self.archive, part, start, self.limits)
        return frozenset(
            index
            for index, number in enumerate(cell_formats)
            if number in BUILTIN_DATE_FORMATS
            or (number in formats and is_date_format(formats[number]))
        )

    def _shared_strings(self, part: str) -> SharedStrings:
        strings = SharedStrings()
        text = _TextCapture(self.limits.cell_chars)
        phonetic = 0
        parser = xml_parser()

        def start(tag: str, _attributes: dict[str, str]) -> None:
            nonlocal phonetic
            name = tag.rpartition(":")[2]
            if name == "t":
                text.capture = phonetic == 0
            elif name == "si":
                text.reset()
            elif name == "rPh":
                phonetic += 1

        def end(tag: str) -> None:
            nonlocal phonetic
            name = tag.rpartition(":")[2]
            if name == "t":
                text.capture = False
            elif name == "si":
                strings.add("".join(text.parts))
            elif name == "rPh":
                phonetic -= 1

        parser.StartElementHandler = start
        parser.EndElementHandler = end
        parser.CharacterDataHandler = text.add
        pending: list[Row] = []
        try:
            with self.archive.open(part) as stream:
                for _row in stream_events(parser, stream, pending, self._count):
                    pass
        except _TooLongError as exc:
            raise FileRefusedError(
                self.path,
                _("un texte du classeur dépasse {limit} caractères").format(
                    limit=format_number(self.limits.cell_chars)
                ),
            ) from exc
        except READ_ERRORS as exc:
            raise damaged(self.path, part, exc) from exc
        return strings

    def _count(self, size: int) -> None:
        self._inflated += size

    # -- the rows -------------------------------------------------------------------------
    def sheets(self) -> Iterator[tuple[str, Iterator[Row]]]:
        """Each sheet's name and rows (those with a cell); a sheet's part is read only when
        its rows are asked for, and only as far as they are."""
        for name, part in self._parts:
            yield name, (self._rows(name, part) if part is not None else iter(()))

    def _rows(self, sheet: str, part: str) -> Iterator[Row]:
        parser = xml_parser()
        reader = _SheetReader(sheet, self)
        parser.StartElementHandler = reader.start
        parser.EndElementHandler = reader.end
        parser.CharacterDataHandler = reader.text.add
        try:
            with self.archive.open(part) as stream:
                yield from stream_events(parser, stream, reader.pending, self._count)
        except _TooLongError as exc:
            raise FileRefusedError(
                self.path, cell_too_long(self.limits.cell_chars, exc.line, exc.sheet)
            ) from exc
        except _SHEET_ERRORS as exc:
            raise damaged(self.path, part, exc) from exc


class _SheetReader:
    """expat handlers for one worksheet part; complete rows land in ``pending``."""

    def __init__(self, sheet: str, book: XlsxBook) -> None:
        self.sheet = sheet
        self.pending: list[Row] = []
        self.shared = book.shared
        self.date_styles = book.date_styles
        self.mac_epoch = book.mac_epoch
        self.max_columns = book.limits.columns
        self.text = _TextCapture(book.limits.cell_chars)
        self.row = 0
        self.column = -1
        self.kind = "n"
        self.style = 0
        self.has_value = False
        self.inline = False
        self.phonetic = 0
        self.cells: dict[int, str] = {}

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        if ":" in tag:
            tag = tag.rpartition(":")[2]
        if tag == "c":
            ref = attributes.get("r")
            self.column = COLUMNS.get(ref.rstrip(DIGITS), FAR) if ref else self.column + 1
            self.kind = attributes.get("t", "n")
            style = attributes.get("s")
            self.style = int(style) if style and style.isdigit() and len(style) < 9 else 0
            self.has_value = False
            self.text.reset()
        elif tag == "v":
            self.text.capture = self.has_value = True
        elif tag == "row":
            ref = attributes.get("r")
            self.row = int(ref) if ref and ref.isdigit() and len(ref) < 10 else self.row + 1
            self.text.where = (self.row, self.sheet)
            self.column = -1
            self.cells = {}
        elif tag == "t":
            if self.inline and not self.phonetic:
                self.text.capture = self.has_value = True
        elif tag == "is":
            self.inline = True
        elif tag == "rPh":
            self.phonetic += 1

    def end(self, tag: str) -> None:
        if ":" in tag:
            tag = tag.rpartition(":")[2]
        if tag == "c":
            if self.has_value and self.column < self.max_columns:
                value = self._value("".join(self.text.parts))
                if value:
                    self.cells[self.column] = value
        elif tag in ("v", "t"):
            self.text.capture = False
        elif tag == "row":
            if self.cells:
                row = [""] * (max(self.cells) + 1)
                for column, value in self.cells.items():
                    row[column] = value
                self.pending.append((self.row, row))
        elif tag == "is":
            self.inline = False
        elif tag == "rPh":
            self.phonetic -= 1

    def _value(self, raw: str) -> str:
        kind = self.kind
        if kind == "s":
            return self.shared.get(int(raw))
        if kind == "n":
            if self.style in self.date_styles:
                return serial_text(raw, self.mac_epoch)
            return number_text(raw)
        if kind == "d":
            return raw[:10] if raw[10:].strip("T0:.Z") == "" else raw
        return raw  # inline string, formula's text, boolean, error
