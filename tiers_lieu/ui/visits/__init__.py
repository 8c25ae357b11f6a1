"""The « Visites et ateliers » section: the visits list (check, correct, delete) and the
workshops with their attendance.

Two tabs, each in its own module; this one assembles them and relays what changed, so that
the main window can update the desk's counts without knowing the tabs. A workshop's
attendance is also visits, so a change there reloads the visits list.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import _
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.visits.events_tab import EventsTab
from tiers_lieu.ui.visits.visits_tab import VisitsTab

__all__ = ["VisitsSection"]


class VisitsSection(QWidget):
    visits_changed = Signal()
    """Visits were corrected or deleted, or a workshop's attendance changed them."""

    def __init__(
        self,
        app: Comptoir,
        site: SiteInfo,
        parent: QWidget | None = None,
        *,
        today: date | None = None,
    ) -> None:
        super().__init__(parent)
        self.visits_tab = VisitsTab(app, site, self, today=today)
        self.events_tab = EventsTab(app, site, self, today=today)
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.visits_tab, _("Visites"))
        self.tabs.addTab(self.events_tab, _("Ateliers et animations"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

        self.visits_tab.visits_changed.connect(self.visits_changed)
        self.events_tab.events_changed.connect(self.on_events_changed)

    def refresh(self) -> None:
        """Read both lists again (visits counted at the desk since, a new service…); the
        tab not on screen reads when it is next shown."""
        self.visits_tab.refresh()
        self.events_tab.shown.invalidate()

    def on_events_changed(self) -> None:
        self.visits_tab.reload()
        self.visits_changed.emit()
