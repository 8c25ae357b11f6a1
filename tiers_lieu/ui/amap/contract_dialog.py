"""« Nouveau contrat AMAP »: the producer, the season, the distribution day and hours, the
payment schedule, absences allowed and capacity, with its first basket types.

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
from tiers_lieu.services.amap.contracts import ContractInput
from tiers_lieu.ui.amounts import parse_cents
from tiers_lieu.ui.common import to_date, to_time
from tiers_lieu.ui.date_range import bounded
from tiers_lieu.ui.errors import show_error


class ContractDialog(QDialog):
    contract_created = Signal(object)

    def __init__(
        self,
        app: Comptoir,
        site_id: uuid.UUID,
        parent: QWidget | None = None,
        *,
        today: date,
    ) -> None:
        super().__init__(parent)
        self._app = app
        self._site_id = site_id
        self.setWindowTitle(_("Nouveau contrat AMAP"))
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
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.on_save_clicked)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def on_save_clicked(self) -> None:
        producer_id = self.producer.currentData()
        try:
            if not isinstance(producer_id, uuid.UUID):
                raise ValidationError(
                    _("Producteur"), _("ajoutez d'abord le producteur dans « Épicerie »")
                )
            price = parse_cents(self.basket_price.text(), _("Prix"))
            solidarity = parse_cents(
                self.basket_solidarity.text(), _("Prix solidaire"), optional=True
            )
            assert price is not None
            start, end = to_time(self.start_time.time()), to_time(self.end_time.time())
            contract = self._app.amap.contracts.create_contract(
                self._site_id,
                ContractInput(
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
                ),
            )
            self._app.amap.contracts.add_basket_type(
                contract_id=contract.id,
                name=self.basket_name.text(),
                price_cents=price,
                solidarity_price_cents=solidarity,
            )
        except Exception as exc:  # expected ones shown, unexpected ones also logged
            show_error(self, exc, _("Contrat non enregistré"))
            return
        self.contract_created.emit(self._app.amap.contracts.get(contract.id))
        self.accept()
