"""Merging a bundle's rows into the database, table by table in foreign-key order, in bulk.

For each table the ids of the incoming rows are looked up in chunks; absent rows are inserted
with one ``executemany``, rows whose incoming ``updated_at`` is newer are updated the same
way (last writer wins). When the local row and the incoming one both changed after the last
import from that site, the row kept is still the newer one, and a ``BundleConflict`` says so.
Tombstones delete their row unless it was edited after the deletion, children first.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, delete, insert, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlmodel import col

from tiers_lieu.errors import ComptoirError
from tiers_lieu.i18n import _
from tiers_lieu.models import BundleConflict, Tombstone
from tiers_lieu.services.bundles.tables import converter, local_references, travelling_tables

CHUNK = 500


@dataclass
class MergeCounts:
    inserted: int = 0
    updated: int = 0
    deleted: int = 0
    conflicts: int = 0


def _existing(session: Session, table: Table, ids: list[uuid.UUID]) -> dict[uuid.UUID, datetime]:
    found: dict[uuid.UUID, datetime] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        query = select(table.c.id, table.c.updated_at).where(table.c.id.in_(chunk))
        found.update({row.id: row.updated_at for row in session.execute(query)})
    return found


def _decoder(table: Table) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """Turns a JSON row into bind values; references to local-only tables are emptied."""
    converters = {column.name: converter(column) for column in table.c}
    emptied = local_references(table)

    def decode(raw: dict[str, Any]) -> dict[str, Any]:
        row = {
            name: None if value is None else converters[name](value)
            for name, value in raw.items()
            if name in converters
        }
        for name in emptied:
            row[name] = None
        return row

    return decode


def merge_rows(
    session: Session,
    records: list[dict[str, Any]],
    *,
    bundle_id: uuid.UUID,
    site_id: uuid.UUID,
    last_import: datetime,
) -> MergeCounts:
    counts = MergeCounts()
    if session.get_bind().dialect.name == "sqlite":
        # Self-references (a person merged into another) may arrive in any order.
        session.execute(text("PRAGMA defer_foreign_keys=ON"))
    by_table: dict[str, list[dict[str, Any]]] = defaultdict(list)
    stones: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in records:
        if record.get("kind") == "row":
            by_table[record["table"]].append(record["row"])
        elif record.get("kind") == "tombstone":
            stones[record["table"]].append(record)
    tables = travelling_tables()
    try:
        for table in tables:
            if table.name in by_table:
                _merge_table(
                    session, table, by_table[table.name], counts, bundle_id, site_id, last_import
                )
        for table in reversed(tables):
            if table.name in stones:
                _apply_tombstones(session, table, stones[table.name], counts, site_id)
        session.flush()
    except IntegrityError as exc:
        raise ComptoirError(
            _(
                "Ce paquet ne peut pas être fusionné avec cette base (donnée en double ou "
                "référence manquante : {detail}). Rien n'a été importé."
            ).format(detail=str(exc.orig)[:200])
        ) from None
    return counts


def _merge_table(
    session: Session,
    table: Table,
    raw_rows: list[dict[str, Any]],
    counts: MergeCounts,
    bundle_id: uuid.UUID,
    site_id: uuid.UUID,
    last_import: datetime,
) -> None:
    decode = _decoder(table)
    rows = [decode(raw) for raw in raw_rows]
    existing = _existing(session, table, [row["id"] for row in rows])
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for row in rows:
        local = existing.get(row["id"])
        incoming = row["updated_at"]
        if local is None:
            inserts.append(row)
            continue
        if local == incoming:
            continue
        if local > last_import and incoming > last_import:
            counts.conflicts += 1
            session.add(
                BundleConflict(
                    bundle_id=bundle_id,
                    site_id=site_id,
                    table_name=table.name,
                    row_id=row["id"],
                    local_updated_at=local,
                    incoming_updated_at=incoming,
                    kept="incoming" if incoming > local else "local",
                )
            )
        if incoming > local:
            updates.append({"b_id": row["id"], **{k: v for k, v in row.items() if k != "id"}})
    if inserts:
        session.execute(insert(table), _parents_first(table, inserts))
        counts.inserted += len(inserts)
    if updates:
        session.execute(update(table).where(table.c.id == bindparam("b_id")), updates)
        counts.updated += len(updates)


def _parents_first(table: Table, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows pointing at another incoming row of their table (a person merged into another)
    after that row: PostgreSQL checks each reference as its row arrives, while SQLite waits
    for the commit (``defer_foreign_keys``) and rows come in id order."""
    columns = [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]
    if not columns:
        return rows
    incoming = {row["id"] for row in rows}
    placed: set[Any] = set()
    ordered: list[dict[str, Any]] = []
    pending = rows
    while pending:
        ready: list[dict[str, Any]] = []
        waiting: list[dict[str, Any]] = []
        for row in pending:
            parents = [row.get(c) for c in columns]
            blocked = any(p in incoming and p not in placed for p in parents)
            (waiting if blocked else ready).append(row)
        if not ready:  # a cycle: the database will say so
            ordered.extend(waiting)
            break
        ordered.extend(ready)
        placed.update(row["id"] for row in ready)
        pending = waiting
    return ordered


def _apply_tombstones(
    session: Session,
    table: Table,
    records: list[dict[str, Any]],
    counts: MergeCounts,
    site_id: uuid.UUID,
) -> None:
    known = set(
        session.execute(
            select(col(Tombstone.row_id)).where(col(Tombstone.table_name) == table.name)
        ).scalars()
    )
    for record in records:
        row_id = uuid.UUID(record["row_id"])
        deleted_at = datetime.fromisoformat(record["deleted_at"])
        result = session.execute(
            delete(table).where(table.c.id == row_id, table.c.updated_at <= deleted_at)
        )
        counts.deleted += result.rowcount or 0  # type: ignore[attr-defined]
        if row_id not in known:
            session.add(
                Tombstone(
                    table_name=table.name, row_id=row_id, site_id=site_id, deleted_at=deleted_at
                )
            )
            known.add(row_id)
