"""The optional details of the last visit counted: commune, age band, gender, status, who is
served (public), a known person and the group's size. After « une personne entre » (the
« + » key), only the number of people who came in together.

The panel never stands between the host and the next count: it refers to whatever visit was
counted last, starts blank (« Non communiqué ») for each new one and saves only when asked
(Entrée or the button) or, if the host edited it and moved on, just before the next visit is
counted (the section does that). Typing in its text fields never counts a visit: the number
keys are shortcuts, and a text field keeps the keys typed into it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import _, format_date, format_time, ngettext
from tiers_lieu.models.enums import CategoryKind
from tiers_lieu.services.passages import PassageInfo
from tiers_lieu.services.pending_visits import PendingPassage
from tiers_lieu.services.visits import VisitInfo
from tiers_lieu.ui.pickers import CategoryCombo, CommuneEdit, PersonEdit


@dataclass(frozen=True)
class VisitDetails:
    """What the panel holds, as :meth:`VisitService.complete` takes it."""

    commune_id: uuid.UUID | None
    age_band_id: uuid.UUID | None
    gender_id: uuid.UUID | None
    status_id: uuid.UUID | None
    person_id: uuid.UUID | None
    count: int
    public_id: uuid.UUID | None = None


def describe_visit(visit: VisitInfo, today: date | None = None) -> str:
    """« Épicerie — 10:42 », with the date when the visit is not today's."""
    parts = [visit.service_name]
    if today is not None and visit.activity_date != today:
        parts.append(format_date(visit.activity_date, "medium"))
    if visit.activity_time is not None:
        parts.append(format_time(visit.activity_time))
    return " — ".join(parts)


def describe_passage(passage: PassageInfo | PendingPassage, today: date | None = None) -> str:
    """« Entrée — 10:42 », with the date when it is not ``today``'s, and the number of
    people when more than one came in."""
    parts = [_("Entrée")]
    if passage.activity_date != today:
        parts.append(format_date(passage.activity_date, "medium"))
    if passage.activity_time is not None:
        parts.append(format_time(passage.activity_time))
    text = " — ".join(parts)
    if passage.count > 1:
        text += " " + ngettext("({n} personne)", "({n} personnes)", passage.count).format(
            n=passage.count
        )
    return text


def _details_of(visit: VisitInfo) -> tuple[object, ...]:
    return (
        visit.commune_id,
        visit.person_id,
        visit.age_band_id,
        visit.gender_id,
        visit.status_id,
        visit.public_id,
        visit.count,
    )


