"""The dialog that corrects one visit: service, date, time, number, commune, categories (who
is served among them: « Public ») and person.

It only collects values; the service checks them and writes the audit line. A refused value
leaves the dialog open with what was typed, so the host fixes one field rather than starting
again. Lists show only active entries; a visit that points to a deactivated service or
category gets that entry added, so that opening and saving never changes it silently.
"""

from __future__ import annotations

from PySide6.QtCore import QTime, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import _, format_date, to_place_time
from tiers_lieu.models.enums import CategoryKind
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.services.visit_log import MAX_COUNT, VisitCorrection, VisitRow
from tiers_lieu.ui.common import to_date, to_qdate, today_qdate
from tiers_lieu.ui.date_range import bounded
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.pickers import CategoryCombo, CommuneEdit, PersonEdit
from tiers_lieu.ui.visits.common import keep_choice, select_data, to_time
from tiers_lieu.ui.visits.table_models import source_label


class VisitDialog(QDialog):
    visit_saved = Signal(object)
    """The corrected visit, as a ``VisitRow``."""

    def __init__(
        self,
        app: Comptoir,
        site: SiteInfo,
        row: VisitRow,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._app = app
        self._row = row
        self.setWindowTitle(_("Corriger une visite"))
        site_id = site.id

        self.service_combo = QComboBox(self)
        for service in app.config.list_services(site_id):
            self.service_combo.addItem(service.name, service.id)
        keep_choice(self.service_combo, row.service_id, row.service_name)
        select_data(self.service_combo, row.service_id)

        self.date_edit = bounded(QDateEdit(self))
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("dd/MM/yyyy")
        self.date_edit.setMaximumDate(today_qdate(site.zone))
        day = row.activity_date
        self.date_edit.setDate(to_qdate(day))

        self.time_check = QCheckBox(_("à"), self)
        self.time_edit = QTimeEdit(self)
        self.time_edit.setDisplayFormat("HH:mm")
        if row.activity_time is not None:
            self.time_check.setChecked(True)
            self.time_edit.setTime(QTime(row.activity_time.hour, row.activity_time.minute))
        else:
            self.time_edit.setTime(QTime(12, 0))
        self.time_edit.setEnabled(self.time_check.isChecked())
        self.time_check.toggled.connect(self.time_edit.setEnabled)
        when = QHBoxLayout()
        when.addWidget(self.date_edit)
        when.addWidget(self.time_check)
        when.addWidget(self.time_edit)
        when.addStretch(1)

        self.count_spin = QSpinBox(self)
        self.count_spin.setRange(1, MAX_COUNT)
        self.count_spin.setValue(row.count)

        self.commune_edit = CommuneEdit(app, site_id, self)
        self.commune_edit.set_value(row.commune_id)
        self.age_combo = CategoryCombo(app, site_id, CategoryKind.AGE_BAND, self)
        self.gender_combo = CategoryCombo(app, site_id, CategoryKind.GENDER, self)
        self.status_combo = CategoryCombo(app, site_id, CategoryKind.STATUS, self)
        self.public_combo = CategoryCombo(app, site_id, CategoryKind.PUBLIC, self)
        for combo, value, text in (
            (self.age_combo, row.age_band_id, row.age_band),
            (self.gender_combo, row.gender_id, row.gender),
            (self.status_combo, row.status_id, row.status),
            (self.public_combo, row.public_id, row.public),
        ):
            keep_choice(combo, value, text)
            combo.set_value(value)
        self.person_edit = PersonEdit(app, site_id, self)
        if row.person_id is not None:
            try:
                self.person_edit.set_value(row.person_id)
            except Exception:  # an erased person: the visit stays anonymous
                self.person_edit.clear()

        form = QFormLayout()
        for text, field in (
            (_("&Service :"), self.service_combo),
            (_("&Date :"), when),
            (_("&Nombre de personnes :"), self.count_spin),
            (_("&Commune :"), self.commune_edit),
            (_("&Tranche d'âge :"), self.age_combo),
            (_("&Genre :"), self.gender_combo),
            (_("St&atut :"), self.status_combo),
            (_("Pu&blic :"), self.public_combo),
            (_("&Personne :"), self.person_edit),
        ):
            label = QLabel(text, self)
            label.setBuddy(field if isinstance(field, QWidget) else self.date_edit)
            form.addRow(label, field)

        entered = QLabel(
            _("Saisie le {day} ({source}).").format(
                day=format_date(to_place_time(row.created_at, site.zone).date(), "long"),
                source=source_label(row.source),
            ),
            self,
        )
        entered.setWordWrap(True)
        buttons = QDialogButtonBox(self)
        self.save_button = buttons.addButton(
            _("&Enregistrer"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        buttons.addButton(_("Annuler"), QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.setDefault(True)
        buttons.accepted.connect(self.on_save_clicked)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(entered)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)

    def on_save_clicked(self) -> None:
        try:
            row = self._app.visit_log.update(
                self._row.id,
                VisitCorrection(
                    service_id=self.service_combo.currentData(),
                    activity_date=to_date(self.date_edit.date()),
                    activity_time=to_time(self.time_edit.time())
                    if self.time_check.isChecked()
                    else None,
                    count=self.count_spin.value(),
                    commune_id=self.commune_edit.value(),
                    age_band_id=self.age_combo.value(),
                    gender_id=self.gender_combo.value(),
                    status_id=self.status_combo.value(),
                    person_id=self.person_edit.value(),
                    public_id=self.public_combo.value(),
                ),
            )
        except Exception as exc:  # expected ones shown, unexpected ones also logged
            show_error(self, exc, _("Visite non corrigée"))
            return
        self.visit_saved.emit(row)
        self.accept()
