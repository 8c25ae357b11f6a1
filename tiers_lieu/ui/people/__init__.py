"""The « Personnes » section: the register of people and the rights of the person.

Five tabs: « Registre » (search, the person's page and what can be done for them),
« Adhésions à renouveler », « Tarif solidaire à revoir » (eligibility ending within a month),
« Conservation (RGPD) » (retention periods, purge, the register of processing and the
desk's notice) and « Planning bénévoles » (the volunteers' rota, its gaps in the title).
Accounts and roles live elsewhere.
"""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import _
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.data_changed import DataChanged, hub_for
from tiers_lieu.ui.people.register import RegisterTab
from tiers_lieu.ui.people.retention import RenewalsTab, RetentionTab
from tiers_lieu.ui.people.rota import RotaTab
from tiers_lieu.ui.people.solidarity import SolidarityReviewTab

__all__ = ["PeopleSection"]


def rota_title(gaps: int) -> str:
    """« Planning bénévoles », with the number of gaps of the next 7 days when there are."""
    title = _("Planning bénévoles")
    return f"{title} ({gaps})" if gaps else title


class PeopleSection(QWidget):
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
        self.register = RegisterTab(app, site, self.tabs, changes=self.changes)
        self.renewals = RenewalsTab(app, site, self.tabs, changes=self.changes)
        self.solidarity = SolidarityReviewTab(app, site, self.tabs, changes=self.changes)
        self.retention = RetentionTab(app, site, self.tabs, changes=self.changes)
        self.tabs.addTab(self.register, _("Registre"))
        self.tabs.addTab(self.renewals, _("Adhésions à renouveler"))
        self.tabs.addTab(self.solidarity, _("Tarif solidaire à revoir"))
        self.tabs.addTab(self.retention, _("Conservation (RGPD)"))
        self.rota = RotaTab(app, site, self.tabs, changes=self.changes)
        self.tabs.addTab(self.rota, rota_title(0))
        self.rota.gaps_counted.connect(
            lambda n: self.tabs.setTabText(self.tabs.indexOf(self.rota), rota_title(n))
        )
        self.rota.count_gaps()
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)

    def refresh(self) -> None:
        self.register.refresh()
        self.renewals.refresh()
        self.solidarity.refresh()
        self.retention.refresh()
        self.rota.refresh()
