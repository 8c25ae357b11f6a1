"""Multi-site bundles: a site exports its rows into one signed file, a coordinator merges them.

Rows are keyed by UUID and merged "last writer wins" on ``updated_at``; a row changed on
both sides since the last import from that site is logged in ``bundle_conflict``. Deletions
travel as tombstones, recorded by a ``before_flush`` listener on every session
(:func:`install_tombstone_listener`, called once from ``app.build``): only deletions made
through the ORM leave one (rows removed by a database-level ``ON DELETE CASCADE`` do not).
Each place signs its bundles with its own Ed25519 key (``placekeys``); a coordinator merges
a bundle only if it is signed by the key it trusts for the place the bundle names, and only
rows of that place (``merge``). An import runs in one transaction, after the signature is
checked and a backup of the base is taken, and is recorded by the bundle's id so that
importing the same file twice changes nothing. Both ways stream: the export writes rows as it
reads them, the import merges them a batch at a time as the file inflates (``merge``), so a
large place's bundle costs about 30 MB either way, not hundreds. See ``fileformat`` for the
file.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Table, event, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlmodel import col

from tiers_lieu.db import UowFactory
from tiers_lieu.errors import ComptoirError, NotFoundError
from tiers_lieu.i18n import _
from tiers_lieu.models import BundleImport, Site, Tombstone
from tiers_lieu.models.base import utcnow
from tiers_lieu.services.access import Permission, requires
from tiers_lieu.services.backups import BackupService
from tiers_lieu.services.bundles import fileformat, history
from tiers_lieu.services.bundles.merge import merge_rows
from tiers_lieu.services.bundles.placekeys import PlaceKeyService, trusted_public_key
from tiers_lieu.services.bundles.refusals import refused_integrity
from tiers_lieu.services.bundles.tables import anonymise, to_json, travelling_tables

BundleMode = Literal["aggregates", "anonymous", "full"]
MODES: tuple[BundleMode, ...] = ("aggregates", "anonymous", "full")
LEGACY_KEY_FILE_NAME = "cle-reseau.key"  # the shared HMAC key of versions 1-2: unused
EXPORT_BATCH = 2000  # rows fetched from the database at once while exporting


@dataclass(frozen=True)
class ExportResult:
    bundle_id: uuid.UUID
    path: Path
    mode: BundleMode
    rows: int
    tombstones: int


@dataclass(frozen=True)
class ImportResult:
    bundle_id: uuid.UUID
    site_name: str
    mode: BundleMode
    already_imported: bool
    inserted: int
    updated: int
    deleted: int
    conflicts: int
    # Only for an "aggregates" bundle: the indicators as the report's CSV.
    indicators_csv: str = ""
    # Rows not inserted again because this base holds the place's tombstone for them.
    kept_deleted: int = 0


def _on_before_flush(session: Session, _context: Any, _instances: Any) -> None:
    travelling = {table.name for table in travelling_tables()}
    now = utcnow()
    for obj in list(session.deleted):
        table = getattr(obj, "__tablename__", None)
        site_id = getattr(obj, "site_id", None)
        if table == "site":
            site_id = obj.id
        if table in travelling and site_id is not None:
            session.add(Tombstone(table_name=table, row_id=obj.id, site_id=site_id, deleted_at=now))


def install_tombstone_listener() -> None:
    """Record a tombstone for every site-owned row deleted through any session (idempotent)."""
    if not event.contains(Session, "before_flush", _on_before_flush):
        event.listen(Session, "before_flush", _on_before_flush)


class BundleService:
    def __init__(
        self, uow: UowFactory, *, place_keys: PlaceKeyService, backups: BackupService | None
    ) -> None:
        """``backups``: the base's (``None`` on PostgreSQL, whose server keeps its own); a
        verified copy is taken before an import writes anything."""
        self._uow = uow
        self._place_keys = place_keys
        self._backups = backups

    @requires(Permission.REPORTS)
    def list_imports(self) -> list[history.BundleImportInfo]:
        """The bundles already merged into this database, latest first."""
        return history.list_imports(self._uow)

    @requires(Permission.REPORTS)
    def list_conflicts(self) -> list[history.BundleConflictInfo]:
        """The conflict log (rows edited on both sides), latest first."""
        return history.list_conflicts(self._uow)

    @requires(Permission.REPORTS)
    def export_bundle(
        self,
        site_id: uuid.UUID,
        out: Path,
        *,
        since: datetime | None,
        mode: BundleMode,
        indicators_csv: str = "",
    ) -> ExportResult:
        """Write the site's rows changed since ``since`` (all if None) into a file signed
        with the place's key (made the first time).

        In "aggregates" mode the file carries only ``indicators_csv`` (the activity report's
        CSV, computed by the caller with ``app.reports``), no row.
        """
        if mode not in MODES:
            raise ComptoirError(_("Mode de paquet inconnu : {mode}.").format(mode=mode))
        signer = self._place_keys.signer(site_id)
        bundle_id = uuid.uuid4()
        # A read-only unit of work: reading three years of a place never holds a desk back.
        with self._uow(read_only=True) as uow:
            site = uow.session.get(Site, site_id)
            if site is None:
                raise NotFoundError(_("Ce lieu n'existe pas."))
            meta: dict[str, Any] = {
                "kind": "meta",
                "bundle_id": bundle_id.hex,
                "site_id": site_id.hex,
                "site_name": site.name,
                "mode": mode,
                "since": since.isoformat() if since else None,
                "created_at": utcnow().isoformat(),
            }
            records = _Exported(uow.session, site_id, since, mode)
            chosen: Iterator[dict[str, Any]] = (
                iter([meta, {"kind": "indicators", "csv": indicators_csv}])
                if mode == "aggregates"
                else itertools.chain([meta], records)
            )
            fileformat.write_records(out, chosen, signer)
        return ExportResult(bundle_id, out, mode, records.rows, records.tombstones)

    @requires(Permission.REPORTS)
    def import_bundle(self, path: Path) -> ImportResult:
        """Check the signature of the place the bundle names, back the base up, then merge
        everything in one transaction (or nothing).

        The records are merged as the file inflates, a batch at a time (``merge``): a large
        place's bundle costs the memory of a batch, not of the whole file."""
        signed_by: list[uuid.UUID] = []

        def key_for(site_id: uuid.UUID) -> str:
            signed_by.append(site_id)
            return self._trusted_key(site_id)

        with fileformat.opened(path, key_for) as records:
            meta = _meta(next(records, None))
            bundle_id, site_id, mode = meta.bundle_id, meta.site_id, meta.mode
            if signed_by != [site_id]:
                raise ComptoirError(
                    _(
                        "Ce paquet est refusé : il est signé par un autre lieu que celui dont "
                        "il porte les données. Rien n'a été importé."
                    )
                )
            indicators = _Indicators(records)
            if self._already_imported(bundle_id):
                return ImportResult(
                    bundle_id, meta.site_name, mode, True, 0, 0, 0, 0, indicators.find()
                )
            self._backup()
            with self._uow() as uow:
                session = uow.session
                done = session.execute(
                    select(BundleImport).where(col(BundleImport.bundle_id) == bundle_id)
                ).scalar_one_or_none()
                if done is None:
                    last = session.execute(
                        select(col(BundleImport.imported_at))
                        .where(col(BundleImport.site_id) == site_id)
                        .order_by(col(BundleImport.imported_at).desc())
                        .limit(1)
                    ).scalar_one_or_none()
                    counts = merge_rows(
                        session,
                        indicators,
                        bundle_id=bundle_id,
                        site_id=site_id,
                        last_import=last or datetime(1970, 1, 1, tzinfo=UTC),
                    )
                    session.add(
                        BundleImport(
                            bundle_id=bundle_id,
                            site_id=site_id,
                            mode=mode,
                            imported_at=utcnow(),
                            rows=counts.inserted + counts.updated + counts.deleted,
                            conflicts=counts.conflicts,
                        )
                    )
                    try:
                        uow.commit()
                    except IntegrityError as exc:  # SQLite checks deferred references here
                        raise refused_integrity(exc) from None
            if done is not None:
                return ImportResult(
                    bundle_id, meta.site_name, mode, True, 0, 0, 0, 0, indicators.find()
                )
        return ImportResult(
            bundle_id,
            meta.site_name,
            mode,
            False,
            counts.inserted,
            counts.updated,
            counts.deleted,
            counts.conflicts,
            indicators.csv,
            counts.kept_deleted,
        )

    def _trusted_key(self, site_id: uuid.UUID) -> str:
        """The key this base accepts the place's bundles with; the French refusal if none."""
        with self._uow(read_only=True) as uow:
            key = trusted_public_key(uow.session, site_id)
            site = uow.session.get(Site, site_id)
            name = site.name if site is not None else site_id.hex
        if key is None:
            raise ComptoirError(
                _(
                    "Ce paquet est signé par le lieu « {place} », dont la clé n'est pas "
                    "enregistrée dans cette base. Rien n'a été importé. Ajoutez d'abord la clé "
                    "publique de ce lieu, après avoir comparé son empreinte avec lui (par "
                    "téléphone ou sur papier)."
                ).format(place=name)
            )
        return key

    def _already_imported(self, bundle_id: uuid.UUID) -> bool:
        with self._uow(read_only=True) as uow:
            return (
                uow.session.execute(
                    select(col(BundleImport.id)).where(col(BundleImport.bundle_id) == bundle_id)
                ).first()
                is not None
            )

    def _backup(self) -> None:
        """A verified copy of the base before the bundle writes anything (SQLite; a
        PostgreSQL server keeps its own backups). A failed copy refuses the import."""
        if self._backups is not None:
            self._backups.maybe_backup("import")


