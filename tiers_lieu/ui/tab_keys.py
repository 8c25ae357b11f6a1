"""Ctrl+Tab / Ctrl+PgDn (and back) through the tabs of the section on screen, whatever has
the focus in it, and straight to one tab (the till) from anywhere.

Qt's :class:`QTabWidget` moves on Ctrl+Tab only while the focus is inside it, and never on
Ctrl+PgDn. The window owns these keys instead (window shortcuts, plain PgDn stays with tables
and the agenda grid). A section's tabs are its ``tabs`` attribute (or the section itself when
it is a :class:`QTabWidget`); a page that has tabs of its own (« Épicerie » and « AMAP ») is
walked through, so Ctrl+Tab goes from Épicerie › Ventes du jour to AMAP › Distributions.
:func:`install` makes the window's two actions (« Aller à » menu).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QTabWidget, QWidget

from tiers_lieu.i18n import _

NEXT_TAB_KEYS = ("Ctrl+Tab", "Ctrl+PgDown")
PREVIOUS_TAB_KEYS = ("Ctrl+Shift+Tab", "Ctrl+Shift+Backtab", "Ctrl+PgUp")

Stop = tuple[tuple[QTabWidget, int], ...]
"""One tab to show: the index to pick at each level, outermost first."""


def tabs_of(widget: QWidget | None) -> QTabWidget | None:
    if isinstance(widget, QTabWidget):
        return widget
    tabs = getattr(widget, "tabs", None)
    return tabs if isinstance(tabs, QTabWidget) else None


def tab_stops(section: QWidget | None) -> list[Stop]:
    """Every tab of ``section`` a user can pick, nested ones included, in screen order."""
    stops: list[Stop] = []

    def walk(tabs: QTabWidget, path: Stop) -> None:
        for index in range(tabs.count()):
            if not (tabs.isTabVisible(index) and tabs.isTabEnabled(index)):
                continue
            here = (*path, (tabs, index))
            inner = tabs_of(tabs.widget(index))
            if inner is not None and inner is not tabs and inner.count():
                walk(inner, here)
            else:
                stops.append(here)

    top = tabs_of(section)
    if top is not None:
        walk(top, ())
    return stops


def current_stop(stops: list[Stop]) -> int:
    for position, stop in enumerate(stops):
        if all(tabs.currentIndex() == index for tabs, index in stop):
            return position
    return 0


def show_stop(stop: Stop) -> None:
    """Pick each level's tab, then put the focus in the page shown (its first field)."""
    for tabs, index in stop:
        tabs.setCurrentIndex(index)
    tabs, index = stop[-1]
    focus_page(tabs.widget(index))


def focus_page(page: QWidget | None) -> None:
    if page is None:
        return
    if page.focusProxy() is not None:
        page.setFocus(Qt.FocusReason.TabFocusReason)
        return
    widget = page.nextInFocusChain()
    while widget is not None and widget is not page and page.isAncestorOf(widget):
        if (
            widget.focusPolicy() & Qt.FocusPolicy.TabFocus
            and widget.isVisibleTo(page)
            and widget.isEnabled()
        ):
            widget.setFocus(Qt.FocusReason.TabFocusReason)
            return
        widget = widget.nextInFocusChain()
    page.setFocus(Qt.FocusReason.TabFocusReason)


def step(section: QWidget | None, delta: int) -> bool:
    """Show the next (``delta=1``) or previous (``-1``) tab, round the end; ``False`` when
    the section has no tabs."""
    stops = tab_stops(section)
    if not stops:
        return False
    show_stop(stops[(current_stop(stops) + delta) % len(stops)])
    return True


def show_tab(section: QWidget | None, kind: type[QWidget]) -> bool:
    """Show the first tab of ``section`` whose page is a ``kind`` (the till), the focus in
    it; ``False`` when there is none."""
    for stop in tab_stops(section):
        tabs, index = stop[-1]
        if isinstance(tabs.widget(index), kind):
            show_stop(stop)
            return True
    return False


def install(window: QWidget, section: Callable[[], QWidget | None]) -> tuple[QAction, QAction]:
    """« Onglet suivant » and « Onglet précédent »: window shortcuts (whatever has the focus in
    the section) stepping through the tabs of ``section()``, the section on screen."""
    actions = []
    for text, texts, delta in (
        (_("Onglet &suivant"), NEXT_TAB_KEYS, 1),
        (_("Onglet &précédent"), PREVIOUS_TAB_KEYS, -1),
    ):
        action = QAction(text, window)
        action.setShortcuts([QKeySequence(key) for key in texts])
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(lambda _checked=False, d=delta: step(section(), d))
        actions.append(action)
    return actions[0], actions[1]
