"""The workshops' programme: registrations ahead with the places counted, the waiting list,
the room blocked in the agenda, and the week's or month's programme to print and publish.

A registration is an attendance line of the workshop (:class:`~tiers_lieu.models.EventAttendance`):
one line per person registered, or one line of ``count`` places reserved without a name
(« 3 places réservées » for a group). Both count against the workshop's capacity. A person
registered beyond the capacity goes on the waiting list (``waiting=True``): not counted
present, no visit, not on the attendance sheet. When a registration is cancelled, the first
people waiting (in the order they asked) move up as long as places are free, each with an
audit line. Places reserved without a name are refused beyond the capacity (no one to call
back). Without a capacity a workshop takes everyone.

The room: :mod:`.programme_room` (the agenda's rules; moving or removing the workshop moves
or frees it through :class:`~tiers_lieu.services.events.EventService`).

The programme of a period (:meth:`ProgrammeService.programme`) is a read model; the poster
(PDF A4/A3), the ``.ics`` file and the static HTML page are written by
:mod:`tiers_lieu.reports.documents.programme`.
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import col, select

from tiers_lieu.db import UnitOfWork, UowFactory
from tiers_lieu.errors import ConflictError, NotFoundError, ValidationError
from tiers_lieu.i18n import _, ngettext
from tiers_lieu.models import Event, EventAttendance, Person, Resource, Site
from tiers_lieu.models.enums import AttendanceMode, AuditAction
from tiers_lieu.services import audit
from tiers_lieu.services.access import Permission, requires
from tiers_lieu.services.events_attendance import mirror_visits
from tiers_lieu.services.lookups import get_or_gone
from tiers_lieu.services.programme_read import (
    MAX_EVENTS,
    MONTH,
    WEEK,
    CancelOutcome,
    EventPlaces,
    Programme,
    ProgrammeLine,
    Registration,
    RegistrationOutcome,
    RoomChoice,
    event_places,
    period_of,
    person_name,
    place_counts,
    reserved_text,
    room_names,
)
from tiers_lieu.services.programme_room import ROOM_KINDS, book_room, release_room
from tiers_lieu.services.visit_log import MAX_COUNT

__all__ = [
    "MAX_EVENTS",
    "MONTH",
    "WEEK",
    "CancelOutcome",
    "EventPlaces",
    "Programme",
    "ProgrammeLine",
    "ProgrammeService",
    "Registration",
    "RegistrationOutcome",
    "RoomChoice",
    "event_or_gone",
    "move_up",
    "period_of",
    "workshops_between",
]


class ProgrammeService:
    def __init__(self, uow: UowFactory) -> None:
        self._uow = uow

    # -- reading ----------------------------------------------------------------------------
    @requires(Permission.DESK)
    def places(self, event_id: uuid.UUID) -> EventPlaces:
        with self._uow(read_only=True) as uow:
            return event_places(uow, event_or_gone(uow, event_id))

    @requires(Permission.DESK)
    def rooms(self, site_id: uuid.UUID) -> list[RoomChoice]:
        """The place's active rooms a workshop may block, by name."""
        with self._uow(read_only=True) as uow:
            rows = uow.session.exec(
                select(Resource)
                .where(
                    Resource.site_id == site_id,
                    col(Resource.active).is_(True),
                    col(Resource.kind).in_(ROOM_KINDS),
                )
                .order_by(col(Resource.name))
            )
            return [RoomChoice(r.id, r.name, r.capacity) for r in rows]

    @requires(Permission.DESK)
    def programme(self, site_id: uuid.UUID, start: date, end: date) -> Programme:
        """The place's workshops from ``start`` to ``end`` with their places left."""
        if end < start:
            raise ValidationError(_("Période"), _("la fin précède le début"))
        with self._uow(read_only=True) as uow:
            site = uow.session.get(Site, site_id)
            if site is None:
                raise NotFoundError(_("Ce lieu n'existe plus."))
            events = workshops_between(uow, site_id, start, end, most=MAX_EVENTS)
            taken, waiting = place_counts(uow, [e.id for e in events])
            rooms = room_names(uow, events)
            address = ", ".join(p for p in (site.address.strip(), site.commune_name.strip()) if p)
            return Programme(
                site_id=site_id,
                place_name=site.name,
                place_address=address,
                zone_name=site.timezone or "Europe/Paris",
                start=start,
                end=end,
                lines=tuple(
                    ProgrammeLine(
                        event_id=e.id,
                        title=e.title,
                        event_date=e.event_date,
                        start_time=e.start_time,
                        duration_min=e.duration_min,
                        room=rooms.get(e.id, "") or e.place,
                        facilitator=e.facilitator,
                        capacity=e.capacity,
                        taken=taken.get(e.id, 0),
                        waiting=waiting.get(e.id, 0),
                    )
                    for e in events
                ),
            )

    # -- registrations ----------------------------------------------------------------------
    @requires(Permission.DESK)
    def register(self, event_id: uuid.UUID, person_id: uuid.UUID) -> RegistrationOutcome:
        """Register a person: a place while there is one, else the waiting list."""
        with self._uow() as uow:
            event = event_or_gone(uow, event_id, lock=True)
            person = uow.session.get(Person, person_id)
            if person is None or person.site_id != event.site_id or person.anonymized_at:
                raise ValidationError(_("Personne"), _("cette personne n'existe plus"))
            already = uow.session.exec(
                select(EventAttendance.waiting).where(
                    EventAttendance.event_id == event.id, EventAttendance.person_id == person.id
                )
            ).first()
            if already is not None:
                raise ValidationError(
                    _("Personne"),
                    _("{name} est déjà sur la liste d'attente").format(name=person_name(person))
                    if already
                    else _("{name} est déjà inscrite").format(name=person_name(person)),
                )
            taken = _taken(uow, event.id)
            waiting = event.capacity is not None and taken + 1 > event.capacity
            row = EventAttendance(
                site_id=event.site_id,
                event_id=event.id,
                person_id=person.id,
                count=1,
                gender_id=person.gender_id,
                age_band_id=person.age_band_id,
                status_id=person.status_id,
                waiting=waiting,
            )
            uow.session.add(row)
            if not waiting:
                event.attendance_mode = AttendanceMode.REGISTERED
                uow.session.add(event)
                if person.last_activity_on is None or person.last_activity_on < event.event_date:
                    person.last_activity_on = event.event_date
                    uow.session.add(person)
            uow.session.flush()
            _audit_registration(uow, AuditAction.CREATE, row.id, event, waiting=waiting)
            if not waiting:
                mirror_visits(uow, event)
            places = event_places(uow, event)
            position = None
            if waiting:
                ids = [r.id for r in places.registrations if r.waiting]
                position = ids.index(row.id) + 1
            uow.commit()
            return RegistrationOutcome(places, waiting, position)

    @requires(Permission.DESK)
    def reserve(self, event_id: uuid.UUID, count: int) -> RegistrationOutcome:
        """Reserve ``count`` places without names (a group); refused beyond the places left."""
        if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_COUNT:
            raise ValidationError(
                _("Places"), _("entre 1 et {max} personnes").format(max=MAX_COUNT)
            )
        with self._uow() as uow:
            event = event_or_gone(uow, event_id, lock=True)
            taken = _taken(uow, event.id)
            if event.capacity is not None and taken + count > event.capacity:
                left = max(0, event.capacity - taken)
                raise ValidationError(
                    _("Places"),
                    ngettext(
                        "il reste {n} place sur {capacity}",
                        "il reste {n} places sur {capacity}",
                        left,
                    ).format(n=left, capacity=event.capacity),
                )
            row = EventAttendance(
                site_id=event.site_id, event_id=event.id, person_id=None, count=count
            )
            uow.session.add(row)
            uow.session.flush()
            _audit_registration(uow, AuditAction.CREATE, row.id, event, reserved=count)
            mirror_visits(uow, event)
            places = event_places(uow, event)
            uow.commit()
            return RegistrationOutcome(places, False)

    @requires(Permission.DESK)
    def cancel(self, registration_id: uuid.UUID) -> CancelOutcome:
        """Cancel a registration (or reserved places, or a place on the waiting list); the
        first people waiting move up into the places freed."""
        with self._uow() as uow:
            row = uow.session.get(EventAttendance, registration_id)
            if row is None:
                raise NotFoundError(
                    _("Cette inscription n'existe plus : la liste a été mise à jour.")
                )
            event = event_or_gone(uow, row.event_id, lock=True)
            was_waiting, count, person_id = row.waiting, row.count, row.person_id
            uow.session.delete(row)
            uow.session.flush()
            _audit_registration(
                uow,
                AuditAction.DELETE,
                registration_id,
                event,
                waiting=was_waiting,
                count=count,
                person=str(person_id) if person_id else None,
            )
            moved = [] if was_waiting else move_up(uow, event)
            mirror_visits(uow, event)
            places = event_places(uow, event)
            uow.commit()
            return CancelOutcome(places, tuple(moved))

    # -- the room ---------------------------------------------------------------------------
    @requires(Permission.BOOKINGS)
    def book_room(self, event_id: uuid.UUID, resource_id: uuid.UUID) -> EventPlaces:
        """Block a room for the workshop in the agenda (refused with the agenda's reason)."""
        with self._uow() as uow:
            event = event_or_gone(uow, event_id, lock=True)
            book_room(uow, event, resource_id)
            uow.session.flush()
            places = event_places(uow, event)
            uow.commit()
            return places

    @requires(Permission.BOOKINGS)
    def release_room(self, event_id: uuid.UUID) -> EventPlaces:
        """Free the room the workshop blocks (its booking cancelled)."""
        with self._uow() as uow:
            event = event_or_gone(uow, event_id, lock=True)
            if not release_room(uow, event):
                raise ConflictError(_("Cet atelier ne bloque aucune salle."))
            uow.session.flush()
            places = event_places(uow, event)
            uow.commit()
            return places


