"""What the booking paths share (desk bookings, series, permanence slots, imports): the
read model of a booking, the shape checks of a request, the check against the rules with the
nearest free slots on refusal, and the visit a check-in counts.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlmodel import col, select

from tiers_lieu.db import UnitOfWork
from tiers_lieu.errors import ConflictError, NotFoundError, ValidationError
from tiers_lieu.i18n import _
from tiers_lieu.models import Booking, Category, Person, Resource, Service, Visit
from tiers_lieu.models.enums import (
    CategoryKind,
    ResourceKind,
    ServiceKind,
    VisitSource,
)
from tiers_lieu.services.agenda.errors import AgendaConflict, PastBookingError
from tiers_lieu.services.agenda.readmodels import (
    BookingInfo,
)
from tiers_lieu.services.agenda.rules import (
    Candidate,
    SiteCalendar,
    load_bookings,
    load_permanences,
    occupancy_reason,
    static_reason,
)
from tiers_lieu.services.agenda.search import SlotQuery, search
from tiers_lieu.validation import check_date

SERVICE_OF_KIND = {
    ResourceKind.HEALTH_ROOM: ServiceKind.HEALTH,
    ResourceKind.TELECONSULTATION: ServiceKind.HEALTH,
    ResourceKind.DESK: ServiceKind.COWORKING,
    ResourceKind.OPEN_SPACE: ServiceKind.COWORKING,
    ResourceKind.MEETING_ROOM: ServiceKind.COWORKING,
}
"""The desk service a check-in counts in when the resource names none."""


def display_name(person: Person | None, organisation: str = "") -> str:
    """The person's name (or their organisation), else the organisation booked for."""
    if person is not None and person.anonymized_at is None:
        name = " ".join(p for p in (person.first_name, person.last_name) if p)
        if name or person.organisation:
            return name or person.organisation
    return organisation


def booking_info(
    b: Booking, resource_name: str, person: Person | None, calendar: SiteCalendar
) -> BookingInfo:
    zone = calendar.zone
    return BookingInfo(
        id=b.id,
        site_id=b.site_id,
        resource_id=b.resource_id,
        resource_name=resource_name,
        start=b.start_at.astimezone(zone),
        end=b.end_at.astimezone(zone),
        seats=b.seats,
        person_id=b.person_id,
        who=display_name(person, b.organisation),
        organisation=b.organisation,
        title=b.title,
        status=b.status,
        cancelled_at=b.cancelled_at.astimezone(zone) if b.cancelled_at else None,
        checked_in_at=b.checked_in_at.astimezone(zone) if b.checked_in_at else None,
        permanence_id=b.permanence_id,
        series_id=b.series_id,
        source=b.source,
        public_id=b.public_id,
        price_cents=b.price_cents,
    )


def aware(value: datetime, field: str) -> datetime:
    if value.tzinfo is None:
        raise ValidationError(field, _("heure sans fuseau horaire"))
    # Bounded first: year 1 at 00:10 in Paris is before year 1 in UTC (OverflowError).
    return check_date(field, value).astimezone(UTC)


def check_request(
    start: datetime, end: datetime, seats: int, title: str, organisation: str
) -> tuple[datetime, datetime]:
    start, end = aware(start, _("Début")), aware(end, _("Fin"))
    if end <= start:
        raise ValidationError(_("Fin"), _("la fin doit suivre le début"))
    if not 1 <= seats <= 500:
        raise ValidationError(_("Places"), _("entre 1 et 500"))
    check_labels(title, organisation)
    return start, end


def check_labels(title: str, organisation: str) -> None:
    """The lengths of a booking's title and organisation (new or edited)."""
    if len(title) > 200:
        raise ValidationError(_("Objet"), _("200 caractères au plus"))
    if len(organisation) > 120:
        raise ValidationError(_("Organisation"), _("120 caractères au plus"))


