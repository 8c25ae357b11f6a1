"""The forms acting on an issued invoice: a credit note (all of it, or an amount at one of
its VAT rates) and a payment received against it.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import ComptoirError
from tiers_lieu.i18n import _, format_eur
from tiers_lieu.models.enums import PaymentMethod
from tiers_lieu.services.grocery.labels import method_label, vat_label
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.services.till.invoices import InvoiceInfo, LineInput, PaymentInput
from tiers_lieu.ui.amounts import cents_text, parse_cents
from tiers_lieu.ui.common import dialog_buttons, to_date, today_qdate
from tiers_lieu.ui.date_range import bounded
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.money.invoice_fields import _date_edit


class CreditDialog(QDialog):
    """A credit note for an issued invoice: all of it, or an amount."""

    def __init__(self, app: Comptoir, invoice: InvoiceInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._app = app
        self._invoice = invoice
        self.saved: InvoiceInfo | None = None
        number = invoice.row.number or ""
        self.setWindowTitle(_("Avoir sur la facture {number}").format(number=number))
        left = invoice.row.total_cents - invoice.row.credited_cents
        self.whole = QRadioButton(
            _("&Toute la facture ({amount})").format(amount=format_eur(invoice.row.total_cents)),
            self,
        )
        self.part = QRadioButton(_("&Une partie :"), self)
        self.whole.setChecked(invoice.row.credited_cents == 0)
        self.whole.setEnabled(invoice.row.credited_cents == 0)
        self.part.setChecked(invoice.row.credited_cents > 0)
        self.description = QLineEdit(
            _("Avoir partiel sur la facture {number}").format(number=number), self
        )
        self.description.setMaxLength(300)
        self.amount = QLineEdit(self)
        self.amount.setPlaceholderText(
            _("hors TVA ; reste {left} TTC").format(left=format_eur(left))
        )
        self.rate = QComboBox(self)
        rates = sorted({line.vat_rate_bp for line in invoice.lines}, reverse=True) or [0]
        for rate in rates:
            self.rate.addItem(vat_label(rate), rate)
        self.rate.setEnabled(len(rates) > 1)
        form = QFormLayout()
        form.addRow(self.whole)
        form.addRow(self.part)
        form.addRow(_("&Désignation :"), self.description)
        form.addRow(_("&Montant :"), self.amount)
        form.addRow(_("Taux de T&VA :"), self.rate)
        note = QLabel(
            _(
                "L'avoir reçoit le numéro suivant (A…) et ne pourra plus être modifié. "
                "La facture reste telle qu'elle a été émise."
            ),
            self,
        )
        note.setWordWrap(True)
        buttons = QDialogButtonBox(self)
        buttons.addButton(_("Émettre l'avoir"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)

    def lines(self) -> tuple[LineInput, ...] | None:
        if self.whole.isChecked():
            return None
        amount = parse_cents(self.amount.text(), _("Montant"))
        assert amount is not None
        return (
            LineInput(
                description=self.description.text(),
                unit_price_cents=amount,
                vat_rate_bp=int(self.rate.currentData() or 0),
            ),
        )

    def accept(self) -> None:
        try:
            self.saved = self._app.invoices.credit(self._invoice.id, lines=self.lines())
        except ComptoirError as exc:
            show_error(self, exc, _("Avoir non émis"))
            return
        super().accept()


class PaymentDialog(QDialog):
    """Money received against an issued invoice."""

    def __init__(
        self, app: Comptoir, site: SiteInfo, invoice: InvoiceInfo, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._app = app
        self._invoice = invoice
        self.saved: InvoiceInfo | None = None
        self.setWindowTitle(
            _("Paiement de la facture {number}").format(number=invoice.row.number or "")
        )
        self.amount = QLineEdit(cents_text(max(invoice.row.due_cents, 0)), self)
        self.method = QComboBox(self)
        for method in (
            PaymentMethod.TRANSFER,
            PaymentMethod.CHEQUE,
            PaymentMethod.CARD,
            PaymentMethod.CASH,
        ):
            self.method.addItem(method_label(method), str(method))
        self.paid_on = _date_edit(bounded(QDateEdit(today_qdate(site.zone), self)))
        self.reference = QLineEdit(self)
        self.reference.setMaxLength(60)
        self.reference.setPlaceholderText(_("n° de chèque, libellé du virement…"))
        form = QFormLayout()
        form.addRow(
            QLabel(_("Reste à payer : {due}").format(due=format_eur(invoice.row.due_cents)), self)
        )
        form.addRow(_("&Montant :"), self.amount)
        form.addRow(_("Mo&yen :"), self.method)
        form.addRow(_("&Date :"), self.paid_on)
        form.addRow(_("&Référence :"), self.reference)
        buttons = dialog_buttons(self)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)
        self.amount.selectAll()

    def accept(self) -> None:
        try:
            amount = parse_cents(self.amount.text(), _("Montant"))
            assert amount is not None
            self.saved = self._app.invoices.record_payment(
                self._invoice.id,
                PaymentInput(
                    amount_cents=amount,
                    method=str(self.method.currentData()),
                    paid_on=to_date(self.paid_on.date()),
                    reference=self.reference.text(),
                ),
            )
        except ComptoirError as exc:
            show_error(self, exc, _("Paiement non enregistré"))
            return
        super().accept()
