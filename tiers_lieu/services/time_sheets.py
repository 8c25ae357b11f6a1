"""Time sheets of the staff whose salary a LEADER payment claim includes (issue 20 § 2).

A staff member is a ``Job`` of the place (its post, its contract, the person holding it);
their time is kept in ``time_entry``, one line per day, operation and task. The window types
it a week at a time (:meth:`TimeSheetService.week` / :meth:`~TimeSheetService.save_week`: the
week's lines replace what was saved for it, in one transaction, one audit line); the claim
prints it a month per page (:meth:`~TimeSheetService.monthly_sheets`, rendered by
:mod:`tiers_lieu.reports.documents.time_sheet`) and the report's XLSX sums it per job,
operation and month (:mod:`tiers_lieu.reports.indicators.time_spent`, computed by the
report's service). The read models are in :mod:`.time_sheet_models`.

Time outside any operation (``operation_id`` NULL) is kept too: a time sheet shows the hours
on the operation beside the day's total, which is what a GAL checks a salary share against.
Volunteer posts have no time sheet: their time is « Bénévolat ».
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Table, func
from sqlalchemy import select as core
from sqlmodel import col, select

from tiers_lieu.db import UnitOfWork, UowFactory
from tiers_lieu.errors import NotFoundError, ValidationError
from tiers_lieu.i18n import _, format_date, format_duration
from tiers_lieu.models import Job, Operation, Person, Site, TimeEntry
from tiers_lieu.models.enums import AuditAction, ContractType
from tiers_lieu.services import audit
from tiers_lieu.services.access import Permission, requires
from tiers_lieu.services.time_sheet_models import (
    DAY_MINUTES,
    TASK_MAX,
    MonthTotal,
    OperationChoice,
    SheetDay,
    SheetOperation,
    StaffMember,
    TimeSheet,
    WeekGrid,
    WeekLine,
    day_label,
    monday_of,
    month_end,
    month_of,
)

MAX_SHEETS = 1000
"""Pages in one set of time sheets at most (ten years of a team of eight is ~960)."""


def _table(model: Any) -> Table:
    table: Table = model.__table__
    return table


def _person_name(person: Person | None) -> str:
    if person is None or person.anonymized_at is not None:
        return ""
    name = " ".join(part for part in (person.first_name, person.last_name) if part)
    return name or person.organisation


def _staff(job: Job, person: Person | None) -> StaffMember:
    return StaffMember(
        job.id,
        job.post,
        _person_name(person),
        job.contract_type,
        job.working_time_percent,
        job.start_date,
        job.end_date,
    )


def _choice(o: Operation) -> OperationChoice:
    return OperationChoice(o.id, o.title, o.file_number, o.start_date, o.end_date)


def _operations(uow: UnitOfWork, site_id: uuid.UUID) -> list[Operation]:
    """The place's operations, the latest first."""
    return list(
        uow.session.exec(
            select(Operation)
            .where(col(Operation.site_id) == site_id)
            .order_by(col(Operation.created_at).desc(), col(Operation.id))
        )
    )


def _line_key(
    line: WeekLine, titles: dict[uuid.UUID, str]
) -> tuple[bool, str, str]:  # lines on an operation first, then by title and task
    title = titles.get(line.operation_id, "") if line.operation_id is not None else ""
    return (line.operation_id is None, title.casefold(), line.task.casefold())


def _check_minutes(lines: Sequence[WeekLine], days: list[date]) -> None:
    """Each cell 0 or more, each day 24 h at most; the message names the day."""
    totals = [0] * 7
    for line in lines:
        if len(line.minutes) != 7:
            raise ValidationError(_("Semaine"), _("sept jours attendus par ligne"))
        for index, minutes in enumerate(line.minutes):
            if minutes < 0:
                raise ValidationError(
                    day_label(days[index]), _("une durée ne peut pas être négative")
                )
            totals[index] += minutes
    for index, total in enumerate(totals):
        if total > DAY_MINUTES:
            raise ValidationError(
                day_label(days[index]),
                _("le total du jour, {total}, dépasse 24 h").format(total=format_duration(total)),
            )


