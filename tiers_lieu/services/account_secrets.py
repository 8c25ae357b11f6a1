"""The secrets of local accounts: argon2 hashes of passwords and PINs, their rules, and the
throttle that slows down guessing.

A volunteer may sign in with a 6-digit PIN only. ``app_user.password_hash`` is NOT NULL, so
such an account stores :data:`PIN_ONLY` there: it is not an argon2 hash, ``verify`` raises
``InvalidHashError`` for it, and no password can ever match it (the ``!`` of a locked Unix
account in ``/etc/shadow`` plays the same part).

The throttle is kept in the database, per account (``app_user.failed_attempts``,
``locked_until``, ``lock_count``; :mod:`tiers_lieu.services.account_signin` writes them): after
:data:`MAX_ATTEMPTS` wrong secrets in a row the account is refused, whatever is typed, for
:func:`lock_seconds` — 30 s the first time, then longer at each lock up to 15 minutes, until a
right secret starts again from 30 s. A restart changes nothing, so guessing a 6-digit PIN
takes years.
"""

from __future__ import annotations

import math

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from tiers_lieu.errors import AuthenticationError, ValidationError
from tiers_lieu.i18n import _, ngettext

MIN_PASSWORD_LENGTH = 8
PIN_LENGTH = 6
PIN_ONLY = "!pin-only"
"""Stored as the password hash of a PIN-only account: never a valid argon2 hash."""
MAX_ATTEMPTS = 5
LOCK_DELAYS = (30, 60, 120, 300, 600, 900)
"""Seconds an account stays locked at its first, second… lock in a row (the last repeats)."""

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


def lock_seconds(lock_number: int) -> int:
    """How long the ``lock_number``-th lock in a row lasts (1 is the first)."""
    return LOCK_DELAYS[min(max(lock_number, 1), len(LOCK_DELAYS)) - 1]


def blocked_error(seconds: int) -> AuthenticationError:
    """« Réessayez dans … »: seconds under a minute, whole minutes (rounded up) above."""
    if seconds < 60:
        return AuthenticationError(
            ngettext(
                "Trop d'essais incorrects : ce compte est bloqué, réessayez dans {n} seconde.",
                "Trop d'essais incorrects : ce compte est bloqué, réessayez dans {n} secondes.",
                seconds,
            ).format(n=seconds)
        )
    minutes = math.ceil(seconds / 60)
    return AuthenticationError(
        ngettext(
            "Trop d'essais incorrects : ce compte est bloqué, réessayez dans {n} minute.",
            "Trop d'essais incorrects : ce compte est bloqué, réessayez dans {n} minutes.",
            minutes,
        ).format(n=minutes)
    )
