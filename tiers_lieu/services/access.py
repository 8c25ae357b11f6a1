"""Who may do what: roles, permissions, and the guard every sensitive service method passes.

The services enforce roles, not the screens: a method decorated with :func:`requires` raises
:class:`AccessDeniedError` (a French message saying what was refused and to whom it is
reserved) when the person signed in may not do it, whatever the front end shows.

The :class:`Access` of a :class:`~tiers_lieu.app.Comptoir` says who is acting. The command line
acts as the *system* (whoever can type ``tiers-lieu`` can read the database file anyway); the
desktop application signs the user in after the login dialog, and signs the next one in on a
user switch.

An account bound to one place (``AppUser.site_id``) sees that place only; an account with no
place (the network) and the system see every place. Two mechanisms enforce it, both here:
:func:`requires` (and :func:`in_place` for methods open to every role) refuses a method asked
for another place through its ``site_id``/``site_ids`` argument, with a French message naming
the place (:class:`SiteAccessDeniedError`), and fills an empty ``site_ids`` with the places the
account may see; and :meth:`Access.place_filter` gives each unit of work a filter that leaves
the rows of other places out of every ORM query (a row asked by its id is then « not found »).
"""

from __future__ import annotations

import functools
import inspect
import threading
import uuid
from collections.abc import Callable
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

from tiers_lieu.errors import ComptoirError
from tiers_lieu.i18n import N_, _
from tiers_lieu.models.enums import Role

if TYPE_CHECKING:
    from tiers_lieu.db import UowFactory
    from tiers_lieu.services.readmodels import UserInfo


class Permission(StrEnum):
    """One capability; its label (in :data:`PERMISSION_LABELS`) names it in a refusal."""

    DESK = "desk"  # count visits, workshop attendance, hand out AMAP baskets, today's view
    PEOPLE_SEARCH = "people_search"  # find a person by name to attach them to a visit
    PEOPLE_EDIT = "people_edit"  # register people, memberships, consent
    BOOKINGS = "bookings"  # book, move, cancel, check in; sell passes
    SALES = "sales"  # the grocery till, stock, the day's Z
    TILL_CANCEL = "till_cancel"  # cancel a ticket after the fact (a reversing ticket)
    TILL_CLOSE = "till_close"  # close a month or a year, archive a closed period
    BILLING = "billing"  # clients, quotes, invoices, donations and their receipts
    AMAP = "amap"  # AMAP subscriptions, payments, distributions
    ASSISTANCE = "assistance"  # record and read administrative assistance and its notes
    PEOPLE_EXPORT = "people_export"  # a person's data export, erasure, purge
    REPORTS = "reports"  # activity reports, funder exports, bundles
    SETTINGS = "settings"  # the place, services, resources, prices, retention, imports
    ACCOUNTS = "accounts"  # create accounts, change roles, PINs and passwords of others
    AUDIT = "audit"  # read the audit log


PERMISSION_LABELS: dict[Permission, str] = {
    Permission.DESK: N_("compter les visites"),
    Permission.PEOPLE_SEARCH: N_("rechercher une personne"),
    Permission.PEOPLE_EDIT: N_("enregistrer ou modifier une personne"),
    Permission.BOOKINGS: N_("gérer les réservations"),
    Permission.SALES: N_("tenir l'épicerie"),
    Permission.TILL_CANCEL: N_("annuler un ticket de caisse"),
    Permission.TILL_CLOSE: N_("clôturer un mois ou une année de caisse"),
    Permission.BILLING: N_("établir factures, devis et reçus"),
    Permission.AMAP: N_("gérer l'AMAP"),
    Permission.ASSISTANCE: N_("consulter ou saisir l'accompagnement administratif"),
    Permission.PEOPLE_EXPORT: N_("exporter ou effacer les données d'une personne"),
    Permission.REPORTS: N_("produire les rapports et exports"),
    Permission.SETTINGS: N_("modifier les paramètres"),
    Permission.ACCOUNTS: N_("gérer les comptes"),
    Permission.AUDIT: N_("consulter le journal d'audit"),
}

_DESK = {Permission.DESK, Permission.PEOPLE_SEARCH}
# Volunteers may sell (and print the day's Z) but not cancel a ticket after the fact; hosts
# may; coordination closes months and years (issue 21).
_VOLUNTEER = _DESK | {Permission.SALES}
_HOST = _VOLUNTEER | {
    Permission.PEOPLE_EDIT,
    Permission.BOOKINGS,
    Permission.AMAP,
    Permission.TILL_CANCEL,
    Permission.BILLING,
}
_COORDINATION = set(Permission) - {Permission.ACCOUNTS, Permission.AUDIT}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.VOLUNTEER: frozenset(_VOLUNTEER),
    Role.HOST: frozenset(_HOST),
    Role.MEDIATOR: frozenset(_HOST | {Permission.ASSISTANCE}),
    Role.COORDINATOR: frozenset(_COORDINATION),
    Role.ADMIN: frozenset(Permission),
}


