"""The audit log's hash chains on PostgreSQL: two desks writing at once never fork a chain (one
advisory lock for the log), TRUNCATE is refused, and the verifier sees a line added or removed
with SQL, a dropped or disabled trigger, and the newest lines removed after this desk saw
them, as on SQLite."""

from __future__ import annotations

import contextlib
import random
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from auditlines import TABLE, forged_line
from sqlalchemy import delete, text
from sqlalchemy.exc import DBAPIError

from tiers_lieu.app import Comptoir, build
from tiers_lieu.models import AuditEntry, utcnow
from tiers_lieu.models.enums import AuditAction
from tiers_lieu.services.readmodels import SiteInfo


@pytest.fixture(autouse=True)
def _desk_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What the desk keeps of the log (:mod:`~tiers_lieu.services.audit_witness`) goes to
    the test's folder, not to the user's data directory."""
    monkeypatch.setattr("tiers_lieu.db.data_dir", lambda: tmp_path / "donnees")


@pytest.fixture
def pg_app(pg_url: str) -> Iterator[Comptoir]:
    with contextlib.closing(build(pg_url)) as app:
        yield app


@pytest.fixture
def pg_site(pg_app: Comptoir) -> SiteInfo:
    return pg_app.sites.init_site(
        name="Le Comptoir de Felletin", commune_name="Felletin", insee_code="23079"
    )


def add_line(app: Comptoir, site_id: uuid.UUID | None, at: datetime | None = None) -> None:
    with app.uow() as uow:
        uow.session.add(
            AuditEntry(site_id=site_id, at=at or utcnow(), action=AuditAction.READ, entity="person")
        )
        uow.commit()


def seqs(app: Comptoir, site_id: uuid.UUID | None) -> list[int]:
    where = TABLE.c.site_id.is_(None) if site_id is None else TABLE.c.site_id == site_id
    with app.engine.connect() as connection:
        return [
            r[0]
            for r in connection.execute(
                TABLE.select().with_only_columns(TABLE.c.seq).where(where).order_by(TABLE.c.seq)
            )
        ]


def test_two_desks_writing_at_once_keep_one_chain(
    pg_app: Comptoir, pg_site: SiteInfo, pg_url: str
) -> None:
    base = len(seqs(pg_app, pg_site.id))  # the lines the place's creation wrote
    desks = [build(pg_url), build(pg_url)]
    start = threading.Barrier(len(desks))
    failures: list[BaseException] = []

    def write(desk: Comptoir, seed: int) -> None:
        order = random.Random(seed)
        start.wait()
        try:
            for _round in range(40):
                # Two chains in one transaction, in either order: no deadlock, no fork.
                chains = [pg_site.id, None]
                order.shuffle(chains)
                with desk.uow() as uow:
                    for site_id in chains:
                        uow.session.add(
                            AuditEntry(
                                site_id=site_id,
                                at=utcnow(),
                                action=AuditAction.READ,
                                entity="person",
                            )
                        )
                        uow.session.flush()
                    uow.commit()
        except BaseException as exc:  # reported below
            failures.append(exc)

    threads = [threading.Thread(target=write, args=(d, n)) for n, d in enumerate(desks)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        for desk in desks:
            desk.close()
    assert failures == []
    assert seqs(pg_app, pg_site.id) == list(range(1, base + 81))
    none_chain = seqs(pg_app, None)
    assert none_chain == list(range(1, len(none_chain) + 1)) and len(none_chain) >= 80
    report = pg_app.audit_log.verify()
    assert report.intact, report.summary()


def test_sql_around_comptoir_is_seen(pg_app: Comptoir, pg_site: SiteInfo) -> None:
    old = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
    base = len(seqs(pg_app, pg_site.id))
    for hour in range(4):
        add_line(pg_app, pg_site.id, old + timedelta(hours=hour))
    assert pg_app.audit_log.verify().intact
    with pg_app.engine.begin() as connection:  # an old line in the middle: the trigger allows it
        connection.execute(
            delete(TABLE).where(TABLE.c.site_id == pg_site.id, TABLE.c.seq == base + 2)
        )
        connection.execute(forged_line(pg_site.id, datetime(2026, 1, 15, 10, 0, tzinfo=UTC)))
    problems = pg_app.audit_log.verify().problems()
    assert problems == [
        "Le Comptoir de Felletin : ligne du 10/03/2026 à 12:00 (Consultation) — la ligne "
        f"n° {base + 2} manque juste avant celle-ci (après celle du 10/03/2026 à 10:00).",
        "Le Comptoir de Felletin : ligne du 15/01/2026 à 11:00 (Connexion) — elle n'a pas "
        "d'empreinte : elle a été ajoutée hors de Comptoir.",
    ]


def test_truncate_is_refused(pg_app: Comptoir, pg_site: SiteInfo) -> None:
    """The row triggers do not fire on TRUNCATE: a statement trigger refuses it."""
    add_line(pg_app, pg_site.id)
    before = seqs(pg_app, pg_site.id)
    with pytest.raises(DBAPIError, match="append-only"), pg_app.engine.begin() as connection:
        connection.execute(text("TRUNCATE audit_entry"))
    assert seqs(pg_app, pg_site.id) == before
    assert pg_app.audit_log.verify().intact


@pytest.mark.parametrize(
    ("statement", "trigger", "said"),
    [
        (
            "ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_append_only",
            "audit_entry_append_only",
            "désactivée",
        ),
        (
            "DROP TRIGGER audit_entry_append_only ON audit_entry",
            "audit_entry_append_only",
            "absent",
        ),
        (
            "CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger AS $$ "
            "BEGIN RETURN OLD; END $$ LANGUAGE plpgsql",
            "audit_entry_append_only",
            "modifiée",
        ),
        (
            "DROP TRIGGER audit_entry_no_truncate ON audit_entry",
            "audit_entry_no_truncate",
            "absent",
        ),
        (
            "ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_no_truncate",
            "audit_entry_no_truncate",
            "désactivée",
        ),
        (
            "CREATE OR REPLACE FUNCTION audit_entry_no_truncate() RETURNS trigger AS $$ "
            "BEGIN RETURN NULL; END $$ LANGUAGE plpgsql",
            "audit_entry_no_truncate",
            "modifiée",
        ),
    ],
)
def test_a_trigger_dropped_or_disabled_is_seen(
    pg_app: Comptoir, pg_site: SiteInfo, statement: str, trigger: str, said: str
) -> None:
    add_line(pg_app, pg_site.id)
    with pg_app.engine.begin() as connection:
        connection.execute(text(statement))
    report = pg_app.audit_log.verify()
    assert not report.intact and not report.breaks
    [problem] = report.problems()
    assert f"« {trigger} »" in problem and said in problem


def test_the_newest_lines_removed_with_the_trigger_put_back_are_named(
    pg_app: Comptoir, pg_site: SiteInfo, tmp_path: Path
) -> None:
    for hour in range(3):
        add_line(pg_app, pg_site.id, datetime(2026, 4, 2, 12 + hour, 0, tzinfo=UTC))
    newest = seqs(pg_app, pg_site.id)[-1]
    assert pg_app.audit_log.verify().intact  # this desk saw the chain up to that line
    [witness] = (tmp_path / "donnees").rglob("*.json")
    assert oct(witness.stat().st_mode & 0o777) == "0o600"
    with pg_app.engine.begin() as connection:
        connection.execute(text("ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_append_only"))
        connection.execute(
            delete(TABLE).where(TABLE.c.site_id == pg_site.id, TABLE.c.seq >= newest - 1)
        )
        connection.execute(text("ALTER TABLE audit_entry ENABLE TRIGGER audit_entry_append_only"))
    assert pg_app.audit_log.verify().problems() == [
        "Le Comptoir de Felletin : ligne du 02/04/2026 à 16:00 (Consultation) — ce poste "
        "l'avait vue lors d'une vérification précédente, elle n'est plus dans le journal : "
        f"les lignes n° {newest - 1} à {newest} ont été supprimées à la fin du journal."
    ]