# -- helpers ---------------------------------------------------------------------------------
def event_or_gone(uow: UnitOfWork, event_id: uuid.UUID, *, lock: bool = False) -> Event:
    """The workshop of ``event_id`` (the list's « no longer exists » when another desk removed
    it). ``lock``: its row locked on PostgreSQL (SQLite's writer already holds the base), so
    that two desks cannot both take the last place."""
    return get_or_gone(
        uow,
        Event,
        event_id,
        _("Cet atelier n'existe plus : la liste a été mise à jour."),
        lock=lock,
    )


def workshops_between(
    uow: UnitOfWork, site_id: uuid.UUID, start: date, end: date, *, most: int
) -> list[Event]:
    """The place's workshops from ``start`` to ``end`` inclusive in the programme's order (by
    day, those without a time first, then by time and title); more than ``most`` is refused:
    the period is to be shortened."""
    events = list(
        uow.session.exec(
            select(Event)
            .where(
                Event.site_id == site_id,
                col(Event.event_date) >= start,
                col(Event.event_date) <= end,
            )
            .order_by(
                col(Event.event_date),
                col(Event.start_time).asc().nulls_first(),
                col(Event.title),
            )
            .limit(most + 1)
        )
    )
    if len(events) > most:
        raise ValidationError(
            _("Période"),
            _("plus de {n} ateliers : choisissez une période plus courte.").format(n=most),
        )
    return events


