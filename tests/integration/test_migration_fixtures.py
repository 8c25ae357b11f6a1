"""A database written by each earlier schema revision upgrades to the newest one with its
data: the SQL dumps under ``tests/fixtures/migrations`` (see ``make_fixtures.py`` there) are
loaded into new files and opened by Comptoir, which migrates them. Every row stays, the values
read the same, the report computes the figures the rows hold, the accounts still sign in, and
0004 made the oldest coordinator the administrator."""

from __future__ import annotations

import re
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from alembic.script import ScriptDirectory
from migrated import with_publics
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from tiers_lieu.app import build
from tiers_lieu.db import _alembic_config, make_engine, resolve_db_url
from tiers_lieu.reports.csv_export import csv_text
from tiers_lieu.services.migration import migrate

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "migrations"
DUMPS = sorted(FIXTURES.glob("*.sql"))
PERIOD = (date(2025, 1, 1), date(2026, 12, 31))  # every date of the fixtures' data


def head_revision() -> str:
    engine = make_engine("sqlite://")
    head = ScriptDirectory.from_config(_alembic_config(engine)).get_current_head()
    engine.dispose()
    assert head is not None
    return head


def load(dump: Path, target: Path) -> Path:
    """The dump as a SQLite file, as the older Comptoir left it."""
    connection = sqlite3.connect(target)
    try:
        connection.executescript(dump.read_text(encoding="utf-8"))
    finally:
        connection.close()
    return target


def data_tag(dump: Path) -> str:
    """What the dump's first line says of its data (dumps of one run share it)."""
    first = dump.read_text(encoding="utf-8").splitlines()[0]
    found = re.search(r"data: (.*)$", first)
    assert found is not None, first
    return found.group(1)


def row_counts(path: Path) -> dict[str, int]:
    """Rows per table, read with plain sqlite3."""
    connection = sqlite3.connect(path)
    try:
        tables = connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' AND name != 'alembic_version' ORDER BY name"
        ).fetchall()
        return {
            t: connection.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for (t,) in tables
        }
    finally:
        connection.close()


VALUES = {
    "sites": "SELECT name, commune_name, insee_code FROM site ORDER BY name",
    "people": "SELECT first_name, last_name FROM person ORDER BY 1, 2",
    "visitors": "SELECT sum(count) FROM visit "
    f"WHERE activity_date BETWEEN '{PERIOD[0]}' AND '{PERIOD[1]}'",
    "assistance": "SELECT count(*), sum(duration_min) FROM assistance_record "
    f"WHERE activity_date BETWEEN '{PERIOD[0]}' AND '{PERIOD[1]}'",
    "sales": "SELECT sum(total_cents) FROM sale WHERE cancelled_at IS NULL",
    "bookings": "SELECT start_at, end_at, seats FROM booking ORDER BY 1, 2",
    "audit": "SELECT at, action, entity FROM audit_entry ORDER BY 1, 2, 3",
    "accounts": "SELECT username, password_hash FROM app_user ORDER BY 1",
}


