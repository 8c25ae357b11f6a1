"""The attendance part of the workshop dialog: anonymous head counts or registered people.

Both lists are edited here and handed to the service only when the dialog is saved, which
replaces the whole attendance (and the visits that mirror it) in one transaction. Entrée in
the count or the person field adds the line, so a head count is typed without the mouse:
« 5 », choices, Entrée, « 3 », Entrée…
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import ValidationError
from tiers_lieu.i18n import _, format_number, ngettext
from tiers_lieu.models.enums import AttendanceMode, CategoryKind
from tiers_lieu.services.events import EventDetail, HeadCountLine, RegisteredPerson
from tiers_lieu.services.visit_log import MAX_COUNT
from tiers_lieu.ui.common import add_shortcut, make_table
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.pickers import CategoryCombo, PersonEdit
from tiers_lieu.ui.visits.table_models import HeadCountsModel, RegisteredModel


def _selected_row(view: QTableView) -> int:
    rows = view.selectionModel().selectedRows()
    return rows[0].row() if rows else -1


class AttendanceEditor(QWidget):
    attendance_changed = Signal()
    """A line or a person was added or removed, or the mode switched."""

    def __init__(self, app: Comptoir, site_id: uuid.UUID, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._app = app
        labels = {
            c.id: c.label
            for kind in (CategoryKind.GENDER, CategoryKind.AGE_BAND, CategoryKind.STATUS)
            for c in app.config.list_categories(site_id, kind, include_inactive=True)
        }
        self.anonymous_radio = QRadioButton(_("&Comptage anonyme"), self)
        self.registered_radio = QRadioButton(_("&Personnes inscrites"), self)
        self.anonymous_radio.setChecked(True)
        self.anonymous_radio.toggled.connect(self.on_mode_toggled)
        modes = QHBoxLayout()
        modes.addWidget(self.anonymous_radio)
        modes.addWidget(self.registered_radio)
        modes.addStretch(1)

        self.pages = QStackedWidget(self)
        self.pages.addWidget(self._build_head_counts(app, site_id, labels))
        self.pages.addWidget(self._build_registered(app, site_id))
        self.total_label = QLabel(self)
        font = self.total_label.font()
        font.setBold(True)
        self.total_label.setFont(font)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(modes)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.total_label)
        self._show_total()

    # -- building -----------------------------------------------------------------------
    def _build_head_counts(
        self, app: Comptoir, site_id: uuid.UUID, labels: dict[uuid.UUID, str]
    ) -> QWidget:
        page = QWidget(self)
        self.count_spin = QSpinBox(page)
        self.count_spin.setRange(1, MAX_COUNT)
        self.count_spin.lineEdit().returnPressed.connect(self.on_add_line_clicked)
        self.gender_combo = CategoryCombo(app, site_id, CategoryKind.GENDER, page)
        self.age_combo = CategoryCombo(app, site_id, CategoryKind.AGE_BAND, page)
        self.status_combo = CategoryCombo(app, site_id, CategoryKind.STATUS, page)
        self.add_line_button = QPushButton(_("A&jouter la ligne"), page)
        self.add_line_button.clicked.connect(self.on_add_line_clicked)
        grid = QGridLayout()
        for column, (text, field) in enumerate(
            (
                (_("N&ombre :"), self.count_spin),
                (_("&Genre :"), self.gender_combo),
                (_("&Tranche d'âge :"), self.age_combo),
                (_("&Statut :"), self.status_combo),
            )
        ):
            label = QLabel(text, page)
            label.setBuddy(field)
            grid.addWidget(label, 0, column)
            grid.addWidget(field, 1, column)
            if isinstance(field, QComboBox):  # long category names must not widen the dialog
                field.setSizeAdjustPolicy(
                    QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
                )
                field.setMinimumContentsLength(8)
        grid.addWidget(self.add_line_button, 1, 4)

        self.lines_model = HeadCountsModel(labels, self)
        self.lines_view = make_table(
            self.lines_model, page, stretch=HeadCountsModel.Columns.AGE_BAND
        )
        self.remove_line_button = QPushButton(_("&Retirer la ligne"), page)
        self.remove_line_button.clicked.connect(self.on_remove_line_clicked)
        add_shortcut(
            self.lines_view, QKeySequence.StandardKey.Delete, self.on_remove_line_clicked
        ).setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(grid)
        layout.addWidget(self.lines_view, 1)
        layout.addWidget(self.remove_line_button, 0, Qt.AlignmentFlag.AlignLeft)
        return page

    def _build_registered(self, app: Comptoir, site_id: uuid.UUID) -> QWidget:
        page = QWidget(self)
        self.person_edit = PersonEdit(app, site_id, page)
        self.person_edit.returnPressed.connect(self.on_add_person_clicked)
        self.add_person_button = QPushButton(_("A&jouter la personne"), page)
        self.add_person_button.clicked.connect(self.on_add_person_clicked)
        label = QLabel(_("Pe&rsonne :"), page)
        label.setBuddy(self.person_edit)
        line = QHBoxLayout()
        line.addWidget(label)
        line.addWidget(self.person_edit, 1)
        line.addWidget(self.add_person_button)
        self.people_model = RegisteredModel(self)
        self.people_view = make_table(self.people_model, page, stretch=RegisteredModel.Columns.NAME)
        self.remove_person_button = QPushButton(_("Retirer la personne"), page)
        self.remove_person_button.clicked.connect(self.on_remove_person_clicked)
        add_shortcut(
            self.people_view, QKeySequence.StandardKey.Delete, self.on_remove_person_clicked
        ).setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(line)
        layout.addWidget(self.people_view, 1)
        layout.addWidget(self.remove_person_button, 0, Qt.AlignmentFlag.AlignLeft)
        return page

    # -- values -------------------------------------------------------------------------
    def set_detail(self, detail: EventDetail) -> None:
        registered = detail.event.attendance_mode == AttendanceMode.REGISTERED
        self.lines_model.set_rows(detail.head_counts)
        self.people_model.set_rows(detail.registered)
        (self.registered_radio if registered else self.anonymous_radio).setChecked(True)
        self._show_total()

    def mode(self) -> AttendanceMode:
        if self.registered_radio.isChecked():
            return AttendanceMode.REGISTERED
        return AttendanceMode.ANONYMOUS

    def head_counts(self) -> list[HeadCountLine]:
        return self.lines_model.rows()

    def person_ids(self) -> list[uuid.UUID]:
        return [p.person_id for p in self.people_model.rows()]

    def participants(self) -> int:
        if self.mode() == AttendanceMode.REGISTERED:
            return len(self.people_model.rows())
        return sum(line.count for line in self.lines_model.rows())

    def _show_total(self) -> None:
        n = self.participants()
        self.total_label.setText(
            ngettext("{n} participant", "{n} participants", n).format(n=format_number(n))
        )

    def _changed(self) -> None:
        self._show_total()
        self.attendance_changed.emit()

    # -- slots --------------------------------------------------------------------------
    def on_mode_toggled(self, anonymous: bool) -> None:
        self.pages.setCurrentIndex(0 if anonymous else 1)
        self._changed()

    def on_add_line_clicked(self) -> None:
        self.count_spin.interpretText()
        line = HeadCountLine(
            count=self.count_spin.value(),
            gender_id=self.gender_combo.value(),
            age_band_id=self.age_combo.value(),
            status_id=self.status_combo.value(),
        )
        self.lines_model.set_rows([*self.lines_model.rows(), line])
        self.count_spin.setValue(1)
        self.count_spin.selectAll()
        self.count_spin.setFocus()
        self._changed()

    def on_remove_line_clicked(self) -> None:
        number = _selected_row(self.lines_view)
        if number < 0:
            return
        rows = self.lines_model.rows()
        del rows[number]
        self.lines_model.set_rows(rows)
        self._changed()

    def on_add_person_clicked(self) -> None:
        person_id = self.person_edit.value()
        if person_id is None:
            show_error(
                self,
                ValidationError(_("Personne"), _("choisissez une personne dans la liste proposée")),
            )
            return
        if person_id not in self.person_ids():
            person = self._app.people.get(person_id)
            rows = [*self.people_model.rows(), RegisteredPerson(person_id, person.display_name)]
            self.people_model.set_rows(sorted(rows, key=lambda r: r.name.casefold()))
        self.person_edit.clear()
        self.person_edit.setFocus()
        self._changed()

    def on_remove_person_clicked(self) -> None:
        number = _selected_row(self.people_view)
        if number < 0:
            return
        rows = self.people_model.rows()
        del rows[number]
        self.people_model.set_rows(rows)
        self._changed()