def allowed_roles(permission: Permission) -> list[Role]:
    return [role for role, granted in ROLE_PERMISSIONS.items() if permission in granted]


class AccessDeniedError(ComptoirError):
    """The person signed in may not do this; the message says what, and who may."""

    def __init__(self, permission: Permission, role: str | None) -> None:
        from tiers_lieu.labels import role_label

        roles = ", ".join(role_label(r) for r in allowed_roles(permission))
        action = _(PERMISSION_LABELS[permission])
        if role is None:
            message = _("Action refusée : connectez-vous pour {action}.").format(action=action)
        else:
            message = _(
                "Action refusée : « {action} » est réservé aux rôles {roles}. "
                "Vous êtes connecté·e en tant que {role}."
            ).format(action=action, roles=roles, role=role_label(role))
        super().__init__(message)
        self.permission = permission


class SiteAccessDeniedError(AccessDeniedError):
    """The account is bound to another place than the one asked; the message names both."""

    def __init__(self, place: str, own_place: str | None) -> None:
        if own_place is None:
            message = _(
                "Action refusée : les données du lieu « {place} » ne sont pas accessibles "
                "sans connexion."
            ).format(place=place)
        else:
            message = _(
                "Action refusée : ce compte est rattaché au lieu « {own} » ; les données du "
                "lieu « {place} » ne lui sont pas accessibles. Un compte du réseau (sans lieu) "
                "voit tous les lieux."
            ).format(own=own_place, place=place)
        ComptoirError.__init__(self, message)
        self.permission = None  # type: ignore[assignment]


class NetworkOnlyError(AccessDeniedError):
    """Something only an account of the whole network (no place) may do."""

    def __init__(self, action: str, own_place: str) -> None:
        message = _(
            "Action refusée : ce compte est rattaché au lieu « {own} » ; seul un compte du "
            "réseau (sans lieu) peut {action}."
        ).format(own=own_place, action=action)
        ComptoirError.__init__(self, message)
        self.permission = None  # type: ignore[assignment]


class Access:
    """Who acts through the services: the system (command line) or a signed-in account.

    Shared by every service of one :class:`~tiers_lieu.app.Comptoir`; thread-safe, since
    background operations read it while the desk may switch user.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._user: UserInfo | None = None
        self._system = True
        self._filters: dict[frozenset[uuid.UUID], tuple[Any, ...]] = {}

    @property
    def user(self) -> UserInfo | None:
        with self._lock:
            return self._user

    @property
    def user_id(self) -> uuid.UUID | None:
        user = self.user
        return None if user is None else user.id

    @property
    def is_system(self) -> bool:
        with self._lock:
            return self._system

    @property
    def sites(self) -> frozenset[uuid.UUID] | None:
        """The places the account may see: ``None`` for every place (the system, or an
        account of the network), its own place for a bound account, none when signed out."""
        with self._lock:
            if self._system:
                return None
            if self._user is None:
                return frozenset()
            if self._user.site_id is None:
                return None
            return frozenset({self._user.site_id})

    def sees_site(self, site_id: uuid.UUID) -> bool:
        allowed = self.sites
        return allowed is None or site_id in allowed

    def require_site(self, site_id: uuid.UUID, factory: UowFactory | None = None) -> None:
        """Refuse (:class:`SiteAccessDeniedError`) a place the account may not see; the
        places are named when ``factory`` gives a way to read them."""
        if self.sees_site(site_id):
            return
        user = self.user
        own = None if user is None else user.site_id
        names = _place_names(factory, [site_id] if own is None else [site_id, own])
        raise SiteAccessDeniedError(
            names.get(site_id, str(site_id)),
            None if own is None else names.get(own, str(own)),
        )

    def require_network(self, action: str, factory: UowFactory | None = None) -> None:
        """Refuse (:class:`NetworkOnlyError`, naming ``action``) unless the account sees every
        place: the system, or an account of the network."""
        if self.sites is None:
            return
        user = self.user
        own = None if user is None else user.site_id
        if own is None:
            raise SiteAccessDeniedError(_("tous les lieux"), None)
        names = _place_names(factory, [own])
        raise NetworkOnlyError(action, names.get(own, str(own)))

    def place_filter(self) -> tuple[Any, ...]:
        """Query options leaving other places' rows out (empty when every place is seen)."""
        allowed = self.sites
        if allowed is None:
            return ()
        with self._lock:
            cached = self._filters.get(allowed)
        if cached is None:
            cached = _place_options(tuple(sorted(allowed)))
            with self._lock:
                self._filters[allowed] = cached
        return cached

    def sign_in(self, user: UserInfo) -> None:
        """From now on the services act for ``user`` and only allow what their role may."""
        with self._lock:
            self._user = user
            self._system = False

    def sign_out(self) -> None:
        """Nobody is signed in: every guarded action is refused until the next sign-in."""
        with self._lock:
            self._user = None
            self._system = False

    def act_as_system(self) -> None:
        """The command line, the first-run assistant and the tests' default: everything."""
        with self._lock:
            self._user = None
            self._system = True

    def allows(self, permission: Permission) -> bool:
        with self._lock:
            if self._system:
                return True
            if self._user is None:
                return False
            try:
                role = Role(self._user.role)
            except ValueError:
                return False
            return permission in ROLE_PERMISSIONS[role]

    def require(self, permission: Permission) -> None:
        if not self.allows(permission):
            user = self.user
            raise AccessDeniedError(permission, None if user is None else user.role)


