"""What a coordinator reads back about bundles: the ones already merged and the conflict log.

``bundle_import`` and ``bundle_conflict`` have no foreign key to ``site`` (they must outlive
the rows they describe), so the site's name is looked up with an outer join: a bundle of
indicators only brings no ``site`` row, and its name is then unknown (``None``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlmodel import col

from tiers_lieu.db import UowFactory
from tiers_lieu.models import BundleConflict, BundleImport, Site

HISTORY_LIMIT = 1000


@dataclass(frozen=True)
class BundleImportInfo:
    id: uuid.UUID
    bundle_id: uuid.UUID
    site_id: uuid.UUID
    site_name: str | None
    mode: str
    imported_at: datetime
    rows: int
    conflicts: int


@dataclass(frozen=True)
class BundleConflictInfo:
    id: uuid.UUID
    bundle_id: uuid.UUID
    site_id: uuid.UUID
    site_name: str | None
    table_name: str
    row_id: uuid.UUID
    local_updated_at: datetime
    incoming_updated_at: datetime
    kept: str
    logged_at: datetime


def list_imports(uow_factory: UowFactory, *, limit: int = HISTORY_LIMIT) -> list[BundleImportInfo]:
    """The bundles merged into this database, latest first."""
    query = (
        select(BundleImport, col(Site.name))
        .outerjoin(Site, col(Site.id) == col(BundleImport.site_id))
        .order_by(col(BundleImport.imported_at).desc())
        .limit(limit)
    )
    with uow_factory(read_only=True) as uow:
        return [
            BundleImportInfo(
                id=row.id,
                bundle_id=row.bundle_id,
                site_id=row.site_id,
                site_name=name,
                mode=row.mode,
                imported_at=row.imported_at,
                rows=row.rows,
                conflicts=row.conflicts,
            )
            for row, name in uow.session.execute(query).all()
        ]


def list_conflicts(
    uow_factory: UowFactory, *, limit: int = HISTORY_LIMIT
) -> list[BundleConflictInfo]:
    """Rows edited on both sides between two imports, latest first."""
    query = (
        select(BundleConflict, col(Site.name))
        .outerjoin(Site, col(Site.id) == col(BundleConflict.site_id))
        .order_by(col(BundleConflict.created_at).desc(), col(BundleConflict.table_name))
        .limit(limit)
    )
    with uow_factory(read_only=True) as uow:
        return [
            BundleConflictInfo(
                id=row.id,
                bundle_id=row.bundle_id,
                site_id=row.site_id,
                site_name=name,
                table_name=row.table_name,
                row_id=row.row_id,
                local_updated_at=row.local_updated_at,
                incoming_updated_at=row.incoming_updated_at,
                kept=row.kept,
                logged_at=row.created_at,
            )
            for row, name in uow.session.execute(query).all()
        ]
