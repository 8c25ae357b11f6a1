"""« Dons et reçus »: the gifts received in a year, recording one, issuing its tax receipt
(Cerfa 11580*05) and printing it again, and the receipt of a membership fee.

Keys: Ctrl+N records a gift, Entrée on a row corrects it (before its receipt), Ctrl+R issues the
receipt, Ctrl+P writes the receipt's PDF, Ctrl+M a membership receipt. The list is read off the
GUI thread; a receipt is issued, then its PDF saved where the host chooses.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from enum import IntEnum
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import ValidationError
from tiers_lieu.i18n import _, format_date, format_eur, ngettext, place_today
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.services.till.donations import (
    CASH,
    FORMS,
    METHODS,
    DonationInfo,
    DonationInput,
    DonationList,
    DonorInput,
    form_label,
    method_label,
)
from tiers_lieu.ui.amounts import cents_text, parse_cents
from tiers_lieu.ui.common import (
    StatusLabel,
    add_shortcut,
    ask_pdf_path,
    dialog_buttons,
    make_table,
    to_date,
    today_qdate,
)
from tiers_lieu.ui.data_changed import DataChanged, Topic
from tiers_lieu.ui.date_range import bounded
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.loading import refresh_when_shown
from tiers_lieu.ui.models import ReadModelTable
from tiers_lieu.ui.money.listing import ReadingListTab
from tiers_lieu.ui.ops import run_op
from tiers_lieu.ui.pickers import PersonEdit

__all__ = ["DonationDialog", "DonationsTab", "IssueDialog", "MembershipReceiptDialog"]

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class DonationsModel(ReadModelTable[DonationInfo]):
    class Columns(IntEnum):
        DATE = 0
        DONOR = 1
        FORM = 2
        METHOD = 3
        AMOUNT = 4
        RECEIPT = 5

    def headers(self) -> dict[Any, str]:
        c = self.Columns
        return {
            c.DATE: _("Reçu le"),
            c.DONOR: _("Donateur"),
            c.FORM: _("Forme"),
            c.METHOD: _("Versement"),
            c.AMOUNT: _("Montant"),
            c.RECEIPT: _("Reçu fiscal"),
        }

    def display(self, row: DonationInfo, column: Any) -> str:
        c = self.Columns
        if column == c.DATE:
            return format_date(row.received_on)
        if column == c.DONOR:
            return row.donor.name
        if column == c.FORM:
            return form_label(row.form)
        if column == c.METHOD:
            return method_label(row.method) if row.method else "—"
        if column == c.AMOUNT:
            return format_eur(row.amount_cents)
        if row.receipt_number is None:
            return _("à établir")
        assert row.receipt_issued_on is not None
        return _("n° {number} du {day}").format(
            number=row.receipt_number, day=format_date(row.receipt_issued_on)
        )

    def sort_value(self, row: DonationInfo, column: Any) -> object:
        if column == self.Columns.DATE:
            return row.received_on
        if column == self.Columns.AMOUNT:
            return row.amount_cents
        return self.display(row, column)

    def alignment(self, column: Any) -> Qt.AlignmentFlag:
        if column == self.Columns.AMOUNT:
            return _RIGHT
        return Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


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
        self.received_on.setDate(QDate(day.year, day.month, day.day))
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


class DonationsTab(ReadingListTab[DonationInfo]):
    def __init__(
        self,
        app: Comptoir,
        site: SiteInfo,
        parent: QWidget | None = None,
        *,
        changes: DataChanged | None = None,
    ) -> None:
        super().__init__(parent, changes)
        self._app = app
        self._site = site
        self.year = QSpinBox(self)
        self.year.setRange(2000, 2100)
        self.year.setValue(place_today(site.zone).year)
        self.year.valueChanged.connect(lambda _value: self.refresh())
        year_label = QLabel(_("Dons de l'a&nnée"), self)
        year_label.setBuddy(self.year)
        self.total = QLabel(self)
        top = QHBoxLayout()
        top.addWidget(year_label)
        top.addWidget(self.year)
        top.addStretch(1)
        top.addWidget(self.total)
        self.model = DonationsModel(self)
        self.view = make_table(self.model, self, stretch=DonationsModel.Columns.DONOR)
        self.view.activated.connect(self.edit_selected)
        self.record_button = QPushButton(_("&Enregistrer un don…"), self)
        self.record_button.clicked.connect(self.record)
        add_shortcut(self, "Ctrl+N", self.record, self.record_button)
        self.edit_button = QPushButton(_("&Modifier…"), self)
        self.edit_button.clicked.connect(self.edit_selected)
        self.issue_button = QPushButton(_("Établir le &reçu fiscal…"), self)
        self.issue_button.clicked.connect(self.issue_selected)
        add_shortcut(self, "Ctrl+R", self.issue_selected, self.issue_button)
        self.pdf_button = QPushButton(_("Reçu &PDF…"), self)
        self.pdf_button.clicked.connect(self.pdf_selected)
        add_shortcut(self, "Ctrl+P", self.pdf_selected, self.pdf_button)
        self.membership_button = QPushButton(_("Reçu de &cotisation…"), self)
        self.membership_button.clicked.connect(self.membership_receipt)
        add_shortcut(self, "Ctrl+M", self.membership_receipt, self.membership_button)
        buttons = QHBoxLayout()
        for button in (
            self.record_button,
            self.edit_button,
            self.issue_button,
            self.pdf_button,
            self.membership_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.status = StatusLabel(self, zone=site.zone)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        self.setFocusProxy(self.view)
        self.view.selectionModel().selectionChanged.connect(self.update_buttons)
        self.update_buttons()
        self.shown = refresh_when_shown(self)
        self.changes.watch(self, {Topic.PEOPLE}, self.shown.invalidate)

    # -- reading ------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the year's gifts off the GUI thread (the newer read wins)."""
        year = self.year.value()
        service = self._app.donations
        site_id = self._site.id

        def work(_progress: Callable[[int, int], None]) -> DonationList:
            return service.list_period(site_id, start=date(year, 1, 1), end=date(year, 12, 31))

        self.read(work, self._show)

    def _show(self, listed: DonationList) -> None:
        self.set_rows(listed.rows)
        count = len(listed.rows)
        self.total.setText(
            ngettext("{n} don", "{n} dons", count).format(n=count)
            + " · "
            + _("total {amount}").format(amount=format_eur(listed.total_cents))
            + (" · " + _("liste limitée aux plus récents") if listed.truncated else "")
        )
        self.update_buttons()

    def update_buttons(self, *_args: object) -> None:
        chosen = self.selected()
        self.edit_button.setEnabled(chosen is not None and not chosen.issued)
        self.issue_button.setEnabled(chosen is not None and not chosen.issued)
        self.pdf_button.setEnabled(chosen is not None and chosen.issued)

    # -- writing ------------------------------------------------------------------------
    def record(self) -> None:
        self._open(None)

    def edit_selected(self, *_args: object) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        if chosen.issued:
            self.pdf_selected()
            return
        self._open(chosen)

    def _open(self, donation: DonationInfo | None) -> None:
        dialog = DonationDialog(self._app, self._site, self, donation=donation)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.saved is not None:
            saved = dialog.saved
            if saved.received_on.year != self.year.value():
                self.year.blockSignals(True)
                self.year.setValue(saved.received_on.year)
                self.year.blockSignals(False)
            self.show_write(
                saved.id,
                _("Don de {donor} enregistré : {amount}.").format(
                    donor=saved.donor.name, amount=format_eur(saved.amount_cents)
                ),
            )
        dialog.deleteLater()

    def issue_selected(self) -> None:
        chosen = self.selected()
        if chosen is None or chosen.issued:
            return
        dialog = IssueDialog(self._app, chosen, self)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        receipt = dialog.issued
        dialog.deleteLater()
        if not accepted or receipt is None:
            return
        self.show_write(
            chosen.id,
            _("Reçu fiscal n° {number} établi.").format(number=receipt.number),
        )
        target = self._receipt_path(receipt.number)
        if target is not None:
            self._save_receipt(receipt, target)

    def pdf_selected(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        if not chosen.issued:
            QMessageBox.information(
                self,
                _("Reçu PDF"),
                _(
                    "Le reçu fiscal de ce don n'est pas encore établi : "
                    "« Établir le reçu fiscal… »."
                ),
            )
            return
        target = self._receipt_path(chosen.receipt_number or "")
        if target is None:
            return
        try:  # the duplicate's journal line is written once the file is asked for
            receipt = self._app.donations.receipt_copy(chosen.id)
        except Exception as exc:
            show_error(self, exc)
            return
        self._save_receipt(receipt, target)

    def _receipt_path(self, number: str) -> Path | None:
        name = _("recu-fiscal-{number}.pdf").format(number=number)
        return ask_pdf_path(self, _("Enregistrer le reçu fiscal"), name)

    def _save_receipt(self, receipt: Any, target: Path) -> None:
        from tiers_lieu.reports.documents.tax_receipt import write_tax_receipt

        def work(_progress: Callable[[int, int], None]) -> Path:
            return write_tax_receipt(receipt, target)

        run_op(
            self,
            work,
            lambda path: self.status.confirm(_("Reçu enregistré : {path}").format(path=path)),
            label=_("Préparation du reçu…"),
            on_failure=lambda exc: show_error(self, exc),
        )

    def membership_receipt(self) -> None:
        dialog = MembershipReceiptDialog(self._app, self._site, self)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        membership_id = dialog.membership_id
        dialog.deleteLater()
        if not accepted or membership_id is None:
            return
        from tiers_lieu.reports.documents.tax_receipt import write_membership_receipt

        target = ask_pdf_path(
            self, _("Enregistrer le reçu de cotisation"), _("recu-cotisation.pdf")
        )
        if target is None:
            return
        try:
            receipt = self._app.donations.membership_receipt(membership_id)
        except Exception as exc:
            show_error(self, exc)
            return

        def work(_progress: Callable[[int, int], None]) -> Path:
            return write_membership_receipt(receipt, target)

        run_op(
            self,
            work,
            lambda path: self.status.confirm(
                _("Reçu de cotisation enregistré : {path}").format(path=path)
            ),
            label=_("Préparation du reçu…"),
            on_failure=lambda exc: show_error(self, exc),
        )
