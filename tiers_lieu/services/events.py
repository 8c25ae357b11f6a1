"""Workshops and events (atelier numérique, animation, réunion…) and their attendance.

Attendance is kept one of two ways: anonymous head-count lines (a count with gender, age band
and status) or the registered people, one line each. Attendance also counts as visits to the
event's service, because the funder's « fréquentation » must include the people a workshop
brought in. Rather than patch those visits line by line, every attendance change deletes the
event's visits (``source = "event"``) and writes them again from the attendance, in the same
transaction: the two can never disagree, whatever was edited. Changing the event's date, time
or service re-writes them the same way.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Any

from sqlalchemy import delete, insert
from sqlalchemy import select as sa_select
from sqlmodel import col, select

from tiers_lieu.db import UnitOfWork, UowFactory
from tiers_lieu.errors import NotFoundError, ValidationError
from tiers_lieu.i18n import _
from tiers_lieu.models import Event, EventAttendance, Partner, Person, Service, Visit, utcnow
from tiers_lieu.models.enums import (
    AttendanceMode,
    AuditAction,
    CategoryKind,
    ServiceKind,
    VisitSource,
)
from tiers_lieu.services import audit
from tiers_lieu.services.access import Permission, in_place, requires
from tiers_lieu.services.events_read import (
    EventDetail,
    EventInfo,
    EventTotals,
    HeadCountLine,
    PartnerChoice,
    RegisteredPerson,
    event_detail,
    event_infos,
    event_totals,
)
from tiers_lieu.services.visit_log import MAX_COUNT, check_categories

__all__ = [
    "EventDetail",
    "EventFields",
    "EventInfo",
    "EventService",
    "EventTotals",
    "HeadCountLine",
    "PartnerChoice",
    "RegisteredPerson",
    "event_totals",
]

MAX_DURATION_MIN = 24 * 60


@dataclass(frozen=True, slots=True, kw_only=True)
class EventFields:
    """What the event form gives, for a new event or a change of one. ``service_id`` left
    ``None`` is the workshop service (on a change: the event's current service)."""

    title: str
    event_date: date
    event_type_id: uuid.UUID | None = None
    theme: str = ""
    start_time: time | None = None
    duration_min: int = 60
    place: str = ""
    facilitator: str = ""
    partner_id: uuid.UUID | None = None
    service_id: uuid.UUID | None = None


class EventService:
    def __init__(self, uow: UowFactory) -> None:
        self._uow = uow

    # -- choices for the form ---------------------------------------------------------------
    @in_place
    def default_service_id(self, site_id: uuid.UUID) -> uuid.UUID | None:
        """The « Atelier / animation » service (the first active one of kind workshop)."""
        with self._uow() as uow:
            return _default_service(uow, site_id)

    @in_place
    def list_partners(self, site_id: uuid.UUID) -> list[PartnerChoice]:
        with self._uow() as uow:
            rows = uow.session.exec(
                select(Partner).where(Partner.site_id == site_id).order_by(col(Partner.name))
            )
            return [PartnerChoice(p.id, p.name) for p in rows]

    # -- reading ----------------------------------------------------------------------------
    @requires(Permission.DESK)
    def list(self, site_id: uuid.UUID, start: date, end: date) -> list[EventInfo]:
        """Events from ``start`` to ``end`` inclusive, newest first, with participants."""
        with self._uow() as uow:
            events = list(
                uow.session.exec(
                    select(Event)
                    .where(
                        Event.site_id == site_id,
                        col(Event.event_date) >= start,
                        col(Event.event_date) <= end,
                    )
                    .order_by(col(Event.event_date).desc(), col(Event.start_time).desc())
                )
            )
            return event_infos(uow, site_id, events)

    @requires(Permission.DESK)
    def get(self, event_id: uuid.UUID) -> EventDetail:
        with self._uow() as uow:
            return event_detail(uow, _event(uow, event_id))

    # -- writing ----------------------------------------------------------------------------
    @requires(Permission.BOOKINGS)
    def create(self, site_id: uuid.UUID, data: EventFields) -> EventInfo:
        """A new event without attendance yet; ``service_id`` defaults to the workshop
        service."""
        fields = _checked_fields(data)
        with self._uow() as uow:
            service_id = data.service_id or _default_service(uow, site_id)
            _check_links(uow, site_id, service_id, data.event_type_id, data.partner_id)
            event = Event(
                site_id=site_id,
                event_date=data.event_date,
                start_time=_minute(data.start_time),
                event_type_id=data.event_type_id,
                partner_id=data.partner_id,
                service_id=service_id,
                attendance_mode=AttendanceMode.ANONYMOUS,
                **fields,
            )
            uow.session.add(event)
            uow.session.flush()
            audit.record(
                uow,
                action=AuditAction.CREATE,
                entity="event",
                entity_id=event.id,
                site_id=site_id,
            )
            info = event_infos(uow, site_id, [event])[0]
            uow.commit()
            return info

    @requires(Permission.BOOKINGS)
    def update(self, event_id: uuid.UUID, data: EventFields) -> EventInfo:
        """Change the event; its visits follow a new date, time or service."""
        fields = _checked_fields(data)
        with self._uow() as uow:
            event = _event(uow, event_id)
            service_id = data.service_id or event.service_id or _default_service(uow, event.site_id)
            _check_links(uow, event.site_id, service_id, data.event_type_id, data.partner_id)
            values: dict[str, Any] = {
                **fields,
                "event_date": data.event_date,
                "start_time": _minute(data.start_time),
                "event_type_id": data.event_type_id,
                "partner_id": data.partner_id,
                "service_id": service_id,
            }
            changed = {
                k: [getattr(event, k), v] for k, v in values.items() if getattr(event, k) != v
            }
            for key, (_old, new) in changed.items():
                setattr(event, key, new)
            uow.session.add(event)
            uow.session.flush()
            if changed.keys() & {"event_date", "start_time", "service_id"}:
                _mirror_visits(uow, event)
            audit.record(
                uow,
                action=AuditAction.UPDATE,
                entity="event",
                entity_id=event.id,
                site_id=event.site_id,
                details={"changed": sorted(changed)},
            )
            info = event_infos(uow, event.site_id, [event])[0]
            uow.commit()
            return info

    @requires(Permission.BOOKINGS)
    def delete(self, event_id: uuid.UUID) -> None:
        """Remove the event, its attendance and the visits it counted."""
        with self._uow() as uow:
            event = _event(uow, event_id)
            session = uow.session
            session.execute(delete(Visit).where(col(Visit.event_id) == event_id))
            session.execute(
                delete(EventAttendance).where(col(EventAttendance.event_id) == event_id)
            )
            audit.record(
                uow,
                action=AuditAction.DELETE,
                entity="event",
                entity_id=event.id,
                site_id=event.site_id,
                details={"title": event.title, "event_date": event.event_date},
            )
            session.delete(event)
            uow.commit()

    @requires(Permission.DESK)
    def set_head_counts(
        self,
        event_id: uuid.UUID,
        lines: Sequence[HeadCountLine],
    ) -> EventDetail:
        """Replace the attendance by anonymous head-count lines (and the visits with it)."""
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
        with self._uow() as uow:
            event = _event(uow, event_id)
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
            rows = [
                {
                    "count": line.count,
                    "person_id": None,
                    "gender_id": line.gender_id,
                    "age_band_id": line.age_band_id,
                    "status_id": line.status_id,
                }
                for line in lines
            ]
            return self._replace_attendance(uow, event, AttendanceMode.ANONYMOUS, rows)

    @requires(Permission.DESK)
    def set_registered(
        self,
        event_id: uuid.UUID,
        person_ids: Sequence[uuid.UUID],
    ) -> EventDetail:
        """Replace the attendance by these people, one visit each (duplicates ignored)."""
        unique = list(dict.fromkeys(person_ids))
        with self._uow() as uow:
            event = _event(uow, event_id)
            people = {
                p.id: p for p in uow.session.exec(select(Person).where(col(Person.id).in_(unique)))
            }
            rows: list[dict[str, Any]] = []
            for person_id in unique:
                person = people.get(person_id)
                if (
                    person is None
                    or person.site_id != event.site_id
                    or person.anonymized_at is not None
                ):
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
            return self._replace_attendance(uow, event, AttendanceMode.REGISTERED, rows)

    def _replace_attendance(
        self,
        uow: UnitOfWork,
        event: Event,
        mode: AttendanceMode,
        rows: Sequence[dict[str, Any]],
    ) -> EventDetail:
        session = uow.session
        session.execute(delete(EventAttendance).where(col(EventAttendance.event_id) == event.id))
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
        _mirror_visits(uow, event)
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
        detail = event_detail(uow, event)
        uow.commit()
        return detail


# -- helpers ---------------------------------------------------------------------------------
def _minute(value: time | None) -> time | None:
    return None if value is None else value.replace(second=0, microsecond=0)


def _checked_fields(data: EventFields) -> dict[str, Any]:
    title, theme, duration_min = data.title.strip(), data.theme, data.duration_min
    place, facilitator = data.place, data.facilitator
    if not title:
        raise ValidationError(_("Titre"), _("ce champ est obligatoire"))
    if len(title) > 200:
        raise ValidationError(_("Titre"), _("200 caractères au plus"))
    if isinstance(duration_min, bool) or not isinstance(duration_min, int) or duration_min < 0:
        raise ValidationError(_("Durée"), _("un nombre de minutes positif est attendu"))
    if duration_min > MAX_DURATION_MIN:
        raise ValidationError(_("Durée"), _("24 heures au plus"))
    for value, field in ((theme, _("Thème")), (place, _("Lieu")), (facilitator, _("Animé par"))):
        if len(value.strip()) > 120:
            raise ValidationError(field, _("120 caractères au plus"))
    return {
        "title": title,
        "theme": theme.strip(),
        "duration_min": duration_min,
        "place": place.strip(),
        "facilitator": facilitator.strip(),
    }


def _default_service(uow: UnitOfWork, site_id: uuid.UUID) -> uuid.UUID | None:
    return uow.session.exec(
        select(Service.id)
        .where(
            Service.site_id == site_id,
            Service.kind == ServiceKind.WORKSHOP,
            col(Service.active).is_(True),
        )
        .order_by(col(Service.position))
    ).first()


def _check_links(
    uow: UnitOfWork,
    site_id: uuid.UUID,
    service_id: uuid.UUID | None,
    event_type_id: uuid.UUID | None,
    partner_id: uuid.UUID | None,
) -> None:
    if service_id is None:
        raise ValidationError(
            _("Service"), _("choisissez le service auquel compter les participants")
        )
    service = uow.session.get(Service, service_id)
    if service is None or service.site_id != site_id:
        raise ValidationError(_("Service"), _("ce service n'existe pas dans ce lieu"))
    check_categories(uow, site_id, {CategoryKind.EVENT_TYPE: event_type_id})
    if partner_id is not None:
        partner = uow.session.get(Partner, partner_id)
        if partner is None or partner.site_id != site_id:
            raise ValidationError(_("Partenaire"), _("ce partenaire n'existe pas dans ce lieu"))


def _event(uow: UnitOfWork, event_id: uuid.UUID) -> Event:
    event = uow.session.get(Event, event_id)
    if event is None:
        raise NotFoundError(_("Cet atelier n'existe plus : la liste a été mise à jour."))
    return event


def _mirror_visits(uow: UnitOfWork, event: Event) -> None:
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
        .where(col(EventAttendance.event_id) == event.id)
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
