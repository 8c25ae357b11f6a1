"""empreinte des fichiers importés

Each import of visits or assistance records leaves the sha256 of the file's bytes, its name,
when and what it counted, so that importing the same file again (which would count
everything twice) is refused unless asked for.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import tiers_lieu.models.base

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "imported_file",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", tiers_lieu.models.base.UTCDateTime(), nullable=False),
        sa.Column("updated_at", tiers_lieu.models.base.UTCDateTime(), nullable=False),
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("file_name", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("imported_at", tiers_lieu.models.base.UTCDateTime(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("sheets", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["site.id"],
            name=op.f("fk_imported_file_site_id_site"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_imported_file")),
    )
    op.create_index(op.f("ix_imported_file_site_id"), "imported_file", ["site_id"])
    op.create_index("ix_imported_file_site_sha256", "imported_file", ["site_id", "sha256"])


def downgrade() -> None:
    op.drop_index("ix_imported_file_site_sha256", table_name="imported_file")
    op.drop_index(op.f("ix_imported_file_site_id"), table_name="imported_file")
    op.drop_table("imported_file")
