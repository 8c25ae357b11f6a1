"""The parcel relay's two dialogs: « Nouveau colis » (logged as fast as the parcel is put on
the shelf) and « Remettre le colis » (the identity checked, then Entrée).

A barcode scanner types the tracking number then Entrée: in the tracking field Entrée goes
on to the recipient instead of saving, so a scan never saves a parcel for nobody.
"""

from __future__ import annotations

import uuid
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import ComptoirError
from tiers_lieu.i18n import _, format_date, ngettext, place_today, to_place_time
from tiers_lieu.services.parcels import (
    CARRIERS,
    LONGEST_KEEP_DAYS,
    HandOver,
    ParcelInfo,
    ParcelInput,
    default_keep_until,
)
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.common import to_date, to_qdate
from tiers_lieu.ui.date_range import bounded
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.pickers import PersonEdit


class ScanField(QLineEdit):
    """A tracking number field: Entrée (what a scanner types after the code) moves on to the
    next field instead of pressing the dialog's default button."""

    scanned = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()
            self.scanned.emit()
            return
        super().keyPressEvent(event)


class NewParcelDialog(QDialog):
    """Carrier, tracking number, recipient (from the register or typed), kept until."""

    saved = Signal(object)
    """The :class:`ParcelInfo` logged."""

    def __init__(
        self, app: Comptoir, site: SiteInfo, parent: QWidget | None = None, *, carrier: str = ""
    ) -> None:
        super().__init__(parent)
        self._app = app
        self._site = site
        self._today = place_today(site.zone)
        self._date_by_hand = False
        self.setWindowTitle(_("Nouveau colis"))

        self.carrier = QComboBox(self)
        for name, _days in CARRIERS:
            self.carrier.addItem(name)
        if carrier:  # a driver leaves several parcels at once: the last carrier again
            self.carrier.setCurrentText(carrier)
        self.tracking = ScanField(self)
        self.tracking.setPlaceholderText(_("tapez ou scannez le code"))
        self.tracking.setMaxLength(60)
        self.recipient = PersonEdit(app, site.id, self)
        self.recipient.setPlaceholderText(_("nom du registre, ou tel qu'écrit sur le colis"))
        self.recipient.setMaxLength(120)
        self.keep_until = bounded(QDateEdit(self))
        self.keep_until.setCalendarPopup(True)
        self.keep_until.setDisplayFormat("dd/MM/yyyy")
        self.keep_until.setDateRange(
            to_qdate(self._today), to_qdate(self._today).addDays(LONGEST_KEEP_DAYS)
        )
        self.delay_hint = QLabel(self)

        form = QFormLayout()
        form.addRow(_("&Transporteur"), self.carrier)
        form.addRow(_("N° de &suivi"), self.tracking)
        form.addRow(_("&Destinataire"), self.recipient)
        form.addRow(_("À garder &jusqu'au"), self.keep_until)
        form.addRow("", self.delay_hint)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(_("&Enregistrer"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Annuler"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)

        self.carrier.currentIndexChanged.connect(self.on_carrier_changed)
        self.keep_until.dateChanged.connect(self.on_date_edited)
        self.tracking.scanned.connect(self.on_tracking_scanned)
        self.on_carrier_changed()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.tracking.setFocus()  # ready for the scanner (the carrier is one Maj+Tab away)

    # -- slots ----------------------------------------------------------------------------
    def on_carrier_changed(self) -> None:
        carrier = self.carrier.currentText()
        days = (default_keep_until(carrier, self._today) - self._today).days
        self.delay_hint.setText(
            ngettext(
                "Délai habituel de {carrier} : {n} jour",
                "Délai habituel de {carrier} : {n} jours",
                days,
            ).format(carrier=carrier, n=days)
        )
        if not self._date_by_hand:
            self._set_date(default_keep_until(carrier, self._today))

    def on_date_edited(self) -> None:
        self._date_by_hand = True

    def on_tracking_scanned(self) -> None:
        self.recipient.setFocus()

    def accept(self) -> None:
        data = ParcelInput(
            carrier=self.carrier.currentText(),
            tracking=self.tracking.text(),
            recipient=self.recipient.text().split(" — ")[0],
            keep_until=to_date(self.keep_until.date()),
            person_id=self.recipient.value(),
        )
        try:
            parcel = self._app.parcels.receive(self._site.id, data)
        except ComptoirError as exc:
            show_error(self, exc)
            return
        super().accept()  # closed first: the tab then puts the focus back on its list
        self.saved.emit(parcel)

    # -- inside ---------------------------------------------------------------------------
    def _set_date(self, value: date) -> None:
        self.keep_until.blockSignals(True)
        self.keep_until.setDate(to_qdate(value))
        self.keep_until.blockSignals(False)


class HandOverDialog(QDialog):
    """« Identité vérifiée » must be ticked (Espace) before « Remettre » (Entrée)."""

    handed = Signal(object)
    """The :class:`HandOver` done."""

    def __init__(
        self, app: Comptoir, site: SiteInfo, parcel: ParcelInfo, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._app = app
        self._parcel = parcel
        self.setWindowTitle(_("Remettre le colis"))
        about = QLabel(self)
        about.setWordWrap(True)
        about.setText(
            _("{recipient} — {carrier}, n° de suivi … {end}, arrivé le {day}").format(
                recipient=parcel.recipient,
                carrier=parcel.carrier,
                end=parcel.tracking_end or "—",
                day=format_date(to_place_time(parcel.arrived_at, site.zone).date()),
            )
        )
        self.identity = QCheckBox(_("&Identité vérifiée (aucun numéro de pièce n'est noté)"), self)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(_("&Remettre"))
        self.ok_button.setEnabled(False)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Annuler"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.identity.toggled.connect(self.ok_button.setEnabled)
        layout = QVBoxLayout(self)
        layout.addWidget(about)
        layout.addWidget(self.identity)
        layout.addWidget(self.buttons)
        self.identity.setFocus()

    def accept(self) -> None:
        try:
            done: HandOver = self._app.parcels.hand_over(
                self._parcel.id, identity_checked=self.identity.isChecked()
            )
        except ComptoirError as exc:
            show_error(self, exc)
            return
        super().accept()
        self.handed.emit(done)


def parcel_id_of(value: object) -> uuid.UUID | None:
    return value if isinstance(value, uuid.UUID) else None
