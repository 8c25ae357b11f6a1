"""The rules a booking must respect, checked against what is already in the agenda.

Shared by the booking service (one booking, inside its transaction), the availability search
(many candidate slots, in memory) and the calendar import. Everything the rules need for a
stretch of days is loaded in a handful of queries into a :class:`SiteCalendar` and lists of
:class:`Spot`; each check is then pure Python, which keeps the search for a free slot fast.

A booking must lie within one day of the place: it starts inside an opening range and ends
inside one (a full day may span the lunch break), on a day that is no public holiday and no
closure. A permanence's slots follow the permanence's own hours instead, and a permanence
holds its room: other bookings cannot take it during those hours.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select as sa_select
from sqlmodel import col, or_, select

from tiers_lieu.db import UnitOfWork
from tiers_lieu.errors import NotFoundError
from tiers_lieu.i18n import _, format_date, format_time, ngettext
from tiers_lieu.models import (
    Booking,
    Closure,
    OpeningHours,
    Permanence,
    PermanenceCancellation,
    Practitioner,
    Resource,
    Site,
)
from tiers_lieu.models.enums import BookingStatus
from tiers_lieu.services.public_holidays import public_holidays

DEFAULT_TIMEZONE = "Europe/Paris"
LONGEST_BOOKING = timedelta(days=1)
"""A booking never spans midnight, so a window query may look back one day at most."""


class SiteCalendar:
    """The place's time zone, opening hours, closures and public holidays."""

    def __init__(self, uow: UnitOfWork, site_id: uuid.UUID) -> None:
        site = uow.session.get(Site, site_id)
        if site is None:
            raise NotFoundError(_("Ce lieu n'existe plus."))
        self.site_id = site_id
        self.zone = ZoneInfo(site.timezone or DEFAULT_TIMEZONE)
        self.hours: dict[int, list[tuple[time, time]]] = {}
        for weekday, opens, closes in uow.session.exec(
            select(
                col(OpeningHours.weekday), col(OpeningHours.opens_at), col(OpeningHours.closes_at)
            )
            .where(OpeningHours.site_id == site_id)
            .order_by(col(OpeningHours.opens_at))
        ):
            self.hours.setdefault(weekday, []).append((opens, closes))
        self.closures = list(
            uow.session.exec(
                select(col(Closure.start_date), col(Closure.end_date), col(Closure.reason)).where(
                    Closure.site_id == site_id
                )
            )
        )

    def local(self, day: date, at: time) -> datetime:
        return datetime.combine(day, at, tzinfo=self.zone)

    def day_bounds(self, day: date) -> tuple[datetime, datetime]:
        """The day's first and last instants (end excluded) in UTC."""
        return (
            self.local(day, time(0)).astimezone(UTC),
            self.local(day + timedelta(days=1), time(0)).astimezone(UTC),
        )

    def closed_reason(self, day: date) -> str | None:
        """Why the place is closed that day (holiday, closure), or None when it may open."""
        holiday = public_holidays(day.year).get(day)
        if holiday:
            return _("jour férié : {name}").format(name=holiday)
        for start, end, reason in self.closures:
            if start <= day <= end:
                return (
                    _("fermeture : {reason}").format(reason=reason)
                    if reason
                    else _("fermeture du lieu")
                )
        return None

    def ranges(self, day: date) -> list[tuple[time, time]]:
        """The opening ranges of that day; none on a closed day."""
        if self.closed_reason(day) is not None:
            return []
        return self.hours.get(day.weekday(), [])


def hours_text(ranges: Sequence[tuple[time, time]]) -> str:
    return ", ".join(
        _("{opens}–{closes}").format(opens=format_time(o), closes=format_time(c)) for o, c in ranges
    )


@dataclass(frozen=True)
class Spot:
    """Something holding seats of a resource: a booking, or a permanence holding its room."""

    start: datetime
    end: datetime
    seats: int
    booking_id: uuid.UUID | None = None
    permanence_id: uuid.UUID | None = None
    label: str = ""


