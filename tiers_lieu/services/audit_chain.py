"""The audit log's hash chain: each line carries the hash of the line before it.

Lines are chained per site (the lines without a site form one more chain). A line's hash is
the SHA-256 of its own fields and of the previous line's hash, so a line inserted, changed or
removed with SQL breaks the chain at that place. The purge of old lines removes the start of a
chain: the first line left is then taken as it is (its ``prev_hash`` names a line that is gone).

:func:`line_hash` is the one definition of a line's hash: migration 0006 uses it to chain the
lines written before it, so it must never change.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import UTC, datetime

#: ``prev_hash`` of the first line of a chain.
GENESIS = "0" * 64


def line_hash(
    *,
    prev_hash: str,
    seq: int,
    line_id: uuid.UUID | str,
    at: datetime,
    site_id: uuid.UUID | str | None,
    user_id: uuid.UUID | str | None,
    action: str,
    entity: str,
    entity_id: uuid.UUID | str | None,
    details: str,
) -> str:
    """The hex SHA-256 of one audit line chained to ``prev_hash``.

    ``at`` is taken as naive UTC to the microsecond (as stored), identifiers as their canonical
    text, so a value read back from SQLite or PostgreSQL hashes the same as the one written.
    """

    def ident(value: uuid.UUID | str | None) -> str | None:
        return None if value is None else str(uuid.UUID(str(value)))

    if at.tzinfo is not None:
        at = at.astimezone(UTC).replace(tzinfo=None)
    instant = at.isoformat(timespec="microseconds")
    fields = [
        prev_hash,
        seq,
        ident(line_id),
        instant,
        ident(site_id),
        ident(user_id),
        action,
        entity,
        ident(entity_id),
        details,
    ]
    text = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
