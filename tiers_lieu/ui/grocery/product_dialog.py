"""The product form: every field of a product, prices typed in euros with a decimal comma.

The dialog only collects values; the product service validates them (EAN-13 check digit,
barcode already used, solidarity price above the price) and its error is shown as is.
"""

from __future__ import annotations

import uuid

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import ComptoirError, ValidationError
from tiers_lieu.i18n import _
from tiers_lieu.models.enums import ProductUnit
from tiers_lieu.services.grocery.labels import unit_label, vat_label
from tiers_lieu.services.grocery.products import VAT_RATES_BP, ProductFields, ProductInfo
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.grocery.common import cents_text, parse_cents, parse_milli


class ProductDialog(QDialog):
    def __init__(
        self,
        app: Comptoir,
        site: SiteInfo,
        product: ProductInfo | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._app = app
        self._site = site
        self._product = product
        self.saved: ProductInfo | None = None
        self.setWindowTitle(_("Modifier le produit") if product else _("Nouveau produit"))
        self.name = QLineEdit(self)
        self.category = QComboBox(self)
        self.category.setEditable(True)
        self.category.addItems(app.grocery.products.categories(site_id=site.id))
        self.unit = QComboBox(self)
        for unit in ProductUnit:
            self.unit.addItem(unit_label(unit), unit.value)
        self.price = QLineEdit(self)
        self.price.setPlaceholderText("3,20")
        self.solidarity_price = QLineEdit(self)
        self.solidarity_price.setPlaceholderText(_("aucun"))
        self.vat = QComboBox(self)
        for rate in VAT_RATES_BP:
            self.vat.addItem(vat_label(rate), rate)
        self.barcode = QLineEdit(self)
        self.barcode.setPlaceholderText(_("13 chiffres (EAN-13)"))
        self.producer = QComboBox(self)
        self.producer.addItem(_("Aucun"), None)
        self._producer_ids: list[uuid.UUID | None] = [None]
        for producer in app.grocery.producers.list(site_id=site.id):
            self.producer.addItem(producer.name)
            self._producer_ids.append(producer.id)
        self.threshold = QLineEdit(self)
        self.threshold.setPlaceholderText("0")
        self.favourite = QCheckBox(_("Bouton favori à la caisse (F1 à F8)"), self)
        self.active = QCheckBox(_("En vente"), self)
        self.active.setChecked(True)

        form = QFormLayout()
        form.addRow(_("&Nom :"), self.name)
        form.addRow(_("&Rayon :"), self.category)
        form.addRow(_("&Unité :"), self.unit)
        form.addRow(_("&Prix de vente TTC (€) :"), self.price)
        form.addRow(_("Prix &solidaire (€) :"), self.solidarity_price)
        form.addRow(_("&TVA :"), self.vat)
        form.addRow(_("&Code-barres :"), self.barcode)
        form.addRow(_("Pr&oducteur :"), self.producer)
        form.addRow(_("Seuil d'&alerte de stock :"), self.threshold)
        form.addRow("", self.favourite)
        form.addRow("", self.active)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)
        if product is not None:
            self._show(product)

    def _show(self, p: ProductInfo) -> None:
        self.name.setText(p.name)
        self.category.setCurrentText(p.category)
        self.unit.setCurrentIndex([u.value for u in ProductUnit].index(p.unit))
        self.price.setText(cents_text(p.price_cents))
        if p.solidarity_price_cents is not None:
            self.solidarity_price.setText(cents_text(p.solidarity_price_cents))
        rates = list(VAT_RATES_BP)
        if p.vat_rate_bp not in rates:
            self.vat.addItem(vat_label(p.vat_rate_bp), p.vat_rate_bp)
            rates.append(p.vat_rate_bp)
        self.vat.setCurrentIndex(rates.index(p.vat_rate_bp))
        self.barcode.setText(p.barcode or "")
        if p.producer_id in self._producer_ids:
            self.producer.setCurrentIndex(self._producer_ids.index(p.producer_id))
        threshold = p.alert_threshold_milli
        self.threshold.setText(
            str(threshold // 1000) if threshold % 1000 == 0 else str(threshold / 1000)
        )
        self.favourite.setChecked(p.favourite)
        self.active.setChecked(p.active)

    def _amount(self, edit: QLineEdit, field: str, *, required: bool) -> int | None:
        text = edit.text().strip()
        if not text and not required:
            return None
        cents = parse_cents(text)
        if cents is None:
            raise ValidationError(field, _("montant illisible : tapez par exemple 3,20"))
        return cents

    def accept(self) -> None:
        try:
            price = self._amount(self.price, _("Prix"), required=True)
            assert price is not None
            threshold = parse_milli(self.threshold.text() or "0")
            if threshold is None:
                raise ValidationError(_("Seuil d'alerte"), _("quantité illisible"))
            fields = ProductFields(
                name=self.name.text(),
                category=self.category.currentText(),
                unit=str(self.unit.currentData()),
                price_cents=price,
                solidarity_price_cents=self._amount(
                    self.solidarity_price, _("Prix solidaire"), required=False
                ),
                vat_rate_bp=int(self.vat.currentData()),
                barcode=self.barcode.text() or None,
                producer_id=self._producer_ids[self.producer.currentIndex()],
                alert_threshold_milli=threshold,
                favourite=self.favourite.isChecked(),
                active=self.active.isChecked(),
            )
            products = self._app.grocery.products
            if self._product is None:
                self.saved = products.create(self._site.id, fields)
            else:
                self.saved = products.update(self._product.id, fields)
        except ComptoirError as exc:
            show_error(self, exc)
            return
        super().accept()
