"""Corrections of the assistance desk: a démarche typed wrong (category, person, date), one
typed twice, a follow-up put off to another day.

A record is more than its row: :meth:`AssistanceService.create` also counted a visit to
« Aide aux démarches », opened a follow-up for some outcomes, moved the person's last activity
and filled the Coop's columns. A correction keeps all of it in step in the same transaction,
so that the funders' figures (the LEADER report's visits and démarches, the France Services
table, the Coop export) read as if the record had been typed right the first time:

- :meth:`~AssistanceEditService.update` passes the checks of a new record
  (:func:`~tiers_lieu.services.assistance_checks.check_input`); the visit the record counted
  takes its new date, hour and person details; its follow-up opens, moves or goes with the
  outcome, and one already closed stays closed (with the orientation it was closed with); a
  letter's relaunch date is kept. The record's source and the visit it is attached to do not
  change: an imported record still counts no visit.
- :meth:`~AssistanceEditService.delete` removes the record and the visit it counted (a visit
  counted by the desk for itself, or shared with another record, stays); both leave their
  tombstones for the bundles.
- :meth:`~AssistanceEditService.reschedule_follow_up` gives an open follow-up a new date, by
  the rule of a letter's relaunch.

Each is audited (who: the account signed in) with what changed; the fields that describe the
person (who, commune, age band, gender, status, note, the démarche's name) are named, never
shown. Another place's record is « not found » (the unit of work's place filter).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlmodel import Session, col, func, select

from tiers_lieu.db import UowFactory
from tiers_lieu.errors import NotFoundError
from tiers_lieu.i18n import _
from tiers_lieu.models import AssistanceRecord, Category, Person, Service, Visit
from tiers_lieu.models.enums import AuditAction, VisitSource
from tiers_lieu.services import audit, coop_vocabulary
from tiers_lieu.services.access import Permission, requires
from tiers_lieu.services.assistance import AssistanceInfo, record_info
from tiers_lieu.services.assistance_audit import audit_read, commit_change
from tiers_lieu.services.assistance_checks import (
    AssistanceInput,
    check_input,
    open_follow_up,
    touch_person,
)
from tiers_lieu.services.assistance_history import person_name
from tiers_lieu.services.letters import move_follow_up
from tiers_lieu.services.visits import remove_visit

__all__ = ["AssistanceDetail", "AssistanceEditService", "RemovedRecord"]

VISIT_COPIED = (
    "activity_date",
    "activity_time",
    "person_id",
    "commune_id",
    "age_band_id",
    "gender_id",
    "status_id",
)
"""What the visit a record counted holds of it."""
PRIVATE = frozenset(VISIT_COPIED[2:]) | {"note", "demarche_name"}
"""Columns describing the person: an audit line names them when they change, no more."""
SHOWN_CATEGORIES = (
    "operator_id",
    "theme_id",
    "help_type_id",
    "place_id",
    "outcome_id",
    "orientation_id",
    "follow_up_outcome_id",
)


@dataclass(frozen=True)
class AssistanceDetail:
    """A record as the démarche form shows it to be corrected (ids, and the labels of its
    categories: a list entry made inactive since is still shown)."""

    id: uuid.UUID
    activity_date: date
    activity_time: time | None
    operator_id: uuid.UUID
    theme_id: uuid.UUID
    help_type_id: uuid.UUID
    duration_min: int
    place_id: uuid.UUID | None
    outcome_id: uuid.UUID
    orientation_id: uuid.UUID | None
    person_id: uuid.UUID | None
    person_label: str
    """The person's name; empty when anonymous or erased since."""
    commune_id: uuid.UUID | None
    age_band_id: uuid.UUID | None
    gender_id: uuid.UUID | None
    status_id: uuid.UUID | None
    note: str
    follow_up_due: date | None
    follow_up_closed: bool
    letter_sent_on: date | None
    answer_expected_on: date | None
    channel: str | None
    equipment: tuple[str, ...]
    autonomy: str | None
    digital_themes: tuple[str, ...]
    demarche_name: str
    labels: dict[uuid.UUID, str]
    visit_service: str | None
    """The service of the visit the record counted (it follows the record); ``None``."""


@dataclass(frozen=True)
class RemovedRecord:
    """What a deletion took away, for the desk's confirmation."""

    activity_date: date
    operator: str
    theme: str
    visit_service: str | None
    """The service of the visit removed with the record; ``None`` when none was."""


