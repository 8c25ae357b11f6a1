"""The dialogs of « Dons et reçus »: recording a gift (or correcting one before its
receipt), issuing its tax receipt with the donor as the receipt will name them, and choosing
the membership whose fee a receipt is for; the donor's name and address fields they share.
"""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
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
from tiers_lieu.errors import ValidationError
from tiers_lieu.i18n import _, format_date, format_eur
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.services.till.donations import (
    CASH,
    FORMS,
    METHODS,
    DonationInfo,
    DonationInput,
    DonorInput,
)
from tiers_lieu.ui.amounts import cents_text, parse_cents
from tiers_lieu.ui.common import dialog_buttons, to_date, to_qdate, today_qdate
from tiers_lieu.ui.date_range import bounded
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.pickers import PersonEdit

__all__ = ["DonationDialog", "DonorFields", "IssueDialog", "MembershipReceiptDialog"]


class DonorFields:
    """The donor's name and address fields, shared by the gift and the receipt dialogs."""

    def __init__(self, parent: QWidget, form: QFormLayout) -> None:
        self.last_name = QLineEdit(parent)
        self.last_name.setMaxLength(120)
        self.first_name = QLineEdit(parent)
        self.first_name.setMaxLength(80)
        self.address = QLineEdit(parent)
        self.address.setMaxLength(250)
        self.address.setPlaceholderText(_("numéro et rue (le reçu fiscal l'exige)"))
        self.postal_code = QLineEdit(parent)
        self.postal_code.setMaxLength(5)
        self.postal_code.setMaximumWidth(90)
        self.city = QLineEdit(parent)
        self.city.setMaxLength(120)
        form.addRow(_("&Nom ou raison sociale"), self.last_name)
        form.addRow(_("Préno&m"), self.first_name)
        form.addRow(_("A&dresse"), self.address)
        form.addRow(_("Code p&ostal"), self.postal_code)
        form.addRow(_("&Commune"), self.city)

    def show_donation(self, donation: DonationInfo) -> None:
        """The donor as the gift recorded them."""
        d = donation.donor
        self.fill(
            DonorInput(
                last_name=d.last_name,
                first_name=d.first_name,
                address=d.address,
                postal_code=d.postal_code,
                city=d.city,
            )
        )

    def fill(self, donor: DonorInput) -> None:
        self.last_name.setText(donor.last_name)
        self.first_name.setText(donor.first_name)
        if donor.address or not self.address.text():
            self.address.setText(donor.address)
        if donor.postal_code or not self.postal_code.text():
            self.postal_code.setText(donor.postal_code)
        if donor.city:
            self.city.setText(donor.city)

    def value(self, person_id: uuid.UUID | None, company: bool) -> DonorInput:
        return DonorInput(
            person_id=person_id,
            last_name=self.last_name.text(),
            first_name=self.first_name.text(),
            address=self.address.text(),
            postal_code=self.postal_code.text(),
            city=self.city.text(),
            company=company,
        )


class DonationDialog(QDialog):
    """« Enregistrer un don… » (or correct one whose receipt is not issued)."""

    def __init__(
        self,
        app: Comptoir,
        site: SiteInfo,
        parent: QWidget | None = None,
        *,
        donation: DonationInfo | None = None,
    ) -> None:
        super().__init__(parent)
        self._app = app
        self._site = site
        self._donation = donation
        self.saved: DonationInfo | None = None
        self.setWindowTitle(_("Modifier le don") if donation else _("Enregistrer un don"))
        form = QFormLayout()
        self.person = PersonEdit(app, site.id, self)
        self.person.setPlaceholderText(_("tapez un nom pour chercher, ou laissez vide"))
        self.person.value_changed.connect(self.on_person_chosen)
        form.addRow(_("&Personne inscrite"), self.person)
        self.donor = DonorFields(self, form)
        self.company = QCheckBox(_("Entreprise (personne mora&le)"), self)
        form.addRow("", self.company)
        self.form = QComboBox(self)
        for key, label in FORMS.items():
            self.form.addItem(_(label), key)
        self.form.currentIndexChanged.connect(self.on_form_changed)
        form.addRow(_("&Forme du don"), self.form)
        self.amount = QLineEdit(self)
        self.amount.setPlaceholderText(_("en euros, ou la valeur estimée d'un don en nature"))
        form.addRow(_("Mon&tant ou valeur"), self.amount)
        self.received_on = bounded(QDateEdit(self))
        self.received_on.setCalendarPopup(True)
        self.received_on.setDate(today_qdate(site.zone))
        form.addRow(_("&Reçu le"), self.received_on)
        self.method = QComboBox(self)
        for key, label in METHODS.items():
            self.method.addItem(_(label), str(key))
        form.addRow(_("Mode de &versement"), self.method)
        self.description = QLineEdit(self)
        self.description.setMaxLength(300)
        self.description.setPlaceholderText(_("ce qui a été donné (don en nature), ou une note"))
        form.addRow(_("D&escription"), self.description)
        buttons = dialog_buttons(self, self.save, save=False)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        if donation is not None:
            self._show(donation)
        self.on_form_changed()

    def _show(self, donation: DonationInfo) -> None:
        if donation.person_id is not None:
            self.person.set_value(donation.person_id)
        d = donation.donor
        self.donor.show_donation(donation)
        self.company.setChecked(d.company)
        self.form.setCurrentIndex(max(0, self.form.findData(donation.form)))
        self.amount.setText(cents_text(donation.amount_cents))
        day = donation.received_on
        self.received_on.setDate(to_qdate(day))
        if donation.method:
            self.method.setCurrentIndex(max(0, self.method.findData(donation.method)))
        self.description.setText(donation.description)

    def on_person_chosen(self, person_id: object) -> None:
        if not isinstance(person_id, uuid.UUID):
            return
        try:
            known = self._app.donations.donor_from_person(self._site.id, person_id)
        except Exception as exc:
            show_error(self, exc)
            return
        self.donor.fill(known)

    def on_form_changed(self, *_args: object) -> None:
        self.method.setEnabled(self.form.currentData() == CASH)

    def value(self) -> DonationInput:
        cents = parse_cents(self.amount.text(), _("Montant ou valeur"), optional=True)
        form = str(self.form.currentData())
        return DonationInput(
            donor=self.donor.value(self.person.value(), self.company.isChecked()),
            amount_cents=cents or 0,
            received_on=to_date(self.received_on.date()),
            form=form,
            method=str(self.method.currentData()),
            description=self.description.text(),
        )

    def save(self) -> None:
        try:
            data = self.value()
            if self._donation is None:
                self.saved = self._app.donations.record(self._site.id, data)
            else:
                self.saved = self._app.donations.update(self._donation.id, data)
        except Exception as exc:
            show_error(self, exc)
            return
        self.accept()


