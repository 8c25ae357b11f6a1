"""The « Paramètres » section: everything a coordinator sets up for the place.

One tab per concern, each in its own module with its own service calls; this module only
assembles them. The tabs announce what they wrote (services, hours and closures, communes:
:mod:`~tiers_lieu.ui.data_changed`), so that the desk's buttons or the agenda follow without
knowing them; the place saved is relayed to the window (``site_updated``: its title).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import _
from tiers_lieu.services.access import Permission
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.data_changed import DataChanged, hub_for
from tiers_lieu.ui.settings.accounts_tab import AccountsTab
from tiers_lieu.ui.settings.audit_tab import AuditTab
from tiers_lieu.ui.settings.backups_tab import BackupsTab
from tiers_lieu.ui.settings.billing import BillingTab
from tiers_lieu.ui.settings.closures import ClosuresTab
from tiers_lieu.ui.settings.communes import CommunesTab
from tiers_lieu.ui.settings.hours import HoursTab
from tiers_lieu.ui.settings.place import PlaceTab
from tiers_lieu.ui.settings.public_card import PublicCardTab
from tiers_lieu.ui.settings.services_tab import ServicesTab

__all__ = ["SettingsSection"]


class SettingsSection(QWidget):
    """The settings of one site, as tabs."""

    site_updated = Signal(object)
    """The place was saved; carries the new :class:`SiteInfo`."""

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
        self.place_tab = PlaceTab(app, site, self)
        self.hours_tab = HoursTab(app, site, self, changes=self.changes)
        self.closures_tab = ClosuresTab(app, site, self, changes=self.changes)
        self.services_tab = ServicesTab(app, site, self, changes=self.changes)
        self.communes_tab = CommunesTab(app, site, self, changes=self.changes)
        self.public_card_tab = PublicCardTab(app, site, self, changes=self.changes)

        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.place_tab, _("Lieu"))
        self.tabs.addTab(self.hours_tab, _("Horaires d'ouverture"))
        self.tabs.addTab(self.closures_tab, _("Fermetures et jours fériés"))
        self.tabs.addTab(self.services_tab, _("Services"))
        self.tabs.addTab(self.communes_tab, _("Communes du territoire"))
        self.tabs.addTab(self.public_card_tab, _("Fiche publique"))
        self.billing_tab: BillingTab | None = None
        if app.access.allows(Permission.BILLING):
            self.billing_tab = BillingTab(app, site, self, changes=self.changes)
            self.tabs.addTab(self.billing_tab, _("Facturation"))
        self.backups_tab = BackupsTab(app, site, self)
        self.tabs.addTab(self.backups_tab, _("Sauvegardes"))
        # The lock delay (coordination too), the accounts and the log (administration only).
        self.accounts_tab: AccountsTab | None = None
        self.audit_tab: AuditTab | None = None
        if app.access.allows(Permission.SETTINGS) or app.access.allows(Permission.ACCOUNTS):
            self.accounts_tab = AccountsTab(app, site, self)
            self.tabs.addTab(self.accounts_tab, self.accounts_tab.title())
        if app.access.allows(Permission.AUDIT):
            self.audit_tab = AuditTab(app, site, self)
            self.tabs.addTab(self.audit_tab, _("Journal d'audit"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

        self.place_tab.site_saved.connect(self.on_place_saved)

    @property
    def site(self) -> SiteInfo:
        return self._site

    def refresh(self) -> None:
        """Reload every tab from the services (after an import or a restore, say); a tab
        not on screen reads when it is next shown (each reads when first shown)."""
        self.place_tab.refresh()
        for tab in (self.hours_tab, self.closures_tab, self.services_tab, self.communes_tab):
            tab.shown.invalidate()
        self.public_card_tab.shown.invalidate()
        if self.billing_tab is not None:
            self.billing_tab.shown.invalidate()

    def on_place_saved(self, site: SiteInfo) -> None:
        self._site = site
        for tab in (self.hours_tab, self.closures_tab, self.services_tab, self.communes_tab):
            tab.set_site(site)
        self.public_card_tab.set_site(site)
        self.site_updated.emit(site)
