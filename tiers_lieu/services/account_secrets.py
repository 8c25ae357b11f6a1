"""The secrets of local accounts: argon2 hashes of passwords and PINs, their rules, and the
throttle that slows down guessing.

A volunteer may sign in with a 6-digit PIN only. ``app_user.password_hash`` is NOT NULL, so
such an account stores :data:`PIN_ONLY` there: it is not an argon2 hash, ``verify`` raises
``InvalidHashError`` for it, and no password can ever match it (the ``!`` of a locked Unix
account in ``/etc/shadow`` plays the same part).

The throttle is in memory, per account: after :data:`MAX_ATTEMPTS` wrong secrets in a row the
account is refused for :data:`WAIT_SECONDS` seconds, whatever is typed. A restart of the
application clears it; a desk laptop has one process, so that is enough to make guessing a
6-digit PIN take weeks instead of minutes.
"""

from __future__ import annotations

import math
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from tiers_lieu.errors import AuthenticationError, ValidationError
from tiers_lieu.i18n import _, ngettext

MIN_PASSWORD_LENGTH = 8
PIN_LENGTH = 6
PIN_ONLY = "!pin-only"
"""Stored as the password hash of a PIN-only account: never a valid argon2 hash."""
MAX_ATTEMPTS = 5
WAIT_SECONDS = 30

_hasher = PasswordHasher()


def hash_secret(secret: str) -> str:
    return _hasher.hash(secret)


def matches(stored: str | None, secret: str) -> bool:
    """Whether ``secret`` matches the argon2 hash ``stored`` (``None`` or :data:`PIN_ONLY`
    never match)."""
    if not stored or not secret:
        return False
    try:
        return _hasher.verify(stored, secret)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    return stored != PIN_ONLY and _hasher.check_needs_rehash(stored)


def has_password(stored: str) -> bool:
    return stored != PIN_ONLY and bool(stored)


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            _("Mot de passe"), _("{n} caractères au moins").format(n=MIN_PASSWORD_LENGTH)
        )


def check_pin(pin: str) -> None:
    if len(pin) != PIN_LENGTH or not all(c in "0123456789" for c in pin):
        raise ValidationError(_("Code PIN"), _("exactement 6 chiffres"))


def looks_like_pin(secret: str) -> bool:
    return len(secret) == PIN_LENGTH and all(c in "0123456789" for c in secret)


@dataclass
class _Attempts:
    failures: int = 0
    blocked_until: float = 0.0


class Throttle:
    """Counts wrong secrets per account; ``clock`` is replaceable for tests."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._accounts: dict[uuid.UUID, _Attempts] = {}

    def check(self, account_id: uuid.UUID) -> None:
        """Refuse at once while the account is blocked (the message says how long)."""
        with self._lock:
            attempts = self._accounts.get(account_id)
            wait = 0.0 if attempts is None else attempts.blocked_until - self.clock()
        if wait > 0:
            raise blocked_error(math.ceil(wait))

    def failed(self, account_id: uuid.UUID) -> bool:
        """Count a wrong secret; ``True`` when this one blocks the account."""
        with self._lock:
            attempts = self._accounts.setdefault(account_id, _Attempts())
            attempts.failures += 1
            if attempts.failures < MAX_ATTEMPTS:
                return False
            attempts.failures = 0
            attempts.blocked_until = self.clock() + WAIT_SECONDS
            return True

    def succeeded(self, account_id: uuid.UUID) -> None:
        with self._lock:
            self._accounts.pop(account_id, None)


def blocked_error(seconds: int) -> AuthenticationError:
    return AuthenticationError(
        ngettext(
            "Trop d'essais incorrects : ce compte est bloqué, réessayez dans {n} seconde.",
            "Trop d'essais incorrects : ce compte est bloqué, réessayez dans {n} secondes.",
            seconds,
        ).format(n=seconds)
    )