class IssueDialog(QDialog):
    """« Établir le reçu fiscal… »: the donor as the receipt will name them, the signatory's
    quality; once issued, nothing of the gift can change."""

    def __init__(self, app: Comptoir, donation: DonationInfo, parent: QWidget | None = None):
        super().__init__(parent)
        self._app = app
        self._donation = donation
        self.issued: Any = None
        self.setWindowTitle(_("Établir le reçu fiscal"))
        intro = QLabel(
            _(
                "Don de {amount} reçu le {day}. Le reçu prend le numéro suivant de l'année ; "
                "une fois établi, ni le don ni le reçu ne peuvent plus changer."
            ).format(
                amount=format_eur(donation.amount_cents),
                day=format_date(donation.received_on, "long"),
            ),
            self,
        )
        intro.setWordWrap(True)
        form = QFormLayout()
        self.donor = DonorFields(self, form)
        self.donor.show_donation(donation)
        self.quality = QLineEdit(self)
        self.quality.setMaxLength(80)
        self.quality.setPlaceholderText(_("Président·e, Trésorier·e…"))
        form.addRow(_("&Qualité du signataire"), self.quality)
        buttons = dialog_buttons(self, self.issue, save=False)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("É&tablir le reçu"))
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def issue(self) -> None:
        try:
            self.issued = self._app.donations.issue_receipt(
                self._donation.id,
                donor=self.donor.value(self._donation.person_id, self._donation.donor.company),
                signatory_quality=self.quality.text(),
            )
        except Exception as exc:
            show_error(self, exc)
            return
        self.accept()


class MembershipReceiptDialog(QDialog):
    """« Reçu de cotisation… »: a member, then one of their memberships with a fee paid."""

    def __init__(self, app: Comptoir, site: SiteInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._app = app
        self._site = site
        self.membership_id: uuid.UUID | None = None
        self.setWindowTitle(_("Reçu de cotisation"))
        form = QFormLayout()
        self.person = PersonEdit(app, site.id, self)
        self.person.setPlaceholderText(_("tapez un nom pour chercher"))
        self.person.value_changed.connect(self.on_person_chosen)
        form.addRow(_("&Adhérent·e"), self.person)
        self.memberships = QComboBox(self)
        form.addRow(_("A&dhésion"), self.memberships)
        buttons = dialog_buttons(self, self.choose, save=False)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def on_person_chosen(self, person_id: object) -> None:
        self.memberships.clear()
        if not isinstance(person_id, uuid.UUID):
            return
        try:
            paid = self._app.donations.memberships_paid(self._site.id, person_id)
        except Exception as exc:
            show_error(self, exc)
            return
        for m in paid:
            self.memberships.addItem(
                _("du {start} au {end} — {amount}").format(
                    start=format_date(m.start_date),
                    end=format_date(m.end_date),
                    amount=format_eur(m.paid_cents),
                ),
                m.id,
            )

    def choose(self) -> None:
        index = self.memberships.currentIndex()
        if index < 0:
            show_error(
                self,
                ValidationError(
                    _("Adhésion"), _("choisissez un·e adhérent·e dont la cotisation est payée")
                ),
            )
            return
        self.membership_id = self.memberships.currentData()
        self.accept()
