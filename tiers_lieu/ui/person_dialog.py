"""« Nouvelle personne »: register someone in a few seconds from the form that needs them (a
booking, a household of the AMAP, a buyer at the solidarity price).

Only the minimum is asked, with the consent question said plainly; the full register of people
(memberships, GDPR rights) is its own section. « Solidaire jusqu'au », ticked, marks a household
referred for the solidarity price up to a date (the end of its attestation): after it the till
no longer applies the price and the register lists it « à revoir ».
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import Signal
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
from tiers_lieu.services.people import PersonInput
from tiers_lieu.services.people_search import PersonInfo
from tiers_lieu.ui.common import to_date, today_qdate
from tiers_lieu.ui.date_range import bounded
from tiers_lieu.ui.errors import show_error


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
        form = QFormLayout()
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
