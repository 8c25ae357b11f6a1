"""Inputs of the démarche form tuned for typing: lists chosen by a few letters
(:class:`ChoiceCombo`, see :mod:`tiers_lieu.ui.typed_choice`), durations by a key, and the
short note with its counter and its reminder.
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.app import Comptoir
from tiers_lieu.defaults import DURATION_PRESETS_MIN
from tiers_lieu.i18n import N_, _
from tiers_lieu.models.enums import CategoryKind
from tiers_lieu.services.assistance import DURATION_MAX, NOTE_MAX
from tiers_lieu.ui.date_range import bounded
from tiers_lieu.ui.pickers import CategoryCombo
from tiers_lieu.ui.typed_choice import TypedChoice

REMINDER = N_(
    "N'écrivez ni mot de passe, ni identifiant, ni information médicale, ni détail de la "
    "situation personnelle."
)


def date_edit(parent: QWidget, value: QDate) -> QDateEdit:
    """A date field shown as JJ/MM/AAAA, with its calendar."""
    edit = bounded(QDateEdit(value, parent))
    edit.setDisplayFormat("dd/MM/yyyy")
    edit.setCalendarPopup(True)
    return edit


class ChoiceCombo(TypedChoice, CategoryCombo):
    """A :class:`CategoryCombo` that can be typed into (:mod:`tiers_lieu.ui.typed_choice`)."""

    def __init__(
        self,
        app: Comptoir,
        site_id: uuid.UUID,
        kind: CategoryKind,
        parent: QWidget | None = None,
        *,
        with_unknown: bool = True,
    ) -> None:
        super().__init__(app, site_id, kind, parent, with_unknown=with_unknown)
        self.make_typed(has_unknown=with_unknown)

    def add_no_choice(self, label: str) -> None:
        """Put a first entry meaning "no choice" (value ``None``), such as « Tous », and
        choose it."""
        self.insertItem(0, label, None)
        self._has_unknown = True
        self.clear_choice()

    def value(self) -> uuid.UUID | None:
        self.settle()
        return super().value()


class DurationField(QWidget):
    """Minutes in a spin box, with one button (and Alt+1…Alt+8) per usual duration."""

    value_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spin = QSpinBox(self)
        self.spin.setRange(1, DURATION_MAX)
        self.spin.setSuffix(_(" min"))
        self.spin.setAccelerated(True)
        self.spin.valueChanged.connect(self.on_spin_changed)
        self.presets = QButtonGroup(self)
        self.presets.setExclusive(False)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.spin, 0, Qt.AlignmentFlag.AlignTop)
        buttons = QGridLayout()  # two lines of four: the form fits a 1024×600 screen
        buttons.setSpacing(4)
        row.addLayout(buttons)
        for number, minutes in enumerate(DURATION_PRESETS_MIN, start=1):
            button = QPushButton(str(minutes), self)
            button.setCheckable(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Alt+n is the keyboard path
            button.setMinimumWidth(button.fontMetrics().horizontalAdvance("000") + 16)
            keys = QKeySequence(f"Alt+{number}")
            button.setToolTip(
                _("{minutes} minutes ({keys})").format(
                    minutes=minutes, keys=keys.toString(QKeySequence.SequenceFormat.NativeText)
                )
            )
            self.presets.addButton(button, minutes)
            buttons.addWidget(button, (number - 1) // 4, (number - 1) % 4)
            shortcut = QShortcut(keys, self, context=Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(lambda m=minutes: self.set_value(m))
        row.addStretch(1)
        self.presets.idClicked.connect(self.set_value)

    def value(self) -> int:
        return self.spin.value()

    def set_value(self, minutes: int) -> None:
        self.spin.setValue(minutes)
        self.on_spin_changed(self.spin.value())

    def on_spin_changed(self, minutes: int) -> None:
        for button in self.presets.buttons():
            button.setChecked(self.presets.id(button) == minutes)
        self.value_changed.emit(minutes)


class NoteField(QWidget):
    """The short objective note: at most 280 characters, a live counter, the reminder."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QPlainTextEdit(self)
        self.edit.setTabChangesFocus(True)
        self.edit.setPlaceholderText(_("par exemple : renouvellement de la carte d'identité"))
        self.edit.setFixedHeight(self.edit.fontMetrics().lineSpacing() * 4 + 12)
        self.edit.textChanged.connect(self.on_text_changed)
        self.counter = QLabel(self)
        self.counter.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.reminder = QLabel(_(REMINDER), self)
        self.reminder.setWordWrap(True)
        self.reminder.setObjectName("noteReminder")
        self.reminder.setStyleSheet("color: #8a4b00;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.edit)
        # The counter on its own line, under the note: the reminder keeps the whole width.
        layout.addWidget(self.counter)
        layout.addWidget(self.reminder)
        self.on_text_changed()

    def text(self) -> str:
        return self.edit.toPlainText()

    def set_text(self, text: str) -> None:
        self.edit.setPlainText(text)

    def on_text_changed(self) -> None:
        text = self.edit.toPlainText()
        if len(text) > NOTE_MAX:
            # Cut what goes beyond (typed or pasted) and keep the cursor at the end.
            self.edit.blockSignals(True)
            self.edit.setPlainText(text[:NOTE_MAX])
            self.edit.blockSignals(False)
            cursor = self.edit.textCursor()
            cursor.movePosition(cursor.MoveOperation.End)
            self.edit.setTextCursor(cursor)
            text = text[:NOTE_MAX]
        self.counter.setText(_("{n} / {max}").format(n=len(text), max=NOTE_MAX))
