"""The AMAP half of « Épicerie et AMAP »: distributions (the sheet ticked at the table),
contracts and their calendar, the households with their payments and the waiting list, and
the solidarity baskets.

Each tab is its own module with its own service calls; this panel assembles them. A tab's
writes are announced (``Topic.AMAP``), and the others read again when shown (a contract
created shows in every tab, a calendar edited changes the sheet).
"""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import _
from tiers_lieu.services.access import Permission
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.amap.contracts_tab import ContractsTab
from tiers_lieu.ui.amap.distributions_tab import DistributionsTab
from tiers_lieu.ui.amap.members_tab import MembersTab
from tiers_lieu.ui.amap.solidarity_tab import SolidarityTab
from tiers_lieu.ui.data_changed import DataChanged, hub_for

__all__ = ["AmapPanel"]


class AmapPanel(QWidget):
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
        self.distributions_tab = DistributionsTab(app, site, self, changes=self.changes)
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.distributions_tab, _("Distributions"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        # A volunteer hands out baskets; contracts, households and payments are for the roles
        # that manage the AMAP (the services refuse them to the others anyway).
        self.manages = app.access.allows(Permission.AMAP)
        if not self.manages:
            return
        self.contracts_tab = ContractsTab(app, site, self, changes=self.changes)
        self.members_tab = MembersTab(app, site, self, changes=self.changes)
        self.solidarity_tab = SolidarityTab(app, site, self)
        self.tabs.addTab(self.contracts_tab, _("Contrats"))
        self.tabs.addTab(self.members_tab, _("Adhérents AMAP"))
        self.tabs.addTab(self.solidarity_tab, _("Paniers solidaires"))
        # Subscriptions change the sheet and the solidarity list: those two tabs read again
        # each time they come on screen (``refresh_when_shown``), the others when first shown.

    def refresh(self) -> None:
        """Reload every tab from the services (a tab not on screen reads when shown)."""
        self.distributions_tab.shown.invalidate()
        if self.manages:
            self.contracts_tab.shown.invalidate()
            self.members_tab.shown.invalidate()
            self.solidarity_tab.shown.invalidate()
