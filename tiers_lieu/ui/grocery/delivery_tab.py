"""Épicerie et AMAP › « Portage »: home delivery orders taken by phone, the day's rounds, the
round sheet, and delivered / absent ticked after the round.

Keys: Ctrl+N a new order, Alt+T the round selector, Ctrl+P the round sheet, Alt+U a new
round, Alt+H its driver changed, Alt+M the round deleted (its stops stay orders of the day,
refused once a stop is ticked); on the list,
Entrée corrects an order, Inser puts it on the round chosen, Suppr takes it off (or cancels
an order on no round), Ctrl+Haut / Ctrl+Bas move a stop, L delivered, A absent, Retour
arrière back to « à livrer ». An order is not a sale: the grocery is paid at the till. The
order form is in :mod:`delivery_order_dialog`, the orders' table in
:mod:`delivery_orders_model` (both re-exported here).
"""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import _, format_date, ngettext
from tiers_lieu.reports.documents.round_sheet import write_round_sheet
from tiers_lieu.services.access import Permission
from tiers_lieu.services.deliveries import (
    ABSENT,
    DELIVERED,
    PLANNED,
    OrderRow,
    RoundRow,
    status_label,
)
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.common import (
    StatusLabel,
    add_shortcut,
    make_table,
    select_id,
    selected_id,
    to_date,
    to_qdate,
    today_qdate,
)
from tiers_lieu.ui.data_changed import DataChanged, hub_for
from tiers_lieu.ui.date_range import bounded
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.grocery.delivery_order_dialog import NOT_A_SALE, OrderDialog
from tiers_lieu.ui.grocery.delivery_orders_model import OrdersModel
from tiers_lieu.ui.loading import refresh_when_shown
from tiers_lieu.ui.sheet_output import print_confirmed
from tiers_lieu.ui.tab_parts import hint_label

KEYS: dict[int, str] = {
    Qt.Key.Key_L: DELIVERED,
    Qt.Key.Key_A: ABSENT,
    Qt.Key.Key_Backspace: PLANNED,
}
ALL = "all"


