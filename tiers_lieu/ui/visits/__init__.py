"""The « Visites et ateliers » section: the visits list (check, correct, delete) and the
workshops with their attendance.

Two tabs, each in its own module; this one assembles them. A workshop's attendance is also
visits: the events tab announces both, and the visits list reads again.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import _
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.data_changed import DataChanged, hub_for
from tiers_lieu.ui.visits.events_tab import EventsTab
from tiers_lieu.ui.visits.parcels_tab import ParcelsTab
from tiers_lieu.ui.visits.programme_tab import ProgrammeTab
from tiers_lieu.ui.visits.visits_tab import VisitsTab

__all__ = ["VisitsSection"]


class VisitsSection(QWidget):
    def __init__(
        self,
        app: Comptoir,
        site: SiteInfo,
        parent: QWidget | None = None,
        *,
        today: date | None = None,
        changes: DataChanged | None = None,
    ) -> None:
        super().__init__(parent)
        self.changes = hub_for(changes, self)
        self.visits_tab = VisitsTab(app, site, self, today=today, changes=self.changes)
        self.events_tab = EventsTab(app, site, self, today=today, changes=self.changes)
        self.programme_tab = ProgrammeTab(app, site, self, today=today, changes=self.changes)
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.visits_tab, _("Visites"))
        self.tabs.addTab(self.events_tab, _("Ateliers et animations"))
        self.tabs.addTab(self.programme_tab, _("Programme"))
        self.parcels_tab = ParcelsTab(app, site, self, changes=self.changes)
        self.tabs.addTab(self.parcels_tab, _("Colis et co&urrier"))  # Alt+U: the parcel relay
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

    def refresh(self) -> None:
        """Read both lists again (visits counted at the desk since, a new service…); the
        tab not on screen reads when it is next shown."""
        self.visits_tab.refresh()
        self.events_tab.shown.invalidate()
        self.programme_tab.shown.invalidate()
        self.parcels_tab.shown.invalidate()  # parcels logged at another desk
