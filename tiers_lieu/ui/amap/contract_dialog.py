"""« Nouveau contrat AMAP »: the producer, the season, the distribution day and hours, the
payment schedule, absences allowed and capacity, with its first basket type; « Modifier le
contrat AMAP » shows the same fields filled (the basket types are corrected on their own,
:class:`BasketDialog`); both offer to delete what they correct (:data:`DELETE`). What a
correction may change is the service's to say
(:meth:`~tiers_lieu.services.amap.contracts.ContractService.update_contract`).

Prices are typed in euros (« 12,50 ») and handed to the services in cents.
"""

from __future__ import annotations

import uuid
from datetime import date, time

from PySide6.QtCore import QDate, QTime, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import ValidationError
from tiers_lieu.i18n import _, weekday_name
from tiers_lieu.models.enums import PaymentSchedule
from tiers_lieu.services.amap.common import SCHEDULE_LABELS, label
from tiers_lieu.services.amap.contracts import BasketTypeInfo, ContractInfo, ContractInput
from tiers_lieu.ui.amounts import cents_text, parse_cents
from tiers_lieu.ui.common import dialog_buttons, to_date, to_qdate, to_time
from tiers_lieu.ui.date_range import bounded
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.visits.common import find_data

DELETE = 2
"""What :meth:`QDialog.exec` returns when the deletion button of a correcting dialog was
chosen (the tab asks, then deletes)."""


def deletion_button(dialog: QDialog, buttons: QDialogButtonBox, text: str) -> QPushButton:
    button = buttons.addButton(text, QDialogButtonBox.ButtonRole.DestructiveRole)
    button.clicked.connect(lambda: dialog.done(DELETE))
    return button


class ContractDialog(QDialog):
    contract_saved = Signal(object)
    """The contract as saved (:class:`ContractInfo`), new or corrected."""

    def __init__(
        self,
        app: Comptoir,
        site_id: uuid.UUID,
        parent: QWidget | None = None,
        *,
        today: date,
        contract: ContractInfo | None = None,
    ) -> None:
        super().__init__(parent)
        self._app = app
        self._site_id = site_id
        self._contract = contract
        self.setWindowTitle(
            _("Nouveau contrat AMAP") if contract is None else _("Modifier le contrat AMAP")
        )
        self.producer = QComboBox(self)
        for producer in app.grocery.producers.list(site_id=site_id):
            self.producer.addItem(producer.name, producer.id)
        self.name = QLineEdit(self)
        self.name.setMaxLength(120)
        self.name.setPlaceholderText(_("par exemple : Légumes bio — été"))
        year = today.year
        self.start = bounded(QDateEdit(QDate(year, 4, 1), self))
        self.end = bounded(QDateEdit(QDate(year, 10, 31), self))
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd/MM/yyyy")
        self.weekday = QComboBox(self)
        for day in range(7):
            self.weekday.addItem(weekday_name(day), day)
        self.weekday.setCurrentIndex(3)
        self.start_time = QTimeEdit(QTime(17, 0), self)
        self.end_time = QTimeEdit(QTime(19, 0), self)
        self.schedule = QComboBox(self)
        for value in PaymentSchedule:
            self.schedule.addItem(label(SCHEDULE_LABELS, value), value.value)
        self.absences = QSpinBox(self)
        self.absences.setRange(0, 52)
        self.absences.setValue(2)
        self.capacity = QSpinBox(self)
        self.capacity.setRange(0, 999)
        self.capacity.setSpecialValueText(_("sans limite"))
        self.capacity.setValue(0)
        self.basket_name = QLineEdit(_("Panier"), self)
        self.basket_price = QLineEdit(self)
        self.basket_price.setPlaceholderText(_("12,00"))
        self.basket_solidarity = QLineEdit(self)
        self.basket_solidarity.setPlaceholderText(_("facultatif, par exemple 6,00"))

        form = QFormLayout()
        form.addRow(_("&Producteur :"), self.producer)
        form.addRow(_("&Nom du contrat :"), self.name)
        form.addRow(_("&Début de saison :"), self.start)
        form.addRow(_("&Fin de saison :"), self.end)
        form.addRow(_("&Jour de distribution :"), self.weekday)
        form.addRow(_("De :"), self.start_time)
        form.addRow(_("À :"), self.end_time)
        form.addRow(_("Pai&ement :"), self.schedule)
        form.addRow(_("&Absences prévues :"), self.absences)
        form.addRow(_("&Capacité (foyers) :"), self.capacity)
        form.addRow(_("&Type de panier :"), self.basket_name)
        form.addRow(_("P&rix (€) :"), self.basket_price)
        form.addRow(_("Prix &solidaire (€) :"), self.basket_solidarity)
        if contract is not None:
            self._fill(contract)
            for field in (self.basket_name, self.basket_price, self.basket_solidarity):
                form.setRowVisible(field, False)
        buttons = dialog_buttons(self, self.on_save_clicked)
        if contract is not None:
            deletion_button(self, buttons, _("Supprimer ce contrat…"))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def _fill(self, contract: ContractInfo) -> None:
        index = find_data(self.producer, contract.producer_id)  # findData misses UUIDs
        if index < 0:  # a producer no longer listed stays the contract's
            self.producer.addItem(contract.producer_name, contract.producer_id)
            index = self.producer.count() - 1
        self.producer.setCurrentIndex(index)
        self.name.setText(contract.name)
        self.start.setDate(to_qdate(contract.season_start))
        self.end.setDate(to_qdate(contract.season_end))
        self.weekday.setCurrentIndex(self.weekday.findData(contract.weekday))
        self.start_time.setTime(QTime(contract.start_time.hour, contract.start_time.minute))
        self.end_time.setTime(QTime(contract.end_time.hour, contract.end_time.minute))
        self.schedule.setCurrentIndex(max(0, self.schedule.findData(contract.payment_schedule)))
        self.absences.setValue(contract.max_absences)
        self.capacity.setValue(contract.capacity or 0)

    def _input(self) -> ContractInput:
        producer_id = self.producer.currentData()
        if not isinstance(producer_id, uuid.UUID):
            raise ValidationError(
                _("Producteur"), _("ajoutez d'abord le producteur dans « Épicerie »")
            )
        start, end = to_time(self.start_time.time()), to_time(self.end_time.time())
        return ContractInput(
            producer_id=producer_id,
            name=self.name.text(),
            season_start=to_date(self.start.date()),
            season_end=to_date(self.end.date()),
            weekday=int(self.weekday.currentData()),
            start_time=start or time(17, 0),
            end_time=end,
            payment_schedule=str(self.schedule.currentData()),
            max_absences=self.absences.value(),
            capacity=self.capacity.value() or None,
        )

    def on_save_clicked(self) -> None:
        contracts = self._app.amap.contracts
        try:
            data = self._input()
            if self._contract is not None:
                saved = contracts.update_contract(self._contract.id, data)
            else:
                price = parse_cents(self.basket_price.text(), _("Prix"))
                solidarity = parse_cents(
                    self.basket_solidarity.text(), _("Prix solidaire"), optional=True
                )
                assert price is not None
                contract = contracts.create_contract(self._site_id, data)
                contracts.add_basket_type(
                    contract_id=contract.id,
                    name=self.basket_name.text(),
                    price_cents=price,
                    solidarity_price_cents=solidarity,
                )
                saved = contracts.get(contract.id)
        except Exception as exc:  # expected ones shown, unexpected ones also logged
            show_error(self, exc, _("Contrat non enregistré"))
            return
        self.contract_saved.emit(saved)
        self.accept()


