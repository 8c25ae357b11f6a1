"""Where a window opens and what it remembers: inside the screen's available area, the size
it had last time on a screen of this size (``options.window_geometry``), else a default size,
or maximised on a small screen (a 1024×600 netbook, a 1366×768 laptop whose panel takes some
height)."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

from tiers_lieu.ui import options

DEFAULT_SIZE = QSize(1180, 760)
FRAME_ROOM = QSize(40, 60)  # title bar, borders: what the window manager adds around it


def fits_default(available: QRect) -> bool:
    """Whether the default size and its frame fit in the screen's available area."""
    room = DEFAULT_SIZE + FRAME_ROOM
    return available.width() >= room.width() and available.height() >= room.height()


def inside(rect: QRect, available: QRect) -> QRect:
    """``rect`` shrunk to ``available`` if larger, then moved into it."""
    size = rect.size().boundedTo(available.size())
    left = min(max(rect.left(), available.left()), available.right() + 1 - size.width())
    top = min(max(rect.top(), available.top()), available.bottom() + 1 - size.height())
    return QRect(QPoint(left, top), size)


def available_area(window: QWidget) -> QRect:
    screen = window.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def place_on_screen(window: QWidget, *, remember: bool) -> None:
    """Within the available area of the screen ``window`` starts on."""
    available = available_area(window)
    if remember and _restore(window, available):
        return
    if fits_default(available):
        window.resize(DEFAULT_SIZE)
        window.move(available.center() - window.rect().center())
    else:
        window.setGeometry(available)
        window.setWindowState(window.windowState() | Qt.WindowState.WindowMaximized)


def _restore(window: QWidget, available: QRect) -> bool:
    saved = options.window_geometry(available.size()).get()
    if not saved:
        return False
    if not window.restoreGeometry(QByteArray.fromBase64(saved.encode("ascii"))):
        return False
    if window.isMaximized() or window.isFullScreen():
        return True
    window.setGeometry(inside(window.geometry(), available))  # never off-screen
    return True


def remember_geometry(window: QWidget) -> None:
    """Keep ``window``'s geometry for the next start on a screen of this size."""
    options.window_geometry(available_area(window).size()).set(
        bytes(window.saveGeometry().toBase64().data()).decode()
    )
