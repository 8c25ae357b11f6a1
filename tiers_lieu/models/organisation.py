"""What the activity report needs that the desk does not log: partners, jobs, volunteering."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import CheckConstraint, Index
from sqlmodel import Field

from tiers_lieu.models.base import SiteRow


class Partner(SiteRow, table=True):
    __tablename__ = "partner"

    name: str = Field(max_length=160)
    kind: str = Field(default="", max_length=60)
    started_on: date | None = None
    ended_on: date | None = None
    contact: str = Field(default="", max_length=160)
    is_france_services_operator: bool = Field(default=False)


class Job(SiteRow, table=True):
    """A post at the place; FTE follow CAP R.37 (12 months full time = 1)."""

    __tablename__ = "job"
    __table_args__ = (
        CheckConstraint("working_time_percent > 0 AND working_time_percent <= 100", name="wt"),
    )

    post: str = Field(max_length=120)
    contract_type: str = Field(max_length=16)
    start_date: date
    end_date: date | None = None
    working_time_percent: int = Field(default=100)
    is_new: bool = Field(default=True)
    person_id: uuid.UUID | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")


class VolunteerTime(SiteRow, table=True):
    __tablename__ = "volunteer_time"
    __table_args__ = (
        CheckConstraint("minutes > 0", name="minutes_positive"),
        # « Bénévolat »: a place's latest entries (10 × 10: 27 → 4.6 ms; migration 0008).
        Index("ix_volunteer_time_site_date", "site_id", "on_date"),
    )

    person_id: uuid.UUID | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    on_date: date = Field(index=True)
    minutes: int
    activity: str = Field(default="", max_length=120)


class TimeEntry(SiteRow, table=True):
    """Time a staff member (a ``Job``) spent on a funded operation, one line per day and task:
    what a LEADER payment claim's time sheets add up (issue 20)."""

    __tablename__ = "time_entry"
    __table_args__ = (
        CheckConstraint("minutes > 0 AND minutes <= 1440", name="minutes_in_day"),
        Index("ix_time_entry_site_job_date", "site_id", "job_id", "on_date"),
    )

    job_id: uuid.UUID = Field(foreign_key="job.id", ondelete="CASCADE")
    operation_id: uuid.UUID | None = Field(
        default=None, foreign_key="operation.id", ondelete="SET NULL"
    )
    on_date: date
    minutes: int
    task: str = Field(default="", max_length=200)
