"""The lists of the assistance desk, read for « Suivis » and « Historique »: open follow-ups,
a page of records, and the totals of a period per organisme, thème and issue.

Lists show labels, not ids: the site's category labels (a few dozen rows) are read once per
call and joined in Python, which keeps the queries simple and the same on SQLite and
PostgreSQL; communes and people are read only for the rows of the page. Totals are SQL
aggregates. :class:`~tiers_lieu.services.assistance.AssistanceService` opens the unit of
work and calls these with its session.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time
from typing import Any

from sqlalchemy import ColumnElement, and_
from sqlmodel import Session, col, func, select

from tiers_lieu.models import AssistanceRecord, Category, Commune, Person, Visit
from tiers_lieu.models.enums import VisitSource
from tiers_lieu.services.assistance_export import commune_label


@dataclass(frozen=True)
class AssistanceRow:
    """One line of the « Historique » list (labels resolved, no note)."""

    id: uuid.UUID
    activity_date: date
    activity_time: time | None
    operator: str
    theme: str
    help_type: str
    duration_min: int
    outcome: str
    orientation: str
    commune: str
    person_name: str
    visit_counted: bool = False
    """The record counted its own visit (« Aide aux démarches »), which goes with it."""


@dataclass(frozen=True)
class FollowUp:
    id: uuid.UUID
    due: date
    activity_date: date
    operator: str
    theme: str
    outcome: str
    commune: str
    person_name: str
    note: str


@dataclass(frozen=True)
class TotalLine:
    label: str
    records: int
    minutes: int


@dataclass(frozen=True)
class AssistanceTotals:
    records: int
    minutes: int
    by_operator: list[TotalLine]
    by_theme: list[TotalLine]
    by_outcome: list[TotalLine]


def person_name(p: Person) -> str:
    name = " ".join(part for part in (p.first_name, p.last_name) if part)
    return name or p.organisation


def _labels(session: Session, site_id: uuid.UUID) -> dict[uuid.UUID, str]:
    rows = session.exec(
        select(Category.id, Category.label).where(Category.site_id == site_id)
    ).all()
    return {cid: label for cid, label in rows}


def _communes(session: Session, ids: Iterable[uuid.UUID | None]) -> dict[uuid.UUID, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.exec(
        select(Commune.id, Commune.name, Commune.insee_code).where(col(Commune.id).in_(wanted))
    ).all()
    return {cid: commune_label(name, code) for cid, name, code in rows}


def _people(session: Session, ids: Iterable[uuid.UUID | None]) -> dict[uuid.UUID, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.exec(select(Person).where(col(Person.id).in_(wanted))).all()
    return {p.id: person_name(p) for p in rows if p.anonymized_at is None}


def history_filter(
    site_id: uuid.UUID,
    start: date,
    end: date,
    operator_id: uuid.UUID | None,
    theme_id: uuid.UUID | None,
    outcome_id: uuid.UUID | None,
) -> ColumnElement[bool]:
    conditions: list[Any] = [
        AssistanceRecord.site_id == site_id,
        AssistanceRecord.activity_date >= start,
        AssistanceRecord.activity_date <= end,
    ]
    if operator_id is not None:
        conditions.append(AssistanceRecord.operator_id == operator_id)
    if theme_id is not None:
        conditions.append(AssistanceRecord.theme_id == theme_id)
    if outcome_id is not None:
        conditions.append(AssistanceRecord.outcome_id == outcome_id)
    return and_(*conditions)


def _open(site_id: uuid.UUID) -> ColumnElement[bool]:
    """Open follow-ups of a place (served by ``ix_assistance_record_open_follow_up``)."""
    return and_(
        col(AssistanceRecord.site_id) == site_id,
        col(AssistanceRecord.follow_up_closed_at).is_(None),
        col(AssistanceRecord.follow_up_due).is_not(None),
    )


def count_open_follow_ups(session: Session, site_id: uuid.UUID) -> int:
    return int(
        session.exec(select(func.count()).select_from(AssistanceRecord).where(_open(site_id))).one()
    )


def open_follow_ups(
    session: Session, site_id: uuid.UUID, due_before: date | None
) -> list[FollowUp]:
    query = select(AssistanceRecord).where(_open(site_id))
    if due_before is not None:
        query = query.where(col(AssistanceRecord.follow_up_due) <= due_before)
    rows = session.exec(
        query.order_by(col(AssistanceRecord.follow_up_due), col(AssistanceRecord.activity_date))
    ).all()
    labels = _labels(session, site_id)
    communes = _communes(session, (r.commune_id for r in rows))
    people = _people(session, (r.person_id for r in rows))
    return [
        FollowUp(
            id=r.id,
            due=r.follow_up_due or r.activity_date,
            activity_date=r.activity_date,
            operator=labels.get(r.operator_id, ""),
            theme=labels.get(r.theme_id, ""),
            outcome=labels.get(r.outcome_id, ""),
            commune=communes.get(r.commune_id, "") if r.commune_id else "",
            person_name=people.get(r.person_id, "") if r.person_id else "",
            note=r.note,
        )
        for r in rows
    ]


def history_page(
    session: Session, site_id: uuid.UUID, where: ColumnElement[bool], offset: int, limit: int
) -> list[AssistanceRow]:
    rows = session.exec(
        select(AssistanceRecord)
        .where(where)
        .order_by(
            col(AssistanceRecord.activity_date).desc(),
            col(AssistanceRecord.activity_time).desc(),
            col(AssistanceRecord.created_at).desc(),
        )
        .offset(offset)
        .limit(limit)
    ).all()
    labels = _labels(session, site_id)
    communes = _communes(session, (r.commune_id for r in rows))
    people = _people(session, (r.person_id for r in rows))
    counted = _own_visits(session, (r.visit_id for r in rows))
    return [
        AssistanceRow(
            id=r.id,
            activity_date=r.activity_date,
            activity_time=r.activity_time,
            operator=labels.get(r.operator_id, ""),
            theme=labels.get(r.theme_id, ""),
            help_type=labels.get(r.help_type_id, ""),
            duration_min=r.duration_min,
            outcome=labels.get(r.outcome_id, ""),
            orientation=labels.get(r.orientation_id, "") if r.orientation_id else "",
            commune=communes.get(r.commune_id, "") if r.commune_id else "",
            person_name=people.get(r.person_id, "") if r.person_id else "",
            visit_counted=r.visit_id in counted,
        )
        for r in rows
    ]


def _own_visits(session: Session, ids: Iterable[uuid.UUID | None]) -> set[uuid.UUID]:
    """Which of these visits a démarche counted (not the desk's own, a record attached)."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return set()
    rows = session.exec(
        select(Visit.id).where(col(Visit.id).in_(wanted), Visit.source == VisitSource.ASSISTANCE)
    ).all()
    return set(rows)


def history_totals(
    session: Session, site_id: uuid.UUID, where: ColumnElement[bool]
) -> AssistanceTotals:
    count = func.count(col(AssistanceRecord.id))
    minutes = func.coalesce(func.sum(AssistanceRecord.duration_min), 0)
    labels = _labels(session, site_id)

    def grouped(column: Any) -> list[TotalLine]:
        rows = session.exec(select(column, count, minutes).where(where).group_by(column)).all()
        lines = [TotalLine(labels.get(key, ""), int(n), int(m)) for key, n, m in rows]
        return sorted(lines, key=lambda line: (-line.records, line.label))

    total, total_minutes = session.exec(select(count, minutes).where(where)).one()
    return AssistanceTotals(
        records=int(total),
        minutes=int(total_minutes),
        by_operator=grouped(AssistanceRecord.operator_id),
        by_theme=grouped(AssistanceRecord.theme_id),
        by_outcome=grouped(AssistanceRecord.outcome_id),
    )
