"""The form beside a list (« Ressources », « Permanences »), fitted to a 1024×600 screen.

The form is put in a scroll area (like :func:`tiers_lieu.ui.fit.scrolled`): on a short window
it scrolls on its own (the list, the tabs and the section stay where they are) instead of
making the whole section taller than the window. It never scrolls sideways: the area asks for
the width its form needs, and the list beside it takes the rest.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLayout,
    QPushButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.i18n import _
from tiers_lieu.ui.common import StatusLabel, add_shortcut

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


def list_beside_form(
    owner: QWidget,
    view: QTableView,
    form: QFormLayout,
    status: StatusLabel,
    *,
    new_text: str,
    on_new: Callable[[], None],
    on_save: Callable[[], None],
) -> tuple[QPushButton, QPushButton]:
    """Lay ``owner`` out as « Ressources » is: the list on the left, on the right ``form``
    with « new » (Ctrl+N) and « Enregistrer » (Ctrl+S) under it, then ``status``, in a
    :class:`SideForm`. Returns the two buttons."""
    new_button = QPushButton(new_text, owner)
    save_button = QPushButton(_("&Enregistrer"), owner)
    new_button.clicked.connect(on_new)
    save_button.clicked.connect(on_save)
    add_shortcut(owner, QKeySequence("Ctrl+N"), on_new, new_button)
    add_shortcut(owner, QKeySequence("Ctrl+S"), on_save, save_button)
    buttons = QHBoxLayout()
    buttons.addWidget(new_button)
    buttons.addStretch(1)
    buttons.addWidget(save_button)
    side = QVBoxLayout()
    side.addLayout(form)
    side.addLayout(buttons)
    side.addWidget(status)
    side.addStretch(1)
    layout = QHBoxLayout(owner)
    layout.addWidget(view, 3)
    layout.addWidget(SideForm(side, owner), 2)  # scrolls on its own on a short window
    return new_button, save_button
