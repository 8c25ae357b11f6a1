"""Signing in at the desk: the login dialog, a PIN, and unlocking after the inactivity lock.

:class:`SignIn` is the base of :class:`~tiers_lieu.services.accounts.AccountService` (one
service for the front ends, ``app.accounts``); it is a module of its own to keep the account
management readable. Secrets are checked outside any write transaction (argon2 takes a
tenth of a second, and a writing unit of work holds SQLite's write lock): the hashes are read
in a read-only unit of work first, then the sign-in is recorded.

Wrong secrets are counted in the database (``app_user.failed_attempts``), so a restart does
not clear them: the failure is committed in a unit of work of its own before the refusal is
raised, with ``failed_attempts = failed_attempts + 1`` in SQL so that two desks failing at
once both count. The fifth locks the account (``locked_until``) for a delay that grows with
each lock in a row (``lock_count``, see :func:`~.account_secrets.lock_seconds`) and writes a
« Blocage de compte » audit line; a right secret clears all three.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlmodel import col, select

from tiers_lieu.db import UnitOfWork, UowFactory
from tiers_lieu.errors import AuthenticationError, NotFoundError, ValidationError
from tiers_lieu.i18n import _
from tiers_lieu.models import AppUser, utcnow
from tiers_lieu.models.enums import AuditAction
from tiers_lieu.services import audit
from tiers_lieu.services.access import Access, Permission, access_of
from tiers_lieu.services.account_secrets import (
    MAX_ATTEMPTS,
    blocked_error,
    hash_secret,
    lock_seconds,
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
    failed_attempts: int = 0
    locked_until: datetime | None = None
    lock_count: int = 0

    @classmethod
    def of(cls, u: AppUser) -> Stored:
        return cls(
            u.id,
            user_info(u),
            u.password_hash,
            u.pin_hash,
            u.active,
            u.site_id,
            u.failed_attempts,
            u.locked_until,
            u.lock_count,
        )


class SignIn:
    """Password and PIN checks, with the throttle and the audit lines they write."""

    def __init__(self, uow: UowFactory) -> None:
        self._uow = uow
        #: The current instant (aware UTC); replaceable in tests.
        self.clock: Callable[[], datetime] = utcnow

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

    def authenticate_pin(self, account_id: uuid.UUID, pin: str) -> UserInfo:
        """Sign in a chosen account with its PIN (the desk's account list)."""
        stored = self._active(account_id)
        if stored.pin_hash is None:
            raise AuthenticationError(_("Ce compte n'a pas de code PIN."))
        refused = AuthenticationError(_("Code PIN incorrect."))
        method = self._verify(stored, pin, refused, password=False)
        return self._signed_in(stored, method, pin)

    def unlock(self, account_id: uuid.UUID, secret: str) -> UserInfo:
        """Check the password or PIN of whoever unlocks the desk; a different person than
        the one signed in is a user switch, written to the audit log."""
        stored = self._active(account_id)
        self._verify(stored, secret, AuthenticationError(_("Mot de passe ou code PIN incorrect.")))
        previous = self._access().user
        if previous is not None and previous.id == account_id:
            return stored.info  # the same person is back: nothing to record
        with self._uow() as uow:
            row = uow.session.get(AppUser, account_id)
            if row is None:
                raise NotFoundError(_("Ce compte n'existe plus."))
            row.last_login_at = utcnow()
            uow.session.add(row)
            audit.record_sign_in(
                uow,
                row,
                action=AuditAction.SWITCH,
                details={"previous": None if previous is None else previous.username},
            )
            uow.commit()
            return user_info(row)

    # -- shared with account management ---------------------------------------------------
    def _access(self) -> Access:
        return access_of(self)

    def _is_own(self, account_id: uuid.UUID) -> bool:
        access = self._access()
        return not access.is_system and access.user_id == account_id

    def _active(self, account_id: uuid.UUID) -> Stored:
        with self._uow(read_only=True) as uow:
            row = uow.session.get(AppUser, account_id)
            stored = None if row is None else Stored.of(row)
        if stored is None or not stored.active:
            raise AuthenticationError(_("Ce compte n'existe plus ou a été désactivé."))
        return stored

    def _may_change_secret(self, account_id: uuid.UUID, current: str | None) -> None:
        """One's own secret needs the current one; anyone else's needs the administration."""
        if not self._is_own(account_id):
            self._access().require(Permission.ACCOUNTS)
            return
        if not current:
            raise ValidationError(
                _("Mot de passe ou code PIN actuel"), _("ce champ est obligatoire")
            )
        self._verify(
            self._active(account_id),
            current,
            AuthenticationError(_("Le mot de passe ou code PIN actuel est incorrect.")),
        )

    def _verify(
        self, stored: Stored, secret: str, refused: AuthenticationError, *, password: bool = True
    ) -> str:
        """``"password"`` or ``"pin"``, whichever matched (the PIN only when ``password`` is
        false); while the account is locked nothing is checked; a wrong secret is counted in
        the database, and the one that locks the account is audited."""
        self._refuse_while_locked(stored.locked_until)
        # One argon2 check, not two (a tenth of a second each): a password has at least 8
        # characters, so six digits can only be a PIN.
        method = None
        if looks_like_pin(secret) and stored.pin_hash is not None:
            if matches(stored.pin_hash, secret):
                method = "pin"
        elif password and matches(stored.password_hash, secret):
            method = "password"
        if method is None:
            self._failed(stored)
            raise refused
        if stored.failed_attempts or stored.lock_count or stored.locked_until is not None:
            self._succeeded(stored.id)
        return method

    def _refuse_while_locked(self, locked_until: datetime | None) -> None:
        if locked_until is None:
            return
        wait = (locked_until - self.clock()).total_seconds()
        if wait > 0:
            raise blocked_error(math.ceil(wait))

    def _failed(self, stored: Stored) -> None:
        """Count a wrong secret (committed, whatever follows); raises the « bloqué » error
        when it locks the account or another desk locked it meanwhile."""
        table = AppUser.__table__  # type: ignore[attr-defined]
        now = self.clock()
        with self._uow() as uow:
            connection = uow.session.connection()
            counted = connection.execute(
                update(table)
                .where(
                    table.c.id == stored.id,
                    or_(table.c.locked_until.is_(None), table.c.locked_until <= now),
                )
                .values(failed_attempts=table.c.failed_attempts + 1)
                .returning(table.c.failed_attempts, table.c.lock_count)
            ).first()
            if counted is None:  # locked by another desk since the account was read
                row = uow.session.get(AppUser, stored.id)
                self._refuse_while_locked(None if row is None else row.locked_until)
                return
            failures, locks = counted
            if failures < MAX_ATTEMPTS:
                uow.commit()
                return
            seconds = lock_seconds(locks + 1)
            connection.execute(
                update(table)
                .where(table.c.id == stored.id)
                .values(
                    failed_attempts=0,
                    lock_count=table.c.lock_count + 1,
                    locked_until=now + timedelta(seconds=seconds),
                )
            )
            self._record_lockout(uow, stored, seconds, locks + 1)
            uow.commit()
        raise blocked_error(seconds)

    def _record_lockout(self, uow: UnitOfWork, stored: Stored, seconds: int, locks: int) -> None:
        audit.record(
            uow,
            action=AuditAction.LOCKOUT,
            entity="app_user",
            entity_id=stored.id,
            site_id=stored.site_id,
            details={"attempts": MAX_ATTEMPTS, "blocked_seconds": seconds, "locks": locks},
        )

    def _succeeded(self, account_id: uuid.UUID) -> None:
        """A right secret clears the count and the lock delays (unless another desk locked
        the account meanwhile: then it is refused like any attempt during a lock)."""
        with self._uow() as uow:
            row = uow.session.exec(
                select(AppUser).where(col(AppUser.id) == account_id).with_for_update()
            ).first()
            if row is None:
                return
            self._refuse_while_locked(row.locked_until)
            row.failed_attempts = 0
            row.lock_count = 0
            row.locked_until = None
            uow.session.add(row)
            uow.commit()

    def _signed_in(self, stored: Stored, method: str, secret: str) -> UserInfo:
        with self._uow() as uow:
            user = uow.session.get(AppUser, stored.id)
            if user is None:
                raise NotFoundError(_("Ce compte n'existe plus."))
            self._refuse_while_locked(user.locked_until)  # locked by another desk meanwhile
            if method == "password" and needs_rehash(user.password_hash):
                user.password_hash = hash_secret(secret)
            user.last_login_at = utcnow()
            uow.session.add(user)
            audit.record_sign_in(uow, user, action=AuditAction.LOGIN, details={"method": method})
            uow.commit()
            return user_info(user)
