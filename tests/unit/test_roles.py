"""Roles are enforced by the services, whatever a screen shows: for each role and each
sensitive action, the action either works or is refused with a French message saying why,
and a refused action writes nothing."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from rolesdemo import PASSWORD, TODAY, make_roles_demo
from sqlmodel import col, func, select

from tiers_lieu.app import Comptoir
from tiers_lieu.models import AssistanceRecord, AuditEntry, Visit
from tiers_lieu.models.enums import Role
from tiers_lieu.services.access import (
    ROLE_PERMISSIONS,
    AccessDeniedError,
    Permission,
)
from tiers_lieu.services.events_read import HeadCountLine
from tiers_lieu.services.privacy import PrivacyService
from tiers_lieu.services.readmodels import SiteInfo, UserInfo


@pytest.fixture(scope="module")
def demo_db(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_roles_demo(
        template_db, tmp_path_factory.mktemp("roles-demo") / "demo.sqlite", seed=5
    )


@dataclass(frozen=True)
class Things:
    """What the actions act on, looked up as the system before anyone signs in."""

    site: SiteInfo
    service_id: uuid.UUID
    assisted_person: uuid.UUID
    event_id: uuid.UUID
    distribution_id: uuid.UUID
    subscription_id: uuid.UUID


def things(app: Comptoir, tmp: Path) -> Things:
    site = app.sites.list_sites()[0]
    with app.uow() as uow:
        person = uow.session.exec(
            select(AssistanceRecord.person_id).where(col(AssistanceRecord.person_id).isnot(None))
        ).first()
    assert person is not None
    event = app.events.list(site.id, date(2025, 1, 1), TODAY)[0]
    distribution = next(
        d
        for d in app.amap.distributions.around(site_id=site.id, on=TODAY, before=20, after=0)
        if app.amap.pickups.sheet(distribution_id=d.id).lines
    )
    line = app.amap.pickups.sheet(distribution_id=distribution.id).lines[0]
    return Things(
        site=site,
        service_id=app.config.list_services(site.id)[0].id,
        assisted_person=person,
        event_id=event.id,
        distribution_id=distribution.id,
        subscription_id=line.subscription_id,
    )


Action = Callable[[Comptoir, Things, Path], object]

# What a user would try, with the permission it needs (issue: "a volunteer can count visits,
# record workshop attendance and hand out baskets, but cannot read assistance notes, export
# people, or run reports; only coordination sees reports and settings").
ACTIONS: dict[str, tuple[Permission, Action]] = {
    "compter une visite": (
        Permission.DESK,
        lambda app, t, _p: app.visits.count(site_id=t.site.id, service_id=t.service_id),
    ),
    "présence à un atelier": (
        Permission.DESK,
        lambda app, t, _p: app.events.set_head_counts(t.event_id, [HeadCountLine(count=3)]),
    ),
    "remettre un panier": (
        Permission.DESK,
        lambda app, t, _p: app.amap.pickups.set_status(
            distribution_id=t.distribution_id, subscription_id=t.subscription_id, status="collected"
        ),
    ),
    "lire les notes d'accompagnement": (
        Permission.ASSISTANCE,
        lambda app, t, _p: app.people.person_page(t.assisted_person, include_assistance=True),
    ),
    "historique des démarches": (
        Permission.ASSISTANCE,
        lambda app, t, _p: app.assistance.page(t.site.id, start=date(2025, 1, 1), end=TODAY),
    ),
    "exporter une personne": (
        Permission.PEOPLE_EXPORT,
        lambda app, t, p: PrivacyService(app.uow).export_json(t.assisted_person, p / "p.json"),
    ),
    "effacer une personne": (
        Permission.PEOPLE_EXPORT,
        lambda app, t, _p: PrivacyService(app.uow).erase(person_id=t.assisted_person),
    ),
    "produire le rapport": (
        Permission.REPORTS,
        lambda app, t, p: app.reports.export(
            period_start=date(2025, 1, 1), period_end=TODAY, fmt="csv", path=p / "r.csv"
        ),
    ),
    "modifier les paramètres": (
        Permission.SETTINGS,
        lambda app, t, _p: app.config.add_service(t.site.id, name="Repair café"),
    ),
    "réserver": (
        Permission.BOOKINGS,
        lambda app, t, _p: app.agenda.bookings.day(t.site.id, TODAY),
    ),
    "vendre à l'épicerie": (
        Permission.SALES,
        lambda app, t, _p: app.grocery.products.list(site_id=t.site.id),
    ),
}


def sign_in(app: Comptoir, role: Role) -> UserInfo:
    user = app.accounts.authenticate(f"compte.{role.value}", PASSWORD)
    app.access.sign_in(user)
    return user


def counts(app: Comptoir) -> tuple[int, int]:
    with app.uow() as uow:
        visits = uow.session.exec(select(func.count()).select_from(Visit)).one()
        audit = uow.session.exec(select(func.count()).select_from(AuditEntry)).one()
    return visits, audit


@pytest.mark.parametrize("role", list(Role))
def test_each_role_may_do_exactly_what_it_is_granted(
    demo_app: Comptoir, tmp_path: Path, role: Role
) -> None:
    t = things(demo_app, tmp_path)
    user = sign_in(demo_app, role)
    for name, (permission, action) in ACTIONS.items():
        if permission in ROLE_PERMISSIONS[role]:
            action(demo_app, t, tmp_path)  # must not raise
            continue
        before = counts(demo_app)
        with pytest.raises(AccessDeniedError) as refused:
            action(demo_app, t, tmp_path)
        message = refused.value.message
        assert message.startswith("Action refusée"), name
        assert "Vous êtes connecté·e en tant que" in message, name
        assert counts(demo_app) == before, f"{name}: a refused action wrote something"
    assert demo_app.access.user == user


def test_a_volunteer_counts_attendance_and_baskets_but_reads_no_notes(
    demo_app: Comptoir, tmp_path: Path
) -> None:
    t = things(demo_app, tmp_path)
    sign_in(demo_app, Role.VOLUNTEER)
    visits_before, _audit = counts(demo_app)
    demo_app.visits.count(site_id=t.site.id, service_id=t.service_id)
    assert counts(demo_app)[0] == visits_before + 1
    # The person's page without notes is not for volunteers either (names, purchases…).
    with pytest.raises(AccessDeniedError) as refused:
        demo_app.people.person_page(t.assisted_person, include_assistance=False)
    assert "Bénévole" in refused.value.message
    with pytest.raises(AccessDeniedError) as refused:
        demo_app.assistance.follow_ups(t.site.id)
    assert "Médiation / France Services" in refused.value.message  # who may, named
    with pytest.raises(AccessDeniedError):
        demo_app.reports.compute(period_start=date(2025, 1, 1), period_end=TODAY)


def test_a_host_sees_a_person_page_without_the_assistance_records(
    demo_app: Comptoir, tmp_path: Path
) -> None:
    t = things(demo_app, tmp_path)
    sign_in(demo_app, Role.HOST)
    page = demo_app.people.person_page(t.assisted_person, include_assistance=False)
    assert page.assistance is None  # not even the fact that there are records
    with pytest.raises(AccessDeniedError):
        demo_app.people.person_page(t.assisted_person, include_assistance=True)
    sign_in(demo_app, Role.MEDIATOR)
    page = demo_app.people.person_page(t.assisted_person, include_assistance=True)
    assert page.assistance  # the mediator sees them


def test_nobody_signed_in_may_do_anything_guarded(demo_app: Comptoir, tmp_path: Path) -> None:
    t = things(demo_app, tmp_path)
    demo_app.access.sign_out()
    with pytest.raises(AccessDeniedError) as refused:
        demo_app.visits.count(site_id=t.site.id, service_id=t.service_id)
    assert "connectez-vous" in refused.value.message


def test_audit_lines_name_the_account_signed_in(demo_app: Comptoir, tmp_path: Path) -> None:
    t = things(demo_app, tmp_path)
    user = sign_in(demo_app, Role.COORDINATOR)
    demo_app.config.add_service(t.site.id, name="Repair café")
    PrivacyService(demo_app.uow).export_json(t.assisted_person, tmp_path / "p.json")
    with demo_app.uow() as uow:
        action, user_id = uow.session.exec(
            select(AuditEntry.action, AuditEntry.user_id)
            .order_by(col(AuditEntry.at).desc())
            .limit(1)
        ).one()
    assert action == "export" and user_id == user.id


def test_settings_changes_are_audited_with_their_author(demo_app: Comptoir, tmp_path: Path) -> None:
    t = things(demo_app, tmp_path)
    user = sign_in(demo_app, Role.COORDINATOR)
    closure = demo_app.config.add_closure(
        t.site.id, start_date=date(2026, 8, 10), end_date=date(2026, 8, 21), reason="Congés"
    )
    demo_app.config.set_opening_hours(t.site.id, 5, [])
    demo_app.config.delete_closure(closure.id)
    with demo_app.uow() as uow:
        lines = uow.session.exec(
            select(AuditEntry.entity, AuditEntry.action, AuditEntry.user_id)
            .where(col(AuditEntry.entity).in_(["closure", "opening_hours"]))
            .order_by(col(AuditEntry.at))
        ).all()
    assert [(e, a) for e, a, _u in lines] == [
        ("closure", "create"),
        ("opening_hours", "update"),
        ("closure", "delete"),
    ]
    assert {u for _e, _a, u in lines} == {user.id}
