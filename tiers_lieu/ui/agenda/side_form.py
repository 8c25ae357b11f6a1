"""The form beside a list (« Ressources », « Permanences »), fitted to a 1024×600 screen.

The form is put in a scroll area (like :func:`tiers_lieu.ui.fit.scrolled`): on a short window
it scrolls on its own (the list, the tabs and the section stay where they are) instead of
making the whole section taller than the window. It never scrolls sideways: the area asks for
the width its form needs, and the list beside it takes the rest.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QComboBox, QFrame, QLayout, QScrollArea, QWidget

COMBO_LETTERS = 18  # a combo of names is as wide as this many letters, not as its longest name


class SideForm(QScrollArea):
    """``layout`` (a form and its buttons) in a frameless area as wide as the form, that
    scrolls vertically only when the window is too short for it."""

    def __init__(self, layout: QLayout, parent: QWidget) -> None:
        super().__init__(parent)
        content = QWidget(self)
        layout.setContentsMargins(0, 0, 0, 0)
        content.setLayout(layout)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setWidget(content)

    def _width(self, content_width: int) -> int:
        bar = self.verticalScrollBar().sizeHint().width()
        return content_width + bar + 2 * self.frameWidth()

    def minimumSizeHint(self) -> QSize:
        content = self.widget()
        least = super().minimumSizeHint()
        if content is None:
            return least
        return QSize(self._width(content.minimumSizeHint().width()), least.height())

    def sizeHint(self) -> QSize:
        content = self.widget()
        if content is None:
            return super().sizeHint()
        wanted = content.sizeHint()
        return QSize(self._width(wanted.width()), wanted.height())


def bounded_combo(combo: QComboBox, letters: int = COMBO_LETTERS) -> QComboBox:
    """A combo of names someone typed (a resource, a pass): as wide as ``letters`` letters,
    so that a long name never widens the form (the open list still shows it whole)."""
    combo.setMinimumContentsLength(letters)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    return combo