class AssistanceEditService:
    def __init__(self, uow: UowFactory) -> None:
        self._uow = uow

    @requires(Permission.ASSISTANCE)
    def detail(self, record_id: uuid.UUID) -> AssistanceDetail:
        """The record to correct, every field; its person and note are shown: audited."""
        with self._uow() as uow:
            session = uow.session
            r = _record(session, record_id)
            person = session.get(Person, r.person_id) if r.person_id else None
            visit = _own_visit(session, r)
            detail = AssistanceDetail(
                id=r.id,
                activity_date=r.activity_date,
                activity_time=r.activity_time,
                operator_id=r.operator_id,
                theme_id=r.theme_id,
                help_type_id=r.help_type_id,
                duration_min=r.duration_min,
                place_id=r.place_id,
                outcome_id=r.outcome_id,
                orientation_id=r.orientation_id,
                person_id=r.person_id,
                person_label=person_name(person)
                if person is not None and person.anonymized_at is None
                else "",
                commune_id=r.commune_id,
                age_band_id=r.age_band_id,
                gender_id=r.gender_id,
                status_id=r.status_id,
                note=r.note,
                follow_up_due=r.follow_up_due,
                follow_up_closed=r.follow_up_closed_at is not None,
                letter_sent_on=r.letter_sent_on,
                answer_expected_on=r.answer_expected_on,
                channel=r.channel,
                equipment=coop_vocabulary.EQUIPMENT.split(r.equipment),
                autonomy=r.autonomy,
                digital_themes=coop_vocabulary.DIGITAL_THEMES.split(r.digital_themes),
                demarche_name=r.demarche_name,
                labels=_labels(session, _category_ids(r)),
                visit_service=_service_name(session, visit),
            )
            audit_read(uow, r.site_id, {"records": 1})
            return detail

    @requires(Permission.ASSISTANCE)
    def update(self, record_id: uuid.UUID, data: AssistanceInput) -> AssistanceInfo:
        """Correct the record with ``data`` (checked as a new record is); what the record
        wrote besides itself follows (see the module). Nothing changed: nothing written."""
        with self._uow() as uow:
            session = uow.session
            record = _record(session, record_id)
            site_id = record.site_id
            checked = check_input(uow, site_id, data)
            if data.person_id is not None:
                touch_person(
                    session,
                    site_id,
                    data.person_id,
                    data.activity_date,
                    attached=data.person_id != record.person_id,
                )
            values = _new_values(record, data, checked.due)
            values.update(note=checked.note, **checked.coop)
            changed = [name for name, value in values.items() if getattr(record, name) != value]
            visit = _own_visit(session, record)
            service = _service_name(session, visit)
            names = tuple(name.removesuffix("_id") for name in changed)
            if not changed:
                return record_info(record, checked.labels, visit_service=service)
            labels = _labels(session, [*_category_ids(record), *checked.labels])
            details = _details(record, values, changed, labels)
            for name in changed:
                setattr(record, name, values[name])
            if visit is not None:  # the visit it counted is the same person, day and hour
                for name in VISIT_COPIED:
                    setattr(visit, name, getattr(record, name))
                session.add(visit)
            commit_change(uow, record, details)
            return record_info(record, checked.labels, visit_service=service, changed=names)

    @requires(Permission.ASSISTANCE)
    def delete(self, record_id: uuid.UUID) -> RemovedRecord:
        """Remove the record (typed twice, or by mistake) and the visit it counted."""
        with self._uow() as uow:
            session = uow.session
            record = _record(session, record_id)
            visit = _own_visit(session, record)
            service = _service_name(session, visit)
            labels = _labels(session, _category_ids(record))
            removed = RemovedRecord(
                activity_date=record.activity_date,
                operator=labels.get(record.operator_id, ""),
                theme=labels.get(record.theme_id, ""),
                visit_service=service,
            )
            session.delete(record)
            session.flush()  # the record first: it points at the visit
            if visit is not None:
                remove_visit(uow, visit)
            audit.record(
                uow,
                action=AuditAction.DELETE,
                entity="assistance_record",
                entity_id=record.id,
                site_id=record.site_id,
                details={
                    "demarche_date": record.activity_date.isoformat(),
                    "operator": removed.operator,
                    "theme": removed.theme,
                    "outcome": labels.get(record.outcome_id, ""),
                    "duration_min": record.duration_min,
                    "visit_removed": visit is not None,
                },
            )
            uow.commit()
            return removed

    @requires(Permission.ASSISTANCE)
    def reschedule_follow_up(self, record_id: uuid.UUID, *, due: date) -> None:
        """Put an open follow-up off to ``due`` (from today, at most a year ahead)."""
        with self._uow() as uow:
            record = open_follow_up(uow.session, record_id)
            move_follow_up(uow, record, due, told="follow_up_rescheduled_to")


