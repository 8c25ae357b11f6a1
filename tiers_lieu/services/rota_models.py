"""The rota's vocabulary and read models: the roles and statuses of a shift with their
labels, the bounds the service keeps to, the shift, availability, volunteer choice, gaps and
printed-sheet records handed to the front ends, and the small checks and time calculations
(minutes of a shift, hours left uncovered, the days of a week) the service shares."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta

from tiers_lieu.errors import ValidationError
from tiers_lieu.i18n import N_, _
from tiers_lieu.models import Person
from tiers_lieu.models.proximity import RotaShift

VOLUNTEER_KIND = "volunteer"
ROLES: dict[str, str] = {"accueil": N_("Accueil"), "amap": N_("AMAP"), "cafe": N_("Café")}
"""Role codes stored on a shift, in the order the week shows them, and their labels."""
STATUSES: dict[str, str] = {"planned": N_("Prévu"), "done": N_("Fait"), "absent": N_("Absent")}
AHEAD_DAYS = 7
"""Gaps are looked for from today over this many days."""
MAX_REPEAT_WEEKS = 12
MAX_SHIFTS_A_WEEK = 200
SHEET_LINES = 12
"""Lines of one role and day on the printed week (more are counted on the last line)."""
"""A week copied holds at most this many shifts (bounded work on a mistaken copy)."""


def role_label(role: str) -> str:
    return _(ROLES[role]) if role in ROLES else role


def status_label(status: str) -> str:
    return _(STATUSES[status]) if status in STATUSES else status


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _minutes(start: time, end: time) -> int:
    return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)


def _name(person: Person | None) -> str:
    if person is None or person.anonymized_at is not None:
        return ""
    return " ".join(p for p in (person.first_name, person.last_name) if p) or person.organisation


@dataclass(frozen=True, slots=True, kw_only=True)
class ShiftInput:
    """A shift to create: its day, its hours and its role (``accueil``, ``amap``, ``cafe``)."""

    on_date: date
    starts_at: time
    ends_at: time
    role: str
    person_id: uuid.UUID | None = None


@dataclass(frozen=True)
class ShiftInfo:
    id: uuid.UUID
    on_date: date
    starts_at: time
    ends_at: time
    role: str
    person_id: uuid.UUID | None
    person_name: str
    status: str
    volunteer_time_id: uuid.UUID | None

    @property
    def minutes(self) -> int:
        return _minutes(self.starts_at, self.ends_at)

    @property
    def is_gap(self) -> bool:
        return self.person_id is None


@dataclass(frozen=True)
class AvailabilityRange:
    weekday: int
    starts_at: time
    ends_at: time
    role: str = ""  # "" = any role

    def covers(self, shift: ShiftInfo) -> bool:
        return (
            self.weekday == shift.on_date.weekday()
            and self.starts_at <= shift.starts_at
            and shift.ends_at <= self.ends_at
            and self.role in ("", shift.role)
        )


@dataclass(frozen=True)
class VolunteerChoice:
    """A volunteer offered for a shift: available (their usual range covers it), already on
    another shift that day, their ranges."""

    person_id: uuid.UUID
    name: str
    available: bool
    busy_that_day: bool
    ranges: tuple[AvailabilityRange, ...]


@dataclass(frozen=True)
class UncoveredHours:
    """Opening hours of a day that no « Accueil » shift covers."""

    on_date: date
    starts_at: time
    ends_at: time


@dataclass(frozen=True)
class RotaGaps:
    first_day: date
    last_day: date
    empty_shifts: list[ShiftInfo]
    uncovered: list[UncoveredHours]

    @property
    def count(self) -> int:
        return len(self.empty_shifts) + len(self.uncovered)


@dataclass(frozen=True)
class RotaSheet:
    """The week's rota on paper: a column per day, a row per role, each cell its shifts
    (« 09:00–12:30 Marie Dubois », « — à pourvoir — » for nobody)."""

    title: str
    subtitle: str
    days: list[str]
    rows: list[tuple[str, list[list[str]]]]
    gaps: int


def _role(role: str) -> str:
    if role not in ROLES:
        raise ValidationError(_("Rôle"), _("rôle inconnu : Accueil, AMAP ou Café"))
    return role


def _hours(start: time, end: time, field: str) -> None:
    if not start < end:
        raise ValidationError(field, _("la fin doit suivre le début"))


def _shift_info(row: RotaShift, person: Person | None) -> ShiftInfo:
    return ShiftInfo(
        row.id,
        row.on_date,
        row.starts_at,
        row.ends_at,
        row.role,
        row.person_id,
        _name(person),
        row.status,
        row.volunteer_time_id,
    )


def _is_volunteer(person: Person) -> bool:
    return VOLUNTEER_KIND in person.kinds.split(",")


def _subtract(
    ranges: list[tuple[time, time]], covers: Sequence[tuple[time, time]]
) -> list[tuple[time, time]]:
    """``ranges`` minus every range of ``covers`` (all on one day)."""
    left = list(ranges)
    for c_start, c_end in covers:
        kept: list[tuple[time, time]] = []
        for start, end in left:
            if c_end <= start or end <= c_start:
                kept.append((start, end))
                continue
            if start < c_start:
                kept.append((start, c_start))
            if c_end < end:
                kept.append((c_end, end))
        left = kept
    return left


def week_days(monday: date) -> list[date]:
    return [monday + timedelta(days=n) for n in range(7)]