#: Tables whose rows refer to rows of their own table that a guard forbids setting once the
#: row is written (migration 0012): a reversing ticket's sale, a credit note's invoice, an
#: invoice's quote. They go in creation order, so that a row comes after the one it refers to.
CREATION_ORDER = frozenset({"sale", "invoice"})


def _export_order(table: Table) -> tuple[ColumnElement[Any], ...]:
    if table.name in CREATION_ORDER:
        return (table.c.created_at, table.c.id)
    return (table.c.id,)


class _Exported:
    """The rows of a place's tables (parents first, each by id or :func:`_export_order`)
    then its tombstones, read as they are written, counted on the way."""

    def __init__(
        self, session: Session, site_id: uuid.UUID, since: datetime | None, mode: BundleMode
    ) -> None:
        self._session = session
        self._site_id = site_id
        self._since = since
        self._mode = mode
        self.rows = self.tombstones = 0

    def __iter__(self) -> Iterator[dict[str, Any]]:
        session, site_id, since = self._session, self._site_id, self._since
        for table in travelling_tables():
            key_column = table.c.id if table.name == "site" else table.c.site_id
            query = select(table).where(key_column == site_id).order_by(*_export_order(table))
            if since is not None:
                query = query.where(table.c.updated_at >= since)
            for row in session.execute(query.execution_options(yield_per=EXPORT_BATCH)).mappings():
                data = {name: to_json(value) for name, value in row.items()}
                if self._mode == "anonymous":
                    data = anonymise(table.name, data)
                self.rows += 1
                yield {"kind": "row", "table": table.name, "row": data}
        query_t = select(Tombstone).where(col(Tombstone.site_id) == site_id)
        if since is not None:
            query_t = query_t.where(col(Tombstone.deleted_at) >= since)
        stones = session.execute(query_t.execution_options(yield_per=EXPORT_BATCH)).scalars()
        for stone in stones:
            self.tombstones += 1
            yield {
                "kind": "tombstone",
                "table": stone.table_name,
                "row_id": stone.row_id.hex,
                "deleted_at": stone.deleted_at.isoformat(),
            }


