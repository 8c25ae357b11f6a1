"""Hostile spreadsheets for the import tests and ``bench/bench_refusals.py``, written to disk as a
stream (never whole in memory), most of them small on disk because the attack is compression.

Each generator takes the size of its attack, so that the tests write small ones and the bench
the largest; what each one did to Comptoir before its readers were bounded is said beside it.
:func:`run_measured` runs a command in a child process and gives its exit code, message, time
and peak memory.
"""

from __future__ import annotations

import base64
import os
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

MIB = 1024 * 1024

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="rels" ContentType="application/'
    'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="'
    'application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="'
    '/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'spreadsheetml.worksheet+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
    '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/'
    'workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
    'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships"><sheets><sheet name="Feuil1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
    '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/'
    'sheet1.xml"/></Relationships>'
)
SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org'
    b'/spreadsheetml/2006/main"><sheetData>'
)
SHEET_TAIL = b"</sheetData></worksheet>"


def inline(ref: str, text: str) -> bytes:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'.encode()


HEADER_ROW = b'<row r="1">' + inline("A1", "date") + inline("B1", "service") + b"</row>"


def write_xlsx(path: Path, sheet: Iterable[bytes]) -> Path:
    """A one-sheet XLSX whose sheet part is ``sheet`` (chunks, streamed through deflate)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            for chunk in sheet:
                part.write(chunk)
    return path


def _repeat(block: bytes, size: int) -> Iterator[bytes]:
    for _ in range(size // len(block)):
        yield block
    yield block[: size % len(block)]


def huge_cell_xlsx(path: Path, chars: int) -> Path:
    """One cell of ``chars`` letters, a thousand times smaller compressed: openpyxl took 8 GB
    for a 1 MB file of this kind."""
    return write_xlsx(
        path,
        [
            SHEET_HEAD,
            HEADER_ROW,
            b'<row r="2"><c r="A2" t="inlineStr"><is><t>',
            *_repeat(b"A" * MIB, chars),
            b"</t></is></c></row>",
            SHEET_TAIL,
        ],
    )


def long_cell_xlsx(path: Path, chars: int) -> Path:
    """One cell of ``chars`` random letters: hardly compressible, so past any ratio check."""

    def letters() -> Iterator[bytes]:
        left = chars
        while left > 0:
            block = base64.b32encode(os.urandom(5 * min(left, MIB) // 8 + 5))[: min(left, MIB)]
            left -= len(block)
            yield block

    return write_xlsx(
        path,
        [
            SHEET_HEAD,
            HEADER_ROW,
            b'<row r="2"><c r="B2" t="inlineStr"><is><t>',
            *letters(),
            b"</t></is></c></row>",
            SHEET_TAIL,
        ],
    )


def bomb_xlsx(path: Path, inflated: int) -> Path:
    """A sheet of ``inflated`` bytes of empty rows, compressed a thousand times: the file stays
    small, its reading would not end."""
    return write_xlsx(path, [SHEET_HEAD, *_repeat(b"<row/>" * 8192, inflated), SHEET_TAIL])


def empty_rows_xlsx(path: Path, inflated: int) -> Path:
    """Numbered empty rows up to ``inflated`` bytes: compressed only some fifty times, so
    past the ratio check, and all of it must be read."""

    def lines() -> Iterator[bytes]:
        yield SHEET_HEAD + HEADER_ROW
        written, number = 0, 2
        while written < inflated:
            chunk = b"".join(b'<row r="%d"/>' % n for n in range(number, number + 10_000))
            number += 10_000
            written += len(chunk)
            yield chunk
        yield SHEET_TAIL

    return write_xlsx(path, lines())


def many_rows_xlsx(path: Path, rows: int) -> Path:
    """``rows`` lines of data under a good header: a 6 MB file of a million rows ran for five
    minutes."""

    def lines() -> Iterator[bytes]:
        yield SHEET_HEAD + HEADER_ROW
        for start in range(2, rows + 2, 1000):
            yield b"".join(
                b'<row r="%d"><c r="A%d"><v>%d</v></c><c r="B%d" t="inlineStr"><is><t>x</t>'
                b"</is></c></row>" % (n, n, 45000 + n % 700, n)
                for n in range(start, min(start + 1000, rows + 2))
            )
        yield SHEET_TAIL

    return write_xlsx(path, lines())


def corner_xlsx(path: Path) -> Path:
    """A header, then one cell in the last column of the last row: 1.5 KB that asked calamine
    for 549 GB."""
    last = b'<row r="1048576">' + inline("XFD1048576", "x") + b"</row>"
    return write_xlsx(path, [SHEET_HEAD, HEADER_ROW, last, SHEET_TAIL])


def entity_bomb_xlsx(path: Path) -> Path:
    """The « billion laughs »: entities that expand each other."""
    entities = b"".join(
        b'<!ENTITY e%d "%s">' % (n, b"&e%d;" % (n - 1) * 10 if n else b"ha") for n in range(10)
    )
    sheet = SHEET_HEAD.replace(b"<worksheet", b"<!DOCTYPE worksheet [" + entities + b"]><worksheet")
    return write_xlsx(
        path, [sheet, HEADER_ROW, b'<row r="2">', inline("A2", "&e9;"), b"</row>", SHEET_TAIL]
    )


def repeated_ods(path: Path, rows: int, columns: int) -> Path:
    """One filled row repeated ``rows`` times, its cell ``columns`` times: 737 bytes that
    took calamine 2.4 GB."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:'
        'names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:'
        'xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'office:version="1.3"><office:body><office:spreadsheet><table:table table:name="F">'
        '<table:table-row><table:table-cell office:value-type="string"><text:p>date</text:p>'
        '</table:table-cell><table:table-cell office:value-type="string"><text:p>service'
        "</text:p></table:table-cell></table:table-row>"
        f'<table:table-row table:number-rows-repeated="{rows}"><table:table-cell '
        f'table:number-columns-repeated="{columns}" office:value-type="string"><text:p>x'
        "</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet>"
        "</office:body></office:document-content>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return path


