"""« Produits »: the shelf's products with price, VAT, barcode, producer and stock, found by
typing; a product is added with Ctrl+N and changed with Entrée (or a double click)."""

from __future__ import annotations

import uuid

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import _, ngettext
from tiers_lieu.services.grocery.products import ProductInfo
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.common import add_shortcut, make_table, select_id, selected_id
from tiers_lieu.ui.data_changed import DataChanged, ListTab, Topic
from tiers_lieu.ui.grocery.product_dialog import ProductDialog
from tiers_lieu.ui.grocery.table_models import ProductsModel
from tiers_lieu.ui.loading import BackgroundLoad, refresh_when_shown


class ProductsTab(ListTab):
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
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(_("nom, rayon, producteur ou code-barres"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.on_search_changed)
        self.search.returnPressed.connect(self.on_search_returned)
        search_label = QLabel(_("C&hercher :"), self)
        search_label.setBuddy(self.search)
        self.inactive = QCheckBox(_("Afficher les produits &retirés de la vente"), self)
        self.inactive.toggled.connect(self.refresh)
        self.model = ProductsModel(self)
        self.view = make_table(self.model, self, stretch=ProductsModel.Columns.NAME)
        self.view.activated.connect(self.edit_selected)
        self.count = QLabel(self)
        new = QPushButton(_("&Nouveau produit"), self)
        new.clicked.connect(self.on_new_clicked)
        add_shortcut(self, "Ctrl+N", self.on_new_clicked, new)
        edit = QPushButton(_("&Modifier"), self)
        edit.clicked.connect(self.edit_selected)

        top = QHBoxLayout()
        top.addWidget(search_label)
        top.addWidget(self.search, 1)
        top.addWidget(self.inactive)
        buttons = QHBoxLayout()
        buttons.addWidget(new)
        buttons.addWidget(edit)
        buttons.addStretch(1)
        buttons.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self.setFocusProxy(self.search)
        self.loader = BackgroundLoad(self, self.view)
        self._first_when_back = False  # Entrée came before the search it answers
        self.loader.finished.connect(self._on_loaded)
        self.shown = refresh_when_shown(self, every_time=True)  # read each time on screen

    def refresh(self, *_args: object, select: uuid.UUID | None = None) -> None:
        """Read the products off the GUI thread (each one's stock sums its movements), then
        select ``select`` or the product selected now."""
        products, site_id = self._app.grocery.products, self._site.id
        text, inactive = self.search.text(), self.inactive.isChecked()
        current = select if select is not None else selected_id(self.view)
        self.loader.start(
            lambda: products.list(site_id=site_id, text=text, include_inactive=inactive),
            lambda rows: self.show_rows(rows, current),
        )

    def show_rows(self, rows: list[ProductInfo], current: object | None) -> None:
        self.model.set_rows(rows)
        low = sum(1 for p in rows if p.low_stock and p.active)
        text = ngettext("{n} produit", "{n} produits", len(rows)).format(n=len(rows))
        if low:
            text += " · " + ngettext(
                "{n} sous le seuil d'alerte", "{n} sous le seuil d'alerte", low
            ).format(n=low)
        self.count.setText(text)
        if current is not None:
            select_id(self.view, current)

    def show_row(self, row_id: object, view: QTableView) -> None:
        # The rows come back later (off the GUI thread): the product is selected then.
        self.refresh(select=row_id if isinstance(row_id, uuid.UUID) else None)

    def on_search_changed(self, _text: str) -> None:
        self.refresh()

    def on_search_returned(self) -> None:
        """Entrée: the first product found, into the list. Typed before the search is back,
        it waits for it (the list on screen is that of the letters before)."""
        if self.loader.busy:
            self._first_when_back = True
            return
        if self.model.rowCount():
            self.view.selectRow(0)
            self.view.setFocus()

    def _on_loaded(self) -> None:
        if self._first_when_back:
            self._first_when_back = False
            self.on_search_returned()

    def on_new_clicked(self) -> None:
        self._open(None)

    def edit_selected(self) -> None:
        product_id = selected_id(self.view)
        if isinstance(product_id, uuid.UUID):
            self._open(product_id)

    def _open(self, product_id: uuid.UUID | None) -> None:
        product = self._app.grocery.products.get(product_id) if product_id else None
        dialog = ProductDialog(self._app, self._site, product, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.saved is not None:
            self.show_write(dialog.saved.id, "", Topic.PRODUCTS)
        dialog.deleteLater()
