"""Signing in at the desk: the login dialog, a PIN, and unlocking after the inactivity lock.

:class:`SignIn` is the base of :class:`~tiers_lieu.services.accounts.AccountService` (one
service for the front ends, ``app.accounts``); it is a module of its own to keep the account
management readable. Secrets are checked outside any write transaction (argon2 takes a
tenth of a second, and a writing unit of work holds SQLite's write lock): the hashes are read
in a read-only unit of work first, then the sign-in is recorded.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlmodel import select

from tiers_lieu.db import UowFactory
from tiers_lieu.errors import AuthenticationError, NotFoundError, ValidationError
from tiers_lieu.i18n import _
from tiers_lieu.models import AppUser, utcnow
from tiers_lieu.models.enums import AuditAction
from tiers_lieu.services import audit
from tiers_lieu.services.access import Access, Permission, access_of
from tiers_lieu.services.account_secrets import (
    MAX_ATTEMPTS,
    WAIT_SECONDS,
    Throttle,
    blocked_error,
    hash_secret,
    looks_like_pin,
    matches,
    needs_rehash,
)
from tiers_lieu.services.readmodels import UserInfo


def user_info(u: AppUser) -> UserInfo:
    return UserInfo(u.id, u.username, u.display_name, u.role, u.site_id)


@dataclass(frozen=True)
class Stored:
    """What checking a secret needs, read before any write lock is taken."""

    id: uuid.UUID
    info: UserInfo
    password_hash: str
    pin_hash: str | None
    active: bool
    site_id: uuid.UUID | None

    @classmethod
    def of(cls, u: AppUser) -> Stored:
        return cls(u.id, user_info(u), u.password_hash, u.pin_hash, u.active, u.site_id)


class SignIn:
    """Password and PIN checks, with the throttle and the audit lines they write."""

    def __init__(self, uow: UowFactory, throttle: Throttle | None = None) -> None:
        self._uow = uow
        self.throttle = throttle if throttle is not None else Throttle()

    def authenticate(self, username: str, password: str) -> UserInfo:
        """Sign in by username with the password, or the PIN of a volunteer who has one."""
        refused = AuthenticationError(_("Identifiant ou mot de passe incorrect."))
        with self._uow(read_only=True) as uow:
            row = uow.session.exec(
                select(AppUser).where(AppUser.username == username.strip().casefold())
            ).first()
            stored = None if row is None else Stored.of(row)
        if stored is None or not stored.active:
            raise refused
        method = self._verify(stored, password, refused)
        return self._signed_in(stored, method, password)

    def authenticate_pin(self, user_id: uuid.UUID, pin: str) -> UserInfo:
        """Sign in a chosen account with its PIN (the desk's account list)."""
        stored = self._active(user_id)
        if stored.pin_hash is None:
            raise AuthenticationError(_("Ce compte n'a pas de code PIN."))
        refused = AuthenticationError(_("Code PIN incorrect."))
        method = self._verify(stored, pin, refused, password=False)
        return self._signed_in(stored, method, pin)

    def unlock(self, user_id: uuid.UUID, secret: str) -> UserInfo:
        """Check the password or PIN of whoever unlocks the desk; a different person than
        the one signed in is a user switch, written to the audit log."""
        stored = self._active(user_id)
        self._verify(stored, secret, AuthenticationError(_("Mot de passe ou code PIN incorrect.")))
        previous = self._access().user
        if previous is not None and previous.id == user_id:
            return stored.info  # the same person is back: nothing to record
        with self._uow() as uow:
            row = uow.session.get(AppUser, user_id)
            if row is None:
                raise NotFoundError(_("Ce compte n'existe plus."))
            row.last_login_at = utcnow()
            uow.session.add(row)
            audit.record(
                uow,
                action=AuditAction.SWITCH,
                entity="app_user",
                entity_id=row.id,
                site_id=row.site_id,
                user_id=row.id,
                details={"previous": None if previous is None else previous.username},
            )
            uow.commit()
            return user_info(row)

    # -- shared with account management ---------------------------------------------------
    def _access(self) -> Access:
        return access_of(self)

    def _is_own(self, user_id: uuid.UUID) -> bool:
        access = self._access()
        return not access.is_system and access.user_id == user_id

    def _active(self, user_id: uuid.UUID) -> Stored:
        with self._uow(read_only=True) as uow:
            row = uow.session.get(AppUser, user_id)
            stored = None if row is None else Stored.of(row)
        if stored is None or not stored.active:
            raise AuthenticationError(_("Ce compte n'existe plus ou a été désactivé."))
        return stored

    def _may_change_secret(self, user_id: uuid.UUID, current: str | None) -> None:
        """One's own secret needs the current one; anyone else's needs the administration."""
        if not self._is_own(user_id):
            self._access().require(Permission.ACCOUNTS)
            return
        if not current:
            raise ValidationError(
                _("Mot de passe ou code PIN actuel"), _("ce champ est obligatoire")
            )
        self._verify(
            self._active(user_id),
            current,
            AuthenticationError(_("Le mot de passe ou code PIN actuel est incorrect.")),
        )

    def _verify(
        self, stored: Stored, secret: str, refused: AuthenticationError, *, password: bool = True
    ) -> str:
        """``"password"`` or ``"pin"``, whichever matched (the PIN only when ``password`` is
        false); a wrong secret counts towards the throttle, and the attempt that blocks the
        account is audited."""
        self.throttle.check(stored.id)
        # One argon2 check, not two (a tenth of a second each): a password has at least 8
        # characters, so six digits can only be a PIN.
        if looks_like_pin(secret) and stored.pin_hash is not None:
            if matches(stored.pin_hash, secret):
                self.throttle.succeeded(stored.id)
                return "pin"
        elif password and matches(stored.password_hash, secret):
            self.throttle.succeeded(stored.id)
            return "password"
        if not self.throttle.failed(stored.id):
            raise refused
        with self._uow() as uow:
            audit.record(
                uow,
                action=AuditAction.REFUSED,
                entity="app_user",
                entity_id=stored.id,
                site_id=stored.site_id,
                user_id=None,
                details={"attempts": MAX_ATTEMPTS, "blocked_seconds": WAIT_SECONDS},
            )
            uow.commit()
        raise blocked_error(WAIT_SECONDS)

    def _signed_in(self, stored: Stored, method: str, secret: str) -> UserInfo:
        with self._uow() as uow:
            user = uow.session.get(AppUser, stored.id)
            if user is None:
                raise NotFoundError(_("Ce compte n'existe plus."))
            if method == "password" and needs_rehash(user.password_hash):
                user.password_hash = hash_secret(secret)
            user.last_login_at = utcnow()
            uow.session.add(user)
            audit.record(
                uow,
                action=AuditAction.LOGIN,
                entity="app_user",
                entity_id=user.id,
                site_id=user.site_id,
                user_id=user.id,
                details={"method": method},
            )
            uow.commit()
            return user_info(user)
