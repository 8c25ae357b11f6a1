"""« Contrats »: the AMAP contracts of the place and the distribution calendar of the one
chosen, generated from the contract then edited (a date moved, cancelled, added).

A calendar is generated on demand rather than at creation so that the coordinator can enter
the summer closures first; generating again only adds what is missing.
"""

from __future__ import annotations

import uuid
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import _, format_date, format_eur, ngettext, place_today
from tiers_lieu.services.amap import ContractInfo, DistributionInfo
from tiers_lieu.services.amap.contracts import BasketTypeInfo
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.amap.contract_dialog import DELETE, BasketDialog, ContractDialog
from tiers_lieu.ui.amap.table_models import CalendarModel, ContractsModel
from tiers_lieu.ui.common import (
    StatusLabel,
    add_shortcut,
    make_table,
    select_id,
    selected_id,
    to_date,
    to_qdate,
)
from tiers_lieu.ui.data_changed import DataChanged, ListTab, Topic
from tiers_lieu.ui.date_range import bounded
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.loading import refresh_when_shown
from tiers_lieu.ui.tab_parts import button_row


def ask_date(parent: QWidget, title: str, text: str, initial: date) -> date | None:
    """A date chosen in a small dialog, or ``None`` when cancelled."""
    dialog = QDialog(parent)
    dialog.setWindowTitle(title)
    edit = bounded(QDateEdit(to_qdate(initial), dialog))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd/MM/yyyy")
    form = QFormLayout()
    form.addRow(text, edit)
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, dialog
    )
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addLayout(form)
    layout.addWidget(buttons)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return to_date(edit.date())