class TimeSheetService:
    def __init__(self, uow: UowFactory) -> None:
        self._uow = uow

    @requires(Permission.REPORTS)
    def staff(self, site_id: uuid.UUID) -> list[StaffMember]:
        """The place's posts whose time is kept (every post but volunteering), those still
        running first, then by post."""
        with self._uow(read_only=True) as uow:
            rows = uow.session.exec(
                select(Job, Person)
                .join(Person, col(Person.id) == col(Job.person_id), isouter=True)
                .where(
                    col(Job.site_id) == site_id,
                    col(Job.contract_type) != ContractType.VOLUNTEER.value,
                )
            ).all()
            found = [_staff(job, person) for job, person in rows]
        return sorted(
            found,
            key=lambda s: (s.end_date is not None, s.post.casefold(), s.person_name, s.start_date),
        )

    @requires(Permission.REPORTS)
    def week(self, site_id: uuid.UUID, job_id: uuid.UUID, day: date) -> WeekGrid:
        """The week holding ``day`` (Monday to Sunday) of the post ``job_id``: one line per
        operation and task, the minutes of each day."""
        with self._uow(read_only=True) as uow:
            return self._week(uow, site_id, job_id, monday_of(day))

    @requires(Permission.REPORTS)
    def save_week(
        self, site_id: uuid.UUID, job_id: uuid.UUID, day: date, lines: Sequence[WeekLine]
    ) -> WeekGrid:
        """Replace the week holding ``day`` of the post ``job_id`` by ``lines``, whole: a
        cell of 0 is no entry, a day may hold 24 h at most, the post must run that day.
        Lines of the same operation and task are added up. One audit line."""
        monday = monday_of(day)
        days = [monday + timedelta(days=n) for n in range(7)]
        _check_minutes(lines, days)
        wanted: dict[tuple[date, uuid.UUID | None, str], int] = {}
        for line in lines:
            task = " ".join((line.task or "").split())
            if len(task) > TASK_MAX:
                raise ValidationError(_("Tâche"), _("{n} caractères au plus").format(n=TASK_MAX))
            for index, minutes in enumerate(line.minutes):
                if minutes:
                    key = (days[index], line.operation_id, task)
                    wanted[key] = wanted.get(key, 0) + minutes
        with self._uow() as uow:
            job = self._job(uow, site_id, job_id)
            for on_date, _op, _task in wanted:
                if on_date < job.start_date or (job.end_date and on_date > job.end_date):
                    raise ValidationError(
                        day_label(on_date),
                        _("le contrat de ce poste court du {start} au {end}").format(
                            start=format_date(job.start_date),
                            end=format_date(job.end_date) if job.end_date else "…",
                        ),
                    )
            known = {o.id for o in _operations(uow, site_id)}
            if any(op is not None and op not in known for _d, op, _t in wanted):
                raise NotFoundError(_("Cette opération n'existe plus."))
            self._replace(uow, site_id, job_id, days, wanted)
            audit.record(
                uow,
                action=AuditAction.UPDATE,
                entity="time_entry",
                entity_id=job_id,
                site_id=site_id,
                details={
                    "week": days[0].isoformat(),
                    "lines": len(wanted),
                    "minutes": sum(wanted.values()),
                },
            )
            uow.commit()
        with self._uow(read_only=True) as uow:
            return self._week(uow, site_id, job_id, monday)

    @requires(Permission.REPORTS)
    def month_totals(self, site_id: uuid.UUID, start: date, end: date) -> list[MonthTotal]:
        """Minutes per job, operation and month over ``start``–``end`` (dates inclusive)."""
        entry = _table(TimeEntry)
        with self._uow(read_only=True) as uow:
            rows = uow.session.execute(
                core(
                    entry.c.job_id, entry.c.operation_id, entry.c.on_date, func.sum(entry.c.minutes)
                )
                .where(entry.c.site_id == site_id, entry.c.on_date >= start, entry.c.on_date <= end)
                .group_by(entry.c.job_id, entry.c.operation_id, entry.c.on_date)
            ).all()
        sums: dict[tuple[uuid.UUID, uuid.UUID | None, date], int] = {}
        for job_id, operation_id, on_date, minutes in rows:
            key = (job_id, operation_id, month_of(on_date))
            sums[key] = sums.get(key, 0) + int(minutes)
        return [
            MonthTotal(job_id, operation_id, month, minutes)
            for (job_id, operation_id, month), minutes in sorted(
                sums.items(), key=lambda item: (item[0][0].hex, item[0][2], str(item[0][1]))
            )
        ]

    @requires(Permission.REPORTS)
    def monthly_sheets(
        self,
        site_id: uuid.UUID,
        start: date,
        end: date,
        *,
        job_id: uuid.UUID | None = None,
    ) -> list[TimeSheet]:
        """A sheet per staff member (or the one ``job_id`` names), month and operation with
        time over ``start``–``end``: every day of the month within the period, the time on
        the operation with its tasks and the day's total. A month whose time is on no
        operation gets one sheet without an operation. By person, then month."""
        if end < start:
            raise ValidationError(_("Période"), _("la fin précède le début"))
        with self._uow(read_only=True) as uow:
            site = uow.session.get(Site, site_id)
            if site is None:
                raise NotFoundError(_("Ce lieu n'existe plus."))
            query = select(TimeEntry).where(
                col(TimeEntry.site_id) == site_id,
                col(TimeEntry.on_date) >= start,
                col(TimeEntry.on_date) <= end,
            )
            if job_id is not None:
                self._job(uow, site_id, job_id)
                query = query.where(col(TimeEntry.job_id) == job_id)
            self._check_size(uow, site_id, start, end, job_id)
            entries = list(
                uow.session.exec(query.order_by(col(TimeEntry.on_date), col(TimeEntry.task)))
            )
            jobs = {
                job.id: _staff(job, person)
                for job, person in uow.session.exec(
                    select(Job, Person)
                    .join(Person, col(Person.id) == col(Job.person_id), isouter=True)
                    .where(col(Job.id).in_({e.job_id for e in entries}))
                ).all()
            }
            operations = {
                o.id: SheetOperation(o.title, o.file_number, o.emblem_path)
                for o in _operations(uow, site_id)
            }
            return _sheets(site.name, entries, jobs, operations, start, end)

    # -- inside ------------------------------------------------------------------------------
    @staticmethod
    def _check_size(
        uow: UnitOfWork, site_id: uuid.UUID, start: date, end: date, job_id: uuid.UUID | None
    ) -> None:
        """Refuse before reading the entries when the sheets could exceed
        :data:`MAX_SHEETS`: the posts with time in the period times its months."""
        entry = _table(TimeEntry)
        query = core(func.count(func.distinct(entry.c.job_id))).where(
            entry.c.site_id == site_id, entry.c.on_date >= start, entry.c.on_date <= end
        )
        if job_id is not None:
            query = query.where(entry.c.job_id == job_id)
        posts = int(uow.session.execute(query).scalar_one())
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        if posts * months > MAX_SHEETS:
            raise ValidationError(
                _("Période"),
                _("plus de {n} feuilles de temps : choisissez une période plus courte.").format(
                    n=MAX_SHEETS
                ),
            )

    @staticmethod
    def _job(uow: UnitOfWork, site_id: uuid.UUID, job_id: uuid.UUID) -> Job:
        job = uow.session.get(Job, job_id)
        if job is None or job.site_id != site_id:
            raise NotFoundError(_("Ce poste n'existe plus."))
        if job.contract_type == ContractType.VOLUNTEER.value:
            raise ValidationError(
                _("Poste"),
                _("le temps des bénévoles se saisit dans l'onglet « Bénévolat »"),
            )
        return job

    def _week(
        self, uow: UnitOfWork, site_id: uuid.UUID, job_id: uuid.UUID, monday: date
    ) -> WeekGrid:
        job = self._job(uow, site_id, job_id)
        person = uow.session.get(Person, job.person_id) if job.person_id is not None else None
        sunday = monday + timedelta(days=6)
        entries = uow.session.exec(
            select(TimeEntry).where(
                col(TimeEntry.site_id) == site_id,
                col(TimeEntry.job_id) == job_id,
                col(TimeEntry.on_date) >= monday,
                col(TimeEntry.on_date) <= sunday,
            )
        )
        cells: dict[tuple[uuid.UUID | None, str], list[int]] = {}
        for entry in entries:
            row = cells.setdefault((entry.operation_id, entry.task), [0] * 7)
            row[(entry.on_date - monday).days] += entry.minutes
        operations = [_choice(o) for o in _operations(uow, site_id)]
        titles = {o.id: o.title for o in operations}
        lines = sorted(
            (WeekLine(op, task, tuple(minutes)) for (op, task), minutes in cells.items()),
            key=lambda line: _line_key(line, titles),
        )
        covering = [o for o in operations if o.covers(monday, sunday)]
        default = (covering or operations)[0].id if operations else None
        return WeekGrid(
            job=_staff(job, person),
            monday=monday,
            lines=tuple(lines),
            operations=tuple(operations),
            default_operation_id=default,
        )

    @staticmethod
    def _replace(
        uow: UnitOfWork,
        site_id: uuid.UUID,
        job_id: uuid.UUID,
        days: list[date],
        wanted: dict[tuple[date, uuid.UUID | None, str], int],
    ) -> int:
        """The week's entries made equal to ``wanted``: an unchanged cell is left alone, a
        changed one updated, the others added or deleted (one by one, so that deletions
        leave tombstones for the bundles). Returns how many rows changed."""
        session = uow.session
        existing = session.exec(
            select(TimeEntry).where(
                col(TimeEntry.site_id) == site_id,
                col(TimeEntry.job_id) == job_id,
                col(TimeEntry.on_date) >= days[0],
                col(TimeEntry.on_date) <= days[-1],
            )
        )
        left = dict(wanted)
        changed = 0
        for entry in existing:
            key = (entry.on_date, entry.operation_id, entry.task)
            minutes = left.pop(key, None)
            if minutes is None:
                session.delete(entry)
                changed += 1
            elif minutes != entry.minutes:
                entry.minutes = minutes
                session.add(entry)
                changed += 1
        for (on_date, operation_id, task), minutes in left.items():
            session.add(
                TimeEntry(
                    site_id=site_id,
                    job_id=job_id,
                    operation_id=operation_id,
                    on_date=on_date,
                    minutes=minutes,
                    task=task,
                )
            )
            changed += 1
        session.flush()
        return changed


