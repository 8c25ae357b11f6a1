"""Comptoir on a real PostgreSQL server (several desks on one site): migrations, the data of
older databases, the demo and its report (the same as on SQLite), counting, erasure, a bundle
from a SQLite desk, the append-only audit log, and two desks racing for the last seat.

The server comes from ``TIERS_LIEU_TEST_PG`` (``make test`` starts one, see
``.ci/postgres.sh``); without it every test here is skipped, saying why. Each test works in a
database of its own, copied from a template built once per module (``CREATE DATABASE …
TEMPLATE``), so migrating and generating the demo happen once.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from lastseat import FULL, race_for_the_last_seat
from lostanswer import retry_after_lost_answer
from migrated import with_publics
from pgtest import database_name, missing_server, new_database, server_url
from sqlalchemy import Engine, MetaData, create_engine, func, insert, inspect, select, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import col

from tiers_lieu.app import Comptoir, build
from tiers_lieu.db import UnitOfWork, _alembic_config, make_engine
from tiers_lieu.models import AuditEntry, Booking, Person, Visit, metadata
from tiers_lieu.models.enums import ResourceKind
from tiers_lieu.reports.csv_export import csv_text
from tiers_lieu.services.agenda.resources import ResourceFields
from tiers_lieu.services.audit_verify import verify as verify_audit
from tiers_lieu.services.bundles.placekeys import PlaceKeyService, PublicKeyFile
from tiers_lieu.services.migration import migrate
from tiers_lieu.services.people import PersonInput
from tiers_lieu.services.privacy import PrivacyService

if (_why := missing_server()) is not None:
    pytest.skip(_why, allow_module_level=True)

PARIS = ZoneInfo("Europe/Paris")
TODAY = date(2026, 6, 30)
PERIOD = (date(2025, 1, 1), date(2026, 12, 31))
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "migrations"


def head_revision(engine: Engine) -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config(engine)).get_current_head()


def version(url: str) -> str:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return str(connection.execute(text("SELECT version_num FROM alembic_version")).scalar())
    finally:
        engine.dispose()


def report(app: Comptoir) -> str:
    return csv_text(app.reports.compute(period_start=PERIOD[0], period_end=PERIOD[1]))


def row_counts(app: Comptoir) -> dict[str, int]:
    with app.engine.connect() as connection:
        return {
            t.name: connection.execute(select(func.count()).select_from(t)).scalar_one()
            for t in metadata.sorted_tables
        }


@contextlib.contextmanager
def opened(url: str) -> Iterator[Comptoir]:
    app = build(url)
    try:
        yield app
    finally:
        app.close()


# -- databases built once per module -----------------------------------------------------------


@pytest.fixture(scope="module")
def server() -> str:
    return server_url()


@pytest.fixture(scope="module")
def demo(server: str, pg_template: str) -> Iterator[str]:
    """The name of a database holding the small demo, to copy."""
    with new_database(server, template=pg_template) as url:
        with opened(url) as app:
            app.demo.generate(scale="small", seed=3, today=TODAY)
        yield database_name(url)


@pytest.fixture(scope="module")
def sqlite_demo(tmp_path_factory: pytest.TempPathFactory, template_db: Path) -> Path:
    """The same demo (same seed, same day) in a SQLite file."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    path.write_bytes(template_db.read_bytes())
    with opened(str(path)) as app:
        app.demo.generate(scale="small", seed=3, today=TODAY)
    return path


@pytest.fixture
def pg_app(server: str, pg_template: str) -> Iterator[Comptoir]:
    with new_database(server, template=pg_template) as url, opened(url) as app:
        yield app


@pytest.fixture
def pg_demo(server: str, demo: str) -> Iterator[Comptoir]:
    with new_database(server, template=demo) as url, opened(url) as app:
        yield app


# -- migrations -------------------------------------------------------------------------------


def test_migrations_from_empty_to_head_down_and_up_again(pg_empty_url: str) -> None:
    from alembic import command
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    engine = make_engine(pg_empty_url)
    try:
        assert migrate(engine) is None  # no file to copy on a server
        assert set(metadata.tables) <= set(inspect(engine).get_table_names())
        with engine.connect() as connection:
            assert compare_metadata(MigrationContext.configure(connection), metadata) == []
        config = _alembic_config(engine)
        for target in ("base", "head"):
            with engine.begin() as connection:
                config.attributes["connection"] = connection
                (command.downgrade if target == "base" else command.upgrade)(config, target)
            if target == "base":
                assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        assert version(pg_empty_url) == head_revision(engine)
    finally:
        engine.dispose()