class DetailsPanel(QWidget):
    """Completes the last visit; emits ``save_requested`` when the host confirms.

    One column, each label above its field: the panel is a tab of the narrow column beside
    the service buttons (issue 16: the buttons keep the height of a 1024×600 screen)."""

    save_requested = Signal()

    def __init__(self, app: Comptoir, site_id: uuid.UUID, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._visit: VisitInfo | None = None
        self._passage: PassageInfo | None = None
        self._dirty = False
        self._loading = False

        self.visit_label = QLabel(self)
        self.visit_label.setWordWrap(True)
        self.commune_edit = CommuneEdit(app, site_id, self)
        self.age_combo = CategoryCombo(app, site_id, CategoryKind.AGE_BAND, self)
        self.gender_combo = CategoryCombo(app, site_id, CategoryKind.GENDER, self)
        self.status_combo = CategoryCombo(app, site_id, CategoryKind.STATUS, self)
        self.public_combo = CategoryCombo(app, site_id, CategoryKind.PUBLIC, self)
        self.person_edit = PersonEdit(app, site_id, self)
        self.count_spin = QSpinBox(self)
        self.count_spin.setRange(1, 999)
        self.count_spin.setAccessibleName(_("Nombre de personnes"))
        self.save_button = QPushButton(_("&Enregistrer les détails"), self)
        self.save_button.setToolTip(_("Enregistrer les détails de la visite (Entrée)"))
        self.save_button.clicked.connect(self.on_save_clicked)

        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setVerticalSpacing(4)
        form.addRow(self._label(_("&Commune :"), self.commune_edit), self.commune_edit)
        form.addRow(self._label(_("&Personne connue :"), self.person_edit), self.person_edit)
        form.addRow(self._label(_("&Nombre de personnes :"), self.count_spin), self.count_spin)
        form.addRow(self._label(_("&Tranche d'âge :"), self.age_combo), self.age_combo)
        form.addRow(self._label(_("&Genre :"), self.gender_combo), self.gender_combo)
        form.addRow(self._label(_("&Statut :"), self.status_combo), self.status_combo)
        form.addRow(self._label(_("Pu&blic :"), self.public_combo), self.public_combo)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.save_button)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 8, 8, 8)
        outer.addWidget(self.visit_label)
        outer.addLayout(form)
        outer.addLayout(bottom)
        outer.addStretch(1)

        for edit in (self.commune_edit, self.person_edit):
            edit.textEdited.connect(self.on_value_edited)
        for combo in self._combos():
            combo.currentIndexChanged.connect(self.on_value_edited)
        self.count_spin.valueChanged.connect(self.on_value_edited)
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self.on_save_clicked)
        self.set_visit(None)

    def _combos(self) -> tuple[CategoryCombo, ...]:
        return (self.age_combo, self.gender_combo, self.status_combo, self.public_combo)

    def _label(self, text: str, buddy: QWidget) -> QLabel:
        label = QLabel(text, self)
        label.setBuddy(buddy)
        return label

    # -- public ---------------------------------------------------------------------------
    @property
    def visit(self) -> VisitInfo | None:
        return self._visit

    @property
    def passage(self) -> PassageInfo | None:
        """The passage shown instead of a visit (« + » pressed last): only its count."""
        return self._passage

    def is_dirty(self) -> bool:
        return self._dirty and (self._visit is not None or self._passage is not None)

    def set_passage(self, passage: PassageInfo, today: date | None = None) -> None:
        """Refer to ``passage``: how many people came in together is all there is to give."""
        self._visit, self._passage = None, passage
        self._show_details(None)
        self._loading = True
        try:
            self.count_spin.setValue(passage.count)
        finally:
            self._loading = False
        self.count_spin.setEnabled(True)
        self._dirty = False
        self.save_button.setEnabled(False)
        self.visit_label.setText(
            _("Détails de : {visit}").format(visit=describe_passage(passage, today))
        )

    def set_visit(self, visit: VisitInfo | None, today: date | None = None) -> None:
        """Refer to ``visit`` (or to none) and show its stored details."""
        shown = self._visit
        self._visit, self._passage = visit, None
        unchanged = (
            not self._dirty
            and visit is not None
            and shown is not None
            and _details_of(visit) == _details_of(shown)
        )
        if not unchanged:  # (after a key press, the fields already show a new visit's blanks)
            self._show_details(visit)
        self._dirty = False
        self.save_button.setEnabled(False)
        if visit is None:
            self.visit_label.setText(
                _("Comptez une visite : ses détails pourront être complétés ici.")
            )
        else:
            self.visit_label.setText(
                _("Détails de : {visit}").format(visit=describe_visit(visit, today))
            )

    def _show_details(self, visit: VisitInfo | None) -> None:
        self._loading = True
        try:
            if visit is None:
                self.commune_edit.clear()
                self.person_edit.clear()
                for combo in self._combos():
                    combo.set_value(None)
                self.count_spin.setValue(1)
            else:
                self.commune_edit.set_value(visit.commune_id)
                self.person_edit.set_value(visit.person_id)
                self.age_combo.set_value(visit.age_band_id)
                self.gender_combo.set_value(visit.gender_id)
                self.status_combo.set_value(visit.status_id)
                self.public_combo.set_value(visit.public_id)
                self.count_spin.setValue(visit.count)
        finally:
            self._loading = False
        enabled = visit is not None
        for widget in (
            self.commune_edit,
            self.person_edit,
            self.age_combo,
            self.gender_combo,
            self.status_combo,
            self.public_combo,
            self.count_spin,
        ):
            widget.setEnabled(enabled)

    def details(self) -> VisitDetails:
        """The values shown; a commune typed freely is added to the site here."""
        return VisitDetails(
            commune_id=self.commune_edit.value(),
            age_band_id=self.age_combo.value(),
            gender_id=self.gender_combo.value(),
            status_id=self.status_combo.value(),
            person_id=self.person_edit.value(),
            count=self.count_spin.value(),
            public_id=self.public_combo.value(),
        )

    def reload(self) -> None:
        """Read the site's communes again (after an import in Paramètres)."""
        self.commune_edit.reload()

    # -- slots ----------------------------------------------------------------------------
    def on_value_edited(self, *_args: object) -> None:
        if self._loading or (self._visit is None and self._passage is None):
            return
        self._dirty = True
        self.save_button.setEnabled(True)

    def on_save_clicked(self) -> None:
        if self._visit is not None or self._passage is not None:
            self.save_requested.emit()
