"""« Partenaires », « Emplois », « Bénévolat »: what the report needs and the desk does not log.

Each tab is a :class:`RecordTab` (list + form) over one part of ``app.organisation``; the
service validates (French messages naming the field), the forms only help input.
"""

from __future__ import annotations

import uuid

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from tiers_lieu.i18n import N_, _, format_date, ngettext, place_today
from tiers_lieu.models.enums import ContractType
from tiers_lieu.reports.pdf_parts.text import format_value
from tiers_lieu.services.organisation import (
    JobInfo,
    PartnerInfo,
    VolunteerTimeInfo,
    contract_type_label,
)
from tiers_lieu.ui.common import to_date, to_qdate
from tiers_lieu.ui.data_changed import Topic
from tiers_lieu.ui.pickers import PersonEdit
from tiers_lieu.ui.reports.forms import OptionalDateEdit, add_row, date_edit
from tiers_lieu.ui.reports.records import RecordTab
from tiers_lieu.ui.reports.table_models import JobsModel, PartnersModel, VolunteerTimeModel


class PartnersTab(RecordTab[PartnerInfo]):
    list_title = N_("Partenaires du lieu")
    form_title = N_("Partenaire")
    model_class = PartnersModel

    def build_form(self, form: QFormLayout, parent: QWidget) -> None:
        self.name_edit = QLineEdit(parent)
        self.name_edit.setMaxLength(160)
        self.kind_edit = QLineEdit(parent)
        self.kind_edit.setMaxLength(60)
        self.kind_edit.setPlaceholderText(_("association, commune, entreprise…"))
        self.started_edit = OptionalDateEdit(parent)
        self.ended_edit = OptionalDateEdit(parent)
        self.contact_edit = QLineEdit(parent)
        self.contact_edit.setMaxLength(160)
        self.france_services_check = QCheckBox(_("Opérateur France Ser&vices"), parent)
        add_row(form, _("N&om :"), self.name_edit)
        add_row(form, _("&Type :"), self.kind_edit)
        add_row(form, _("&Début du partenariat :"), self.started_edit)
        add_row(form, _("Fin :"), self.ended_edit)
        add_row(form, _("&Contact :"), self.contact_edit)
        form.addRow("", self.france_services_check)

    def load(self) -> list[PartnerInfo]:
        return self._app.organisation.list_partners(self._site.id)

    def fill(self, row: PartnerInfo | None) -> None:
        self.name_edit.setText(row.name if row else "")
        self.kind_edit.setText(row.kind if row else "")
        self.started_edit.set_value(row.started_on if row else None)
        self.ended_edit.set_value(row.ended_on if row else None)
        self.contact_edit.setText(row.contact if row else "")
        self.france_services_check.setChecked(bool(row and row.is_france_services_operator))
        self.name_edit.setFocus()

    def save(self, record_id: uuid.UUID | None) -> PartnerInfo:
        return self._app.organisation.save_partner(
            self._site.id,
            partner_id=record_id,
            name=self.name_edit.text(),
            kind=self.kind_edit.text(),
            started_on=self.started_edit.value(),
            ended_on=self.ended_edit.value(),
            contact=self.contact_edit.text(),
            is_france_services_operator=self.france_services_check.isChecked(),
        )

    def delete(self, record_id: uuid.UUID) -> None:
        self._app.organisation.delete_partner(record_id)

    def describe(self, row: PartnerInfo) -> str:
        return row.name


class JobsTab(RecordTab[JobInfo]):
    list_title = N_("Emplois du lieu")
    form_title = N_("Poste")
    model_class = JobsModel

    def build_form(self, form: QFormLayout, parent: QWidget) -> None:
        self.post_edit = QLineEdit(parent)
        self.post_edit.setMaxLength(120)
        self.contract_combo = QComboBox(parent)
        for contract in ContractType:
            self.contract_combo.addItem(contract_type_label(contract.value), contract.value)
        self.start_edit = date_edit(parent, place_today(self._site.zone))
        self.end_edit = OptionalDateEdit(parent)
        self.time_spin = QSpinBox(parent)
        self.time_spin.setRange(1, 100)
        self.time_spin.setValue(100)
        self.time_spin.setSuffix(_(" %"))
        self.time_spin.setMaximumWidth(120)
        self.new_check = QCheckBox(_("Emploi &créé par l'opération (sinon maintenu)"), parent)
        self.new_check.setChecked(True)
        self.holder_edit = PersonEdit(self._app, self._site.id, parent)
        self.holder_edit.setPlaceholderText(_("facultatif — nommé sur les feuilles de temps"))
        add_row(form, _("P&oste :"), self.post_edit)
        add_row(form, _("Sa&larié·e :"), self.holder_edit)
        add_row(form, _("&Type de contrat :"), self.contract_combo)
        add_row(form, _("&Début :"), self.start_edit)
        add_row(form, _("Fin (vide si en cours) :"), self.end_edit)
        add_row(form, _("Temps de tra&vail :"), self.time_spin)
        form.addRow("", self.new_check)
        hint = QLabel(
            _(
                "ETP selon les règles R.37 : douze mois ou plus à temps plein = 1, six mois = "
                "0,5 ; le bénévolat ne compte pas."
            ),
            parent,
        )
        hint.setWordWrap(True)
        form.addRow(hint)

    def load(self) -> list[JobInfo]:
        return self._app.organisation.list_jobs(self._site.id)

    def fill(self, row: JobInfo | None) -> None:
        self.post_edit.setText(row.post if row else "")
        index = self.contract_combo.findData(row.contract_type if row else ContractType.CDI.value)
        self.contract_combo.setCurrentIndex(max(index, 0))
        self.start_edit.setDate(to_qdate(row.start_date if row else place_today(self._site.zone)))
        self.end_edit.set_value(row.end_date if row else None)
        self.time_spin.setValue(row.working_time_percent if row else 100)
        self.new_check.setChecked(row.is_new if row else True)
        self.holder_edit.set_value(row.person_id if row else None)
        self.post_edit.setFocus()

    def save(self, record_id: uuid.UUID | None) -> JobInfo:
        return self._app.organisation.save_job(
            self._site.id,
            job_id=record_id,
            post=self.post_edit.text(),
            contract_type=str(self.contract_combo.currentData()),
            start_date=to_date(self.start_edit.date()),
            end_date=self.end_edit.value(),
            working_time_percent=self.time_spin.value(),
            is_new=self.new_check.isChecked(),
            person_id=self.holder_edit.value(),
        )

    def delete(self, record_id: uuid.UUID) -> None:
        self._app.organisation.delete_job(record_id)

    def describe(self, row: JobInfo) -> str:
        return row.post


