"""iCalendar export and import of the agenda, so real calendar clients read it and a shared
calendar can be brought in.

Export: a resource's or a practitioner's non-cancelled bookings as VEVENTs with a TZID of the
place's zone and its VTIMEZONE written as yearly rules (:mod:`.ics_zone`), and a stable UID
(the imported one, else ``<id>@comptoir``) so exporting then importing into an empty
resource gives the same bookings.

Import: what each event becomes, and the limits on the file, are in :mod:`.ics_read`.
Events are checked with the rules of a booking (capacity, buffer, closures, opening hours)
but not the duration limits, which are for the desk; those that collide are listed with why
and the import refused as a whole, unless the user accepts to skip them. An event refused
only because it falls outside the opening hours (or on a day the place is closed) may be
imported anyway: a calendar migration must bring the evening meetings along.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlmodel import col, select

from tiers_lieu.db import UowFactory
from tiers_lieu.errors import NotFoundError
from tiers_lieu.i18n import _
from tiers_lieu.models import Booking, Permanence, Person, Practitioner, Resource
from tiers_lieu.models.enums import AuditAction, BookingStatus, VisitSource
from tiers_lieu.services import audit
from tiers_lieu.services.access import Permission, requires
from tiers_lieu.services.agenda.common import display_name
from tiers_lieu.services.agenda.errors import IcsCollisionError
from tiers_lieu.services.agenda.readmodels import IcsEvent, IcsImportReport
from tiers_lieu.services.agenda.rules import (
    LONGEST_BOOKING,
    Candidate,
    SiteCalendar,
    Spot,
    load_bookings,
    load_permanences,
    lock_resource,
    occupancy_reason,
    static_reason,
)

if TYPE_CHECKING:
    from tiers_lieu.services.agenda.ics_read import Wanted

PRODID = "-//Comptoir//Agenda du tiers-lieu//FR"


def _summary(b: Booking, person: Person | None) -> str:
    who = display_name(person, b.organisation)
    if b.title and who:
        return _("{title} — {who}").format(title=b.title, who=who)
    return b.title or who or _("Réservation")


def _calendar_bytes(
    name: str, zone_name: str, rows: list[tuple[Booking, Person | None, str]]
) -> bytes:
    from zoneinfo import ZoneInfo

    from icalendar import Calendar, Event  # imported on use: start-up time

    from tiers_lieu.services.agenda.ics_zone import vtimezone

    zone = ZoneInfo(zone_name)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", zone_name)
    if rows:
        cal.add_component(
            vtimezone(
                zone,
                min(b.start_at for b, _p, _l in rows).astimezone(zone).date(),
                max(b.end_at for b, _p, _l in rows).astimezone(zone).date(),
            )
        )
    stamp = datetime.now(UTC).replace(microsecond=0)
    for b, person, location in rows:
        event = Event()
        event.add("uid", b.ical_uid or f"{b.id}@comptoir")
        event.add("dtstamp", stamp)
        event.add("dtstart", b.start_at.astimezone(zone))
        event.add("dtend", b.end_at.astimezone(zone))
        event.add("summary", _summary(b, person))
        event.add("location", location)
        event.add("status", "CONFIRMED")
        cal.add_component(event)
    return bytes(cal.to_ical())


def _by_day(spots: list[Spot]) -> dict[date, list[Spot]]:
    found: dict[date, list[Spot]] = {}
    for spot in spots:
        found.setdefault(spot.start.date(), []).append(spot)
    return found


def _near(spots: dict[date, list[Spot]], first: date, last: date) -> list[Spot]:
    """The spots starting between two UTC days included."""
    return [
        spot
        for n in range((last - first).days + 1)
        for spot in spots.get(first + timedelta(days=n), ())
    ]


def _outside_hours_only(calendar: SiteCalendar, c: Candidate) -> bool:
    """Whether the rules refuse ``c`` only for the opening hours or a closed day (not for a
    booking over midnight nor for too many seats), which an import may waive."""
    start, end = c.start.astimezone(calendar.zone), c.end.astimezone(calendar.zone)
    return c.seats <= c.resource.capacity and (end - timedelta(microseconds=1)).date() == (
        start.date()
    )


class IcalService:
    def __init__(self, uow: UowFactory) -> None:
        self._uow = uow

    @requires(Permission.BOOKINGS)
    def export_resource(
        self, resource_id: uuid.UUID, *, first: date | None = None, last: date | None = None
    ) -> bytes:
        """The resource's non-cancelled bookings (between two dates, if given) as .ics."""
        with self._uow() as uow:
            resource = uow.session.get(Resource, resource_id)
            if resource is None:
                raise NotFoundError(_("Cette ressource n'existe plus."))
            calendar = SiteCalendar(uow, resource.site_id)
            query = self._window(
                select(Booking, Person)
                .outerjoin(Person, col(Person.id) == col(Booking.person_id))
                .where(Booking.resource_id == resource_id),
                calendar,
                first,
                last,
            )
            rows = [(b, p, resource.name) for b, p in uow.session.exec(query)]
            return _calendar_bytes(resource.name, calendar.zone.key, rows)

    @requires(Permission.BOOKINGS)
    def export_practitioner(
        self, practitioner_id: uuid.UUID, *, first: date | None = None, last: date | None = None
    ) -> bytes:
        """The slots booked in a practitioner's permanences (names, no reason) as .ics."""
        with self._uow() as uow:
            who = uow.session.get(Practitioner, practitioner_id)
            if who is None:
                raise NotFoundError(_("Ce praticien n'existe plus."))
            calendar = SiteCalendar(uow, who.site_id)
            query = self._window(
                select(Booking, Person, Resource.name)
                .join(Permanence, col(Permanence.id) == col(Booking.permanence_id))
                .join(Resource, col(Resource.id) == col(Booking.resource_id))
                .outerjoin(Person, col(Person.id) == col(Booking.person_id))
                .where(Permanence.practitioner_id == practitioner_id),
                calendar,
                first,
                last,
            )
            rows = [(b, p, n) for b, p, n in uow.session.exec(query)]
            return _calendar_bytes(who.name, calendar.zone.key, rows)

    @staticmethod
    def _window(query: Any, calendar: SiteCalendar, first: date | None, last: date | None) -> Any:
        query = query.where(Booking.status != BookingStatus.CANCELLED)
        if first is not None:
            query = query.where(col(Booking.start_at) >= calendar.day_bounds(first)[0])
        if last is not None:
            query = query.where(col(Booking.start_at) < calendar.day_bounds(last)[1])
        return query.order_by(col(Booking.start_at))

    @requires(Permission.SETTINGS)
    def import_ics(
        self,
        *,
        site_id: uuid.UUID,
        resource_id: uuid.UUID,
        data: bytes,
        skip_collisions: bool = False,
        outside_hours: bool = False,
        dry_run: bool = False,
    ) -> IcsImportReport:
        """Turn an .ics file's events into bookings of the resource, all or nothing.

        Colliding events raise an :class:`IcsCollisionError` listing them with why, unless
        ``skip_collisions``: then the others are booked and the report lists those skipped.
        ``outside_hours`` books events that fall outside the opening hours or on a day the
        place is closed as well (capacity and overlaps still apply). ``dry_run`` checks
        everything and saves nothing. A file too large, unreadable or with unreadable
        events raises a :class:`~tiers_lieu.errors.ComptoirError` saying which.
        """
        from tiers_lieu.services.agenda.ics_read import read  # on use: start-up time

        # Read the file before the write lock: a large calendar must not hold the desks.
        with self._uow(read_only=True) as uow:
            calendar = SiteCalendar(uow, site_id)
            wanted, ignored = read(data, calendar, datetime.now(calendar.zone).date())
        with self._uow() as uow:
            resource = lock_resource(uow, resource_id)
            if resource.site_id != site_id:
                raise NotFoundError(_("Cette ressource n'existe pas dans ce lieu."))
            calendar = SiteCalendar(uow, site_id)
            known = set(
                uow.session.exec(
                    select(Booking.ical_uid).where(
                        Booking.resource_id == resource_id, col(Booking.ical_uid).is_not(None)
                    )
                )
            )
            fresh = [w for w in wanted if w.uid not in known]
            accepted, collisions, outside = self._check(
                uow, calendar, resource, fresh, outside_hours
            )
            if collisions and not skip_collisions:
                raise IcsCollisionError(collisions)
            for w in accepted:
                uow.session.add(
                    Booking(
                        site_id=site_id,
                        resource_id=resource.id,
                        start_at=w.start,
                        end_at=w.end,
                        title=w.summary or _("Réservation importée"),
                        ical_uid=w.uid,
                        source=VisitSource.IMPORT,
                        created_by_id=uow.actor_id,
                    )
                )
            if accepted:
                audit.record(
                    uow,
                    action=AuditAction.CREATE,
                    entity="booking_import",
                    entity_id=resource.id,
                    site_id=site_id,
                    details={
                        "bookings": len(accepted),
                        "skipped": len(collisions),
                        "outside_hours": outside,
                    },
                )
            if not dry_run:
                uow.commit()
            return IcsImportReport(
                resource_id=resource.id,
                created=len(accepted),
                already_imported=len(wanted) - len(fresh),
                skipped=tuple(collisions),
                ignored=tuple(ignored),
                dry_run=dry_run,
                outside_hours=outside,
            )

    @staticmethod
    def _check(
        uow: Any,
        calendar: SiteCalendar,
        resource: Resource,
        fresh: list[Wanted],
        outside_hours: bool,
    ) -> tuple[list[Wanted], list[IcsEvent], int]:
        """The events that can be booked, those that cannot (with why), and how many of
        the booked ones fall outside the opening hours."""
        accepted: list[Wanted] = []
        collisions: list[IcsEvent] = []
        outside = 0
        if not fresh:
            return accepted, collisions, outside
        first, last = fresh[0].start, max(w.end for w in fresh)
        pad = timedelta(minutes=resource.buffer_min)
        # Spots by UTC day, so that each event is checked against its neighbours only (a
        # file may hold 5,000 events: comparing each with all the others took seconds).
        held = _by_day(load_bookings(uow, [resource.id], first - pad, last + pad)[resource.id])
        blocks = _by_day(
            load_permanences(
                uow,
                calendar,
                {resource.id: resource.capacity},
                first.astimezone(calendar.zone).date(),
                last.astimezone(calendar.zone).date(),
            )[resource.id]
        )
        for w in fresh:
            candidate = Candidate(resource, w.start, w.end, 1, check_durations=False)
            reason = static_reason(calendar, candidate)
            waivable = bool(reason) and _outside_hours_only(calendar, candidate)
            if waivable and outside_hours:
                reason = ""
            lo, hi = (w.start - pad - LONGEST_BOOKING).date(), (w.end + pad).date()
            reason = reason or occupancy_reason(
                calendar, candidate, _near(held, lo, hi), _near(blocks, lo, hi)
            )
            if reason:
                collisions.append(
                    IcsEvent(
                        w.uid,
                        w.summary,
                        w.start.astimezone(calendar.zone),
                        w.end.astimezone(calendar.zone),
                        reason,
                        outside_hours=waivable and not outside_hours,
                    )
                )
            else:
                accepted.append(w)
                outside += waivable
                held.setdefault(w.start.date(), []).append(Spot(w.start, w.end, 1))
        return accepted, collisions, outside
