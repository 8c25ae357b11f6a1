"""The till journal's hash chain: what a line's hash covers, the one definition.

A line's hash is the SHA-256 of a JSON array of its fields and of the previous line's hash,
identifiers in canonical text and the instant as naive UTC to the microsecond, so that a line
read back from SQLite or PostgreSQL hashes the same as the one written. Migration 0012 uses
:func:`line_hash` for each place's opening line: it must never change.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import UTC, datetime
from typing import Any

#: ``prev_hash`` of a place's first line.
GENESIS = "0" * 64


def canonical(payload: Any) -> str:
    """The JSON text stored in ``payload`` and hashed: sorted keys, no spaces, UTF-8 as is."""
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def line_hash(
    *,
    prev_hash: str,
    seq: int,
    line_id: uuid.UUID | str,
    site_id: uuid.UUID | str,
    kind: str,
    occurred_at: datetime,
    actor: str,
    ref_id: uuid.UUID | str | None,
    number: str,
    amount_cents: int,
    payload: str,
) -> str:
    """The hex SHA-256 of one journal line chained to ``prev_hash``."""

    def ident(value: uuid.UUID | str | None) -> str | None:
        return None if value is None else str(uuid.UUID(str(value)))

    if occurred_at.tzinfo is not None:
        occurred_at = occurred_at.astimezone(UTC).replace(tzinfo=None)
    fields = [
        prev_hash,
        seq,
        ident(line_id),
        ident(site_id),
        kind,
        occurred_at.isoformat(timespec="microseconds"),
        actor,
        ident(ref_id),
        number,
        int(amount_cents),
        payload,
    ]
    text = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
