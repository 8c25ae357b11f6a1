"""Registering a person from a desk form, and finding them again."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import ValidationError
from tiers_lieu.models import AuditEntry
from tiers_lieu.services.people import PersonInput
from tiers_lieu.services.readmodels import SiteInfo


def test_a_person_is_registered_with_consent_and_found(app: Comptoir, site: SiteInfo) -> None:
    person = app.people.create(
        site.id,
        PersonInput(
            first_name="Hélène", last_name="Lavaud", phone="0555", consent=True, kinds=["coworker"]
        ),
    )
    assert person.display_name == "Hélène Lavaud" and person.has_consent
    assert [p.id for p in app.people.search(site.id, "helene")] == [person.id]
    with app.uow() as uow:
        assert uow.session.exec(select(AuditEntry.entity)).all() == ["person"]


def test_a_person_needs_a_name_and_a_valid_email(app: Comptoir, site: SiteInfo) -> None:
    with pytest.raises(ValidationError, match="Nom"):
        app.people.create(site.id, PersonInput(first_name=" ", last_name=""))
    with pytest.raises(ValidationError, match="Courriel"):
        app.people.create(site.id, PersonInput(first_name="Paul", last_name="B", email="paul"))
    organisation = app.people.create(
        site.id, PersonInput(first_name="", last_name="", organisation="Mission locale")
    )
    assert organisation.display_name == "Mission locale" and not organisation.has_consent
