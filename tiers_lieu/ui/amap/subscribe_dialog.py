"""« Inscrire un foyer »: a household (found by type-ahead or registered on the spot) takes a
basket type and quantity; a solidarity basket says who referred the household and until when.

The service decides whether the household gets a place or joins the waiting list; the dialog
only says which happened.
"""

from __future__ import annotations

import uuid
from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import ValidationError
from tiers_lieu.i18n import _, format_eur
from tiers_lieu.services.amap import ContractInfo
from tiers_lieu.services.people_search import PersonInfo
from tiers_lieu.ui.common import to_date, to_qdate
from tiers_lieu.ui.date_range import bounded
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.person_dialog import NewPersonDialog
from tiers_lieu.ui.pickers import PersonEdit


class SubscribeDialog(QDialog):
    subscribed = Signal(object)
    """Carries the new :class:`SubscriptionInfo` (active or waiting)."""

    def __init__(
        self,
        app: Comptoir,
        contract: ContractInfo,
        parent: QWidget | None = None,
        *,
        today: date,
    ) -> None:
        super().__init__(parent)
        self._app = app
        self._contract = contract
        self.setWindowTitle(_("Inscrire un foyer — {contract}").format(contract=contract.name))
        self.person = PersonEdit(app, contract.site_id, self)
        self.new_person = QPushButton(_("&Nouvelle personne…"), self)
        self.new_person.clicked.connect(self.on_new_person_clicked)
        person_row = QHBoxLayout()
        person_row.addWidget(self.person, 1)
        person_row.addWidget(self.new_person)
        self.basket = QComboBox(self)
        for basket in contract.basket_types:
            text = _("{name} — {price}").format(
                name=basket.name, price=format_eur(basket.price_cents)
            )
            if basket.solidarity_price_cents is not None:
                text += _(" (solidaire {price})").format(
                    price=format_eur(basket.solidarity_price_cents)
                )
            self.basket.addItem(text, basket.id)
        self.quantity = QSpinBox(self)
        self.quantity.setRange(1, 20)
        start = max(today, contract.season_start)
        self.start = bounded(QDateEdit(to_qdate(start), self))
        self.start.setCalendarPopup(True)
        self.start.setDisplayFormat("dd/MM/yyyy")
        self.solidarity = QCheckBox(_("Panier &solidaire (prix réduit)"), self)
        self.referred_by = QLineEdit(self)
        self.referred_by.setMaxLength(120)
        self.referred_by.setPlaceholderText(_("par exemple : CCAS, assistante sociale"))
        end = contract.season_end
        self.until = bounded(QDateEdit(to_qdate(end), self))
        self.until.setCalendarPopup(True)
        self.until.setDisplayFormat("dd/MM/yyyy")
        self.solidarity.toggled.connect(self.on_solidarity_toggled)
        self.on_solidarity_toggled(False)

        form = QFormLayout()
        form.addRow(_("&Foyer :"), person_row)
        form.addRow(_("&Panier :"), self.basket)
        form.addRow(_("&Quantité :"), self.quantity)
        form.addRow(_("À partir du :"), self.start)
        form.addRow("", self.solidarity)
        form.addRow(_("&Orienté par :"), self.referred_by)
        form.addRow(_("Éligible &jusqu'au :"), self.until)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.on_save_clicked)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.resize(560, self.sizeHint().height())

    def on_solidarity_toggled(self, checked: bool) -> None:
        self.referred_by.setEnabled(checked)
        self.until.setEnabled(checked)

    def on_new_person_clicked(self) -> None:
        dialog = NewPersonDialog(
            self._app,
            self._contract.site_id,
            self,
            kinds=["amap"],
            name=self.person.text(),
        )
        dialog.person_created.connect(self.on_person_created)
        dialog.exec()

    def on_person_created(self, person: PersonInfo) -> None:
        self.person.set_value(person.id)

    def on_save_clicked(self) -> None:
        person_id = self.person.value()
        basket_id = self.basket.currentData()
        try:
            if person_id is None:
                raise ValidationError(_("Foyer"), _("choisissez une personne ou créez-la"))
            if not isinstance(basket_id, uuid.UUID):
                raise ValidationError(_("Panier"), _("ce contrat n'a pas encore de panier"))
            subscription = self._app.amap.subscriptions.subscribe(
                contract_id=self._contract.id,
                person_id=person_id,
                basket_type_id=basket_id,
                quantity=self.quantity.value(),
                start_date=to_date(self.start.date()),
                solidarity=self.solidarity.isChecked(),
                referred_by=self.referred_by.text(),
                eligible_until=to_date(self.until.date()) if self.solidarity.isChecked() else None,
            )
        except Exception as exc:  # expected ones shown, unexpected ones also logged
            show_error(self, exc, _("Inscription non enregistrée"))
            return
        self.subscribed.emit(subscription)
        self.accept()
