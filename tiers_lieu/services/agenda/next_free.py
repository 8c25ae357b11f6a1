"""« Prochain créneau libre »: the soonest slot a host can book right now for someone waiting,
for one resource or one practitioner.

A practitioner's slots are their permanences' slots (the permanence's own hours, minus the
dates it is cancelled and the days the place is closed), free when nobody took them and no
other booking or permanence holds the room then. A resource's soonest free time is the
earlier of its next free permanence slot and the next stretch of its shortest booking length
inside the opening hours (the same rules as a booking, :func:`.search.search`). The
search walks a fortnight at a time, at most :data:`~.search.HORIZON_DAYS` ahead.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

from tiers_lieu.db import UnitOfWork
from tiers_lieu.models import Resource
from tiers_lieu.services.agenda.readmodels import PermanenceSlot, SlotInfo
from tiers_lieu.services.agenda.rules import (
    Candidate,
    SiteCalendar,
    load_bookings,
    load_permanences,
    occupancy_reason,
)
from tiers_lieu.services.agenda.search import CHUNK_DAYS, HORIZON_DAYS, SlotQuery, search
from tiers_lieu.services.agenda.slots import generate_slots


def next_permanence_slot(
    uow: UnitOfWork,
    calendar: SiteCalendar,
    after: datetime,
    *,
    practitioner_id: uuid.UUID | None = None,
    resource_id: uuid.UUID | None = None,
    horizon_days: int = HORIZON_DAYS,
) -> PermanenceSlot | None:
    """The first slot starting at or after ``after`` that nobody took and nothing else
    holds (a booking made before the permanence, another permanence in the room)."""
    first = after.astimezone(calendar.zone).date()
    last = first + timedelta(days=horizon_days)
    day = first
    resources: dict[uuid.UUID, Resource | None] = {}
    while day <= last:
        chunk_end = min(day + timedelta(days=CHUNK_DAYS - 1), last)
        slots = [
            s
            for s in generate_slots(
                uow,
                calendar,
                day,
                chunk_end,
                resource_ids=[resource_id] if resource_id else None,
                practitioner_id=practitioner_id,
            )
            if not s.taken and not s.cancelled and s.start >= after
        ]
        if slots:
            found = _first_unheld(uow, calendar, slots, resources, day, chunk_end)
            if found is not None:
                return found
        day = chunk_end + timedelta(days=1)
    return None


def _first_unheld(
    uow: UnitOfWork,
    calendar: SiteCalendar,
    slots: list[PermanenceSlot],
    resources: dict[uuid.UUID, Resource | None],
    first: date,
    last: date,
) -> PermanenceSlot | None:
    for rid in {s.resource_id for s in slots}:
        if rid not in resources:
            resource = uow.session.get(Resource, rid)
            resources[rid] = resource if resource is not None and resource.active else None
    ids = [rid for rid, r in resources.items() if r is not None]
    start_utc, end_utc = calendar.day_bounds(first)[0], calendar.day_bounds(last)[1]
    held = load_bookings(uow, ids, start_utc, end_utc)
    blocks = load_permanences(
        uow, calendar, {rid: r.capacity for rid, r in resources.items() if r}, first, last
    )
    for slot in slots:
        resource = resources.get(slot.resource_id)
        if resource is None:
            continue
        candidate = Candidate(resource, slot.start, slot.end, 1, slot.permanence_id)
        if not occupancy_reason(calendar, candidate, held[resource.id], blocks[resource.id]):
            return slot
    return None


def next_free(
    uow: UnitOfWork,
    calendar: SiteCalendar,
    after: datetime,
    *,
    resource: Resource | None = None,
    practitioner_id: uuid.UUID | None = None,
    duration: timedelta | None = None,
) -> SlotInfo | PermanenceSlot | None:
    """The practitioner's next free slot, or the resource's soonest free time (a permanence
    slot in it, or ``duration`` of ordinary booking, whichever comes first)."""
    if practitioner_id is not None:
        return next_permanence_slot(uow, calendar, after, practitioner_id=practitioner_id)
    assert resource is not None
    slot = next_permanence_slot(uow, calendar, after, resource_id=resource.id)
    if slot is not None and (
        slot.start.astimezone(calendar.zone).date() == after.astimezone(calendar.zone).date()
    ):
        horizon = 0  # a permanence slot today: only an ordinary stretch today can beat it
    else:
        horizon = HORIZON_DAYS
    length = duration or timedelta(minutes=max(resource.min_duration_min, 15))
    plain = search(
        uow,
        calendar,
        [resource],
        SlotQuery(wanted=after, duration=length, limit=1, not_before=after, horizon_days=horizon),
    )
    if plain and (slot is None or plain[0].start < slot.start):
        return plain[0]
    return slot
