"""The producer form (name, commune, distance, contact, what they supply); the producer
service validates and its message is shown as is."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import ComptoirError
from tiers_lieu.i18n import _
from tiers_lieu.services.grocery.producers import MAX_DISTANCE_KM, ProducerInfo
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.common import dialog_buttons
from tiers_lieu.ui.errors import show_error


class ProducerDialog(QDialog):
    def __init__(
        self,
        app: Comptoir,
        site: SiteInfo,
        producer: ProducerInfo | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._app = app
        self._site = site
        self._producer = producer
        self.saved: ProducerInfo | None = None
        self.setWindowTitle(_("Modifier le producteur") if producer else _("Nouveau producteur"))
        self.name = QLineEdit(self)
        self.commune = QLineEdit(self)
        self.distance = QSpinBox(self)
        self.distance.setRange(-1, MAX_DISTANCE_KM)
        self.distance.setSpecialValueText(_("inconnue"))
        self.distance.setSuffix(" km")
        self.distance.setValue(-1)
        self.contact = QLineEdit(self)
        self.phone = QLineEdit(self)
        self.email = QLineEdit(self)
        self.supplies = QLineEdit(self)
        self.supplies.setPlaceholderText(_("légumes, fromages, miel…"))
        form = QFormLayout()
        form.addRow(_("&Nom :"), self.name)
        form.addRow(_("&Commune :"), self.commune)
        form.addRow(_("&Distance du lieu :"), self.distance)
        form.addRow(_("C&ontact :"), self.contact)
        form.addRow(_("&Téléphone :"), self.phone)
        form.addRow(_("Co&urriel :"), self.email)
        form.addRow(_("&Produits fournis :"), self.supplies)
        buttons = dialog_buttons(self)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)
        if producer is not None:
            self.name.setText(producer.name)
            self.commune.setText(producer.commune_name)
            self.distance.setValue(producer.distance_km if producer.distance_km is not None else -1)
            self.contact.setText(producer.contact)
            self.phone.setText(producer.phone)
            self.email.setText(producer.email)
            self.supplies.setText(producer.supplies)

    def accept(self) -> None:
        distance = self.distance.value()
        fields = {
            "name": self.name.text(),
            "commune_name": self.commune.text(),
            "distance_km": distance if distance >= 0 else None,
            "contact": self.contact.text(),
            "phone": self.phone.text(),
            "email": self.email.text(),
            "supplies": self.supplies.text(),
        }
        producers = self._app.grocery.producers
        try:
            if self._producer is None:
                self.saved = producers.create(site_id=self._site.id, **fields)  # type: ignore[arg-type]
            else:
                self.saved = producers.update(self._producer.id, **fields)  # type: ignore[arg-type]
        except ComptoirError as exc:
            show_error(self, exc)
            return
        super().accept()
