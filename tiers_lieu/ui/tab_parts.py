"""Pieces a tab's page is built from: a row of buttons pushed to the left, and the grey
word-wrapped line that explains the tab's keys (or notes what the tab is not)."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget


def button_row(*buttons: QPushButton) -> QHBoxLayout:
    """The ``buttons`` side by side in that order, the spare width after them."""
    row = QHBoxLayout()
    for button in buttons:
        row.addWidget(button)
    row.addStretch(1)
    return row


def hint_label(text: str, parent: QWidget) -> QLabel:
    """A grey, word-wrapped line under (or above) a list: its keys, or a note."""
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setStyleSheet("color: #555;")
    return label
