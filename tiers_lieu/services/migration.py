"""Bringing a base to the newest schema: Alembic's upgrade, after a verified copy of the file
is kept when there is anything to migrate (the backup service writes it, as a backup:
:func:`~tiers_lieu.services.backups.keep_before_migration`).

Above :mod:`tiers_lieu.db` (the engine, the revision read without Alembic) and the backups,
which both sit below it. A base already at :data:`~tiers_lieu.db.HEAD_REVISION` is read with
one SELECT: neither Alembic nor the backup service is imported then (start-up time).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from tiers_lieu.db import (
    HEAD_REVISION,
    MIGRATION_LOCK,
    _alembic_config,
    _current_and_head,
    make_engine,
    stored_revision,
)
from tiers_lieu.db_location import resolve_db_url, sqlite_path


def migrate(engine: Engine, backup_dir: Path | None = None) -> Path | None:
    """Bring the schema to the newest revision; returns the backup made first, if any.

    A base already at :data:`HEAD_REVISION` costs one SELECT: Alembic is imported only when
    there is something to migrate, an empty base or a revision this Comptoir does not know.
    """
    if stored_revision(engine) == HEAD_REVISION:
        return None
    from alembic import command

    current, head = _current_and_head(engine)
    if current == head:
        return None
    backup = None
    path = sqlite_path(str(engine.url))
    if current is not None and path is not None and path.exists():
        # Imported here (only a base to migrate needs it): the copy is a backup like the
        # others (verified, written under the backup folder's lock, thinned).
        from tiers_lieu.services.backups import keep_before_migration

        backup = keep_before_migration(path, current, backup_dir)
    config = _alembic_config(engine)
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Two desks started at once: the second waits here for the first to commit, and
            # Alembic then reads the new revision and has nothing left to do. (SQLite's
            # BEGIN IMMEDIATE does the same.)
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    return backup


def open_database(db: str | None = None) -> Engine:
    """Engine for ``db`` (see :func:`~tiers_lieu.db.resolve_db_url`), migrated to the newest
    schema."""
    engine = make_engine(resolve_db_url(db))
    migrate(engine)
    return engine
