"""« Café » (in « Épicerie et AMAP »): quick sales and open tabs (« ardoises »), by keyboard.

The list on the left holds « Au comptoir » (a quick sale without a tab: one coffee, paid at
once) then the open tabs with their running totals; ↑/↓ choose. The digits 1–9 put the
café's products of the grid on the chosen tab (or the counter), Ctrl+N opens a tab for a
table or a person, Ctrl+Suppr takes one unit of the selected line away, and Ctrl+Entrée
settles: the cash desk's payment dialog, then ONE numbered ticket (the tab closed with it,
in the same transaction: :mod:`tiers_lieu.services.cafe`). The café does not stop on the
ticket as the grocery's till does: Ctrl+P (« Ticket ») shows the last one when the customer
asks for it, the original the first time, a duplicate after.
"""

from __future__ import annotations

import uuid
from functools import partial

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import ComptoirError
from tiers_lieu.i18n import _, format_eur, format_time
from tiers_lieu.services.cafe import LABEL_MAX, TabInfo, TabLineInfo
from tiers_lieu.services.grocery.products import ProductInfo
from tiers_lieu.services.grocery.sales import LineInput, PaymentInput, SaleInfo, StockWarning
from tiers_lieu.services.grocery.stock import format_quantity
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.services.till.tickets import ticket_label
from tiers_lieu.ui.common import add_shortcut, make_table
from tiers_lieu.ui.data_changed import DataChanged, Topic, hub_for
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.grocery.payment_dialog import PaymentDialog
from tiers_lieu.ui.grocery.receipt_dialog import ReceiptDialog, reprint_sale, show_sale_receipt
from tiers_lieu.ui.grocery.selling import big, open_payment, sell_beyond_stock
from tiers_lieu.ui.loading import refresh_when_shown
from tiers_lieu.ui.pickers import PersonEdit

GRID_KEYS = 9
"""Café products with a number key (1–9), three to a row."""
COUNTER: None = None
"""The list's first row: a quick sale without a tab."""


def _item(text: str, *, right: bool = False) -> QStandardItem:
    item = QStandardItem(text)
    item.setEditable(False)
    if right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


