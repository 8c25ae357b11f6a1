"""tables des bundles multi-sites : tombstones, imports, conflits

Deletions travel between sites as tombstones; each merged bundle is recorded so that a
second import of the same file changes nothing; conflicts (both sides edited a row since the
last import) are logged for the coordinator.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import tiers_lieu.models.base

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _row_columns() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", tiers_lieu.models.base.UTCDateTime(), nullable=False),
        sa.Column("updated_at", tiers_lieu.models.base.UTCDateTime(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "tombstone",
        *_row_columns(),
        sa.Column("table_name", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("row_id", sa.Uuid(), nullable=False),
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.Column("deleted_at", tiers_lieu.models.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tombstone")),
        sa.UniqueConstraint("table_name", "row_id", name=op.f("uq_tombstone_table_name_row_id")),
    )
    op.create_index("ix_tombstone_site_deleted", "tombstone", ["site_id", "deleted_at"])
    op.create_table(
        "bundle_import",
        *_row_columns(),
        sa.Column("bundle_id", sa.Uuid(), nullable=False),
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.Column("mode", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("imported_at", tiers_lieu.models.base.UTCDateTime(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("conflicts", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bundle_import")),
        sa.UniqueConstraint("bundle_id", name=op.f("uq_bundle_import_bundle_id")),
    )
    op.create_index(op.f("ix_bundle_import_site_id"), "bundle_import", ["site_id"])
    op.create_table(
        "bundle_conflict",
        *_row_columns(),
        sa.Column("bundle_id", sa.Uuid(), nullable=False),
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.Column("table_name", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("row_id", sa.Uuid(), nullable=False),
        sa.Column("local_updated_at", tiers_lieu.models.base.UTCDateTime(), nullable=False),
        sa.Column("incoming_updated_at", tiers_lieu.models.base.UTCDateTime(), nullable=False),
        sa.Column("kept", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bundle_conflict")),
    )
    op.create_index(op.f("ix_bundle_conflict_bundle_id"), "bundle_conflict", ["bundle_id"])


def downgrade() -> None:
    op.drop_table("bundle_conflict")
    op.drop_table("bundle_import")
    op.drop_table("tombstone")
