"""Audit lines written around Comptoir, as someone with a SQL console would (the tests of the
audit log's hash chains, on SQLite and on PostgreSQL)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Insert, insert

from tiers_lieu.models import AuditEntry, utcnow

TABLE = AuditEntry.__table__  # type: ignore[attr-defined]


def forged_line(
    site_id: uuid.UUID | None,
    at: datetime,
    *,
    action: str = "login",
    entity: str = "app_user",
    **chained: object,
) -> Insert:
    """The INSERT of a line of the log; ``chained`` may give it a made-up ``seq``,
    ``prev_hash`` and ``line_hash``."""
    now = utcnow()
    return insert(TABLE).values(
        id=uuid.uuid4(),
        created_at=now,
        updated_at=now,
        site_id=site_id,
        at=at,
        action=action,
        entity=entity,
        details="{}",
        **chained,
    )