SHOWN_ENTRIES = 200
"""Volunteer time entries listed (the newest); the report sums all of them in SQL."""


class VolunteersTab(RecordTab[VolunteerTimeInfo]):
    list_title = N_("Temps de bénévolat")
    form_title = N_("Ajouter du temps")
    stretch_column = 2
    model_class = VolunteerTimeModel

    # Hours a rota shift's « Fait » wrote: deleting them puts the shift back to « Prévu ».
    written = (Topic.REPORT_RECORDS, Topic.ROTA)

    def build_form(self, form: QFormLayout, parent: QWidget) -> None:
        self.date_edit = date_edit(parent, place_today(self._site.zone))
        self.hours_spin = QSpinBox(parent)
        self.hours_spin.setRange(0, 24)
        self.hours_spin.setSuffix(_(" h"))
        self.hours_spin.setValue(2)
        self.minutes_spin = QSpinBox(parent)
        self.minutes_spin.setRange(0, 55)
        self.minutes_spin.setSingleStep(5)
        self.minutes_spin.setSuffix(_(" min"))
        self.activity_edit = QLineEdit(parent)
        self.activity_edit.setMaxLength(120)
        self.activity_edit.setPlaceholderText(_("accueil, atelier, épicerie…"))
        self.person_edit = PersonEdit(self._app, self._site.id, parent)
        self.person_edit.setPlaceholderText(_("facultatif"))
        add_row(form, _("&Date :"), self.date_edit)
        add_row(form, _("D&urée :"), self.hours_spin)
        add_row(form, _("&Minutes :"), self.minutes_spin)
        add_row(form, _("Ac&tivité :"), self.activity_edit)
        add_row(form, _("&Bénévole :"), self.person_edit)

    def load(self) -> list[VolunteerTimeInfo]:
        # The latest entries only: ten years of a place are thousands of lines.
        rows = self._app.organisation.list_volunteer_time(self._site.id, limit=SHOWN_ENTRIES)
        self.list_box.setTitle(
            ngettext(
                "Temps de bénévolat ({n} saisie la plus récente)",
                "Temps de bénévolat ({n} saisies les plus récentes)",
                len(rows),
            ).format(n=len(rows))
            if len(rows) >= SHOWN_ENTRIES
            else _(self.list_title)
        )
        return rows

    def fill(self, row: VolunteerTimeInfo | None) -> None:
        # Entries are added, not edited: a chosen row only pre-fills the next one.
        self.date_edit.setDate(to_qdate(row.on_date if row else place_today(self._site.zone)))
        self.hours_spin.setValue(row.minutes // 60 if row else 2)
        self.minutes_spin.setValue(row.minutes % 60 if row else 0)
        self.activity_edit.setText(row.activity if row else "")
        self.person_edit.set_value(row.person_id if row else None)
        self.date_edit.setFocus()

    def save(self, record_id: uuid.UUID | None) -> VolunteerTimeInfo:
        return self._app.organisation.add_volunteer_time(
            self._site.id,
            on_date=to_date(self.date_edit.date()),
            minutes=self.hours_spin.value() * 60 + self.minutes_spin.value(),
            activity=self.activity_edit.text(),
            person_id=self.person_edit.value(),
        )

    def delete(self, record_id: uuid.UUID) -> None:
        self._app.organisation.delete_volunteer_time(record_id)

    def describe(self, row: VolunteerTimeInfo) -> str:
        return _("{duration} le {day}").format(
            duration=format_value(row.minutes / 60, "hours"), day=format_date(row.on_date)
        )
