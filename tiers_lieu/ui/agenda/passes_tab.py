"""« Pass coworking »: sell a pass (day, half-day, 10-pass card, monthly) with its payment, and
see a member's balance and history.

The host looks the person up first (or registers them), so the balance and what they bought
are on screen before selling; a sale records the payment in the same transaction as the pass.
A check-in in the agenda takes its unit from a valid pass by itself.
"""

from __future__ import annotations

import uuid

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import _, format_eur, ngettext
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.agenda.dialog_parts import PersonPicker
from tiers_lieu.ui.agenda.labels import PAYMENT_METHODS
from tiers_lieu.ui.agenda.side_form import bounded_combo
from tiers_lieu.ui.agenda.table_models import PassesModel, PassUsesModel
from tiers_lieu.ui.common import StatusLabel, add_shortcut, make_table
from tiers_lieu.ui.data_changed import DataChanged, Topic, hub_for
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.loading import refresh_when_shown


class PassesTab(QWidget):
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
        self.person = PersonPicker(app, site.id, self)
        self.person.person_changed.connect(self.on_person_changed)
        self.balance = QLabel(self)
        font = self.balance.font()
        font.setBold(True)
        self.balance.setFont(font)

        self.pass_type = bounded_combo(QComboBox(self), 24)  # « name — price »
        self.method = QComboBox(self)
        for code, label in PAYMENT_METHODS.items():
            self.method.addItem(_(label), code)
        self.sell_button = QPushButton(_("&Vendre le pass"), self)
        self.sell_button.clicked.connect(self.on_sell_clicked)
        add_shortcut(self, QKeySequence("Ctrl+S"), self.on_sell_clicked, self.sell_button)
        self.status = StatusLabel(self, zone=self._site.zone)
        sale = QGroupBox(_("Vendre un pass"), self)
        form = QFormLayout(sale)
        form.addRow(_("Fo&rmule :"), self.pass_type)
        form.addRow(_("&Paiement :"), self.method)
        form.addRow("", self.sell_button)
        form.addRow(self.status)

        self.passes = PassesModel(self)
        self.passes_view = make_table(self.passes, self, stretch=PassesModel.Columns.TYPE)
        self.uses = PassUsesModel(self)
        self.uses_view = make_table(self.uses, self, stretch=PassUsesModel.Columns.TYPE)
        passes_box = QGroupBox(_("Pass achetés"), self)
        QVBoxLayout(passes_box).addWidget(self.passes_view)
        uses_box = QGroupBox(_("Utilisations"), self)
        QVBoxLayout(uses_box).addWidget(self.uses_view)

        who = QFormLayout()
        who.addRow(_("M&embre :"), self.person)
        left = QVBoxLayout()
        left.addLayout(who)
        left.addWidget(self.balance)
        left.addWidget(sale)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(passes_box, 3)
        right.addWidget(uses_box, 2)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 2)
        layout.addLayout(right, 3)
        self.shown = refresh_when_shown(self)  # read when first on screen
        # A unit used, an offer added or corrected.
        self.changes.watch(self, {Topic.BOOKINGS, Topic.PASS_TYPES}, self.shown.invalidate)
        self.on_person_changed(None)

    def refresh(self) -> None:
        chosen = self.pass_type.currentData()
        self.pass_type.clear()
        for kind in self._app.agenda.passes.list_types(self._site.id):
            self.pass_type.addItem(
                _("{name} — {price}").format(name=kind.name, price=format_eur(kind.price_cents)),
                kind.id,
            )
            if kind.id == chosen:
                self.pass_type.setCurrentIndex(self.pass_type.count() - 1)
        person_id = self.person.value()
        if person_id is not None:
            self.on_person_changed(person_id)

    def on_person_changed(self, person_id: object) -> None:
        self.sell_button.setEnabled(isinstance(person_id, uuid.UUID))
        if not isinstance(person_id, uuid.UUID):
            self.passes.set_rows([])
            self.uses.set_rows([])
            self.balance.setText(_("Cherchez la personne pour voir ses pass."))
            return
        history = self._app.agenda.passes.history(person_id)
        self.passes.set_rows(history.passes)
        self.uses.set_rows(history.uses)
        self.balance.setText(
            ngettext(
                "Solde : {n} unité restante", "Solde : {n} unités restantes", history.balance
            ).format(n=history.balance)
        )

    def on_sell_clicked(self) -> None:
        person_id = self.person.value()
        pass_type_id = self.pass_type.currentData()
        if person_id is None or pass_type_id is None:
            return
        try:
            sold = self._app.agenda.passes.sell(
                site_id=self._site.id,
                person_id=person_id,
                pass_type_id=pass_type_id,
                method=self.method.currentData(),
            )
        except Exception as exc:
            show_error(self, exc)
            return
        self.on_person_changed(person_id)
        self.status.confirm(
            _("Pass « {name} » vendu ({price}).").format(
                name=sold.type_name, price=format_eur(sold.price_cents)
            )
        )
