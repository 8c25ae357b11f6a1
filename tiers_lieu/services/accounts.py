"""Local accounts: who may sign in at the desk, with which role and which secret.

Only the administration role manages other people's accounts (:attr:`Permission.ACCOUNTS`);
anyone may change their own password or PIN by giving the current one. Accounts are never
deleted, only deactivated, and the last active administration account can be neither
demoted nor deactivated, so that someone can always manage accounts. Every change is
written to the audit log, without any secret.

The secrets themselves (hashes, rules, the throttle after wrong attempts) are in
:mod:`account_secrets`. The inactivity-lock delay of a place is stored here too, as the
``lock_minutes`` :class:`SiteSetting`: it is read when the desk starts.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, func, select

from tiers_lieu.errors import ConflictError, NotFoundError, ValidationError
from tiers_lieu.i18n import _
from tiers_lieu.models import AppUser, SiteSetting
from tiers_lieu.models.enums import AuditAction, Role
from tiers_lieu.services import audit
from tiers_lieu.services.access import Permission, access_of, in_place, requires
from tiers_lieu.services.account_secrets import (
    MIN_PASSWORD_LENGTH,
    PIN_ONLY,
    check_password,
    check_pin,
    has_password,
    hash_secret,
)
from tiers_lieu.services.account_signin import SignIn, user_info
from tiers_lieu.services.readmodels import UserInfo

__all__ = ["MIN_PASSWORD_LENGTH", "AccountInfo", "AccountService"]

LOCK_KEY = "lock_minutes"
LOCK_DEFAULT_MINUTES = 5
LOCK_MIN_MINUTES, LOCK_MAX_MINUTES = 1, 120


@dataclass(frozen=True)
class AccountInfo:
    """An account as the « Comptes » list shows it (never a hash)."""

    id: uuid.UUID
    username: str
    display_name: str
    role: str
    active: bool
    has_password: bool
    has_pin: bool
    last_login_at: datetime | None
    site_id: uuid.UUID | None


def _account(u: AppUser) -> AccountInfo:
    return AccountInfo(
        id=u.id,
        username=u.username,
        display_name=u.display_name,
        role=u.role,
        active=u.active,
        has_password=has_password(u.password_hash),
        has_pin=u.pin_hash is not None,
        last_login_at=u.last_login_at,
        site_id=u.site_id,
    )


class AccountService(SignIn):
    """Accounts and their roles; signing in is inherited from :class:`SignIn`."""

    # -- lists ----------------------------------------------------------------------------
    def has_users(self) -> bool:
        with self._uow(read_only=True) as uow:
            return uow.session.exec(select(AppUser.id).limit(1)).first() is not None

    def list_users(self) -> list[UserInfo]:
        """Active accounts, names and roles only: the sign-in and user-switch lists."""
        with self._uow(read_only=True) as uow:
            rows = uow.session.exec(
                select(AppUser)
                .where(col(AppUser.active).is_(True))
                .order_by(col(AppUser.display_name))
            )
            return [user_info(u) for u in rows]

    @requires(Permission.ACCOUNTS)
    def list_accounts(self) -> list[AccountInfo]:
        """Every account, deactivated ones last."""
        query = select(AppUser)
        allowed = access_of(self).sites
        if allowed is not None:  # a place's administrator: the accounts of that place
            query = query.where(col(AppUser.site_id).in_(allowed))
        with self._uow(read_only=True) as uow:
            rows = uow.session.exec(
                query.order_by(
                    col(AppUser.active).desc(), col(AppUser.display_name), col(AppUser.username)
                )
            )
            return [_account(u) for u in rows]

    # -- management -----------------------------------------------------------------------
    @requires(Permission.ACCOUNTS)
    def create_user(
        self,
        *,
        username: str,
        display_name: str,
        role: Role,
        password: str = "",
        pin: str | None = None,
        site_id: uuid.UUID | None = None,
    ) -> UserInfo:
        """An account with a password, or for a volunteer a 6-digit PIN (or both)."""
        role = Role(role)
        username = username.strip().casefold()
        display_name = display_name.strip() or username
        if not username:
            raise ValidationError(_("Identifiant"), _("ce champ est obligatoire"))
        if len(username) > 60 or any(c.isspace() for c in username):
            raise ValidationError(_("Identifiant"), _("60 caractères au plus, sans espace"))
        if len(display_name) > 120:
            raise ValidationError(_("Nom affiché"), _("120 caractères au plus"))
        if pin:
            if role != Role.VOLUNTEER:
                raise _pin_reserved()
            check_pin(pin)
        if password or not pin:
            check_password(password)
        allowed = access_of(self).sites
        if site_id is None and allowed is not None:
            # A place's administrator makes accounts of its place, never of the network.
            site_id = next(iter(allowed), None)
            if site_id is None:
                access_of(self).require_network(_("créer un compte"), self._uow)
        password_hash = hash_secret(password) if password else PIN_ONLY
        pin_hash = hash_secret(pin) if pin else None
        with self._uow() as uow:
            if uow.session.exec(select(AppUser).where(AppUser.username == username)).first():
                raise ConflictError(
                    _("L'identifiant « {name} » est déjà pris.").format(name=username)
                )
            user = AppUser(
                username=username,
                display_name=display_name,
                password_hash=password_hash,
                pin_hash=pin_hash,
                role=role,
                site_id=site_id,
            )
            uow.session.add(user)
            audit.record(
                uow,
                action=AuditAction.CREATE,
                entity="app_user",
                entity_id=user.id,
                site_id=site_id,
                details={
                    "username": username,
                    "role": role,
                    "password": bool(password),
                    "pin": bool(pin),
                },
            )
            uow.commit()
            return user_info(user)

    @requires(Permission.ACCOUNTS)
    def set_role(self, account_id: uuid.UUID, role: Role) -> AccountInfo:
        """A role leaving « Bénévole » loses its PIN (PINs are for volunteers only)."""
        role = Role(role)
        if self._is_own(account_id):
            raise ConflictError(
                _(
                    "Vous ne pouvez pas changer votre propre rôle : demandez-le à un autre "
                    "compte d'administration."
                )
            )

        def change(row: AppUser, session: Session) -> dict[str, Any]:
            details: dict[str, Any] = {"role": role, "previous_role": row.role}
            if row.role == Role.ADMIN and role != Role.ADMIN:
                _keep_an_admin(session, row)
            if role != Role.VOLUNTEER and row.pin_hash is not None:
                if not has_password(row.password_hash):
                    raise ConflictError(
                        _(
                            "« {name} » se connecte par code PIN, réservé aux bénévoles : "
                            "donnez d'abord un mot de passe à ce compte."
                        ).format(name=row.display_name)
                    )
                row.pin_hash = None
                details["pin_removed"] = True
            row.role = role
            return details

        return self._change(account_id, change)

    @requires(Permission.ACCOUNTS)
    def set_active(self, account_id: uuid.UUID, active: bool) -> AccountInfo:
        """Deactivate (never delete) or reactivate an account."""
        if not active and self._is_own(account_id):
            raise ConflictError(
                _(
                    "Vous ne pouvez pas désactiver votre propre compte : demandez-le à un "
                    "autre compte d'administration."
                )
            )

        def change(row: AppUser, session: Session) -> dict[str, Any]:
            if not active:
                _keep_an_admin(session, row)
            row.active = active
            return {"active": active}

        return self._change(account_id, change)

    def update_display_name(self, account_id: uuid.UUID, display_name: str) -> AccountInfo:
        """One's own name, or anyone's for the administration."""
        if not self._is_own(account_id):
            self._access().require(Permission.ACCOUNTS)
        display_name = display_name.strip()
        if not display_name:
            raise ValidationError(_("Nom affiché"), _("ce champ est obligatoire"))
        if len(display_name) > 120:
            raise ValidationError(_("Nom affiché"), _("120 caractères au plus"))

        def change(row: AppUser, _session: Session) -> dict[str, Any]:
            row.display_name = display_name
            return {"changed": "display_name"}

        return self._change(account_id, change)

    def set_password(
        self, account_id: uuid.UUID, password: str, *, current: str | None = None
    ) -> AccountInfo:
        """One's own password (``current`` secret required) or anyone's (administration)."""
        check_password(password)
        self._may_change_secret(account_id, current)
        new_hash = hash_secret(password)

        def change(row: AppUser, _session: Session) -> dict[str, Any]:
            row.password_hash = new_hash
            return {"changed": "password"}

        return self._change(account_id, change)

    def set_pin(
        self, account_id: uuid.UUID, pin: str | None, *, current: str | None = None
    ) -> AccountInfo:
        """Set (or with ``None`` remove) a volunteer's PIN; same rule as :meth:`set_password`."""
        if pin is not None:
            check_pin(pin)
        self._may_change_secret(account_id, current)
        new_hash = hash_secret(pin) if pin is not None else None

        def change(row: AppUser, _session: Session) -> dict[str, Any]:
            if pin is not None and row.role != Role.VOLUNTEER:
                raise _pin_reserved()
            if pin is None and not has_password(row.password_hash):
                raise ConflictError(
                    _(
                        "« {name} » n'a pas de mot de passe : sans son code PIN, ce compte ne "
                        "pourrait plus se connecter."
                    ).format(name=row.display_name)
                )
            row.pin_hash = new_hash
            return {"changed": "pin" if pin is not None else "pin_removed"}

        return self._change(account_id, change)

    # -- inactivity lock ------------------------------------------------------------------
    @in_place
    def lock_minutes(self, site_id: uuid.UUID | None) -> int:
        """Minutes without a key press or a click before the desk locks (default 5)."""
        if site_id is None:
            return LOCK_DEFAULT_MINUTES
        with self._uow(read_only=True) as uow:
            row = _lock_setting(uow.session, site_id)
            text = None if row is None else row.value
        try:
            value = int(json.loads(text)) if text is not None else LOCK_DEFAULT_MINUTES
        except (TypeError, ValueError):
            return LOCK_DEFAULT_MINUTES
        return value if LOCK_MIN_MINUTES <= value <= LOCK_MAX_MINUTES else LOCK_DEFAULT_MINUTES

    @requires(Permission.SETTINGS)
    def set_lock_minutes(self, *, site_id: uuid.UUID, minutes: int) -> int:
        if not LOCK_MIN_MINUTES <= minutes <= LOCK_MAX_MINUTES:
            raise ValidationError(
                _("Délai de verrouillage"),
                _("entre {low} et {high} minutes").format(
                    low=LOCK_MIN_MINUTES, high=LOCK_MAX_MINUTES
                ),
            )
        with self._uow() as uow:
            row = _lock_setting(uow.session, site_id)
            if row is None:
                row = SiteSetting(site_id=site_id, key=LOCK_KEY)
            row.value = json.dumps(minutes)
            uow.session.add(row)
            audit.record(
                uow,
                action=AuditAction.UPDATE,
                entity="setting",
                entity_id=None,
                site_id=site_id,
                details={LOCK_KEY: minutes},
            )
            uow.commit()
        return minutes

    # -- helpers --------------------------------------------------------------------------
    def _change(
        self, account_id: uuid.UUID, change: Callable[[AppUser, Session], dict[str, Any]]
    ) -> AccountInfo:
        """Apply ``change`` to the account and audit what it returns, in one transaction."""
        with self._uow() as uow:
            row = uow.session.get(AppUser, account_id)
            if row is None:
                raise NotFoundError(_("Ce compte n'existe plus."))
            access = access_of(self)
            if row.site_id is None:
                access.require_network(_("modifier un compte du réseau"), self._uow)
            else:
                access.require_site(row.site_id, self._uow)
            details = change(row, uow.session)
            uow.session.add(row)
            audit.record(
                uow,
                action=AuditAction.UPDATE,
                entity="app_user",
                entity_id=row.id,
                site_id=row.site_id,
                details=details,
            )
            uow.commit()
            return _account(row)


def _pin_reserved() -> ValidationError:
    return ValidationError(
        _("Code PIN"), _("réservé aux bénévoles ; les autres rôles ont un mot de passe")
    )


def _keep_an_admin(session: Session, row: AppUser) -> None:
    """Refuse to take the last active administration account away."""
    if row.role != Role.ADMIN or not row.active:
        return
    others = session.exec(
        select(func.count())
        .select_from(AppUser)
        .where(
            AppUser.role == Role.ADMIN,
            col(AppUser.active).is_(True),
            AppUser.id != row.id,
        )
    ).one()
    if not others:
        raise ConflictError(
            _(
                "« {name} » est le dernier compte d'administration actif : il ne peut être ni "
                "rétrogradé ni désactivé. Donnez d'abord le rôle Administration à un autre "
                "compte."
            ).format(name=row.display_name)
        )


def _lock_setting(session: Session, site_id: uuid.UUID) -> SiteSetting | None:
    return session.exec(
        select(SiteSetting).where(SiteSetting.site_id == site_id, SiteSetting.key == LOCK_KEY)
    ).first()
