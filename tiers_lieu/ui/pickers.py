"""Input widgets every form shares: a category list with « Non communiqué », a commune and a
person chosen by type-ahead.

They hold ids, not text: ``value()`` gives the id to hand to a service (``None`` for
« Non communiqué » or nothing chosen) and ``set_value`` shows a stored id again. A commune
typed that the site does not know yet is added outside the territory when its value is read,
as DOMAIN.md allows free entry: with its INSEE code when the official list knows it, after a
question when it does not.
"""

from __future__ import annotations

import re
import uuid
from collections import Counter

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtWidgets import QComboBox, QCompleter, QLineEdit, QWidget

from tiers_lieu.app import Comptoir
from tiers_lieu.defaults import UNKNOWN
from tiers_lieu.errors import ValidationError
from tiers_lieu.i18n import _
from tiers_lieu.models.enums import CategoryKind
from tiers_lieu.services import official_communes
from tiers_lieu.services.tabular import normalise
from tiers_lieu.ui.commune_suggestions import CommuneSuggestions, confirm_unknown, is_unknown

OWN_SUGGESTIONS = 20
_PICKED = re.compile(r"\((\d{5}|2[AB]\d{3})\)$")


class CategoryCombo(QComboBox):
    """The active entries of one list of the site, « Non communiqué » first (value ``None``)."""

    value_changed = Signal(object)

    def __init__(
        self,
        app: Comptoir,
        site_id: uuid.UUID,
        kind: CategoryKind,
        parent: QWidget | None = None,
        *,
        with_unknown: bool = True,
    ) -> None:
        super().__init__(parent)
        self._with_unknown = with_unknown
        if with_unknown:
            self.addItem(_(UNKNOWN), None)
        for category in app.config.list_categories(site_id, kind):
            self.addItem(category.label, category.id)
        self.currentIndexChanged.connect(self.on_index_changed)

    def value(self) -> uuid.UUID | None:
        data = self.currentData()
        return data if isinstance(data, uuid.UUID) else None

    def set_value(self, value: uuid.UUID | None) -> None:
        # findData() cannot compare Python objects held in a QVariant: look them up here.
        index = next((i for i in range(self.count()) if self.itemData(i) == value), 0)
        self.setCurrentIndex(index if self.count() else -1)

    def on_index_changed(self, _index: int) -> None:
        self.value_changed.emit(self.value())