def refusal(
    uow: UnitOfWork,
    calendar: SiteCalendar,
    candidate: Candidate,
    *,
    exclude: uuid.UUID | None = None,
) -> str:
    """Why the candidate cannot be booked now, or "" when it can."""
    reason = static_reason(calendar, candidate)
    if reason:
        return reason
    day = candidate.start.astimezone(calendar.zone).date()
    pad = timedelta(minutes=candidate.resource.buffer_min)
    held = load_bookings(
        uow, [candidate.resource.id], candidate.start - pad, candidate.end + pad, exclude=exclude
    )
    blocks = load_permanences(
        uow, calendar, {candidate.resource.id: candidate.resource.capacity}, day, day
    )
    return occupancy_reason(
        calendar, candidate, held[candidate.resource.id], blocks[candidate.resource.id]
    )


def ensure_bookable(
    uow: UnitOfWork,
    calendar: SiteCalendar,
    candidate: Candidate,
    *,
    exclude: uuid.UUID | None = None,
) -> None:
    """Raise an :class:`AgendaConflict` with the nearest free slots if the rules refuse."""
    reason = refusal(uow, calendar, candidate, exclude=exclude)
    if not reason:
        return
    alternatives = []
    if candidate.permanence_id is None and candidate.seats <= candidate.resource.capacity:
        alternatives = search(
            uow,
            calendar,
            [candidate.resource],
            SlotQuery(
                wanted=candidate.start,
                duration=candidate.end - candidate.start,
                seats=candidate.seats,
                limit=3,
                horizon_days=30,
                exclude=exclude,
            ),
        )
    raise AgendaConflict(reason, alternatives)


def refuse_past(calendar: SiteCalendar, start: datetime, end: datetime) -> None:
    """A booking already over (it ended before now, on the place's clock) is refused with a
    :class:`PastBookingError`; the desk asks and sends it again when it is re-keying."""
    now = datetime.now(calendar.zone)
    if end <= now:
        raise PastBookingError(start.astimezone(calendar.zone), end.astimezone(calendar.zone))


def check_person(uow: UnitOfWork, person_id: uuid.UUID | None, site_id: uuid.UUID) -> Person | None:
    if person_id is None:
        return None
    person = uow.session.get(Person, person_id)
    if person is None or person.site_id != site_id:
        raise NotFoundError(_("Cette personne n'existe pas dans ce lieu."))
    return person


def check_public(uow: UnitOfWork, public_id: uuid.UUID | None, site_id: uuid.UUID) -> None:
    """``public_id`` is one of the place's « public » categories (or ``None``)."""
    if public_id is None:
        return
    category = uow.session.get(Category, public_id)
    if category is None or category.site_id != site_id or category.kind != CategoryKind.PUBLIC:
        raise ValidationError(_("Public"), _("valeur inconnue dans ce lieu"))


def count_visit(
    uow: UnitOfWork,
    b: Booking,
    resource: Resource,
    person: Person | None,
    start: datetime,
) -> uuid.UUID | None:
    service: Service | None = None
    if resource.service_id is not None:
        service = uow.session.get(Service, resource.service_id)
    elif resource.kind in SERVICE_OF_KIND:
        service = uow.session.exec(
            select(Service)
            .where(
                Service.site_id == b.site_id,
                Service.kind == SERVICE_OF_KIND[ResourceKind(resource.kind)],
            )
            .order_by(col(Service.active).desc(), col(Service.position))
        ).first()
    if service is None:
        return None
    if not service.active:
        raise ConflictError(
            _(
                "Le service « {name} » est désactivé : réactivez-le dans Paramètres "
                "pour y compter des visites."
            ).format(name=service.name)
        )
    visit = Visit(
        site_id=b.site_id,
        service_id=service.id,
        activity_date=start.date(),
        activity_time=start.time(),
        count=b.seats,
        person_id=person.id if person else None,
        commune_id=person.commune_id if person else None,
        age_band_id=person.age_band_id if person else None,
        gender_id=person.gender_id if person else None,
        status_id=person.status_id if person else None,
        booking_id=b.id,
        source=VisitSource.BOOKING,
        public_id=b.public_id,
    )
    uow.session.add(visit)
    return visit.id
