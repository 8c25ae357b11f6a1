"""The audit log viewer: administration only, filtered by dates of the place, account and
action, newest first with French labels; its CSV export is audited; reading a person's
assistance notes writes a line; and the database itself refuses to change a line."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import delete, func, text, update
from sqlalchemy.exc import DBAPIError
from sqlmodel import col, select

from tiers_lieu.app import Comptoir
from tiers_lieu.models import AssistanceRecord, AuditEntry
from tiers_lieu.models.enums import AuditAction, CategoryKind, Role
from tiers_lieu.services.access import AccessDeniedError
from tiers_lieu.services.audit_log import AuditFilter, AuditLogService
from tiers_lieu.services.people import PersonInput
from tiers_lieu.services.readmodels import SiteInfo, UserInfo

PASSWORD = "tilleul-2026"


def account(app: Comptoir, name: str, role: Role) -> UserInfo:
    return app.accounts.create_user(
        username=name, display_name=name.title(), role=role, password=PASSWORD
    )


def add_line(
    app: Comptoir, at: datetime, action: AuditAction, user: UserInfo | None, entity: str
) -> None:
    with app.uow() as uow:
        uow.session.add(
            AuditEntry(
                at=at,
                action=action,
                entity=entity,
                user_id=None if user is None else user.id,
                details='{"role": "host"}',
            )
        )
        uow.commit()


def count_lines(app: Comptoir) -> int:
    with app.uow() as uow:
        return int(uow.session.exec(select(func.count()).select_from(AuditEntry)).one())


@pytest.fixture
def admin(app: Comptoir) -> UserInfo:
    return account(app, "lea", Role.ADMIN)


def test_only_the_administration_reads_the_log(app: Comptoir, admin: UserInfo) -> None:
    coordinator = account(app, "claire", Role.COORDINATOR)
    app.access.sign_in(coordinator)
    for attempt in (
        lambda: app.audit_log.page(AuditFilter()),
        lambda: app.audit_log.accounts(),
        lambda: app.audit_log.export_csv(Path("/nonexistent/x.csv"), AuditFilter()),
    ):
        with pytest.raises(AccessDeniedError, match="consulter le journal d'audit"):
            attempt()
    app.access.sign_in(admin)
    assert app.audit_log.page(AuditFilter())  # the accounts created are there


def test_filters_dates_of_the_place_account_and_action(
    app: Comptoir, site: SiteInfo, admin: UserInfo
) -> None:
    host = account(app, "paul", Role.HOST)
    # 23:30 UTC on 31 March is 1 April, 01:30 in Paris (summer time).
    add_line(app, datetime(2026, 3, 31, 23, 30, tzinfo=UTC), AuditAction.READ, host, "person")
    add_line(app, datetime(2026, 3, 30, 10, 0, tzinfo=UTC), AuditAction.EXPORT, admin, "report")
    add_line(app, datetime(2026, 4, 2, 8, 0, tzinfo=UTC), AuditAction.LOGIN, host, "app_user")
    app.access.sign_in(admin)
    log = app.audit_log
    april = log.page(AuditFilter(start=date(2026, 4, 1), end=date(2026, 4, 30)), site_id=site.id)
    assert [line.action for line in april] == ["login", "read"]  # newest first
    read = april[1]
    assert read.when == "01/04/2026 à 01:30"
    assert (read.account, read.action_label, read.what) == ("Paul", "Consultation", "Personne")
    assert read.details == "Rôle : Agent d'accueil."
    march = log.page(AuditFilter(start=date(2026, 3, 1), end=date(2026, 3, 31)), site_id=site.id)
    assert [line.action_label for line in march] == ["Export"]
    by_paul = log.page(AuditFilter(user_id=host.id))
    assert {line.action for line in by_paul} == {"read", "login"}
    exports = log.page(AuditFilter(action=AuditAction.EXPORT))
    assert [(line.account, line.what) for line in exports] == [("Lea", "Rapport")]
    # Lines written by the command line or the first run are the system's.
    creations = log.page(AuditFilter(action=AuditAction.CREATE))
    assert {line.account for line in creations} == {"Système"}
    everything = log.page(AuditFilter(), limit=2)
    assert len(everything) == 2 and len(log.page(AuditFilter(), offset=2)) == count_lines(app) - 2
    assert {a.name for a in log.accounts()} == {"Lea", "Paul"}


def test_reading_is_not_audited_but_the_csv_export_is(
    app: Comptoir, site: SiteInfo, admin: UserInfo, tmp_path: Path
) -> None:
    app.access.sign_in(admin)
    add_line(app, datetime(2026, 4, 2, 8, 0, tzinfo=UTC), AuditAction.PURGE, None, "=cmd")
    before = count_lines(app)
    app.audit_log.page(AuditFilter())
    assert count_lines(app) == before
    out = tmp_path / "journal.csv"
    written = app.audit_log.export_csv(out, AuditFilter(action=AuditAction.PURGE), site_id=site.id)
    assert written == 1
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: spreadsheet programs read UTF-8
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0] == "Date;Compte;Action;Objet;Détails;Données"
    assert lines[1] == (
        '02/04/2026 à 10:00;Système;Purge;\'=cmd;Rôle : Agent d\'accueil.;"{""role"": ""host""}"'
    )
    assert not list(tmp_path.glob("*.partiel"))
    assert count_lines(app) == before + 1
    [export] = app.audit_log.page(AuditFilter(action=AuditAction.EXPORT))
    assert (export.account, export.what) == ("Lea", "Journal d'audit")


def test_the_service_has_no_way_to_change_a_line() -> None:
    public = sorted(n for n in vars(AuditLogService) if not n.startswith("_"))
    assert public == ["accounts", "export_csv", "page", "verify"]  # verify only reads


def test_the_database_refuses_to_change_or_remove_a_recent_line(
    app: Comptoir, admin: UserInfo
) -> None:
    with app.uow() as uow:
        line_id = uow.session.exec(select(AuditEntry.id).limit(1)).one()
    for statement in (
        update(AuditEntry).where(col(AuditEntry.id) == line_id).values(details="{}"),
        delete(AuditEntry).where(col(AuditEntry.id) == line_id),
    ):
        with app.uow() as uow, pytest.raises(DBAPIError, match="append-only"):
            uow.session.execute(statement)
            uow.commit()
    with app.engine.connect() as connection, pytest.raises(DBAPIError, match="append-only"):
        connection.execute(text("UPDATE audit_entry SET action = 'x'"))


def test_reading_a_persons_assistance_notes_is_audited(
    app: Comptoir, site: SiteInfo, admin: UserInfo
) -> None:
    mediator = account(app, "nadia", Role.MEDIATOR)
    person = app.people.create(site.id, PersonInput(first_name="Léa", last_name="Roux"))
    kind = app.config.list_categories
    with app.uow() as uow:
        uow.session.add(
            AssistanceRecord(
                site_id=site.id,
                activity_date=date(2026, 2, 2),
                operator_id=kind(site.id, CategoryKind.OPERATOR)[0].id,
                theme_id=kind(site.id, CategoryKind.THEME)[0].id,
                help_type_id=kind(site.id, CategoryKind.HELP_TYPE)[0].id,
                outcome_id=kind(site.id, CategoryKind.OUTCOME)[0].id,
                person_id=person.id,
                note="Dossier retraite",
            )
        )
        uow.commit()
    app.access.sign_in(mediator)
    before = count_lines(app)
    app.people.person_page(person.id, include_assistance=False)
    assert count_lines(app) == before
    page = app.people.person_page(person.id, include_assistance=True)
    assert page.assistance and page.assistance[0].detail == "Dossier retraite"
    app.access.sign_in(admin)
    [read] = app.audit_log.page(AuditFilter(action=AuditAction.READ))
    assert (read.account, read.what, read.entity_id) == ("Nadia", "Aide aux démarches", person.id)
    assert "Dossier" not in read.details and "Roux" not in read.details
    app.access.sign_in(mediator)
    app.assistance.page(site.id, start=date(2026, 1, 1), end=date(2026, 12, 31))
    app.assistance.page(site.id, start=date(2026, 1, 1), end=date(2026, 12, 31), offset=200)
    app.access.sign_in(admin)
    assert len(app.audit_log.page(AuditFilter(action=AuditAction.READ))) == 2
