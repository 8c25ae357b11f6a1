"""Reading a CSV file (``;``, ``,`` or tab; UTF-8 with or without BOM, Windows-1252, or
UTF-16 with its BOM) row by row.

A first pass over the bytes, a megabyte at a time, decides the encoding (UTF-16 when the file
starts with its byte order mark, as Excel's « Texte Unicode » does; else UTF-8 if every byte
sequence is valid, Windows-1252 otherwise), refuses a file with NUL bytes (not text: a
workbook or a picture renamed ``.csv``; UTF-16 without its mark is named as such) and one
whose lines pass :attr:`~tiers_lieu.services.tabular.Limits.line_bytes`. The second pass
hands the text to :mod:`csv` line by line, counting what a record spans (quoted cells may
hold line breaks), so no row, and no cell, can grow past its limit before it is refused.
The separator is the one :class:`csv.Sniffer` finds in the header line (:func:`delimiter_of`).

The encoding is decided on every byte, not guessed from a sample: a guesser such as
charset-normalizer names short French Windows-1252 files Windows-1250 or CP1125, and, held to
UTF-8 and Windows-1252, says what this pass says.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterator
from itertools import chain
from pathlib import Path
from typing import AnyStr, TextIO

from tiers_lieu import held_files
from tiers_lieu.i18n import _, format_number
from tiers_lieu.services.tabular import (
    LIMITS,
    MIB,
    FileRefusedError,
    Limits,
    Row,
    cell_too_long,
    megabytes,
)

_CP1252_UNDEFINED = re.compile(b"[\x81\x8d\x8f\x90\x9d]")
SEPARATORS = ";\t,"  # in the order preferred when a header holds as many of each
SNIFF_CHARS = 4_096
"""The start of the header line shown to :class:`csv.Sniffer`, whose search for quoted cells
is quadratic (30 s on 64 KiB of ``,"``, 0.1 s on 4 KiB); 256 columns of 16 letters fit."""


def delimiter_of(header: str) -> str:
    """The separator of the header line: ``;``, tab or ``,`` as :class:`csv.Sniffer` finds it
    (quotes understood, so ``"nom; prénom",date`` is comma-separated), ``;`` first when there
    are as many; a header of one column gives ``;``."""
    sample = header[:SNIFF_CHARS]
    sniffer = csv.Sniffer()
    sniffer.preferred = list(SEPARATORS)  # CPython's own tie-break; tests see if it goes
    try:
        return sniffer.sniff(sample, delimiters=SEPARATORS).delimiter
    except csv.Error:  # no separator it is sure of: the one seen most
        return max(SEPARATORS, key=sample.count) if any(c in sample for c in SEPARATORS) else ";"


def _looks_utf16(chunk: bytes) -> bool:
    """Text in UTF-16 without its byte order mark: NUL bytes (the high byte of a Latin
    letter) all on the even or all on the odd positions, one byte in four at least."""
    sample = chunk[:SNIFF_CHARS]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    return min(even, odd) == 0 and max(even, odd) * 4 >= len(sample)


class CsvBook:
    """A CSV file opened for reading: one sheet without a name."""

    kind = "CSV"

    def __init__(self, path: Path, limits: Limits = LIMITS) -> None:
        self.path = path
        self.limits = limits
        self._size = max(path.stat().st_size, 1)
        self._read = 0
        self._since_row = 0
        self._char_bytes = 1  # bytes a character takes, about: the progress counts them
        self.encoding = self._survey()

    def close(self) -> None:
        pass

    def progress(self) -> float:
        return min(self._read / self._size, 1.0)

    def _too_long_line(self) -> FileRefusedError:
        return FileRefusedError(
            self.path,
            _("une ligne dépasse {limit}").format(limit=megabytes(self.limits.line_bytes)),
        )

    def _line_after(self, chunk: AnyStr, newline: AnyStr, line: int) -> int:
        """The length of the line under way after ``chunk``, ``line`` before it; refused when
        a line passes the limit."""
        start = 0
        while (end := chunk.find(newline, start)) >= 0:
            if line + end - start > self.limits.line_bytes:
                raise self._too_long_line()
            line, start = 0, end + 1
        line += len(chunk) - start
        if line > self.limits.line_bytes:
            raise self._too_long_line()
        return line

    def _not_text(self, chunk: bytes) -> FileRefusedError:
        if _looks_utf16(chunk):
            return FileRefusedError(
                self.path,
                _(
                    "il est encodé en UTF-16 sans en porter la marque : enregistrez-le en "
                    "« CSV UTF-8 » depuis le tableur"
                ),
            )
        return FileRefusedError(
            self.path, _("il contient des octets nuls : ce n'est pas un fichier texte CSV")
        )

    def _survey(self) -> str:
        """The encoding to read with, after checking every byte once."""
        decoder = codecs.getincrementaldecoder("utf-8")()
        utf8 = True
        undefined: int | None = None  # first byte Windows-1252 does not define
        line = 0
        position = 0
        with held_files.open_input(self.path) as handle:
            head = handle.read(3)
            if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                return self._survey_utf16()
            bom = head == codecs.BOM_UTF8
            handle.seek(0)
            for chunk in iter(lambda: handle.read(MIB), b""):
                if b"\0" in chunk:
                    raise self._not_text(chunk)
                line = self._line_after(chunk, b"\n", line)
                if utf8:
                    try:
                        decoder.decode(chunk)
                    except UnicodeDecodeError:
                        utf8 = False
                if undefined is None and (found := _CP1252_UNDEFINED.search(chunk)):
                    undefined = position + found.start()
                position += len(chunk)
        if utf8:
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                utf8 = False
        if bom or utf8:
            return "utf-8-sig"
        if undefined is not None:
            with held_files.open_input(self.path) as handle:
                handle.seek(undefined)
                byte = handle.read(1)
            raise FileRefusedError(
                self.path,
                _(
                    "son texte n'est ni en UTF-8 ni en Windows-1252 (octet 0x{byte} à la "
                    "position {position}) : enregistrez-le en « CSV UTF-8 » depuis le tableur"
                ).format(byte=byte.hex().upper(), position=format_number(undefined)),
            )
        return "cp1252"

    def _survey_utf16(self) -> str:
        """A text in UTF-16 with its byte order mark (Excel's « Texte Unicode », LibreOffice's
        « Unicode (UTF-16) »): every character decoded once, a NUL character or a long line
        refused as in the other encodings (a line's length counted in characters)."""
        decoder = codecs.getincrementaldecoder("utf-16")()  # the mark says which way round
        broken = FileRefusedError(
            self.path,
            _("son texte UTF-16 est abîmé : enregistrez-le en « CSV UTF-8 » depuis le tableur"),
        )
        line = 0
        with held_files.open_input(self.path) as handle:
            for chunk in iter(lambda: handle.read(MIB), b""):
                try:
                    text = decoder.decode(chunk)
                except UnicodeDecodeError:
                    raise broken from None
                if "\0" in text:
                    raise FileRefusedError(
                        self.path,
                        _("il contient des octets nuls : ce n'est pas un fichier texte CSV"),
                    )
                line = self._line_after(text, "\n", line)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise broken from None
        self._char_bytes = 2
        return "utf-16"

    def _lines(self, handle: TextIO, first: str) -> Iterator[str]:
        for line in chain((first,), handle):
            self._read += len(line) * self._char_bytes
            self._since_row += len(line)
            if self._since_row > self.limits.line_bytes:
                raise self._too_long_line()
            yield line

    def sheets(self) -> Iterator[tuple[str, Iterator[Row]]]:
        """The one sheet of a CSV file, without a name."""
        yield "", self._records()

    def _records(self) -> Iterator[Row]:
        limit, columns = self.limits.cell_chars, self.limits.columns
        with self.path.open("r", encoding=self.encoding, newline="") as handle:
            first = handle.readline()
            reader = csv.reader(self._lines(handle, first), delimiter=delimiter_of(first))
            number = 0
            try:
                for cells in reader:
                    number += 1
                    self._since_row = 0
                    if len(cells) > columns:
                        cells = cells[:columns]
                    for cell in cells:
                        if len(cell) > limit:
                            raise FileRefusedError(self.path, cell_too_long(limit, number))
                    yield number, cells
            except csv.Error as exc:
                if "field larger than field limit" in str(exc):
                    raise FileRefusedError(self.path, cell_too_long(limit, number + 1)) from exc
                raise FileRefusedError(
                    self.path,
                    _("CSV illisible à la ligne {line} ({error})").format(
                        line=format_number(number + 1), error=exc
                    ),
                ) from exc
