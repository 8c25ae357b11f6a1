"""The register of people: look-ups from any form, creation, correction, duplicates, merge.

Type-ahead search is what every form needs; the register adds what the GDPR and a tidy
register need: duplicates are *detected* (same normalised name, or same phone or e-mail) so
the desk is warned before creating one, and merged when they slip through. A merge moves every
reference to the kept person in one transaction and leaves the other row as a tombstone
(``merged_into_id``), so history follows and nothing dangles. What a person's page shows is
built in :mod:`tiers_lieu.services.person_page`.
"""

from __future__ import annotations

import unicodedata
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, String, and_, bindparam, func, literal_column, update
from sqlalchemy import select as sa_select
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
from tiers_lieu.services.person_page import PersonPage, build_page
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


@dataclass(frozen=True, slots=True, kw_only=True)
class PersonInput:
    """A person registered from a desk form (a booking, a household): the minimum only.
    ``kinds`` are the person's roles (« member », « solidarity »…)."""

    first_name: str
    last_name: str
    organisation: str = ""
    phone: str = ""
    email: str = ""
    commune_id: uuid.UUID | None = None
    kinds: Sequence[str] = ()
    consent: bool = False


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
    def create(self, site_id: uuid.UUID, data: PersonInput) -> PersonInfo:
        """Register a person from a desk form (a booking, a household): the minimum only."""
        first, last, org = _checked(
            data.first_name, data.last_name, data.organisation, data.phone, data.email
        )
        consent = data.consent
        with self._uow() as uow:
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
        """The matching is done by the database, one page at a time (issue 17: reading the
        whole register at each letter cost 70–110 ms on the large demo)."""
        words = [w for w in normalise(text).split("_") if w]
        if not (words or everyone):
            return []
        contacts = access_of(self).allows(Permission.PEOPLE_EDIT)
        values: dict[str, Any] = {"site_id": site_id, "offset": offset, "limit": limit}
        values.update({f"word{n}": word for n, word in enumerate(words)})
        # A read: never waits for another desk's write, never holds one back.
        with self._uow(read_only=True) as uow:
            dialect = uow.session.get_bind().dialect.name
            if words and dialect == "sqlite":
                driver = uow.session.connection().connection.driver_connection
                # Registered on the connection at hand (a few µs): pooled connections change.
                driver.create_function(FOLD_FUNCTION, 1, fold, deterministic=True)  # type: ignore[union-attr]
            query = _search_query(dialect, contacts, len(words))
            rows = uow.session.execute(query, values).all()
        return [_listed_info(row, contacts) for row in rows]

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
    ) -> PersonInfo:
        """Correct a person's identity and contact (the right to rectification)."""
        first, last, org = _checked(first_name, last_name, organisation, phone, email)
        with self._uow() as uow:
            person = _live(uow.session.get(Person, person_id))
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


_LISTED = (
    col(Person.id),
    col(Person.first_name),
    col(Person.last_name),
    col(Person.organisation),
    col(Person.phone),
    col(Person.email),
    col(Person.commune_id),
    and_(
        col(Person.consent_given_at).is_not(None), col(Person.consent_withdrawn_at).is_(None)
    ).label("has_consent"),
)
"""What a list of people shows: columns, not ``Person`` objects (a page is read at each
search)."""


@lru_cache(maxsize=64)
def _search_query(dialect: str, contacts: bool, words: int) -> Any:
    """The search's statement for ``words`` words (bound as ``word0``…), built once: its
    parameters are ``site_id``, the words, ``offset`` and ``limit``."""
    query = sa_select(*_LISTED).where(
        col(Person.site_id) == bindparam("site_id"),
        col(Person.anonymized_at).is_(None),
        col(Person.merged_into_id).is_(None),
    )
    if words:
        searched = [Person.first_name, Person.last_name, Person.organisation]
        if contacts:
            searched += [Person.phone, Person.email]
        query = query.where(*_contains_words(dialect, searched, words))
    return (
        query.order_by(col(Person.last_name), col(Person.first_name), col(Person.id))
        .offset(bindparam("offset"))
        .limit(bindparam("limit"))
    )


def _listed_info(row: Any, contacts: bool) -> PersonInfo:
    person_id, first, last, organisation, phone, email, commune_id, consent = row
    return PersonInfo(
        id=person_id,
        first_name=first,
        last_name=last,
        organisation=organisation,
        phone=phone if contacts else "",
        email=email if contacts else "",
        commune_id=commune_id,
        has_consent=bool(consent),
    )


class _Folds(dict[int, str]):
    """Each character's fold (case folded, compatibility-decomposed, accents dropped),
    worked out the first time it is met; at most ``LIMIT`` remembered."""

    LIMIT = 20_000

    def __missing__(self, code: int) -> str:
        decomposed = unicodedata.normalize("NFKD", chr(code).casefold())
        bare = "".join(c for c in decomposed if not unicodedata.combining(c))
        if len(self) < self.LIMIT:
            self[code] = bare
        return bare


_FOLDS = _Folds({code: chr(code).lower() for code in range(128)})


def fold(text: str) -> str:
    """``text`` as the search compares it: case and accents dropped, character by character.

    A word typed (a piece of :func:`~tiers_lieu.services.tabular.normalise`, which never holds
    a space, a dash or an underscore) is in ``fold(text)`` exactly when it is in
    ``normalise(text)``: both fold every character the same way and differ only in the
    separators. Character by character, so that the database can call it on every row of a
    place in a few milliseconds (``normalise`` cost 18 µs a row)."""
    if text.isascii():
        return text.lower()
    return text.translate(_FOLDS)


FOLD_FUNCTION = "comptoir_fold"
"""The name :func:`fold` is given inside SQLite, for the search's ``WHERE``."""

_COMBINING_MARKS = "[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"


def _contains_words(dialect: str, columns: list[Any], words: int) -> list[ColumnElement[bool]]:
    """One condition per word (``word0``…): the fields, joined by spaces and folded, hold it."""
    text: Any = columns[0]
    for column in columns[1:]:
        text = text + " " + column
    typed = [bindparam(f"word{n}", type_=String()) for n in range(words)]
    if dialect == "sqlite":  # the connection has :func:`fold` as FOLD_FUNCTION
        folded = getattr(func, FOLD_FUNCTION)(text)
        return [func.instr(folded, word) > 0 for word in typed]
    # PostgreSQL: the same fold in SQL (decomposed, marks dropped, lower case, and the two
    # letters Python's casefold changes beyond lower case: ß → ss, final ς → σ). Letters
    # outside the Latin, Greek and Cyrillic alphabets may fold differently there.
    bare = func.regexp_replace(
        func.normalize(text, literal_column("NFKD")), _COMBINING_MARKS, "", "g"
    )
    folded = func.translate(func.replace(func.lower(bare), "ß", "ss"), "ς", "σ")
    return [func.strpos(folded, word) > 0 for word in typed]


def _live(person: Person | None) -> Person:
    if person is None or person.anonymized_at is not None or person.merged_into_id is not None:
        raise NotFoundError(_("Cette personne n'existe plus."))
    return person


def _digits(phone: str) -> str:
    digits = "".join(c for c in phone if c.isdigit())
    return "0" + digits[2:] if digits.startswith("33") and len(digits) == 11 else digits


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