class BasketDialog(QDialog):
    """A basket type's name, price and solidarity price, new or corrected; :attr:`values`
    once accepted (the prices in cents)."""

    def __init__(
        self, parent: QWidget | None = None, *, basket: BasketTypeInfo | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(
            _("Nouveau type de panier") if basket is None else _("Modifier le type de panier")
        )
        self.values: tuple[str, int, int | None] | None = None
        self.name = QLineEdit(_("Panier") if basket is None else basket.name, self)
        self.name.setMaxLength(60)
        self.price = QLineEdit(self)
        self.price.setPlaceholderText(_("12,00"))
        self.solidarity = QLineEdit(self)
        self.solidarity.setPlaceholderText(_("facultatif, par exemple 6,00"))
        if basket is not None:
            self.price.setText(cents_text(basket.price_cents))
            self.solidarity.setText(cents_text(basket.solidarity_price_cents))
        form = QFormLayout()
        form.addRow(_("&Nom du panier :"), self.name)
        form.addRow(_("&Prix (€) :"), self.price)
        form.addRow(_("Prix &solidaire (€) :"), self.solidarity)
        buttons = dialog_buttons(self, self.on_save_clicked)
        if basket is not None:
            deletion_button(self, buttons, _("Supprimer ce type de panier…"))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def on_save_clicked(self) -> None:
        try:
            price = parse_cents(self.price.text(), _("Prix"))
            assert price is not None
            solidarity = parse_cents(self.solidarity.text(), _("Prix solidaire"), optional=True)
        except Exception as exc:  # expected ones shown, unexpected ones also logged
            show_error(self, exc, _("Panier non enregistré"))
            return
        self.values = (self.name.text(), price, solidarity)
        self.accept()
