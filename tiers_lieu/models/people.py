"""People, memberships and local accounts.

A person holds the minimum DOMAIN.md allows: a name, optional contact, commune, year of birth
or band, the visitor categories, and what the GDPR needs to honour consent and retention
(``consent_*``, ``last_activity_on``, ``anonymized_at``). Accounts (``AppUser``) are the
people who use Comptoir, not the people it serves; passwords are argon2 hashes.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field

from tiers_lieu.models.base import Row, SiteRow, UTCDateTime


class Person(SiteRow, table=True):
    __tablename__ = "person"
    # People search and the register's list, alphabetical a page at a time (migration 0008;
    # first letter typed at 10 × 10: 3 → 0.3 ms, no sort of the place's people).
    __table_args__ = (Index("ix_person_site_name", "site_id", "last_name", "first_name", "id"),)

    first_name: str = Field(default="", max_length=80)
    last_name: str = Field(default="", max_length=80, index=True)
    organisation: str = Field(default="", max_length=120)
    phone: str = Field(default="", max_length=30)
    email: str = Field(default="", max_length=200)
    commune_id: uuid.UUID | None = Field(
        default=None, foreign_key="commune.id", ondelete="SET NULL"
    )
    birth_year: int | None = None
    age_band_id: uuid.UUID | None = Field(default=None, foreign_key="category.id")
    gender_id: uuid.UUID | None = Field(default=None, foreign_key="category.id")
    status_id: uuid.UUID | None = Field(default=None, foreign_key="category.id")
    # Comma-separated roles of the person at the place: usager, adherent, coworker, amap,
    # practitioner, volunteer.
    kinds: str = Field(default="", max_length=200)
    note: str = Field(default="", max_length=280)
    consent_given_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    consent_scope: str = Field(default="", max_length=200)
    consent_withdrawn_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_activity_on: date | None = Field(default=None, index=True)
    anonymized_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    merged_into_id: uuid.UUID | None = Field(default=None, foreign_key="person.id")
    # The last day the household is eligible for the solidarity price (the end of its
    # CCAS/CAF attestation, migration 0011); None: no end recorded.
    solidarity_until: date | None = None


class Membership(SiteRow, table=True):
    """A yearly (or other) membership of the association running the place."""

    __tablename__ = "membership"

    person_id: uuid.UUID = Field(foreign_key="person.id", index=True, ondelete="CASCADE")
    start_date: date
    end_date: date
    fee_cents: int = Field(default=0, ge=0)


class AppUser(Row, table=True):
    """A local account; ``site_id`` empty means every site of the database."""

    __tablename__ = "app_user"
    __table_args__ = (UniqueConstraint("username"),)

    username: str = Field(max_length=60)
    display_name: str = Field(max_length=120)
    password_hash: str = Field(max_length=200)
    pin_hash: str | None = Field(default=None, max_length=200)
    role: str = Field(max_length=20)
    active: bool = Field(default=True)
    site_id: uuid.UUID | None = Field(default=None, foreign_key="site.id", ondelete="CASCADE")
    person_id: uuid.UUID | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    last_login_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Sign-in throttle, kept across restarts: failed tries since the last success, the
    # instant until which the account is locked, and how many locks in a row (the delay
    # grows with each one).
    failed_attempts: int = Field(default=0)
    locked_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    lock_count: int = Field(default=0)


class AuditEntry(Row, table=True):
    """Who did what to which record, and when (corrections, deletions, exports, purges).

    Lines are chained per site (``site_id`` NULL is one more chain): ``seq`` counts the lines
    of a chain, ``prev_hash`` is the ``line_hash`` of the line before, and ``line_hash`` the
    SHA-256 of this line with ``prev_hash`` (``services/audit_chain.py``).
    """

    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entry_site_seq", "site_id", "seq"),)

    site_id: uuid.UUID | None = Field(default=None, foreign_key="site.id", ondelete="CASCADE")
    user_id: uuid.UUID | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    at: datetime = Field(sa_type=UTCDateTime, index=True)
    action: str = Field(max_length=20)
    entity: str = Field(max_length=40)
    entity_id: uuid.UUID | None = None
    details: str = Field(default="", max_length=2000)
    seq: int | None = Field(default=None)
    prev_hash: str = Field(default="", max_length=64)
    line_hash: str = Field(default="", max_length=64)
