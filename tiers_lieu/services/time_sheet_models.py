"""What the time sheets are made of (issue 20 § 2): the read models of
:class:`~tiers_lieu.services.time_sheets.TimeSheetService` — a staff member, a week of a post
line by line, a month's sheet day by day — and the calendar rules they share (a week starts on
Monday; a refusal names the day in words). Plain Python: the screens and the PDF renderer
import it freely.
"""

from __future__ import annotations

import calendar
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from tiers_lieu.i18n import format_date, weekday_name

DAY_MINUTES = 24 * 60
TASK_MAX = 200  # time_entry.task's column


@dataclass(frozen=True)
class StaffMember:
    """A post whose time is kept: the job, and the person holding it when known."""

    job_id: uuid.UUID
    post: str
    person_name: str
    contract_type: str
    working_time_percent: int
    start_date: date
    end_date: date | None

    @property
    def label(self) -> str:
        """« Coordinatrice — Claire Maury », or the post alone."""
        return f"{self.post} — {self.person_name}" if self.person_name else self.post

    def works_on(self, day: date) -> bool:
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)


@dataclass(frozen=True)
class OperationChoice:
    """An operation of the place, to book time on."""

    id: uuid.UUID
    title: str
    file_number: str
    start_date: date | None
    end_date: date | None

    def covers(self, first: date, last: date) -> bool:
        return (self.start_date is None or self.start_date <= last) and (
            self.end_date is None or first <= self.end_date
        )


@dataclass(frozen=True)
class WeekLine:
    """One line of the weekly grid: an operation (or none) and a task, and the minutes of
    each day, Monday first (0: nothing that day)."""

    operation_id: uuid.UUID | None
    task: str
    minutes: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.minutes)


@dataclass(frozen=True)
class WeekGrid:
    """A staff member's week: its lines and the operations time may be booked on."""

    job: StaffMember
    monday: date
    lines: tuple[WeekLine, ...]
    operations: tuple[OperationChoice, ...]
    default_operation_id: uuid.UUID | None
    """The operation a new line takes: the latest one covering the week, else the latest."""

    @property
    def days(self) -> list[date]:
        return [self.monday + timedelta(days=n) for n in range(7)]

    @property
    def day_totals(self) -> list[int]:
        return [sum(line.minutes[n] for line in self.lines) for n in range(7)]

    @property
    def total(self) -> int:
        return sum(line.total for line in self.lines)


@dataclass(frozen=True)
class MonthTotal:
    """The minutes of one job on one operation (``None``: outside any) in one month."""

    job_id: uuid.UUID
    operation_id: uuid.UUID | None
    month: date  # its first day
    minutes: int


@dataclass(frozen=True)
class SheetOperation:
    """The operation a time sheet is for (its header and the EU mention)."""

    title: str
    file_number: str
    emblem_path: str | None


@dataclass(frozen=True)
class SheetDay:
    """One day of a monthly sheet: the time on the sheet's operation and its tasks, and the
    day's total (every operation, and time outside any)."""

    day: date
    operation_minutes: int
    tasks: str
    total_minutes: int


@dataclass(frozen=True)
class TimeSheet:
    """One staff member's month on one operation: a page to sign."""

    place_name: str
    month: date  # its first day
    person_name: str
    post: str
    contract_type: str
    working_time_percent: int
    operation: SheetOperation | None
    days: tuple[SheetDay, ...]  # every day of the month within the period asked

    @property
    def operation_minutes(self) -> int:
        return sum(d.operation_minutes for d in self.days)

    @property
    def total_minutes(self) -> int:
        return sum(d.total_minutes for d in self.days)


# -- helpers ---------------------------------------------------------------------------------
def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def day_label(day: date) -> str:
    """« Mardi 3 mars 2026 »: how a refusal names the day."""
    text = f"{weekday_name(day.weekday())} {format_date(day, 'long')}"
    return text[:1].upper() + text[1:]


def month_of(day: date) -> date:
    return day.replace(day=1)


def month_end(first: date) -> date:
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])
