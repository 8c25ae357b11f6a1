"""The room a workshop blocks in the agenda (issue 22, ``Event.booking_id``).

Choosing a room for a workshop books the whole room (all its seats) for the workshop's hours,
under the workshop's title and free of charge, with the agenda's own rules
(:func:`~tiers_lieu.services.agenda.common.ensure_bookable`: opening hours, closures, buffer,
durations, the bookings already there); a refusal is the agenda's
:class:`~tiers_lieu.services.agenda.errors.AgendaConflict`, which says why. The booking is
written in the caller's transaction, so the workshop and its room change together: moving the
workshop moves the booking (:func:`follow_event`, refused as a whole when the room is taken
at the new hours) and removing the workshop cancels it (:func:`release_room`).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from tiers_lieu.db import UnitOfWork
from tiers_lieu.errors import ConflictError, NotFoundError, ValidationError
from tiers_lieu.i18n import _
from tiers_lieu.models import Booking, Event
from tiers_lieu.models.enums import AuditAction, BookingStatus, ResourceKind
from tiers_lieu.services import audit
from tiers_lieu.services.agenda.availability import HEALTH_KINDS
from tiers_lieu.services.agenda.common import ensure_bookable
from tiers_lieu.services.agenda.rules import Candidate, SiteCalendar, lock_resource

ROOM_KINDS = (
    ResourceKind.MEETING_ROOM.value,
    ResourceKind.OPEN_SPACE.value,
    ResourceKind.OTHER.value,
)
"""Resources a workshop may block (not a desk, nor a health room)."""


def event_window(calendar: SiteCalendar, event: Event) -> tuple[datetime, datetime]:
    """The workshop's hours as aware UTC instants; refused without a time or a duration."""
    if event.start_time is None:
        raise ValidationError(
            _("Heure"), _("donnez l'heure de début de l'atelier pour bloquer une salle")
        )
    if event.duration_min <= 0:
        raise ValidationError(_("Durée"), _("donnez la durée de l'atelier pour bloquer une salle"))
    start = datetime.combine(event.event_date, event.start_time, tzinfo=calendar.zone)
    end = start + timedelta(minutes=event.duration_min)
    return start.astimezone(UTC), end.astimezone(UTC)


def current_booking(uow: UnitOfWork, event: Event) -> Booking | None:
    """The confirmed booking the workshop blocks, if any."""
    if event.booking_id is None:
        return None
    booking = uow.session.get(Booking, event.booking_id)
    if booking is None or booking.status != BookingStatus.CONFIRMED:
        return None
    return booking


def book_room(uow: UnitOfWork, event: Event, resource_id: uuid.UUID) -> Booking:
    """Block ``resource_id`` for the workshop (the booking it had is moved there, or a new one
    made); the agenda's rules apply. The caller commits."""
    resource = lock_resource(uow, resource_id)
    if resource.site_id != event.site_id:
        raise NotFoundError(_("Cette salle n'existe pas dans ce lieu."))
    if resource.kind in HEALTH_KINDS or resource.kind not in ROOM_KINDS:
        raise ValidationError(
            _("Salle"),
            _(
                "« {name} » n'est pas une salle : choisissez une salle de réunion ou un espace."
            ).format(name=resource.name),
        )
    if not resource.active:
        raise ConflictError(
            _("« {name} » est désactivée : réactivez-la pour la réserver.").format(
                name=resource.name
            )
        )
    calendar = SiteCalendar(uow, event.site_id)
    start, end = event_window(calendar, event)
    booking = current_booking(uow, event)
    ensure_bookable(
        uow,
        calendar,
        Candidate(resource, start, end, resource.capacity),
        exclude=booking.id if booking is not None else None,
    )
    if booking is not None:
        booking.resource_id, booking.start_at, booking.end_at = resource.id, start, end
        booking.seats, booking.title = resource.capacity, event.title
        uow.session.add(booking)
        audit.record(
            uow,
            action=AuditAction.UPDATE,
            entity="booking",
            entity_id=booking.id,
            site_id=booking.site_id,
            details={"change": "move", "event": str(event.id)},
        )
        return booking
    booking = Booking(
        site_id=event.site_id,
        resource_id=resource.id,
        start_at=start,
        end_at=end,
        seats=resource.capacity,
        title=event.title,
        created_by_id=uow.actor_id,
        price_cents=0,  # the place's own workshop: no hire
    )
    uow.session.add(booking)
    uow.session.flush()
    audit.record(
        uow,
        action=AuditAction.CREATE,
        entity="booking",
        entity_id=booking.id,
        site_id=booking.site_id,
        details={"event": str(event.id)},
    )
    event.booking_id = booking.id
    uow.session.add(event)
    return booking


def follow_event(uow: UnitOfWork, event: Event) -> None:
    """The workshop's new day, hours or title carried to the room it blocks (refused as a
    whole, with the agenda's reason, when the room is not free then)."""
    booking = current_booking(uow, event)
    if booking is None:
        return
    book_room(uow, event, booking.resource_id)


def release_room(uow: UnitOfWork, event: Event) -> bool:
    """Cancel the booking the workshop blocks; whether there was one. The caller commits."""
    booking = current_booking(uow, event)
    event.booking_id = None
    uow.session.add(event)
    if booking is None:
        return False
    booking.status = BookingStatus.CANCELLED
    booking.cancelled_at = datetime.now(UTC)
    uow.session.add(booking)
    audit.record(
        uow,
        action=AuditAction.UPDATE,
        entity="booking",
        entity_id=booking.id,
        site_id=booking.site_id,
        details={"status": BookingStatus.CANCELLED, "event": str(event.id)},
    )
    return True
