"""The audit log's hash chain: each line carries the hash of the line before it.

Lines are chained per site (the lines without a site form one more chain). A line's hash is
the SHA-256 of its own fields and of the previous line's hash, so a line inserted, changed or
removed with SQL breaks the chain at that place.

Every audit line written through a session is chained by a ``before_flush`` listener
(:func:`install_chain_listener`, called by ``app.build``): it reads the head of each chain the
flush adds to and gives the new lines the next ``seq``, ``prev_hash`` and ``line_hash``. Two
writers must not read the same head: on SQLite the writing transaction already holds the
database's write lock (``BEGIN IMMEDIATE``); on PostgreSQL the listener takes a
transaction-scoped advisory lock first, one for the whole log rather than one per chain: a
transaction may add to two chains in two flushes, in any order, and two such transactions
holding one chain's lock each would deadlock (a test did). Audited writes are few and short,
so they wait for each other on PostgreSQL as every write does on SQLite.

The retention purge removes the *start* of a chain only (:func:`purgeable_prefix`: the lines
before the first one that is still too young to go), and its own audit line records the
``seq`` and hash of the last line it removed: the verifier (:mod:`.audit_verify`) accepts a
chain whose first line follows such an anchor, and nothing else.

:func:`line_hash` is the one definition of a line's hash: migration 0006 uses it to chain the
lines written before it, so it must never change.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, event, func, select, text
from sqlmodel import Session

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


#: The PostgreSQL advisory lock a transaction holds from its first audit line to its end.
CHAIN_LOCK = 0x41756469  # "Audi"
#: Detail keys of the purge's audit line: the last line it removed from the chain.
PURGED_TO_SEQ = "purged_to_seq"
PURGED_TO_HASH = "purged_to_hash"


def _table() -> Any:
    from tiers_lieu.models import AuditEntry

    return AuditEntry.__table__  # type: ignore[attr-defined]


def _of_chain(table: Any, site_id: uuid.UUID | None) -> Any:
    return table.c.site_id.is_(None) if site_id is None else table.c.site_id == site_id


def chain_head(connection: Connection, site_id: uuid.UUID | None) -> tuple[int, str]:
    """``(seq, line_hash)`` of the last line of a chain; ``(0, GENESIS)`` when it is empty."""
    t = _table()
    row = connection.execute(
        select(t.c.seq, t.c.line_hash)
        .where(_of_chain(t, site_id), t.c.seq.is_not(None))
        .order_by(t.c.seq.desc())
        .limit(1)
    ).first()
    return (0, GENESIS) if row is None else (int(row.seq), str(row.line_hash))


def _sort_key(site_id: uuid.UUID | None) -> str:
    return "" if site_id is None else str(site_id)


def _chain_new_lines(session: Session, _context: Any, _instances: Any) -> None:
    from tiers_lieu.models import AuditEntry, utcnow

    chains: dict[uuid.UUID | None, list[AuditEntry]] = {}
    for obj in session.new:  # in the order they were added
        if isinstance(obj, AuditEntry):
            chains.setdefault(obj.site_id, []).append(obj)
    if not chains:
        return
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK})
    for site_id in sorted(chains, key=_sort_key):
        seq, prev = chain_head(connection, site_id)
        for line in chains[site_id]:
            if line.at is None:
                line.at = utcnow()
            seq += 1
            digest = line_hash(
                prev_hash=prev,
                seq=seq,
                line_id=line.id,
                at=line.at,
                site_id=line.site_id,
                user_id=line.user_id,
                action=str(line.action),
                entity=line.entity,
                entity_id=line.entity_id,
                details=line.details or "",
            )
            line.seq, line.prev_hash, line.line_hash = seq, prev, digest
            prev = digest


def install_chain_listener() -> None:
    """Chain every audit line added through any session (idempotent)."""
    if not event.contains(Session, "before_flush", _chain_new_lines):
        event.listen(Session, "before_flush", _chain_new_lines)


@dataclass(frozen=True)
class PurgedPrefix:
    """The start of a chain the retention purge may remove: lines ``seq`` ≤ :attr:`to_seq`,
    the last of which has the hash :attr:`to_hash`."""

    to_seq: int
    to_hash: str


def purgeable_prefix(
    connection: Connection, site_id: uuid.UUID, limit: datetime
) -> PurgedPrefix | None:
    """The lines of a site's chain older than ``limit`` that come before its first line
    younger than that (a line written out of order stays until the lines before it go), or
    ``None`` when there is none. Lines without a ``seq`` (written around Comptoir) are never
    part of it: they stay for the verifier to name."""
    t = _table()
    chain = [_of_chain(t, site_id), t.c.seq.is_not(None)]
    first_young = connection.execute(
        select(func.min(t.c.seq)).where(*chain, t.c.at >= limit)
    ).scalar()
    where = [*chain] if first_young is None else [*chain, t.c.seq < first_young]
    row = connection.execute(
        select(t.c.seq, t.c.line_hash).where(*where).order_by(t.c.seq.desc()).limit(1)
    ).first()
    if row is None or row.seq is None:
        return None
    return PurgedPrefix(int(row.seq), str(row.line_hash))
