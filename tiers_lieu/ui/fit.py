"""Fitting small screens (issue 16): a 1024×600 netbook must reach every button.

The window puts each section in a scroll area (``main_window``); inside a section, a part
taller than the window (a long form, a settings page) scrolls on its own through
:func:`scrolled`, so that the tabs and the buttons around it stay where they are.
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QProxyStyle,
    QScrollArea,
    QStyle,
    QStyleOption,
    QStyleOptionTab,
    QTabBar,
    QWidget,
)

SMALL_SCREEN = (1024, 600)  # the smallest screen every section and dialog must fit


def scrolled(content: QWidget, parent: QWidget | None = None) -> QScrollArea:
    """``content`` in a frameless scroll area that gives it the whole width: it scrolls
    (vertically) only when the window is too short for it."""
    area = QScrollArea(parent)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(content)
    return area


class RoomyTabs(QProxyStyle):
    """The platform's style, with tabs a few pixels taller: an unselected tab is drawn lower
    than the selected one, and its label lost the accent of a capital (« Épicerie » showed
    « Epicerie »: DejaVu's É rises above the font's ascent)."""

    EXTRA_HEIGHT = 4

    def sizeFromContents(
        self,
        kind: QStyle.ContentsType,
        option: QStyleOption,
        size: QSize,
        widget: QWidget | None = None,
    ) -> QSize:
        result = super().sizeFromContents(kind, option, size, widget)  # type: ignore[arg-type]
        if kind == QStyle.ContentsType.CT_TabBarTab and isinstance(option, QStyleOptionTab):
            vertical = option.shape in _VERTICAL_TABS
            result += QSize(self.EXTRA_HEIGHT, 0) if vertical else QSize(0, self.EXTRA_HEIGHT)
        return result


_VERTICAL_TABS = {
    QTabBar.Shape.RoundedWest,
    QTabBar.Shape.RoundedEast,
    QTabBar.Shape.TriangularWest,
    QTabBar.Shape.TriangularEast,
}


def install_style(qapp: QApplication) -> None:
    """Wrap the application's style in :class:`RoomyTabs` (once)."""
    if not isinstance(qapp.style(), RoomyTabs):
        qapp.setStyle(RoomyTabs(qapp.style().name()))
