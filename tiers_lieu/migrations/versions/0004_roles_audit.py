"""rôle administration et journal d'audit en ajout seul

The first account of a database was a coordinator; accounts are now managed by the
administration role only, so the oldest active coordinator becomes administration when no
account has that role yet (otherwise nobody could manage accounts any more).

The audit log becomes append-only in the database itself: an UPDATE is refused, and so is a
DELETE of a line less than 28 days old (the retention purge only removes lines older than
the shortest retention the settings allow, one month).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_SQLITE = (
    """
    CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry
    BEGIN
        SELECT RAISE(ABORT, 'audit_entry is append-only');
    END
    """,
    """
    CREATE TRIGGER audit_entry_no_recent_delete BEFORE DELETE ON audit_entry
    WHEN OLD.at > datetime('now', '-28 days')
    BEGIN
        SELECT RAISE(ABORT, 'audit_entry is append-only');
    END
    """,
)

_POSTGRES = (
    """
    CREATE FUNCTION audit_entry_append_only() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'UPDATE' OR OLD.at > (now() AT TIME ZONE 'UTC') - interval '28 days' THEN
            RAISE EXCEPTION 'audit_entry is append-only';
        END IF;
        RETURN OLD;
    END
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_entry
    FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()
    """,
)


def upgrade() -> None:
    bind = op.get_bind()
    has_admin = bind.execute(
        sa.text("SELECT 1 FROM app_user WHERE role = 'admin' LIMIT 1")
    ).first()
    if has_admin is None:
        first = bind.execute(
            sa.text(
                "SELECT id FROM app_user WHERE role = 'coordinator' AND active "
                "ORDER BY created_at LIMIT 1"
            )
        ).first()
        if first is not None:
            bind.execute(
                sa.text("UPDATE app_user SET role = 'admin' WHERE id = :id"), {"id": first[0]}
            )
    for statement in _POSTGRES if bind.dialect.name == "postgresql" else _SQLITE:
        op.execute(statement)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_entry_append_only ON audit_entry")
        op.execute("DROP FUNCTION audit_entry_append_only()")
    else:
        op.execute("DROP TRIGGER audit_entry_no_update")
        op.execute("DROP TRIGGER audit_entry_no_recent_delete")
    op.execute("UPDATE app_user SET role = 'coordinator' WHERE role = 'admin'")
