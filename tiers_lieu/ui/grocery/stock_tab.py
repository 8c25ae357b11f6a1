"""« Stock »: each product's level and history, and the three movements a host records by
hand: a reception (Ctrl+R, with the purchase price), a loss or breakage (Ctrl+L) and an
inventory count (Ctrl+I). « Sous le seuil » keeps only what must be re-ordered."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import partial

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import ComptoirError, ValidationError
from tiers_lieu.i18n import _
from tiers_lieu.models.enums import StockMovementKind
from tiers_lieu.services.grocery.labels import movement_label, unit_label
from tiers_lieu.services.grocery.products import ProductInfo
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.common import add_shortcut, make_table, select_id, selected_id
from tiers_lieu.ui.data_changed import DataChanged, Topic, hub_for
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.grocery.common import parse_cents, parse_milli
from tiers_lieu.ui.grocery.table_models import MovementsModel, ProductsModel
from tiers_lieu.ui.loading import BackgroundLoad, refresh_when_shown
from tiers_lieu.ui.widgets import SubHeading


class MovementDialog(QDialog):
    """Quantity (and purchase price for a reception, a note) of one stock movement."""

    def __init__(self, kind: StockMovementKind, product: ProductInfo, parent: QWidget) -> None:
        super().__init__(parent)
        self.kind = kind
        self.setWindowTitle(
            _("{movement} — {product}").format(movement=movement_label(kind), product=product.name)
        )
        self.quantity = QLineEdit(self)
        self.cost = QLineEdit(self)
        self.note = QLineEdit(self)
        form = QFormLayout()
        unit = unit_label(product.unit)
        label = (
            _("Quantité &comptée ({unit}) :")
            if kind == StockMovementKind.INVENTORY
            else _("&Quantité ({unit}) :")
        ).format(unit=unit)
        form.addRow(label, self.quantity)
        if kind == StockMovementKind.RECEPTION:
            form.addRow(_("&Prix d'achat unitaire HT (€) :"), self.cost)
        form.addRow(_("&Remarque :"), self.note)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)

    def values(self) -> tuple[int, int | None, str]:
        quantity = parse_milli(self.quantity.text())
        if quantity is None:
            raise ValidationError(
                _("Quantité"), _("quantité illisible : tapez par exemple 12 ou 2,5")
            )
        cost = parse_cents(self.cost.text()) if self.cost.text().strip() else None
        if self.cost.text().strip() and cost is None:
            raise ValidationError(
                _("Prix d'achat"), _("montant illisible : tapez par exemple 1,80")
            )
        return quantity, cost, self.note.text()


class StockTab(QWidget):
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
        self.low_only = QCheckBox(_("Seulement les produits sous le &seuil d'alerte"), self)
        self.low_only.toggled.connect(self.refresh)
        self.model = ProductsModel(self)
        self.view = make_table(self.model, self, stretch=ProductsModel.Columns.NAME)
        for column in (
            ProductsModel.Columns.SOLIDARITY,
            ProductsModel.Columns.VAT,
            ProductsModel.Columns.BARCODE,
        ):
            self.view.setColumnHidden(column, True)
        self.view.selectionModel().selectionChanged.connect(self.on_selection_changed)
        self.history_title = SubHeading(_("Mouvements"), self)
        self.history = MovementsModel(self)
        self.history.zone = app.visits.time_zone(site.id)
        self.history_view = make_table(self.history, self, stretch=MovementsModel.Columns.NOTE)

        buttons = QHBoxLayout()
        for text, keys, kind in (
            (_("&Réception"), "Ctrl+R", StockMovementKind.RECEPTION),
            (_("&Perte / casse"), "Ctrl+L", StockMovementKind.LOSS),
            (_("I&nventaire"), "Ctrl+I", StockMovementKind.INVENTORY),
        ):
            button = QPushButton(text, self)
            button.clicked.connect(partial(self.record, kind))
            add_shortcut(self, keys, partial(self.record, kind), button)
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.low_only)

        lower = QWidget(self)
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.history_title)
        lower_layout.addWidget(self.history_view)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.view)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(splitter, 1)
        self.setFocusProxy(self.view)
        self.loader = BackgroundLoad(self, self.view)
        self.shown = refresh_when_shown(self, every_time=True)  # read each time on screen

    def refresh(self, *_args: object) -> None:
        """Read the levels off the GUI thread: each sums every movement of its product."""
        grocery, site_id = self._app.grocery, self._site.id
        read: Callable[[], list[ProductInfo]] = (
            (lambda: grocery.stock.low_stock(site_id=site_id))
            if self.low_only.isChecked()
            else (lambda: grocery.products.list(site_id=site_id))
        )
        current = selected_id(self.view)
        self.loader.start(read, lambda rows: self.show_rows(rows, current))

    def show_rows(self, rows: list[ProductInfo], current: object | None) -> None:
        self.model.set_rows(rows)
        if current is not None:
            select_id(self.view, current)
        if selected_id(self.view) is None and rows:
            self.view.selectRow(0)
        if selected_id(self.view) is None:
            self.on_selection_changed()  # a selection read the history already

    def _selected(self) -> ProductInfo | None:
        product_id = selected_id(self.view)
        if not isinstance(product_id, uuid.UUID):
            return None
        return self.model.row_at(self.model.find_row(product_id))

    def on_selection_changed(self, *_args: object) -> None:
        product = self._selected()
        if product is None:
            self.history.set_rows([])
            self.history_title.setText(_("Mouvements"))
            return
        self.history.unit = product.unit
        self.history.set_rows(self._app.grocery.stock.history(product.id))
        self.history_title.setText(_("Mouvements de « {name} »").format(name=product.name))

    def record(self, kind: StockMovementKind, *_args: object) -> None:
        product = self._selected()
        if product is None:
            return
        dialog = MovementDialog(kind, product, self)
        if kind == StockMovementKind.INVENTORY:
            dialog.quantity.setText(
                str(product.stock_milli // 1000) if product.stock_milli % 1000 == 0 else ""
            )
        while dialog.exec() == QDialog.DialogCode.Accepted:
            try:
                self._save(kind, product, *dialog.values())
            except ComptoirError as exc:
                show_error(dialog, exc)
                continue
            self.refresh()
            self.changes.announce(self, Topic.STOCK)
            break
        dialog.deleteLater()

    def _save(
        self,
        kind: StockMovementKind,
        product: ProductInfo,
        quantity: int,
        cost: int | None,
        note: str,
    ) -> None:
        stock = self._app.grocery.stock
        if kind == StockMovementKind.RECEPTION:
            stock.receive(
                site_id=self._site.id,
                product_id=product.id,
                quantity_milli=quantity,
                unit_cost_cents=cost,
                note=note,
            )
        elif kind == StockMovementKind.LOSS:
            stock.lose(
                site_id=self._site.id,
                product_id=product.id,
                quantity_milli=quantity,
                note=note,
            )
        else:
            stock.count(
                site_id=self._site.id,
                product_id=product.id,
                counted_milli=quantity,
                note=note,
            )
