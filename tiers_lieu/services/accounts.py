"""Local accounts: creation with an argon2 hash, and password checks.

Roles and the inactivity lock build on this (a later issue); here the first run creates the
coordinator's account and the desk signs in with it.
"""

from __future__ import annotations

import uuid

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlmodel import col, select

from tiers_lieu.db import UowFactory
from tiers_lieu.errors import AuthenticationError, ConflictError, ValidationError
from tiers_lieu.i18n import _
from tiers_lieu.models import AppUser, utcnow
from tiers_lieu.models.enums import AuditAction, Role
from tiers_lieu.services import audit
from tiers_lieu.services.readmodels import UserInfo

MIN_PASSWORD_LENGTH = 8
_hasher = PasswordHasher()


def _info(u: AppUser) -> UserInfo:
    return UserInfo(u.id, u.username, u.display_name, u.role, u.site_id)


class AccountService:
    def __init__(self, uow: UowFactory) -> None:
        self._uow = uow

    def has_users(self) -> bool:
        with self._uow() as uow:
            return uow.session.exec(select(AppUser.id).limit(1)).first() is not None

    def list_users(self) -> list[UserInfo]:
        with self._uow() as uow:
            rows = uow.session.exec(
                select(AppUser)
                .where(col(AppUser.active).is_(True))
                .order_by(col(AppUser.display_name))
            )
            return [_info(u) for u in rows]

    def create_user(
        self,
        *,
        username: str,
        display_name: str,
        password: str,
        role: Role,
        site_id: uuid.UUID | None = None,
    ) -> UserInfo:
        username = username.strip().casefold()
        display_name = display_name.strip() or username
        if not username:
            raise ValidationError(_("Identifiant"), _("ce champ est obligatoire"))
        if len(username) > 60 or any(c.isspace() for c in username):
            raise ValidationError(_("Identifiant"), _("60 caractères au plus, sans espace"))
        if len(password) < MIN_PASSWORD_LENGTH:
            raise ValidationError(
                _("Mot de passe"),
                _("{n} caractères au moins").format(n=MIN_PASSWORD_LENGTH),
            )
        with self._uow() as uow:
            if uow.session.exec(select(AppUser).where(AppUser.username == username)).first():
                raise ConflictError(
                    _("L'identifiant « {name} » est déjà pris.").format(name=username)
                )
            user = AppUser(
                username=username,
                display_name=display_name,
                password_hash=_hasher.hash(password),
                role=Role(role),
                site_id=site_id,
            )
            uow.session.add(user)
            uow.commit()
            return _info(user)

    def authenticate(self, username: str, password: str) -> UserInfo:
        refused = AuthenticationError(_("Identifiant ou mot de passe incorrect."))
        with self._uow() as uow:
            user = uow.session.exec(
                select(AppUser).where(AppUser.username == username.strip().casefold())
            ).first()
            if user is None or not user.active:
                raise refused
            try:
                _hasher.verify(user.password_hash, password)
            except (VerifyMismatchError, VerificationError, InvalidHashError):
                raise refused from None
            if _hasher.check_needs_rehash(user.password_hash):
                user.password_hash = _hasher.hash(password)
            user.last_login_at = utcnow()
            uow.session.add(user)
            audit.record(
                uow,
                action=AuditAction.LOGIN,
                entity="app_user",
                entity_id=user.id,
                site_id=user.site_id,
                user_id=user.id,
            )
            uow.commit()
            return _info(user)