def copy_dump_to_postgres(dump: Path, sqlite_file: Path, url: str) -> dict[str, int]:
    """The rows of an older SQLite database into a PostgreSQL database at the same revision,
    read through the PostgreSQL tables' types (uuid, boolean, timestamp…)."""
    from alembic import command

    connection = sqlite3.connect(sqlite_file)
    connection.executescript(dump.read_text(encoding="utf-8"))
    connection.close()
    engine = make_engine(url)
    config = _alembic_config(engine)
    with engine.begin() as pg:
        config.attributes["connection"] = pg
        command.upgrade(config, dump.stem)
    tables = MetaData()
    tables.reflect(engine)
    source = create_engine(f"sqlite:///{sqlite_file}")
    counts: dict[str, int] = {}
    try:
        with source.connect() as lite, engine.begin() as pg:
            for table in tables.sorted_tables:
                if table.name == "alembic_version":
                    continue
                rows = [dict(r) for r in lite.execute(select(table)).mappings()]
                if rows:
                    pg.execute(insert(table), rows)
                counts[table.name] = len(rows)
    finally:
        source.dispose()
        engine.dispose()
    return counts


@pytest.mark.parametrize("revision", ["0001", "0003", "0009"])
def test_an_older_database_moved_to_postgresql_upgrades_with_its_data(
    revision: str, pg_empty_url: str, tmp_path: Path
) -> None:
    dump = FIXTURES / f"{revision}.sql"
    counts = copy_dump_to_postgres(dump, tmp_path / "ancienne.sqlite", pg_empty_url)
    assert counts["visit"] > 0 and counts["app_user"] == 3
    with opened(pg_empty_url) as pg:  # migrates from the dump's revision, 0004 included
        assert version(pg_empty_url) == head_revision(pg.engine)
        after = row_counts(pg)
        assert {t: after[t] for t in counts} == with_publics(counts, revision)
        roles = {u.username: u.role for u in pg.accounts.list_users()}
        assert roles == {"claire": "admin", "marc": "coordinator", "lea": "host"}
        chained = verify_audit(pg.uow)  # 0006 chained the lines, the trigger lifted and back
        assert chained.intact and chained.lines == counts["audit_entry"] > 0
        on_pg = report(pg)
    with opened(str(tmp_path / "ancienne.sqlite")) as lite:
        assert report(lite) == on_pg


# -- the application on PostgreSQL --------------------------------------------------------------


def test_the_demo_reports_the_same_figures_as_on_sqlite(
    pg_demo: Comptoir, sqlite_demo: Path
) -> None:
    with opened(str(sqlite_demo)) as lite:
        assert row_counts(pg_demo) == row_counts(lite)
        expected = report(lite)
        census = lite.reports.census(period_start=PERIOD[0], period_end=PERIOD[1])
    assert report(pg_demo) == expected
    assert "visits.total" in expected
    # The census too, room hire (the prices of the meeting room's bookings) included.
    assert pg_demo.reports.census(period_start=PERIOD[0], period_end=PERIOD[1]) == census
    assert census.value("Chiffre d'affaires : location de salles")


def test_counting_and_undoing_a_visit(pg_app: Comptoir) -> None:
    site = pg_app.sites.init_site(name="Le Comptoir de Felletin", insee_code="23079")
    service = pg_app.config.list_services(site.id)[0]
    day = date(2026, 3, 2)
    first = pg_app.visits.count(site_id=site.id, service_id=service.id, activity_date=day)
    pg_app.visits.count(site_id=site.id, service_id=service.id, activity_date=day, count=3)
    assert pg_app.visits.counts_for_day(site.id, day) == {service.id: 4}
    pg_app.visits.undo(first.id)
    assert pg_app.visits.counts_for_day(site.id, day) == {service.id: 3}


def test_erasing_people_keeps_every_report_figure(pg_demo: Comptoir) -> None:
    with pg_demo.uow() as uow:  # people linked to visits and to bookings
        people = [
            uow.session.execute(select(c).where(c.is_not(None)).distinct().limit(3)).scalars()
            for c in (col(Visit.person_id), col(Booking.person_id))
        ]
        ids = list(dict.fromkeys(person_id for found in people for person_id in found))
    before = report(pg_demo)
    privacy = PrivacyService(pg_demo.uow)
    for person_id in dict.fromkeys(ids):
        privacy.erase(person_id=person_id)
    assert report(pg_demo) == before
    with pg_demo.uow() as uow:
        erased = uow.session.get(Person, ids[0])
        assert erased is not None and erased.anonymized_at is not None
        assert (erased.first_name, erased.last_name) == ("", "")


