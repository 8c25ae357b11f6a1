"""Workshops and events (atelier numérique, animation, réunion…) and their attendance.

:class:`EventService` creates, changes and removes events, and replaces their attendance;
how attendance is kept and how it counts as visits (re-written from it after every change,
and after a new date, time or service) is :mod:`.events_attendance`. The read models are in
:mod:`.events_read`, the printed attendance sheets in :mod:`.events_sheets`.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time
from typing import Any

from sqlalchemy import delete
from sqlmodel import col, select

from tiers_lieu.db import UnitOfWork, UowFactory
from tiers_lieu.errors import ValidationError
from tiers_lieu.i18n import _, ngettext
from tiers_lieu.models import Event, EventAttendance, Partner, Service, Visit
from tiers_lieu.models.enums import (
    AttendanceMode,
    AuditAction,
    CategoryKind,
    ServiceKind,
)
from tiers_lieu.services import audit, coop_vocabulary
from tiers_lieu.services.access import Permission, in_place, requires
from tiers_lieu.services.events_attendance import (
    check_head_counts,
    head_count_rows,
    mirror_visits,
    registered_rows,
    replace_attendance,
)
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
from tiers_lieu.services.events_sheets import MAX_SHEETS, AttendanceSheet, attendance_sheets
from tiers_lieu.services.programme import event_or_gone, move_up, workshops_between
from tiers_lieu.services.programme_read import place_counts
from tiers_lieu.services.programme_room import follow_event, release_room
from tiers_lieu.services.visit_log import MAX_COUNT, check_categories

__all__ = [
    "AttendanceSheet",
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
    # What the Coop de la médiation numérique asks of a workshop (keys of
    # services/coop_vocabulary.py); ``capacity``: the places offered.
    capacity: int | None = None
    workshop_level: str | None = None
    digital_themes: tuple[str, ...] = ()
    equipment: tuple[str, ...] = ()
    channel: str | None = None


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
            return event_detail(uow, event_or_gone(uow, event_id))

    @requires(Permission.DESK)
    def attendance_sheet(self, event_id: uuid.UUID) -> AttendanceSheet:
        """The « feuille d'émargement » printed before the workshop."""
        with self._uow(read_only=True) as uow:
            event = event_or_gone(uow, event_id)
            return attendance_sheets(uow, event.site_id, [event])[0]

    @requires(Permission.DESK)
    def attendance_sheets(
        self, site_id: uuid.UUID, start: date, end: date
    ) -> tuple[AttendanceSheet, ...]:
        """The sheets of the place's workshops from ``start`` to ``end``, in their order."""
        with self._uow(read_only=True) as uow:
            events = workshops_between(uow, site_id, start, end, most=MAX_SHEETS)
            return tuple(attendance_sheets(uow, site_id, events))

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
            event = event_or_gone(uow, event_id)
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
            if "capacity" in changed and data.capacity is not None:
                _check_places_taken(uow, event.id, data.capacity)
            for key, (_old, new) in changed.items():
                setattr(event, key, new)
            uow.session.add(event)
            uow.session.flush()
            # More places: the first people waiting move up (services/programme.py).
            moved = "capacity" in changed and bool(move_up(uow, event))
            if moved or changed.keys() & {"event_date", "start_time", "service_id"}:
                mirror_visits(uow, event)
            if changed.keys() & {"event_date", "start_time", "duration_min", "title"}:
                follow_event(uow, event)  # the room it blocks moves with it, or nothing does
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
        """Remove the event, its attendance and the visits it counted; the room it blocked
        in the agenda is freed (its booking cancelled)."""
        with self._uow() as uow:
            event = event_or_gone(uow, event_id)
            session = uow.session
            release_room(uow, event)
            session.flush()
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
        check_head_counts(lines)
        with self._uow() as uow:
            event = event_or_gone(uow, event_id)
            rows = head_count_rows(uow, event, lines)
            replace_attendance(uow, event, AttendanceMode.ANONYMOUS, rows)
            detail = event_detail(uow, event)
            uow.commit()
            return detail

    @requires(Permission.DESK)
    def set_registered(
        self,
        event_id: uuid.UUID,
        person_ids: Sequence[uuid.UUID],
    ) -> EventDetail:
        """Replace the attendance by these people, one visit each (duplicates ignored)."""
        with self._uow() as uow:
            event = event_or_gone(uow, event_id)
            rows = registered_rows(uow, event, person_ids)
            replace_attendance(uow, event, AttendanceMode.REGISTERED, rows)
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
    capacity = data.capacity
    if capacity is not None and (
        isinstance(capacity, bool)
        or not isinstance(capacity, int)
        or not 1 <= capacity <= MAX_COUNT
    ):
        raise ValidationError(_("Places"), _("entre 1 et {max} personnes").format(max=MAX_COUNT))
    return {
        "title": title,
        "theme": theme.strip(),
        "duration_min": duration_min,
        "place": place.strip(),
        "facilitator": facilitator.strip(),
        "capacity": capacity,
        "workshop_level": coop_vocabulary.WORKSHOP_LEVELS.check(data.workshop_level),
        "digital_themes": coop_vocabulary.DIGITAL_THEMES.join(data.digital_themes),
        "equipment": coop_vocabulary.EQUIPMENT.join(data.equipment),
        "channel": coop_vocabulary.CHANNELS.check(data.channel),
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


def _check_places_taken(uow: UnitOfWork, event_id: uuid.UUID, capacity: int) -> None:
    """Fewer places than are taken would leave people told « inscrit » without one."""
    taken = place_counts(uow, [event_id])[0].get(event_id, 0)
    if capacity < taken:
        raise ValidationError(
            _("Places"),
            ngettext(
                "{n} place est déjà prise : annulez des inscriptions avant d'en offrir moins",
                "{n} places sont déjà prises : annulez des inscriptions avant d'en offrir moins",
                taken,
            ).format(n=taken),
        )
