"""Merging a bundle's records into the database as they are read, in bounded batches.

The records come lazily from the inflating file (``fileformat.opened``), table by table as
the export writes them: the site, then each table after the ones it refers to. They are
merged in that order, :data:`BATCH` rows at a time, so memory stays the same whatever the
bundle's size: importing a large place's three years (106 000 rows) peaked at 490 MB when
every record was held first, and now at 110 MB, 80 of which are Python and the application
before the import (``bench/bench_bundle_import.py``). For each batch the ids are looked up;
absent rows are inserted with one ``executemany``, rows whose incoming ``updated_at`` is newer
are updated the same way (last writer wins). When the local row and the incoming one both
changed after the last import from that site, the row kept is still the newer one, and a
``BundleConflict`` says so.

Referenced rows go in first: PostgreSQL checks each reference as its row arrives (SQLite
waits for the commit, ``defer_foreign_keys``). The file's table order gives that between
tables; within one (a person merged into another, who may come later in the file, or in a
later batch) a reference to a row not yet in the base is written empty and set once every row
is in (:class:`_LaterReferences`). A file in another order (Comptoir never writes one) still
merges on SQLite; PostgreSQL refuses it, with the French message, if a row comes before a row
of another table it refers to.

Tombstones are kept, compactly, until every row is merged, then delete their row unless it
was edited after the deletion, children first.

A bundle only speaks for the place that signed it (``site_id``): every row it inserts or
updates, the row it would overwrite, and every row a tombstone would delete must belong to
that place (the ``site`` row itself: its id is the place's), and so must every row an
incoming row refers to (a visit of another place's person, a booking of its room: one lookup
per table referred to and batch, of the ids that are another place's); no tombstone may name a
``site`` row; an ``updated_at`` or a deletion later than the import plus :data:`FUTURE_SKEW`
is refused too (a row dated 9999 would win every later conflict). Any of these refuses the
whole bundle, naming the table and the row (and the column referring). A row the coordinator
holds a tombstone of that place for is never inserted again, whatever the bundle (an older one
imported late, say).

The rows go in with Core statements, which the ORM's ``before_flush`` check of field shapes
never sees: each incoming row is checked with :func:`tiers_lieu.validation.check_row` (text
lengths, control characters, dates between 1900 and 2100), and a value that cannot even be
read, or is not one of its column's list (``vocabularies``: a visit's source, a status…),
refuses the bundle naming the table, the row and the column. Everything happens in the
caller's transaction: a refusal at any row leaves nothing written.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Table, bindparam, delete, insert, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlmodel import col

from tiers_lieu.errors import ComptoirError, ValidationError
from tiers_lieu.i18n import _
from tiers_lieu.models import BundleConflict, Tombstone
from tiers_lieu.models.base import utcnow
from tiers_lieu.services.bundles.refusals import (
    CHUNK,
    References,
    in_the_future,
    not_the_signers,
    owner_column,
    owner_of,
    refused,
    refused_integrity,
)
from tiers_lieu.services.bundles.tables import (
    converter,
    local_references,
    travelling_tables,
)
from tiers_lieu.validation import check_row

BATCH = 2000  # rows decoded and written at once: what the merge holds in memory
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICRO = timedelta(microseconds=1)
FUTURE_SKEW = timedelta(minutes=10)  # a place's clock may be a little ahead of ours


@dataclass
class MergeCounts:
    inserted: int = 0
    updated: int = 0
    deleted: int = 0
    conflicts: int = 0
    kept_deleted: int = 0  # rows not inserted again: a tombstone of the place says deleted


def merge_rows(
    session: Session,
    records: Iterable[dict[str, Any]],
    *,
    bundle_id: uuid.UUID,
    site_id: uuid.UUID,
    last_import: datetime,
) -> MergeCounts:
    """Merge the ``row`` and ``tombstone`` records (others are skipped) into ``session``'s
    transaction, consuming ``records`` once; the caller commits."""
    if session.get_bind().dialect.name == "sqlite":
        # Rows of a bundle written in another order still merge (checked at the commit).
        session.execute(text("PRAGMA defer_foreign_keys=ON"))
    tables = {table.name: table for table in travelling_tables()}
    not_after = utcnow() + FUTURE_SKEW
    merger = _Merger(session, bundle_id, site_id, last_import, not_after)
    stones = _Tombstones(tables, site_id, not_after)
    try:
        batch: list[Any] = []
        batch_table: Table | None = None
        for record in records:
            kind = record.get("kind")
            if kind == "row":
                table = tables.get(str(record.get("table")))
                if table is None:
                    continue  # a table this version does not know (or no longer carries)
                if table is not batch_table or len(batch) >= BATCH:
                    merger.merge(batch_table, batch)
                    batch, batch_table = [], table
                batch.append(record.get("row"))
            elif kind == "tombstone":
                stones.add(record)
        merger.merge(batch_table, batch)
        merger.later.apply(session)
        for table in reversed(tables.values()):
            stones.apply(session, table, merger.counts)
        session.flush()
    except ValidationError as exc:
        raise ComptoirError(
            _("Ce paquet est refusé, rien n'a été importé : {detail}").format(detail=exc.message)
        ) from None
    except IntegrityError as exc:
        raise refused_integrity(exc) from None
    return merger.counts


def _decoder(
    table: Table, site_id: uuid.UUID, not_after: datetime
) -> Callable[[Any], dict[str, Any]]:
    """Turns a JSON row into bind values; references to local-only tables are emptied. A row
    of another place than ``site_id``, or changed after ``not_after``, refuses the bundle."""
    converters = {column.name: converter(column) for column in table.c}
    emptied = local_references(table)

    def decode(raw: Any) -> dict[str, Any]:
        field = "?"  # the column being read, named in the refusal
        try:
            row: dict[str, Any] = {}
            for field, value in raw.items():
                if field in converters:
                    row[field] = None if value is None else converters[field](value)
            for field in ("id", "updated_at"):
                if row.get(field) is None:
                    raise ValueError("a row without id or updated_at")
            if row["updated_at"].utcoffset() is None:
                raise ValueError("an instant without its offset")
        except (TypeError, ValueError, AttributeError):
            raise ValidationError(
                table.name,
                _("valeur illisible ou hors de sa liste dans la ligne {id}, champ {field}").format(
                    id=str(raw.get("id") if isinstance(raw, dict) else "?")[:40],
                    field=str(field)[:40],
                ),
            ) from None
        if owner_of(table, row) != site_id:
            raise not_the_signers(table.name, row["id"])
        if row["updated_at"] > not_after:
            raise in_the_future(table.name, row["id"], row["updated_at"])
        for name in emptied:
            row[name] = None
        check_row(table, row)
        return row

    return decode


@dataclass
class _LaterReferences:
    """References from a row to another row of its own table that is not in the base yet
    nor earlier in the batch (written before it: inserts precede updates, in order): written
    empty, then set once every row is in. (row id, its ``updated_at`` — kept, not bumped by the
    update — and the referenced id) per column. A numbered ticket's ``reverses_id`` cannot be
    set afterwards (migration 0012's guard): the export sends those tables in creation order,
    so that a ticket's original is always in the base or earlier in its batch."""

    pending: dict[tuple[Table, str], list[dict[str, Any]]] = field(default_factory=dict)

    def hold_back(self, session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
        columns = [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]
        for name in columns:
            wanted = {row[name] for row in rows if row.get(name) is not None}
            if not wanted:
                continue
            present = {row_id for row_id, _at, _site in _existing(session, table, list(wanted))}
            for row in rows:
                target = row.get(name)
                present.add(row["id"])  # the rows after it may refer to it
                if target is not None and target not in present:
                    self.pending.setdefault((table, name), []).append(
                        {"b_id": row["id"], "b_target": target, "b_updated": row["updated_at"]}
                    )
                    row[name] = None

    def apply(self, session: Session) -> None:
        for (table, name), rows in self.pending.items():
            statement = (
                update(table)
                .where(table.c.id == bindparam("b_id"))
                .values({name: bindparam("b_target"), "updated_at": bindparam("b_updated")})
            )
            session.execute(statement, rows)
        self.pending.clear()


class _Merger:
    """Merges one batch of rows of one table at a time, adding up what it did."""

    def __init__(
        self,
        session: Session,
        bundle_id: uuid.UUID,
        site_id: uuid.UUID,
        last_import: datetime,
        not_after: datetime,
    ) -> None:
        self.session = session
        self.bundle_id = bundle_id
        self.site_id = site_id
        self.last_import = last_import
        self.not_after = not_after
        self.counts = MergeCounts()
        self.later = _LaterReferences()
        self.references = References(session, site_id)
        self._decoders: dict[str, Callable[[Any], dict[str, Any]]] = {}

    def merge(self, table: Table | None, raw_rows: list[Any]) -> None:
        if table is None or not raw_rows:
            return
        decode = self._decoders.get(table.name)
        if decode is None:
            decode = self._decoders[table.name] = _decoder(table, self.site_id, self.not_after)
        rows = [decode(raw) for raw in raw_rows]
        existing: dict[uuid.UUID, datetime] = {}
        for row_id, at, owner in _existing(self.session, table, [row["id"] for row in rows]):
            if owner != self.site_id:  # the bundle would take another place's row over
                raise not_the_signers(table.name, row_id)
            existing[row_id] = at
        self.references.check(table, rows)
        deleted = _tombstoned(
            self.session, table, self.site_id, [r["id"] for r in rows if r["id"] not in existing]
        )
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        for row in rows:
            local = existing.get(row["id"])
            incoming = row["updated_at"]
            if local is None:
                if row["id"] in deleted:
                    self.counts.kept_deleted += 1  # deleted here: an older copy stays away
                else:
                    inserts.append(row)
                continue
            if local == incoming:
                continue
            if local > self.last_import and incoming > self.last_import:
                self._conflict(table, row["id"], local, incoming)
            if incoming > local:
                updates.append(row)
        self.later.hold_back(self.session, table, inserts + updates)
        if inserts:
            self.session.execute(insert(table), inserts)
            self.counts.inserted += len(inserts)
        if updates:
            statement = update(table).where(table.c.id == bindparam("b_id"))
            params = [{"b_id": row.pop("id"), **row} for row in updates]
            self.session.execute(statement, params)
            self.counts.updated += len(updates)
        self.session.flush()  # the conflicts logged: nothing waits in the session

    def _conflict(
        self, table: Table, row_id: uuid.UUID, local: datetime, incoming: datetime
    ) -> None:
        self.counts.conflicts += 1
        self.session.add(
            BundleConflict(
                bundle_id=self.bundle_id,
                site_id=self.site_id,
                table_name=table.name,
                row_id=row_id,
                local_updated_at=local,
                incoming_updated_at=incoming,
                kept="incoming" if incoming > local else "local",
            )
        )


def _existing(
    session: Session, table: Table, ids: list[uuid.UUID]
) -> Iterable[tuple[uuid.UUID, datetime, uuid.UUID]]:
    """(id, updated_at, place) of the rows of ``table`` among ``ids`` already in the base."""
    owner = owner_column(table)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        query = select(table.c.id, table.c.updated_at, owner.label("owner")).where(
            table.c.id.in_(chunk)
        )
        yield from ((row.id, row.updated_at, row.owner) for row in session.execute(query))


def _tombstoned(
    session: Session, table: Table, site_id: uuid.UUID, ids: list[uuid.UUID]
) -> set[uuid.UUID]:
    """Those of ``ids`` the base holds a tombstone of place ``site_id`` for."""
    found: set[uuid.UUID] = set()
    for start in range(0, len(ids), CHUNK):
        found.update(
            session.execute(
                select(col(Tombstone.row_id)).where(
                    col(Tombstone.table_name) == table.name,
                    col(Tombstone.site_id) == site_id,
                    col(Tombstone.row_id).in_(ids[start : start + CHUNK]),
                )
            ).scalars()
        )
    return found


def _instant(packed: bytes | bytearray) -> datetime:
    return _EPOCH + int.from_bytes(packed, "little", signed=True) * _MICRO


class _Tombstones:
    """The bundle's tombstones, held until every row is merged: 24 bytes each (the row's id
    and the deletion instant in microseconds), so even a bundle of deletions only stays small.
    """

    def __init__(self, tables: dict[str, Table], site_id: uuid.UUID, not_after: datetime) -> None:
        self._tables = tables
        self._site_id = site_id
        self._not_after = not_after
        self._by_table: dict[str, bytearray] = {}

    def add(self, record: dict[str, Any]) -> None:
        name = str(record.get("table"))
        if name not in self._tables:
            return
        if name == "site":
            raise refused(
                _(
                    "il supprimerait le lieu {row} (table « site ») : un paquet ne supprime "
                    "jamais un lieu."
                ).format(row=str(record.get("row_id", "?"))[:40])
            )
        try:
            row_id = uuid.UUID(record["row_id"])
            deleted_at = datetime.fromisoformat(record["deleted_at"])
            micros = (deleted_at - _EPOCH) // _MICRO
            packed = row_id.bytes + micros.to_bytes(8, "little", signed=True)
        except (KeyError, TypeError, ValueError, AttributeError, OverflowError):
            raise ValidationError(
                name,
                _("suppression illisible ({id})").format(id=record.get("row_id", "?")),
            ) from None
        if deleted_at > self._not_after:
            raise in_the_future(name, row_id, deleted_at)
        self._by_table.setdefault(name, bytearray()).extend(packed)

    def _chunks(self, name: str) -> Iterable[list[tuple[uuid.UUID, datetime]]]:
        """The tombstones of table ``name`` in file order, :data:`CHUNK` at a time."""
        packed = self._by_table.pop(name, bytearray())
        step = 24 * CHUNK
        for start in range(0, len(packed), step):
            piece = packed[start : start + step]
            yield [
                (uuid.UUID(bytes=bytes(piece[at : at + 16])), _instant(piece[at + 16 : at + 24]))
                for at in range(0, len(piece), 24)
            ]

    def apply(self, session: Session, table: Table, counts: MergeCounts) -> None:
        site_id = self._site_id
        for chunk in self._chunks(table.name):
            for row_id, _at, owner in _existing(session, table, [row_id for row_id, _d in chunk]):
                if owner != site_id:
                    raise not_the_signers(table.name, row_id)
            known = set(
                session.execute(
                    select(col(Tombstone.row_id)).where(
                        col(Tombstone.table_name) == table.name,
                        col(Tombstone.row_id).in_([row_id for row_id, _at in chunk]),
                    )
                ).scalars()
            )
            for row_id, deleted_at in chunk:
                result = session.execute(
                    delete(table).where(table.c.id == row_id, table.c.updated_at <= deleted_at)
                )
                counts.deleted += result.rowcount or 0  # type: ignore[attr-defined]
                if row_id not in known:
                    session.add(
                        Tombstone(
                            table_name=table.name,
                            row_id=row_id,
                            site_id=site_id,
                            deleted_at=deleted_at,
                        )
                    )
                    known.add(row_id)
            session.flush()
