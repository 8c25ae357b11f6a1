"""Multi-site bundles: a site exports its rows into one signed file, a coordinator merges them.

Rows are keyed by UUID and merged "last writer wins" on ``updated_at``; a row changed on
both sides since the last import from that site is logged in ``bundle_conflict``. Deletions
travel as tombstones, recorded by a ``before_flush`` listener on every session
(:func:`install_tombstone_listener`, called once from ``app.build``): only deletions made
through the ORM leave one (rows removed by a database-level ``ON DELETE CASCADE`` do not).
An import runs in one transaction, after the signature is checked, and is recorded by the
bundle's id so that importing the same file twice changes nothing. See ``fileformat`` for the
file and the network key.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import event, select
from sqlalchemy.orm import Session
from sqlmodel import col

from tiers_lieu.db import UowFactory
from tiers_lieu.errors import ComptoirError, NotFoundError
from tiers_lieu.i18n import _
from tiers_lieu.models import BundleImport, Site, Tombstone
from tiers_lieu.models.base import utcnow
from tiers_lieu.services.access import Permission, requires
from tiers_lieu.services.bundles import fileformat, history
from tiers_lieu.services.bundles.merge import merge_rows
from tiers_lieu.services.bundles.tables import anonymise, to_json, travelling_tables

BundleMode = Literal["aggregates", "anonymous", "full"]
MODES: tuple[BundleMode, ...] = ("aggregates", "anonymous", "full")
KEY_FILE_NAME = "cle-reseau.key"


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
    def __init__(self, uow: UowFactory) -> None:
        self._uow = uow

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
        key: bytes,
        indicators_csv: str = "",
    ) -> ExportResult:
        """Write the site's rows changed since ``since`` (all if None) into a signed file.

        In "aggregates" mode the file carries only ``indicators_csv`` (the activity report's
        CSV, computed by the caller with ``app.reports``), no row.
        """
        if mode not in MODES:
            raise ComptoirError(_("Mode de paquet inconnu : {mode}.").format(mode=mode))
        bundle_id = uuid.uuid4()
        rows = tombstones = 0
        records: list[dict[str, Any]] = []
        with self._uow() as uow:
            site = uow.session.get(Site, site_id)
            if site is None:
                raise NotFoundError(_("Ce lieu n'existe pas."))
            records.append(
                {
                    "kind": "meta",
                    "bundle_id": bundle_id.hex,
                    "site_id": site_id.hex,
                    "site_name": site.name,
                    "mode": mode,
                    "since": since.isoformat() if since else None,
                    "created_at": utcnow().isoformat(),
                }
            )
            if mode == "aggregates":
                records.append({"kind": "indicators", "csv": indicators_csv})
            else:
                for table in travelling_tables():
                    key_column = table.c.id if table.name == "site" else table.c.site_id
                    query = select(table).where(key_column == site_id).order_by(table.c.id)
                    if since is not None:
                        query = query.where(table.c.updated_at >= since)
                    for row in uow.session.execute(query).mappings():
                        data = {name: to_json(value) for name, value in row.items()}
                        if mode == "anonymous":
                            data = anonymise(table.name, data)
                        records.append({"kind": "row", "table": table.name, "row": data})
                        rows += 1
                query_t = select(Tombstone).where(col(Tombstone.site_id) == site_id)
                if since is not None:
                    query_t = query_t.where(col(Tombstone.deleted_at) >= since)
                for stone in uow.session.execute(query_t).scalars():
                    records.append(
                        {
                            "kind": "tombstone",
                            "table": stone.table_name,
                            "row_id": stone.row_id.hex,
                            "deleted_at": stone.deleted_at.isoformat(),
                        }
                    )
                    tombstones += 1
            uow.commit()
        fileformat.write(out, fileformat.encode_lines(iter(records)), key)
        return ExportResult(bundle_id, out, mode, rows, tombstones)

    @requires(Permission.REPORTS)
    def import_bundle(self, path: Path, *, key: bytes) -> ImportResult:
        """Check the signature, then merge everything in one transaction (or nothing)."""
        records = fileformat.read(path, key)
        if not records or records[0].get("kind") != "meta":
            raise ComptoirError(_("Ce paquet est incomplet : rien n'a été importé."))
        meta = records[0]
        bundle_id = uuid.UUID(meta["bundle_id"])
        site_id = uuid.UUID(meta["site_id"])
        mode: BundleMode = meta["mode"]
        csv_text = next((r["csv"] for r in records if r.get("kind") == "indicators"), "")
        with self._uow() as uow:
            session = uow.session
            done = session.execute(
                select(BundleImport).where(col(BundleImport.bundle_id) == bundle_id)
            ).scalar_one_or_none()
            if done is not None:
                return ImportResult(bundle_id, meta["site_name"], mode, True, 0, 0, 0, 0, csv_text)
            last = session.execute(
                select(col(BundleImport.imported_at))
                .where(col(BundleImport.site_id) == site_id)
                .order_by(col(BundleImport.imported_at).desc())
                .limit(1)
            ).scalar_one_or_none()
            counts = merge_rows(
                session,
                records,
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
            uow.commit()
        return ImportResult(
            bundle_id,
            meta["site_name"],
            mode,
            False,
            counts.inserted,
            counts.updated,
            counts.deleted,
            counts.conflicts,
            csv_text,
        )


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


def since_instant(day: date | None) -> datetime | None:
    """Midnight UTC of ``day``: rows changed that day or after travel."""
    return None if day is None else datetime(day.year, day.month, day.day, tzinfo=UTC)
