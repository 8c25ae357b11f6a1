"""Visiting practitioners and their permanences, cut into bookable slots.

A permanence (Tuesdays 9:00–12:00 in 20-minute slots, every N weeks, from a date, until a
date) is a rule, not rows: its slots are generated for the dates asked, minus days the place
is closed and dates the permanence is cancelled, and a slot is taken when a booking of that
permanence starts at it. Only who took a slot is stored — never why (GDPR art. 9). Cancelling
a date cancels its bookings and returns the people to call.
"""

from __future__ import annotations

import builtins
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlmodel import col, select

from tiers_lieu.db import UnitOfWork, UowFactory
from tiers_lieu.errors import ConflictError, NotFoundError, ValidationError
from tiers_lieu.i18n import _, format_date
from tiers_lieu.models import (
    Booking,
    Permanence,
    PermanenceCancellation,
    Person,
    Practitioner,
    Resource,
)
from tiers_lieu.models.enums import AuditAction, BookingStatus
from tiers_lieu.services import audit
from tiers_lieu.services.access import Permission, in_place, requires
from tiers_lieu.services.agenda import to_call
from tiers_lieu.services.agenda.common import (
    aware,
    booking_info,
    check_person,
    display_name,
    ensure_bookable,
    refuse_past,
)
from tiers_lieu.services.agenda.errors import AgendaConflict
from tiers_lieu.services.agenda.practitioners import PractitionerService, check_text
from tiers_lieu.services.agenda.readmodels import (
    BookedPerson,
    BookingInfo,
    CancelledDate,
    PermanenceInfo,
    PermanenceSlot,
    SlotInfo,
)
from tiers_lieu.services.agenda.rules import (
    Candidate,
    SiteCalendar,
    lock_resource,
    occurrence_dates,
)
from tiers_lieu.services.agenda.slots import generate_slots, permanence_info

__all__ = ["PermanenceInput", "PermanenceService", "PractitionerService", "generate_slots"]


@dataclass(frozen=True, slots=True, kw_only=True)
class PermanenceInput:
    """A practitioner's recurring presence in a room: weekday 0 = Monday, cut into
    ``slot_min`` slots, every ``interval_weeks`` weeks from ``start_date`` (until
    ``end_date``, included, if given)."""

    practitioner_id: uuid.UUID
    resource_id: uuid.UUID
    weekday: int
    start_time: time
    end_time: time
    start_date: date
    slot_min: int = 20
    interval_weeks: int = 1
    end_date: date | None = None


def _check(data: PermanenceInput) -> None:
    """The rule's own coherence, each refusal naming its field."""
    start_time, end_time, slot_min = data.start_time, data.end_time, data.slot_min
    if not 0 <= data.weekday <= 6:
        raise ValidationError(_("Jour"), _("jour de la semaine inconnu"))
    if start_time >= end_time:
        raise ValidationError(_("Fin"), _("la fin doit suivre le début"))
    if not 5 <= slot_min <= 240:
        raise ValidationError(_("Durée d'un créneau"), _("entre 5 et 240 minutes"))
    minutes = (end_time.hour * 60 + end_time.minute) - (start_time.hour * 60 + start_time.minute)
    if slot_min > minutes:
        raise ValidationError(_("Durée d'un créneau"), _("plus longue que la permanence elle-même"))
    if not 1 <= data.interval_weeks <= 8:
        raise ValidationError(_("Toutes les"), _("entre 1 et 8 semaines"))
    if data.end_date is not None and data.end_date < data.start_date:
        raise ValidationError(_("Jusqu'au"), _("la date de fin précède le début"))


def _practitioner_and_room(
    uow: UnitOfWork, site_id: uuid.UUID, data: PermanenceInput
) -> tuple[Practitioner, Resource]:
    who = uow.session.get(Practitioner, data.practitioner_id)
    resource = uow.session.get(Resource, data.resource_id)
    if who is None or who.site_id != site_id:
        raise NotFoundError(_("Ce praticien n'existe pas dans ce lieu."))
    if resource is None or resource.site_id != site_id:
        raise NotFoundError(_("Cette ressource n'existe pas dans ce lieu."))
    return who, resource


