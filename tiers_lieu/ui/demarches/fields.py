"""Inputs of the démarche form tuned for typing: lists chosen by a few letters, durations by a
key, and the short note with its counter and its reminder.

A mediator types « caf », Tab, « loge », Tab… : :class:`ChoiceCombo` is an editable list whose
completer shows every entry *containing* what is typed, and which settles the typed text on
the best entry (exact, then prefix, then contains; case and accents ignored) when the field
is left or the form saved, so that the popup never has to be used.
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import QDate, QEvent, Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QCompleter,
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
from tiers_lieu.services.tabular import normalise
from tiers_lieu.ui.date_range import bounded
from tiers_lieu.ui.pickers import CategoryCombo

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


class ChoiceCombo(CategoryCombo):
    """A :class:`CategoryCombo` that can be typed into (see the module docstring)."""

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
        self._has_unknown = with_unknown
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        completer = QCompleter(self.model(), self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setCompleter(completer)
        line = self.lineEdit()
        assert line is not None
        line.editingFinished.connect(self.settle)
        if not with_unknown:
            self.clear_choice()

    def index_of(self, value: uuid.UUID | None) -> int:
        """The row holding ``value``, or -1. ``findData`` cannot be used: it compares the
        Python objects by identity, so an equal UUID read back from the settings is missed."""
        return next((i for i in range(self.count()) if self.itemData(i) == value), -1)

    def set_value(self, value: uuid.UUID | None) -> None:
        index = self.index_of(value) if value is not None else -1
        if index < 0:
            self.clear_choice()
        else:
            self.setCurrentIndex(index)
            self.setEditText(self.itemText(index))

    def add_no_choice(self, label: str) -> None:
        """Put a first entry meaning "no choice" (value ``None``), such as « Tous », and
        choose it."""
        self.insertItem(0, label, None)
        self._has_unknown = True
        self.clear_choice()

    def clear_choice(self) -> None:
        """No entry chosen: « Non communiqué » when the list has it, else empty."""
        self.setCurrentIndex(0 if self._has_unknown else -1)
        if not self._has_unknown:
            self.setEditText("")

    def select_text(self, text: str) -> bool:
        """Choose the entry ``text`` designates; ``False`` when none matches."""
        key = normalise(text)
        keys = [normalise(self.itemText(i)) for i in range(self.count())]
        for matches in (
            lambda k: k == key,
            lambda k: k.startswith(key),
            lambda k: key in k,
        ):
            found = next((i for i, k in enumerate(keys) if matches(k)), -1)
            if found >= 0:
                self.setCurrentIndex(found)
                self.setEditText(self.itemText(found))
                return True
        return False

    def event(self, event: QEvent) -> bool:
        # Tab must settle the text even while the suggestions are shown: the completer eats
        # the focus-out event as long as its popup is open.
        if (
            isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab)
        ):
            completer = self.completer()
            popup = completer.popup() if completer is not None else None
            if popup is not None:
                popup.hide()
            self.settle()
        return super().event(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        # Leaving the field settles it; opening the suggestions' popup does not.
        if event.reason() != Qt.FocusReason.PopupFocusReason:
            self.settle()

    def settle(self) -> None:
        """Turn what was typed into an entry, or go back to the entry chosen before."""
        text = self.currentText().strip()
        index = self.currentIndex()
        if index >= 0 and self.itemText(index) == text:
            return
        if not text:
            self.clear_choice()
        elif not self.select_text(text):
            self.setEditText(self.itemText(index) if index >= 0 else "")

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
