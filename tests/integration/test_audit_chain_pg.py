"""The audit log's hash chains on PostgreSQL: two desks writing at once never fork a chain (an
advisory lock per chain), and the verifier sees a line added or removed with SQL and a
dropped or disabled trigger, as on SQLite."""

from __future__ import annotations

import random
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, insert, text

from tiers_lieu.app import Comptoir, build
from tiers_lieu.models import AuditEntry, utcnow
from tiers_lieu.models.enums import AuditAction
from tiers_lieu.services.readmodels import SiteInfo

TABLE = AuditEntry.__table__  # type: ignore[attr-defined]


@pytest.fixture
def pg_app(pg_url: str) -> Iterator[Comptoir]:
    app = build(pg_url)
    try:
        yield app
    finally:
        app.close()


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
        connection.execute(
            insert(TABLE).values(
                id=uuid.uuid4(),
                created_at=utcnow(),
                updated_at=utcnow(),
                site_id=pg_site.id,
                at=datetime(2026, 1, 15, 10, 0, tzinfo=UTC),
                action="login",
                entity="app_user",
                details="{}",
            )
        )
    problems = pg_app.audit_log.verify().problems()
    assert problems == [
        "Le Comptoir de Felletin : ligne du 10/03/2026 à 12:00 (Consultation) — la ligne "
        f"n° {base + 2} manque juste avant celle-ci (après celle du 10/03/2026 à 10:00).",
        "Le Comptoir de Felletin : ligne du 15/01/2026 à 11:00 (Connexion) — elle n'a pas "
        "d'empreinte : elle a été ajoutée hors de Comptoir.",
    ]


@pytest.mark.parametrize(
    ("statement", "said"),
    [
        ("ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_append_only", "désactivée"),
        ("DROP TRIGGER audit_entry_append_only ON audit_entry", "absent"),
        (
            "CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger AS $$ "
            "BEGIN RETURN OLD; END $$ LANGUAGE plpgsql",
            "modifiée",
        ),
    ],
)
def test_a_trigger_dropped_or_disabled_is_seen(
    pg_app: Comptoir, pg_site: SiteInfo, statement: str, said: str
) -> None:
    add_line(pg_app, pg_site.id)
    with pg_app.engine.begin() as connection:
        connection.execute(text(statement))
    report = pg_app.audit_log.verify()
    assert not report.intact and not report.breaks
    assert "audit_entry_append_only" in report.summary() and said in report.summary()
