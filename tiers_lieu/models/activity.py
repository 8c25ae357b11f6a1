"""What the desk logs: visits, workshops with their attendance, administrative assistance.

The activity date (and optional time) of a visit is local to the place and distinct from
``created_at``, the entry instant, so that a paper tally sheet can be re-keyed later. Visitor
categories reference ``Category`` rows; an empty reference means "Non communiqué".
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time

from sqlalchemy import CheckConstraint, Index, false
from sqlmodel import Field

from tiers_lieu.models.base import SiteRow, UTCDateTime


class Visit(SiteRow, table=True):
    __tablename__ = "visit"
    __table_args__ = (
        CheckConstraint("count >= 1", name="count_positive"),
        Index("ix_visit_site_date", "site_id", "activity_date"),
        # Covering index of the activity report's passes (migration 0003).
        Index(
            "ix_visit_report",
            "site_id",
            "activity_date",
            "count",
            "service_id",
            "commune_id",
            "age_band_id",
            "gender_id",
            "status_id",
            "person_id",
            "public_id",
            "passage_id",
        ),
    )

    service_id: uuid.UUID = Field(foreign_key="service.id", index=True)
    activity_date: date
    activity_time: time | None = None
    count: int = Field(default=1, ge=1)
    commune_id: uuid.UUID | None = Field(
        default=None, foreign_key="commune.id", ondelete="SET NULL"
    )
    age_band_id: uuid.UUID | None = Field(default=None, foreign_key="category.id")
    gender_id: uuid.UUID | None = Field(default=None, foreign_key="category.id")
    status_id: uuid.UUID | None = Field(default=None, foreign_key="category.id")
    person_id: uuid.UUID | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    event_id: uuid.UUID | None = Field(default=None, foreign_key="event.id", ondelete="CASCADE")
    booking_id: uuid.UUID | None = Field(
        default=None, foreign_key="booking.id", ondelete="SET NULL"
    )
    source: str = Field(default="desk", max_length=16)
    created_by_id: uuid.UUID | None = Field(
        default=None, foreign_key="app_user.id", ondelete="SET NULL"
    )
    # Who is served (category kind "public": particulier, entreprise, association…).
    public_id: uuid.UUID | None = Field(default=None, foreign_key="category.id")
    # The person's way through the door this service use belongs to (« personnes
    # accueillies » count passages, « services rendus » count visits).
    passage_id: uuid.UUID | None = Field(default=None, foreign_key="passage.id")


class Passage(SiteRow, table=True):
    """Someone (or ``count`` people together) came through the door: one key at the desk.
    The services they use within the same minute attach to it (``Visit.passage_id``)."""

    __tablename__ = "passage"
    __table_args__ = (
        CheckConstraint("count >= 1", name="count_positive"),
        Index("ix_passage_site_date", "site_id", "activity_date"),
    )

    at: datetime = Field(sa_type=UTCDateTime)
    activity_date: date
    count: int = Field(default=1, ge=1)
    person_id: uuid.UUID | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    created_by_id: uuid.UUID | None = Field(
        default=None, foreign_key="app_user.id", ondelete="SET NULL"
    )


class Event(SiteRow, table=True):
    """A workshop, animation or meeting held at (or by) the place."""

    __tablename__ = "event"

    title: str = Field(max_length=200)
    event_type_id: uuid.UUID | None = Field(default=None, foreign_key="category.id")
    theme: str = Field(default="", max_length=120)
    service_id: uuid.UUID | None = Field(default=None, foreign_key="service.id")
    event_date: date = Field(index=True)
    start_time: time | None = None
    duration_min: int = Field(default=60, ge=0)
    place: str = Field(default="", max_length=120)
    facilitator: str = Field(default="", max_length=120)
    partner_id: uuid.UUID | None = Field(
        default=None, foreign_key="partner.id", ondelete="SET NULL"
    )
    attendance_mode: str = Field(default="anonymous", max_length=12)
    # What the Coop de la médiation numérique asks of a workshop (issue 20; keys of
    # ``services/coop_vocabulary.py``; several values joined by ";").
    capacity: int | None = Field(default=None, ge=1)
    workshop_level: str | None = Field(default=None, max_length=24)
    digital_themes: str = Field(default="", max_length=400)
    equipment: str = Field(default="", max_length=200)
    channel: str | None = Field(default=None, max_length=24)
    # The room blocked in the agenda for it (issue 22, migration 0013).
    booking_id: uuid.UUID | None = Field(default=None, foreign_key="booking.id")


class EventAttendance(SiteRow, table=True):
    """A head-count line (count with categories) or one registered person."""

    __tablename__ = "event_attendance"
    __table_args__ = (CheckConstraint("count >= 1", name="count_positive"),)

    event_id: uuid.UUID = Field(foreign_key="event.id", index=True, ondelete="CASCADE")
    person_id: uuid.UUID | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    count: int = Field(default=1, ge=1)
    age_band_id: uuid.UUID | None = Field(default=None, foreign_key="category.id")
    gender_id: uuid.UUID | None = Field(default=None, foreign_key="category.id")
    status_id: uuid.UUID | None = Field(default=None, foreign_key="category.id")
    # On the waiting list of a full workshop (issue 22, migration 0013): not counted present.
    waiting: bool = Field(default=False, sa_column_kwargs={"server_default": false()})


class AssistanceRecord(SiteRow, table=True):
    """One administrative procedure helped at the France Services / assistance desk."""

    __tablename__ = "assistance_record"
    __table_args__ = (
        CheckConstraint("duration_min >= 0", name="duration_positive"),
        Index("ix_assistance_record_site_date", "site_id", "activity_date"),
        # « Courriers » and the letters' figures: a place's letters by date sent (0013).
        Index("ix_assistance_record_site_letter", "site_id", "letter_sent_on"),
        # « Suivis »: a place's open follow-ups by due date, and their count in the tab title
        # (10 × 10: the count 15 → 0.03 ms, the list 19 → 8 ms; migration 0008).
        Index(
            "ix_assistance_record_open_follow_up", "site_id", "follow_up_closed_at", "follow_up_due"
        ),
    )

    activity_date: date
    activity_time: time | None = None
    operator_id: uuid.UUID = Field(foreign_key="category.id")
    theme_id: uuid.UUID = Field(foreign_key="category.id")
    help_type_id: uuid.UUID = Field(foreign_key="category.id")
    duration_min: int = Field(default=15)
    place_id: uuid.UUID | None = Field(default=None, foreign_key="category.id")
    outcome_id: uuid.UUID = Field(foreign_key="category.id")
    orientation_id: uuid.UUID | None = Field(default=None, foreign_key="category.id")
    person_id: uuid.UUID | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    commune_id: uuid.UUID | None = Field(
        default=None, foreign_key="commune.id", ondelete="SET NULL"
    )
    age_band_id: uuid.UUID | None = Field(default=None, foreign_key="category.id")
    gender_id: uuid.UUID | None = Field(default=None, foreign_key="category.id")
    status_id: uuid.UUID | None = Field(default=None, foreign_key="category.id")
    note: str = Field(default="", max_length=280)
    # The public writer (issue 22, migration 0013): a letter sent, an answer expected.
    letter_sent_on: date | None = None
    answer_expected_on: date | None = None
    follow_up_due: date | None = Field(default=None, index=True)
    follow_up_closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    follow_up_outcome_id: uuid.UUID | None = Field(default=None, foreign_key="category.id")
    visit_id: uuid.UUID | None = Field(default=None, foreign_key="visit.id", ondelete="SET NULL")
    source: str = Field(default="desk", max_length=16)
    created_by_id: uuid.UUID | None = Field(
        default=None, foreign_key="app_user.id", ondelete="SET NULL"
    )
    # What the Coop de la médiation numérique asks of an accompaniment (issue 20; keys of
    # ``services/coop_vocabulary.py``; several values joined by ";").
    channel: str | None = Field(default=None, max_length=24)
    equipment: str = Field(default="", max_length=200)
    autonomy: str | None = Field(default=None, max_length=32)
    digital_themes: str = Field(default="", max_length=400)
    demarche_name: str = Field(default="", max_length=200)
