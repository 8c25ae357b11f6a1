"""Suggestions from the official list of communes under a commune field: typing « st leo »
lists Saint-Léonard-de-Noblat and its homonyms, each with postal code and department, and
picking one gives its INSEE code (``chosen``). A commune that no list knows is added only
after a question (:func:`confirm_unknown`)."""

from __future__ import annotations

from collections.abc import Callable, Collection

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QCompleter, QLineEdit, QMessageBox, QWidget

from tiers_lieu.i18n import _
from tiers_lieu.services import official_communes
from tiers_lieu.services.official_communes import OfficialCommune

TEXT_ROLE = Qt.ItemDataRole.UserRole + 1  # what the field shows once a suggestion is picked
CHOICE_ROLE = Qt.ItemDataRole.UserRole + 2  # the suggestion itself (an OfficialCommune or other)

Extra = Callable[[str], list[tuple[str, str, object]]]


class CommuneSuggestions(QObject):
    """The popup of suggestions of one line edit. ``extra`` gives rows shown before the
        official ones (the place's own communes) as (label, text, choice), ``skip`` the INSEE codes
    not to suggest again; ``inserted`` says what
        the field shows for an official commune picked (its name by default)."""

    chosen = Signal(object)

    def __init__(
        self,
        edit: QLineEdit,
        *,
        department: Callable[[], str | None] = lambda: None,
        extra: Extra | None = None,
        skip: Callable[[], Collection[str]] = frozenset,
        inserted: Callable[[OfficialCommune], str] = lambda c: c.name,
    ) -> None:
        super().__init__(edit)
        self._edit = edit
        self._department = department
        self._extra = extra
        self._skip = skip
        self._inserted = inserted
        self.model = QStandardItemModel(self)
        self.completer = QCompleter(self.model, edit)
        self.completer.setCompletionRole(TEXT_ROLE)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        # The list is already filtered here (accents, « St »): show it as it is.
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setMaxVisibleItems(8)
        self.completer.activated[QModelIndex].connect(  # type: ignore[index]
            self.on_activated
        )
        edit.setCompleter(self.completer)
        edit.textEdited.connect(self.on_text_edited)
        edit.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # The list is read when the cursor enters a commune field, in the background: not at
        # start-up, and ready by the first letters typed.
        if event.type() == QEvent.Type.FocusIn:
            official_communes.preload()
        return super().eventFilter(watched, event)

    def labels(self) -> list[str]:
        return [self.model.item(row).text() for row in range(self.model.rowCount())]

    def on_text_edited(self, text: str) -> None:
        self.model.clear()
        rows = self._extra(text) if self._extra is not None else []
        skip = self._skip()
        for commune in official_communes.search(text, near=self._department()):
            if commune.code in skip:
                continue  # already among the place's own
            rows.append((commune.label(), self._inserted(commune), commune))
        for label, inserted, choice in rows:
            item = QStandardItem(label)
            item.setData(inserted, TEXT_ROLE)
            item.setData(choice, CHOICE_ROLE)
            item.setEditable(False)
            self.model.appendRow(item)
        if rows:
            self.completer.complete()

    def choose(self, row: int) -> None:
        """Pick suggestion ``row`` as a click or Enter in the popup does."""
        self.on_activated(self.model.index(row, 0))

    def on_activated(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        self._edit.setText(str(index.data(TEXT_ROLE)))
        self.chosen.emit(index.data(CHOICE_ROLE))


def confirm_unknown(parent: QWidget, name: str) -> bool:
    """« Zzzville » is neither a commune of the place nor in the official list: ask first."""
    answer = QMessageBox.question(
        parent,
        _("Commune inconnue"),
        _(
            "« {name} » ne figure pas dans la liste officielle des communes de France. "
            "Vérifiez l'orthographe, ou choisissez une commune proposée pendant la saisie.\n\n"
            "Ajouter « {name} » quand même ?"
        ).format(name=name),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


def is_unknown(text: str) -> bool:
    """Whether ``text`` is neither a name (current or former) nor an INSEE code of the
    official list; never, when that list could not be read (nothing to compare with)."""
    text = text.strip()
    if not text or official_communes.load() == 0:
        return False
    return not official_communes.named(text) and official_communes.by_code(text) is None
