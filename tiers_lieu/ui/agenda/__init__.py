"""The « Agenda » section: booking coworking and health slots (DESIGN.md job 1).

Four tabs, one module each: the agenda itself (the day/week grid and its actions), coworking
passes, the resources that can be booked, and the practitioners with their permanences. This
module assembles them and keeps them in step: a resource or a permanence changed redraws the
agenda; a booking checked in refreshes the passes (a unit was used).
"""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import _
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.agenda.agenda_tab import AgendaTab
from tiers_lieu.ui.agenda.passes_tab import PassesTab
from tiers_lieu.ui.agenda.permanences_tab import PermanencesTab
from tiers_lieu.ui.agenda.resources_tab import ResourcesTab

__all__ = ["AgendaSection"]


class AgendaSection(QWidget):
    def __init__(
        self,
        app: Comptoir,
        site: SiteInfo,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.agenda = AgendaTab(app, site, self)
        self.passes = PassesTab(app, site, self)
        self.resources = ResourcesTab(app, site, self)
        self.permanences = PermanencesTab(app, site, self)
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.agenda, _("A&genda"))
        self.tabs.addTab(self.passes, _("Pass co&working"))
        self.tabs.addTab(self.resources, _("Ress&ources"))
        self.tabs.addTab(self.permanences, _("Per&manences"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

        self.agenda.bookings_changed.connect(self.passes.refresh)
        self.resources.resources_changed.connect(self.on_resources_changed)
        self.permanences.permanences_changed.connect(self.agenda.refresh)

    def refresh(self) -> None:
        """Reload what others may have changed (another desk, the command line)."""
        self.agenda.reload_resources()
        self.agenda.refresh()
        self.passes.refresh()

    def on_resources_changed(self) -> None:
        self.agenda.reload_resources()
        self.agenda.refresh()
        self.permanences.refresh()
