"""When a resource can be booked: bookable hours of a day and the nearest free slots.

The search loads a fortnight of bookings and permanences at a time (two queries) and tries
candidate starts every quarter of an hour in memory with the same rules as a booking
(:mod:`~tiers_lieu.services.agenda.rules`), so a refused booking can propose alternatives
in the same transaction and « next free 30-minute slot in any health room » stays well under
the 20 ms budget. Proposals of one resource never overlap each other.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import col, select

from tiers_lieu.db import UnitOfWork, UowFactory
from tiers_lieu.errors import NotFoundError, ValidationError
from tiers_lieu.i18n import _
from tiers_lieu.models import Resource
from tiers_lieu.models.enums import ResourceKind
from tiers_lieu.services.access import Permission, in_place, requires
from tiers_lieu.services.agenda.readmodels import PermanenceSlot, SlotInfo
from tiers_lieu.services.agenda.rules import (
    Candidate,
    SiteCalendar,
    Spot,
    load_bookings,
    load_permanences,
    occupancy_reason,
    static_reason,
)

STEP = timedelta(minutes=15)
CHUNK_DAYS = 14
HORIZON_DAYS = 120
"""How far ahead a search looks before saying nothing is free."""


def search(
    uow: UnitOfWork,
    calendar: SiteCalendar,
    resources: Sequence[Resource],
    *,
    wanted: datetime,
    duration: timedelta,
    seats: int = 1,
    limit: int = 5,
    not_before: datetime | None = None,
    horizon_days: int = HORIZON_DAYS,
    exclude: uuid.UUID | None = None,
) -> list[SlotInfo]:
    """The ``limit`` free slots nearest to ``wanted`` (from its day on, never before
    ``not_before``), closest first, at most one overlapping proposal per resource."""
    zone = calendar.zone
    wanted = wanted.astimezone(zone)
    floor = (not_before or wanted).astimezone(zone)
    first_day = max(wanted.date(), floor.date())
    last_day = first_day + timedelta(days=horizon_days)
    found: list[tuple[timedelta, SlotInfo]] = []
    day = first_day
    while day <= last_day and len(found) < limit:
        chunk_end = min(day + timedelta(days=CHUNK_DAYS - 1), last_day)
        start_utc = calendar.day_bounds(day)[0]
        end_utc = calendar.day_bounds(chunk_end)[1]
        held = load_bookings(uow, [r.id for r in resources], start_utc, end_utc, exclude=exclude)
        blocks = load_permanences(
            uow, calendar, {r.id: r.capacity for r in resources}, day, chunk_end
        )
        while day <= chunk_end:
            for resource in resources:
                for slot in _free_on(calendar, resource, day, duration, seats, floor, held, blocks):
                    found.append((abs(slot.start - wanted), slot))
            day += timedelta(days=1)
            if len(found) >= limit and day > wanted.date():
                break
    found.sort(key=lambda f: (f[0], f[1].start < wanted, f[1].resource_name))
    chosen: list[SlotInfo] = []
    for _distance, slot in found:
        if any(
            c.resource_id == slot.resource_id and c.start < slot.end and slot.start < c.end
            for c in chosen
        ):
            continue
        chosen.append(slot)
        if len(chosen) == limit:
            break
    return chosen


def _free_on(
    calendar: SiteCalendar,
    resource: Resource,
    day: date,
    duration: timedelta,
    seats: int,
    floor: datetime,
    held: dict[uuid.UUID, list[Spot]],
    blocks: dict[uuid.UUID, list[Spot]],
) -> list[SlotInfo]:
    slots: list[SlotInfo] = []
    day_start, day_end = calendar.day_bounds(day)
    bookings = [s for s in held[resource.id] if s.start < day_end and s.end > day_start]
    permanences = [s for s in blocks[resource.id] if s.start < day_end and s.end > day_start]
    ranges = calendar.ranges(day)
    if not ranges:
        return slots
    last_close = calendar.local(day, ranges[-1][1])
    for opens, closes in ranges:
        moment = calendar.local(day, opens)
        range_end = calendar.local(day, closes)
        while moment < range_end and moment + duration <= last_close:
            if moment >= floor:
                candidate = Candidate(resource, moment, moment + duration, seats)
                if not static_reason(calendar, candidate) and not occupancy_reason(
                    calendar, candidate, bookings, permanences
                ):
                    taken = sum(
                        s.seats
                        for s in bookings
                        if s.start < candidate.end and candidate.start < s.end
                    )
                    slots.append(
                        SlotInfo(
                            resource_id=resource.id,
                            resource_name=resource.name,
                            start=moment,
                            end=moment + duration,
                            seats_free=max(resource.capacity - taken, 0),
                        )
                    )
            moment += STEP
    return slots


class AvailabilityService:
    def __init__(self, uow: UowFactory) -> None:
        self._uow = uow

    @in_place
    def bookable_ranges(self, site_id: uuid.UUID, day: date) -> list[tuple[datetime, datetime]]:
        """The day's opening ranges as aware local datetimes; none when the place is closed."""
        with self._uow() as uow:
            calendar = SiteCalendar(uow, site_id)
            return [
                (calendar.local(day, o), calendar.local(day, c)) for o, c in calendar.ranges(day)
            ]

    @in_place
    def closed_reason(self, site_id: uuid.UUID, day: date) -> str | None:
        """Why the place is closed that day (« jour férié : Noël », a closure), or None."""
        with self._uow() as uow:
            return SiteCalendar(uow, site_id).closed_reason(day)

    @in_place
    def free_slots(
        self,
        *,
        site_id: uuid.UUID,
        duration_min: int,
        resource_id: uuid.UUID | None = None,
        kind: str | Sequence[str] | None = None,
        after: datetime | date | None = None,
        until: date | None = None,
        seats: int = 1,
        limit: int = 5,
    ) -> list[SlotInfo]:
        """The nearest free slots of ``duration_min`` minutes, soonest first.

        Search one resource (``resource_id``) or every active resource of a kind (``kind``:
        one ResourceKind or several, e.g. both health kinds), from ``after`` (a date means
        its whole day; default: now) up to ``until`` (default: four months ahead).
        """
        if duration_min < 1:
            raise ValidationError(_("Durée"), _("au moins une minute"))
        with self._uow() as uow:
            calendar = SiteCalendar(uow, site_id)
            query = select(Resource).where(
                Resource.site_id == site_id, col(Resource.active).is_(True)
            )
            if resource_id is not None:
                query = query.where(Resource.id == resource_id)
            elif kind is not None:
                kinds = [kind] if isinstance(kind, str) else list(kind)
                query = query.where(col(Resource.kind).in_(kinds))
            resources = list(uow.session.exec(query.order_by(col(Resource.name))))
            if resource_id is not None and not resources:
                raise NotFoundError(_("Cette ressource n'existe plus."))
            if isinstance(after, datetime):
                if after.tzinfo is None:
                    raise ValidationError(_("Début"), _("heure sans fuseau horaire"))
                start = after
            elif isinstance(after, date):
                start = calendar.local(after, time(0))
            else:
                start = datetime.now(UTC)
            horizon = (
                HORIZON_DAYS
                if until is None
                else (until - start.astimezone(calendar.zone).date()).days
            )
            if horizon < 0:
                return []
            return search(
                uow,
                calendar,
                resources,
                wanted=start,
                duration=timedelta(minutes=duration_min),
                seats=seats,
                limit=limit,
                not_before=start,
                horizon_days=horizon,
            )

    @requires(Permission.BOOKINGS)
    def next_free(
        self,
        site_id: uuid.UUID,
        *,
        resource_id: uuid.UUID | None = None,
        practitioner_id: uuid.UUID | None = None,
        after: datetime | None = None,
        duration_min: int | None = None,
    ) -> SlotInfo | PermanenceSlot | None:
        """« Prochain créneau libre » from ``after`` (default: now): the practitioner's next
        free permanence slot, or the resource's soonest free time (a permanence slot in it,
        or its shortest booking length, ``duration_min`` if given, inside the opening hours).
        ``None`` when nothing is free within four months."""
        from tiers_lieu.services.agenda.next_free import next_free

        if (resource_id is None) == (practitioner_id is None):
            raise ValidationError(_("Ressource"), _("choisissez une ressource ou un praticien"))
        if duration_min is not None and duration_min < 1:
            raise ValidationError(_("Durée"), _("au moins une minute"))
        if after is not None and after.tzinfo is None:
            raise ValidationError(_("Début"), _("heure sans fuseau horaire"))
        with self._uow(read_only=True) as uow:
            calendar = SiteCalendar(uow, site_id)
            resource = None
            if resource_id is not None:
                resource = uow.session.get(Resource, resource_id)
                if resource is None or resource.site_id != site_id or not resource.active:
                    raise NotFoundError(_("Cette ressource n'existe plus."))
            elif practitioner_id is not None:
                from tiers_lieu.models import Practitioner

                who = uow.session.get(Practitioner, practitioner_id)
                if who is None or who.site_id != site_id:
                    raise NotFoundError(_("Ce praticien n'existe pas dans ce lieu."))
            return next_free(
                uow,
                calendar,
                (after or datetime.now(UTC)).astimezone(calendar.zone),
                resource=resource,
                practitioner_id=practitioner_id,
                duration=None if duration_min is None else timedelta(minutes=duration_min),
            )


HEALTH_KINDS = (ResourceKind.HEALTH_ROOM.value, ResourceKind.TELECONSULTATION.value)
"""« Any health room »: the consultation room and the teleconsultation cabin."""
