"""Small helpers the visits and workshops forms share.

``find_data`` exists because ``QComboBox.findData`` compares the Python objects held in its
items by identity: a UUID read again from the database (equal, but another object) is not
found, and a form would silently show the first entry instead.
"""

from __future__ import annotations

from datetime import time

from PySide6.QtCore import QTime
from PySide6.QtWidgets import QComboBox


def find_data(combo: QComboBox, value: object) -> int:
    """The index of the item whose data equals ``value``, or -1."""
    return next((i for i in range(combo.count()) if combo.itemData(i) == value), -1)


def select_data(combo: QComboBox, value: object, *, fallback: int = 0) -> None:
    """Show the item holding ``value`` (``fallback`` when there is none)."""
    index = find_data(combo, value)
    combo.setCurrentIndex(index if index >= 0 else fallback)


def keep_choice(combo: QComboBox, value: object, label: str) -> None:
    """Make sure ``value`` can be shown by ``combo`` (a deactivated entry still in use)."""
    if value is not None and find_data(combo, value) < 0:
        combo.addItem(label, value)


def to_time(value: QTime) -> time:
    """To the minute, the precision of visits and workshops."""
    return time(value.hour(), value.minute())
