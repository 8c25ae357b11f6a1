"""What every reader of an imported spreadsheet shares: the key headers are matched by, the
limits no reader may pass, and the refusal that names the file and the limit.

A file handed to Comptoir may be anything: a 200 MB export, a workbook whose one cell holds a
gigabyte once decompressed, a zip bomb renamed ``.xlsx``. So every reader (CSV, XLSX and ODS,
under :mod:`tiers_lieu.services.imports`) streams its rows one at a time and checks each limit
of :data:`LIMITS` as it goes: the size of the file before anything is read, the declared size
of each compressed part before it is opened, the length of a cell while its text arrives, the
number of rows as they come. Whatever the file, an import stays within a few hundred MB and
refuses in seconds, in French, naming the limit that was passed.

Headers are matched case- and accent-insensitively through :func:`normalise`, so "Code INSEE",
"code_insee" and "CODE INSÉE" are one column.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tiers_lieu import held_files
from tiers_lieu.errors import ComptoirError, os_reason
from tiers_lieu.i18n import _, format_number

MIB = 1024 * 1024


def normalise(text: str) -> str:
    """Lower case, no accents, spaces and dashes as underscores: a key for matching."""
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return "_".join(bare.replace("-", " ").replace("_", " ").split())


@dataclass(frozen=True)
class Limits:
    """What an import reads at most. A tally sheet of ten years of a busy place holds some
    50 000 lines in a few MB: each limit leaves a wide margin above that."""

    file_bytes: int = 64 * MIB
    rows: int = 200_000  # lines of data, every sheet read together
    cell_chars: int = 32_767  # the longest cell Excel and LibreOffice themselves write
    columns: int = 256  # cells further right are not read
    line_bytes: int = MIB  # one line of a CSV file
    inflated_bytes: int = 256 * MIB  # the parts of a workbook read, once decompressed
    part_ratio: int = 500  # decompressed / compressed, for a part larger than ratio_from
    ratio_from: int = 8 * MIB
    zip_entries: int = 2_000
    small_part_bytes: int = 8 * MIB  # a workbook's list of sheets, its styles
    sheets: int = 256


LIMITS = Limits()

#: One row of a sheet: its line number in the file (1 is the first line) and its cells' text.
Row = tuple[int, list[str]]


class FileRefusedError(ComptoirError):
    """A file refused as a whole before its lines are checked: unreadable, or past a limit.
    The message names the file and says why, in one line."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(
            _("Fichier « {name} » refusé : {reason}.").format(name=path.name, reason=reason)
        )
        self.path = path
        self.reason = reason


def megabytes(size: int) -> str:
    """« 64 Mo », or « 300 ko » below a megabyte (sizes in units of 1 024)."""
    if size < MIB:
        return _("{n} ko").format(n=format_number(-(-size // 1024)))
    return _("{n} Mo").format(n=format_number(round(size / MIB, 1)))


def too_big(size: int, limit: int) -> str:
    return _("il pèse {size}, plus que les {limit} qu'un import accepte").format(
        size=megabytes(size), limit=megabytes(limit)
    )


def too_many_rows(limit: int) -> str:
    return _("le fichier dépasse {limit} lignes de données").format(limit=format_number(limit))


def cell_too_long(limit: int, line: int, sheet: str = "") -> str:
    where = (
        _("feuille « {sheet} », ligne {line}").format(sheet=sheet, line=format_number(line))
        if sheet
        else _("ligne {line}").format(line=format_number(line))
    )
    return _("une cellule dépasse {limit} caractères ({where})").format(
        limit=format_number(limit), where=where
    )


def check_size(path: Path, limits: Limits = LIMITS) -> int:
    """The size of ``path``, refused past ``limits.file_bytes`` before a byte is read (and
    refused if it is the base this process holds)."""
    held_files.refuse_held(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError as exc:
        raise ComptoirError(_("Fichier introuvable : {path}").format(path=path)) from exc
    except OSError as exc:
        raise FileRefusedError(path, _("illisible ({error})").format(error=os_reason(exc))) from exc
    if not path.is_file():
        raise FileRefusedError(path, _("ce n'est pas un fichier"))
    if size > limits.file_bytes:
        raise FileRefusedError(path, too_big(size, limits.file_bytes))
    return size


def fingerprint(path: Path, limits: Limits = LIMITS) -> str:
    """The sha256 of the file's bytes (hex): how a second import of one file is recognised."""
    check_size(path, limits)
    digest = hashlib.sha256()
    try:
        with held_files.open_input(path) as handle:
            for chunk in iter(lambda: handle.read(MIB), b""):
                digest.update(chunk)
    except OSError as exc:
        raise FileRefusedError(path, _("illisible ({error})").format(error=os_reason(exc))) from exc
    return digest.hexdigest()


def group_sheets(
    events: Iterator[tuple[str, Row | None]],
) -> Iterator[tuple[str, Iterator[Row]]]:
    """A reader's single stream of events (``(sheet, None)`` as a sheet starts, then
    ``(sheet, row)``) as one ``(name, rows)`` pair per sheet, empty sheets included. A sheet's
    rows must be used or left before the next pair is asked for; what was left is skipped."""
    held: list[tuple[str, Row | None]] = []

    def following() -> tuple[str, Row | None] | None:
        if held:
            return held.pop()
        return next(events, None)

    def rows() -> Iterator[Row]:
        while (event := following()) is not None:
            if event[1] is None:
                held.append(event)
                return
            yield event[1]

    while (event := following()) is not None:
        if event[1] is None:
            yield event[0], rows()


def non_empty(rows: Iterator[Row]) -> Iterator[Row]:
    """The rows that have at least one cell with something other than spaces."""
    for row in rows:
        if any(cell.strip() for cell in row[1]):
            yield row
