"""The whole multiservice place (issue 22, migration 0013): the parcel relay, home delivery,
the café's open tabs, the volunteers' rota, reminder calls and the desk's satisfaction key.

The public writer reuses ``assistance_record`` (two dates added: the letter sent, the answer
expected) and its follow-ups; the programme reuses ``event`` (``booking_id``: the room blocked
in the agenda) and ``event_attendance`` (``waiting``: on the waiting list).

No identity document number, no letter content, no medical detail is ever stored: a parcel
keeps « identité vérifiée » as a yes/no, a delivery « ordonnance à retirer » as a yes/no.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time

from sqlalchemy import CheckConstraint, Index
from sqlmodel import Field

from tiers_lieu.models.base import SiteRow, UTCDateTime


class Parcel(SiteRow, table=True):
    """A parcel or registered letter left at the relay for someone."""

    __tablename__ = "parcel"
    __table_args__ = (Index("ix_parcel_site_arrived", "site_id", "arrived_at"),)

    carrier: str = Field(max_length=40)
    tracking: str = Field(default="", max_length=60)
    person_id: uuid.UUID | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    recipient: str = Field(max_length=120)
    """The name on the parcel (typed, or the registered person's name when picked)."""
    arrived_at: datetime = Field(sa_type=UTCDateTime)
    keep_until: date
    """The carrier's delay: past it, the parcel goes back (listed each morning)."""
    notified_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    handed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    identity_checked: bool = Field(default=False)
    returned_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class DeliveryRound(SiteRow, table=True):
    """One day's home-delivery round (portage), with who drives it."""

    __tablename__ = "delivery_round"
    __table_args__ = (Index("ix_delivery_round_site_day", "site_id", "day"),)

    day: date
    label: str = Field(default="", max_length=80)
    driver: str = Field(default="", max_length=120)


class DeliveryOrder(SiteRow, table=True):
    """An order taken (often by phone) for a person, delivered on a round."""

    __tablename__ = "delivery_order"
    __table_args__ = (
        Index("ix_delivery_order_site_date", "site_id", "for_date"),
        Index("ix_delivery_order_round", "round_id", "position"),  # a round's stops in order
    )

    person_id: uuid.UUID | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    recipient: str = Field(max_length=120)
    address: str = Field(default="", max_length=250)
    for_date: date
    round_id: uuid.UUID | None = Field(
        default=None, foreign_key="delivery_round.id", ondelete="SET NULL"
    )
    position: int = 0
    items: str = Field(default="", max_length=300)
    """Grocery products and quantities, as the round sheet prints them."""
    amap_basket: bool = Field(default=False)
    prescription: bool = Field(default=False)
    """A prescription to pick up at the pharmacy: yes/no only, never what it is for."""
    status: str = Field(default="planned", max_length=10)  # planned, delivered, absent
    done_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class CafeTab(SiteRow, table=True):
    """An open tab at the café (a table or a person); settled as one numbered ticket."""

    __tablename__ = "cafe_tab"
    __table_args__ = (Index("ix_cafe_tab_site_closed", "site_id", "closed_at"),)

    label: str = Field(max_length=60)
    person_id: uuid.UUID | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    opened_at: datetime = Field(sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    sale_id: uuid.UUID | None = Field(default=None, foreign_key="sale.id")


class CafeTabLine(SiteRow, table=True):
    __tablename__ = "cafe_tab_line"

    tab_id: uuid.UUID = Field(foreign_key="cafe_tab.id", index=True, ondelete="CASCADE")
    product_id: uuid.UUID = Field(foreign_key="product.id")
    quantity_milli: int
    added_at: datetime = Field(sa_type=UTCDateTime)


class RotaShift(SiteRow, table=True):
    """Who holds the desk, the AMAP distribution or the café, when; no one yet = a gap."""

    __tablename__ = "rota_shift"
    __table_args__ = (
        CheckConstraint("starts_at < ends_at", name="starts_before_ends"),
        Index("ix_rota_shift_site_date", "site_id", "on_date"),
    )

    on_date: date
    starts_at: time
    ends_at: time
    role: str = Field(max_length=12)  # accueil, amap, cafe
    person_id: uuid.UUID | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    status: str = Field(default="planned", max_length=10)  # planned, done, absent
    volunteer_time_id: uuid.UUID | None = Field(
        default=None, foreign_key="volunteer_time.id", ondelete="SET NULL"
    )
    """The volunteer-time entry a shift done became (the report's volunteer hours)."""


class RotaAvailability(SiteRow, table=True):
    """When a volunteer is usually available (a weekday's range, for a role or any)."""

    __tablename__ = "rota_availability"
    __table_args__ = (
        CheckConstraint("weekday >= 0 AND weekday <= 6", name="weekday_range"),
        CheckConstraint("starts_at < ends_at", name="starts_before_ends"),
    )

    person_id: uuid.UUID = Field(foreign_key="person.id", index=True, ondelete="CASCADE")
    weekday: int
    starts_at: time
    ends_at: time
    role: str = Field(default="", max_length=12)


class ReminderCall(SiteRow, table=True):
    """A call made the day before an appointment or a registration, ticked on the list."""

    __tablename__ = "reminder_call"
    __table_args__ = (Index("ix_reminder_call_site_date", "site_id", "for_date"),)

    for_date: date
    # SET NULL, not CASCADE: a workshop's attendance is rewritten when it is saved
    # (events_attendance.replace_attendance): the calls made must survive it.
    booking_id: uuid.UUID | None = Field(
        default=None, foreign_key="booking.id", ondelete="SET NULL"
    )
    attendance_id: uuid.UUID | None = Field(
        default=None, foreign_key="event_attendance.id", ondelete="SET NULL"
    )
    called_at: datetime = Field(sa_type=UTCDateTime)
    outcome: str = Field(max_length=12)  # reached, voicemail, unreachable, cancelled
    called_by_id: uuid.UUID | None = Field(
        default=None, foreign_key="app_user.id", ondelete="SET NULL"
    )


class Satisfaction(SiteRow, table=True):
    """One key at the desk after a démarche or a workshop: 3 content, 2 moyen, 1 pas content."""

    __tablename__ = "satisfaction"
    __table_args__ = (
        CheckConstraint("score >= 1 AND score <= 3", name="score_range"),
        Index("ix_satisfaction_site_date", "site_id", "activity_date"),
    )

    at: datetime = Field(sa_type=UTCDateTime)
    activity_date: date
    score: int
    context: str = Field(max_length=12)  # demarche, atelier, accueil
    assistance_id: uuid.UUID | None = Field(
        default=None, foreign_key="assistance_record.id", ondelete="SET NULL"
    )
    event_id: uuid.UUID | None = Field(default=None, foreign_key="event.id", ondelete="SET NULL")
