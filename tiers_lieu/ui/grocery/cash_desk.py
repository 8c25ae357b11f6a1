"""« Caisse »: the counter's quick sale, made to be used without the mouse.

The cursor lives in one input. A barcode scanner types digits and Entrée: the product is
added (or its quantity goes up). Letters show the matching products under the input (↑/↓ to
choose, Entrée to add). « 3* » before a code or a name sells three; « 0,625* » sells 625 g of
a product sold by weight (without it, the weight is asked). F1–F8 add the favourites,
Ctrl+Suppr removes the selected (or last) line, F9 or Ctrl+Entrée opens the payment, and
Entrée there records sale, payments and stock movements in one transaction, after which the
screen is empty for the next customer, the change still shown in large type.
"""

from __future__ import annotations

import re
from functools import partial

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import ComptoirError, ValidationError
from tiers_lieu.i18n import _, format_date, format_eur
from tiers_lieu.services.grocery.products import ProductInfo
from tiers_lieu.services.grocery.sales import LineInput, PaymentInput, SaleInfo, StockWarning
from tiers_lieu.services.grocery.stock import format_quantity
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.common import add_shortcut, make_table
from tiers_lieu.ui.data_changed import DataChanged, Topic, hub_for
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.grocery.common import parse_milli
from tiers_lieu.ui.grocery.payment_dialog import PaymentDialog
from tiers_lieu.ui.grocery.receipt_dialog import edit_printer, show_sale_receipt
from tiers_lieu.ui.grocery.selling import big, open_payment, sell_beyond_stock
from tiers_lieu.ui.grocery.table_models import CartLine, CartModel, ProductsModel
from tiers_lieu.ui.loading import refresh_when_shown
from tiers_lieu.ui.pickers import PersonEdit

_QUANTITY = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*[*x×]\s*(.*)$", re.IGNORECASE)
FAVOURITE_KEYS = ("F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8")