def _cancellation(
    uow: UnitOfWork, permanence_id: uuid.UUID, day: date
) -> PermanenceCancellation | None:
    return uow.session.exec(
        select(PermanenceCancellation).where(
            PermanenceCancellation.permanence_id == permanence_id,
            PermanenceCancellation.on_date == day,
        )
    ).first()


def _rule(data: PermanenceInput) -> dict[str, Any]:
    """The permanence's columns, as given."""
    return {
        "practitioner_id": data.practitioner_id,
        "resource_id": data.resource_id,
        "weekday": data.weekday,
        "start_time": data.start_time,
        "end_time": data.end_time,
        "slot_min": data.slot_min,
        "interval_weeks": data.interval_weeks,
        "start_date": data.start_date,
        "end_date": data.end_date,
    }


class PermanenceService:
    def __init__(self, uow: UowFactory) -> None:
        self._uow = uow

    @in_place
    def list(
        self, site_id: uuid.UUID, *, practitioner_id: uuid.UUID | None = None
    ) -> list[PermanenceInfo]:
        """The site's permanences (ended ones included), by weekday and hour."""
        with self._uow() as uow:
            query = (
                select(Permanence, Practitioner, Resource)
                .join(Practitioner, col(Practitioner.id) == col(Permanence.practitioner_id))
                .join(Resource, col(Resource.id) == col(Permanence.resource_id))
                .where(Permanence.site_id == site_id)
            )
            if practitioner_id is not None:
                query = query.where(Permanence.practitioner_id == practitioner_id)
            rows = uow.session.exec(
                query.order_by(col(Permanence.weekday), col(Permanence.start_time))
            )
            return [permanence_info(p, who, r) for p, who, r in rows]

    @requires(Permission.SETTINGS)
    def create(self, site_id: uuid.UUID, data: PermanenceInput) -> PermanenceInfo:
        """A practitioner's recurring presence in a room (weekday 0 = Monday). Bookings
        already in the room during its hours are returned in ``to_call`` (not cancelled)."""
        _check(data)
        with self._uow() as uow:
            who, resource = _practitioner_and_room(uow, site_id, data)
            row = Permanence(site_id=site_id, **_rule(data))
            uow.session.add(row)
            audit.record(
                uow,
                action=AuditAction.CREATE,
                entity="permanence",
                entity_id=row.id,
                site_id=site_id,
            )
            uow.commit()
            people = to_call.under_permanence(uow, SiteCalendar(uow, site_id), row)
            return replace(permanence_info(row, who, resource), to_call=people)

    @requires(Permission.SETTINGS)
    def correct(self, permanence_id: uuid.UUID, data: PermanenceInput) -> PermanenceInfo:
        """Rewrite a permanence typed wrong (its room, day, hours, slots, rhythm, first
        date), as long as nobody booked a slot of it and no date of it was cancelled: the
        bookings hang on its slots. Bookings already in the new room during the new hours are
        returned in ``to_call``, as for a new permanence."""
        _check(data)
        with self._uow() as uow:
            row = self._unused(uow, permanence_id)
            if data.practitioner_id != row.practitioner_id:
                raise ValidationError(_("Intervenant·e"), _("ne change pas sur une permanence"))
            who, resource = _practitioner_and_room(uow, row.site_id, data)
            audit.record_changes(uow, row, _rule(data), entity="permanence")
            uow.commit()
            people = to_call.under_permanence(uow, SiteCalendar(uow, row.site_id), row)
            return replace(permanence_info(row, who, resource), to_call=people)

    @requires(Permission.SETTINGS)
    def delete(self, permanence_id: uuid.UUID) -> None:
        """Remove a permanence added by mistake: only while nobody booked a slot of it and
        no date of it was cancelled (otherwise it is ended at a date)."""
        with self._uow() as uow:
            row = self._unused(uow, permanence_id)
            audit.record_deletion(uow, row, entity="permanence")
            uow.commit()

    @staticmethod
    def _unused(uow: UnitOfWork, permanence_id: uuid.UUID) -> Permanence:
        """The permanence, refused when a booking or a cancelled date hangs on it."""
        row = uow.session.get(Permanence, permanence_id)
        if row is None:
            raise NotFoundError(_("Cette permanence n'existe plus."))
        for table in (Booking, PermanenceCancellation):
            used = uow.session.exec(
                select(table.id).where(table.permanence_id == permanence_id).limit(1)
            ).first()
            if used is not None:
                raise ConflictError(
                    _(
                        "Des créneaux de cette permanence ont déjà été réservés ou annulés : "
                        "elle ne peut plus être corrigée ni supprimée. Terminez-la à une date, "
                        "puis ajoutez la nouvelle à partir du lendemain."
                    )
                )
        return row

    @requires(Permission.SETTINGS)
    def end(self, permanence_id: uuid.UUID, *, end_date: date) -> PermanenceInfo:
        """Stop a permanence after ``end_date`` (its past stays in the agenda). The slots
        booked after it stay booked and are returned in ``to_call``: the host calls each
        person and cancels or moves the booking with them."""
        with self._uow() as uow:
            row = uow.session.get(Permanence, permanence_id)
            if row is None:
                raise NotFoundError(_("Cette permanence n'existe plus."))
            if end_date < row.start_date:
                raise ValidationError(_("Jusqu'au"), _("la date de fin précède le début"))
            row.end_date = end_date
            audit.record(
                uow,
                action=AuditAction.UPDATE,
                entity="permanence",
                entity_id=row.id,
                site_id=row.site_id,
            )
            uow.commit()
            who = uow.session.get(Practitioner, row.practitioner_id)
            resource = uow.session.get(Resource, row.resource_id)
            assert who is not None and resource is not None
            people = to_call.after_end(uow, SiteCalendar(uow, row.site_id), row)
            return replace(permanence_info(row, who, resource), to_call=people)

    @requires(Permission.BOOKINGS)
    def slots(
        self,
        site_id: uuid.UUID,
        first: date,
        last: date,
        *,
        permanence_id: uuid.UUID | None = None,
        practitioner_id: uuid.UUID | None = None,
        resource_id: uuid.UUID | None = None,
    ) -> builtins.list[PermanenceSlot]:
        """The slots between two dates (included), free or taken, soonest first."""
        with self._uow() as uow:
            return generate_slots(
                uow,
                SiteCalendar(uow, site_id),
                first,
                last,
                resource_ids=[resource_id] if resource_id else None,
                permanence_id=permanence_id,
                practitioner_id=practitioner_id,
            )

    @requires(Permission.BOOKINGS)
    def book_slot(
        self,
        permanence_id: uuid.UUID,
        start: datetime,
        *,
        person_id: uuid.UUID,
        allow_past: bool = True,
    ) -> BookingInfo:
        """Book a person into the slot starting at ``start``; no reason is asked or kept.

        A taken slot is refused with an AgendaConflict proposing the next free slots of the
        same permanence. With ``allow_past=False`` a slot already over is refused with a
        :class:`PastBookingError` (the desk asks first).
        """

        start = aware(start, _("Créneau"))
        with self._uow() as uow:
            perm = uow.session.get(Permanence, permanence_id)
            if perm is None:
                raise NotFoundError(_("Cette permanence n'existe plus."))
            resource = lock_resource(uow, perm.resource_id)
            calendar = SiteCalendar(uow, perm.site_id)
            person = check_person(uow, person_id, perm.site_id)
            day = start.astimezone(calendar.zone).date()
            slot = next(
                (
                    s
                    for s in generate_slots(uow, calendar, day, day, permanence_id=perm.id)
                    if s.start == start
                ),
                None,
            )
            if slot is None:
                raise ValidationError(
                    _("Créneau"), _("ce n'est pas un créneau de cette permanence")
                )
            if slot.cancelled:
                raise ConflictError(
                    _("La permanence du {day} est annulée.").format(day=format_date(day, "full"))
                )
            if slot.taken:
                raise AgendaConflict(
                    _("Ce créneau est déjà pris."), self._next_free(uow, calendar, perm, day)
                )
            end = start + timedelta(minutes=perm.slot_min)
            if not allow_past:
                refuse_past(calendar, start, end)
            ensure_bookable(
                uow, calendar, Candidate(resource, start, end, 1, permanence_id=perm.id)
            )
            row = Booking(
                site_id=perm.site_id,
                resource_id=perm.resource_id,
                start_at=start,
                end_at=end,
                person_id=person_id,
                permanence_id=perm.id,
                created_by_id=uow.actor_id,
            )
            uow.session.add(row)
            audit.record(
                uow,
                action=AuditAction.CREATE,
                entity="booking",
                entity_id=row.id,
                site_id=perm.site_id,
            )
            uow.commit()
            return booking_info(row, resource.name, person, calendar)

    @requires(Permission.SETTINGS)
    def cancel_date(
        self,
        permanence_id: uuid.UUID,
        day: date,
        *,
        reason: str = "",
    ) -> CancelledDate:
        """Cancel one date of a permanence: its bookings are cancelled and the people
        booked returned (name, phone, e-mail) so that they can be called."""
        reason = check_text(reason, _("Motif"), 200)
        with self._uow() as uow:
            perm = uow.session.get(Permanence, permanence_id)
            if perm is None:
                raise NotFoundError(_("Cette permanence n'existe plus."))
            if day not in set(
                occurrence_dates(
                    perm.weekday, perm.interval_weeks, perm.start_date, perm.end_date, day, day
                )
            ):
                raise ValidationError(_("Date"), _("la permanence n'a pas lieu ce jour-là"))
            calendar = SiteCalendar(uow, perm.site_id)
            if _cancellation(uow, perm.id, day) is None:
                uow.session.add(
                    PermanenceCancellation(
                        site_id=perm.site_id, permanence_id=perm.id, on_date=day, reason=reason
                    )
                )
            start, end = calendar.day_bounds(day)
            now = datetime.now(UTC)
            to_call: list[BookedPerson] = []
            for b, person in uow.session.exec(
                select(Booking, Person)
                .outerjoin(Person, col(Person.id) == col(Booking.person_id))
                .where(
                    Booking.permanence_id == perm.id,
                    col(Booking.start_at) >= start,
                    col(Booking.start_at) < end,
                    Booking.status == BookingStatus.CONFIRMED,
                )
                .order_by(col(Booking.start_at))
            ):
                b.status, b.cancelled_at = BookingStatus.CANCELLED, now

                to_call.append(
                    BookedPerson(
                        booking_id=b.id,
                        person_id=b.person_id,
                        name=display_name(person, b.organisation),
                        phone=person.phone if person and person.anonymized_at is None else "",
                        email=person.email if person and person.anonymized_at is None else "",
                        start=b.start_at.astimezone(calendar.zone),
                    )
                )
            audit.record(
                uow,
                action=AuditAction.UPDATE,
                entity="permanence",
                entity_id=perm.id,
                site_id=perm.site_id,
                details={"cancelled_date": day.isoformat(), "bookings": len(to_call)},
            )
            uow.commit()
            return CancelledDate(perm.id, day, reason, tuple(to_call))

    @requires(Permission.SETTINGS)
    def restore_date(self, permanence_id: uuid.UUID, day: date) -> None:
        """Take back the cancellation of one date (the practitioner comes after all). The
        bookings it cancelled stay cancelled: those people were told, they book again."""
        with self._uow() as uow:
            perm = uow.session.get(Permanence, permanence_id)
            if perm is None:
                raise NotFoundError(_("Cette permanence n'existe plus."))
            cancellation = _cancellation(uow, perm.id, day)
            if cancellation is None:
                raise ValidationError(_("Date"), _("la permanence n'est pas annulée ce jour-là"))
            uow.session.delete(cancellation)
            audit.record(
                uow,
                action=AuditAction.UPDATE,
                entity="permanence",
                entity_id=perm.id,
                site_id=perm.site_id,
                details={"restored_date": day.isoformat()},
            )
            uow.commit()

    @staticmethod
    def _next_free(
        uow: UnitOfWork, calendar: SiteCalendar, perm: Permanence, day: date
    ) -> builtins.list[SlotInfo]:
        resource = uow.session.get(Resource, perm.resource_id)
        assert resource is not None
        free = [
            s
            for s in generate_slots(
                uow, calendar, day, day + timedelta(weeks=8), permanence_id=perm.id
            )
            if not s.taken and not s.cancelled
        ]
        return [SlotInfo(resource.id, resource.name, s.start, s.end, 1) for s in free[:3]]
