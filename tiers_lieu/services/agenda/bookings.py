"""Bookings of a resource for a person or an organisation, from request to check-in.

Every write locks the resource first (:func:`~.rules.lock_resource`), then checks the rules
against the agenda as it is inside the transaction, so two desks cannot both take the last
seat. A refusal is an :class:`AgendaConflict` whose message says why and which carries the
nearest free slots. Checking in counts one visit to the resource's service and consumes a
unit of the person's coworking pass in the same transaction. Recurring bookings live in
:mod:`.series`, the day and week views in :mod:`.views`; this class is their one entry point.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from sqlmodel import col, func, select

from tiers_lieu.db import UnitOfWork, UowFactory
from tiers_lieu.errors import ConflictError, NotFoundError, ValidationError
from tiers_lieu.i18n import _
from tiers_lieu.models import Booking, Person, Resource
from tiers_lieu.models.enums import (
    AuditAction,
    BookingStatus,
    ResourceKind,
)
from tiers_lieu.services import audit
from tiers_lieu.services.access import Permission, requires
from tiers_lieu.services.agenda import passes, series, views
from tiers_lieu.services.agenda.availability import HEALTH_KINDS
from tiers_lieu.services.agenda.common import (
    SERVICE_OF_KIND,
    aware,
    booking_info,
    check_labels,
    check_person,
    check_public,
    check_request,
    count_visit,
    display_name,
    ensure_bookable,
    refuse_past,
)
from tiers_lieu.services.agenda.inputs import KEEP, BookingRequest, Repetition, Unchanged
from tiers_lieu.services.agenda.prices import agreed_price
from tiers_lieu.services.agenda.readmodels import (
    AgendaView,
    BookingInfo,
    CheckInResult,
    NoShowHistory,
    Occurrence,
    SeriesResult,
)
from tiers_lieu.services.agenda.rules import (
    Candidate,
    SiteCalendar,
    lock_resource,
)

__all__ = [
    "SERVICE_OF_KIND",
    "BookingService",
    "aware",
    "booking_info",
    "check_person",
    "check_request",
    "display_name",
    "ensure_bookable",
]


class BookingService:
    def __init__(self, uow: UowFactory) -> None:
        self._uow = uow

    @requires(Permission.BOOKINGS)
    def get(self, booking_id: uuid.UUID) -> BookingInfo:
        with self._uow() as uow:
            b, resource = self._load(uow, booking_id)
            return self._info(uow, b, resource)

    @requires(Permission.BOOKINGS)
    def create(
        self, site_id: uuid.UUID, data: BookingRequest, *, allow_past: bool = True
    ) -> BookingInfo:
        """Book ``seats`` of a resource for a person or an organisation (one of them, or a
        title, is required). Refused with an :class:`AgendaConflict` saying why (capacity,
        closed day or hours, buffer, duration) and proposing the nearest free slots.
        With ``allow_past=False`` a booking already over is refused with a
        :class:`PastBookingError` (the desk asks, then sends it again). The booking keeps
        the price asked, else the resource's hourly price × its duration (:mod:`.prices`)."""
        seats, person_id = data.seats, data.person_id
        organisation, title = data.organisation, data.title
        start, end = check_request(data.start, data.end, seats, title, organisation)
        if person_id is None and not organisation.strip() and not title.strip():
            raise ValidationError(
                _("Pour qui"), _("choisissez une personne ou saisissez une organisation")
            )
        with self._uow() as uow:
            resource = lock_resource(uow, data.resource_id)
            if resource.site_id != site_id:
                raise NotFoundError(_("Cette ressource n'existe pas dans ce lieu."))
            if not resource.active:
                raise ConflictError(
                    _("« {name} » est désactivée : réactivez-la pour la réserver.").format(
                        name=resource.name
                    )
                )
            person = check_person(uow, person_id, site_id)
            check_public(uow, data.public_id, site_id)
            calendar = SiteCalendar(uow, site_id)
            if not allow_past:
                refuse_past(calendar, start, end)
            ensure_bookable(uow, calendar, Candidate(resource, start, end, seats))
            price = agreed_price(data.price_cents, resource.hourly_price_cents, start, end)
            row = Booking(
                site_id=site_id,
                resource_id=resource.id,
                start_at=start,
                end_at=end,
                seats=seats,
                person_id=person_id,
                organisation=organisation.strip(),
                title=title.strip(),
                created_by_id=uow.actor_id,
                public_id=data.public_id,
                price_cents=price,
            )
            uow.session.add(row)
            audit.record(
                uow,
                action=AuditAction.CREATE,
                entity="booking",
                entity_id=row.id,
                site_id=site_id,
            )
            uow.commit()
            return booking_info(row, resource.name, person, calendar)

    @requires(Permission.BOOKINGS)
    def edit(
        self,
        booking_id: uuid.UUID,
        *,
        person_id: uuid.UUID | None,
        organisation: str,
        title: str,
        public_id: uuid.UUID | None = None,
        price_cents: int | Unchanged | None = KEEP,
    ) -> BookingInfo:
        """Change who a booking is for, who is served (``public_id``), its title and its price
        (times and place: :meth:`move`). ``price_cents``: the new price agreed (0: free),
        ``None`` for the resource's hourly price × the booking's duration, :data:`KEEP` (the
        default) leaves it as it is.

        The rules of :meth:`create` apply: a person, an organisation or a title; a health
        booking (health room, cabin, permanence slot) takes no title, since no reason is kept
        for a health slot. A cancelled booking cannot be edited, nor the person of one already
        checked in (their visit and pass unit are counted). Nothing changed, nothing written.
        """
        organisation, title = organisation.strip(), title.strip()
        check_labels(title, organisation)
        if person_id is None and not organisation and not title:
            raise ValidationError(
                _("Pour qui"), _("choisissez une personne ou saisissez une organisation")
            )
        with self._uow() as uow:
            b, resource = self._load(uow, booking_id)
            if b.status == BookingStatus.CANCELLED:
                raise ConflictError(
                    _("Cette réservation est annulée : elle ne peut plus être modifiée.")
                )
            if title and (resource.kind in HEALTH_KINDS or b.permanence_id is not None):
                raise ValidationError(
                    _("Objet"), _("aucun motif n'est enregistré pour un créneau de santé")
                )
            if b.status == BookingStatus.CHECKED_IN and person_id != b.person_id:
                raise ConflictError(
                    _(
                        "Cette réservation est déjà pointée : sa visite est comptée, "
                        "la personne ne peut plus changer."
                    )
                )
            person = check_person(uow, person_id, b.site_id)
            check_public(uow, public_id, b.site_id)
            price = (
                b.price_cents
                if price_cents is KEEP
                else agreed_price(price_cents, resource.hourly_price_cents, b.start_at, b.end_at)
            )
            changed = [
                name
                for name, old, new in (
                    ("person", b.person_id, person_id),
                    ("organisation", b.organisation, organisation),
                    ("title", b.title, title),
                    ("public", b.public_id, public_id),
                    ("price", b.price_cents, price),
                )
                if old != new
            ]
            if not changed:
                return self._info(uow, b, resource)
            b.person_id, b.organisation, b.title = person_id, organisation, title
            b.public_id, b.price_cents = public_id, price
            audit.record(
                uow,
                action=AuditAction.UPDATE,
                entity="booking",
                entity_id=b.id,
                site_id=b.site_id,
                details={"change": "edit", "fields": changed},
            )
            uow.commit()
            return booking_info(b, resource.name, person, SiteCalendar(uow, b.site_id))

    @requires(Permission.BOOKINGS)
    def move(
        self,
        booking_id: uuid.UUID,
        *,
        start: datetime,
        end: datetime,
        resource_id: uuid.UUID | None = None,
        seats: int | None = None,
        allow_past: bool = True,
        price_cents: int | Unchanged | None = KEEP,
    ) -> BookingInfo:
        """Move a confirmed booking to new times (and another resource, or seat count);
        the same rules as a new booking apply, its own old place not counting
        (``allow_past``: as for :meth:`create`). The price agreed stays unless
        ``price_cents`` gives another (``None``: the resource's hourly price × the new
        duration), saved with the move or not at all."""
        with self._uow() as uow:
            b = uow.session.get(Booking, booking_id)
            if b is None:
                raise NotFoundError(_("Cette réservation n'existe plus."))
            start, end = check_request(start, end, seats or b.seats, b.title, b.organisation)
            if b.status != BookingStatus.CONFIRMED:
                raise ConflictError(_("Seule une réservation confirmée peut être déplacée."))
            resource = lock_resource(uow, resource_id or b.resource_id)
            if resource.site_id != b.site_id:
                raise NotFoundError(_("Cette ressource n'existe pas dans ce lieu."))
            calendar = SiteCalendar(uow, b.site_id)
            if not allow_past:
                refuse_past(calendar, start, end)
            ensure_bookable(
                uow,
                calendar,
                Candidate(resource, start, end, seats or b.seats, b.permanence_id),
                exclude=b.id,
            )
            details: dict[str, object] = {"change": "move"}
            if price_cents is not KEEP:
                price = agreed_price(price_cents, resource.hourly_price_cents, start, end)
                if price != b.price_cents:
                    details["fields"] = ["price"]
                b.price_cents = price
            b.resource_id, b.start_at, b.end_at = resource.id, start, end
            b.seats = seats or b.seats
            audit.record(
                uow,
                action=AuditAction.UPDATE,
                entity="booking",
                entity_id=b.id,
                site_id=b.site_id,
                details=details,
            )
            uow.commit()
            return self._info(uow, b, resource)

    @requires(Permission.BOOKINGS)
    def cancel(self, booking_id: uuid.UUID) -> BookingInfo:
        """Cancel a confirmed booking; the cancellation instant is kept, the seats freed."""
        return self._set_status(booking_id, BookingStatus.CANCELLED)

    @requires(Permission.BOOKINGS)
    def no_show(self, booking_id: uuid.UUID) -> BookingInfo:
        """Mark a confirmed booking whose person did not come (the seats stay counted)."""
        return self._set_status(booking_id, BookingStatus.NO_SHOW)

    @requires(Permission.BOOKINGS)
    def check_in(self, booking_id: uuid.UUID) -> CheckInResult:
        """The person is here: count one visit (``seats`` people) to the resource's service
        and take one unit of their valid coworking pass, all in one transaction.

        The service is the resource's own, else the site's service of kind health (health
        room, cabin) or coworking (desks, open space, meeting room). A booking of a later
        day cannot be checked in.
        """
        with self._uow() as uow:
            b, resource = self._load(uow, booking_id)
            if b.status == BookingStatus.CHECKED_IN:
                raise ConflictError(_("Cette réservation est déjà pointée."))
            if b.status == BookingStatus.CANCELLED:
                raise ConflictError(_("Cette réservation est annulée."))
            calendar = SiteCalendar(uow, b.site_id)
            now = datetime.now(calendar.zone).replace(second=0, microsecond=0)
            start = b.start_at.astimezone(calendar.zone)
            if start.date() > now.date():
                raise ConflictError(
                    _("Une réservation ne peut être pointée qu'à partir de son jour.")
                )
            person = uow.session.get(Person, b.person_id) if b.person_id else None
            b.status, b.checked_in_at = BookingStatus.CHECKED_IN, now.astimezone(UTC)
            visit_id = count_visit(uow, b, resource, person, start)
            pass_id = balance = None
            if person is not None and resource.kind in (
                ResourceKind.DESK,
                ResourceKind.OPEN_SPACE,
            ):
                used = passes.consume(uow, person.id, start.date(), b.id)
                if used is not None:
                    pass_id, balance = used
            audit.record(
                uow,
                action=AuditAction.UPDATE,
                entity="booking",
                entity_id=b.id,
                site_id=b.site_id,
                details={"status": BookingStatus.CHECKED_IN},
            )
            uow.commit()
            return CheckInResult(
                booking=booking_info(b, resource.name, person, calendar),
                visit_id=visit_id,
                pass_id=pass_id,
                pass_balance=balance,
            )

    @requires(Permission.BOOKINGS)
    def no_show_history(self, person_id: uuid.UUID, *, recent: int = 5) -> NoShowHistory:
        """How often a person did not come: shown when booking for them."""
        with self._uow() as uow:
            now = datetime.now(UTC)
            total = uow.session.exec(
                select(func.count()).where(
                    Booking.person_id == person_id,
                    Booking.status != BookingStatus.CANCELLED,
                    col(Booking.start_at) < now,
                )
            ).one()
            rows = uow.session.exec(
                select(Booking, Resource.name)
                .join(Resource, col(Resource.id) == col(Booking.resource_id))
                .where(Booking.person_id == person_id, Booking.status == BookingStatus.NO_SHOW)
                .order_by(col(Booking.start_at).desc())
            ).all()
            if not rows:
                return NoShowHistory(person_id, total, 0, ())
            calendar = SiteCalendar(uow, rows[0][0].site_id)
            person = uow.session.get(Person, person_id)
            return NoShowHistory(
                person_id=person_id,
                bookings=total,
                no_shows=len(rows),
                recent=tuple(booking_info(b, n, person, calendar) for b, n in rows[:recent]),
            )

    # -- recurring bookings -------------------------------------------------------------
    @requires(Permission.BOOKINGS)
    def plan_series(
        self, site_id: uuid.UUID, data: BookingRequest, repetition: Repetition
    ) -> list[Occurrence]:
        """The dates of a weekly series (every ``interval_weeks``, until a date or ``count``
        times) at the same wall-clock hours, each with the reason it collides, if it does."""
        with self._uow() as uow:
            return series.plan(uow, site_id, data, repetition)

    @requires(Permission.BOOKINGS)
    def create_series(
        self,
        site_id: uuid.UUID,
        data: BookingRequest,
        repetition: Repetition,
        *,
        skip: Sequence[date] = (),
        allow_past: bool = True,
    ) -> SeriesResult:
        """Book every occurrence but the ``skip`` dates, in one transaction: if any other
        occurrence collides, nothing is booked and the AgendaConflict lists the dates.
        ``allow_past=False`` (the desk's first try) refuses a first date already over with
        :class:`PastBookingError`, as :meth:`create` does."""
        with self._uow() as uow:
            result = series.create(uow, site_id, data, repetition, skip, allow_past=allow_past)
            uow.commit()
            return result

    # -- views --------------------------------------------------------------------------
    @requires(Permission.BOOKINGS)
    def day(
        self,
        site_id: uuid.UUID,
        day: date,
        *,
        resource_id: uuid.UUID | None = None,
        include_cancelled: bool = False,
    ) -> AgendaView:
        """One day of every active resource (or one), bookings and permanence slots."""
        with self._uow() as uow:
            return views.agenda(
                uow, site_id, [day], resource_id=resource_id, include_cancelled=include_cancelled
            )

    @requires(Permission.BOOKINGS)
    def week(
        self,
        site_id: uuid.UUID,
        monday: date,
        *,
        resource_id: uuid.UUID | None = None,
        include_cancelled: bool = False,
    ) -> AgendaView:
        """The seven days from ``monday`` (any date: its week's Monday is taken)."""
        monday -= timedelta(days=monday.weekday())
        days = [monday + timedelta(days=i) for i in range(7)]
        with self._uow() as uow:
            return views.agenda(
                uow, site_id, days, resource_id=resource_id, include_cancelled=include_cancelled
            )

    @requires(Permission.BOOKINGS)
    def for_person(self, person_id: uuid.UUID, *, limit: int = 50) -> list[BookingInfo]:
        """A person's bookings, newest first."""
        with self._uow() as uow:
            rows = uow.session.exec(
                select(Booking, Resource.name)
                .join(Resource, col(Resource.id) == col(Booking.resource_id))
                .where(Booking.person_id == person_id)
                .order_by(col(Booking.start_at).desc())
                .limit(limit)
            ).all()
            if not rows:
                return []
            calendar = SiteCalendar(uow, rows[0][0].site_id)
            person = uow.session.get(Person, person_id)
            return [booking_info(b, n, person, calendar) for b, n in rows]

    # -- helpers ------------------------------------------------------------------------
    @staticmethod
    def _load(uow: UnitOfWork, booking_id: uuid.UUID) -> tuple[Booking, Resource]:
        b = uow.session.get(Booking, booking_id)
        if b is None:
            raise NotFoundError(_("Cette réservation n'existe plus."))
        resource = uow.session.get(Resource, b.resource_id)
        assert resource is not None  # a foreign key
        return b, resource

    @staticmethod
    def _info(uow: UnitOfWork, b: Booking, resource: Resource) -> BookingInfo:
        person = uow.session.get(Person, b.person_id) if b.person_id else None
        return booking_info(b, resource.name, person, SiteCalendar(uow, b.site_id))

    def _set_status(self, booking_id: uuid.UUID, status: BookingStatus) -> BookingInfo:
        with self._uow() as uow:
            b, resource = self._load(uow, booking_id)
            if b.status != BookingStatus.CONFIRMED:
                raise ConflictError(
                    _("Seule une réservation confirmée peut être annulée ou notée absente.")
                )
            b.status = status
            if status == BookingStatus.CANCELLED:
                b.cancelled_at = datetime.now(UTC)
            audit.record(
                uow,
                action=AuditAction.UPDATE,
                entity="booking",
                entity_id=b.id,
                site_id=b.site_id,
                details={"status": status},
            )
            uow.commit()
            return self._info(uow, b, resource)
