"""Recurring bookings: every N weeks at the same wall-clock hours, until a date or N times.

Occurrences are built in the place's local time and converted one by one to UTC, so a 9:00
booking stays 9:00 in Paris across the daylight-saving changes of March and October. The
plan lists every date with the reason it collides; the creation books all but the skipped
dates in the caller's one transaction, or none.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from tiers_lieu.db import UnitOfWork
from tiers_lieu.errors import ConflictError, NotFoundError, ValidationError
from tiers_lieu.i18n import _, format_date, ngettext
from tiers_lieu.models import Booking, BookingSeries, Resource
from tiers_lieu.models.enums import AuditAction
from tiers_lieu.services import audit
from tiers_lieu.services.agenda.common import (
    booking_info,
    check_person,
    check_public,
    check_request,
    refuse_past,
)
from tiers_lieu.services.agenda.errors import AgendaConflict
from tiers_lieu.services.agenda.inputs import BookingRequest, Repetition
from tiers_lieu.services.agenda.prices import agreed_price, check_price
from tiers_lieu.services.agenda.readmodels import Occurrence, SeriesResult, SlotInfo
from tiers_lieu.services.agenda.rules import (
    Candidate,
    SiteCalendar,
    load_bookings,
    load_permanences,
    lock_resource,
    occupancy_reason,
    static_reason,
)
from tiers_lieu.services.agenda.search import SlotQuery, search

MAX_OCCURRENCES = 260
"""Five years of weekly bookings: beyond, a typing mistake rather than a plan."""


def occurrences(
    calendar: SiteCalendar,
    start: datetime,
    end: datetime,
    *,
    interval_weeks: int,
    until: date | None,
    count: int | None,
) -> list[tuple[datetime, datetime]]:
    """The local start and end of each occurrence (aware, the place's zone)."""
    if start.tzinfo is None or end.tzinfo is None:
        raise ValidationError(_("Début"), _("heure sans fuseau horaire"))
    if not 1 <= interval_weeks <= 52:
        raise ValidationError(_("Toutes les"), _("entre 1 et 52 semaines"))
    if (until is None) == (count is None):
        raise ValidationError(_("Répétition"), _("indiquez une date de fin ou un nombre de fois"))
    if count is not None and not 1 <= count <= MAX_OCCURRENCES:
        raise ValidationError(_("Nombre de fois"), _("entre 1 et {n}").format(n=MAX_OCCURRENCES))
    local_start, local_end = start.astimezone(calendar.zone), end.astimezone(calendar.zone)
    if local_end <= local_start:
        raise ValidationError(_("Fin"), _("la fin doit suivre le début"))
    if until is not None and until < local_start.date():
        raise ValidationError(_("Jusqu'au"), _("la date de fin précède le premier rendez-vous"))
    length_days = (local_end.date() - local_start.date()).days
    found: list[tuple[datetime, datetime]] = []
    day = local_start.date()
    while (count is None or len(found) < count) and (until is None or day <= until):
        if len(found) >= MAX_OCCURRENCES:
            raise ValidationError(
                _("Jusqu'au"),
                ngettext(
                    "{n} rendez-vous au plus", "{n} rendez-vous au plus", MAX_OCCURRENCES
                ).format(n=MAX_OCCURRENCES),
            )
        found.append(
            (
                calendar.local(day, local_start.time()),
                calendar.local(day + timedelta(days=length_days), local_end.time()),
            )
        )
        day += timedelta(weeks=interval_weeks)
    return found


def plan(
    uow: UnitOfWork,
    site_id: uuid.UUID,
    data: BookingRequest,
    repetition: Repetition,
    *,
    alternatives: bool = True,
) -> list[Occurrence]:
    """Every date of the series, each with the reason it collides (and, with
    ``alternatives``, the nearest free slots); ``data``'s person and title are not read."""
    resource_id, seats = data.resource_id, data.seats

    resource = uow.session.get(Resource, resource_id)
    if resource is None or resource.site_id != site_id:
        raise NotFoundError(_("Cette ressource n'existe pas dans ce lieu."))
    calendar = SiteCalendar(uow, site_id)
    dates = occurrences(
        calendar,
        data.start,
        data.end,
        interval_weeks=repetition.interval_weeks,
        until=repetition.until,
        count=repetition.count,
    )
    first, last = dates[0][0], dates[-1][1]
    pad = timedelta(minutes=resource.buffer_min)
    held = load_bookings(
        uow, [resource.id], first.astimezone(UTC) - pad, last.astimezone(UTC) + pad
    )
    blocks = load_permanences(
        uow, calendar, {resource.id: resource.capacity}, first.date(), last.date()
    )
    result: list[Occurrence] = []
    for local_start, local_end in dates:
        candidate = Candidate(
            resource, local_start.astimezone(UTC), local_end.astimezone(UTC), seats
        )
        reason = static_reason(calendar, candidate) or occupancy_reason(
            calendar, candidate, held[resource.id], blocks[resource.id]
        )
        proposals: tuple[SlotInfo, ...] = ()
        if reason and alternatives:
            proposals = tuple(
                search(
                    uow,
                    calendar,
                    [resource],
                    SlotQuery(
                        wanted=candidate.start,
                        duration=candidate.end - candidate.start,
                        seats=seats,
                        limit=3,
                        horizon_days=6,
                    ),
                )
            )
        result.append(
            Occurrence(
                day=local_start.date(),
                start=local_start,
                end=local_end,
                reason=reason,
                alternatives=proposals,
            )
        )
    return result


def create(
    uow: UnitOfWork,
    site_id: uuid.UUID,
    data: BookingRequest,
    repetition: Repetition,
    skip: Sequence[date],
    *,
    allow_past: bool = True,
) -> SeriesResult:
    """Book the series in ``uow`` (the caller commits); all or nothing. Without
    ``allow_past`` a first date already over is refused as a single booking's is
    (:class:`PastBookingError`): the desk asks whether it is a series keyed in afterwards."""
    start, end, seats = data.start, data.end, data.seats
    person_id, organisation, title = data.person_id, data.organisation, data.title

    check_request(start, end, seats, title, organisation)
    check_price(data.price_cents)
    if person_id is None and not organisation.strip() and not title.strip():
        raise ValidationError(
            _("Pour qui"), _("choisissez une personne ou saisissez une organisation")
        )
    resource = lock_resource(uow, data.resource_id)
    if not resource.active:
        raise ConflictError(
            _("« {name} » est désactivée : réactivez-la pour la réserver.").format(
                name=resource.name
            )
        )
    person = check_person(uow, person_id, site_id)
    check_public(uow, data.public_id, site_id)
    planned = plan(uow, site_id, data, repetition, alternatives=False)
    skipped = set(skip)
    blocking = [o for o in planned if o.collides and o.day not in skipped]
    if blocking:
        lines = "\n".join(
            _("{day} : {reason}").format(day=format_date(o.day, "full"), reason=o.reason)
            for o in blocking[:20]
        )
        raise AgendaConflict(
            _(
                "Rien n'a été réservé : ces dates sont en conflit. Ignorez-les ou "
                "déplacez-les.\n{dates}"
            ).format(dates=lines)
        )
    calendar = SiteCalendar(uow, site_id)
    booked = [o for o in planned if o.day not in skipped]
    if booked and not allow_past:
        refuse_past(calendar, booked[0].start, booked[0].end)
    rule = BookingSeries(
        site_id=site_id,
        interval_weeks=repetition.interval_weeks,
        until=repetition.until,
        occurrences=repetition.count,
    )
    uow.session.add(rule)
    uow.session.flush()  # no ORM relationship orders the inserts: the rule goes first
    rows = [
        Booking(
            site_id=site_id,
            resource_id=resource.id,
            start_at=o.start.astimezone(UTC),
            end_at=o.end.astimezone(UTC),
            seats=seats,
            person_id=person_id,
            organisation=organisation.strip(),
            title=title.strip(),
            series_id=rule.id,
            created_by_id=uow.actor_id,
            public_id=data.public_id,
            price_cents=agreed_price(data.price_cents, resource.hourly_price_cents, o.start, o.end),
        )
        for o in planned
        if o.day not in skipped
    ]
    uow.session.add_all(rows)
    audit.record(
        uow,
        action=AuditAction.CREATE,
        entity="booking_series",
        entity_id=rule.id,
        site_id=site_id,
        details={"bookings": len(rows), "skipped": len(planned) - len(rows)},
    )
    uow.session.flush()
    return SeriesResult(
        series_id=rule.id,
        booked=tuple(booking_info(b, resource.name, person, calendar) for b in rows),
        skipped=tuple(sorted(o.day for o in planned if o.day in skipped)),
    )