class NewTabDialog(QDialog):
    """A table (« Table 3 ») or a person (the picker): one is enough."""

    def __init__(self, app: Comptoir, site: SiteInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Nouvelle ardoise"))
        self.label = QLineEdit(self)
        self.label.setMaxLength(LABEL_MAX)
        self.label.setPlaceholderText(_("Table 3, Terrasse…"))
        self.person = PersonEdit(app, site.id, self)
        form = QFormLayout()
        table_label = QLabel(_("&Table ou nom :"), self)
        table_label.setBuddy(self.label)
        person_label = QLabel(_("&Personne :"), self)
        person_label.setBuddy(self.person)
        form.addRow(table_label, self.label)
        form.addRow(person_label, self.person)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Ouvrir l'ardoise"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.label.setFocus()


class CafePanel(QWidget):
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
        self._zone = site.zone
        self._products: list[ProductInfo] = []
        self._tabs: list[TabInfo] = []
        self._counter: dict[uuid.UUID, int] = {}
        """The quick sale's basket (product → quantity), kept on screen only."""
        self._lines: list[TabLineInfo] = []
        self.payment_dialog: PaymentDialog | None = None
        self.new_tab_dialog: NewTabDialog | None = None

        self.tabs_model = QStandardItemModel(0, 3, self)
        self.tabs_model.setHorizontalHeaderLabels([_("Ardoise"), _("Ouverte"), _("Total")])
        self.tabs_view = make_table(self.tabs_model, self, stretch=0)
        self.tabs_view.installEventFilter(self)
        self.tabs_view.selectionModel().currentRowChanged.connect(self.on_tab_chosen)
        tabs_label = QLabel(_("Ardoises &ouvertes :"), self)
        tabs_label.setBuddy(self.tabs_view)

        self.lines_model = QStandardItemModel(0, 4, self)
        self.lines_model.setHorizontalHeaderLabels(
            [_("Article"), _("Quantité"), _("Prix"), _("Total")]
        )
        self.lines_view = make_table(self.lines_model, self, stretch=0)
        # Fixed widths for figures: resizing to contents re-measures at each key.
        figure = self.fontMetrics().horizontalAdvance("0 000,00 €") + 16
        for view, fixed in ((self.tabs_view, (1, 2)), (self.lines_view, (1, 2, 3))):
            header = view.horizontalHeader()
            for column in fixed:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
                header.resizeSection(column, figure)
        self.tabs_view.setMinimumWidth(200)
        self.lines_view.setMinimumWidth(260)
        self.lines_view.installEventFilter(self)
        self.title = QLabel(self)
        big(self.title, 1.3)
        self.total_label = QLabel(self)
        big(self.total_label, 2.2)
        self.total_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

        self.grid = QGridLayout()
        self.grid_buttons: list[QPushButton] = []
        self.empty_grid = QLabel(
            _(
                "Aucun produit du café : dans « Épicerie › Produits », donnez la catégorie "
                "« Café » aux boissons et en-cas (sans seuil d'alerte, ils ne sont pas suivis "
                "en stock)."
            ),
            self,
        )
        self.empty_grid.setWordWrap(True)
        self.empty_grid.hide()

        self.new_button = QPushButton(_("&Nouvelle ardoise (Ctrl+N)"), self)
        self.new_button.clicked.connect(self.new_tab)
        add_shortcut(self, "Ctrl+N", self.new_tab, self.new_button)
        self.remove_button = QPushButton(_("&Retirer une unité"), self)
        self.remove_button.clicked.connect(self.remove_line)
        add_shortcut(self, "Ctrl+Del", self.remove_line, self.remove_button)
        self.discard_button = QPushButton(_("A&bandonner l'ardoise vide"), self)
        self.discard_button.clicked.connect(self.discard_tab)
        self.settle_button = QPushButton(_("&Encaisser (Ctrl+Entrée)"), self)
        self.settle_button.clicked.connect(self.settle)
        add_shortcut(self, "Ctrl+Return", self.settle, self.settle_button)
        add_shortcut(self, "Ctrl+Enter", self.settle)

        self.ticket_button = QPushButton(_("&Ticket (Ctrl+P)"), self)
        self.ticket_button.setToolTip(_("Le ticket du dernier encaissement, à imprimer ou en PDF"))
        self.ticket_button.clicked.connect(self.show_ticket)
        add_shortcut(self, "Ctrl+P", self.show_ticket)
        self.ticket_button.setEnabled(False)
        self._last_sale: SaleInfo | None = None
        self._last_shown = False
        self.receipt_dialog: ReceiptDialog | None = None

        self.status = QLabel(self)
        big(self.status, 1.3)
        self.status.setWordWrap(True)

        left = QVBoxLayout()
        left.addWidget(tabs_label)
        left.addWidget(self.tabs_view, 1)
        right = QVBoxLayout()
        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.total_label)
        right.addLayout(head)
        right.addWidget(self.lines_view, 1)
        columns = QHBoxLayout()
        columns.addLayout(left, 2)
        columns.addLayout(right, 3)
        actions = QHBoxLayout()
        actions.addWidget(self.new_button)
        actions.addWidget(self.remove_button)
        actions.addWidget(self.discard_button)
        actions.addStretch(1)
        actions.addWidget(self.ticket_button)
        actions.addWidget(self.settle_button)
        layout = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addLayout(self.grid)
        layout.addWidget(self.empty_grid)
        layout.addLayout(actions)
        layout.addWidget(self.status)
        self.setFocusProxy(self.tabs_view)
        self.shown = refresh_when_shown(self)
        self.changes.watch(self, {Topic.PRODUCTS, Topic.SALES}, self.shown.invalidate)

    # -- reading ----------------------------------------------------------------------------
    def refresh(self) -> None:
        """The café's products (the grid) and the open tabs: a few rows each."""
        chosen = self.current_tab_id()
        self._products = self._app.cafe.products(site_id=self._site.id)
        self._build_grid()
        self._load_tabs(chosen)

    def _build_grid(self) -> None:
        for button in self.grid_buttons:
            self.grid.removeWidget(button)
            button.deleteLater()
        self.grid_buttons = []
        for index, product in enumerate(self._products[:GRID_KEYS]):
            button = QPushButton(
                f"{index + 1}  {product.name}  {format_eur(product.price_cents)}", self
            )
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            # A long name is cut rather than widening the screen (1024 pixels).
            button.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
            button.setToolTip(button.text())
            button.clicked.connect(partial(self.add_product, index))
            self.grid.addWidget(button, index // 3, index % 3)
            self.grid_buttons.append(button)
        self.empty_grid.setVisible(not self._products)

    def _load_tabs(self, chosen: uuid.UUID | None) -> None:
        self._tabs = self._app.cafe.open_tabs(site_id=self._site.id)
        model = self.tabs_model
        model.removeRows(0, model.rowCount())
        counter_total = self._counter_total()
        model.appendRow(
            [
                _item(_("Au comptoir")),
                _item(""),
                _item(format_eur(counter_total) if counter_total else "", right=True),
            ]
        )
        for tab in self._tabs:
            model.appendRow(
                [
                    _item(tab.label),
                    _item(format_time(tab.opened_at.astimezone(self._zone).time())),
                    _item(format_eur(tab.total_cents), right=True),
                ]
            )
        row = next((i + 1 for i, t in enumerate(self._tabs) if t.id == chosen), 0)
        self.tabs_view.selectRow(row)
        self._show_current()

    # -- what is chosen -----------------------------------------------------------------------
    def current_tab_id(self) -> uuid.UUID | None:
        """The chosen tab, None for « Au comptoir »."""
        row = self.tabs_view.currentIndex().row()
        if 1 <= row <= len(self._tabs):
            return self._tabs[row - 1].id
        return COUNTER

    def current_tab(self) -> TabInfo | None:
        chosen = self.current_tab_id()
        return next((t for t in self._tabs if t.id == chosen), None)

    def on_tab_chosen(self, *_args: object) -> None:
        self._show_current()

    def _counter_total(self) -> int:
        prices = {p.id: p.price_cents for p in self._products}
        return sum(prices.get(pid, 0) * qty // 1000 for pid, qty in self._counter.items())

    def _show_current(self) -> None:
        tab = self.current_tab()
        if tab is None:
            names = {p.id: p for p in self._products}
            self._lines = [
                TabLineInfo(
                    id=pid,
                    product_id=pid,
                    product_name=names[pid].name,
                    unit=names[pid].unit,
                    quantity_milli=qty,
                    unit_price_cents=names[pid].price_cents,
                    total_cents=names[pid].price_cents * qty // 1000,
                )
                for pid, qty in self._counter.items()
                if pid in names
            ]
            self.title.setText(_("Au comptoir"))
            total = sum(line.total_cents for line in self._lines)
        else:
            self._lines = list(tab.lines)
            self.title.setText(tab.label)
            total = tab.total_cents
        model = self.lines_model
        model.removeRows(0, model.rowCount())
        for line in self._lines:
            model.appendRow(
                [
                    _item(line.product_name),
                    _item(format_quantity(line.quantity_milli, line.unit), right=True),
                    _item(format_eur(line.unit_price_cents), right=True),
                    _item(format_eur(line.total_cents), right=True),
                ]
            )
        if self._lines:
            self.lines_view.selectRow(len(self._lines) - 1)
        self.total_label.setText(_("Total : {total}").format(total=format_eur(total)))
        self.discard_button.setEnabled(tab is not None and not tab.lines)

    # -- keys -------------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched in (self.tabs_view, self.lines_view) and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            text = event.text()
            plain = not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            if plain and len(text) == 1 and "1" <= text <= "9":
                self.add_product(int(text) - 1)
                return True
        return super().eventFilter(watched, event)

    # -- writing ----------------------------------------------------------------------------
    def add_product(self, index: int) -> None:
        if index >= len(self._products) or index >= GRID_KEYS:
            return
        product = self._products[index]
        chosen = self.current_tab_id()
        if chosen is COUNTER:
            self._counter[product.id] = self._counter.get(product.id, 0) + 1000
            self._load_tabs(None)
        else:
            try:
                self._app.cafe.add(chosen, product.id)
            except ComptoirError as exc:
                show_error(self, exc)
                self.refresh()
                return
            self._load_tabs(chosen)
        self.status.clear()
        self.tabs_view.setFocus()

    def remove_line(self) -> None:
        if not self._lines:
            return
        rows = self.lines_view.selectionModel().selectedRows()
        line = self._lines[rows[0].row() if rows else len(self._lines) - 1]
        chosen = self.current_tab_id()
        if chosen is COUNTER:
            left = self._counter.get(line.product_id, 0) - 1000
            if left > 0:
                self._counter[line.product_id] = left
            else:
                self._counter.pop(line.product_id, None)
            self._load_tabs(None)
            return
        try:
            self._app.cafe.remove(line.id)
        except ComptoirError as exc:
            show_error(self, exc)
        self._load_tabs(chosen)

    def new_tab(self) -> None:
        if self.new_tab_dialog is not None:
            return
        dialog = NewTabDialog(self._app, self._site, self)
        dialog.accepted.connect(self.on_new_tab_accepted)
        dialog.finished.connect(self.on_new_tab_finished)
        self.new_tab_dialog = dialog
        dialog.open()

    def on_new_tab_finished(self, _result: int) -> None:
        if self.new_tab_dialog is not None:
            self.new_tab_dialog.deleteLater()
        self.new_tab_dialog = None
        self.tabs_view.setFocus()

    def on_new_tab_accepted(self) -> None:
        dialog = self.new_tab_dialog
        if dialog is None:
            return
        try:
            tab = self._app.cafe.open(
                site_id=self._site.id, label=dialog.label.text(), person_id=dialog.person.value()
            )
        except ComptoirError as exc:
            show_error(self, exc)
            return
        self.status.setText(_("Ardoise « {label} » ouverte.").format(label=tab.label))
        self._load_tabs(tab.id)

    def discard_tab(self) -> None:
        tab = self.current_tab()
        if tab is None:
            return
        try:
            self._app.cafe.discard(tab.id)
        except ComptoirError as exc:
            show_error(self, exc)
        self._load_tabs(None)

    # -- settling ---------------------------------------------------------------------------
    def settle(self) -> None:
        if not self._lines or self.payment_dialog is not None:
            return
        total = sum(line.total_cents for line in self._lines)
        tab_id = self.current_tab_id()
        self.payment_dialog = open_payment(
            self,
            total,
            lambda dialog: self.record(tab_id, dialog.payments()),
            self.on_payment_closed,
        )

    def on_payment_closed(self) -> None:
        self.payment_dialog = None
        self.tabs_view.setFocus()

    def record(
        self, tab_id: uuid.UUID | None, payments: list[PaymentInput], *, confirm: bool = False
    ) -> SaleInfo | None:
        try:
            if tab_id is COUNTER:
                sale = self._app.grocery.sales.record(
                    site_id=self._site.id,
                    lines=[LineInput(pid, qty) for pid, qty in self._counter.items()],
                    payments=payments,
                    confirm_beyond_stock=confirm,
                )
            else:
                sale = self._app.cafe.settle(tab_id, payments, confirm_beyond_stock=confirm)
        except StockWarning as warning:
            if sell_beyond_stock(self, warning):
                return self.record(tab_id, payments, confirm=True)
            return None
        except ComptoirError as exc:
            show_error(self, exc)
            self._load_tabs(tab_id)
            return None
        if tab_id is COUNTER:
            self._counter.clear()
        message = _("Ticket {number} : {total}").format(
            number=ticket_label(sale.ticket_number or 0), total=format_eur(sale.total_cents)
        )
        if sale.change_cents:
            message += " — " + _("monnaie à rendre : {change}").format(
                change=format_eur(sale.change_cents)
            )
        self.status.setText(message)
        self._last_sale, self._last_shown = sale, False
        self.ticket_button.setEnabled(True)
        self._load_tabs(None)
        self.changes.announce(self, Topic.SALES, Topic.STOCK)
        return sale

    def show_ticket(self) -> None:
        """The last sale's ticket, asked for by the customer: the original the first time it
        is shown, then every edition of it is a duplicate (as a reprint from the day's
        sales)."""
        sale = self._last_sale
        if sale is None:
            return
        if self._last_shown:
            self.receipt_dialog = reprint_sale(self._app, sale.id, self)
        else:
            self.receipt_dialog = show_sale_receipt(self._app, sale.id, sale.change_cents, self)
            self._last_shown = self.receipt_dialog is not None
