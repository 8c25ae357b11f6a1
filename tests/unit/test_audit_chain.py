"""The audit log cannot be changed with SQL unseen (issue 15, point 7): each line carries the
hash of the line before it in its place's chain, and the verifier names, in French, the place,
the date and time (the place's clock) and the action of the line where a chain breaks: a
back-dated line added with SQL, a line removed from the middle, a changed line, a removed
start; ``DROP TRIGGER`` is said too. The retention purge removes the start of a chain and
says so, which the verifier accepts. What a chain alone cannot show — its newest lines
removed, or every hash computed again — is said for the lines this desk already verified
(its witness file), and a restore forgets that file."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from pathlib import Path

import pytest
from auditlines import TABLE, forged_line
from sqlalchemy import delete, text, update
from sqlmodel import col, select

from tiers_lieu.__main__ import main
from tiers_lieu.app import Comptoir
from tiers_lieu.models import AuditEntry, utcnow
from tiers_lieu.models.enums import AuditAction, Role
from tiers_lieu.services.audit_chain import GENESIS, line_hash
from tiers_lieu.services.audit_verify import SQLITE_TRIGGERS, ChainReport
from tiers_lieu.services.privacy import PrivacyService, Retention
from tiers_lieu.services.readmodels import SiteInfo


def add_lines(app: Comptoir, *lines: tuple[uuid.UUID | None, datetime, AuditAction]) -> None:
    """Lines written through Comptoir (the session), in one flush."""
    with app.uow() as uow:
        for site_id, at, action in lines:
            uow.session.add(
                AuditEntry(site_id=site_id, at=at, action=action, entity="person", details="{}")
            )
        uow.commit()


def chain(app: Comptoir, site_id: uuid.UUID | None) -> list[AuditEntry]:
    with app.uow(read_only=True) as uow:
        where = (
            col(AuditEntry.site_id).is_(None) if site_id is None else AuditEntry.site_id == site_id
        )
        rows = list(uow.session.exec(select(AuditEntry).where(where).order_by(col(AuditEntry.seq))))
        uow.session.expunge_all()
        return rows


def verify(app: Comptoir) -> ChainReport:
    return app.audit_log.verify()


def sql(app: Comptoir, *statements: object) -> None:
    """Statements run straight on the database, as someone with a SQL console would."""
    with app.engine.begin() as connection:
        for statement in statements:
            if isinstance(statement, str):
                connection.execute(text(statement))
            else:
                connection.execute(statement)  # type: ignore[call-overload]


def hashed(row: AuditEntry) -> str:
    assert row.seq is not None
    return line_hash(
        prev_hash=row.prev_hash,
        seq=row.seq,
        line_id=row.id,
        at=row.at,
        site_id=row.site_id,
        user_id=row.user_id,
        action=row.action,
        entity=row.entity,
        entity_id=row.entity_id,
        details=row.details,
    )


def trigger_sql(app: Comptoir, name: str) -> str:
    """The statement that made a trigger, as SQLite keeps it (to put it back as it was)."""
    with app.engine.connect() as connection:
        return str(
            connection.execute(
                text("SELECT sql FROM sqlite_master WHERE name = :name"), {"name": name}
            ).scalar_one()
        )


def recent(days: float) -> datetime:
    return (utcnow() - timedelta(days=days)).replace(microsecond=0)


@pytest.fixture
def other(app: Comptoir) -> SiteInfo:
    return app.sites.init_site(name="La Fabrique", commune_name="Aubusson", insee_code="23008")


def test_every_line_is_chained_per_place(app: Comptoir, site: SiteInfo, other: SiteInfo) -> None:
    now = utcnow()
    add_lines(
        app,
        (site.id, now, AuditAction.READ),
        (other.id, now, AuditAction.EXPORT),
        (site.id, now, AuditAction.UPDATE),
        (None, now, AuditAction.LOGIN),
    )
    app.accounts.create_user(username="lea", display_name="Léa", role=Role.ADMIN, password="x" * 8)
    add_lines(app, (site.id, now, AuditAction.DELETE))
    for site_id in (site.id, other.id, None):
        rows = chain(app, site_id)
        assert [r.seq for r in rows] == list(range(1, len(rows) + 1))
        assert rows[0].prev_hash == GENESIS
        for before, row in pairwise(rows):
            assert row.prev_hash == before.line_hash
        assert all(row.line_hash == hashed(row) for row in rows)
    assert [r.action for r in chain(app, site.id)] == ["read", "update", "delete"]
    report = verify(app)
    assert report.intact
    total = sum(len(chain(app, s)) for s in (site.id, other.id, None))
    assert report.lines == total
    assert report.summary() == f"Journal intact ({total} lignes vérifiées)"


def test_a_back_dated_line_inserted_with_sql_is_named(app: Comptoir, site: SiteInfo) -> None:
    add_lines(app, (site.id, recent(2), AuditAction.READ))
    sql(app, forged_line(site.id, datetime(2026, 1, 15, 10, 0, tzinfo=UTC)))
    report = verify(app)
    assert not report.intact
    assert report.problems() == [
        "Le Comptoir de Felletin : ligne du 15/01/2026 à 11:00 (Connexion) — elle n'a pas "
        "d'empreinte : elle a été ajoutée hors de Comptoir."
    ]


def test_a_line_forged_with_a_number_and_a_wrong_hash_is_named(
    app: Comptoir, site: SiteInfo
) -> None:
    add_lines(app, *[(site.id, recent(3 - n), AuditAction.READ) for n in range(3)])
    head = chain(app, site.id)[-1]
    assert head.seq == 3
    sql(
        app,
        forged_line(
            site.id,
            datetime(2026, 2, 1, 8, 30, tzinfo=UTC),
            action="export",
            entity="report",
            seq=4,
            prev_hash=head.line_hash,
            line_hash="f" * 64,
        ),
    )
    [problem] = verify(app).problems()
    assert problem.startswith("Le Comptoir de Felletin : ligne du 01/02/2026 à 09:30 (Export)")
    assert "ne correspond plus à son empreinte" in problem


def test_a_line_removed_from_the_middle_is_named(app: Comptoir, site: SiteInfo) -> None:
    # Lines of two months ago: the database lets them be deleted (only 28 days are guarded).
    old = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
    add_lines(app, *[(site.id, old + timedelta(hours=n), AuditAction.READ) for n in range(5)])
    add_lines(app, (site.id, old + timedelta(days=1), AuditAction.EXPORT))
    rows = chain(app, site.id)
    sql(app, delete(TABLE).where(TABLE.c.id.in_([rows[2].id, rows[3].id])))
    report = verify(app)
    assert report.problems() == [
        "Le Comptoir de Felletin : ligne du 10/03/2026 à 14:00 (Consultation) — les lignes "
        "n° 3 à 4 manquent juste avant celle-ci (après celle du 10/03/2026 à 11:00)."
    ]
    assert report.breaks[0].seq == 5


def test_a_recent_line_deleted_after_dropping_the_trigger(app: Comptoir, site: SiteInfo) -> None:
    add_lines(app, *[(site.id, recent(1), AuditAction.READ) for _n in range(3)])
    add_lines(app, (site.id, recent(0), AuditAction.EXPORT))
    rows = chain(app, site.id)
    kept = trigger_sql(app, "audit_entry_no_recent_delete")
    sql(
        app,
        "DROP TRIGGER audit_entry_no_recent_delete",
        delete(TABLE).where(TABLE.c.id == rows[1].id),
    )
    problems = verify(app).problems()
    assert problems[0] == (
        "La protection du journal a été retirée (déclencheur « audit_entry_no_recent_delete » "
        "absent) : des lignes ont pu être modifiées ou effacées sans laisser de trace."
    )
    assert "la ligne n° 2 manque juste avant celle-ci" in problems[1]
    sql(app, kept)  # the trigger put back as it was: the hole in the chain stays
    [problem] = verify(app).problems()
    assert "(Consultation) — la ligne n° 2 manque" in problem


def test_a_changed_line_is_named(app: Comptoir, site: SiteInfo) -> None:
    add_lines(app, (site.id, recent(1), AuditAction.READ), (site.id, recent(0), AuditAction.READ))
    rows = chain(app, site.id)
    kept = trigger_sql(app, "audit_entry_no_update")
    sql(
        app,
        "DROP TRIGGER audit_entry_no_update",
        update(TABLE).where(TABLE.c.id == rows[0].id).values(action="export"),
        kept,
    )
    [problem] = verify(app).problems()
    assert "(Export) — son contenu ne correspond plus à son empreinte" in problem


@pytest.mark.parametrize("trigger", sorted(SQLITE_TRIGGERS))
def test_drop_trigger_is_seen(app: Comptoir, site: SiteInfo, trigger: str) -> None:
    add_lines(app, (site.id, recent(0), AuditAction.READ))
    sql(app, f"DROP TRIGGER {trigger}")
    report = verify(app)
    assert not report.intact and not report.breaks
    assert f"« {trigger} » absent" in report.summary()


def test_a_trigger_made_harmless_is_seen(app: Comptoir) -> None:
    sql(
        app,
        "DROP TRIGGER audit_entry_no_update",
        "CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry WHEN 0 "
        "BEGIN SELECT RAISE(ABORT, 'audit_entry is append-only'); END",
    )
    [problem] = verify(app).problems()
    assert "La protection du journal a été modifiée" in problem


def purge_with_audit_retention(app: Comptoir, site: SiteInfo, today: date) -> int:
    privacy = PrivacyService(app.uow)
    privacy.set_retention(site_id=site.id, retention=Retention(audit_months=12))
    return privacy.purge(site.id, dry_run=False, today=today).audit_entries


def test_a_purged_start_is_intact_but_a_removed_start_is_not(app: Comptoir, site: SiteInfo) -> None:
    old = datetime(2025, 1, 10, 9, 0, tzinfo=UTC)
    add_lines(app, *[(site.id, old + timedelta(days=n), AuditAction.READ) for n in range(4)])
    add_lines(app, (site.id, recent(40), AuditAction.EXPORT))
    assert len(chain(app, site.id)) == 5
    # A year before 12 January 2026: the lines of 10 and 11 January 2025 go.
    assert purge_with_audit_retention(app, site, date(2026, 1, 12)) == 2
    assert verify(app).intact
    # Today: the other old lines go, the first purge's line stays (it is recent).
    assert purge_with_audit_retention(app, site, utcnow().date()) == 2
    rows = chain(app, site.id)
    assert (rows[0].seq, rows[0].action) == (5, "export")
    assert [r.action for r in rows].count("purge") == 2
    assert verify(app).intact
    # Lines removed at the start without a purge (old lines: the trigger lets them go).
    add_lines(app, *[(site.id, old + timedelta(days=n), AuditAction.UPDATE) for n in range(3)])
    first = chain(app, site.id)[0]
    sql(app, delete(TABLE).where(TABLE.c.id == first.id))
    [problem] = verify(app).problems()
    assert "hors de la purge de conservation" in problem


def test_the_purge_keeps_a_line_written_out_of_order(app: Comptoir, site: SiteInfo) -> None:
    """Lines go from the start of the chain only: an old line after a young one stays (and
    goes at a later purge), so the chain left is never holed."""
    add_lines(
        app,
        (site.id, datetime(2024, 1, 1, tzinfo=UTC), AuditAction.READ),
        (site.id, recent(30), AuditAction.READ),
        (site.id, datetime(2024, 1, 2, tzinfo=UTC), AuditAction.UPDATE),
    )
    assert purge_with_audit_retention(app, site, utcnow().date()) >= 1
    assert [r.action for r in chain(app, site.id)][:2] == ["read", "update"]
    assert verify(app).intact


def test_the_command_line_says_where_it_breaks(
    app: Comptoir, site: SiteInfo, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_lines(app, (site.id, recent(0), AuditAction.READ))
    assert main(["--db", str(db_path), "audit", "verifier"]) == 0
    out = capsys.readouterr().out
    assert out == "Journal intact (1 ligne vérifiée)\n"
    sql(app, "DROP TRIGGER audit_entry_no_update")
    assert main(["--db", str(db_path), "audit", "verifier"]) == 2
    captured = capsys.readouterr()
    assert "Le journal d'audit a été altéré" in captured.out
    assert "audit_entry_no_update" in captured.out


# -- the newest lines removed: what this desk saw last ------------------------------------------


def remove_tail(app: Comptoir, site_id: uuid.UUID, count: int) -> None:
    """The newest ``count`` lines of a chain deleted, the delete trigger put back as it was."""
    kept = trigger_sql(app, "audit_entry_no_recent_delete")
    newest = [row.id for row in chain(app, site_id)[-count:]]
    sql(
        app,
        "DROP TRIGGER audit_entry_no_recent_delete",
        delete(TABLE).where(TABLE.c.id.in_(newest)),
        kept,
    )


def test_the_newest_lines_removed_after_a_verification_are_named(
    app: Comptoir, site: SiteInfo, db_path: Path
) -> None:
    add_lines(app, *[(site.id, recent(1), AuditAction.READ) for _n in range(3)])
    add_lines(app, (site.id, datetime(2026, 4, 2, 14, 30, tzinfo=UTC), AuditAction.EXPORT))
    add_lines(app, (site.id, datetime(2026, 4, 2, 14, 45, tzinfo=UTC), AuditAction.EXPORT))
    newest = chain(app, site.id)[-1].seq
    assert newest is not None
    assert verify(app).intact  # this desk saw the chain up to its newest line
    witness = db_path.with_name(db_path.name + ".audit-vu.json")
    assert witness.exists() and oct(witness.stat().st_mode & 0o777) == "0o600"
    remove_tail(app, site.id, 2)
    report = verify(app)
    assert report.problems() == [
        "Le Comptoir de Felletin : ligne du 02/04/2026 à 16:45 (Export) — ce poste l'avait "
        "vue lors d'une vérification précédente, elle n'est plus dans le journal : les lignes "
        f"n° {newest - 1} à {newest} ont été supprimées à la fin du journal."
    ]
    assert not verify(app).intact  # said again: what was seen is not forgotten
    add_lines(app, (site.id, recent(0), AuditAction.READ), (site.id, recent(0), AuditAction.READ))
    [problem] = verify(app).problems()  # new lines under the numbers seen: not the lines seen
    assert problem.endswith(
        "(Consultation) — son empreinte n'est plus celle que ce poste a vue sous ce numéro lors "
        "d'une vérification précédente : des lignes ont été remplacées ou réécrites."
    )


def test_lines_written_after_the_last_verification_are_not_claimed(
    app: Comptoir, site: SiteInfo
) -> None:
    """What the desk never verified, it cannot miss: only lines it saw are watched."""
    add_lines(app, (site.id, recent(1), AuditAction.READ))
    assert verify(app).intact
    add_lines(app, (site.id, recent(0), AuditAction.READ), (site.id, recent(0), AuditAction.UPDATE))
    remove_tail(app, site.id, 2)
    assert verify(app).intact


def test_a_chain_emptied_after_a_verification_is_named(app: Comptoir, site: SiteInfo) -> None:
    add_lines(app, (site.id, datetime(2026, 4, 2, 14, 30, tzinfo=UTC), AuditAction.EXPORT))
    assert verify(app).intact
    remove_tail(app, site.id, len(chain(app, site.id)))
    [problem] = verify(app).problems()
    assert problem == (
        "Le Comptoir de Felletin : ligne du 02/04/2026 à 16:30 (Export) — ce poste l'avait vue "
        "lors d'une vérification précédente, elle n'est plus dans le journal : ce journal est "
        "maintenant vide."
    )


def test_a_restore_forgets_what_was_seen(app: Comptoir, site: SiteInfo, db_path: Path) -> None:
    from tiers_lieu.services.backups import BackupService

    add_lines(app, (site.id, recent(1), AuditAction.READ))
    backups = BackupService(app.url, folder=db_path.parent / "sauv")
    copy = backups.backup()
    add_lines(app, (site.id, recent(0), AuditAction.READ))
    assert verify(app).intact
    app.close()
    backups.restore(copy.path)
    app.reopen()
    assert verify(app).intact  # the log went back on purpose
    remove_tail(app, site.id, 1)  # and what is seen from then on is watched again
    assert "n'est plus dans le journal" in verify(app).summary()


def test_a_chain_rewritten_hash_by_hash_is_named_up_to_the_line_seen(
    app: Comptoir, site: SiteInfo
) -> None:
    """Changing a line and computing every hash after it again leaves a whole chain: the
    line this desk saw last no longer has the hash it saw."""
    add_lines(app, *[(site.id, recent(3 - n), AuditAction.READ) for n in range(3)])
    assert verify(app).intact
    rows = chain(app, site.id)
    rows[0].action = AuditAction.EXPORT
    prev = rows[0].prev_hash
    statements: list[object] = ["DROP TRIGGER audit_entry_no_update"]
    for row in rows:
        row.prev_hash = prev
        row.line_hash = prev = hashed(row)
        statements.append(
            update(TABLE)
            .where(TABLE.c.id == row.id)
            .values(action=row.action, prev_hash=row.prev_hash, line_hash=row.line_hash)
        )
    statements.append(SQLITE_TRIGGERS["audit_entry_no_update"])
    sql(app, *statements)
    [problem] = verify(app).problems()
    assert "son empreinte n'est plus celle que ce poste a vue sous ce numéro" in problem


def test_an_unreadable_witness_counts_as_empty(
    app: Comptoir, site: SiteInfo, db_path: Path
) -> None:
    witness = db_path.with_name(db_path.name + ".audit-vu.json")
    witness.write_text("{pas du json", encoding="utf-8")
    add_lines(app, (site.id, recent(0), AuditAction.READ))
    assert verify(app).intact
    remove_tail(app, site.id, 1)  # the file was written again: the removal is seen
    assert "n'est plus dans le journal" in verify(app).summary()
