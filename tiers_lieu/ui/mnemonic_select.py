"""Alt+letter on a field's label selects what the field holds, so the text typed next
replaces it (issue 16: Alt+O added to the organisme instead of replacing it).

Qt selects a line edit's text when Alt+letter brings the focus in, but not when the focus was
already there, and never an editable combo's or a spin box's. One filter on the application
handles the label's shortcut event for every window and dialog, the ones opened later too.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDateTimeEdit,
    QLabel,
    QLineEdit,
    QWidget,
)


def _field(widget: QWidget) -> QWidget:
    proxy = widget.focusProxy()
    while proxy is not None:
        widget, proxy = proxy, proxy.focusProxy()
    return widget


def select_field(buddy: QWidget) -> bool:
    """Focus ``buddy`` as its label's Alt+letter does and select its text; ``False`` when it
    holds no text to select (a button, a plain combo: Qt's own handling is kept)."""
    field = _field(buddy)
    line = field.lineEdit() if isinstance(field, QComboBox) and field.isEditable() else None
    edit: QLineEdit | QAbstractSpinBox
    if line is not None:
        edit = line
    elif isinstance(field, QLineEdit | QAbstractSpinBox):
        edit = field
    else:
        return False
    if not buddy.isEnabled() or buddy.focusPolicy() == Qt.FocusPolicy.NoFocus:
        return False
    buddy.setFocus(Qt.FocusReason.ShortcutFocusReason)
    if isinstance(edit, QDateTimeEdit):  # a date is typed part by part: its first part
        edit.setSelectedSection(edit.sectionAt(0))
    else:
        edit.selectAll()
    return True


class SelectOnMnemonic(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Shortcut and isinstance(watched, QLabel):
            buddy = watched.buddy()
            if buddy is not None and select_field(buddy):
                return True
        return False


_installed: SelectOnMnemonic | None = None


def install() -> None:
    """Once per application (later calls do nothing)."""
    global _installed
    app = QApplication.instance()
    if _installed is None and app is not None:
        _installed = SelectOnMnemonic(app)
        app.installEventFilter(_installed)
