"""Small widgets several sections share: the empty state and section headers."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget


class SectionHeader(QLabel):
    """A section's title, larger and bold."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        font = self.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.setFont(font)


class EmptyState(QWidget):
    """What a section shows when it has nothing yet: a title and an explanation."""

    def __init__(self, title: str, explanation: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        heading = SectionHeader(title, self)
        heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text = QLabel(explanation, self)
        text.setWordWrap(True)
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text.setMaximumWidth(560)
        text.setObjectName("emptyStateText")
        layout.addWidget(heading)
        # Centred by stretches, not by an alignment flag: a word-wrapped label added with an
        # alignment loses its height-for-width and gets clipped.
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(text, 10)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(2)


class SubHeading(QLabel):
    """A bold line heading a group inside a section."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        font = self.font()
        font.setBold(True)
        self.setFont(font)
