"""Épicerie et AMAP › « Portage »: home delivery orders taken by phone, the day's rounds, the
round sheet, and delivered / absent ticked after the round.

Keys: Ctrl+N a new order, Alt+T the round selector, Ctrl+P the round sheet; on the list,
Entrée corrects an order, Inser puts it on the round chosen, Suppr takes it off (or cancels
an order on no round), Ctrl+Haut / Ctrl+Bas move a stop, L delivered, A absent, Retour
arrière back to « à livrer ». An order is not a sale: the grocery is paid at the till.
"""

from __future__ import annotations

import uuid
from datetime import date
from enum import IntEnum
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, QStringListModel, Qt
from PySide6.QtGui import QColor, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
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
from tiers_lieu.i18n import _, format_date, ngettext
from tiers_lieu.reports.documents.round_sheet import write_round_sheet
from tiers_lieu.services.access import Permission
from tiers_lieu.services.deliveries import (
    ABSENT,
    DELIVERED,
    PLANNED,
    OrderInput,
    OrderRow,
    RoundRow,
    status_label,
)
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.common import (
    StatusLabel,
    add_shortcut,
    dialog_buttons,
    make_table,
    select_id,
    selected_id,
    to_date,
    today_qdate,
)
from tiers_lieu.ui.data_changed import DataChanged, hub_for
from tiers_lieu.ui.date_range import bounded
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.loading import refresh_when_shown
from tiers_lieu.ui.models import ReadModelTable
from tiers_lieu.ui.pickers import PersonEdit
from tiers_lieu.ui.printing import print_sheet, printed_text

NOT_A_SALE = (
    "Une commande n'est pas une vente : les courses livrées se paient à la caisse de "
    "l'épicerie, où elles sont vendues."
)
_COLOURS = {DELIVERED: "#dff0d8", ABSENT: "#f2dede"}
KEYS: dict[int, str] = {
    Qt.Key.Key_L: DELIVERED,
    Qt.Key.Key_A: ABSENT,
    Qt.Key.Key_Backspace: PLANNED,
}
ALL = "all"


def _qdate(day: date) -> Any:
    from PySide6.QtCore import QDate

    return QDate(day.year, day.month, day.day)


class OrdersModel(ReadModelTable[OrderRow]):
    class Columns(IntEnum):
        NUMBER = 0
        PERSON = 1
        COMMUNE = 2
        ADDRESS = 3
        BRING = 4
        ROUND = 5
        STATUS = 6

    rounds: dict[uuid.UUID, str] = {}

    def headers(self) -> dict[Any, str]:
        c = self.Columns
        return {
            c.NUMBER: _("N°"),
            c.PERSON: _("Personne"),
            c.COMMUNE: _("Commune"),
            c.ADDRESS: _("Adresse"),
            c.BRING: _("À apporter"),
            c.ROUND: _("Chauffeur"),
            c.STATUS: _("État"),
        }

    def display(self, row: OrderRow, column: Any) -> str:
        c = self.Columns
        if column == c.NUMBER:
            return str(row.position) if row.round_id else ""
        if column == c.PERSON:
            return row.recipient
        if column == c.COMMUNE:
            return row.commune
        if column == c.ADDRESS:
            return row.address
        if column == c.BRING:
            return " ; ".join(row.to_bring())
        if column == c.ROUND:
            return self.rounds.get(row.round_id, "") if row.round_id else _("(aucune)")
        return status_label(row.status)

    def extra(self, row: OrderRow, column: Any, role: int) -> object:
        if role == Qt.ItemDataRole.BackgroundRole and row.status in _COLOURS:
            return QColor(_COLOURS[row.status])
        if role == Qt.ItemDataRole.ForegroundRole and row.status in _COLOURS:
            return QColor("#202020")
        return None


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
        self.day.setDate(_qdate(day))
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
        note = QLabel(_(NOT_A_SALE), self)
        note.setWordWrap(True)
        note.setStyleSheet("color: #555;")

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
            self.day.setDate(_qdate(order.for_date))
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
        self.print_button = QPushButton(_("Im&primer la feuille…"), self)
        self.print_button.clicked.connect(self.on_print)
        top = QHBoxLayout()
        top.addWidget(day_label)
        top.addWidget(self.day)
        top.addWidget(round_label)
        top.addWidget(self.round, 1)
        top.addWidget(self.new_order_button)
        top.addWidget(self.print_button)

        self.note = QLabel(_(NOT_A_SALE), self)
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #555;")
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
        self.new_round_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        actions.addWidget(self.new_round_button)
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
        self.hint = QLabel(
            _(
                "Ctrl+N : nouvelle commande, Entrée : la corriger, Inser : sur la tournée, "
                "Suppr : hors tournée ou annulée, Ctrl+Haut/Bas : ordre des arrêts, "
                "L : livré, A : absent, Ctrl+P : feuille de tournée."
            ),
            self,
        )
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #555;")
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
                self.day.setDate(_qdate(saved.for_date))
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

        print_sheet(
            self,
            write,
            title=_("Feuille de tournée"),
            label=_("Impression de la feuille de tournée…"),
            on_printed=lambda pages: self.status.confirm(printed_text(pages)),
        )
