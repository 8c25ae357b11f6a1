"""Finding a known person from anywhere a person is chosen (type-ahead by name, phone, email).

The register of people itself (creation, duplicates, GDPR rights) grows in its own issue;
this module holds the look-ups every form needs.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlmodel import col, select

from tiers_lieu.db import UowFactory
from tiers_lieu.errors import NotFoundError, ValidationError
from tiers_lieu.i18n import _
from tiers_lieu.models import Person, utcnow
from tiers_lieu.models.enums import AuditAction
from tiers_lieu.services import audit
from tiers_lieu.services.tabular import normalise


@dataclass(frozen=True)
class PersonInfo:
    id: uuid.UUID
    first_name: str
    last_name: str
    organisation: str
    phone: str
    email: str
    commune_id: uuid.UUID | None
    has_consent: bool

    @property
    def display_name(self) -> str:
        name = " ".join(p for p in (self.first_name, self.last_name) if p)
        return name or self.organisation


def person_info(p: Person) -> PersonInfo:
    consent = p.consent_given_at is not None and p.consent_withdrawn_at is None
    return PersonInfo(
        id=p.id,
        first_name=p.first_name,
        last_name=p.last_name,
        organisation=p.organisation,
        phone=p.phone,
        email=p.email,
        commune_id=p.commune_id,
        has_consent=consent,
    )


class PeopleService:
    def __init__(self, uow: UowFactory) -> None:
        self._uow = uow

    def get(self, person_id: uuid.UUID) -> PersonInfo:
        with self._uow() as uow:
            person = uow.session.get(Person, person_id)
            if person is None or person.anonymized_at is not None:
                raise NotFoundError(_("Cette personne n'existe plus."))
            return person_info(person)

    def create(
        self,
        *,
        site_id: uuid.UUID,
        first_name: str,
        last_name: str,
        organisation: str = "",
        phone: str = "",
        email: str = "",
        commune_id: uuid.UUID | None = None,
        kinds: list[str] | None = None,
        consent: bool = False,
        user_id: uuid.UUID | None = None,
    ) -> PersonInfo:
        """Register a person from a desk form (a booking, a household): the minimum only."""
        first, last, org = first_name.strip(), last_name.strip(), organisation.strip()
        if not (first or last or org):
            raise ValidationError(_("Nom"), _("indiquez au moins un nom ou une organisation"))
        for field, value, limit in (
            (_("Prénom"), first, 80),
            (_("Nom"), last, 80),
            (_("Organisation"), org, 120),
            (_("Téléphone"), phone.strip(), 30),
            (_("Courriel"), email.strip(), 200),
        ):
            if len(value) > limit:
                raise ValidationError(field, _("{n} caractères au plus").format(n=limit))
        if email.strip() and "@" not in email:
            raise ValidationError(_("Courriel"), _("adresse invalide"))
        with self._uow() as uow:
            person = Person(
                site_id=site_id,
                first_name=first,
                last_name=last,
                organisation=org,
                phone=phone.strip(),
                email=email.strip(),
                commune_id=commune_id,
                kinds=",".join(sorted(set(kinds or []))),
                consent_given_at=utcnow() if consent else None,
                consent_scope=_("accueil et services du lieu") if consent else "",
            )
            uow.session.add(person)
            audit.record(
                uow,
                action=AuditAction.CREATE,
                entity="person",
                entity_id=person.id,
                site_id=site_id,
                user_id=user_id,
            )
            uow.commit()
            return person_info(person)

    def search(self, site_id: uuid.UUID, text: str, *, limit: int = 20) -> list[PersonInfo]:
        """People whose name, phone or email contains every word typed (accents ignored)."""
        words = [w for w in normalise(text).split("_") if w]
        if not words:
            return []
        # Accents cannot be ignored in SQLite's LIKE, so the match is done in Python; a
        # site's register holds hundreds to a few thousand people, read in milliseconds.
        with self._uow() as uow:
            rows = uow.session.exec(
                select(Person)
                .where(
                    Person.site_id == site_id,
                    col(Person.anonymized_at).is_(None),
                    col(Person.merged_into_id).is_(None),
                )
                .order_by(col(Person.last_name), col(Person.first_name))
            ).all()
            found: list[PersonInfo] = []
            for row in rows:
                haystack = normalise(
                    " ".join(
                        (row.first_name, row.last_name, row.organisation, row.phone, row.email)
                    )
                ).replace("_", " ")
                if all(word in haystack for word in words):
                    found.append(person_info(row))
                    if len(found) >= limit:
                        break
            return found
