"""The day and week views' data: every resource of a site side by side, with its bookings,
its permanence slots and the place's hours and closures for each day.

One query reads the bookings of the window through the (resource, start) index — a booking
never spans midnight, so looking one day back is enough — one more the names of the people,
and the permanence slots come from :func:`.permanences.generate_slots`. Two years of
bookings stay out of the way: a week costs the same on the first day as after two years.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, timedelta

from sqlmodel import col, select

from tiers_lieu.db import UnitOfWork
from tiers_lieu.errors import NotFoundError
from tiers_lieu.i18n import _
from tiers_lieu.models import Booking, Person, Resource
from tiers_lieu.models.enums import BookingStatus
from tiers_lieu.services.agenda.common import booking_info
from tiers_lieu.services.agenda.readmodels import (
    AgendaView,
    BookingInfo,
    PermanenceSlot,
    ResourceAgenda,
)
from tiers_lieu.services.agenda.resources import resource_info
from tiers_lieu.services.agenda.rules import LONGEST_BOOKING, SiteCalendar
from tiers_lieu.services.agenda.slots import generate_slots


def agenda(
    uow: UnitOfWork,
    site_id: uuid.UUID,
    days: Sequence[date],
    *,
    resource_id: uuid.UUID | None = None,
    include_cancelled: bool = False,
) -> AgendaView:

    calendar = SiteCalendar(uow, site_id)
    query = select(Resource).where(Resource.site_id == site_id)
    if resource_id is not None:
        query = query.where(Resource.id == resource_id)
    else:
        query = query.where(col(Resource.active).is_(True))
    resources = list(uow.session.exec(query.order_by(col(Resource.name))))
    if resource_id is not None and not resources:
        raise NotFoundError(_("Cette ressource n'existe plus."))
    ids = [r.id for r in resources]
    start = calendar.day_bounds(days[0])[0]
    end = calendar.day_bounds(days[-1])[1]
    bookings: dict[uuid.UUID, list[BookingInfo]] = {rid: [] for rid in ids}
    if ids:
        query_b = select(Booking).where(
            col(Booking.resource_id).in_(ids),
            col(Booking.start_at) >= start - LONGEST_BOOKING,
            col(Booking.start_at) < end,
            col(Booking.end_at) > start,
        )
        if not include_cancelled:
            query_b = query_b.where(Booking.status != BookingStatus.CANCELLED)
        rows = list(uow.session.exec(query_b.order_by(col(Booking.start_at))))
        person_ids = {b.person_id for b in rows if b.person_id is not None}
        people: dict[uuid.UUID, Person] = {}
        if person_ids:
            people = {
                p.id: p
                for p in uow.session.exec(select(Person).where(col(Person.id).in_(person_ids)))
            }
        names = {r.id: r.name for r in resources}
        for b in rows:
            person = people.get(b.person_id) if b.person_id else None
            bookings[b.resource_id].append(booking_info(b, names[b.resource_id], person, calendar))
    slots: dict[uuid.UUID, list[PermanenceSlot]] = {rid: [] for rid in ids}
    for slot in generate_slots(uow, calendar, days[0], days[-1], resource_ids=ids):
        slots[slot.resource_id].append(slot)
    closed: dict[date, str] = {}
    opening = {}
    for day in days:
        reason = calendar.closed_reason(day)
        if reason is not None:
            closed[day] = reason
        elif day.weekday() not in calendar.hours:
            closed[day] = _("pas d'ouverture ce jour-là")
        opening[day] = tuple(calendar.ranges(day))
    return AgendaView(
        site_id=site_id,
        days=tuple(days),
        resources=tuple(
            ResourceAgenda(
                resource=resource_info(r),
                bookings=tuple(bookings[r.id]),
                permanence_slots=tuple(slots[r.id]),
            )
            for r in resources
        ),
        closed_days=closed,
        opening=opening,
    )


def week_days(monday: date) -> list[date]:
    monday -= timedelta(days=monday.weekday())
    return [monday + timedelta(days=i) for i in range(7)]
