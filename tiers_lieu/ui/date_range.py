"""The dates a date field offers: 1900 to 2100, the range the database accepts
(:mod:`tiers_lieu.validation`).

Qt's own range (14 September 1752 to 31 December 9999) let a turn of the mouse wheel on the
year reach 9999; the service would refuse it, but the field should not offer it. Every
``QDateEdit`` of the windows goes through :func:`bounded` when it is made; a narrower range
set there (no visit counted in the future, say) is kept.
"""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtWidgets import QDateEdit

from tiers_lieu.ui.common import to_qdate
from tiers_lieu.validation import MAX_DATE, MIN_DATE

FIRST = to_qdate(MIN_DATE)
LAST = to_qdate(MAX_DATE)

E = TypeVar("E", bound=QDateEdit)


def bounded(edit: E) -> E:
    """``edit`` limited to 1900–2100, keeping any narrower range already set."""
    low = max(edit.minimumDate(), FIRST)
    high = min(edit.maximumDate(), LAST)
    edit.setDateRange(low, high)
    return edit
