"""The audit log: who changed or removed which record, and when.

Services call :func:`record` inside their own unit of work, so the audit line is committed
with the change it describes, or not at all. Its author is always the unit of work's
(``uow.actor_id``: the account signed in, ``None`` for the system), never a caller's word;
only :func:`record_sign_in` names another account — the one signing in, the subject of the
line, before the desk knows it.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from tiers_lieu.db import UnitOfWork
from tiers_lieu.models import AppUser, AuditEntry, utcnow
from tiers_lieu.models.enums import AuditAction


def record(
    uow: UnitOfWork,
    *,
    action: AuditAction,
    entity: str,
    entity_id: uuid.UUID | None,
    site_id: uuid.UUID | None,
    details: dict[str, Any] | None = None,
) -> None:
    """Add an audit line to the current transaction, in the name of whoever the unit of work
    acts for; ``details`` holds no personal data."""
    _add(uow, uow.actor_id, action, entity, entity_id, site_id, details)


def record_changes(uow: UnitOfWork, row: Any, values: dict[str, Any], *, entity: str) -> list[str]:
    """Set on ``row`` (a place's row: ``id``, ``site_id``) those ``values`` that differ, and
    record their names (never their values) in one UPDATE line; nothing when none differs.
    Returns the names changed."""
    changed = [key for key, value in values.items() if getattr(row, key) != value]
    for key in changed:
        setattr(row, key, values[key])
    if changed:
        record(
            uow,
            action=AuditAction.UPDATE,
            entity=entity,
            entity_id=row.id,
            site_id=row.site_id,
            details={"fields": changed},
        )
    return changed


def record_deletion(uow: UnitOfWork, row: Any, *, entity: str) -> None:
    """Delete ``row`` (a place's row: ``id``, ``site_id``) with one DELETE line naming it."""
    record(
        uow,
        action=AuditAction.DELETE,
        entity=entity,
        entity_id=row.id,
        site_id=row.site_id,
    )
    uow.session.delete(row)


def record_sign_in(
    uow: UnitOfWork, account: AppUser, *, action: AuditAction, details: dict[str, Any]
) -> None:
    """A line about ``account`` signing in (or taking over the desk), written in its own name:
    it is the one acting, though the desk has not signed it in yet."""
    _add(uow, account.id, action, "app_user", account.id, account.site_id, details)


def _add(
    uow: UnitOfWork,
    user_id: uuid.UUID | None,
    action: AuditAction,
    entity: str,
    entity_id: uuid.UUID | None,
    site_id: uuid.UUID | None,
    details: dict[str, Any] | None,
) -> None:
    text = json.dumps(details or {}, ensure_ascii=False, default=str, sort_keys=True)
    uow.session.add(
        AuditEntry(
            site_id=site_id,
            user_id=user_id,
            at=utcnow(),
            action=action,
            entity=entity,
            entity_id=entity_id,
            details=text[:2000],
        )
    )
