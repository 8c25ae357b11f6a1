"""The « Démarches » section: administrative assistance at the France Services desk.

Four tabs, one module each: the form that records a procedure in a few seconds, the
follow-ups of people who must come back, the public writer's letters (« Courriers »,
Ctrl+Maj+E) and the history with its totals and exports. This
module assembles them; each tab reads again when a démarche is recorded or closed (announced
through :mod:`~tiers_lieu.ui.data_changed`), and the follow-ups tab title shows how many are
open.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import _
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.common import add_shortcut
from tiers_lieu.ui.data_changed import DataChanged, Topic, hub_for
from tiers_lieu.ui.demarches.follow_ups import FollowUpsTab
from tiers_lieu.ui.demarches.form import RecordForm
from tiers_lieu.ui.demarches.history import HistoryTab
from tiers_lieu.ui.demarches.letters import LettersTab

__all__ = ["LETTERS_KEYS", "DemarchesSection"]

LETTERS_KEYS = "Ctrl+Shift+E"
"""Opens « Courriers » (the public writer's letters) from anywhere in the section."""
LETTERS_KEYS_TEXT = "Ctrl+Maj+E"


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
        self.letters = LettersTab(app, site, self, changes=self.changes)
        self.history = HistoryTab(app, site, self, changes=self.changes)
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.form, _("&Nouvelle démarche"))
        self.tabs.addTab(self.follow_ups, _("&Suivis"))
        # Every letter of « Courriers » is claimed by the form's fields: a key of its own.
        self.tabs.addTab(self.letters, _("Courriers"))
        self.tabs.setTabToolTip(
            self.tabs.indexOf(self.letters),
            _("Courriers de l'écrivain public ({keys})").format(keys=LETTERS_KEYS_TEXT),
        )
        add_shortcut(self, LETTERS_KEYS, self.show_letters)
        self.tabs.addTab(self.history, _("&Historique"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

        self.follow_ups.count_changed.connect(self.on_follow_up_count_changed)
        self.changes.watch(self, {Topic.ASSISTANCE}, self.on_assistance_changed)
        # The lists are read when their tab is shown; the title's count is one indexed count.
        self.on_follow_up_count_changed(app.assistance.count_follow_ups(site.id))

    def show_letters(self) -> None:
        self.tabs.setCurrentWidget(self.letters)
        self.letters.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def refresh(self) -> None:
        """Reload the lists (the form keeps what is being typed); a list not on screen is
        read when its tab is next shown."""
        self.follow_ups.shown.invalidate()
        self.history.shown.invalidate()
        self.letters.shown.invalidate()
        self.on_assistance_changed()

    def on_assistance_changed(self) -> None:
        """The title's count, unless the follow-ups on screen are read again (they say it)."""
        if not self.follow_ups.isVisible():
            self.on_follow_up_count_changed(self._app.assistance.count_follow_ups(self._site.id))

    def on_follow_up_count_changed(self, count: int) -> None:
        title = _("&Suivis ({n})").format(n=count) if count else _("&Suivis")
        self.tabs.setTabText(self.tabs.indexOf(self.follow_ups), title)