def _taken(uow: UnitOfWork, event_id: uuid.UUID) -> int:
    total = uow.session.execute(
        sa_select(func.coalesce(func.sum(EventAttendance.count), 0)).where(
            col(EventAttendance.event_id) == event_id, col(EventAttendance.waiting).is_(False)
        )
    ).scalar()
    return int(total or 0)


def _audit_registration(
    uow: UnitOfWork, action: AuditAction, row_id: uuid.UUID, event: Event, **details: object
) -> None:
    """The audit line of a registration (or reserved places) of ``event``: its ``details``
    with the workshop's id."""
    audit.record(
        uow,
        action=action,
        entity="event_attendance",
        entity_id=row_id,
        site_id=event.site_id,
        details={"event": str(event.id), **details},
    )


def move_up(uow: UnitOfWork, event: Event) -> list[str]:
    """Promote the first people waiting while places are free; their names."""
    if event.capacity is None:
        return []
    free = event.capacity - _taken(uow, event.id)
    moved: list[str] = []
    waiting = uow.session.exec(
        select(EventAttendance, Person)
        .join(Person, col(Person.id) == col(EventAttendance.person_id), isouter=True)
        .where(EventAttendance.event_id == event.id, col(EventAttendance.waiting).is_(True))
        .order_by(col(EventAttendance.created_at), col(EventAttendance.id))
    ).all()
    for row, person in waiting:
        if row.count > free:
            break
        row.waiting = False
        free -= row.count
        uow.session.add(row)
        _audit_registration(uow, AuditAction.UPDATE, row.id, event, moved_up=True)
        moved.append(person_name(person) if person is not None else reserved_text(row.count))
    if moved:
        event.attendance_mode = AttendanceMode.REGISTERED
        uow.session.add(event)
        uow.session.flush()
    return moved