def occurrence_dates(
    weekday: int,
    interval_weeks: int,
    start_date: date,
    end_date: date | None,
    first: date,
    last: date,
) -> Iterator[date]:
    """The dates of a permanence (every ``interval_weeks`` on ``weekday`` from its first
    date on or after ``start_date``) between ``first`` and ``last`` included."""
    anchor = start_date + timedelta(days=(weekday - start_date.weekday()) % 7)
    step = 7 * interval_weeks
    if first > anchor:
        anchor += timedelta(days=-(-(first - anchor).days // step) * step)
    stop = last if end_date is None else min(last, end_date)
    day = anchor
    while day <= stop:
        yield day
        day += timedelta(days=step)


def load_bookings(
    uow: UnitOfWork,
    resource_ids: Iterable[uuid.UUID],
    start: datetime,
    end: datetime,
    *,
    exclude: uuid.UUID | None = None,
) -> dict[uuid.UUID, list[Spot]]:
    """The seats held by non-cancelled bookings overlapping [start, end), per resource."""
    ids = list(resource_ids)
    found: dict[uuid.UUID, list[Spot]] = {rid: [] for rid in ids}
    if not ids:
        return found
    rows = uow.session.execute(
        sa_select(
            col(Booking.id),
            col(Booking.resource_id),
            col(Booking.start_at),
            col(Booking.end_at),
            col(Booking.seats),
            col(Booking.permanence_id),
        ).where(
            col(Booking.resource_id).in_(ids),
            col(Booking.start_at) >= start - LONGEST_BOOKING,
            col(Booking.start_at) < end,
            col(Booking.end_at) > start,
            col(Booking.status) != BookingStatus.CANCELLED,
        )
    )
    for bid, rid, b_start, b_end, seats, perm in rows:
        if bid != exclude:
            found[rid].append(Spot(b_start, b_end, seats, bid, perm))
    return found


def load_permanences(
    uow: UnitOfWork,
    calendar: SiteCalendar,
    resources: dict[uuid.UUID, int],
    first: date,
    last: date,
) -> dict[uuid.UUID, list[Spot]]:
    """The hours each resource is held by a permanence between two dates (capacity taken
    whole), except dates the permanence is cancelled and days the place is closed."""
    found: dict[uuid.UUID, list[Spot]] = {rid: [] for rid in resources}
    if not resources:
        return found
    rows = uow.session.exec(
        select(Permanence, Practitioner.name)
        .join(Practitioner, col(Practitioner.id) == col(Permanence.practitioner_id))
        .where(
            col(Permanence.resource_id).in_(list(resources)),
            col(Permanence.start_date) <= last,
            or_(col(Permanence.end_date).is_(None), col(Permanence.end_date) >= first),
        )
    ).all()
    if not rows:
        return found
    cancelled = set(
        uow.session.exec(
            select(
                col(PermanenceCancellation.permanence_id), col(PermanenceCancellation.on_date)
            ).where(
                col(PermanenceCancellation.permanence_id).in_([p.id for p, _n in rows]),
                col(PermanenceCancellation.on_date) >= first,
                col(PermanenceCancellation.on_date) <= last,
            )
        )
    )
    for perm, name in rows:
        for day in occurrence_dates(
            perm.weekday, perm.interval_weeks, perm.start_date, perm.end_date, first, last
        ):
            if (perm.id, day) in cancelled or calendar.closed_reason(day) is not None:
                continue
            found[perm.resource_id].append(
                Spot(
                    calendar.local(day, perm.start_time).astimezone(UTC),
                    calendar.local(day, perm.end_time).astimezone(UTC),
                    resources[perm.resource_id],
                    permanence_id=perm.id,
                    label=name,
                )
            )
    return found


def lock_resource(uow: UnitOfWork, resource_id: uuid.UUID) -> Resource:
    """The resource, after a write on its row that takes the database's write lock.

    Counting the seats already taken and inserting the booking must not interleave with a
    second desk doing the same: the first write of the transaction makes the second desk
    wait (SQLite's busy timeout, PostgreSQL's row lock) until the first commits, and then
    it counts the first desk's booking too.
    """
    from sqlalchemy import update

    uow.session.execute(
        update(Resource).where(col(Resource.id) == resource_id).values(updated_at=datetime.now(UTC))
    )
    resource = uow.session.get(Resource, resource_id)
    if resource is None:
        raise NotFoundError(_("Cette ressource n'existe plus."))
    return resource


def _peak(
    spots: Sequence[Spot], start: datetime, end: datetime, pad: timedelta
) -> tuple[int, Spot | None]:
    """The most seats held at one instant of [start, end) by spots widened by ``pad``."""
    events: list[tuple[datetime, int]] = []
    first: Spot | None = None
    for s in spots:
        s_start, s_end = max(s.start - pad, start), min(s.end + pad, end)
        if s_start < s_end:
            events.append((s_start, s.seats))
            events.append((s_end, -s.seats))
            if first is None or s.start < first.start:
                first = s
    events.sort(key=lambda e: (e[0], e[1]))
    peak = held = 0
    for _at, delta in events:
        held += delta
        peak = max(peak, held)
    return peak, first


@dataclass(frozen=True)
class Candidate:
    """A booking being checked: the resource's rules and what is asked of it."""

    resource: Resource
    start: datetime
    end: datetime
    seats: int = 1
    permanence_id: uuid.UUID | None = None
    check_durations: bool = True  # imports keep what was agreed elsewhere


def static_reason(calendar: SiteCalendar, c: Candidate) -> str:
    """What the rules of the resource and the opening hours say, without other bookings."""
    r, zone = c.resource, calendar.zone
    if c.seats > r.capacity:
        return ngettext(
            "« {name} » n'a que {n} place.", "« {name} » n'a que {n} places.", r.capacity
        ).format(name=r.name, n=r.capacity)
    start, end = c.start.astimezone(zone), c.end.astimezone(zone)
    minutes = int((c.end - c.start).total_seconds() // 60)
    if c.permanence_id is None and c.check_durations:
        if minutes < r.min_duration_min:
            return ngettext(
                "Une réservation de « {name} » dure au moins {n} minute.",
                "Une réservation de « {name} » dure au moins {n} minutes.",
                r.min_duration_min,
            ).format(name=r.name, n=r.min_duration_min)
        if r.max_duration_min is not None and minutes > r.max_duration_min:
            return ngettext(
                "Une réservation de « {name} » dure au plus {n} minute.",
                "Une réservation de « {name} » dure au plus {n} minutes.",
                r.max_duration_min,
            ).format(name=r.name, n=r.max_duration_min)
    if (end - timedelta(microseconds=1)).date() != start.date():
        return _("Une réservation commence et finit le même jour.")
    day = start.date()
    closed = calendar.closed_reason(day)
    if closed is not None:
        return _("Le lieu est fermé le {day} ({why}).").format(
            day=format_date(day, "full"), why=closed
        )
    if c.permanence_id is not None:
        return ""
    ranges = calendar.ranges(day)
    if not ranges:
        return _("Le lieu n'ouvre pas le {day}.").format(day=format_date(day, "full"))
    start_t, end_t = start.time(), end.time()
    starts_open = any(o <= start_t < cl for o, cl in ranges)
    ends_open = any(o < end_t <= cl for o, cl in ranges) or (
        end_t == time(0) and ranges[-1][1] == time(23, 59)
    )
    if not (starts_open and ends_open):
        return _(
            "Le lieu est ouvert le {day} de {hours} : la réservation doit tenir dans ces horaires."
        ).format(day=format_date(day, "full"), hours=hours_text(ranges))
    return ""


def occupancy_reason(
    calendar: SiteCalendar,
    c: Candidate,
    bookings: Sequence[Spot],
    permanences: Sequence[Spot],
) -> str:
    """What the bookings and permanences already in the agenda say of the candidate."""
    r, zone = c.resource, calendar.zone
    for p in permanences:
        if p.permanence_id != c.permanence_id and p.start < c.end and c.start < p.end:
            return _("« {name} » est réservé à la permanence de {who} de {start} à {end}.").format(
                name=r.name,
                who=p.label,
                start=format_time(p.start.astimezone(zone).time()),
                end=format_time(p.end.astimezone(zone).time()),
            )
    peak, first = _peak(bookings, c.start, c.end, timedelta(0))
    if peak + c.seats > r.capacity and first is not None:
        if r.capacity == 1:
            return _("« {name} » est déjà réservé de {start} à {end}.").format(
                name=r.name,
                start=format_time(first.start.astimezone(zone).time()),
                end=format_time(first.end.astimezone(zone).time()),
            )
        return ngettext(
            "« {name} » est complet sur ce créneau : {taken} place prise sur {capacity}.",
            "« {name} » est complet sur ce créneau : {taken} places prises sur {capacity}.",
            peak,
        ).format(name=r.name, taken=peak, capacity=r.capacity)
    if r.buffer_min:
        pad = timedelta(minutes=r.buffer_min)
        peak, first = _peak(bookings, c.start, c.end, pad)
        if peak + c.seats > r.capacity and first is not None:
            return ngettext(
                "« {name} » demande {n} minute de battement entre deux réservations "
                "(nettoyage) : la réservation de {start} à {end} est trop proche.",
                "« {name} » demande {n} minutes de battement entre deux réservations "
                "(nettoyage) : la réservation de {start} à {end} est trop proche.",
                r.buffer_min,
            ).format(
                name=r.name,
                n=r.buffer_min,
                start=format_time(first.start.astimezone(zone).time()),
                end=format_time(first.end.astimezone(zone).time()),
            )
    return ""
