"""Lists chosen by typing a few letters, one way for every form that wants it.

A mediator types « caf », Tab, « loge », Tab… : :class:`TypedChoice` makes an editable
:class:`QComboBox` whose completer shows every entry *containing* what is typed, and which
settles the typed text on the best entry (exact, then prefix, then contains; case and accents
ignored) when the field is left or the form saved, so that the popup never has to be used.
The démarche form's category lists (``ui/demarches/fields.ChoiceCombo``) and the Coop's lists
(:mod:`tiers_lieu.ui.coop_fields`) mix it in before their ``QComboBox`` class.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import QComboBox, QCompleter

from tiers_lieu.services.tabular import normalise


class TypedChoice:
    """Mixed in before a :class:`QComboBox` class; call :meth:`make_typed` in ``__init__``.
    An entry whose data is ``None`` first means « no choice » when ``has_unknown``."""

    _has_unknown: bool

    def make_typed(self, *, has_unknown: bool) -> None:
        combo = self._combo()
        self._has_unknown = has_unknown
        combo.setEditable(True)
        combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        completer = QCompleter(combo.model(), combo)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        combo.setCompleter(completer)
        line = combo.lineEdit()
        assert line is not None
        line.editingFinished.connect(self.settle)
        if not has_unknown:
            self.clear_choice()

    def _combo(self) -> QComboBox:
        assert isinstance(self, QComboBox)
        return self

    def index_of(self, value: object) -> int:
        """The row holding ``value``, or -1. ``findData`` cannot be used: it compares the
        Python objects by identity, so an equal UUID read back from the settings is missed."""
        combo = self._combo()
        return next((i for i in range(combo.count()) if combo.itemData(i) == value), -1)

    def set_value(self, value: Any) -> None:
        combo = self._combo()
        index = self.index_of(value) if value is not None else -1
        if index < 0:
            self.clear_choice()
        else:
            combo.setCurrentIndex(index)
            combo.setEditText(combo.itemText(index))

    def clear_choice(self) -> None:
        """No entry chosen: the « no choice » entry when the list has it, else empty."""
        combo = self._combo()
        combo.setCurrentIndex(0 if self._has_unknown else -1)
        if not self._has_unknown:
            combo.setEditText("")

    def select_text(self, text: str) -> bool:
        """Choose the entry ``text`` designates; ``False`` when none matches."""
        combo = self._combo()
        key = normalise(text)
        keys = [normalise(combo.itemText(i)) for i in range(combo.count())]
        for matches in (
            lambda k: k == key,
            lambda k: k.startswith(key),
            lambda k: key in k,
        ):
            found = next((i for i, k in enumerate(keys) if matches(k)), -1)
            if found >= 0:
                combo.setCurrentIndex(found)
                combo.setEditText(combo.itemText(found))
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
            completer = self._combo().completer()
            popup = completer.popup() if completer is not None else None
            if popup is not None:
                popup.hide()
            self.settle()
        return bool(super().event(event))  # type: ignore[misc]

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)  # type: ignore[misc]
        # Leaving the field settles it; opening the suggestions' popup does not.
        if event.reason() != Qt.FocusReason.PopupFocusReason:
            self.settle()

    def settle(self) -> None:
        """Turn what was typed into an entry, or go back to the entry chosen before."""
        combo = self._combo()
        text = combo.currentText().strip()
        index = combo.currentIndex()
        if index >= 0 and combo.itemText(index) == text:
            return
        if not text:
            self.clear_choice()
        elif not self.select_text(text):
            combo.setEditText(combo.itemText(index) if index >= 0 else "")
