"""Bookable resources, visiting practitioners, bookings and coworking passes.

Booking instants are timezone-aware UTC; the agenda shows them in the site's time zone.
A health slot is a booking linked to a permanence and never carries a medical reason
(GDPR art. 9): only that it is taken and by whom.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time

from sqlalchemy import CheckConstraint, Index
from sqlmodel import Field

from tiers_lieu.models.base import SiteRow, UTCDateTime


class Resource(SiteRow, table=True):
    __tablename__ = "resource"
    __table_args__ = (CheckConstraint("capacity >= 1", name="capacity_positive"),)

    name: str = Field(max_length=80)
    kind: str = Field(max_length=20)
    capacity: int = Field(default=1, ge=1)
    min_duration_min: int = Field(default=30, ge=0)
    max_duration_min: int | None = Field(default=None, ge=0)
    buffer_min: int = Field(default=0, ge=0)
    service_id: uuid.UUID | None = Field(default=None, foreign_key="service.id")
    active: bool = Field(default=True)
    # What an hour costs, in cents (None: not hired out); a booking keeps its own price.
    hourly_price_cents: int | None = Field(default=None, ge=0)


class Practitioner(SiteRow, table=True):
    """A visiting professional (nurse, social worker, physiotherapist…)."""

    __tablename__ = "practitioner"

    name: str = Field(max_length=120)
    profession: str = Field(max_length=80)
    specialty: str = Field(default="", max_length=80)
    organisation: str = Field(default="", max_length=120)
    phone: str = Field(default="", max_length=30)
    email: str = Field(default="", max_length=200)


class Permanence(SiteRow, table=True):
    """A practitioner's recurring presence, cut into bookable slots."""

    __tablename__ = "permanence"
    __table_args__ = (
        CheckConstraint("start_time < end_time", name="times_ordered"),
        CheckConstraint("slot_min > 0", name="slot_positive"),
    )

    practitioner_id: uuid.UUID = Field(foreign_key="practitioner.id", ondelete="CASCADE")
    resource_id: uuid.UUID = Field(foreign_key="resource.id")
    weekday: int
    start_time: time
    end_time: time
    slot_min: int = Field(default=20)
    interval_weeks: int = Field(default=1, ge=1)
    start_date: date
    end_date: date | None = None


class PermanenceCancellation(SiteRow, table=True):
    __tablename__ = "permanence_cancellation"

    permanence_id: uuid.UUID = Field(foreign_key="permanence.id", ondelete="CASCADE")
    on_date: date
    reason: str = Field(default="", max_length=200)


class BookingSeries(SiteRow, table=True):
    """The rule of a recurring booking (weekly, every N weeks, until a date or N times)."""

    __tablename__ = "booking_series"

    interval_weeks: int = Field(default=1, ge=1)
    until: date | None = None
    occurrences: int | None = None


class Booking(SiteRow, table=True):
    __tablename__ = "booking"
    __table_args__ = (
        CheckConstraint("start_at < end_at", name="times_ordered"),
        CheckConstraint("seats >= 1", name="seats_positive"),
        Index("ix_booking_resource_start", "resource_id", "start_at"),
        # The agenda's day or week for an account bound to its place: the place filter's
        # ``site_id IN (…)`` made SQLite walk the place's bookings through ix_booking_site_id
        # (10 × 10: 30 → 0.02 ms for the resources' bookings, 22 → 0.01 ms for the
        # permanences'; migration 0008).
        Index("ix_booking_resource_site_start", "resource_id", "site_id", "start_at"),
        Index("ix_booking_permanence_site_start", "permanence_id", "site_id", "start_at"),
    )

    resource_id: uuid.UUID = Field(foreign_key="resource.id")
    start_at: datetime = Field(sa_type=UTCDateTime)
    end_at: datetime = Field(sa_type=UTCDateTime)
    seats: int = Field(default=1)
    person_id: uuid.UUID | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    organisation: str = Field(default="", max_length=120)
    title: str = Field(default="", max_length=200)
    status: str = Field(default="confirmed", max_length=12)
    cancelled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    checked_in_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    permanence_id: uuid.UUID | None = Field(
        default=None, foreign_key="permanence.id", ondelete="SET NULL"
    )
    series_id: uuid.UUID | None = Field(
        default=None, foreign_key="booking_series.id", ondelete="SET NULL"
    )
    ical_uid: str | None = Field(default=None, max_length=255)
    source: str = Field(default="desk", max_length=16)
    created_by_id: uuid.UUID | None = Field(
        default=None, foreign_key="app_user.id", ondelete="SET NULL"
    )
    # Who is served (category kind "public": particulier, entreprise, association…).
    public_id: uuid.UUID | None = Field(default=None, foreign_key="category.id")
    # The price agreed, in cents, set when the booking is made from the resource's hourly
    # price × the duration (0: free; None: no price, e.g. a resource not hired out). Kept as
    # it was agreed: a later change of the hourly price leaves it alone.
    price_cents: int | None = Field(default=None, ge=0)


class PassType(SiteRow, table=True):
    """A coworking offer: day, half-day, 10-pass card, monthly subscription."""

    __tablename__ = "pass_type"

    name: str = Field(max_length=80)
    kind: str = Field(max_length=12)
    price_cents: int = Field(ge=0)
    units: int = Field(default=1, ge=1)
    validity_days: int | None = None
    active: bool = Field(default=True)


class CoworkingPass(SiteRow, table=True):
    """A pass bought by a person; its balance is ``units_total`` minus its uses."""

    __tablename__ = "coworking_pass"

    pass_type_id: uuid.UUID = Field(foreign_key="pass_type.id")
    person_id: uuid.UUID = Field(foreign_key="person.id", index=True)
    purchased_on: date
    valid_from: date
    valid_until: date | None = None
    units_total: int = Field(ge=1)
    price_cents: int = Field(ge=0)


class PassUse(SiteRow, table=True):
    __tablename__ = "pass_use"

    pass_id: uuid.UUID = Field(foreign_key="coworking_pass.id", index=True, ondelete="CASCADE")
    booking_id: uuid.UUID | None = Field(
        default=None, foreign_key="booking.id", ondelete="SET NULL"
    )
    used_on: date
    units: int = Field(default=1, ge=1)