class CommuneEdit(QLineEdit):
    """A commune typed by name or INSEE code, with suggestions from the site's communes first,
    then from the official list of French communes (with postal code and department, so that
    homonyms are told apart). A commune of the official list is added with its INSEE code;
    one no list knows is added only once the user says so."""

    value_changed = Signal(object)

    def __init__(self, app: Comptoir, site_id: uuid.UUID, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._app = app
        self._site_id = site_id
        self._by_key: dict[str, uuid.UUID] = {}
        self._labels: dict[uuid.UUID, str] = {}
        self._codes: set[str] = set()
        self._department: str | None = None
        self.setPlaceholderText(_("nom ou code INSEE"))
        self.suggestions = CommuneSuggestions(
            self,
            department=lambda: self._department,
            extra=self._own_suggestions,
            skip=lambda: self._codes,
            inserted=lambda c: f"{c.name} ({c.code})",
        )
        self.reload()
        self.editingFinished.connect(self.on_editing_finished)

    def reload(self) -> None:
        """Read the site's communes again (after an import in Paramètres)."""
        self._by_key.clear()
        self._labels.clear()
        self._codes.clear()
        departments: Counter[str] = Counter()
        for commune in self._app.communes.list_communes(self._site_id):
            label = f"{commune.name} ({commune.insee_code})" if commune.insee_code else commune.name
            self._labels[commune.id] = label
            if commune.insee_code:
                self._codes.add(commune.insee_code)
                if commune.in_territory:
                    departments[commune.insee_code[:2]] += 1
            for key in (label, commune.name, commune.insee_code or ""):
                if key:
                    self._by_key.setdefault(normalise(key), commune.id)
        self._department = departments.most_common(1)[0][0] if departments else None

    def _own_suggestions(self, text: str) -> list[tuple[str, str, object]]:
        wanted = normalise(text)
        if not wanted:
            return []
        found = [label for label in self._labels.values() if wanted in normalise(label)]
        found.sort(key=lambda label: (not normalise(label).startswith(wanted), label))
        return [(label, label, None) for label in found[:OWN_SUGGESTIONS]]

    def value(self) -> uuid.UUID | None:
        """The commune shown, added to the site if it is new to it; raises a
        :class:`ValidationError` naming the field if the user declined to add an unknown one."""
        text = self.text().strip()
        if not text:
            return None
        key = normalise(text)
        known = self._by_key.get(key)
        if known is not None:
            return known
        # "Aubus" left without picking the suggestion means Aubusson when nothing else
        # starts that way; a new commune is added only for a name that matches none.
        starting = {cid for k, cid in self._by_key.items() if k.startswith(key)}
        if len(starting) == 1:
            return starting.pop()
        picked = _PICKED.search(text)  # « Limoges (87085) », an official suggestion picked
        if picked is not None and official_communes.by_code(picked.group(1)) is not None:
            wanted = picked.group(1)
        else:
            wanted = text
            if is_unknown(text) and not confirm_unknown(self, text):
                self.setFocus(Qt.FocusReason.OtherFocusReason)
                self.selectAll()
                raise ValidationError(
                    _("Commune"),
                    _(
                        "« {name} » n'a pas été ajoutée : corrigez le nom ou choisissez une "
                        "commune proposée pendant la saisie"
                    ).format(name=text),
                )
        commune = self._app.communes.find_or_add(self._site_id, wanted)
        label = f"{commune.name} ({commune.insee_code})" if commune.insee_code else commune.name
        for known_key in (key, normalise(label)):
            self._by_key[known_key] = commune.id
        self._labels[commune.id] = label
        if commune.insee_code:
            self._codes.add(commune.insee_code)
        return commune.id

    def set_value(self, value: uuid.UUID | None) -> None:
        if value is not None and value not in self._labels:
            self.reload()
        self.setText(self._labels.get(value, "") if value is not None else "")

    def on_editing_finished(self) -> None:
        self.value_changed.emit(self._by_key.get(normalise(self.text())))


class PersonEdit(QLineEdit):
    """A known person found by name, phone or e-mail as it is typed."""

    value_changed = Signal(object)

    def __init__(self, app: Comptoir, site_id: uuid.UUID, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._app = app
        self._site_id = site_id
        self._choices: dict[str, uuid.UUID] = {}
        self._value: uuid.UUID | None = None
        self.setPlaceholderText(_("anonyme — tapez un nom pour chercher"))
        self.setClearButtonEnabled(True)
        self._model = QStringListModel(self)
        completer = QCompleter(self)
        completer.setModel(self._model)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        # The list is already filtered by the service (accents ignored): show it as it is.
        completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        completer.activated.connect(self.on_completer_activated)
        self.setCompleter(completer)
        self.textEdited.connect(self.on_text_edited)

    @staticmethod
    def _label(name: str, phone: str, email: str) -> str:
        contact = phone or email
        return f"{name} — {contact}" if contact else name

    def on_text_edited(self, text: str) -> None:
        self._value = None
        people = self._app.people.search(self._site_id, text, limit=15) if len(text) >= 2 else []
        self._choices = {}
        for p in people:
            # A volunteer gets no phone or e-mail: two people of the same name stay apart.
            label = self._label(p.display_name, p.phone, p.email)
            number = 2
            while label in self._choices:
                label = f"{self._label(p.display_name, p.phone, p.email)} ({number})"
                number += 1
            self._choices[label] = p.id
        self._model.setStringList(list(self._choices))
        if self._choices:
            self.completer().complete()
        self.value_changed.emit(None)

    def on_completer_activated(self, text: str) -> None:
        self._value = self._choices.get(text)
        self.value_changed.emit(self._value)

    def value(self) -> uuid.UUID | None:
        if self._value is None and self.text() in self._choices:
            self._value = self._choices[self.text()]
        return self._value

    def only_choice(self) -> uuid.UUID | None:
        """The one person the typed text finds, when it finds exactly one."""
        return next(iter(self._choices.values())) if len(self._choices) == 1 else None

    def set_value(self, value: uuid.UUID | None, *, label: str | None = None) -> None:
        """Show the person ``value``, by ``label`` when given (no lookup: a record shown
        again names its person itself)."""
        self._value = value
        if value is None:
            super().clear()
            return
        if label is not None:
            self.setText(label)
            return
        person = self._app.people.get(value)
        self.setText(self._label(person.display_name, person.phone, person.email))

    def clear(self) -> None:
        self._value = None
        super().clear()
