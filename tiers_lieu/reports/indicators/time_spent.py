"""The report's « Temps passé »: the staff's time sheets summed per place, post, operation and
month (issue 20 § 2), for the XLSX sheet of that name.

One grouped read of ``time_entry`` (a row per post, operation and day at most: a team of five
over ten years is ~12,000 rows), months summed in Python so that the SQL is the same on SQLite
and PostgreSQL; never a pass over ``visit``. Posts are named by their post and contract start,
never by the person holding them (the report holds no names). The places are those the
caller checked (``site_ids``; None: every place): Core reads skip the place filter.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import Table, func, select
from sqlmodel import Session

from tiers_lieu.models import Job, Operation, Site, TimeEntry
from tiers_lieu.reports.model import TimeSpent
from tiers_lieu.services.time_sheet_models import month_of


def _table(model: Any) -> Table:
    table: Table = model.__table__
    return table


def time_spent(
    session: Session, *, start: date, end: date, site_ids: list[uuid.UUID] | None
) -> tuple[TimeSpent, ...]:
    """The report's « Temps passé »: minutes per place, job, operation and month over
    ``start``–``end``, for the places ``site_ids`` (None: all), already checked by the
    caller. One grouped read of ``time_entry`` (a row per job, operation and day at most),
    months summed here; never a pass over ``visit``."""
    entry = _table(TimeEntry)
    query = (
        select(
            entry.c.site_id,
            entry.c.job_id,
            entry.c.operation_id,
            entry.c.on_date,
            func.sum(entry.c.minutes),
        )
        .where(entry.c.on_date >= start, entry.c.on_date <= end)
        .group_by(entry.c.site_id, entry.c.job_id, entry.c.operation_id, entry.c.on_date)
    )
    if site_ids is not None:
        if not site_ids:
            return ()
        query = query.where(entry.c.site_id.in_(site_ids))
    sums: dict[tuple[uuid.UUID, uuid.UUID, uuid.UUID | None, date], int] = {}
    for site_id, job_id, operation_id, on_date, minutes in session.execute(query):
        key = (site_id, job_id, operation_id, month_of(on_date))
        sums[key] = sums.get(key, 0) + int(minutes)
    if not sums:
        return ()
    job, operation, site = _table(Job), _table(Operation), _table(Site)
    jobs = {
        r[0]: (r[1], r[2])
        for r in session.execute(
            select(job.c.id, job.c.post, job.c.start_date).where(job.c.id.in_({k[1] for k in sums}))
        )
    }
    operation_ids = {k[2] for k in sums if k[2] is not None}
    operations = {
        r[0]: (r[1], r[2])
        for r in session.execute(
            select(operation.c.id, operation.c.title, operation.c.file_number).where(
                operation.c.id.in_(operation_ids)
            )
        )
    }
    sites = {
        r[0]: r[1]
        for r in session.execute(
            select(site.c.id, site.c.name).where(site.c.id.in_({k[0] for k in sums}))
        )
    }
    rows = [
        TimeSpent(
            site=sites.get(site_id, ""),
            post=jobs[job_id][0],
            contract_start=jobs[job_id][1],
            operation=operations[operation_id][0] if operation_id is not None else "",
            file_number=operations[operation_id][1] if operation_id is not None else "",
            month=month,
            minutes=minutes,
        )
        for (site_id, job_id, operation_id, month), minutes in sums.items()
    ]
    rows.sort(
        key=lambda r: (
            r.site.casefold(),
            r.post.casefold(),
            r.contract_start,
            r.operation == "",
            r.operation.casefold(),
            r.month,
        )
    )
    return tuple(rows)
