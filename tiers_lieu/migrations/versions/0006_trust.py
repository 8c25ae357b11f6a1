"""clés des lieux, essais de connexion gardés, journal d'audit chaîné

Three things issue « trust » needs in the schema:

- ``place_key``: the Ed25519 key of each place (public half; private half for the places
  this database signs bundles for);
- ``app_user.failed_attempts``, ``locked_until``, ``lock_count``: the sign-in throttle
  survives a restart;
- ``audit_entry.seq``, ``prev_hash``, ``line_hash``: each audit line carries the hash of the
  line before it in its site's chain. Lines written before this revision are chained here, in
  the order of their instant (then id); the append-only trigger is lifted for that update only.

On PostgreSQL it also refuses ``TRUNCATE audit_entry``, which the row triggers of 0004 never
see (a statement trigger, ``audit_entry_no_truncate``). SQLite has no TRUNCATE: its
``DELETE`` without ``WHERE`` runs the row triggers.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import tiers_lieu.models.base
from tiers_lieu.services.audit_chain import GENESIS, line_hash

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_SQLITE_NO_UPDATE = """
    CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry
    BEGIN
        SELECT RAISE(ABORT, 'audit_entry is append-only');
    END
    """

# PostgreSQL: the row triggers of 0004 do not fire on TRUNCATE.
_POSTGRES_NO_TRUNCATE = (
    """
    CREATE FUNCTION audit_entry_no_truncate() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'audit_entry is append-only';
    END
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON audit_entry
    FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_no_truncate()
    """,
)


def _chain_existing_lines(bind: sa.Connection) -> None:
    entry = sa.table(
        "audit_entry",
        sa.column("id", sa.Uuid()),
        sa.column("at", tiers_lieu.models.base.UTCDateTime()),
        sa.column("site_id", sa.Uuid()),
        sa.column("user_id", sa.Uuid()),
        sa.column("action", sa.String()),
        sa.column("entity", sa.String()),
        sa.column("entity_id", sa.Uuid()),
        sa.column("details", sa.String()),
        sa.column("seq", sa.Integer()),
        sa.column("prev_hash", sa.String()),
        sa.column("line_hash", sa.String()),
    )
    c = entry.c
    rows = bind.execute(
        sa.select(
            c.id, c.at, c.site_id, c.user_id, c.action, c.entity, c.entity_id, c.details
        ).order_by(c.at, c.id)
    ).all()
    if not rows:
        return
    postgres = bind.dialect.name == "postgresql"
    if postgres:
        op.execute("ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_append_only")
    else:
        op.execute("DROP TRIGGER audit_entry_no_update")
    heads: dict[object, tuple[int, str]] = {}
    for line_id, at, site_id, user_id, action, entity, entity_id, details in rows:
        seq, prev = heads.get(site_id, (0, GENESIS))
        seq += 1
        digest = line_hash(
            prev_hash=prev,
            seq=seq,
            line_id=line_id,
            at=at,
            site_id=site_id,
            user_id=user_id,
            action=action,
            entity=entity,
            entity_id=entity_id,
            details=details,
        )
        bind.execute(
            entry.update()
            .where(entry.c.id == line_id)
            .values(seq=seq, prev_hash=prev, line_hash=digest)
        )
        heads[site_id] = (seq, digest)
    if postgres:
        op.execute("ALTER TABLE audit_entry ENABLE TRIGGER audit_entry_append_only")
    else:
        op.execute(_SQLITE_NO_UPDATE)


def upgrade() -> None:
    op.create_table(
        "place_key",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", tiers_lieu.models.base.UTCDateTime(), nullable=False),
        sa.Column("updated_at", tiers_lieu.models.base.UTCDateTime(), nullable=False),
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.Column("label", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("public_key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("private_key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("added_by_id", sa.Uuid(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_place_key")),
        sa.UniqueConstraint("site_id", name=op.f("uq_place_key_site_id")),
    )
    op.add_column(
        "app_user",
        sa.Column("failed_attempts", sa.Integer(), nullable=False, server_default="0"),
    )
    op.add_column(
        "app_user",
        sa.Column("locked_until", tiers_lieu.models.base.UTCDateTime(), nullable=True),
    )
    op.add_column(
        "app_user", sa.Column("lock_count", sa.Integer(), nullable=False, server_default="0")
    )
    op.add_column("audit_entry", sa.Column("seq", sa.Integer(), nullable=True))
    op.add_column(
        "audit_entry",
        sa.Column(
            "prev_hash",
            sqlmodel.sql.sqltypes.AutoString(length=64),
            nullable=False,
            server_default="",
        ),
    )
    op.add_column(
        "audit_entry",
        sa.Column(
            "line_hash",
            sqlmodel.sql.sqltypes.AutoString(length=64),
            nullable=False,
            server_default="",
        ),
    )
    op.create_index("ix_audit_entry_site_seq", "audit_entry", ["site_id", "seq"])
    _chain_existing_lines(op.get_bind())
    if op.get_bind().dialect.name == "postgresql":
        for statement in _POSTGRES_NO_TRUNCATE:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_entry_no_truncate ON audit_entry")
        op.execute("DROP FUNCTION audit_entry_no_truncate()")
    op.drop_index("ix_audit_entry_site_seq", table_name="audit_entry")
    # Plain DROP COLUMN (SQLite 3.35+): a batch copy of audit_entry would lose its triggers.
    for column in ("line_hash", "prev_hash", "seq"):
        op.drop_column("audit_entry", column)
    for column in ("lock_count", "locked_until", "failed_attempts"):
        op.drop_column("app_user", column)
    op.drop_table("place_key")
