"""Prices that follow eligibility: who gets the solidarity price on a given day, and which
households to review before their eligibility ends.

A household is eligible when its person carries the ``solidarity`` kind (referred by the CCAS,
the CAF, a social worker) and, if an end is recorded (``Person.solidarity_until``, the end of
its attestation), up to and including that day. The till and the AMAP ask :func:`eligible_on`
and :func:`ended_on`; the register lists :func:`to_review` a month ahead
(:data:`REVIEW_DAYS`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session, col, select

from tiers_lieu.models import Person

SOLIDARITY_KIND = "solidarity"
"""The person kind of a household eligible for the solidarity price (épicerie, AMAP)."""

REVIEW_DAYS = 30
"""How far ahead an eligibility about to end is listed « à revoir »."""

REVIEW_LIMIT = 500
"""At most this many households listed (the ones ending first): the list stays bounded."""


def has_solidarity_kind(person: Person | None) -> bool:
    return person is not None and SOLIDARITY_KIND in person.kinds.split(",")


def eligible_on(person: Person | None, day: date) -> bool:
    """Whether ``person`` gets the solidarity price on ``day`` (its end date included)."""
    if not has_solidarity_kind(person):
        return False
    assert person is not None
    return person.solidarity_until is None or day <= person.solidarity_until


def ended_on(person: Person | None, day: date) -> date | None:
    """The date the household's eligibility ended, when it has ended before ``day``."""
    if not has_solidarity_kind(person):
        return None
    assert person is not None
    until = person.solidarity_until
    return until if until is not None and until < day else None


@dataclass(frozen=True, slots=True)
class ReviewLine:
    """A household whose eligibility ends soon or has ended."""

    person_id: uuid.UUID
    name: str
    until: date
    phone: str
    """Empty when the person has not consented to their contact being kept."""

    def ended(self, today: date) -> bool:
        return self.until < today


def to_review(session: Session, site_id: uuid.UUID, today: date) -> list[ReviewLine]:
    """Households with the solidarity kind whose eligibility ends within :data:`REVIEW_DAYS`
    days or has ended, the soonest first (at most :data:`REVIEW_LIMIT`)."""
    rows = session.exec(
        select(Person)
        .where(
            Person.site_id == site_id,
            col(Person.anonymized_at).is_(None),
            col(Person.merged_into_id).is_(None),
            col(Person.solidarity_until).is_not(None),
            col(Person.solidarity_until) <= today + timedelta(days=REVIEW_DAYS),
            col(Person.kinds).contains(SOLIDARITY_KIND),
        )
        .order_by(col(Person.solidarity_until), col(Person.last_name), col(Person.first_name))
        .limit(REVIEW_LIMIT)
    ).all()
    lines = []
    for person in rows:
        if not has_solidarity_kind(person) or person.solidarity_until is None:
            continue  # « solidarity » inside another kind's name
        consent = person.consent_given_at is not None and person.consent_withdrawn_at is None
        name = " ".join(p for p in (person.first_name, person.last_name) if p)
        lines.append(
            ReviewLine(
                person_id=person.id,
                name=name or person.organisation,
                until=person.solidarity_until,
                phone=person.phone if consent else "",
            )
        )
    return lines
