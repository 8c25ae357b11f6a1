"""The « Agenda » section: booking coworking and health slots (DESIGN.md job 1).

Six tabs, one module each: the agenda itself (the day/week grid and its actions), coworking
passes and the offers they are sold from (« Formules »), the resources that can be booked,
the practitioners with their permanences, and the call list of the day before (« Rappels »,
issue 22). This module assembles them; each tab reads again what another one changed (a
resource or a permanence redraws the agenda, a booking checked in the passes: a unit was
used), announced through :mod:`~tiers_lieu.ui.data_changed`.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import QListWidget, QTabWidget, QVBoxLayout, QWidget

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import _
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.agenda.agenda_tab import AgendaTab
from tiers_lieu.ui.agenda.pass_types_tab import PassTypesTab
from tiers_lieu.ui.agenda.passes_tab import PassesTab
from tiers_lieu.ui.agenda.permanences_tab import PermanencesTab
from tiers_lieu.ui.agenda.reminders_tab import RemindersTab
from tiers_lieu.ui.agenda.resources_tab import ResourcesTab
from tiers_lieu.ui.data_changed import DataChanged, hub_for

__all__ = ["AgendaSection"]


class AgendaSection(QWidget):
    def __init__(
        self,
        app: Comptoir,
        site: SiteInfo,
        parent: QWidget | None = None,
        *,
        changes: DataChanged | None = None,
    ) -> None:
        super().__init__(parent)
        self._nav: QListWidget | None = None
        self.changes = hub_for(changes, self)
        self.agenda = AgendaTab(app, site, self, changes=self.changes)
        self.passes = PassesTab(app, site, self, changes=self.changes)
        self.pass_types = PassTypesTab(app, site, self, changes=self.changes)
        self.resources = ResourcesTab(app, site, self, changes=self.changes)
        self.permanences = PermanencesTab(app, site, self, changes=self.changes)
        self.reminders = RemindersTab(app, site, self, changes=self.changes)
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.agenda, _("A&genda"))
        self.tabs.addTab(self.passes, _("Pass co&working"))
        self.tabs.addTab(self.pass_types, _("Formules"))  # no letter left: Ctrl+Tab
        self.tabs.addTab(self.resources, _("Ress&ources"))
        self.tabs.addTab(self.permanences, _("Per&manences"))
        # No letter left for it: Ctrl+Maj+Tab from « Agenda » (the last tab).
        self.tabs.addTab(self.reminders, _("Rappels"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

    def showEvent(self, event: QShowEvent) -> None:
        """The window's side list keeps the focus after choosing « Agenda »: its PgUp/PgDn
        would jump to the first or last section; here they turn the agenda's page."""
        super().showEvent(event)
        nav = self.window().findChild(QListWidget, "sectionNavigation")
        if nav is not None and nav is not self._nav:
            self._nav = nav
            nav.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self._nav
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_PageUp, Qt.Key.Key_PageDown)
            and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            and self.isVisible()
        ):
            self.page(-1 if event.key() == Qt.Key.Key_PageUp else 1)
            return True
        return super().eventFilter(watched, event)

    def page(self, step: int) -> None:
        """PgUp/PgDn: the agenda's previous or next page (the other tabs have no pages: the
        key does nothing there, it never leaves the section)."""
        if self.tabs.currentWidget() is self.agenda:
            self.agenda.on_page_requested(step)

    def refresh(self) -> None:
        """Reload what others may have changed (another desk, the command line)."""
        self.agenda.shown.invalidate()
        self.passes.shown.invalidate()
        self.reminders.shown.invalidate()
