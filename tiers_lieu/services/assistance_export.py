"""Assistance exports: the France Services partner table (records per organisme and month),
as a read model; :mod:`tiers_lieu.reports.documents.assistance` writes it as CSV and XLSX. (The
activity, one line per démarche and per workshop, is the Coop de la médiation numérique's
export: :mod:`tiers_lieu.services.coop_export`.)

Exports carry categories and counts only: never a name, never a note, so that a file sent to
a funder or a network holds no personal data.

The queries take a session (``AssistanceService`` opens the unit of work); the writers take
the rows and a path and touch no database, so the windows run them in the background.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, extract
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, func, select

from tiers_lieu.models import AssistanceRecord, Category
from tiers_lieu.models.enums import CategoryKind


def commune_label(name: str, insee_code: str | None) -> str:
    return f"{name} ({insee_code})" if insee_code else name


@dataclass(frozen=True)
class MonthlyLine:
    operator: str
    counts: list[int]

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class MonthlyTable:
    months: list[str]
    """``AAAA-MM`` of every month the period touches, in order."""
    lines: list[MonthlyLine]

    def month_totals(self) -> list[int]:
        return [sum(line.counts[i] for line in self.lines) for i in range(len(self.months))]

    @property
    def total(self) -> int:
        return sum(line.total for line in self.lines)


def _in_period(site_id: uuid.UUID, start: date, end: date) -> list[ColumnElement[bool]]:
    return [
        col(AssistanceRecord.site_id) == site_id,
        col(AssistanceRecord.activity_date) >= start,
        col(AssistanceRecord.activity_date) <= end,
    ]


# -- queries ---------------------------------------------------------------------------------
def month_keys(start: date, end: date) -> list[str]:
    """``AAAA-MM`` of every month from ``start`` to ``end``."""
    keys: list[str] = []
    cursor = date(start.year, start.month, 1)
    while cursor <= end:
        keys.append(f"{cursor.year:04d}-{cursor.month:02d}")
        cursor = date(cursor.year + cursor.month // 12, cursor.month % 12 + 1, 1)
    return keys


def monthly_by_operator(
    session: Session, site_id: uuid.UUID, *, start: date, end: date
) -> MonthlyTable:
    """Every active organisme (and any inactive one with records), zeros included."""
    record = AssistanceRecord.__table__.c  # type: ignore[attr-defined]
    year = extract("year", record.activity_date)
    month = extract("month", record.activity_date)
    counted = session.execute(
        sa_select(record.operator_id, year, month, func.count())
        .where(*_in_period(site_id, start, end))
        .group_by(record.operator_id, year, month)
    ).all()
    operators = session.exec(
        select(Category)
        .where(Category.site_id == site_id, Category.kind == CategoryKind.OPERATOR)
        .order_by(col(Category.position), col(Category.label))
    ).all()
    months = month_keys(start, end)
    cells: dict[uuid.UUID, dict[str, int]] = {}
    for operator_id, y, m, n in counted:
        cells.setdefault(operator_id, {})[f"{int(y):04d}-{int(m):02d}"] = int(n)
    lines = [
        MonthlyLine(operator=c.label, counts=[cells.get(c.id, {}).get(m, 0) for m in months])
        for c in operators
        if c.active or c.id in cells
    ]
    return MonthlyTable(months=months, lines=lines)
