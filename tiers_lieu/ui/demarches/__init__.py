"""The « Démarches » section: administrative assistance at the France Services desk.

Three tabs, one module each: the form that records a procedure in a few seconds, the
follow-ups of people who must come back, and the history with its totals and exports. This
module assembles them; each tab reads again when a démarche is recorded or closed (announced
through :mod:`~tiers_lieu.ui.data_changed`), and the follow-ups tab title shows how many are
open.
"""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import _
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.data_changed import DataChanged, Topic, hub_for
from tiers_lieu.ui.demarches.follow_ups import FollowUpsTab
from tiers_lieu.ui.demarches.form import RecordForm
from tiers_lieu.ui.demarches.history import HistoryTab

__all__ = ["DemarchesSection"]


class DemarchesSection(QWidget):
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
        self.form = RecordForm(app, site, self, changes=self.changes)
        self.follow_ups = FollowUpsTab(app, site, self, changes=self.changes)
        self.history = HistoryTab(app, site, self, changes=self.changes)
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.form, _("&Nouvelle démarche"))
        self.tabs.addTab(self.follow_ups, _("&Suivis"))
        self.tabs.addTab(self.history, _("&Historique"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

        self.follow_ups.count_changed.connect(self.on_follow_up_count_changed)
        self.changes.watch(self, {Topic.ASSISTANCE}, self.on_assistance_changed)
        # The lists are read when their tab is shown; the title's count is one indexed count.
        self.on_follow_up_count_changed(app.assistance.count_follow_ups(site.id))

    def refresh(self) -> None:
        """Reload the lists (the form keeps what is being typed); a list not on screen is
        read when its tab is next shown."""
        self.follow_ups.shown.invalidate()
        self.history.shown.invalidate()
        self.on_assistance_changed()

    def on_assistance_changed(self) -> None:
        """The title's count, unless the follow-ups on screen are read again (they say it)."""
        if not self.follow_ups.isVisible():
            self.on_follow_up_count_changed(self._app.assistance.count_follow_ups(self._site.id))

    def on_follow_up_count_changed(self, count: int) -> None:
        title = _("&Suivis ({n})").format(n=count) if count else _("&Suivis")
        self.tabs.setTabText(self.tabs.indexOf(self.follow_ups), title)