@dataclass(frozen=True)
class _Meta:
    bundle_id: uuid.UUID
    site_id: uuid.UUID
    site_name: str
    mode: BundleMode


def _meta(record: dict[str, Any] | None) -> _Meta:
    """The first record, which says whose bundle this is."""
    incomplete = ComptoirError(_("Ce paquet est incomplet : rien n'a été importé."))
    if record is None or record.get("kind") != "meta":
        raise incomplete
    try:
        meta = _Meta(
            uuid.UUID(record["bundle_id"]),
            uuid.UUID(record["site_id"]),
            str(record["site_name"]),
            record["mode"],
        )
    except (KeyError, TypeError, ValueError, AttributeError):
        raise incomplete from None
    if meta.mode not in MODES:
        raise ComptoirError(_("Mode de paquet inconnu : {mode}.").format(mode=meta.mode))
    return meta


class _Indicators:
    """The records, passed on as they come, keeping the first ``indicators`` record's CSV
    (an "aggregates" bundle carries the report there)."""

    def __init__(self, records: Iterator[dict[str, Any]]) -> None:
        self._records = records
        self.csv = ""
        self.found = False

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for record in self._records:
            if not self.found and record.get("kind") == "indicators":
                self.csv, self.found = str(record.get("csv", "")), True
            yield record

    def find(self) -> str:
        """Read on until the indicators (or the end), keeping nothing else."""
        for _record in self:
            if self.found:
                break
        return self.csv


def first_activity_date(uow_factory: UowFactory, site_id: uuid.UUID) -> date | None:
    """The first day a visit was counted at the site (start of an "aggregates" period)."""
    from sqlalchemy import func

    from tiers_lieu.models import Visit

    with uow_factory() as uow:
        first = uow.session.execute(
            select(func.min(col(Visit.activity_date))).where(col(Visit.site_id) == site_id)
        ).scalar_one_or_none()
        uow.commit()
    return first


def since_instant(day: date | None, zone: ZoneInfo) -> datetime | None:
    """Midnight of ``day`` at the place (``zone``): rows changed that day or after travel."""
    if day is None:
        return None
    return datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(UTC)
