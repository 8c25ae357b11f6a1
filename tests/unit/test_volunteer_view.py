"""What a volunteer sees of people (issue 15, point 5): names to find someone and hand a
basket, no phone number or e-mail; and a commune typed at the desk is added only by someone
signed in, with an audit line."""

from __future__ import annotations

from pathlib import Path

import pytest
from rolesdemo import PASSWORD, TODAY, make_roles_demo
from sqlmodel import Session, col, func, select

from tiers_lieu.app import Comptoir
from tiers_lieu.models import AuditEntry, Commune, Person
from tiers_lieu.models.enums import Role
from tiers_lieu.services.access import AccessDeniedError
from tiers_lieu.services.readmodels import UserInfo
from tiers_lieu.services.tabular import normalise


@pytest.fixture(scope="module")
def demo_db(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_roles_demo(
        template_db, tmp_path_factory.mktemp("volunteer-demo") / "demo.sqlite", seed=7
    )


def sign_in(app: Comptoir, role: Role) -> UserInfo:
    user = app.accounts.authenticate(f"compte.{role.value}", PASSWORD)
    app.access.sign_in(user)
    return user


def test_a_volunteer_finds_people_by_name_without_their_contact_details(
    demo_app: Comptoir,
) -> None:
    site = demo_app.sites.list_sites()[0]
    sign_in(demo_app, Role.HOST)
    for_host = demo_app.people.search(site.id, "e", limit=500)
    assert sum(1 for p in for_host if p.phone) > 10  # the 80 phone numbers
    assert sum(1 for p in for_host if p.email) > 10

    sign_in(demo_app, Role.VOLUNTEER)
    found = demo_app.people.search(site.id, "e", limit=500)
    named = {p.id for p in for_host if "e" in normalise(p.display_name)}
    assert {p.id for p in found} == named  # found by name (not by an e-mail address)
    assert not any(p.phone or p.email for p in found)
    someone = next(p for p in for_host if p.phone)
    assert demo_app.people.get(someone.id).phone == ""
    # Typing a phone number does not tell a volunteer whose number it is.
    assert demo_app.people.search(site.id, someone.phone) == []
    sign_in(demo_app, Role.HOST)
    assert someone.id in {p.id for p in demo_app.people.search(site.id, someone.phone)}


def test_the_basket_sheet_of_a_volunteer_has_names_but_no_phone_numbers(
    demo_app: Comptoir,
) -> None:
    site = demo_app.sites.list_sites()[0]
    distribution = next(
        d
        for d in demo_app.amap.distributions.around(site_id=site.id, on=TODAY, before=20, after=0)
        if demo_app.amap.pickups.sheet(distribution_id=d.id).lines
    )
    full = demo_app.amap.pickups.sheet(distribution_id=distribution.id)
    assert any(line.phone for line in full.lines)
    sign_in(demo_app, Role.VOLUNTEER)
    sheet = demo_app.amap.pickups.sheet(distribution_id=distribution.id)
    assert [line.household for line in sheet.lines] == [line.household for line in full.lines]
    assert not any(line.phone for line in sheet.lines)


def commune_lines(app: Comptoir) -> list[tuple[str, object]]:
    with Session(app.engine) as session:  # as they are, whoever is signed in
        return list(
            session.exec(
                select(AuditEntry.action, AuditEntry.user_id).where(AuditEntry.entity == "commune")
            ).all()
        )


def communes(app: Comptoir) -> int:
    with Session(app.engine) as session:
        return int(session.exec(select(func.count()).select_from(Commune)).one())


def test_a_commune_typed_at_the_desk_needs_someone_signed_in_and_is_audited(
    demo_app: Comptoir,
) -> None:
    site = demo_app.sites.list_sites()[0]
    before, lines = communes(demo_app), commune_lines(demo_app)
    demo_app.access.sign_out()
    with pytest.raises(AccessDeniedError, match="connectez-vous"):
        demo_app.communes.find_or_add(site.id, "Saint-Alpinien-des-Combes")
    assert communes(demo_app) == before and commune_lines(demo_app) == lines

    volunteer = sign_in(demo_app, Role.VOLUNTEER)
    added = demo_app.communes.find_or_add(site.id, "Saint-Alpinien-des-Combes")
    assert communes(demo_app) == before + 1
    assert commune_lines(demo_app) == [*lines, ("create", volunteer.id)]
    # Found again (accents and case ignored): nothing written, no line.
    assert demo_app.communes.find_or_add(site.id, "saint-alpinien-des-combes") == added
    assert commune_lines(demo_app) == [*lines, ("create", volunteer.id)]


def test_people_rows_really_hold_contact_details(demo_app: Comptoir) -> None:
    """The demo the tests above rely on has phones and e-mails to hide."""
    with demo_app.uow() as uow:
        phones = uow.session.exec(
            select(func.count()).select_from(Person).where(col(Person.phone) != "")
        ).one()
    assert phones > 10