def _sheets(
    place_name: str,
    entries: Iterable[TimeEntry],
    jobs: dict[uuid.UUID, StaffMember],
    operations: dict[uuid.UUID, SheetOperation],
    start: date,
    end: date,
) -> list[TimeSheet]:
    """Group the entries (ordered by day) into monthly sheets."""
    # (job, month) → day → [(operation, minutes, task)]
    by_month: dict[tuple[uuid.UUID, date], dict[date, list[TimeEntry]]] = {}
    for entry in entries:
        days = by_month.setdefault((entry.job_id, month_of(entry.on_date)), {})
        days.setdefault(entry.on_date, []).append(entry)
    sheets: list[TimeSheet] = []
    for (job_id, month), days in by_month.items():
        staff = jobs[job_id]
        named = {e.operation_id for day in days.values() for e in day if e.operation_id}
        found = sorted(
            (op for op in named if op is not None and op in operations),
            key=lambda op: operations[op].title,
        )
        targets: list[uuid.UUID | None] = [*found] or [None]
        first, last = max(month, start), min(month_end(month), end)
        for target in targets:
            rows: list[SheetDay] = []
            for offset in range((last - first).days + 1):
                day = first + timedelta(days=offset)
                lines = days.get(day, [])
                mine = [e for e in lines if e.operation_id == target]
                tasks = list(dict.fromkeys(e.task for e in mine if e.task))
                rows.append(
                    SheetDay(
                        day,
                        sum(e.minutes for e in mine),
                        " ; ".join(tasks),
                        sum(e.minutes for e in lines),
                    )
                )
            sheets.append(
                TimeSheet(
                    place_name=place_name,
                    month=month,
                    person_name=staff.person_name,
                    post=staff.post,
                    contract_type=staff.contract_type,
                    working_time_percent=staff.working_time_percent,
                    operation=operations[target] if target is not None else None,
                    days=tuple(rows),
                )
            )
    sheets.sort(
        key=lambda s: (
            s.person_name.casefold() or "\uffff",
            s.post.casefold(),
            s.month,
            s.operation.title.casefold() if s.operation else "\uffff",
        )
    )
    return sheets
