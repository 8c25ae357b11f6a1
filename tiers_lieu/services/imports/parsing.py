"""Reading the cells of an imported spreadsheet: which column is which, and what a date, a time
or a count written by hand looks like.

Sites kept their tallies in spreadsheets typed by many hands, so headers come as « Tranche
d'âge », « tranche_age » or « TRANCHE AGE », dates as 03/02/2025, 3/2/2025 or 2025-02-03 (an
XLSX date cell arrives as the latter) and times as 14:30, 14h30 or 14:30:00. Each parser
returns the value or raises :class:`InvalidCellError` with a French message; the caller adds the
line and column, so that every problem of the file can be listed at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time
from functools import lru_cache

from tiers_lieu.errors import ImportFileError, LineError
from tiers_lieu.i18n import _, format_date, format_number
from tiers_lieu.services.tabular import normalise


@dataclass(frozen=True)
class CellError(LineError):
    """A problem in one cell: the line of the file (1 is the header), the column's name and,
    in a workbook, the sheet's."""

    column: str = ""
    sheet: str = ""

    def __str__(self) -> str:
        if self.sheet:
            return _("Feuille « {sheet} », ligne {line}, colonne {column} : {message}").format(
                sheet=self.sheet, line=self.line, column=self.column, message=self.message
            )
        return _("Ligne {line}, colonne {column} : {message}").format(
            line=self.line, column=self.column, message=self.message
        )


class InvalidCellError(Exception):
    """A cell that does not fit; ``message`` is French and names the value."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@lru_cache(maxsize=8192)
def compact(text: str) -> str:
    """A matching key that also ignores spaces, dashes, apostrophes and other punctuation.

    Cached: a spreadsheet repeats the same few words on every line."""
    return re.sub(r"[^0-9a-z<>+]", "", normalise(text))


@dataclass(frozen=True)
class ColumnSpec:
    """One column of an import format: its documented name and the headers it also answers."""

    name: str
    required: bool
    aliases: tuple[str, ...] = ()

    def match_keys(self) -> set[str]:
        return {compact(self.name), *(compact(a) for a in self.aliases)}


@dataclass(frozen=True)
class ColumnMap:
    """Which header of the file holds each column of the format, and where it stands."""

    found: dict[str, str]
    ignored: tuple[str, ...]
    positions: dict[str, int]
    missing: tuple[str, ...] = ()

    def error(self, line: int = 1, sheet: str = "") -> ImportFileError:
        """The refusal of a sheet whose first line lacks required columns."""
        return ImportFileError(
            [
                CellError(line, _("colonne obligatoire absente de la première ligne"), name, sheet)
                for name in self.missing
            ]
        )


def match_columns(headers: list[str], specs: tuple[ColumnSpec, ...]) -> ColumnMap:
    """Match the file's (normalised) headers to ``specs``; ``missing`` names the required
    columns not found."""
    by_key: dict[str, str] = {}
    for spec in specs:
        for key in spec.match_keys():
            by_key[key] = spec.name
    found: dict[str, str] = {}
    positions: dict[str, int] = {}
    ignored: list[str] = []
    for index, header in enumerate(headers):
        name = by_key.get(compact(header))
        if name is None or name in found:
            if header:
                ignored.append(header)
            continue
        found[name] = header
        positions[name] = index
    missing = tuple(spec.name for spec in specs if spec.required and spec.name not in found)
    return ColumnMap(found=found, ignored=tuple(ignored), positions=positions, missing=missing)


def map_columns(headers: list[str], specs: tuple[ColumnSpec, ...]) -> ColumnMap:
    """Match the file's (normalised) headers to ``specs``; missing required ones raise."""
    columns = match_columns(headers, specs)
    if columns.missing:
        raise columns.error()
    return columns


_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")
_TIME = re.compile(r"^(\d{1,2})\s*(?:[:hH]\s*(\d{2})?)?(?::(\d{2}))?$")


FIRST_YEAR = 1900


def parse_date(text: str, today: date) -> date:
    """JJ/MM/AAAA or AAAA-MM-JJ, from 1900 and not after ``today`` (the place's calendar
    day)."""
    if not text:
        raise InvalidCellError(_("date manquante"))
    match = _DMY.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
    else:
        match = _YMD.match(text)
        if match is None:
            raise InvalidCellError(
                _("date illisible « {value} » (attendu JJ/MM/AAAA ou AAAA-MM-JJ)").format(
                    value=text
                )
            )
        year, month, day = (int(g) for g in match.groups())
    try:
        value = date(year, month, day)
    except ValueError as exc:
        raise InvalidCellError(_("date impossible « {value} »").format(value=text)) from exc
    if value.year < FIRST_YEAR:
        raise InvalidCellError(
            _("date trop ancienne « {value} » (à partir de {year})").format(
                value=text, year=FIRST_YEAR
            )
        )
    if value > today:
        raise InvalidCellError(
            _("date dans le futur « {value} » (nous sommes le {today})").format(
                value=text, today=format_date(today)
            )
        )
    return value


def parse_time(text: str) -> time | None:
    """HH:MM (also 14h30, 14:30:00, 9h); empty means no time."""
    if not text:
        return None
    match = _TIME.match(text)
    if match is not None and (match.group(2) is not None or "h" in text.casefold()):
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
        if hour <= 23 and minute <= 59:
            return time(hour, minute)
    raise InvalidCellError(_("heure illisible « {value} » (attendu HH:MM)").format(value=text))


def parse_count(text: str, maximum: int) -> int:
    """A group size: empty means 1; otherwise a whole number from 1 to ``maximum``."""
    if not text:
        return 1
    digits = text.replace("\u202f", "").replace("\xa0", "").replace(" ", "")
    if not digits.isdigit() or int(digits) < 1:
        raise InvalidCellError(
            _("nombre invalide « {value} » (un nombre entier d'au moins 1)").format(value=text)
        )
    value = int(digits)
    if value > maximum:
        raise InvalidCellError(
            _("nombre trop grand « {value} » ({maximum} au plus)").format(
                value=text, maximum=format_number(maximum)
            )
        )
    return value


def parse_minutes(text: str, maximum: int) -> int:
    """A duration in whole minutes (« 30 » or « 30 min »), from 0 to ``maximum``."""
    if not text:
        raise InvalidCellError(_("durée manquante"))
    digits = re.sub(r"\s*(min|minutes?|mn)\.?$", "", text.casefold()).strip()
    if not digits.isdigit():
        raise InvalidCellError(
            _("durée invalide « {value} » (un nombre entier de minutes)").format(value=text)
        )
    value = int(digits)
    if value > maximum:
        raise InvalidCellError(
            _("durée trop longue « {value} » ({maximum} minutes au plus)").format(
                value=text, maximum=format_number(maximum)
            )
        )
    return value
