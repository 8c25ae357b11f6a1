"""The « Rapports » section: the activity report (period, site, figures on screen, PDF, XLSX
and CSV exports) and the records only the report needs (LEADER operation and payment claims,
partners, jobs, volunteering), as tabs; « Réseau de lieux », the signed bundles
that carry a site's data to the network's coordination; and « Exports », every funder's
format of ``tiers-lieu export``.

This module only assembles the tabs; a saved operation or a new payment claim is announced
(:mod:`~tiers_lieu.ui.data_changed`) and the report tab reads its claim list again.
"""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import _
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.data_changed import DataChanged, hub_for
from tiers_lieu.ui.reports.bundles_tab import BundlesTab
from tiers_lieu.ui.reports.exports_tab import ExportsTab
from tiers_lieu.ui.reports.operation_tab import OperationTab
from tiers_lieu.ui.reports.record_tabs import JobsTab, PartnersTab, VolunteersTab
from tiers_lieu.ui.reports.report_tab import ReportTab
from tiers_lieu.ui.reports.time_tab import TimeTab

__all__ = ["ReportsSection"]


class ReportsSection(QWidget):
    """The report and what it needs, for one site (the report itself may span all sites)."""

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
        self.report_tab = ReportTab(app, site, self, changes=self.changes)
        self.operation_tab = OperationTab(app, site, self, changes=self.changes)
        self.partners_tab = PartnersTab(app, site, self, changes=self.changes)
        self.jobs_tab = JobsTab(app, site, self, changes=self.changes)
        self.time_tab = TimeTab(app, site, self, changes=self.changes)
        self.volunteers_tab = VolunteersTab(app, site, self, changes=self.changes)
        self.bundles_tab = BundlesTab(app, site, app.access.user, self, changes=self.changes)
        self.exports_tab = ExportsTab(app, site, self, changes=self.changes)

        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.report_tab, _("Rapport d'activité"))
        self.tabs.addTab(self.operation_tab, _("Opération LEADER"))
        self.tabs.addTab(self.partners_tab, _("Partenaires"))
        self.tabs.addTab(self.jobs_tab, _("Emplois"))
        self.tabs.addTab(self.time_tab, _("Temps passé"))
        self.tabs.addTab(self.volunteers_tab, _("Bénévolat"))
        self.tabs.addTab(self.bundles_tab, _("Réseau de lieux"))
        self.tabs.addTab(self.exports_tab, _("Exports"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

    @property
    def site(self) -> SiteInfo:
        return self._site

    def refresh(self) -> None:
        """Reload every tab from the services (the figures on screen stay until recomputed);
        a tab not on screen reads when it is next shown."""
        self.report_tab.refresh()
        self.operation_tab.shown.invalidate()
        self.partners_tab.shown.invalidate()
        self.jobs_tab.shown.invalidate()
        self.time_tab.shown.invalidate()
        self.volunteers_tab.shown.invalidate()
        self.bundles_tab.shown.invalidate()
        self.exports_tab.shown.invalidate()
