"""The grocery half of « Épicerie et AMAP »: the counter, products, stock, producers and the
day's sales, one tab each.

This module only assembles the tabs: each tab reads from its service when it comes on screen,
never before (so a sale shows in « Stock » and « Ventes du jour » without the counter knowing
those tabs, and opening the section reads the counter alone); a product starred in
« Produits » is announced, and the counter's favourite buttons follow.
"""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import _
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.data_changed import DataChanged, hub_for
from tiers_lieu.ui.grocery.cash_desk import CashDeskTab
from tiers_lieu.ui.grocery.day_tab import DaySalesTab
from tiers_lieu.ui.grocery.producers_tab import ProducersTab
from tiers_lieu.ui.grocery.products_tab import ProductsTab
from tiers_lieu.ui.grocery.stock_tab import StockTab

__all__ = ["GroceryPanel"]


class GroceryPanel(QWidget):
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
        self.cash_desk = CashDeskTab(app, site, self, changes=self.changes)
        self.products_tab = ProductsTab(app, site, self, changes=self.changes)
        self.stock_tab = StockTab(app, site, self, changes=self.changes)
        self.producers_tab = ProducersTab(app, site, self, changes=self.changes)
        self.day_tab = DaySalesTab(app, site, self, changes=self.changes)
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.cash_desk, _("&Caisse"))
        self.tabs.addTab(self.products_tab, _("Pro&duits"))
        self.tabs.addTab(self.stock_tab, _("S&tock"))
        self.tabs.addTab(self.producers_tab, _("Producte&urs"))
        self.tabs.addTab(self.day_tab, _("&Ventes du jour"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        self.tabs.currentChanged.connect(self.on_tab_changed)

    def refresh(self) -> None:
        self.cash_desk.shown.invalidate()
        for tab in (self.products_tab, self.stock_tab, self.producers_tab, self.day_tab):
            tab.shown.invalidate()

    def on_tab_changed(self, index: int) -> None:
        # Each tab but the counter reads again when it comes on screen (``refresh_when_shown``).
        page = self.tabs.widget(index)
        if page is not None:
            page.setFocus()
