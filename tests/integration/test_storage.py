"""The storage promises on a real SQLite file: migrations from empty, pragmas, UTC instants,
one transaction per unit of work, and a copy of the file before a schema migration."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlmodel import select

from tiers_lieu.app import build
from tiers_lieu.db import _current_and_head, make_engine, resolve_db_url
from tiers_lieu.models import Closure, Site, Visit, metadata
from tiers_lieu.services.migration import migrate
from tiers_lieu.services.readmodels import SiteInfo


def test_migrations_build_every_table_from_empty(tmp_path: Path) -> None:
    engine = make_engine(resolve_db_url(str(tmp_path / "neuve.sqlite")))
    assert migrate(engine) is None  # nothing to back up on a new file
    tables = set(inspect(engine).get_table_names())
    assert set(metadata.tables) <= tables
    with engine.connect() as connection:
        assert (
            connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
            == _current_and_head(engine)[1]
        )
    engine.dispose()


def test_migrated_schema_matches_the_models(tmp_path: Path) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    engine = make_engine(resolve_db_url(str(tmp_path / "x.sqlite")))
    migrate(engine)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), metadata)
    assert diff == []
    engine.dispose()


def test_sqlite_runs_in_wal_with_foreign_keys(db_path: Path) -> None:
    app = build(str(db_path))
    with app.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 10000
    app.close()


def test_database_location_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIERS_LIEU_DB", str(tmp_path / "env.sqlite"))
    assert resolve_db_url(None) == f"sqlite:///{tmp_path / 'env.sqlite'}"
    assert resolve_db_url(str(tmp_path / "arg.sqlite")).endswith("arg.sqlite")
    assert resolve_db_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
    monkeypatch.delenv("TIERS_LIEU_DB")
    assert resolve_db_url(None).endswith("comptoir/comptoir.sqlite")


def test_instants_come_back_aware_utc(app, site: SiteInfo) -> None:  # type: ignore[no-untyped-def]
    paris_winter = timezone(timedelta(hours=1))
    with app.uow() as uow:
        row = uow.session.get(Site, site.id)
        row.created_at = datetime(2026, 1, 15, 10, 30, tzinfo=paris_winter)
        uow.session.add(row)
        uow.commit()
    with app.uow() as uow:
        again = uow.session.get(Site, site.id)
        assert again.created_at == datetime(2026, 1, 15, 9, 30, tzinfo=UTC)
        assert again.created_at.tzinfo is not None


def test_uncommitted_work_rolls_back(app, site: SiteInfo) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(RuntimeError), app.uow() as uow:
        uow.session.add(
            Closure(site_id=site.id, start_date=date(2026, 8, 1), end_date=date(2026, 8, 15))
        )
        uow.session.flush()
        raise RuntimeError("coupure")
    with app.uow() as uow:
        assert uow.session.exec(select(Closure)).all() == []


def test_a_failing_statement_leaves_nothing_half_written(app, site: SiteInfo) -> None:  # type: ignore[no-untyped-def]
    services = app.config.list_services(site.id)
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError), app.uow() as uow:
        uow.session.add(
            Visit(site_id=site.id, service_id=services[0].id, activity_date=date(2026, 3, 2))
        )
        uow.session.flush()
        # count must be >= 1: the CHECK constraint refuses the second row, so the first goes too.
        uow.session.add(
            Visit(
                site_id=site.id, service_id=services[0].id, activity_date=date(2026, 3, 2), count=0
            )
        )
        uow.commit()
    with app.uow() as uow:
        assert uow.session.exec(select(Visit)).all() == []


def test_core_and_orm_writes_of_one_unit_of_work_are_one_transaction(app, site: SiteInfo) -> None:  # type: ignore[no-untyped-def]
    # The key press writes through uow.connection() (no ORM session); a session used after it
    # in the same unit of work joins that transaction: both rows go, or neither.
    import uuid

    from sqlalchemy import insert

    from tiers_lieu.models import utcnow

    service = app.config.list_services(site.id)[0]

    def row() -> dict[str, object]:
        now = utcnow()
        return {
            "id": uuid.uuid4(),
            "created_at": now,
            "updated_at": now,
            "site_id": site.id,
            "service_id": service.id,
            "activity_date": date(2026, 3, 2),
            "count": 1,
            "source": "desk",
        }

    for commit in (False, True):
        with app.uow() as uow:
            uow.connection().execute(insert(Visit), row())
            uow.session.add(
                Visit(site_id=site.id, service_id=service.id, activity_date=date(2026, 3, 2))
            )
            assert len(uow.session.exec(select(Visit)).all()) == 2  # one transaction sees both
            if commit:
                uow.commit()
        with app.uow() as uow:
            assert len(uow.session.exec(select(Visit)).all()) == (2 if commit else 0)


def test_foreign_keys_are_enforced(app, site: SiteInfo) -> None:  # type: ignore[no-untyped-def]
    import uuid

    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError), app.uow() as uow:
        uow.session.add(
            Visit(site_id=site.id, service_id=uuid.uuid4(), activity_date=date(2026, 3, 2))
        )
        uow.commit()


def test_file_is_copied_before_a_migration(tmp_path: Path) -> None:
    from alembic import command

    from tiers_lieu.db import _alembic_config

    path = tmp_path / "ancienne.sqlite"
    app = build(str(path))
    app.sites.init_site(name="Felletin")
    # Bring the file back to the first schema, as an older Comptoir left it.
    config = _alembic_config(app.engine)
    with app.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0001")
    app.close()
    engine = make_engine(resolve_db_url(str(path)))
    backup = migrate(engine, backup_dir=tmp_path / "copies")
    assert backup is not None and backup.name.startswith("avant-migration-0001-")
    with engine.connect() as connection:
        assert (
            connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
            == (_current_and_head(engine)[1])
        )
        assert connection.execute(text("SELECT name FROM site")).scalar() == "Felletin"
    engine.dispose()
    copy = make_engine(resolve_db_url(str(backup)))
    with copy.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == (
            "0001"
        )
        assert connection.execute(text("SELECT name FROM site")).scalar() == "Felletin"
    copy.dispose()


def test_a_database_from_a_newer_comptoir_is_refused_untouched(tmp_path: Path) -> None:
    from tiers_lieu.errors import ComptoirError

    path = tmp_path / "future.sqlite"
    app = build(str(path))
    with app.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    app.close()
    engine = make_engine(resolve_db_url(str(path)))
    with pytest.raises(ComptoirError, match="version plus récente"):
        migrate(engine, backup_dir=tmp_path / "copies")
    assert not (tmp_path / "copies").exists()
    engine.dispose()


def test_a_long_report_read_does_not_hold_back_the_desk(app, site: SiteInfo) -> None:  # type: ignore[no-untyped-def]
    """A read-only unit of work stays a deferred transaction: while a report reads, another
    desk (here a second engine on the same file) still counts a visit at once.

    The other desk does not wait at all (busy timeout 0): held back, it would fail with
    "database is locked" there and then, however fast or slow the machine."""
    from sqlalchemy import event

    from tiers_lieu.db import UnitOfWork

    service = app.config.list_services(site.id)[0]
    other = make_engine(str(app.engine.url))

    def no_wait(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_connection.execute("PRAGMA busy_timeout=0")  # after make_engine's 10 s

    event.listen(other, "connect", no_wait)
    try:
        with UnitOfWork(app.engine, read_only=True) as reading:
            reading.session.exec(select(Visit)).all()  # the read transaction is now open
            with UnitOfWork(other) as desk:
                desk.session.add(
                    Visit(site_id=site.id, service_id=service.id, activity_date=date(2026, 3, 2))
                )
                desk.commit()
    finally:
        other.dispose()
