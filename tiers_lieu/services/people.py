"""The register of people: look-ups from any form, creation, correction, duplicates, merge.

Type-ahead search is what every form needs (its statement and what a listed person looks like,
:class:`~tiers_lieu.services.people_search.PersonInfo`, are in ``people_search.py``); the
register adds what the GDPR and a tidy register need: duplicates are *detected* (same
normalised name, or same phone or e-mail) so the desk is warned before creating one, and merged
when they slip through. A merge moves every reference to the kept person in one transaction and
leaves the other row as a tombstone (``merged_into_id``), so history follows and nothing
dangles. What a person's page shows is built in :mod:`tiers_lieu.services.person_page`.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import Enum

from sqlalchemy import update
from sqlmodel import col, select

from tiers_lieu.db import UowFactory
from tiers_lieu.errors import NotFoundError, ValidationError
from tiers_lieu.i18n import _
from tiers_lieu.models import (
    AmapSubscription,
    AppUser,
    AssistanceRecord,
    Booking,
    CoworkingPass,
    EventAttendance,
    Job,
    Membership,
    Person,
    Sale,
    Visit,
    VolunteerTime,
    utcnow,
)
from tiers_lieu.models.enums import AuditAction
from tiers_lieu.services import audit
from tiers_lieu.services.access import Permission, access_of, requires
from tiers_lieu.services.eligibility import ReviewLine, to_review
from tiers_lieu.services.people_search import PersonInfo, person_info, read_page
from tiers_lieu.services.person_page import PersonPage, build_page
from tiers_lieu.services.sites import site_now
from tiers_lieu.services.tabular import normalise


@dataclass(frozen=True, slots=True, kw_only=True)
class PersonInput:
    """A person registered from a desk form (a booking, a household): the minimum only.
    ``kinds`` are the person's roles (« member », « solidarity »…); ``solidarity_until`` the
    last day the household is eligible for the solidarity price (None: no end recorded)."""

    first_name: str
    last_name: str
    organisation: str = ""
    phone: str = ""
    email: str = ""
    commune_id: uuid.UUID | None = None
    kinds: Sequence[str] = ()
    consent: bool = False
    solidarity_until: date | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class PersonDetails:
    """What the edit form of a person shows: the listed fields, the person's roles and the
    last day of their solidarity price (None: no end recorded)."""

    info: PersonInfo
    kinds: tuple[str, ...]
    solidarity_until: date | None


class _Keep(Enum):
    KEEP = "keep"


KEEP = _Keep.KEEP
"""Given to :meth:`PeopleService.update` for a field it must leave as it is."""


class PeopleService:
    def __init__(self, uow: UowFactory) -> None:
        self._uow = uow

    def _shown(self, info: PersonInfo) -> PersonInfo:
        if access_of(self).allows(Permission.PEOPLE_EDIT):
            return info
        return replace(info, phone="", email="")

    @requires(Permission.PEOPLE_SEARCH)
    def get(self, person_id: uuid.UUID) -> PersonInfo:
        with self._uow() as uow:
            person = uow.session.get(Person, person_id)
            if person is None or person.anonymized_at is not None:
                raise NotFoundError(_("Cette personne n'existe plus."))
            return self._shown(person_info(person))

    @requires(Permission.PEOPLE_EDIT)
    def details(self, person_id: uuid.UUID) -> PersonDetails:
        """The person as the edit form shows them (before :meth:`update`)."""
        with self._uow(read_only=True) as uow:
            person = _live(uow.session.get(Person, person_id))
            return PersonDetails(
                info=person_info(person),
                kinds=tuple(k for k in person.kinds.split(",") if k),
                solidarity_until=person.solidarity_until,
            )

    @requires(Permission.PEOPLE_EDIT)
    def create(self, site_id: uuid.UUID, data: PersonInput) -> PersonInfo:
        """Register a person from a desk form (a booking, a household): the minimum only."""
        first, last, org = _checked(
            data.first_name, data.last_name, data.organisation, data.phone, data.email
        )
        consent = data.consent
        with self._uow() as uow:
            _check_until(data.solidarity_until, None, site_now(uow, site_id).date())
            person = Person(
                site_id=site_id,
                first_name=first,
                last_name=last,
                organisation=org,
                phone=data.phone.strip(),
                email=data.email.strip(),
                commune_id=data.commune_id,
                kinds=",".join(sorted(set(data.kinds))),
                consent_given_at=utcnow() if consent else None,
                consent_scope=_("accueil et services du lieu") if consent else "",
                solidarity_until=data.solidarity_until,
            )
            uow.session.add(person)
            audit.record(
                uow,
                action=AuditAction.CREATE,
                entity="person",
                entity_id=person.id,
                site_id=site_id,
            )
            uow.commit()
            return person_info(person)

    @requires(Permission.PEOPLE_EDIT)
    def browse(
        self, site_id: uuid.UUID, text: str = "", *, offset: int = 0, limit: int = 100
    ) -> list[PersonInfo]:
        """One page of the register, alphabetical; filtered like :meth:`search` when
        ``text`` is given (the register lists lazily, page after page)."""
        return self._find(site_id, text, offset=offset, limit=limit, everyone=not text.strip())

    @requires(Permission.PEOPLE_SEARCH)
    def search(self, site_id: uuid.UUID, text: str, *, limit: int = 20) -> list[PersonInfo]:
        """People whose name, phone or email contains every word typed (accents and case
        ignored), alphabetical.

        A role that may not edit people (the volunteer at the desk) finds them by name only
        and gets no contact details: a name is enough to hand a basket or count a visit."""
        return self._find(site_id, text, offset=0, limit=limit, everyone=False)

    def _find(
        self, site_id: uuid.UUID, text: str, *, offset: int, limit: int, everyone: bool
    ) -> list[PersonInfo]:
        """The words typed (accents, case and separators dropped) and what the role may see;
        :func:`~tiers_lieu.services.people_search.read_page` matches them in the database."""
        words = [w for w in normalise(text).split("_") if w]
        if not (words or everyone):
            return []
        contacts = access_of(self).allows(Permission.PEOPLE_EDIT)
        # A read: never waits for another desk's write, never holds one back.
        with self._uow(read_only=True) as uow:
            return read_page(
                uow.session, site_id, words, offset=offset, limit=limit, contacts=contacts
            )

    @requires(Permission.PEOPLE_EDIT)
    def person_page(self, person_id: uuid.UUID, *, include_assistance: bool) -> PersonPage:
        """Everything the person's page shows; assistance records only for the roles that may
        read them (asking for them without that right is refused, not silently emptied)."""
        if include_assistance:
            access_of(self).require(Permission.ASSISTANCE)
        with self._uow() as uow:
            page = build_page(uow.session, person_id, include_assistance=include_assistance)
            if page.assistance:  # the person's assistance notes are shown: audited
                person = uow.session.get(Person, person_id)
                audit.record(
                    uow,
                    action=AuditAction.READ,
                    entity="assistance_record",
                    entity_id=person_id,
                    site_id=None if person is None else person.site_id,
                    details={"records": len(page.assistance)},
                )
                uow.commit()
            return page

    @requires(Permission.PEOPLE_EDIT)
    def update(
        self,
        *,
        person_id: uuid.UUID,
        first_name: str,
        last_name: str,
        organisation: str = "",
        phone: str = "",
        email: str = "",
        commune_id: uuid.UUID | None = None,
        kinds: list[str] | None = None,
        solidarity_until: date | _Keep | None = KEEP,
    ) -> PersonInfo:
        """Correct a person's identity and contact (the right to rectification); ``kinds``
        None and ``solidarity_until`` :data:`KEEP` leave those as they are."""
        first, last, org = _checked(first_name, last_name, organisation, phone, email)
        with self._uow() as uow:
            person = _live(uow.session.get(Person, person_id))
            if not isinstance(solidarity_until, _Keep):
                today = site_now(uow, person.site_id).date()
                _check_until(solidarity_until, person.solidarity_until, today)
                person.solidarity_until = solidarity_until
            person.first_name, person.last_name, person.organisation = first, last, org
            person.phone, person.email = phone.strip(), email.strip()
            person.commune_id = commune_id
            if kinds is not None:
                person.kinds = ",".join(sorted(set(kinds)))
            audit.record(
                uow,
                action=AuditAction.UPDATE,
                entity="person",
                entity_id=person.id,
                site_id=person.site_id,
            )
            uow.commit()
            return person_info(person)

    @requires(Permission.PEOPLE_EDIT)
    def solidarity_to_review(self, site_id: uuid.UUID) -> list[ReviewLine]:
        """« À revoir »: the households with the solidarity kind whose eligibility ends within
        a month or has ended, the soonest first; phone only if they consented."""
        with self._uow(read_only=True) as uow:
            return to_review(uow.session, site_id, site_now(uow, site_id).date())

    @requires(Permission.PEOPLE_EDIT)
    def set_consent(
        self,
        *,
        person_id: uuid.UUID,
        given: bool,
        purpose: str = "",
    ) -> PersonInfo:
        """Record consent (with its date and purpose) or its withdrawal (dated too)."""
        if given and not purpose.strip():
            raise ValidationError(_("Finalité"), _("indiquez pour quoi la personne consent"))
        with self._uow() as uow:
            person = _live(uow.session.get(Person, person_id))
            if given:
                person.consent_given_at = utcnow()
                person.consent_scope = purpose.strip()[:200]
                person.consent_withdrawn_at = None
            else:
                person.consent_withdrawn_at = utcnow()
            audit.record(
                uow,
                action=AuditAction.UPDATE,
                entity="consent",
                entity_id=person.id,
                site_id=person.site_id,
                details={"given": given},
            )
            uow.commit()
            return person_info(person)

    @requires(Permission.PEOPLE_EDIT)
    def find_duplicates(
        self,
        *,
        site_id: uuid.UUID,
        first_name: str = "",
        last_name: str = "",
        phone: str = "",
        email: str = "",
        exclude_id: uuid.UUID | None = None,
    ) -> list[PersonInfo]:
        """People who may be the one about to be created: same name (accents, case and
        spacing ignored), same phone (digits only) or same e-mail (case ignored)."""
        name = normalise(f"{first_name} {last_name}")
        digits = _digits(phone)
        mail = email.strip().casefold()
        if not (name or len(digits) >= 6 or mail):
            return []
        with self._uow() as uow:
            query = select(Person).where(
                Person.site_id == site_id,
                col(Person.anonymized_at).is_(None),
                col(Person.merged_into_id).is_(None),
            )
            found = []
            for row in uow.session.exec(query).all():
                if row.id == exclude_id:
                    continue
                same_name = bool(name) and normalise(f"{row.first_name} {row.last_name}") == name
                same_phone = len(digits) >= 6 and _digits(row.phone) == digits
                same_mail = bool(mail) and row.email.strip().casefold() == mail
                if same_name or same_phone or same_mail:
                    found.append(person_info(row))
            return found

    @requires(Permission.PEOPLE_EDIT)
    def merge(self, *, keep_id: uuid.UUID, merge_id: uuid.UUID) -> PersonInfo:
        """Move every reference of ``merge_id`` to ``keep_id``; the merged row stays as a
        tombstone pointing at the kept one. All in one transaction."""
        if keep_id == merge_id:
            raise ValidationError(_("Personne"), _("choisissez deux personnes différentes"))
        with self._uow() as uow:
            keep = _live(uow.session.get(Person, keep_id))
            gone = _live(uow.session.get(Person, merge_id))
            if keep.site_id != gone.site_id:
                raise ValidationError(
                    _("Personne"), _("les deux personnes sont de lieux différents")
                )
            for table in _PERSON_REFERENCES:
                uow.session.execute(
                    update(table)
                    .where(col(table.person_id) == merge_id)  # type: ignore[attr-defined]
                    .values(person_id=keep_id)
                )
            uow.session.execute(
                update(Person)
                .where(col(Person.merged_into_id) == merge_id)
                .values(merged_into_id=keep_id)
            )
            for field in ("first_name", "last_name", "organisation", "phone", "email", "note"):
                if not getattr(keep, field) and getattr(gone, field):
                    setattr(keep, field, getattr(gone, field))
            for field in ("commune_id", "birth_year", "age_band_id", "gender_id", "status_id"):
                if getattr(keep, field) is None:
                    setattr(keep, field, getattr(gone, field))
            kinds = {k for k in (keep.kinds + "," + gone.kinds).split(",") if k}
            keep.kinds = ",".join(sorted(kinds))
            days = [d for d in (keep.last_activity_on, gone.last_activity_on) if d]
            keep.last_activity_on = max(days) if days else None
            if keep.consent_given_at is None and gone.consent_given_at is not None:
                keep.consent_given_at, keep.consent_scope = (
                    gone.consent_given_at,
                    gone.consent_scope,
                )
            gone.merged_into_id = keep.id
            audit.record(
                uow,
                action=AuditAction.UPDATE,
                entity="person_merge",
                entity_id=keep.id,
                site_id=keep.site_id,
                details={"merged": str(gone.id)},
            )
            uow.commit()
            return person_info(keep)


_PERSON_REFERENCES: tuple[type, ...] = (
    Visit,
    EventAttendance,
    AssistanceRecord,
    Booking,
    CoworkingPass,
    AmapSubscription,
    Sale,
    Membership,
    Job,
    VolunteerTime,
    AppUser,
)
"""Every table pointing at a person: a merge moves them all, an erasure keeps them all."""


def _live(person: Person | None) -> Person:
    if person is None or person.anonymized_at is not None or person.merged_into_id is not None:
        raise NotFoundError(_("Cette personne n'existe plus."))
    return person


def _digits(phone: str) -> str:
    digits = "".join(c for c in phone if c.isdigit())
    return "0" + digits[2:] if digits.startswith("33") and len(digits) == 11 else digits


def _check_until(until: date | None, before: date | None, today: date) -> None:
    """A new end of eligibility cannot be in the past (one already recorded may stay)."""
    if until is not None and until != before and until < today:
        raise ValidationError(
            _("Solidaire jusqu'au"), _("la date ne peut pas être avant aujourd'hui")
        )


def _checked(
    first_name: str, last_name: str, organisation: str, phone: str, email: str
) -> tuple[str, str, str]:
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
    return first, last, org