class CashDeskTab(QWidget):
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
        self._pending: int | None = None
        self.payment_dialog: PaymentDialog | None = None

        self.scan = QLineEdit(self)
        self.scan.setPlaceholderText(
            _("Scannez un code-barres ou tapez un nom — « 3* » pour une quantité")
        )
        self.scan.setClearButtonEnabled(True)
        _big_font = self.scan.font()
        _big_font.setPointSizeF(_big_font.pointSizeF() * 1.4)
        self.scan.setFont(_big_font)
        self.scan.returnPressed.connect(self.on_scan_returned)
        self.scan.textEdited.connect(self.on_scan_edited)
        self.scan.installEventFilter(self)
        scan_label = QLabel(_("A&rticle :"), self)
        scan_label.setBuddy(self.scan)

        self.matches_model = ProductsModel(self)
        self.matches = make_table(self.matches_model, self, stretch=0)
        shown = (
            ProductsModel.Columns.NAME,
            ProductsModel.Columns.PRICE,
            ProductsModel.Columns.STOCK,
        )
        for match_column in ProductsModel.Columns:
            self.matches.setColumnHidden(match_column, match_column not in shown)
        self.matches.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.matches.setMaximumHeight(150)
        self.matches.hide()

        self.pending_label = QLabel(self)
        self.cart = CartModel(self)
        self.cart_view = make_table(self.cart, self, stretch=CartModel.Columns.PRODUCT)
        # Fixed widths: resizing to contents re-measures every line at each scan.
        header = self.cart_view.horizontalHeader()
        width = self.cart_view.fontMetrics().horizontalAdvance("0000,000 €  /  litre")
        for cart_column in (
            CartModel.Columns.QUANTITY,
            CartModel.Columns.PRICE,
            CartModel.Columns.TOTAL,
        ):
            header.setSectionResizeMode(cart_column, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(
                cart_column, width if cart_column == CartModel.Columns.PRICE else width * 2 // 3
            )

        self.total_label = QLabel(self)
        big(self.total_label, 2.6)
        self.total_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        # A width that fits « Total : 9 999,99 € »: a total that grows does not re-lay out
        # the screen at every scan.
        self.total_label.setMinimumWidth(
            self.total_label.fontMetrics().horizontalAdvance(_("Total : 9 999,99 €")) + 8
        )

        self.buyer = PersonEdit(app, site.id, self)
        self.buyer.value_changed.connect(self.on_buyer_changed)
        buyer_label = QLabel(_("C&lient :"), self)
        buyer_label.setBuddy(self.buyer)
        self.solidarity = QCheckBox(_("Prix &solidaire (foyer orienté)"), self)
        self.solidarity.toggled.connect(self.on_solidarity_toggled)
        # « Tarif solidaire échu le … »: the buyer's eligibility ended, the price is not applied.
        self.eligibility_label = QLabel(self)
        self.eligibility_label.hide()

        self.favourites_row = QHBoxLayout()
        self.favourite_buttons: list[QPushButton] = []

        self.pay_button = QPushButton(_("&Payer (F9)"), self)
        self.pay_button.clicked.connect(self.pay)
        add_shortcut(self, "F9", self.pay, self.pay_button)
        add_shortcut(self, "Ctrl+Return", self.pay)
        remove = QPushButton(_("Retirer la ligne"), self)
        remove.clicked.connect(self.remove_line)
        add_shortcut(self, "Ctrl+Del", self.remove_line, remove)
        clear = QPushButton(_("&Nouvelle vente"), self)
        clear.clicked.connect(self.on_new_sale_clicked)
        self.printer_button = QPushButton(_("I&mprimante de tickets…"), self)
        self.printer_button.clicked.connect(lambda: edit_printer(self))

        self.status = QLabel(self)
        big(self.status, 1.5)
        self.status.setWordWrap(True)

        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        row.addWidget(scan_label)
        row.addWidget(self.scan, 1)
        layout.addLayout(row)
        layout.addWidget(self.matches)
        layout.addWidget(self.pending_label)
        layout.addLayout(self.favourites_row)
        layout.addWidget(self.cart_view, 1)
        buyer_row = QHBoxLayout()
        buyer_row.addWidget(buyer_label)
        buyer_row.addWidget(self.buyer, 1)
        buyer_row.addWidget(self.eligibility_label)
        buyer_row.addWidget(self.solidarity)
        layout.addLayout(buyer_row)
        bottom = QHBoxLayout()
        bottom.addWidget(remove)
        bottom.addWidget(clear)
        bottom.addWidget(self.printer_button)
        bottom.addStretch(1)
        bottom.addWidget(self.total_label)
        bottom.addWidget(self.pay_button)
        layout.addLayout(bottom)
        layout.addWidget(self.status)
        self.setFocusProxy(self.scan)
        self.refresh()
        # A product starred or renamed in « Produits »: the buttons when next shown.
        self.shown = refresh_when_shown(self, read=True)
        self.changes.watch(self, {Topic.PRODUCTS}, self.shown.invalidate)

    # -- building ---------------------------------------------------------------------
    def refresh(self) -> None:
        """Reload the favourite buttons (a product may have been starred in « Produits »)."""
        for button in self.favourite_buttons:
            self.favourites_row.removeWidget(button)
            button.deleteLater()
        for action in [a for a in self.actions() if a.property("favourite")]:
            self.removeAction(action)
        self.favourite_buttons = []
        favourites = self._app.grocery.products.favourites(site_id=self._site.id)
        for key, product in zip(FAVOURITE_KEYS, favourites, strict=False):
            button = QPushButton(f"{key}  {product.name}", self)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(partial(self.add_product, product))
            action = add_shortcut(self, key, partial(self.add_product, product), button)
            action.setProperty("favourite", True)
            self.favourites_row.addWidget(button)
            self.favourite_buttons.append(button)
        self._show_total()

    # -- the input ------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.scan and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.matches.isVisible():
                row = self.matches.currentIndex().row()
                step = 1 if key == Qt.Key.Key_Down else -1
                row = max(0, min(self.matches_model.rowCount() - 1, row + step))
                self.matches.selectRow(row)
                return True
            if key == Qt.Key.Key_Escape:
                self._reset_input()
                return True
        return super().eventFilter(watched, event)

    def on_scan_edited(self, text: str) -> None:
        _quantity, rest = self._split(text)
        if len(rest) < 2 or rest.isdigit():
            self.matches_model.set_rows([])
            self.matches.hide()
            return
        found = self._app.grocery.products.search(site_id=self._site.id, text=rest)
        self.matches_model.set_rows(found)
        self.matches.setVisible(bool(found))
        if found:
            self.matches.selectRow(0)

    @staticmethod
    def _split(text: str) -> tuple[int | None, str]:
        match = _QUANTITY.match(text)
        if match is None:
            return None, text.strip()
        return parse_milli(match.group(1)), match.group(2).strip()

    def on_scan_returned(self) -> None:
        text = self.scan.text()
        quantity, rest = self._split(text)
        if _QUANTITY.match(text) and quantity is None:
            show_error(self, ValidationError(_("Quantité"), _("quantité illisible")))
            return
        if quantity is not None:
            self._pending = quantity
        if not rest:
            self.scan.clear()
            self._show_pending()
            return
        if rest.isdigit():
            product = self._app.grocery.products.by_barcode(site_id=self._site.id, barcode=rest)
            if product is None:
                self.scan.selectAll()
                QMessageBox.warning(
                    self,
                    _("Code-barres inconnu"),
                    _("Aucun produit actif n'a le code-barres {code}.").format(code=rest),
                )
                return
            self.add_product(product)
            return
        rows = self.matches.selectionModel().selectedRows()
        if not rows or not self.matches.isVisible():
            self.on_scan_edited(text)
            rows = self.matches.selectionModel().selectedRows()
        if rows:
            self.add_product(self.matches_model.row_at(rows[0].row()))

    def _show_pending(self) -> None:
        if not self._pending and not self.pending_label.text():
            return
        self.pending_label.setText(
            _("Quantité {q} : scannez ou choisissez l'article.").format(
                q=format_quantity(self._pending, "kg" if self._pending % 1000 else "piece")
            )
            if self._pending
            else ""
        )

    def _reset_input(self) -> None:
        self.scan.clear()
        self._pending = None
        self._show_pending()
        if self.matches_model.rowCount():
            self.matches_model.set_rows([])
        self.matches.hide()

    # -- the basket ------------------------------------------------------------------------
    def add_product(self, product: ProductInfo) -> None:
        quantity = self._pending
        if quantity is None and product.is_weighed:
            text, ok = QInputDialog.getText(
                self,
                _("Poids ou volume"),
                _("Quantité de « {name} » (par exemple 0,625) :").format(name=product.name),
            )
            quantity = parse_milli(text) if ok else None
            if not quantity:
                self.scan.setFocus()
                return
        if quantity is None:
            quantity = 1000
        if not product.is_weighed and quantity % 1000:
            show_error(self, ValidationError(product.name, _("se vend à la pièce (nombre entier)")))
            return
        solidarity = self.solidarity.isChecked()
        previous = next((line for line in self.cart.rows() if line.product.id == product.id), None)
        if previous is not None:
            quantity += previous.quantity_milli
        position = self.cart.put(CartLine(product, quantity, solidarity))
        self.cart_view.selectRow(position)
        self._reset_input()
        if self.status.text():
            self.status.clear()
        self._show_total()
        self.scan.setFocus()

    def remove_line(self) -> None:
        lines = self.cart.rows()
        if not lines:
            return
        rows = self.cart_view.selectionModel().selectedRows()
        index = rows[0].row() if rows else len(lines) - 1
        del lines[index]
        self.cart.set_rows(lines)
        if lines:
            self.cart_view.selectRow(min(index, len(lines) - 1))
        self._show_total()
        self.scan.setFocus()

    def on_new_sale_clicked(self) -> None:
        self.clear_sale()
        self.status.clear()

    def clear_sale(self) -> None:
        self.cart.set_rows([])
        self.buyer.clear()
        self.solidarity.setChecked(False)
        self.eligibility_label.clear()
        self.eligibility_label.hide()
        self._reset_input()
        self._show_total()
        self.scan.setFocus()

    def on_buyer_changed(self, person_id: object) -> None:
        sales = self._app.grocery.sales
        ended = None
        if person_id is not None:
            if sales.eligible(self.buyer.value()):
                self.solidarity.setChecked(True)
            else:  # the host may still tick the box by hand
                ended = sales.eligibility_ended(self.buyer.value())
        self.eligibility_label.setText(
            _("Tarif solidaire échu le {date}").format(date=format_date(ended)) if ended else ""
        )
        self.eligibility_label.setVisible(ended is not None)

    def on_solidarity_toggled(self, checked: bool) -> None:
        self.cart.set_rows(
            [CartLine(line.product, line.quantity_milli, checked) for line in self.cart.rows()]
        )
        self._show_total()

    def _show_total(self) -> None:
        self.total_label.setText(
            _("Total : {total}").format(total=format_eur(self.cart.total_cents()))
        )

    # -- payment ---------------------------------------------------------------------------
    def pay(self) -> None:
        if not self.cart.rows() or self.payment_dialog is not None:
            return
        self.payment_dialog = open_payment(
            self,
            self.cart.total_cents(),
            lambda dialog: self.record(dialog.payments()),
            self.on_payment_closed,
        )

    def on_payment_closed(self) -> None:
        self.payment_dialog = None
        self.scan.setFocus()

    def record(self, payments: list[PaymentInput], *, confirm: bool = False) -> SaleInfo | None:
        sales = self._app.grocery.sales
        try:
            sale = sales.record(
                site_id=self._site.id,
                lines=[
                    LineInput(line.product.id, line.quantity_milli) for line in self.cart.rows()
                ],
                payments=payments,
                person_id=self.buyer.value(),
                solidarity=self.solidarity.isChecked(),
                confirm_beyond_stock=confirm,
            )
        except StockWarning as warning:
            if sell_beyond_stock(self, warning):
                return self.record(payments, confirm=True)
            return None
        except ComptoirError as exc:
            show_error(self, exc)
            return None
        except Exception as exc:  # shown calmly, logged with its traceback
            show_error(self, exc)
            return None
        self.clear_sale()
        if sale.change_cents:
            message = _("Vente enregistrée : {total} — monnaie à rendre : {change}").format(
                total=format_eur(sale.total_cents), change=format_eur(sale.change_cents)
            )
        else:
            message = _("Vente enregistrée : {total}").format(total=format_eur(sale.total_cents))
        self.status.setText(message)
        self.receipt_dialog = show_sale_receipt(self._app, sale.id, sale.change_cents, self)
        self.changes.announce(self, Topic.SALES, Topic.STOCK)
        return sale