def _record(session: Session, record_id: uuid.UUID) -> AssistanceRecord:
    record = session.get(AssistanceRecord, record_id)
    if record is None:
        raise NotFoundError(_("Cette démarche n'existe plus (elle a peut-être été supprimée)."))
    return record


def _own_visit(session: Session, record: AssistanceRecord) -> Visit | None:
    """The visit ``record`` counted when it was made; not one the desk counted for itself,
    nor one another record is attached to."""
    if record.visit_id is None:
        return None
    visit = session.get(Visit, record.visit_id)
    if visit is None or visit.source != VisitSource.ASSISTANCE:
        return None
    others = session.exec(
        select(func.count())
        .select_from(AssistanceRecord)
        .where(
            AssistanceRecord.site_id == record.site_id,
            AssistanceRecord.visit_id == visit.id,
            AssistanceRecord.id != record.id,
        )
    ).one()
    return visit if not others else None


def _service_name(session: Session, visit: Visit | None) -> str | None:
    if visit is None:
        return None
    service = session.get(Service, visit.service_id)
    return service.name if service is not None else None


def _category_ids(record: AssistanceRecord) -> list[uuid.UUID | None]:
    return [
        getattr(record, name)
        for name in (*SHOWN_CATEGORIES, "age_band_id", "gender_id", "status_id")
    ]


def _labels(session: Session, ids: Iterable[uuid.UUID | None]) -> dict[uuid.UUID, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.exec(select(Category.id, Category.label).where(col(Category.id).in_(wanted)))
    return dict(rows.all())


def _new_values(
    record: AssistanceRecord, data: AssistanceInput, due: date | None
) -> dict[str, Any]:
    """The record's columns after the correction (the note and the Coop's are the caller's).

    The follow-up ``due`` is the new record's; but one already closed keeps its date and the
    orientation it was closed with, and a relaunched letter its relaunch date. An outcome
    with no follow-up (and no letter) takes the follow-up away, closed or not.
    """
    values: dict[str, Any] = {
        name: getattr(data, name)
        for name in (
            "activity_date",
            "activity_time",
            "operator_id",
            "theme_id",
            "help_type_id",
            "duration_min",
            "place_id",
            "outcome_id",
            "orientation_id",
            "person_id",
            "commune_id",
            "age_band_id",
            "gender_id",
            "status_id",
            "letter_sent_on",
            "answer_expected_on",
        )
    }
    relaunched = (
        record.answer_expected_on is not None
        and data.answer_expected_on is not None
        and record.follow_up_due not in (None, record.answer_expected_on)
    )
    if due is None:
        values.update(follow_up_due=None, follow_up_closed_at=None, follow_up_outcome_id=None)
    elif record.follow_up_closed_at is not None:
        values.update(follow_up_due=record.follow_up_due, orientation_id=record.orientation_id)
    else:
        values["follow_up_due"] = record.follow_up_due if relaunched else due
    return values


def _details(
    record: AssistanceRecord,
    values: dict[str, Any],
    changed: list[str],
    labels: dict[uuid.UUID, str],
) -> dict[str, object]:
    """The audit line's details: ``changed`` {field: [before, after]} for what describes the
    procedure, ``fields`` for what describes the person (named, not shown)."""

    def shown(name: str, value: Any) -> Any:
        if value is None:
            return None
        if name in SHOWN_CATEGORIES:
            return labels.get(value, "")
        if isinstance(value, date | time | datetime):
            return value.isoformat()
        return value

    details: dict[str, object] = {
        "changed": {
            name.removesuffix("_id"): [
                shown(name, getattr(record, name)),
                shown(name, values[name]),
            ]
            for name in changed
            if name not in PRIVATE
        }
    }
    hidden = [name.removesuffix("_id") for name in changed if name in PRIVATE]
    if hidden:
        details["fields"] = hidden
    return details
