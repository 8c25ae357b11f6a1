"""« Nouvelle personne »: register someone in a few seconds from the form that needs them (a
booking, a household of the AMAP, a buyer at the solidarity price).

Only the minimum is asked, with the consent question said plainly; the full register of people
(memberships, GDPR rights) is its own section. « Solidaire jusqu'au », ticked, marks a household
referred for the solidarity price up to a date (the end of its attestation): after it the till
no longer applies the price and the register lists it « à revoir ».

« Modifier la fiche » is the same form, filled with the person's values (the right to
rectification, a renewed attestation: « Prolonger… » of the review tab).
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import _
from tiers_lieu.services.eligibility import SOLIDARITY_KIND
from tiers_lieu.services.people import KEEP, PersonDetails, PersonInput
from tiers_lieu.services.people_search import PersonInfo
from tiers_lieu.ui.common import to_date, to_qdate, today_qdate
from tiers_lieu.ui.date_range import bounded
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.pickers import CommuneEdit


class NewPersonDialog(QDialog):
    """Emits ``person_created`` with the new :class:`PersonInfo` and closes when saved."""

    person_created = Signal(object)

    def __init__(
        self,
        app: Comptoir,
        site_id: uuid.UUID,
        parent: QWidget | None = None,
        *,
        kinds: list[str] | None = None,
        name: str = "",
    ) -> None:
        super().__init__(parent)
        self._app = app
        self._site_id = site_id
        self._kinds = kinds or []
        self.created: PersonInfo | None = None
        self.setWindowTitle(_("Nouvelle personne"))
        self.first_name = QLineEdit(self)
        self.last_name = QLineEdit(self)
        self.organisation = QLineEdit(self)
        self.phone = QLineEdit(self)
        self.email = QLineEdit(self)
        first, _sep, last = name.strip().partition(" ")
        self.first_name.setText(first)
        self.last_name.setText(last)
        self.solidarity = QCheckBox(_("Solidaire &jusqu'au :"), self)
        self.solidarity.setToolTip(
            _("Foyer orienté pour le tarif solidaire, jusqu'à la fin de son attestation")
        )
        self.solidarity_until = bounded(QDateEdit(today_qdate(app.visits.time_zone(site_id)), self))
        self.solidarity_until.setCalendarPopup(True)
        self.solidarity_until.setEnabled(False)
        self.solidarity.toggled.connect(self.solidarity_until.setEnabled)
        self.consent = QCheckBox(
            _("La personne accepte que ses coordonnées soient gardées pour ces services"), self
        )
        hint = QLabel(
            _(
                "Seul un nom est obligatoire. Sans consentement, la personne est enregistrée "
                "pour ce rendez-vous ; ses coordonnées ne servent à rien d'autre."
            ),
            self,
        )
        hint.setWordWrap(True)
        self.hint = hint
        self.form = form = QFormLayout()
        form.addRow(_("&Prénom :"), self.first_name)
        form.addRow(_("&Nom :"), self.last_name)
        form.addRow(_("&Organisation :"), self.organisation)
        form.addRow(_("&Téléphone :"), self.phone)
        form.addRow(_("&Courriel :"), self.email)
        form.addRow(self.solidarity, self.solidarity_until)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.on_save_clicked)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.consent)
        layout.addWidget(hint)
        layout.addWidget(buttons)

    def on_save_clicked(self) -> None:
        solidarity = self.solidarity.isChecked()
        kinds = [*self._kinds, SOLIDARITY_KIND] if solidarity else self._kinds
        until = to_date(self.solidarity_until.date()) if solidarity else None
        try:
            person = self._app.people.create(
                self._site_id,
                PersonInput(
                    first_name=self.first_name.text(),
                    last_name=self.last_name.text(),
                    organisation=self.organisation.text(),
                    phone=self.phone.text(),
                    email=self.email.text(),
                    kinds=kinds,
                    consent=self.consent.isChecked(),
                    solidarity_until=until,
                ),
            )
        except Exception as exc:
            show_error(self, exc, _("Personne non enregistrée"))
            return
        self.created = person
        self.person_created.emit(person)
        self.accept()


class EditPersonDialog(NewPersonDialog):
    """The same form filled with ``person``'s values, with the commune; saved through
    :meth:`PeopleService.update`. Emits ``person_updated`` with the new :class:`PersonInfo`."""

    person_updated = Signal(object)

    def __init__(
        self,
        app: Comptoir,
        site_id: uuid.UUID,
        person: PersonDetails,
        parent: QWidget | None = None,
    ) -> None:
        info = person.info
        super().__init__(
            app, site_id, parent, kinds=[k for k in person.kinds if k != SOLIDARITY_KIND]
        )
        self._person = person
        self.updated: PersonInfo | None = None
        self.setWindowTitle(_("Modifier la fiche de {name}").format(name=info.display_name))
        self.first_name.setText(info.first_name)
        self.last_name.setText(info.last_name)
        self.organisation.setText(info.organisation)
        self.phone.setText(info.phone)
        self.email.setText(info.email)
        self.commune = CommuneEdit(app, site_id, self)
        self.commune.set_value(info.commune_id)
        self.form.insertRow(5, _("Co&mmune :"), self.commune)
        QWidget.setTabOrder(self.email, self.commune)
        QWidget.setTabOrder(self.commune, self.solidarity)
        self.consent.hide()  # consent has its own dialog, with its purpose
        self.hint.hide()
        solidarity = SOLIDARITY_KIND in person.kinds
        if person.solidarity_until is not None:
            until = person.solidarity_until
            self.solidarity_until.setDate(to_qdate(until))
        self.solidarity.setChecked(solidarity)
        # A household with no end recorded keeps none unless a date is chosen.
        self._date_chosen = False
        self.solidarity_until.dateChanged.connect(self._on_date_changed)

    def _on_date_changed(self, _day: QDate) -> None:
        self._date_chosen = True

    def on_save_clicked(self) -> None:
        solidarity = self.solidarity.isChecked()
        kinds = [*self._kinds, SOLIDARITY_KIND] if solidarity else list(self._kinds)
        no_end_kept = (
            solidarity
            and self._person.solidarity_until is None
            and SOLIDARITY_KIND in self._person.kinds
            and not self._date_chosen
        )
        try:
            commune_id = self.commune.value()
            person = self._app.people.update(
                person_id=self._person.info.id,
                first_name=self.first_name.text(),
                last_name=self.last_name.text(),
                organisation=self.organisation.text(),
                phone=self.phone.text(),
                email=self.email.text(),
                commune_id=commune_id,
                kinds=kinds,
                solidarity_until=(
                    KEEP
                    if no_end_kept
                    else to_date(self.solidarity_until.date())
                    if solidarity
                    else None
                ),
            )
        except Exception as exc:
            show_error(self, exc, _("Fiche non modifiée"))
            return
        self.updated = person
        self.person_updated.emit(person)
        self.accept()
