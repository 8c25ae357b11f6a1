"""« Caisse et factures »: the till's closures and journal, invoices and quotes, clients,
donations and receipts (issue 21), one tab each.

This module only assembles the tabs; each tab reads from its service when it comes on screen.
A tab whose permission the account lacks is left out (a host invoices, coordination closes
months and years).
"""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import _
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.data_changed import DataChanged, hub_for
from tiers_lieu.ui.money.clients_tab import ClientsTab
from tiers_lieu.ui.money.closures_tab import ClosuresTab
from tiers_lieu.ui.money.donations_tab import DonationsTab
from tiers_lieu.ui.money.invoices_tab import InvoicesTab
from tiers_lieu.ui.money.journal_tab import JournalTab

__all__ = ["MoneySection"]


class MoneySection(QWidget):
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
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        # Each helper module adds its tab here, in this order: Clôtures, Journal de caisse,
        # Factures et devis, Clients, Dons et reçus.
        self.tabs.addTab(ClosuresTab(app, site, self, changes=self.changes), _("Clôtures"))
        self.tabs.addTab(JournalTab(app, site, self, changes=self.changes), _("Journal de caisse"))
        self.tabs.addTab(InvoicesTab(app, site, self, changes=self.changes), _("Factures et devis"))
        self.tabs.addTab(ClientsTab(app, site, self, changes=self.changes), _("Clients"))
        self.tabs.addTab(DonationsTab(app, site, self, changes=self.changes), _("Dons et reçus"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        self.tabs.currentChanged.connect(self.on_tab_changed)

    def refresh(self) -> None:
        for index in range(self.tabs.count()):
            page = self.tabs.widget(index)
            shown = getattr(page, "shown", None)
            if shown is not None:
                shown.invalidate()

    def on_tab_changed(self, index: int) -> None:
        page = self.tabs.widget(index)
        if page is not None:
            page.setFocus()
