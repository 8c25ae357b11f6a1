"""Per-place scope in a multi-place database (issue 15, point 4): an account bound to one
place sees and changes that place only. Asking for another place by name is refused with a
French message naming it; a row of another place asked by its id is « not found »; listings
across places (the places, the audit log, the activity report) silently leave the others out.
An account with no place (the network) and the command line see every place."""

from __future__ import annotations

import inspect
import uuid
from datetime import date

import pytest
from serviceclasses import instantiate, public_methods, qualified, service_classes
from sqlmodel import col, func, select
from twosites import PASSWORD, PLACE_A, PLACE_B, TODAY

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import NotFoundError
from tiers_lieu.models import AssistanceRecord, AuditEntry, Person, Visit
from tiers_lieu.services.access import AccessDeniedError, SiteAccessDeniedError
from tiers_lieu.services.audit_log import AuditFilter
from tiers_lieu.services.readmodels import SiteInfo, UserInfo


def places(app: Comptoir) -> tuple[SiteInfo, SiteInfo]:
    by_name = {s.name: s for s in app.sites.list_sites()}
    return by_name[PLACE_A], by_name[PLACE_B]


def sign_in(app: Comptoir, username: str) -> UserInfo:
    user = app.accounts.authenticate(username, PASSWORD)
    app.access.sign_in(user)
    return user


def a_row_of(app: Comptoir, model: type, site: SiteInfo) -> uuid.UUID:
    with app.uow() as uow:
        found = uow.session.exec(
            select(model.id).where(model.site_id == site.id)  # type: ignore[attr-defined]
        ).first()
    assert found is not None
    return found


def assisted_person(app: Comptoir, site: SiteInfo) -> uuid.UUID:
    with app.uow() as uow:
        found = uow.session.exec(
            select(AssistanceRecord.person_id).where(
                AssistanceRecord.site_id == site.id, col(AssistanceRecord.person_id).isnot(None)
            )
        ).first()
    assert found is not None
    return found


def test_the_issue_case_a_mediator_of_one_place_reads_nothing_of_the_other(
    two: Comptoir,
) -> None:
    a, b = places(two)
    b_person = assisted_person(two, b)
    b_record = a_row_of(two, AssistanceRecord, b)
    # As the system, place B has its démarches and people (the issue's 176 and 120).
    assert two.assistance.page(b.id, start=date(2025, 1, 1), end=TODAY)
    assert two.people.search(b.id, "e", limit=500)

    sign_in(two, "a.mediator")
    with pytest.raises(SiteAccessDeniedError) as refused:
        two.assistance.page(b.id, start=date(2025, 1, 1), end=TODAY)
    message = refused.value.message
    assert message.startswith("Action refusée")
    assert f"« {PLACE_B} »" in message and f"« {PLACE_A} »" in message
    assert isinstance(refused.value, AccessDeniedError)  # the screens treat it as any refusal
    for attempt in (
        lambda: two.people.search(b.id, "e"),
        lambda: two.people.browse(b.id),
        lambda: two.assistance.follow_ups(b.id),
        lambda: two.assistance.coop_activities([b.id], start=date(2025, 1, 1), end=TODAY),
        lambda: two.visits.counts_for_day(b.id, TODAY),
        lambda: two.today.visits(b.id, TODAY),
    ):
        with pytest.raises(SiteAccessDeniedError):
            attempt()
    # Rows of B asked by their id are not there for this account.
    with pytest.raises(NotFoundError):
        two.people.get(b_person)
    with pytest.raises(NotFoundError):
        two.people.person_page(b_person, include_assistance=True)
    with pytest.raises(NotFoundError):
        two.assistance.close_follow_up(b_record, outcome_id=uuid.uuid4())
    # Its own place still works.
    assert two.assistance.page(a.id, start=date(2025, 1, 1), end=TODAY)
    assert two.people.search(a.id, "e")


