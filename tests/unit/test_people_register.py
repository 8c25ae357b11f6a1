"""The register of people: duplicates found before creation, merge moving the history,
correction, consent with date and purpose, memberships with their payment, renewals due and
the person's page (assistance only when allowed)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import func, select

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import NotFoundError, ValidationError
from tiers_lieu.models import AssistanceRecord, Membership, Payment, Person, Sale, Visit
from tiers_lieu.models.enums import CategoryKind, PaymentMethod
from tiers_lieu.services.memberships import MembershipService, membership_end
from tiers_lieu.services.people import PersonInput
from tiers_lieu.services.readmodels import SiteInfo


def test_duplicates_by_name_phone_or_email(app: Comptoir, site: SiteInfo) -> None:
    first = app.people.create(
        site.id, PersonInput(first_name="Hélène", last_name="Lemaître", phone="06 11 22 33 44")
    )
    other = app.people.create(
        site.id, PersonInput(first_name="Paul", last_name="Vidal", email="P@x.fr")
    )
    find = app.people.find_duplicates
    assert [p.id for p in find(site_id=site.id, first_name="helene", last_name="LEMAITRE")] == [
        first.id
    ]
    assert [p.id for p in find(site_id=site.id, last_name="Autre", phone="+33 6 11 22 33 44")] == [
        first.id
    ]
    assert [p.id for p in find(site_id=site.id, last_name="Autre", email=" p@X.fr")] == [other.id]
    assert find(site_id=site.id, first_name="Hélène", last_name="Martin") == []


def test_merge_moves_every_reference_and_hides_the_duplicate(app: Comptoir, site: SiteInfo) -> None:
    keep = app.people.create(site.id, PersonInput(first_name="Marc", last_name="Tixier"))
    dup = app.people.create(
        site.id, PersonInput(first_name="Marc", last_name="Tixier", phone="0611223344")
    )
    service = app.config.list_services(site.id)[0]
    with app.uow() as uow:
        uow.session.add(
            Visit(
                site_id=site.id,
                service_id=service.id,
                activity_date=date(2026, 1, 5),
                person_id=dup.id,
            )
        )
        uow.session.add(
            Sale(
                site_id=site.id,
                sold_at=datetime(2026, 1, 5, tzinfo=UTC),
                total_cents=500,
                person_id=dup.id,
                solidarity=True,
            )
        )
        uow.session.add(
            Membership(
                site_id=site.id,
                person_id=dup.id,
                start_date=date(2026, 1, 1),
                end_date=date(2026, 12, 31),
            )
        )
        uow.commit()
    kept = app.people.merge(keep_id=keep.id, merge_id=dup.id)
    assert kept.phone == "0611223344"  # a blank field is filled from the duplicate
    with app.uow() as uow:
        for table in (Visit, Sale, Membership):
            owners = uow.session.exec(select(table.person_id)).all()  # type: ignore[attr-defined]
            assert owners == [keep.id]
    assert [p.id for p in app.people.search(site.id, "tixier")] == [keep.id]
    page = app.people.person_page(keep.id, include_assistance=False)
    assert [line.what for line in page.purchases] == ["Achat au prix solidaire"]
    with pytest.raises(NotFoundError):
        app.people.merge(keep_id=keep.id, merge_id=dup.id)


def test_update_and_consent_are_dated(app: Comptoir, site: SiteInfo) -> None:
    person = app.people.create(site.id, PersonInput(first_name="Zoé", last_name="Bard"))
    updated = app.people.update(
        person_id=person.id, first_name="Zoé", last_name="Bardet", email="zoe@example.org"
    )
    assert updated.last_name == "Bardet" and not updated.has_consent
    with pytest.raises(ValidationError) as error:
        app.people.update(person_id=person.id, first_name="", last_name="", email="x")
    assert error.value.field == "Nom"
    with pytest.raises(ValidationError):
        app.people.set_consent(person_id=person.id, given=True, purpose=" ")
    assert app.people.set_consent(person_id=person.id, given=True, purpose="AMAP").has_consent
    page = app.people.person_page(person.id, include_assistance=False)
    assert page.consent_scope == "AMAP" and page.consent_given_at is not None
    assert not app.people.set_consent(person_id=person.id, given=False).has_consent


def test_page_shows_assistance_only_when_allowed(app: Comptoir, site: SiteInfo) -> None:
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
    assert app.people.person_page(person.id, include_assistance=False).assistance is None
    shown = app.people.person_page(person.id, include_assistance=True).assistance
    assert shown is not None and [a.detail for a in shown] == ["Dossier retraite"]


def test_membership_with_payment_and_renewals_due(app: Comptoir, site: SiteInfo) -> None:
    memberships = MembershipService(app.uow)
    a = app.people.create(site.id, PersonInput(first_name="Anne", last_name="Aubert"))
    b = app.people.create(site.id, PersonInput(first_name="Bruno", last_name="Blanc"))
    c = app.people.create(site.id, PersonInput(first_name="Chloé", last_name="Colin"))
    memberships.add(
        person_id=a.id,
        start_date=date(2025, 3, 1),
        period="year",
        fee_cents=1000,
        method=PaymentMethod.CARD,
    )
    rolling = memberships.add(
        person_id=b.id, start_date=date(2025, 4, 10), period="rolling", fee_cents=0, method=None
    )
    memberships.add(
        person_id=c.id,
        start_date=date(2026, 1, 5),
        period="year",
        fee_cents=1000,
        method=PaymentMethod.CASH,
    )
    assert rolling.end_date == date(2026, 4, 9)
    assert membership_end(date(2024, 2, 29), "rolling") == date(2025, 2, 28)
    with app.uow() as uow:
        assert uow.session.exec(select(func.sum(Payment.amount_cents))).one() == 2000
        kinds = uow.session.get(Person, a.id)
        assert kinds is not None and "adherent" in kinds.kinds
    due = memberships.renewals_due(site_id=site.id, today=date(2026, 3, 20))
    assert [(d.display_name, d.end_date) for d in due] == [
        ("Anne Aubert", date(2025, 12, 31)),
        ("Bruno Blanc", date(2026, 4, 9)),
    ]
    assert memberships.of_person(a.id)[0].paid_cents == 1000
    with pytest.raises(ValidationError):
        memberships.add(
            person_id=a.id, start_date=date(2026, 1, 1), period="year", fee_cents=500, method=None
        )
