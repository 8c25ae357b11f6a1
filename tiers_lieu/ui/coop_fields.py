"""Fields for what the Coop de la médiation numérique asks (autonomy, equipment, digital
themes, workshop level, channel), typed as the rest of the desk's forms are: a few letters
and Tab.

- :class:`KeyCombo` chooses one entry of a Coop list (« avec » → « Avec guidage »), the first
  entry, empty, meaning « not given »;
- :class:`KeyListEdit` takes several: « ordi, tel » becomes « Ordinateur, Téléphone » when
  the field is left (case and accents ignored, each word settled on the entry it designates:
  exact, then prefix, then contains); suggestions for the word being typed show below it;
  a word no entry matches is kept, shown in red, and refused on saving with the field's name;
- :class:`NameEdit` is free text suggesting the names typed before (« Nom de la démarche »).

They carry the keys of :mod:`tiers_lieu.services.coop_vocabulary`; the labels are the Coop's.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QEvent, QStringListModel, Qt
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import QComboBox, QCompleter, QLineEdit, QWidget

from tiers_lieu.errors import ValidationError
from tiers_lieu.i18n import _
from tiers_lieu.services.coop_vocabulary import SEPARATOR, Vocabulary
from tiers_lieu.services.tabular import normalise
from tiers_lieu.ui.typed_choice import TypedChoice

INVALID_STYLE = "color: #b00020;"
SHOWN = ", "  # between several entries on screen


class KeyCombo(TypedChoice, QComboBox):
    """One entry of a Coop list, or none (the first, empty entry)."""

    def __init__(self, vocabulary: Vocabulary, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vocabulary = vocabulary
        self.addItem("", None)
        for key, label in vocabulary.labels.items():
            self.addItem(label, key)
        self.make_typed(has_unknown=True)
        # A long label (« Autonome avec guidage en cas de besoin ») must not widen the form.
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(5)

    def value(self) -> str | None:
        self.settle()
        data = self.currentData()
        return data if isinstance(data, str) else None


class KeyListEdit(QLineEdit):
    """Several entries of a Coop list, typed as words separated by commas."""

    def __init__(self, vocabulary: Vocabulary, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vocabulary = vocabulary
        self._model = QStringListModel(self)
        self._completer = QCompleter(self._model, self)
        self._completer.setWidget(self)
        self._completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self._completer.activated.connect(self.on_suggestion)  # the text overload
        self.textEdited.connect(self.on_text_edited)
        self.editingFinished.connect(self.settle)

    # -- values ----------------------------------------------------------------------------
    def keys(self) -> tuple[str, ...]:
        """The entries typed, in the list's order; a word matching none is refused, naming
        the field."""
        self.settle()
        unknown = self._unknown()
        if unknown:
            self.setFocus()
            raise ValidationError(
                _(self.vocabulary.name),
                _("« {value} » n'est pas dans la liste").format(value=unknown[0]),
            )
        return self.vocabulary.check_many(self._found())

    def set_keys(self, keys: Iterable[str]) -> None:
        known = self.vocabulary.check_many(k for k in keys if k in self.vocabulary.labels)
        self.setText(SHOWN.join(self.vocabulary.label(k) for k in known))
        self._mark()

    def stored(self) -> str:
        """The keys as a remembered setting (``ordinateur;telephone``)."""
        return SEPARATOR.join(self.keys())

    # -- typing ----------------------------------------------------------------------------
    def _words(self) -> list[str]:
        return [w.strip() for w in self.text().replace(";", ",").split(",") if w.strip()]

    def _found(self) -> list[str]:
        return [k for k in (self.vocabulary.find(w) for w in self._words()) if k is not None]

    def _unknown(self) -> list[str]:
        return [w for w in self._words() if self.vocabulary.find(w) is None]

    def settle(self) -> None:
        """Each word becomes the label of its entry (repeats dropped); unknown words stay."""
        self._hide_suggestions()
        shown: list[str] = []
        for word in self._words():
            key = self.vocabulary.find(word)
            text = self.vocabulary.label(key) if key is not None else word
            if text not in shown:
                shown.append(text)
        text = SHOWN.join(shown)
        if text != self.text():
            self.setText(text)
        self._mark()

    def _mark(self) -> None:
        self.setStyleSheet(INVALID_STYLE if self._unknown() else "")

    def _current_word(self) -> str:
        before = self.text()[: self.cursorPosition()]
        return before.rsplit(",", 1)[-1].strip()

    def on_text_edited(self, _text: str) -> None:
        word = normalise(self._current_word())
        if not word:
            self._hide_suggestions()
            return
        matches = [label for label in self.vocabulary.labels.values() if word in normalise(label)]
        self._model.setStringList(matches)
        if matches:
            self._completer.complete()
        else:
            self._hide_suggestions()

    def _hide_suggestions(self) -> None:
        popup = self._completer.popup()
        if popup is not None:
            popup.hide()

    def on_suggestion(self, label: str) -> None:
        """A suggestion chosen (Entrée or a click): it replaces the word being typed."""
        cursor = self.cursorPosition()
        text = self.text()
        start = text.rfind(",", 0, cursor) + 1
        end = text.find(",", cursor)
        end = len(text) if end < 0 else end
        before = text[:start].rstrip()
        after = text[end:]
        new = (before + " " if before else "") + label
        self.setText(new + after)
        self.setCursorPosition(len(new))
        self._mark()

    def event(self, event: QEvent) -> bool:
        # Tab settles the words even while the suggestions are shown (the completer's popup
        # would eat the focus change).
        if (
            isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab)
        ):
            self.settle()
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        popup = self._completer.popup()
        if (
            popup is not None
            and popup.isVisible()
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape)
        ):
            event.ignore()  # the completer chooses (Entrée) or closes (Échap) its popup
            return
        super().keyPressEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        if event.reason() != Qt.FocusReason.PopupFocusReason:
            self.settle()


class NameEdit(QLineEdit):
    """Free text with the names typed before as suggestions (those containing the text)."""

    def __init__(self, max_length: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMaxLength(max_length)
        self._model = QStringListModel(self)
        completer = QCompleter(self._model, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setCompleter(completer)

    def set_suggestions(self, names: Iterable[str]) -> None:
        self._model.setStringList(list(names))

    def suggestions(self) -> list[str]:
        return list(self._model.stringList())

    def remember(self, name: str) -> None:
        """A name just saved comes first in the suggestions (no reading again)."""
        if name:
            names = [n for n in self._model.stringList() if n != name]
            self._model.setStringList([name, *names])
