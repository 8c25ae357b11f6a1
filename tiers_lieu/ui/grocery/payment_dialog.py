"""The payment of a sale, by keyboard: the amount handed over per method, what is missing or
the change to give back, live.

Cash is where the cursor starts (type « 10 », Entrée). F2 to F5 put what is still due on the
card, a cheque, a transfer or a food voucher, so a split payment (5 € of voucher, the rest by
card) is « 5 » in the voucher field then F2. The dialog only collects amounts; the sale
service checks them again and records everything in one transaction.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.i18n import _, format_eur
from tiers_lieu.models.enums import PaymentMethod
from tiers_lieu.services.grocery.sales import PaymentInput
from tiers_lieu.ui.common import add_shortcut
from tiers_lieu.ui.grocery.common import cents_text, parse_cents

_KEYS = (
    (PaymentMethod.CASH, None),
    (PaymentMethod.CARD, "F2"),
    (PaymentMethod.CHEQUE, "F3"),
    (PaymentMethod.TRANSFER, "F4"),
    (PaymentMethod.VOUCHER, "F5"),
)


class PaymentDialog(QDialog):
    def __init__(self, total_cents: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Paiement"))
        self._total = total_cents
        self.fields: dict[str, QLineEdit] = {}
        layout = QVBoxLayout(self)
        title = QLabel(_("À payer : {total}").format(total=format_eur(total_cents)), self)
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 2)
        font.setBold(True)
        title.setFont(font)
        layout.addWidget(title)
        form = QFormLayout()
        labels = {
            PaymentMethod.CASH: _("&Espèces données"),
            PaymentMethod.CARD: _("&Carte bancaire (F2 : le reste)"),
            PaymentMethod.CHEQUE: _("C&hèque (F3 : le reste)"),
            PaymentMethod.TRANSFER: _("&Virement (F4 : le reste)"),
            PaymentMethod.VOUCHER: _("&Bon alimentaire (F5 : le reste)"),
        }
        for method, key in _KEYS:
            edit = QLineEdit(self)
            edit.setPlaceholderText("0,00")
            edit.setAlignment(Qt.AlignmentFlag.AlignRight)
            edit.textChanged.connect(self.on_amount_changed)
            label = QLabel(labels[method], self)
            label.setBuddy(edit)
            form.addRow(label, edit)
            self.fields[method] = edit
            if key is not None:
                add_shortcut(self, key, partial(self.fill_rest, method))
        layout.addLayout(form)
        self.balance = QLabel(self)
        font = self.balance.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.balance.setFont(font)
        layout.addWidget(self.balance)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(_("Valider la vente"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.fields[PaymentMethod.CASH].setFocus()
        self.on_amount_changed()

    def _paid(self) -> int | None:
        total = 0
        for edit in self.fields.values():
            if not edit.text().strip():
                continue
            cents = parse_cents(edit.text())
            if cents is None:
                return None
            total += cents
        return total

    def fill_rest(self, method: str) -> None:
        """Put what is still due on ``method`` (F2 card, F3 cheque, F4 transfer, F5 voucher)."""
        edit = self.fields[method]
        edit.clear()
        paid = self._paid() or 0
        if paid < self._total:
            edit.setText(cents_text(self._total - paid))
        edit.setFocus()

    def on_amount_changed(self, _text: str = "") -> None:
        paid = self._paid()
        if paid is None:
            self.balance.setText(_("Montant illisible : tapez par exemple 7,35"))
        elif paid < self._total:
            self.balance.setText(
                _("Reste à payer : {amount}").format(amount=format_eur(self._total - paid))
            )
        else:
            self.balance.setText(
                _("Monnaie à rendre : {amount}").format(amount=format_eur(paid - self._total))
            )

    def change_cents(self) -> int:
        return max(0, (self._paid() or 0) - self._total)

    def payments(self) -> list[PaymentInput]:
        """The amounts typed, per method (cash as handed over: the service gives change)."""
        found: list[PaymentInput] = []
        for method, edit in self.fields.items():
            cents = parse_cents(edit.text()) if edit.text().strip() else None
            if cents:
                found.append(PaymentInput(method, cents))
        return found

    def accept(self) -> None:
        paid = self._paid()
        if paid is None or paid < self._total:
            # Enter on an incomplete payment: stay, the balance line says what is missing.
            self.on_amount_changed()
            return
        super().accept()
