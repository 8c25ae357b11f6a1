"""The attendance of a workshop or event, and the visits it counts.

Attendance is kept one of two ways: anonymous head-count lines (a count with gender, age band
and status) or the registered people, one line each. Attendance also counts as visits to the
event's service, because the funder's « fréquentation » must include the people a workshop
brought in. Rather than patch those visits line by line, every attendance change deletes the
event's visits (``source = "event"``) and writes them again from the attendance, in the same
transaction: the two can never disagree, whatever was edited. Changing the event's date, time
or service re-writes them the same way (:func:`mirror_visits`).

:class:`~tiers_lieu.services.events.EventService` opens the unit of work, finds the event and
commits; the functions here check the lines, write them, audit the change and re-write the
visits.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, insert, or_
from sqlalchemy import select as sa_select
from sqlmodel import col, select

from tiers_lieu.db import UnitOfWork
from tiers_lieu.errors import ValidationError
from tiers_lieu.i18n import _
from tiers_lieu.models import Event, EventAttendance, Person, Visit, utcnow
from tiers_lieu.models.enums import AttendanceMode, AuditAction, CategoryKind, VisitSource
from tiers_lieu.services import audit
from tiers_lieu.services.events_read import HeadCountLine
from tiers_lieu.services.visit_log import MAX_COUNT, check_categories


def check_head_counts(lines: Sequence[HeadCountLine]) -> None:
    """Each line counts 1 to :data:`MAX_COUNT` people; a refusal names the line."""
    for number, line in enumerate(lines, start=1):
        count = line.count
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise ValidationError(
                _("Nombre"), _("ligne {n} : au moins une personne").format(n=number)
            )
        if count > MAX_COUNT:
            raise ValidationError(
                _("Nombre"),
                _("ligne {n} : {max} personnes au plus").format(n=number, max=MAX_COUNT),
            )


def head_count_rows(
    uow: UnitOfWork, event: Event, lines: Sequence[HeadCountLine]
) -> list[dict[str, Any]]:
    """The attendance rows of anonymous head-count lines (checked by
    :func:`check_head_counts`), their categories checked against the event's place."""
    for line in lines:
        check_categories(
            uow,
            event.site_id,
            {
                CategoryKind.GENDER: line.gender_id,
                CategoryKind.AGE_BAND: line.age_band_id,
                CategoryKind.STATUS: line.status_id,
            },
        )
    return [
        {
            "count": line.count,
            "person_id": None,
            "gender_id": line.gender_id,
            "age_band_id": line.age_band_id,
            "status_id": line.status_id,
        }
        for line in lines
    ]


def registered_rows(
    uow: UnitOfWork, event: Event, person_ids: Sequence[uuid.UUID]
) -> list[dict[str, Any]]:
    """One attendance row per person (duplicates ignored), each a person of the event's
    place not erased; a person's last activity moves to the event's day when that is later."""
    unique = list(dict.fromkeys(person_ids))
    people = {p.id: p for p in uow.session.exec(select(Person).where(col(Person.id).in_(unique)))}
    rows: list[dict[str, Any]] = []
    for person_id in unique:
        person = people.get(person_id)
        if person is None or person.site_id != event.site_id or person.anonymized_at is not None:
            raise ValidationError(_("Participants"), _("une personne n'existe plus"))
        rows.append(
            {
                "count": 1,
                "person_id": person.id,
                "gender_id": person.gender_id,
                "age_band_id": person.age_band_id,
                "status_id": person.status_id,
                "commune_id": person.commune_id,
            }
        )
        if person.last_activity_on is None or person.last_activity_on < event.event_date:
            person.last_activity_on = event.event_date
            uow.session.add(person)
    return rows


def replace_attendance(
    uow: UnitOfWork,
    event: Event,
    mode: AttendanceMode,
    rows: Sequence[dict[str, Any]],
) -> None:
    """The event's attendance becomes ``rows``, kept the ``mode`` way; its visits follow
    and an audit line says so. The caller commits."""
    session = uow.session
    # The waiting list stays (services/programme.py), but for the people now listed.
    listed = [r["person_id"] for r in rows if r["person_id"] is not None]
    session.execute(
        delete(EventAttendance).where(
            col(EventAttendance.event_id) == event.id,
            or_(
                col(EventAttendance.waiting).is_(False),
                col(EventAttendance.person_id).in_(listed),
            ),
        )
    )
    now = utcnow()
    if rows:
        session.execute(
            insert(EventAttendance),
            [
                {
                    "id": uuid.uuid4(),
                    # One microsecond apart: the lines read back in the order given.
                    "created_at": now + timedelta(microseconds=number),
                    "updated_at": now,
                    "site_id": event.site_id,
                    "event_id": event.id,
                    **{k: v for k, v in row.items() if k != "commune_id"},
                }
                for number, row in enumerate(rows)
            ],
        )
    event.attendance_mode = mode
    session.add(event)
    session.flush()
    mirror_visits(uow, event)
    audit.record(
        uow,
        action=AuditAction.UPDATE,
        entity="event_attendance",
        entity_id=event.id,
        site_id=event.site_id,
        details={
            "mode": mode,
            "lines": len(rows),
            "participants": sum(r["count"] for r in rows),
        },
    )


def mirror_visits(uow: UnitOfWork, event: Event) -> None:
    """Delete the event's visits and write them again from its attendance."""
    session = uow.session
    session.execute(delete(Visit).where(col(Visit.event_id) == event.id))
    if event.service_id is None:
        return
    lines = session.execute(
        sa_select(
            col(EventAttendance.count),
            col(EventAttendance.person_id),
            col(EventAttendance.gender_id),
            col(EventAttendance.age_band_id),
            col(EventAttendance.status_id),
            col(Person.commune_id),
        )
        .select_from(EventAttendance)
        .outerjoin(Person, col(Person.id) == col(EventAttendance.person_id))
        .where(col(EventAttendance.event_id) == event.id, col(EventAttendance.waiting).is_(False))
    ).all()
    if not lines:
        return
    now = utcnow()
    session.execute(
        insert(Visit),
        [
            {
                "id": uuid.uuid4(),
                "created_at": now,
                "updated_at": now,
                "site_id": event.site_id,
                "service_id": event.service_id,
                "activity_date": event.event_date,
                "activity_time": event.start_time,
                "count": count,
                "person_id": person_id,
                "commune_id": commune_id,
                "gender_id": gender_id,
                "age_band_id": age_band_id,
                "status_id": status_id,
                "event_id": event.id,
                "source": VisitSource.EVENT,
                "created_by_id": uow.actor_id,
            }
            for count, person_id, gender_id, age_band_id, status_id, commune_id in lines
        ],
    )