def many_parts_zip(path: Path, parts: int) -> Path:
    """An « XLSX » of ``parts`` empty parts: the archive's directory alone would fill memory."""
    with zipfile.ZipFile(path, "w") as archive:
        for n in range(parts):
            archive.writestr(f"p{n}", b"")
    return path


def big_csv(path: Path, size: int) -> Path:
    """``size`` bytes of good visit lines, written a megabyte at a time: a 200 MB CSV took
    3 GB."""
    line = "03/02/2025;Épicerie\n".encode()
    with path.open("wb") as handle:
        handle.write(b"date;service\n")
        for chunk in _repeat(line * (MIB // len(line)), size):
            handle.write(chunk)
    return path


def sparse_file(path: Path, size: int) -> Path:
    """A file of ``size`` bytes that takes no room on disk (its size alone is refused)."""
    with path.open("wb") as handle:
        handle.write(b"date;service\n")
        handle.truncate(size)
    return path


#: Runs its arguments as a child and writes « exit-code peak-KiB » to the file named first. A
#: child's ru_maxrss starts at its parent's size when it forks (Linux keeps the high-water
#: mark across exec), so the command is started from this small process, not from a test
#: runner or a bench that holds hundreds of MB.
_LAUNCHER = (
    "import os, subprocess, sys\n"
    "child = subprocess.Popen(sys.argv[2:])\n"
    "_pid, status, usage = os.wait4(child.pid, 0)\n"
    "with open(sys.argv[1], 'w') as report:\n"
    "    report.write(f'{os.waitstatus_to_exitcode(status)} {usage.ru_maxrss}')\n"
)


@dataclass(frozen=True)
class Measure:
    code: int
    message: str  # the first line on stderr
    seconds: float
    peak_mb: float


def run_measured(arguments: list[str], folder: Path) -> Measure:
    """``python -m tiers_lieu ARGUMENTS`` in a child process, measured."""
    report = folder / "mesure.txt"
    with open(os.devnull, "wb") as out, (folder / "stderr.txt").open("w+b") as err:
        started = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-c",
                _LAUNCHER,
                str(report),
                sys.executable,
                "-m",
                "tiers_lieu",
                *arguments,
            ],
            stdout=out,
            stderr=err,
            check=True,
        )
        seconds = time.perf_counter() - started
        err.seek(0)
        message = err.read().decode("utf-8", "replace").strip().partition("\n")[0]
    code, peak_kib = report.read_text().split()
    return Measure(int(code), message, seconds, int(peak_kib) / 1024)
