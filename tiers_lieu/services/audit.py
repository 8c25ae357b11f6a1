"""The audit log: who changed or removed which record, and when.

Services call :func:`record` inside their own unit of work, so the audit line is committed
with the change it describes, or not at all.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from tiers_lieu.db import UnitOfWork
from tiers_lieu.models import AuditEntry, utcnow
from tiers_lieu.models.enums import AuditAction


def record(
    uow: UnitOfWork,
    *,
    action: AuditAction,
    entity: str,
    entity_id: uuid.UUID | None,
    site_id: uuid.UUID | None,
    user_id: uuid.UUID | None,
    details: dict[str, Any] | None = None,
) -> None:
    """Add an audit line to the current transaction; ``details`` holds no personal data."""
    if user_id is None and uow.access is not None:
        user_id = uow.access.user_id  # the account signed in at the desk, if any
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