class DeliveryTab(QWidget):
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
        self._app, self._site = app, site
        self._rounds: list[RoundRow] = []
        self.can_edit = app.access.allows(Permission.PEOPLE_EDIT)

        self.day = bounded(QDateEdit(self))
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("dd/MM/yyyy")
        self.day.setDate(today_qdate(site.zone))
        self.day.dateChanged.connect(lambda _d: self.refresh())
        day_label = QLabel(_("&Jour :"), self)
        day_label.setBuddy(self.day)
        self.round = QComboBox(self)
        self.round.setMinimumContentsLength(18)
        self.round.currentIndexChanged.connect(lambda _i: self.load_orders())
        round_label = QLabel(_("&Tournée :"), self)
        round_label.setBuddy(self.round)
        self.new_order_button = QPushButton(_("&Nouvelle commande…"), self)
        self.new_order_button.clicked.connect(self.on_new_order)
        self.new_round_button = QPushButton(_("Nouvelle to&urnée…"), self)
        self.new_round_button.clicked.connect(self.on_new_round)
        self.driver_button = QPushButton(_("C&hauffeur…"), self)
        self.driver_button.setToolTip(_("Changer qui conduit la tournée choisie"))
        self.driver_button.clicked.connect(self.on_change_driver)
        self.delete_round_button = QPushButton(_("Suppri&mer la tournée"), self)
        self.delete_round_button.clicked.connect(self.on_delete_round)
        self.print_button = QPushButton(_("Im&primer la feuille…"), self)
        self.print_button.clicked.connect(self.on_print)
        top = QHBoxLayout()
        top.addWidget(day_label)
        top.addWidget(self.day)
        top.addWidget(round_label)
        top.addWidget(self.round, 1)
        top.addWidget(self.new_order_button)
        top.addWidget(self.print_button)

        self.note = hint_label(_(NOT_A_SALE), self)
        self.summary = QLabel(self)

        self.model = OrdersModel(self)
        self.view = make_table(self.model, self, stretch=OrdersModel.Columns.BRING)
        self.view.installEventFilter(self)
        self.view.doubleClicked.connect(lambda _i: self.on_edit())
        self.view.selectionModel().selectionChanged.connect(lambda *_a: self._update_actions())

        self.add_button = QPushButton(_("Sur la tournée (Inser)"), self)
        self.add_button.clicked.connect(self.on_add_to_round)
        self.remove_button = QPushButton(_("Hors tournée (Suppr)"), self)
        self.remove_button.clicked.connect(self.on_remove)
        self.sort_button = QPushButton(_("T&rier par adresse"), self)
        self.sort_button.clicked.connect(self.on_sort)
        self.up_button = QPushButton(_("Monter (Ctrl+Haut)"), self)
        self.up_button.clicked.connect(lambda: self.on_move(-1))
        self.down_button = QPushButton(_("Descendre (Ctrl+Bas)"), self)
        self.down_button.clicked.connect(lambda: self.on_move(1))
        self.status_buttons: dict[str, QPushButton] = {}
        actions = QHBoxLayout()
        ticks = QHBoxLayout()
        for button in (self.new_round_button, self.driver_button, self.delete_round_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            actions.addWidget(button)
        for button in (self.sort_button, self.add_button, self.remove_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            actions.addWidget(button)
        actions.addStretch(1)
        for button in (self.up_button, self.down_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            ticks.addWidget(button)
        for status, key in ((DELIVERED, "L"), (ABSENT, "A"), (PLANNED, _("Retour arrière"))):
            button = QPushButton(_("{label} ({key})").format(label=status_label(status), key=key))
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(lambda _c=False, s=status: self.on_mark(s))
            ticks.addWidget(button)
            self.status_buttons[status] = button
        ticks.addStretch(1)
        self.hint = hint_label(
            _(
                "Ctrl+N : nouvelle commande, Entrée : la corriger, Inser : sur la tournée, "
                "Suppr : hors tournée ou annulée, Ctrl+Haut/Bas : ordre des arrêts, "
                "L : livré, A : absent, Ctrl+P : feuille de tournée."
            ),
            self,
        )
        self.status = StatusLabel(self, zone=site.zone)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.note)
        layout.addWidget(self.summary)
        layout.addWidget(self.view, 1)
        layout.addLayout(actions)
        layout.addLayout(ticks)
        layout.addWidget(self.hint)
        layout.addWidget(self.status)

        add_shortcut(self, QKeySequence.StandardKey.New, self.on_new_order, self.new_order_button)
        add_shortcut(self, QKeySequence.StandardKey.Print, self.on_print, self.print_button)
        self.shown = refresh_when_shown(self, every_time=True)

    # -- data ------------------------------------------------------------------------------
    def current_day(self) -> date:
        return to_date(self.day.date())

    def current_round(self) -> uuid.UUID | None:
        data = self.round.currentData()
        return data if isinstance(data, uuid.UUID) else None

    def refresh(self) -> None:
        """Re-read the day's rounds (keeping the one chosen) and its orders."""
        wanted = self.current_round()
        try:
            self._rounds = self._app.deliveries.rounds(self._site.id, self.current_day())
        except Exception as exc:  # expected ones shown, unexpected ones also logged
            show_error(self, exc, _("Portage indisponible"))
            return
        self.round.blockSignals(True)
        self.round.clear()
        self.round.addItem(_("Toutes les commandes du jour"), ALL)
        for found in self._rounds:
            stops = ngettext("{n} arrêt", "{n} arrêts", found.stops).format(n=found.stops)
            self.round.addItem(
                _("{round} ({stops})").format(round=found.title(), stops=stops), found.id
            )
        index = next(
            (i for i in range(self.round.count()) if self.round.itemData(i) == wanted),
            1 if self._rounds else 0,
        )
        self.round.setCurrentIndex(index)
        self.round.blockSignals(False)
        self.load_orders()

    def load_orders(self) -> None:
        chosen = self.current_round()
        keep = selected_id(self.view)
        rows = self._app.deliveries.orders(self._site.id, self.current_day())
        OrdersModel.rounds = {r.id: r.driver or r.label or _("Tournée") for r in self._rounds}
        if chosen is not None:  # the round's stops, then the day's orders on no round
            rows = [r for r in rows if r.round_id == chosen] + [
                r for r in rows if r.round_id is None
            ]
        self.model.set_rows(rows)
        done = sum(1 for r in rows if r.status == DELIVERED)
        absent = sum(1 for r in rows if r.status == ABSENT)
        self.summary.setText(
            ngettext("{n} commande", "{n} commandes", len(rows)).format(n=len(rows))
            + " — "
            + ngettext("{n} livrée", "{n} livrées", done).format(n=done)
            + ", "
            + ngettext("{n} absent", "{n} absents", absent).format(n=absent)
        )
        if keep is not None:
            select_id(self.view, keep)
        elif rows:
            self.view.selectRow(0)
        self._update_actions()

    def selected(self) -> OrderRow | None:
        row_id = selected_id(self.view)
        number = self.model.find_row(row_id) if row_id is not None else -1
        return self.model.row_at(number) if number >= 0 else None

    def _update_actions(self) -> None:
        order = self.selected()
        on_round = self.current_round() is not None
        self.new_order_button.setEnabled(self.can_edit)
        self.new_round_button.setEnabled(self.can_edit)
        self.driver_button.setEnabled(self.can_edit and on_round)
        self.delete_round_button.setEnabled(self.can_edit and on_round)
        self.print_button.setEnabled(on_round)
        self.sort_button.setEnabled(self.can_edit and on_round)
        self.add_button.setEnabled(
            self.can_edit and on_round and order is not None and order.round_id is None
        )
        self.remove_button.setEnabled(self.can_edit and order is not None)
        movable = self.can_edit and order is not None and order.round_id is not None
        self.up_button.setEnabled(movable)
        self.down_button.setEnabled(movable)
        for button in self.status_buttons.values():
            button.setEnabled(order is not None)

    # -- keyboard --------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.view and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key, mods = event.key(), event.modifiers()
            plain = mods in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)
            if mods & Qt.KeyboardModifier.ControlModifier and key in (
                Qt.Key.Key_Up,
                Qt.Key.Key_Down,
            ):
                self.on_move(-1 if key == Qt.Key.Key_Up else 1)
                return True
            if plain and key in KEYS:
                self.on_mark(KEYS[key])
                return True
            if plain and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.on_edit()
                return True
            if plain and key == Qt.Key.Key_Insert:
                self.on_add_to_round()
                return True
            if plain and key == Qt.Key.Key_Delete:
                self.on_remove()
                return True
        return super().eventFilter(watched, event)

    # -- actions ---------------------------------------------------------------------------
    def _done(self, message: str, order_id: object = None) -> None:
        self.refresh()
        if order_id is not None:
            select_id(self.view, order_id)
        self.view.setFocus()
        self.status.confirm(message)

    def on_new_order(self) -> None:
        if not self.can_edit:
            return
        dialog = OrderDialog(self._app, self._site, self, day=self.current_day())
        if dialog.exec() and dialog.saved is not None:
            saved = dialog.saved
            if saved.for_date != self.current_day():
                self.day.setDate(to_qdate(saved.for_date))
            chosen = self.current_round()
            if chosen is not None and saved.for_date == self.current_day():
                self._app.deliveries.assign(saved.id, chosen)
            self._done(
                _("Commande de {name} pour le {day} enregistrée.").format(
                    name=saved.recipient, day=format_date(saved.for_date)
                ),
                saved.id,
            )

    def on_edit(self) -> None:
        order = self.selected()
        if order is None or not self.can_edit or order.status != PLANNED:
            return
        dialog = OrderDialog(self._app, self._site, self, day=order.for_date, order=order)
        if dialog.exec() and dialog.saved is not None:
            self._done(_("Commande de {name} corrigée.").format(name=order.recipient), order.id)

    def on_new_round(self) -> None:
        if not self.can_edit:
            return
        driver, ok = QInputDialog.getText(
            self,
            _("Nouvelle tournée"),
            _("Qui conduit la tournée du {day} ?").format(day=format_date(self.current_day())),
        )
        if not ok:
            return
        try:
            made = self._app.deliveries.create_round(
                self._site.id, day=self.current_day(), driver=driver
            )
        except Exception as exc:  # expected ones shown, unexpected ones also logged
            show_error(self, exc, _("Tournée non créée"))
            return
        self.refresh()
        index = next(i for i in range(self.round.count()) if self.round.itemData(i) == made.id)
        self.round.setCurrentIndex(index)
        self.view.setFocus()
        self.status.confirm(_("Tournée de {driver} créée.").format(driver=made.driver))

    def chosen_round(self) -> RoundRow | None:
        chosen = self.current_round()
        return next((r for r in self._rounds if r.id == chosen), None)

    def on_change_driver(self) -> None:
        chosen = self.chosen_round()
        if chosen is None or not self.can_edit:
            return
        driver, ok = QInputDialog.getText(
            self,
            _("Chauffeur"),
            _("Qui conduit la tournée du {day} ?").format(day=format_date(chosen.day)),
            text=chosen.driver,
        )
        if not ok:
            return
        try:
            changed = self._app.deliveries.update_round(
                chosen.id, driver=driver, label=chosen.label
            )
        except Exception as exc:  # expected ones shown, unexpected ones also logged
            show_error(self, exc, _("Tournée non modifiée"))
            return
        self._done(_("La tournée est conduite par {driver}.").format(driver=changed.driver))

    def on_delete_round(self) -> None:
        chosen = self.chosen_round()
        if chosen is None or not self.can_edit:
            return
        answer = QMessageBox.question(
            self,
            _("Supprimer la tournée"),
            _(
                "Supprimer la tournée de {driver} ? Ses arrêts restent des commandes du jour."
            ).format(driver=chosen.driver),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self._act(
            _("Tournée non supprimée"),
            lambda: self._app.deliveries.delete_round(chosen.id),
            _("Tournée de {driver} supprimée.").format(driver=chosen.driver),
        )

    def _act(self, title: str, work: Any, message: str, order_id: object = None) -> None:
        try:
            work()
        except Exception as exc:  # expected ones shown, unexpected ones also logged
            show_error(self, exc, title)
            return
        self._done(message, order_id)

    def on_add_to_round(self) -> None:
        order, chosen = self.selected(), self.current_round()
        if order is None or chosen is None or not self.can_edit or order.round_id is not None:
            return
        self._act(
            _("Commande non placée"),
            lambda: self._app.deliveries.assign(order.id, chosen),
            _("{name} ajouté·e à la tournée.").format(name=order.recipient),
            order.id,
        )

    def on_remove(self) -> None:
        order = self.selected()
        if order is None or not self.can_edit:
            return
        if order.round_id is not None:
            self._act(
                _("Commande non retirée"),
                lambda: self._app.deliveries.assign(order.id, None),
                _("{name} retiré·e de la tournée.").format(name=order.recipient),
                order.id,
            )
            return
        answer = QMessageBox.question(
            self,
            _("Annuler la commande"),
            _("Annuler la commande de {name} du {day} ?").format(
                name=order.recipient, day=format_date(order.for_date)
            ),
        )
        if answer == QMessageBox.StandardButton.Yes:
            self._act(
                _("Commande non annulée"),
                lambda: self._app.deliveries.cancel_order(order.id),
                _("Commande de {name} annulée.").format(name=order.recipient),
            )

    def on_sort(self) -> None:
        chosen = self.current_round()
        if chosen is None or not self.can_edit:
            return
        self._act(
            _("Tournée non triée"),
            lambda: self._app.deliveries.sort_by_address(chosen),
            _("Arrêts triés par commune puis adresse."),
        )

    def on_move(self, step: int) -> None:
        order = self.selected()
        if order is None or order.round_id is None or not self.can_edit:
            return
        self._act(
            _("Arrêt non déplacé"),
            lambda: self._app.deliveries.move(order.id, step),
            _("{name} : arrêt déplacé.").format(name=order.recipient),
            order.id,
        )

    def on_mark(self, status: str) -> None:
        order = self.selected()
        if order is None:
            return
        self._act(
            _("Livraison non pointée"),
            lambda: self._app.deliveries.mark(order.id, status),
            _("{name} : {status}.").format(name=order.recipient, status=status_label(status)),
            order.id,
        )

    def on_print(self) -> None:
        chosen = self.current_round()
        if chosen is None:
            self.status.confirm(_("Choisissez une tournée pour imprimer sa feuille."))
            return
        try:
            sheet = self._app.deliveries.sheet(chosen)
        except Exception as exc:  # expected ones shown, unexpected ones also logged
            show_error(self, exc, _("Feuille de tournée indisponible"))
            return
        place = self._site.name

        def write(target: Path) -> Path:
            return write_round_sheet(target, sheet, place=place)

        print_confirmed(
            self,
            self.status,
            write,
            title=_("Feuille de tournée"),
            label=_("Impression de la feuille de tournée…"),
        )
