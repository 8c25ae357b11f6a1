"""The author of a change is the account signed in, never a parameter (issue 15, point 3).

A volunteer who could pass ``user_id=<the administrator>`` to a service wrote audit lines in
the administrator's name. The services now take the author from the unit of work
(``uow.actor_id``): no public method of a service lets its caller name who acts.
"""

from __future__ import annotations

import inspect
import uuid
from datetime import date

import pytest
from serviceclasses import public_methods, qualified, service_classes, service_modules
from sqlmodel import col, select

from tiers_lieu.app import Comptoir
from tiers_lieu.models import AuditEntry, Visit
from tiers_lieu.models.enums import Role
from tiers_lieu.services.pending_visits import PendingVisit, save_pending
from tiers_lieu.services.readmodels import SiteInfo, UserInfo

PASSWORD = "correct horse battery"

#: Parameter names through which a caller could say who is acting.
ACTOR_NAMES = {
    "user_id",
    "user",
    "actor",
    "actor_id",
    "by",
    "by_user",
    "by_user_id",
    "author",
    "author_id",
    "created_by",
    "created_by_id",
    "done_by",
    "done_by_id",
    "performed_by",
    "signed_in",
}


def _account(app: Comptoir, role: Role) -> UserInfo:
    return app.accounts.create_user(
        username=f"compte.{role.value}",
        display_name=f"Compte {role.value}",
        password=PASSWORD,
        role=role,
    )


def _undo(app: Comptoir, visit_id: uuid.UUID, *, claimed: uuid.UUID) -> None:
    """Undo a visit claiming to be ``claimed``; a service that gives no way to say so is
    called without it (that is the point)."""
    try:
        app.visits.undo(visit_id, user_id=claimed)  # type: ignore[call-arg]
    except TypeError:
        app.visits.undo(visit_id)


def _count(
    app: Comptoir, site: SiteInfo, service_id: uuid.UUID, *, claimed: uuid.UUID
) -> tuple[uuid.UUID, uuid.UUID | None]:
    """The visit's id and who it says counted it."""
    try:
        info = app.visits.count(
            site_id=site.id,
            service_id=service_id,
            user_id=claimed,  # type: ignore[call-arg]
        )
    except TypeError:
        info = app.visits.count(site_id=site.id, service_id=service_id)
    with app.uow() as uow:
        visit = uow.session.get(Visit, info.id)
        assert visit is not None
        return visit.id, visit.created_by_id


def test_a_volunteer_cannot_write_an_audit_line_in_the_administrators_name(
    app: Comptoir, site: SiteInfo
) -> None:
    admin = _account(app, Role.ADMIN)
    _account(app, Role.VOLUNTEER)
    service = app.config.add_service(site.id, name="Accueil du matin")
    volunteer = app.accounts.authenticate(f"compte.{Role.VOLUNTEER.value}", PASSWORD)
    app.access.sign_in(volunteer)

    visit_id, counted_by = _count(app, site, service.id, claimed=admin.id)
    assert counted_by == volunteer.id, "the visit must say the volunteer counted it"
    _undo(app, visit_id, claimed=admin.id)

    with app.uow() as uow:
        line = uow.session.exec(
            select(AuditEntry).where(
                AuditEntry.entity == "visit", col(AuditEntry.entity_id) == visit_id
            )
        ).one()
        assert line.action == "delete"
        assert line.user_id == volunteer.id, "the audit line must name the volunteer who undid it"


def test_the_command_line_acts_as_the_system(app: Comptoir, site: SiteInfo) -> None:
    service = app.config.add_service(site.id, name="Accueil du matin")
    info = app.visits.count(site_id=site.id, service_id=service.id)
    app.visits.undo(info.id)
    with app.uow() as uow:
        line = uow.session.exec(
            select(AuditEntry).where(col(AuditEntry.entity_id) == info.id)
        ).one()
        assert line.user_id is None  # the system: no account
        assert uow.actor_id is None


