"""« Adhérents AMAP »: the households of one contract, the payments of the one chosen (ticked
when received, cheques handed to the producer) and the waiting list.

Ending a subscription frees a place: the service promotes the first household waiting, and the
tab says who, so the host can call them.
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import _, place_today
from tiers_lieu.models.enums import PaymentMethod, SubscriptionStatus
from tiers_lieu.services.amap import ContractInfo, SubscriptionInfo
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.amap.subscribe_dialog import SubscribeDialog
from tiers_lieu.ui.amap.table_models import InstalmentsModel, SubscriptionsModel
from tiers_lieu.ui.common import StatusLabel, add_shortcut, make_table, select_id, selected_id
from tiers_lieu.ui.data_changed import DataChanged, Topic, hub_for
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.loading import refresh_when_shown


class MembersTab(QWidget):
    def __init__(
        self,
        app: Comptoir,
        site: SiteInfo,
        parent: QWidget | None = None,
        *,
        changes: DataChanged | None = None,
    ) -> None:
        super().__init__(parent)
        self.changes = hub_for(changes, self)
        self._app = app
        self._site = site
        self._contracts: list[ContractInfo] = []

        self.contract = QComboBox(self)
        self.contract.setMinimumContentsLength(36)
        self.contract.currentIndexChanged.connect(self.on_contract_changed)
        contract_label = QLabel(_("&Contrat :"), self)
        contract_label.setBuddy(self.contract)
        self.subscribe_button = QPushButton(_("I&nscrire un foyer…"), self)
        self.subscribe_button.clicked.connect(self.on_subscribe_clicked)
        self.end_button = QPushButton(_("&Terminer l'abonnement"), self)
        self.end_button.clicked.connect(self.on_end_clicked)
        top = QHBoxLayout()
        top.addWidget(contract_label)
        top.addWidget(self.contract, 1)
        top.addWidget(self.subscribe_button)
        top.addWidget(self.end_button)

        self.subs_model = SubscriptionsModel(self)
        self.subs_view = make_table(
            self.subs_model, self, stretch=SubscriptionsModel.Columns.HOUSEHOLD
        )
        self.subs_view.selectionModel().selectionChanged.connect(self.on_subscription_selected)

        payments = QGroupBox(_("Paiements du foyer"), self)
        self.pay_model = InstalmentsModel(self)
        self.pay_model.zone = self._site.zone
        self.pay_view = make_table(self.pay_model, payments, stretch=InstalmentsModel.Columns.DUE)
        self.pay_view.selectionModel().selectionChanged.connect(self.on_instalment_selected)
        self.received_button = QPushButton(_("Paiement &reçu…"), payments)
        self.received_button.clicked.connect(self.on_received_clicked)
        self.handed_button = QPushButton(_("Remis au &producteur"), payments)
        self.handed_button.clicked.connect(self.on_handed_clicked)
        pay_buttons = QHBoxLayout()
        pay_buttons.addWidget(self.received_button)
        pay_buttons.addWidget(self.handed_button)
        pay_buttons.addStretch(1)
        pay_layout = QVBoxLayout(payments)
        pay_layout.addWidget(self.pay_view, 1)
        pay_layout.addLayout(pay_buttons)

        waiting = QGroupBox(_("Liste d'attente"), self)
        self.wait_model = SubscriptionsModel(self)
        self.wait_view = make_table(
            self.wait_model, waiting, stretch=SubscriptionsModel.Columns.HOUSEHOLD
        )
        for column in (
            SubscriptionsModel.Columns.TOTAL,
            SubscriptionsModel.Columns.RECEIVED,
            SubscriptionsModel.Columns.QUANTITY,
        ):
            self.wait_view.setColumnHidden(column, True)
        wait_layout = QVBoxLayout(waiting)
        wait_layout.addWidget(self.wait_view, 1)

        bottom = QSplitter(Qt.Orientation.Horizontal, self)
        bottom.setChildrenCollapsible(False)
        bottom.addWidget(payments)
        bottom.addWidget(waiting)
        bottom.setStretchFactor(0, 3)
        bottom.setStretchFactor(1, 2)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.subs_view)
        splitter.addWidget(bottom)
        self.status = StatusLabel(self, zone=self._site.zone)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.status)
        add_shortcut(
            self, QKeySequence.StandardKey.New, self.on_subscribe_clicked, self.subscribe_button
        )
        add_shortcut(self, "Ctrl+R", self.on_received_clicked, self.received_button)
        self.shown = refresh_when_shown(self)  # read when first on screen
        self.changes.watch(self, {Topic.AMAP, Topic.PEOPLE}, self.shown.invalidate)

    # -- data ------------------------------------------------------------------------------
    def refresh(self) -> None:
        current = self.contract.currentData()
        self._contracts = self._app.amap.contracts.list_contracts(site_id=self._site.id)
        self.contract.blockSignals(True)
        self.contract.clear()
        for contract in self._contracts:
            self.contract.addItem(contract.name, contract.id)
        index = next(
            (i for i in range(self.contract.count()) if self.contract.itemData(i) == current), 0
        )
        self.contract.setCurrentIndex(index if self.contract.count() else -1)
        self.contract.blockSignals(False)
        self.on_contract_changed(self.contract.currentIndex())

    def _current_contract(self) -> ContractInfo | None:
        index = self.contract.currentIndex()
        return self._contracts[index] if 0 <= index < len(self._contracts) else None

    def _load_subscriptions(self) -> None:
        contract = self._current_contract()
        chosen = selected_id(self.subs_view)
        rows = (
            self._app.amap.subscriptions.list_subscriptions(contract_id=contract.id)
            if contract
            else []
        )
        self.subs_model.set_rows([r for r in rows if r.status != SubscriptionStatus.WAITING])
        self.wait_model.set_rows(
            sorted(
                (r for r in rows if r.status == SubscriptionStatus.WAITING),
                key=lambda r: r.waitlist_position or 0,
            )
        )
        if chosen is not None:
            select_id(self.subs_view, chosen)
        elif self.subs_model.rowCount():
            self.subs_view.selectRow(0)
        self.subscribe_button.setEnabled(contract is not None)
        self.on_subscription_selected()

    def _subscription(self) -> SubscriptionInfo | None:
        value = selected_id(self.subs_view)
        if value is None:
            value = selected_id(self.wait_view)
            model = self.wait_model
        else:
            model = self.subs_model
        return model.row_at(model.find_row(value)) if value is not None else None

    def _load_payments(self) -> None:
        value = selected_id(self.subs_view)
        chosen = selected_id(self.pay_view)
        rows = (
            self._app.amap.payments.instalments(subscription_id=value)
            if isinstance(value, uuid.UUID)
            else []
        )
        self.pay_model.set_rows(rows)
        if chosen is not None:
            select_id(self.pay_view, chosen)
        self.on_instalment_selected()

    # -- slots -----------------------------------------------------------------------------
    def on_contract_changed(self, _index: int) -> None:
        self._load_subscriptions()

    def on_subscription_selected(self) -> None:
        sub = self._subscription()
        self.end_button.setEnabled(sub is not None and sub.status != SubscriptionStatus.ENDED)
        self._load_payments()

    def on_instalment_selected(self) -> None:
        value = selected_id(self.pay_view)
        row = self.pay_model.row_at(self.pay_model.find_row(value)) if value else None
        self.received_button.setEnabled(row is not None)
        self.received_button.setText(
            _("Annuler la réception")
            if row is not None and row.received_at is not None
            else _("Paiement &reçu…")
        )
        self.handed_button.setEnabled(
            row is not None and row.received_at is not None and row.handed_to_producer_at is None
        )

    def on_subscribe_clicked(self) -> None:
        contract = self._current_contract()
        if contract is None:
            return
        dialog = SubscribeDialog(self._app, contract, self, today=place_today(self._site.zone))
        dialog.subscribed.connect(self.on_subscribed)
        dialog.exec()

    def on_subscribed(self, subscription: SubscriptionInfo) -> None:
        self.refresh()
        if subscription.status == SubscriptionStatus.WAITING:
            self.status.confirm(
                _("Contrat complet : {household} est en liste d'attente (n° {n}).").format(
                    household=subscription.household, n=subscription.waitlist_position
                )
            )
        else:
            select_id(self.subs_view, subscription.id)
            self.status.confirm(
                _("{household} est inscrit ; l'échéancier est prêt.").format(
                    household=subscription.household
                )
            )
        self.changes.announce(self, Topic.AMAP, Topic.PEOPLE)  # a new household, maybe

    def on_end_clicked(self) -> None:
        sub = self._subscription()
        if sub is None:
            return
        answer = QMessageBox.question(
            self,
            _("Terminer l'abonnement"),
            _("Terminer l'abonnement de {household} ?").format(household=sub.household),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            promoted = self._app.amap.subscriptions.end(subscription_id=sub.id)
        except Exception as exc:  # expected ones shown, unexpected ones also logged
            show_error(self, exc, _("Abonnement non terminé"))
            return
        self.refresh()
        message = _("Abonnement de {household} terminé.").format(household=sub.household)
        if promoted is not None:
            message += " " + _(
                "{household} quitte la liste d'attente et prend la place : prévenez ce foyer."
            ).format(household=promoted.household)
        self.status.confirm(message)
        self.changes.announce(self, Topic.AMAP)

    def on_received_clicked(self) -> None:
        value = selected_id(self.pay_view)
        if not isinstance(value, uuid.UUID):
            return
        row = self.pay_model.row_at(self.pay_model.find_row(value))
        received = row.received_at is None
        method, number = PaymentMethod.CHEQUE, ""
        if received:
            number, ok = QInputDialog.getText(
                self,
                _("Paiement reçu"),
                _("Numéro du chèque (laissez vide pour un virement) :"),
                text=row.cheque_number,
            )
            if not ok:
                return
            method = PaymentMethod.CHEQUE if number.strip() else PaymentMethod.TRANSFER
        try:
            self._app.amap.payments.record_payment(
                instalment_id=value,
                received=received,
                method=method,
                cheque_number=number,
            )
        except Exception as exc:  # expected ones shown, unexpected ones also logged
            show_error(self, exc, _("Paiement non enregistré"))
            return
        self._load_subscriptions()
        self.status.confirm(_("Paiement reçu.") if received else _("Réception annulée."))

    def on_handed_clicked(self) -> None:
        value = selected_id(self.pay_view)
        if not isinstance(value, uuid.UUID):
            return
        try:
            self._app.amap.payments.hand_to_producer(instalment_ids=[value])
        except Exception as exc:  # expected ones shown, unexpected ones also logged
            show_error(self, exc, _("Remise non enregistrée"))
            return
        self._load_payments()
        self.status.confirm(_("Chèque remis au producteur."))
