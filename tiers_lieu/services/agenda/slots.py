"""A permanence's slots on given dates, free or taken, computed from its rule.

A permanence is a rule, not rows: its slots are generated for the dates asked, minus days the
place is closed, with the cancelled dates flagged, and a slot is taken when a non-cancelled
booking of that permanence starts at it. Used by the permanence service, the agenda views
and the practitioner's printout.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import col, or_, select

from tiers_lieu.db import UnitOfWork
from tiers_lieu.models import (
    Booking,
    Permanence,
    PermanenceCancellation,
    Person,
    Practitioner,
    Resource,
)
from tiers_lieu.models.enums import BookingStatus
from tiers_lieu.services.agenda.common import display_name
from tiers_lieu.services.agenda.readmodels import (
    PermanenceInfo,
    PermanenceSlot,
    PractitionerInfo,
)
from tiers_lieu.services.agenda.rules import (
    SiteCalendar,
    occurrence_dates,
)


def practitioner_info(p: Practitioner) -> PractitionerInfo:
    return PractitionerInfo(
        p.id, p.site_id, p.name, p.profession, p.specialty, p.organisation, p.phone, p.email
    )


def permanence_info(p: Permanence, who: Practitioner, resource: Resource) -> PermanenceInfo:
    return PermanenceInfo(
        id=p.id,
        site_id=p.site_id,
        practitioner_id=p.practitioner_id,
        practitioner_name=who.name,
        profession=who.profession,
        resource_id=p.resource_id,
        resource_name=resource.name,
        weekday=p.weekday,
        start_time=p.start_time,
        end_time=p.end_time,
        slot_min=p.slot_min,
        interval_weeks=p.interval_weeks,
        start_date=p.start_date,
        end_date=p.end_date,
    )


def slot_starts(p: Permanence) -> list[time]:
    minutes = p.start_time.hour * 60 + p.start_time.minute
    stop = p.end_time.hour * 60 + p.end_time.minute
    found = []
    while minutes + p.slot_min <= stop:
        found.append(time(minutes // 60, minutes % 60))
        minutes += p.slot_min
    return found


def generate_slots(
    uow: UnitOfWork,
    calendar: SiteCalendar,
    first: date,
    last: date,
    *,
    resource_ids: Sequence[uuid.UUID] | None = None,
    permanence_id: uuid.UUID | None = None,
    practitioner_id: uuid.UUID | None = None,
) -> list[PermanenceSlot]:
    """Every slot of the site's permanences between two dates, free or taken, in order."""
    query = (
        select(Permanence, Practitioner.name)
        .join(Practitioner, col(Practitioner.id) == col(Permanence.practitioner_id))
        .where(
            Permanence.site_id == calendar.site_id,
            col(Permanence.start_date) <= last,
            or_(col(Permanence.end_date).is_(None), col(Permanence.end_date) >= first),
        )
    )
    if resource_ids is not None:
        query = query.where(col(Permanence.resource_id).in_(list(resource_ids)))
    if permanence_id is not None:
        query = query.where(Permanence.id == permanence_id)
    if practitioner_id is not None:
        query = query.where(Permanence.practitioner_id == practitioner_id)
    perms = uow.session.exec(query).all()
    if not perms:
        return []
    ids = [p.id for p, _n in perms]
    cancelled = {
        (c.permanence_id, c.on_date): c.reason
        for c in uow.session.exec(
            select(PermanenceCancellation).where(
                col(PermanenceCancellation.permanence_id).in_(ids),
                col(PermanenceCancellation.on_date) >= first,
                col(PermanenceCancellation.on_date) <= last,
            )
        )
    }
    start_utc, end_utc = calendar.day_bounds(first)[0], calendar.day_bounds(last)[1]
    taken: dict[tuple[uuid.UUID, datetime], tuple[Booking, Person | None]] = {}
    for booked, booked_by in uow.session.exec(
        select(Booking, Person)
        .outerjoin(Person, col(Person.id) == col(Booking.person_id))
        .where(
            col(Booking.permanence_id).in_(ids),
            col(Booking.start_at) >= start_utc,
            col(Booking.start_at) < end_utc,
            Booking.status != BookingStatus.CANCELLED,
        )
    ):
        assert booked.permanence_id is not None
        taken[(booked.permanence_id, booked.start_at)] = (booked, booked_by)

    slots: list[PermanenceSlot] = []
    for perm, name in perms:
        starts = slot_starts(perm)
        for day in occurrence_dates(
            perm.weekday, perm.interval_weeks, perm.start_date, perm.end_date, first, last
        ):
            if calendar.closed_reason(day) is not None:
                continue
            reason = cancelled.get((perm.id, day))
            for at in starts:
                local = calendar.local(day, at)
                held = taken.get((perm.id, local.astimezone(UTC)))
                b: Booking | None = held[0] if held else None
                person: Person | None = held[1] if held else None
                slots.append(
                    PermanenceSlot(
                        permanence_id=perm.id,
                        practitioner_id=perm.practitioner_id,
                        practitioner_name=name,
                        resource_id=perm.resource_id,
                        day=day,
                        start=local,
                        end=local + timedelta(minutes=perm.slot_min),
                        booking_id=b.id if b else None,
                        person_id=b.person_id if b else None,
                        who=display_name(person, b.organisation) if b else "",
                        status=b.status if b else "",
                        cancelled=reason is not None,
                        cancel_reason=reason or "",
                    )
                )
    slots.sort(key=lambda s: (s.start, s.practitioner_name))
    return slots
