"""The Alt+letter mnemonics a window offers, read the way Qt grabs them: button texts, labels
with a buddy, checkable group boxes' titles, tab titles, the menu bar's titles; and, inside
each menu, its items' letters. Two owners of one letter in one window (or one menu) clash:
Qt then cycles between them or opens the wrong one."""

from __future__ import annotations

from collections import defaultdict

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QGroupBox,
    QLabel,
    QMainWindow,
    QMenu,
    QTabBar,
    QWidget,
)


def letter(text: str) -> str | None:
    """The letter Alt opens for ``text`` (« &Fichier » → F), or ``None``."""
    mnemonic = QKeySequence.mnemonic(text)
    if mnemonic.isEmpty():
        return None
    return mnemonic.toString().rsplit("+", 1)[-1].upper()


def _shown(widget: QWidget, window: QWidget) -> bool:
    return widget.isVisibleTo(window) and widget.window() is window


def owners(window: QWidget) -> dict[str, list[str]]:
    """Letter → the texts that claim it among the widgets ``window`` shows now."""
    found: dict[str, list[str]] = defaultdict(list)

    def add(text: str, what: str) -> None:
        key = letter(text)
        if key is not None:
            found[key].append(f"{what} « {text} »")

    if isinstance(window, QMainWindow) and window.menuWidget() is not None:
        for action in window.menuBar().actions():
            if action.isVisible():
                add(action.text(), "menu")
    for button in window.findChildren(QAbstractButton):
        if _shown(button, window):
            add(button.text(), type(button).__name__)
    for label in window.findChildren(QLabel):
        if label.buddy() is not None and _shown(label, window):
            add(label.text(), "QLabel")
    for box in window.findChildren(QGroupBox):
        if _shown(box, window):
            add(box.title(), "QGroupBox")
    for bar in window.findChildren(QTabBar):
        if _shown(bar, window):
            for index in range(bar.count()):
                if bar.isTabVisible(index):
                    add(bar.tabText(index), "onglet")
    return dict(found)


def clashes(window: QWidget) -> dict[str, list[str]]:
    """The letters claimed twice or more in ``window`` as it shows now."""
    return {key: texts for key, texts in owners(window).items() if len(texts) > 1}


def menu_clashes(window: QMainWindow) -> dict[str, list[str]]:
    """Inside each menu of the menu bar (sub-menus included), letters claimed twice."""
    result: dict[str, list[str]] = {}

    def walk(menu: QMenu) -> None:
        found: dict[str, list[str]] = defaultdict(list)
        for action in menu.actions():
            if action.isVisible() and not action.isSeparator():
                key = letter(action.text())
                if key is not None:
                    found[key].append(action.text())
                if action.menu() is not None:
                    walk(action.menu())
        for key, texts in found.items():
            if len(texts) > 1:
                result[f"{menu.title()} › {key}"] = texts

    for action in window.menuBar().actions():
        if action.menu() is not None:
            walk(action.menu())
    return result
