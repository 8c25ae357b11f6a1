"""The main window's sections, declared once: key, title and how to build each.

The window only walks this list, so a later issue fills a section by changing its ``build``
here, not by touching the window. A section is built on its first visit (start-up stays fast
on the desk's old laptop); a read-only one offers ``refresh()``, called when it is shown
again, and one that edits the place emits ``site_updated(SiteInfo)`` so the window follows.
Every section is given the window's :class:`~.data_changed.DataChanged`: what one section
writes, the others read again.

A database without any place shows an :class:`EmptyState` in every section that says how
to describe the place first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

from PySide6.QtWidgets import QTabWidget, QWidget

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import N_, _
from tiers_lieu.services.access import Permission
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.data_changed import DataChanged
from tiers_lieu.ui.widgets import EmptyState


@dataclass(frozen=True)
class SectionContext:
    """What every section is built from: the wired services, the place and the window's
    announcement of writes. Who is signed in is ``app.access.user`` (the services act for
    that account)."""

    app: Comptoir
    site: SiteInfo | None
    changes: DataChanged


@dataclass(frozen=True)
class Section:
    key: str
    title: str  # msgid, translated when shown
    build: Callable[[SectionContext], QWidget]
    # Read-only sections reload when shown again; forms keep what the user was typing.
    refresh_on_show: bool = False
    # Who may open it (the services refuse the rest anyway; this hides what would be refused).
    permission: Permission = Permission.DESK


def no_site_state() -> EmptyState:
    return EmptyState(
        _("Aucun lieu n'est configuré"),
        _(
            "Cette base de données ne contient encore aucun lieu. Fermez puis rouvrez Comptoir : "
            "l'assistant de premier démarrage vous guidera pour décrire le lieu et créer le "
            "compte de coordination."
        ),
    )


def _home(context: SectionContext) -> QWidget:
    if context.site is None:
        return no_site_state()
    from tiers_lieu.ui.accueil import AccueilSection  # the first screen: built at start-up

    return AccueilSection(context.app, context.site, changes=context.changes)


def _lazy(package: str, widget: str) -> Callable[[SectionContext], QWidget]:
    """A builder that imports ``tiers_lieu.ui.<package>`` on the section's first visit only
    (start-up stays fast) and builds its ``widget(app, site, changes=…)``."""

    def build(context: SectionContext) -> QWidget:
        if context.site is None:
            return no_site_state()
        module = import_module(f"tiers_lieu.ui.{package}")
        make = getattr(module, widget)
        section: QWidget = make(context.app, context.site, changes=context.changes)
        return section

    return build


def _shop(context: SectionContext) -> QWidget:
    """The grocery and the AMAP share a section: one tab each."""
    if context.site is None:
        return no_site_state()
    from tiers_lieu.ui.amap import AmapPanel  # first visit only: keeps start-up fast
    from tiers_lieu.ui.grocery import GroceryPanel

    tabs = QTabWidget()
    if context.app.access.allows(Permission.SALES):  # volunteers only hand out baskets
        grocery = GroceryPanel(context.app, context.site, tabs, changes=context.changes)
        tabs.addTab(grocery, _("Épicerie"))
        tabs.addTab(_cafe(context), _("Café"))
    tabs.addTab(AmapPanel(context.app, context.site, tabs, changes=context.changes), _("AMAP"))
    tabs.addTab(_delivery(context, tabs), _("Portage"))
    return tabs


def _delivery(context: SectionContext, tabs: QWidget) -> QWidget:
    from tiers_lieu.ui.grocery.delivery_tab import DeliveryTab  # first visit only

    assert context.site is not None
    return DeliveryTab(context.app, context.site, tabs, changes=context.changes)


def _cafe(context: SectionContext) -> QWidget:
    from tiers_lieu.ui.cafe import CafePanel  # first visit only

    assert context.site is not None
    return CafePanel(context.app, context.site, changes=context.changes)


SECTIONS: tuple[Section, ...] = (
    Section("accueil", N_("Accueil"), _home, refresh_on_show=True),
    Section(
        "agenda",
        N_("Agenda"),
        _lazy("agenda", "AgendaSection"),
        refresh_on_show=True,
        permission=Permission.BOOKINGS,
    ),
    Section(
        "visites", N_("Visites et ateliers"), _lazy("visits", "VisitsSection"), refresh_on_show=True
    ),
    Section(
        "demarches",
        N_("Démarches"),
        _lazy("demarches", "DemarchesSection"),
        permission=Permission.ASSISTANCE,
    ),
    Section("epicerie", N_("Épicerie et AMAP"), _shop),
    Section(
        "personnes",
        N_("Personnes"),
        _lazy("people", "PeopleSection"),
        permission=Permission.PEOPLE_EDIT,
    ),
    Section(
        "rapports",
        N_("Rapports"),
        _lazy("reports", "ReportsSection"),
        permission=Permission.REPORTS,
    ),
    Section(
        "parametres",
        N_("Paramètres"),
        _lazy("settings", "SettingsSection"),
        permission=Permission.SETTINGS,
    ),
    Section(
        "caisse",
        N_("Caisse et factures"),
        _lazy("money", "MoneySection"),
        refresh_on_show=True,
        permission=Permission.BILLING,
    ),
)


def section_index(key: str) -> int:
    for index, section in enumerate(SECTIONS):
        if section.key == key:
            return index
    raise KeyError(key)