def _place_names(factory: UowFactory | None, ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    if factory is None:
        return {}
    from sqlmodel import col, select

    from tiers_lieu.models import Site

    with factory(read_only=True) as uow:
        rows = uow.session.exec(select(Site.id, Site.name).where(col(Site.id).in_(ids))).all()
    return dict(rows)


def _place_options(allowed: tuple[uuid.UUID, ...]) -> tuple[Any, ...]:
    """One ``with_loader_criteria`` per table of site-owned rows (every ``SiteRow``): the
    ORM adds ``site_id IN (…)`` wherever such a table is read, joined, updated or deleted."""
    from sqlalchemy.orm import with_loader_criteria
    from sqlmodel import SQLModel

    from tiers_lieu.models.base import SiteRow

    owned = sorted(
        (m.class_ for m in SQLModel._sa_registry.mappers if issubclass(m.class_, SiteRow)),
        key=lambda cls: cls.__name__,
    )
    return tuple(
        with_loader_criteria(cls, lambda c: c.site_id.in_(allowed), include_aliases=True)
        for cls in owned
    )


P = ParamSpec("P")
R = TypeVar("R")
S = TypeVar("S")


def access_of(service: Any) -> Access:
    """The :class:`Access` a service was built with (through its unit-of-work factory)."""
    factory = service._uow
    access = getattr(factory, "access", None)
    if not isinstance(access, Access):
        raise TypeError(f"{type(service).__name__} has no access guard")
    return access


def requires(
    permission: Permission,
) -> Callable[[Callable[Concatenate[S, P], R]], Callable[Concatenate[S, P], R]]:
    """Refuse the decorated service method unless the signed-in role has ``permission``, and
    (like :func:`in_place`) unless the account may see the place it is asked for."""

    def decorate(method: Callable[Concatenate[S, P], R]) -> Callable[Concatenate[S, P], R]:
        guarded = _scoped(method, permission)
        guarded.required_permission = permission  # type: ignore[attr-defined]
        return guarded

    return decorate


def in_place(method: Callable[Concatenate[S, P], R]) -> Callable[Concatenate[S, P], R]:
    """For a method every role may call (no permission): still refused for a place the
    account may not see (its ``site_id``/``site_ids`` argument)."""
    return _scoped(method, None)


def _scoped(
    method: Callable[Concatenate[S, P], R], permission: Permission | None
) -> Callable[Concatenate[S, P], R]:
    signature = inspect.signature(method)
    one = "site_id" in signature.parameters
    several = "site_ids" in signature.parameters

    @functools.wraps(method)
    def guarded(self: S, /, *args: P.args, **kwargs: P.kwargs) -> R:
        access = access_of(self)
        if permission is not None:
            access.require(permission)
        if not (one or several):
            return method(self, *args, **kwargs)
        if one and not several and "site_id" in kwargs:
            # Named, as the desk's key press passes it: no binding of the signature (issue 17).
            if kwargs["site_id"] is not None:
                access.require_site(kwargs["site_id"], self._uow)  # type: ignore[attr-defined,arg-type]
            return method(self, *args, **kwargs)
        bound = signature.bind_partial(self, *args, **kwargs)
        site_id = bound.arguments.get("site_id")
        if site_id is not None:
            access.require_site(site_id, self._uow)  # type: ignore[attr-defined]
        if several:
            site_ids = bound.arguments.get("site_ids")
            if site_ids is None:
                allowed = access.sites
                if allowed is not None:  # « every place » is every place this account sees
                    bound.arguments["site_ids"] = sorted(allowed)
                    return method(*bound.args, **bound.kwargs)  # type: ignore[arg-type]
            else:
                for wanted in site_ids:
                    access.require_site(wanted, self._uow)  # type: ignore[attr-defined]
        return method(self, *args, **kwargs)

    guarded.checks_place = one or several  # type: ignore[attr-defined]
    return guarded
