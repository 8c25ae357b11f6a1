"""iCalendar export and import of the agenda, so real calendar clients read it and a shared
calendar can be brought in.

Export: a resource's or a practitioner's non-cancelled bookings as VEVENTs with a TZID of the
place's zone (VTIMEZONE included), and a stable UID (the imported one, else ``<id>@comptoir``)
so exporting then importing into an empty resource gives the same bookings.

Import (decided here, shown in the user's guide): each timed VEVENT becomes one booking of the
resource, its SUMMARY the booking's title; a recurring event (RRULE, with EXDATE and
overridden occurrences) becomes one booking per occurrence up to a year after the import; an
all-day event becomes, for each of its days, a booking over the place's opening hours of that
day (a day the place is closed is left out and listed). Cancelled events, events without an
end and events already imported (same UID in this resource) are left out. Events are checked
with the rules of a booking (capacity, buffer, closures, opening hours) but not the duration
limits, which are for the desk; those that collide are listed and the import refused as a
whole, unless the user accepts to skip them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlmodel import col, select

from tiers_lieu.db import UowFactory
from tiers_lieu.errors import NotFoundError, ValidationError
from tiers_lieu.i18n import _, format_date
from tiers_lieu.models import Booking, Permanence, Person, Practitioner, Resource
from tiers_lieu.models.enums import AuditAction, BookingStatus, VisitSource
from tiers_lieu.services import audit
from tiers_lieu.services.access import Permission, requires
from tiers_lieu.services.agenda.common import display_name
from tiers_lieu.services.agenda.errors import IcsCollisionError
from tiers_lieu.services.agenda.readmodels import IcsEvent, IcsImportReport
from tiers_lieu.services.agenda.rules import (
    Candidate,
    SiteCalendar,
    Spot,
    load_bookings,
    load_permanences,
    lock_resource,
    occupancy_reason,
    static_reason,
)

RRULE_HORIZON = timedelta(days=365)
PRODID = "-//Comptoir//Agenda du tiers-lieu//FR"


@dataclass(frozen=True)
class _Wanted:
    uid: str
    summary: str
    start: datetime  # aware, UTC
    end: datetime


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

    zone = ZoneInfo(zone_name)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", zone_name)
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
    cal.add_missing_timezones()
    return bytes(cal.to_ical())


def _as_utc(value: Any, zone: Any) -> datetime:
    if isinstance(value, datetime):
        if value.tzinfo is None:  # floating time: the place's wall clock
            value = value.replace(tzinfo=zone)
        return value.astimezone(UTC)
    raise TypeError


def _read(data: bytes, calendar: SiteCalendar, today: date) -> tuple[list[_Wanted], list[str]]:
    """The bookings an .ics asks for, and what was left out with why."""
    from dateutil.rrule import rrulestr
    from icalendar import Calendar

    try:
        cal = Calendar.from_ical(data)
    except ValueError as error:
        raise ValidationError(
            _("Fichier"),
            _("ce n'est pas un fichier iCalendar lisible ({error})").format(error=error),
        ) from error
    zone = calendar.zone
    wanted: list[_Wanted] = []
    ignored: list[str] = []
    events = list(cal.walk("VEVENT"))
    overridden = {
        (str(e.get("uid")), _as_utc(e.decoded("recurrence-id"), zone))
        for e in events
        if e.get("recurrence-id") is not None and isinstance(e.decoded("recurrence-id"), datetime)
    }
    for e in events:
        uid = str(e.get("uid") or uuid.uuid4())
        summary = str(e.get("summary") or "").strip()
        label = summary or uid
        if str(e.get("status") or "").upper() == "CANCELLED":
            ignored.append(_("« {event} » : événement annulé").format(event=label))
            continue
        if e.get("dtstart") is None:
            ignored.append(_("« {event} » : pas de date de début").format(event=label))
            continue
        start = e.decoded("dtstart")
        if e.get("dtend") is not None:
            end = e.decoded("dtend")
        elif e.get("duration") is not None:
            end = start + e.decoded("duration")
        elif not isinstance(start, datetime):
            end = start + timedelta(days=1)
        else:
            ignored.append(_("« {event} » : pas d'heure de fin").format(event=label))
            continue
        if e.get("recurrence-id") is not None:
            recurrence = e.decoded("recurrence-id")
            if isinstance(recurrence, datetime):
                uid = "{}#{}".format(uid, _as_utc(recurrence, zone).strftime("%Y%m%dT%H%M%SZ"))
        if not isinstance(start, datetime):  # an all-day event: the opening hours of each day
            day = start
            while day < end:
                ranges = calendar.ranges(day)
                if ranges:
                    wanted.append(
                        _Wanted(
                            f"{uid}#{day.isoformat()}",
                            summary,
                            calendar.local(day, ranges[0][0]).astimezone(UTC),
                            calendar.local(day, ranges[-1][1]).astimezone(UTC),
                        )
                    )
                else:
                    ignored.append(
                        _("« {event} » le {day} : le lieu est fermé ce jour-là").format(
                            event=label, day=format_date(day)
                        )
                    )
                day += timedelta(days=1)
            continue
        if start.tzinfo is None:
            start, end = start.replace(tzinfo=zone), end.replace(tzinfo=zone)
        length = end - start
        if e.get("rrule") is None or e.get("recurrence-id") is not None:
            wanted.append(_Wanted(uid, summary, start.astimezone(UTC), end.astimezone(UTC)))
            continue
        # dateutil steps on the wall clock of ``start``'s zone: a weekly 9:00 stays 9:00.
        rule = rrulestr(e.get("rrule").to_ical().decode(), dtstart=start, forceset=True)
        for ex in e.get("exdate", []) if isinstance(e.get("exdate"), list) else [e.get("exdate")]:
            for value in getattr(ex, "dts", []):
                moment = value.dt
                if isinstance(moment, datetime):
                    rule.exdate(moment if moment.tzinfo else moment.replace(tzinfo=zone))
        limit = datetime.combine(today, time(0), tzinfo=zone) + RRULE_HORIZON
        for occurrence in rule.between(start - timedelta(seconds=1), limit):
            at = occurrence.astimezone(UTC)
            if (str(e.get("uid")), at) in overridden:
                continue
            wanted.append(
                _Wanted(
                    "{}#{}".format(uid, at.strftime("%Y%m%dT%H%M%SZ")),
                    summary,
                    at,
                    (occurrence + length).astimezone(UTC),
                )
            )
    wanted.sort(key=lambda w: (w.start, w.uid))
    return wanted, ignored


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
        dry_run: bool = False,
        user_id: uuid.UUID | None = None,
    ) -> IcsImportReport:
        """Turn an .ics file's events into bookings of the resource, all or nothing.

        Colliding events raise an :class:`IcsCollisionError` listing them, unless
        ``skip_collisions``: then the others are booked and the report lists those skipped.
        ``dry_run`` checks everything and saves nothing.
        """
        with self._uow() as uow:
            resource = lock_resource(uow, resource_id)
            if resource.site_id != site_id:
                raise NotFoundError(_("Cette ressource n'existe pas dans ce lieu."))
            calendar = SiteCalendar(uow, site_id)
            wanted, ignored = _read(data, calendar, datetime.now(calendar.zone).date())
            known = set(
                uow.session.exec(
                    select(Booking.ical_uid).where(
                        Booking.resource_id == resource_id, col(Booking.ical_uid).is_not(None)
                    )
                )
            )
            fresh = [w for w in wanted if w.uid not in known]
            accepted: list[_Wanted] = []
            collisions: list[IcsEvent] = []
            if fresh:
                first, last = fresh[0].start, max(w.end for w in fresh)
                pad = timedelta(minutes=resource.buffer_min)
                held = load_bookings(uow, [resource.id], first - pad, last + pad)[resource.id]
                blocks = load_permanences(
                    uow,
                    calendar,
                    {resource.id: resource.capacity},
                    first.astimezone(calendar.zone).date(),
                    last.astimezone(calendar.zone).date(),
                )[resource.id]
                for w in fresh:
                    candidate = Candidate(resource, w.start, w.end, 1, check_durations=False)
                    reason = static_reason(calendar, candidate) or occupancy_reason(
                        calendar, candidate, held, blocks
                    )
                    if reason:
                        collisions.append(
                            IcsEvent(
                                w.uid,
                                w.summary,
                                w.start.astimezone(calendar.zone),
                                w.end.astimezone(calendar.zone),
                                reason,
                            )
                        )
                    else:
                        accepted.append(w)
                        held.append(Spot(w.start, w.end, 1))
            if collisions and not skip_collisions:
                raise IcsCollisionError(collisions)
            for w in accepted:
                uow.session.add(
                    Booking(
                        site_id=site_id,
                        resource_id=resource.id,
                        start_at=w.start,
                        end_at=w.end,
                        title=(w.summary or _("Réservation importée"))[:200],
                        ical_uid=w.uid[:255],
                        source=VisitSource.IMPORT,
                        created_by_id=user_id,
                    )
                )
            if accepted:
                audit.record(
                    uow,
                    action=AuditAction.CREATE,
                    entity="booking_import",
                    entity_id=resource.id,
                    site_id=site_id,
                    user_id=user_id,
                    details={"bookings": len(accepted), "skipped": len(collisions)},
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
            )
