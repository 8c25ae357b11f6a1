"""« Partenaires » and « Résultats »: partners, jobs in FTE, volunteering, people reached.

- Partners count when their partnership overlaps the period; « new » ones started in it.
- Jobs follow CAP R.37: FTE = working time × min(contract length, 12 months) ÷ 12, so a
  contract of 12 months or more at full time is 1 and 6 months at full time 0.5; an
  open-ended contract counts 12 months. Volunteer posts are excluded, self-employment is
  included. Posts flagged new are ``jobs.fte_new``, the others ``jobs.fte_maintained``; a
  post counts when it runs during the period. The job table holds a few rows per site, so
  the month arithmetic is done in Python on them.
- Volunteers are the distinct identified people who gave time, plus one per entry recorded
  without a name; hours are the total of their minutes.

The people reached, R.41 and R.42 are in :mod:`tiers_lieu.reports.indicators.inclusion`.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from sqlalchemy import func, select

from tiers_lieu.models import (
    Job,
    Partner,
    VolunteerTime,
)
from tiers_lieu.models.enums import ContractType
from tiers_lieu.reports.indicators.common import Scope, table, total
from tiers_lieu.reports.model import Indicator


def contract_months(start: date, end: date | None) -> float:
    """Length of a contract in months, ``end`` inclusive; open-ended counts as 12."""
    if end is None:
        return 12.0
    stop = end + timedelta(days=1)
    whole = (stop.year - start.year) * 12 + stop.month - start.month
    if stop.day < start.day:
        whole -= 1
    index = start.year * 12 + start.month - 1 + whole
    year, month = divmod(index, 12)
    anchor = date(year, month + 1, min(start.day, calendar.monthrange(year, month + 1)[1]))
    length = calendar.monthrange(anchor.year, anchor.month)[1]
    return max(0.0, whole + (stop - anchor).days / length)


def fte(working_time_percent: int, start: date, end: date | None) -> float:
    """Full-time equivalent of one post under the CAP R.37 rules."""
    return working_time_percent / 100 * min(contract_months(start, end), 12.0) / 12


def partners(scope: Scope) -> list[Indicator]:
    partner = table(Partner)
    active = scope.on_sites(partner.c.site_id) & (
        partner.c.started_on.is_(None) | (partner.c.started_on <= scope.end)
    )
    active = active & (partner.c.ended_on.is_(None) | (partner.c.ended_on >= scope.start))
    count = scope.session.execute(select(func.count()).where(active)).scalar()
    new = scope.session.execute(
        select(func.count()).where(
            scope.on_sites(partner.c.site_id), scope.on_dates(partner.c.started_on)
        )
    ).scalar()
    return [total("partners.total", count), total("partners.new", new)]


def jobs(scope: Scope) -> list[Indicator]:
    job = table(Job)
    rows = scope.session.execute(
        select(job.c.working_time_percent, job.c.start_date, job.c.end_date, job.c.is_new).where(
            scope.on_sites(job.c.site_id),
            job.c.contract_type != ContractType.VOLUNTEER.value,
            job.c.start_date <= scope.end,
            job.c.end_date.is_(None) | (job.c.end_date >= scope.start),
        )
    ).all()
    new = sum(fte(r[0], r[1], r[2]) for r in rows if r[3])
    kept = sum(fte(r[0], r[1], r[2]) for r in rows if not r[3])
    return [total("jobs.fte_new", new), total("jobs.fte_maintained", kept)]


def volunteers(scope: Scope) -> list[Indicator]:
    time = table(VolunteerTime)
    where = scope.on_sites(time.c.site_id) & scope.on_dates(time.c.on_date)
    named, unnamed, minutes = scope.session.execute(
        select(
            func.count(func.distinct(time.c.person_id)),
            func.count() - func.count(time.c.person_id),
            func.coalesce(func.sum(time.c.minutes), 0),
        ).where(where)
    ).one()
    return [
        total("volunteers.count", int(named) + int(unnamed)),
        total("volunteers.hours", (minutes or 0) / 60),
    ]


def compute(scope: Scope) -> list[Indicator]:
    return [*partners(scope), *jobs(scope), *volunteers(scope)]