def test_rows_of_another_place_cannot_be_changed_by_id(two: Comptoir) -> None:
    _a, b = places(two)
    b_visit = a_row_of(two, Visit, b)
    b_person = a_row_of(two, Person, b)
    b_service = two.config.list_services(b.id)[0]
    sign_in(two, "a.coordinator")
    with pytest.raises(NotFoundError):
        two.visit_log.get(b_visit)
    with pytest.raises(NotFoundError):
        two.config.update_service(b_service.id, name="Volé", active=False)
    with pytest.raises(NotFoundError):
        two.people.update(person_id=b_person, first_name="Volé", last_name="Volé")
    two.access.act_as_system()
    with two.uow() as uow:
        assert uow.session.get(Person, b_person).first_name != "Volé"  # type: ignore[union-attr]
    assert two.config.list_services(b.id)[0] == b_service


def methods_taking_a_site() -> list[tuple[type, str]]:
    found = []
    for cls in service_classes():
        for name, function in public_methods(cls):
            if "site_id" in inspect.signature(function).parameters:
                found.append((cls, name))
    return found


def test_there_are_many_methods_taking_a_site() -> None:
    assert len(methods_taking_a_site()) > 80  # the enumeration below really walks them


@pytest.mark.parametrize(
    "cls,name", methods_taking_a_site(), ids=[qualified(c, n) for c, n in methods_taking_a_site()]
)
def test_every_method_taking_a_site_refuses_another_place(
    two: Comptoir, cls: type, name: str
) -> None:
    """An administrator of place A (every permission) asks each method for place B: refused
    before anything is read or written, whatever the other arguments."""
    _a, b = places(two)
    service = instantiate(cls, two)
    sign_in(two, "a.admin")
    before = audit_lines(two)
    with pytest.raises(SiteAccessDeniedError, match=PLACE_B):
        getattr(service, name)(site_id=b.id)
    assert audit_lines(two) == before


def audit_lines(app: Comptoir) -> int:
    with app.uow() as uow:
        return int(uow.session.exec(select(func.count()).select_from(AuditEntry)).one())


def test_listings_across_places_leave_the_other_place_out(two: Comptoir) -> None:
    a, b = places(two)
    two.config.add_service(b.id, name="Repair café")  # one audit line of place B
    everything = two.audit_log.page(AuditFilter(), limit=100_000)
    system_report = two.reports.compute(
        period_start=date(2025, 1, 1), period_end=TODAY, site_ids=[a.id]
    )
    network_report = two.reports.compute(period_start=date(2025, 1, 1), period_end=TODAY)

    sign_in(two, "a.admin")
    assert [s.name for s in two.sites.list_sites()] == [PLACE_A]
    with pytest.raises(NotFoundError):
        two.sites.resolve(PLACE_B)
    own = two.audit_log.page(AuditFilter(), limit=100_000)
    assert 0 < len(own) < len(everything)
    with two.uow() as uow:
        sites_of_lines = set(
            uow.session.exec(
                select(AuditEntry.site_id).where(col(AuditEntry.id).in_([x.id for x in own]))
            )
        )
    assert sites_of_lines == {a.id}
    # The report of « every place » is place A's for this account.
    report = two.reports.compute(period_start=date(2025, 1, 1), period_end=TODAY)
    assert report.indicators == system_report.indicators
    assert report.indicators != network_report.indicators
    with pytest.raises(SiteAccessDeniedError):
        two.reports.compute(period_start=date(2025, 1, 1), period_end=TODAY, site_ids=[b.id])


def test_an_account_of_the_network_and_the_system_see_every_place(two: Comptoir) -> None:
    _a, b = places(two)
    sign_in(two, "reseau.admin")
    assert {s.name for s in two.sites.list_sites()} == {PLACE_A, PLACE_B}
    assert two.assistance.page(b.id, start=date(2025, 1, 1), end=TODAY)
    two.people.get(assisted_person(two, b))
    two.access.act_as_system()
    assert two.people.search(b.id, "e")