def test_signing_in_is_recorded_for_the_account_that_signs_in(
    app: Comptoir, site: SiteInfo
) -> None:
    volunteer = _account(app, Role.VOLUNTEER)
    coordinator = _account(app, Role.COORDINATOR)
    app.access.sign_in(app.accounts.authenticate(f"compte.{Role.COORDINATOR.value}", PASSWORD))
    # The volunteer signs in at a desk where the coordinator was: the line is the volunteer's.
    app.accounts.authenticate(f"compte.{Role.VOLUNTEER.value}", PASSWORD)
    app.accounts.unlock(volunteer.id, PASSWORD)
    with app.uow() as uow:
        lines = uow.session.exec(
            select(AuditEntry.action, AuditEntry.user_id, AuditEntry.entity_id)
            .where(AuditEntry.entity == "app_user")
            .order_by(col(AuditEntry.at), col(AuditEntry.seq))
        ).all()
    assert ("login", coordinator.id, coordinator.id) in lines
    assert ("login", volunteer.id, volunteer.id) in lines
    assert ("switch", volunteer.id, volunteer.id) in lines


def test_a_kept_visit_is_saved_in_the_name_of_the_account_signed_in(
    app: Comptoir, site: SiteInfo
) -> None:
    """A visit kept while the server was away is saved by whoever is signed in when it comes
    back; a queue file written before (with a ``user_id``) still loads, that id unused."""
    admin = _account(app, Role.ADMIN)
    _account(app, Role.VOLUNTEER)
    service = app.config.add_service(site.id, name="Accueil du matin")
    kept = PendingVisit(
        site_id=site.id,
        service_id=service.id,
        service_name="Accueil du matin",
        activity_date=date(2026, 3, 2),
        activity_time=None,
    )
    old_file = {**kept.to_json(), "user_id": admin.id.hex}
    assert "user_id" not in kept.to_json()
    volunteer = app.accounts.authenticate(f"compte.{Role.VOLUNTEER.value}", PASSWORD)
    app.access.sign_in(volunteer)
    info = save_pending(app.visits, PendingVisit.from_json(old_file))
    with app.uow() as uow:
        visit = uow.session.get(Visit, info.id)
        assert visit is not None and visit.created_by_id == volunteer.id


@pytest.mark.parametrize("cls", service_classes(), ids=lambda c: c.__name__)
def test_no_service_method_lets_its_caller_name_who_acts(cls: type) -> None:
    found = [
        f"{qualified(cls, name)}({parameter})"
        for name, method in public_methods(cls)
        for parameter in inspect.signature(method).parameters
        if parameter in ACTOR_NAMES
    ]
    assert not found, (
        "the author of a change is the account signed in (uow.actor_id), never a parameter; "
        "an account that is the subject of the method is named account_id: " + ", ".join(found)
    )


#: Module functions whose actor-like parameter is not the author of a change, and why.
NOT_AN_ACTOR = {
    # Hashes a stored audit line, field by field: the line's own user_id, already decided.
    "audit_chain.line_hash",
    # Hashes a till journal line, field by field: its actor was taken from the unit of work.
    "till.chain.line_hash",
}


def test_no_service_function_lets_its_caller_name_who_acts() -> None:
    found = []
    for module in service_modules():
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ != module.__name__ or name.startswith("_"):
                continue
            where = f"{module.__name__.removeprefix('tiers_lieu.services.')}.{name}"
            if where in NOT_AN_ACTOR:
                continue
            found += [
                f"{where}({p})" for p in inspect.signature(function).parameters if p in ACTOR_NAMES
            ]
    assert not found, "the author of a change is uow.actor_id: " + ", ".join(found)


def test_the_scan_sees_the_services() -> None:
    names = {c.__name__ for c in service_classes()}
    assert {"VisitService", "AccountService", "PeopleService", "BookingService"} <= names