def test_a_bundle_from_a_sqlite_desk_merges_into_postgresql(
    sqlite_demo: Path, pg_app: Comptoir, tmp_path: Path
) -> None:
    desk_file = tmp_path / "bureau.sqlite"
    desk_file.write_bytes(sqlite_demo.read_bytes())
    with opened(str(desk_file)) as desk:
        site = desk.sites.list_sites()[0]
        # A merged person refers to the kept one, which the bundle carries after it (rows go
        # by id): the database must accept the reference before its target arrives.
        a = desk.people.create(site.id, PersonInput(first_name="Aline", last_name="Dubreuil"))
        b = desk.people.create(site.id, PersonInput(first_name="Aline", last_name="DUBREUIL"))
        low, high = sorted((a.id, b.id))
        desk.people.merge(keep_id=high, merge_id=low)
        bundle = tmp_path / "bureau.bundle"
        desk.bundles.export_bundle(site.id, bundle, since=None, mode="full")
        key = PlaceKeyService(desk.uow).own_key(site.id)  # made by the export
        expected = csv_text(
            desk.reports.compute(period_start=PERIOD[0], period_end=PERIOD[1], site_ids=[site.id])
        )
    PlaceKeyService(pg_app.uow).trust(
        PublicKeyFile(site.id, key.label, key.public_key, key.fingerprint)
    )
    result = pg_app.bundles.import_bundle(bundle)
    assert result.inserted > 100 and result.conflicts == 0
    assert report(pg_app) == expected
    once = row_counts(pg_app)
    pg_app.bundles.import_bundle(bundle)  # twice changes nothing
    again = row_counts(pg_app)
    assert {k: v for k, v in again.items() if k != "bundle_import"} == {
        k: v for k, v in once.items() if k != "bundle_import"
    }
    with pg_app.uow() as uow:
        merged = uow.session.get(Person, low)
        assert merged is not None and merged.merged_into_id == high


def test_the_audit_log_is_append_only(pg_app: Comptoir) -> None:
    site = pg_app.sites.init_site(name="Le Comptoir de Felletin")
    pg_app.agenda.resources.create(
        site.id,
        ResourceFields(name="Salle du conseil", kind=ResourceKind.MEETING_ROOM, capacity=12),
    )
    with pg_app.engine.begin() as connection:
        assert connection.execute(select(func.count()).select_from(AuditEntry)).scalar_one() > 0
        old = datetime.now(UTC) - timedelta(days=400)
        connection.execute(
            insert(AuditEntry.__table__),  # type: ignore[attr-defined]
            {
                "id": uuid.uuid4(),
                "created_at": old,
                "updated_at": old,
                "at": old,
                "action": "export",
                "entity": "report",
                "details": "{}",
            },
        )
    for statement in (
        "UPDATE audit_entry SET entity = 'falsifié'",
        "UPDATE audit_entry SET details = '{}' WHERE at < now() - interval '1 year'",
        "DELETE FROM audit_entry",
    ):
        with pytest.raises(DBAPIError, match="append-only"), pg_app.engine.begin() as connection:
            connection.execute(text(statement))
    with pg_app.engine.begin() as connection:  # an old line may go (the retention purge)
        gone = connection.execute(
            text("DELETE FROM audit_entry WHERE at < now() - interval '1 year'")
        ).rowcount
        assert gone == 1
        assert connection.execute(select(func.count()).select_from(AuditEntry)).scalar_one() > 0


# -- several desks ------------------------------------------------------------------------------