class ContractsTab(ListTab):
    def __init__(
        self,
        app: Comptoir,
        site: SiteInfo,
        parent: QWidget | None = None,
        *,
        changes: DataChanged | None = None,
    ) -> None:
        super().__init__(parent, changes)
        self._app = app
        self._site = site

        contracts_box = QGroupBox(_("Contrats"), self)
        self.contracts_model = ContractsModel(self)
        self.contracts_view = make_table(
            self.contracts_model, contracts_box, stretch=ContractsModel.Columns.NAME
        )
        self.contracts_view.selectionModel().selectionChanged.connect(self.on_contract_selected)
        self.baskets_label = QLabel(contracts_box)
        self.baskets_label.setWordWrap(True)
        self.new_button = QPushButton(_("&Nouveau contrat…"), contracts_box)
        self.new_button.clicked.connect(self.on_new_clicked)
        self.edit_button = QPushButton(_("&Modifier le contrat…"), contracts_box)
        self.edit_button.setToolTip(_("Corriger le contrat choisi (F2) ; Suppr le supprime"))
        self.edit_button.clicked.connect(self.on_edit_clicked)
        self.basket_button = QPushButton(_("Ajouter un &type de panier…"), contracts_box)
        self.basket_button.clicked.connect(self.on_basket_clicked)
        self.edit_basket_button = QPushButton(_("Modifier un &panier…"), contracts_box)
        self.edit_basket_button.clicked.connect(self.on_edit_basket_clicked)
        row = button_row(
            self.new_button, self.edit_button, self.basket_button, self.edit_basket_button
        )
        box_layout = QVBoxLayout(contracts_box)
        box_layout.addWidget(self.contracts_view, 1)
        box_layout.addWidget(self.baskets_label)
        box_layout.addLayout(row)

        calendar_box = QGroupBox(_("Calendrier des distributions"), self)
        self.calendar_model = CalendarModel(self)
        self.calendar_view = make_table(
            self.calendar_model, calendar_box, stretch=CalendarModel.Columns.NOTE
        )
        self.calendar_view.selectionModel().selectionChanged.connect(self.on_day_selected)
        self.generate_button = QPushButton(_("&Générer le calendrier"), calendar_box)
        self.generate_button.clicked.connect(self.on_generate_clicked)
        self.move_button = QPushButton(_("&Déplacer…"), calendar_box)
        self.move_button.clicked.connect(self.on_move_clicked)
        self.cancel_button = QPushButton(_("Annu&ler la distribution"), calendar_box)
        self.cancel_button.clicked.connect(self.on_cancel_clicked)
        self.add_button = QPushButton(_("A&jouter une date…"), calendar_box)
        self.add_button.clicked.connect(self.on_add_clicked)
        buttons = button_row(
            self.generate_button, self.move_button, self.cancel_button, self.add_button
        )
        calendar_layout = QVBoxLayout(calendar_box)
        calendar_layout.addWidget(self.calendar_view, 1)
        calendar_layout.addLayout(buttons)

        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(contracts_box)
        splitter.addWidget(calendar_box)
        self.status = StatusLabel(self, zone=self._site.zone)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.status)
        add_shortcut(self, QKeySequence.StandardKey.New, self.on_new_clicked, self.new_button)
        add_shortcut(self, QKeySequence(Qt.Key.Key_F2), self.on_edit_clicked, self.edit_button)
        add_shortcut(
            self.contracts_view,
            QKeySequence(QKeySequence.StandardKey.Delete),
            self.on_delete_contract_clicked,
        ).setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.shown = refresh_when_shown(self)  # read when first on screen
        self.changes.watch(self, {Topic.AMAP}, self.shown.invalidate)

    # -- data ------------------------------------------------------------------------------
    def refresh(self) -> None:
        chosen = selected_id(self.contracts_view)
        contracts = self._app.amap.contracts.list_contracts(site_id=self._site.id)
        self.contracts_model.set_rows(contracts)
        if chosen is not None and self.contracts_model.find_row(chosen) >= 0:
            select_id(self.contracts_view, chosen)
        elif contracts:
            self.contracts_view.selectRow(0)
        self.on_contract_selected()

    def _contract_id(self) -> uuid.UUID | None:
        value = selected_id(self.contracts_view)
        return value if isinstance(value, uuid.UUID) else None

    def _load_calendar(self) -> None:
        contract_id = self._contract_id()
        chosen = selected_id(self.calendar_view)
        rows = (
            self._app.amap.distributions.list_distributions(contract_id=contract_id)
            if contract_id
            else []
        )
        self.calendar_model.set_rows(rows)
        if chosen is not None:
            select_id(self.calendar_view, chosen)
        self.on_day_selected()

    # -- slots -----------------------------------------------------------------------------
    def on_contract_selected(self) -> None:
        contract = self._contract()
        chosen = contract is not None
        for button in (self.edit_button, self.basket_button, self.generate_button, self.add_button):
            button.setEnabled(chosen)
        self.edit_basket_button.setEnabled(contract is not None and bool(contract.basket_types))
        if contract is None:
            self.baskets_label.setText(_("Aucun contrat : créez-en un (Ctrl+N)."))
        else:
            parts = []
            for basket in contract.basket_types:
                text = _("{name} : {price}").format(
                    name=basket.name, price=format_eur(basket.price_cents)
                )
                if basket.solidarity_price_cents is not None:
                    text += _(" (solidaire {price})").format(
                        price=format_eur(basket.solidarity_price_cents)
                    )
                parts.append(text)
            self.baskets_label.setText(
                _("Paniers — {baskets}. Absences prévues : {n}.").format(
                    baskets=" · ".join(parts) or _("aucun"), n=contract.max_absences
                )
            )
        self._load_calendar()

    def on_day_selected(self) -> None:
        day = self._day()
        self.move_button.setEnabled(day is not None and not day.cancelled)
        self.cancel_button.setEnabled(day is not None)
        self.cancel_button.setText(
            _("&Rétablir la distribution")
            if day is not None and day.cancelled
            else _("Annu&ler la distribution")
        )

    def _day(self) -> DistributionInfo | None:
        value = selected_id(self.calendar_view)
        if value is None:
            return None
        return self.calendar_model.row_at(self.calendar_model.find_row(value))

    def _contract(self) -> ContractInfo | None:
        contract_id = self._contract_id()
        if contract_id is None:
            return None
        return self.contracts_model.row_at(self.contracts_model.find_row(contract_id))

    def on_new_clicked(self) -> None:
        self._open_contract(None)

    def on_edit_clicked(self) -> None:
        contract = self._contract()
        if contract is not None:
            self._open_contract(contract)

    def _open_contract(self, contract: ContractInfo | None) -> None:
        dialog = ContractDialog(
            self._app,
            self._site.id,
            self,
            today=place_today(self._site.zone),
            contract=contract,
        )
        if contract is None:
            message = _("Contrat créé. Générez maintenant son calendrier.")
        else:
            message = _("Contrat modifié : {name}.")

        def saved(info: object) -> None:
            text = message.format(name=getattr(info, "name", ""))
            self.show_write(getattr(info, "id", None), text, Topic.AMAP, view=self.contracts_view)

        dialog.contract_saved.connect(saved)
        result = dialog.exec()
        dialog.deleteLater()
        if result == DELETE and contract is not None:
            self.on_delete_contract_clicked()

    def on_delete_contract_clicked(self) -> None:
        """Suppr on the list (or the contract's dialog): a contract created by mistake goes,
        with its basket types and calendar, once confirmed; the service refuses once a
        household subscribed."""
        contract = self._contract()
        if contract is None or not self._confirm_deletion(
            _("Supprimer le contrat"),
            _(
                "Supprimer le contrat « {name} », ses types de panier et son calendrier ? "
                "Personne ne s'y est inscrit."
            ).format(name=contract.name),
        ):
            return
        try:
            self._app.amap.contracts.delete_contract(contract.id)
        except Exception as exc:  # expected ones shown, unexpected ones also logged
            show_error(self, exc, _("Contrat non supprimé"))
            return
        message = _("Contrat supprimé : {name}.").format(name=contract.name)
        self.show_write(None, message, Topic.AMAP)

    def _confirm_deletion(self, title: str, text: str) -> bool:
        asked = QMessageBox.question(self, title, text)
        return asked == QMessageBox.StandardButton.Yes

    def on_basket_clicked(self) -> None:
        contract_id = self._contract_id()
        if contract_id is None:
            return
        dialog = BasketDialog(self)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.values is None:
            return
        name, price, solidarity = dialog.values
        try:
            self._app.amap.contracts.add_basket_type(
                contract_id=contract_id,
                name=name,
                price_cents=price,
                solidarity_price_cents=solidarity,
            )
        except Exception as exc:  # expected ones shown, unexpected ones also logged
            show_error(self, exc, _("Panier non ajouté"))
            return
        message = _("Type de panier ajouté : {name}.").format(name=name.strip())
        self.show_write(None, message, Topic.AMAP)

    def on_edit_basket_clicked(self) -> None:
        """Choose the basket type (when the contract has several), then correct it."""
        contract = self._contract()
        if contract is None or not contract.basket_types:
            return
        baskets = {
            _("{name} ({price})").format(name=b.name, price=format_eur(b.price_cents)): b
            for b in contract.basket_types
        }
        chosen = next(iter(baskets))
        if len(baskets) > 1:
            chosen, ok = QInputDialog.getItem(
                self, _("Modifier un panier"), _("&Type de panier :"), list(baskets), 0, False
            )
            if not ok:
                return
        basket = baskets[chosen]
        dialog = BasketDialog(self, basket=basket)
        result = dialog.exec()
        if result == DELETE:
            self._delete_basket(contract, basket)
            return
        if result != QDialog.DialogCode.Accepted or dialog.values is None:
            return
        name, price, solidarity = dialog.values
        try:
            saved = self._app.amap.contracts.update_basket_type(
                basket.id, name=name, price_cents=price, solidarity_price_cents=solidarity
            )
        except Exception as exc:  # expected ones shown, unexpected ones also logged
            show_error(self, exc, _("Panier non modifié"))
            return
        message = _(
            "Type de panier modifié : {name}. Ses prix valent pour les abonnements pris "
            "désormais ; ceux déjà pris gardent leurs échéances."
        ).format(name=saved.name)
        self.show_write(contract.id, message, Topic.AMAP, view=self.contracts_view)

    def _delete_basket(self, contract: ContractInfo, basket: BasketTypeInfo) -> None:
        if not self._confirm_deletion(
            _("Supprimer le type de panier"),
            _("Supprimer le type de panier « {name} » du contrat « {contract} » ?").format(
                name=basket.name, contract=contract.name
            ),
        ):
            return
        try:
            self._app.amap.contracts.delete_basket_type(basket.id)
        except Exception as exc:  # expected ones shown, unexpected ones also logged
            show_error(self, exc, _("Panier non supprimé"))
            return
        message = _("Type de panier supprimé : {name}.").format(name=basket.name)
        self.show_write(contract.id, message, Topic.AMAP, view=self.contracts_view)

    def on_generate_clicked(self) -> None:
        contract_id = self._contract_id()
        if contract_id is None:
            return
        try:
            added = self._app.amap.distributions.generate(contract_id=contract_id)
        except Exception as exc:  # expected ones shown, unexpected ones also logged
            show_error(self, exc, _("Calendrier non généré"))
            return
        self._load_calendar()
        self.status.confirm(
            ngettext(
                "{n} distribution ajoutée (jours fériés et fermetures exclus).",
                "{n} distributions ajoutées (jours fériés et fermetures exclus).",
                added,
            ).format(n=added)
        )
        self.changes.announce(self, Topic.AMAP)

    def on_move_clicked(self) -> None:
        day = self._day()
        if day is None:
            return
        new = ask_date(self, _("Déplacer la distribution"), _("Nouvelle &date :"), day.on_date)
        if new is None:
            return
        try:
            moved = self._app.amap.distributions.move(distribution_id=day.id, on_date=new)
        except Exception as exc:  # expected ones shown, unexpected ones also logged
            show_error(self, exc, _("Distribution non déplacée"))
            return
        self._load_calendar()
        self.status.confirm(
            _("Distribution déplacée au {day}.").format(day=format_date(moved.on_date, "long"))
        )
        self.changes.announce(self, Topic.AMAP)

    def on_cancel_clicked(self) -> None:
        day = self._day()
        if day is None:
            return
        note = ""
        if not day.cancelled:
            note, ok = QInputDialog.getText(
                self, _("Annuler la distribution"), _("Motif (affiché sur la feuille) :")
            )
            if not ok:
                return
        try:
            self._app.amap.distributions.set_cancelled(
                distribution_id=day.id,
                cancelled=not day.cancelled,
                note=note,
            )
        except Exception as exc:  # expected ones shown, unexpected ones also logged
            show_error(self, exc, _("Distribution non modifiée"))
            return
        self._load_calendar()
        self.status.confirm(
            _("Distribution rétablie.") if day.cancelled else _("Distribution annulée.")
        )
        self.changes.announce(self, Topic.AMAP)

    def on_add_clicked(self) -> None:
        contract_id = self._contract_id()
        if contract_id is None:
            return
        new = ask_date(
            self, _("Ajouter une distribution"), _("&Date :"), place_today(self._site.zone)
        )
        if new is None:
            return
        try:
            added = self._app.amap.distributions.add(contract_id=contract_id, on_date=new)
        except Exception as exc:  # expected ones shown, unexpected ones also logged
            show_error(self, exc, _("Distribution non ajoutée"))
            return
        self._load_calendar()
        select_id(self.calendar_view, added.id)
        self.status.confirm(
            _("Distribution ajoutée le {day}.").format(day=format_date(added.on_date, "long"))
        )
        self.changes.announce(self, Topic.AMAP)
