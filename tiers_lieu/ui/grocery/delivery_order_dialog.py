"""The home-delivery order form of « Portage », as the host takes it on the phone: the
person, the day, the address, the groceries to bring (picked among the grocery's products or
typed), an AMAP basket and a prescription to fetch; a new order or a correction of one.
"""

from __future__ import annotations

import uuid
from datetime import date

from PySide6.QtCore import QEvent, QObject, QStringListModel, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QCompleter,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import ValidationError
from tiers_lieu.i18n import _
from tiers_lieu.services.access import Permission
from tiers_lieu.services.deliveries import OrderInput, OrderRow
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.common import dialog_buttons, to_date, to_qdate
from tiers_lieu.ui.date_range import bounded
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.pickers import PersonEdit
from tiers_lieu.ui.tab_parts import hint_label

NOT_A_SALE = (
    "Une commande n'est pas une vente : les courses livrées se paient à la caisse de "
    "l'épicerie, où elles sont vendues."
)


class OrderDialog(QDialog):
    """An order as the host takes it on the phone (new, or a correction of ``order``)."""

    def __init__(
        self,
        app: Comptoir,
        site: SiteInfo,
        parent: QWidget | None = None,
        *,
        day: date,
        order: OrderRow | None = None,
    ) -> None:
        super().__init__(parent)
        self._app, self._site, self._order = app, site, order
        self.saved: OrderRow | None = None
        self.setWindowTitle(
            _("Commande de portage") if order else _("Nouvelle commande de portage")
        )
        self.person = PersonEdit(app, site.id, self)
        self.person.value_changed.connect(self.on_person_chosen)
        self.day = bounded(QDateEdit(self))
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("dd/MM/yyyy")
        self.day.setDate(to_qdate(day))
        self.address = QLineEdit(self)
        self.address.setMaxLength(250)
        self.address.setPlaceholderText(
            _("numéro, rue ou lieu-dit (la commune est celle de la fiche)")
        )
        self.product = QLineEdit(self)
        self.product.setPlaceholderText(_("produit de l'épicerie (facultatif)"))
        self._products = QStringListModel(self)
        completer = QCompleter(self)
        completer.setModel(self._products)
        completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.product.setCompleter(completer)
        self.product.textEdited.connect(self.on_product_typed)
        self.product.installEventFilter(self)  # Entrée adds the line, never saves the form
        self.quantity = QSpinBox(self)
        self.quantity.setRange(1, 99)
        self.add_button = QPushButton(_("Aj&outer"), self)
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(self.on_add_product)
        can_sell = app.access.allows(Permission.SALES)
        for widget in (self.product, self.quantity, self.add_button):
            widget.setEnabled(can_sell)
        picker = QHBoxLayout()
        picker.addWidget(self.product, 1)
        picker.addWidget(self.quantity)
        picker.addWidget(self.add_button)
        self.items = QPlainTextEdit(self)
        self.items.setTabChangesFocus(True)
        self.items.setPlaceholderText(_("une ligne par produit : « 2 × lait », « 1 pain »…"))
        self.items.setFixedHeight(self.fontMetrics().height() * 5 + 12)
        self.basket = QCheckBox(_("Panier A&MAP"), self)
        self.prescription = QCheckBox(_("Ordonnance à &retirer à la pharmacie"), self)
        self.prescription.setToolTip(_("Oui ou non seulement : aucun détail médical n'est noté."))
        note = hint_label(_(NOT_A_SALE), self)

        form = QFormLayout()
        form.addRow(_("&Personne :"), self.person)
        form.addRow(_("Da&te :"), self.day)
        form.addRow(_("Adre&sse :"), self.address)
        product_label = QLabel(_("Produ&it :"), self)
        product_label.setBuddy(self.product)  # the row holds a layout: no buddy by itself
        form.addRow(product_label, picker)
        form.addRow(_("&Courses :"), self.items)
        form.addRow("", self.basket)
        form.addRow("", self.prescription)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(dialog_buttons(self, self.on_save))
        if order is not None:
            if order.person_id is not None:
                self.person.set_value(order.person_id)
            else:
                self.person.setText(order.recipient)
            self.person.setEnabled(False)
            self.day.setDate(to_qdate(order.for_date))
            self.address.setText(order.address)
            self.items.setPlainText(order.items)
            self.basket.setChecked(order.amap_basket)
            self.prescription.setChecked(order.prescription)
        self.resize(560, self.sizeHint().height())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.product and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                popup = self.product.completer().popup()
                if popup is not None and popup.isVisible():
                    return super().eventFilter(watched, event)  # picks the product first
                self.on_add_product()
                return True
        return super().eventFilter(watched, event)

    def on_person_chosen(self, person_id: object) -> None:
        if isinstance(person_id, uuid.UUID) and not self.address.text().strip():
            self.address.setText(self._app.deliveries.last_address(self._site.id, person_id))

    def on_product_typed(self, text: str) -> None:
        if len(text.strip()) < 2:
            return
        found = self._app.grocery.products.search(site_id=self._site.id, text=text, limit=12)
        self._products.setStringList([p.name for p in found])

    def on_add_product(self) -> None:
        name = " ".join(self.product.text().split())
        if not name:
            return
        line = _("{n} × {product}").format(n=self.quantity.value(), product=name)
        text = self.items.toPlainText().rstrip()
        self.items.setPlainText(f"{text}\n{line}" if text else line)
        self.product.clear()
        self.quantity.setValue(1)
        self.product.setFocus()

    def value(self) -> OrderInput:
        person = self._order.person_id if self._order else self.person.value()
        if person is None:
            person = self.person.only_choice()
        return OrderInput(
            person_id=person,
            for_date=to_date(self.day.date()),
            address=self.address.text(),
            items=self.items.toPlainText(),
            amap_basket=self.basket.isChecked(),
            prescription=self.prescription.isChecked(),
        )

    def on_save(self) -> None:
        try:
            data = self.value()
            if self._order is None:
                self.saved = self._app.deliveries.take_order(self._site.id, data)
            else:
                self.saved = self._app.deliveries.update_order(self._order.id, data)
        except ValidationError as exc:
            QMessageBox.warning(self, _("Commande non enregistrée"), exc.message)
            return
        except Exception as exc:  # expected ones shown, unexpected ones also logged
            show_error(self, exc, _("Commande non enregistrée"))
            return
        self.accept()
