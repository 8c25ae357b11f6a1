"""The agenda's keys, said once: which key does what in the grid, and the line of help that
names them under the grid.

The front desk lives on the keyboard: arrows move the current cell, Shift+arrows stretch a
time range, PgUp/PgDn turn the page (a week, or a day in the day view), T comes back to today,
L jumps to the next free slot of the resource or practitioner and opens the form on it,
Entrée opens the booking under the cell or creates one on free time, Suppr cancels (after a
confirmation). Keeping the table here lets the grid and its help never disagree, and keeps
``grid.py`` about what a key does to the grid, not which key it is.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import Enum, auto

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent

from tiers_lieu.i18n import _


class GridKeys(Enum):
    UP = auto()
    DOWN = auto()
    LEFT = auto()
    RIGHT = auto()
    HOME = auto()
    END = auto()
    PAGE_UP = auto()
    PAGE_DOWN = auto()
    TODAY = auto()
    NEXT_FREE = auto()
    ACTIVATE = auto()
    CANCEL = auto()


_KEYS: dict[int, GridKeys] = {
    Qt.Key.Key_Up: GridKeys.UP,
    Qt.Key.Key_Down: GridKeys.DOWN,
    Qt.Key.Key_Left: GridKeys.LEFT,
    Qt.Key.Key_Right: GridKeys.RIGHT,
    Qt.Key.Key_Home: GridKeys.HOME,
    Qt.Key.Key_End: GridKeys.END,
    Qt.Key.Key_PageUp: GridKeys.PAGE_UP,
    Qt.Key.Key_PageDown: GridKeys.PAGE_DOWN,
    Qt.Key.Key_T: GridKeys.TODAY,
    Qt.Key.Key_L: GridKeys.NEXT_FREE,
    Qt.Key.Key_Return: GridKeys.ACTIVATE,
    Qt.Key.Key_Enter: GridKeys.ACTIVATE,
    Qt.Key.Key_Delete: GridKeys.CANCEL,
}

_ALLOWED = Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier


def key_action(event: QKeyEvent) -> GridKeys | None:
    """What ``event`` asks of the grid; ``None`` for keys the grid leaves to others (Ctrl+…
    shortcuts of the section, Tab to leave the grid)."""
    if event.modifiers() & ~_ALLOWED:
        return None
    return _KEYS.get(event.key())


def week_start(day: date) -> date:
    """The Monday of ``day``'s week (French weeks start on Monday)."""
    return day - timedelta(days=day.weekday())


def keys_help() -> str:
    return _(
        "Flèches : se déplacer · Maj+flèches : choisir une plage · Pg préc./Pg suiv. : page "
        "précédente/suivante · T : aujourd'hui · L : prochain créneau libre · Entrée : ouvrir "
        "ou réserver · Suppr : annuler"
    )