def test_two_desks_cannot_both_take_the_last_seat(
    pg_app: Comptoir, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = pg_app.sites.init_site(name="Le Comptoir de Felletin")
    url = pg_app.engine.url.render_as_string(hide_password=False)
    outcomes, taken = race_for_the_last_seat(pg_app, site.id, url, monkeypatch)
    assert outcomes == ["booked", FULL]
    assert taken == 2


def test_two_desks_counting_at_once_lose_nothing(pg_app: Comptoir) -> None:
    site = pg_app.sites.init_site(name="Le Comptoir de Felletin")
    service = pg_app.config.list_services(site.id)[0]
    day, seconds = date(2025, 6, 2), 2.0
    url = pg_app.engine.url.render_as_string(hide_password=False)
    results: list[tuple[int, list[str]]] = []
    go = threading.Barrier(2, timeout=30)

    def desk() -> None:
        committed, errors = 0, []
        with opened(url) as app:
            go.wait()
            stop = time.monotonic() + seconds
            while time.monotonic() < stop:
                try:
                    app.visits.count(site_id=site.id, service_id=service.id, activity_date=day)
                    committed += 1
                except Exception as error:
                    errors.append(f"{type(error).__name__}: {error}"[:200])
        results.append((committed, errors))

    threads = [threading.Thread(target=desk) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert [errors for _n, errors in results] == [[], []]
    assert all(n > 10 for n, _e in results), results  # both really wrote
    assert pg_app.visits.counts_for_day(site.id, day) == {service.id: sum(n for n, _e in results)}


def test_a_visit_retried_after_its_answer_was_lost_counts_once(
    pg_app: Comptoir, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = pg_app.sites.init_site(name="Le Comptoir de Felletin")
    assert retry_after_lost_answer(pg_app, site.id, tmp_path, monkeypatch) == (1, 1)


def test_two_tries_of_one_visit_at_once_save_it_once(
    pg_app: Comptoir, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A retry looks for the visit while the first try has written it but not committed:
    PostgreSQL shows it nothing, so both insert; the second insert waits for the first
    commit and fails on the key, and the service answers with the visit already saved. The
    first commits once the server shows the second waiting on that key (no fixed delay)."""
    site = pg_app.sites.init_site(name="Le Comptoir de Felletin")
    service = pg_app.config.list_services(site.id)[0]
    url = pg_app.engine.url.render_as_string(hide_password=False)
    visit_id, day = uuid.uuid4(), date(2025, 6, 2)
    written = threading.Event()
    real_commit = UnitOfWork.commit
    watcher = create_engine(url)

    def second_waits_on_a_lock() -> bool:
        with watcher.connect() as conn:
            waiting = conn.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                    " AND datname = current_database()"
                )
            ).scalar_one()
        return bool(waiting)

    def commit(self: UnitOfWork) -> None:
        if threading.current_thread().name == "first":
            self.session.flush()
            written.set()
            deadline = time.monotonic() + 10
            while not second_waits_on_a_lock() and time.monotonic() < deadline:
                time.sleep(0.02)
        real_commit(self)

    monkeypatch.setattr(UnitOfWork, "commit", commit)
    answers: dict[str, uuid.UUID] = {}

    def desk() -> None:
        name = threading.current_thread().name
        if name == "second":
            written.wait(10)
        with opened(url) as app:
            answers[name] = app.visits.count(
                site_id=site.id, service_id=service.id, activity_date=day, visit_id=visit_id
            ).id

    threads = [threading.Thread(target=desk, name=n) for n in ("first", "second")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    watcher.dispose()
    assert answers == {"first": visit_id, "second": visit_id}
    assert pg_app.visits.counts_for_day(site.id, day) == {service.id: 1}


def test_every_section_opens_on_the_demo(server: str, demo: str, tmp_path: Path) -> None:
    with new_database(server, template=demo) as url:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path)}
        done = subprocess.run(
            [sys.executable, "-m", "tiers_lieu", "--db", url, "--smoke-test"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert done.returncode == 0, done.stderr


STARTING_DESK = """
import sys
from tiers_lieu.db import make_engine
from tiers_lieu.services.migration import migrate

engine = make_engine(sys.argv[1])
print("ready", flush=True)
sys.stdin.readline()
migrate(engine)
engine.dispose()
"""


def test_two_desks_starting_at_once_migrate_the_database_once(pg_empty_url: str) -> None:
    """An older database, and the new Comptoir started on two desks at the same moment (two
    processes: Alembic's ``op`` is one per process)."""
    from alembic import command

    engine = make_engine(pg_empty_url)
    config = _alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
    head = head_revision(engine)
    engine.dispose()
    desks = [
        subprocess.Popen(
            [sys.executable, "-c", STARTING_DESK, pg_empty_url],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    for desk in desks:
        assert desk.stdout is not None and desk.stdout.readline().strip() == "ready"
    for desk in desks:
        assert desk.stdin is not None
        desk.stdin.write("go\n")
        desk.stdin.flush()
    for desk in desks:
        _out, err = desk.communicate(timeout=60)
        assert desk.returncode == 0, err[-2000:]
    assert version(pg_empty_url) == head
