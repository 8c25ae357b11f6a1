"""What a spreadsheet's cell value becomes as text, the same for XLSX and ODS: a number as
typed (« 3 », not « 3.0 »), a date as AAAA-MM-JJ, a time of day as HH:MM.

In an XLSX file a date is a number (days since 30 December 1899, or 1 January 1904 for a
workbook made on an old Mac) whose style is a date format; below one day it is a time of day,
as Excel shows it. Columns are named by letters (« B7 » is the second column).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from functools import lru_cache

BUILTIN_DATE_FORMATS = frozenset([*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)])
_LITERALS = re.compile(r'"[^"]*"|\\.|_.|\*.|\[(?![hms]+\])[^\]]*\]', re.IGNORECASE)
_DATE_CODES = re.compile(r"[dmyhs]", re.IGNORECASE)
WINDOWS_EPOCH = datetime(1899, 12, 30)
MAC_EPOCH = datetime(1904, 1, 1)
LAST_SERIAL = 2_958_466  # 10000-01-01


def is_date_format(code: str) -> bool:
    """Whether a number format shows a date or a time (« JJ/MM/AAAA », « hh:mm »…)."""
    section = code.split(";", 1)[0]
    return _DATE_CODES.search(_LITERALS.sub("", section)) is not None


@lru_cache(maxsize=4096)
def number_text(raw: str) -> str:
    """A number as typed: « 3 » rather than « 3.0 »."""
    try:
        value = float(raw)
    except ValueError:
        return raw
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return str(value)


@lru_cache(maxsize=4096)
def serial_text(raw: str, mac_epoch: bool) -> str:
    """A date cell's serial as AAAA-MM-JJ, or as HH:MM below one day."""
    try:
        value = float(raw)
    except ValueError:
        return raw
    if not 0 <= value < LAST_SERIAL:
        return number_text(raw)
    day, fraction = divmod(value, 1)
    diff = timedelta(milliseconds=round(fraction * 86_400_000))
    if value < 1 and diff.days == 0:
        minutes = diff.seconds // 60
        return f"{minutes // 60:02d}:{minutes % 60:02d}"
    if not mac_epoch and 0 < value < 60:
        day += 1  # Lotus 1-2-3's 29 February 1900, which Excel kept
    moment = (MAC_EPOCH if mac_epoch else WINDOWS_EPOCH) + timedelta(days=day) + diff
    return moment.strftime("%Y-%m-%d")


def _column_names(count: int) -> dict[str, int]:
    names: dict[str, int] = {}
    for index in range(count):
        name, number = "", index + 1
        while number:
            number, rest = divmod(number - 1, 26)
            name = chr(65 + rest) + name
        names[name] = index
    return names


COLUMNS = _column_names(16_384)  # A … XFD, every column a workbook may have
FAR = 1 << 30
DIGITS = "0123456789"


def column_index(ref: str) -> int:
    """``"B7"`` → 1. Anything odd gives a column past every limit."""
    return COLUMNS.get(ref.rstrip(DIGITS), FAR)