def values(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """A few values of most areas, read with plain sqlite3."""
    connection = sqlite3.connect(path)
    try:
        return {key: connection.execute(sql).fetchall() for key, sql in VALUES.items()}
    finally:
        connection.close()


def revision_of(path: Path) -> str:
    connection = sqlite3.connect(path)
    try:
        return str(connection.execute("SELECT version_num FROM alembic_version").fetchone()[0])
    finally:
        connection.close()


def test_there_is_a_dump_of_every_earlier_revision() -> None:
    engine = make_engine("sqlite://")
    script = ScriptDirectory.from_config(_alembic_config(engine))
    engine.dispose()
    earlier = {r.revision for r in script.walk_revisions()} - {script.get_current_head()}
    assert {d.stem for d in DUMPS} == earlier, (
        "add the dump of the previous newest revision: "
        ".venv/bin/python tests/fixtures/migrations/make_fixtures.py REVISION"
    )


@pytest.mark.parametrize("dump", DUMPS, ids=[d.stem for d in DUMPS])
def test_an_older_database_upgrades_with_all_its_data(dump: Path, tmp_path: Path) -> None:
    path = load(dump, tmp_path / "ancienne.sqlite")
    assert revision_of(path) == dump.stem
    counts, before = row_counts(path), values(path)
    assert counts["visit"] > 0 and counts["audit_entry"] > 0 and counts["app_user"] == 3

    engine = make_engine(resolve_db_url(str(path)))
    backup = migrate(engine, backup_dir=tmp_path / "copies")
    engine.dispose()
    assert backup is not None and revision_of(backup) == dump.stem
    assert revision_of(path) == head_revision()
    after = row_counts(path)
    # Every row of every table is there, and 0009 gave every older place the « public »
    # categories.
    assert {t: after.get(t) for t in counts} == with_publics(counts, dump.stem)
    assert values(path) == before

    app = build(str(path))  # the application opens it (nothing left to migrate)
    try:
        data = app.reports.compute(period_start=PERIOD[0], period_end=PERIOD[1])
        assert data.site_names == [name for name, _c, _i in before["sites"]]
        assert data.value("visits.total") == before["visitors"][0][0] > 0
        records, minutes = before["assistance"][0]
        assert data.value("assistance.total") == records > 0
        assert data.value("assistance.minutes") == minutes
        assert app.accounts.authenticate("lea", "motdepasse-lea").username == "lea"
    finally:
        app.close()


@pytest.mark.parametrize("dump", [d for d in DUMPS if d.stem < "0004"], ids=lambda d: d.stem)
def test_0004_makes_the_oldest_coordinator_administrator(dump: Path, tmp_path: Path) -> None:
    path = load(dump, tmp_path / "ancienne.sqlite")
    connection = sqlite3.connect(path)
    roles_before = dict(connection.execute("SELECT username, role FROM app_user"))
    connection.close()
    assert roles_before == {"claire": "coordinator", "marc": "coordinator", "lea": "host"}

    app = build(str(path))
    try:
        roles = {u.username: u.role for u in app.accounts.list_users()}
        assert roles == {"claire": "admin", "marc": "coordinator", "lea": "host"}
        assert app.accounts.authenticate("claire", "motdepasse-claire").role == "admin"
        # The audit log is append-only from 0004 on.
        with pytest.raises(DBAPIError, match="append-only"), app.engine.begin() as connection:
            connection.execute(text("UPDATE audit_entry SET entity = 'falsifié'"))
    finally:
        app.close()


def test_0010_leaves_what_was_booked_before_it_without_a_price(tmp_path: Path) -> None:
    """Nothing had a price before 0010: every resource is « not hired out », every booking has
    no price, and the census calls the room hire unknown (empty), not 0 €."""
    path = load(FIXTURES / "0009.sql", tmp_path / "ancienne.sqlite")
    app = build(str(path))
    try:
        site = app.sites.list_sites()[0]
        resources = app.agenda.resources.list(site.id, include_inactive=True)
        assert resources and all(r.hourly_price_cents is None for r in resources)
        data = app.reports.census(period_start=PERIOD[0], period_end=PERIOD[1])
        rooms = data.value("Activités : réservations de salles")
        assert isinstance(rooms, int) and rooms > 0
        assert data.value("Location de salles : réservations sans prix") == rooms
        assert data.value("Chiffre d'affaires : location de salles") is None
    finally:
        app.close()
    connection = sqlite3.connect(path)
    try:
        priced = connection.execute("SELECT count(*) FROM booking WHERE price_cents IS NOT NULL")
        assert priced.fetchone() == (0,)
    finally:
        connection.close()


def test_dumps_written_together_give_the_same_report(tmp_path: Path) -> None:
    """Dumps of one run hold the same rows: once migrated, their reports agree."""
    by_tag: dict[str, list[str]] = {}
    for dump in DUMPS:
        app = build(str(load(dump, tmp_path / f"{dump.stem}.sqlite")))
        try:
            data = app.reports.compute(period_start=PERIOD[0], period_end=PERIOD[1])
        finally:
            app.close()
        by_tag.setdefault(data_tag(dump), []).append(csv_text(data))
    assert any(len(reports) > 1 for reports in by_tag.values())
    for reports in by_tag.values():
        assert all(report == reports[0] for report in reports)


def chains(path: Path) -> dict[str | None, list[tuple[int, str, str]]]:
    """``(seq, prev_hash, line_hash)`` of each site's audit lines, read with plain sqlite3."""
    connection = sqlite3.connect(path)
    try:
        found: dict[str | None, list[tuple[int, str, str]]] = {}
        for site_id, seq, prev, digest in connection.execute(
            "SELECT site_id, seq, prev_hash, line_hash FROM audit_entry ORDER BY site_id, seq"
        ):
            found.setdefault(site_id, []).append((seq, prev, digest))
        return found
    finally:
        connection.close()


def test_the_audit_lines_of_0005_become_an_intact_chain_that_new_lines_continue(
    tmp_path: Path,
) -> None:
    """0006 chains the lines an older Comptoir wrote; the verifier calls that chain intact,
    and the lines written after the upgrade follow it."""
    dump = FIXTURES / "0005.sql"
    path = load(dump, tmp_path / "ancienne.sqlite")
    written = len(values(path)["audit"])
    assert written > 0
    app = build(str(path))
    try:
        report = app.audit_log.verify()
        assert report.intact, report.summary()
        assert report.lines == written
        [(site_id, upgraded)] = chains(path).items()
        assert [seq for seq, _prev, _hash in upgraded] == list(range(1, written + 1))
        app.accounts.authenticate("lea", "motdepasse-lea")  # writes a « Connexion » line
        after = app.audit_log.verify()
        assert after.intact, after.summary()
        assert after.lines == written + 1
    finally:
        app.close()
    seq, prev, _digest = chains(path)[site_id][-1]
    assert (seq, prev) == (written + 1, upgraded[-1][2])
