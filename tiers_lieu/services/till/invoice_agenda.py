"""What the agenda has to invoice: a booking's line (the price agreed, else the resource's
hourly price × the duration) or a coworking pass's (its price), derived before VAT when the
place charges VAT; the bookings and passes of a period still to invoice, each with the
invoice that already bills it and the client it is likely billed to.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session, col

from tiers_lieu.errors import NotFoundError, ValidationError
from tiers_lieu.i18n import _, format_date, format_time, to_place_time
from tiers_lieu.models import (
    Booking,
    Client,
    CoworkingPass,
    Invoice,
    InvoiceLine,
    PassType,
    Person,
    Resource,
)
from tiers_lieu.models.enums import InvoiceKind
from tiers_lieu.services.access import Permission, requires
from tiers_lieu.services.agenda.common import display_name
from tiers_lieu.services.agenda.prices import price_for
from tiers_lieu.services.sites import site_zone
from tiers_lieu.services.till import billing
from tiers_lieu.services.till.billing import BillingSettings
from tiers_lieu.services.till.clients import ClientInfo, client_info
from tiers_lieu.services.till.invoice_base import InvoiceBase
from tiers_lieu.services.till.invoice_models import MAX_LIST, LineInput, line_total, net_from_gross


@dataclass(frozen=True)
class Billable:
    """A booking or a coworking pass the place may invoice, with its line ready."""

    line: LineInput
    label: str
    service_on: date
    person_id: uuid.UUID | None
    organisation: str
    invoiced: str | None = None
    """The number of an issued invoice that already bills it."""
    client: ClientInfo | None = field(default=None, compare=False)
    holder: str = ""
    """Whose it is, as the pickers show it (the pass's buyer)."""


class InvoiceAgenda(InvoiceBase):
    """The agenda part of the invoice service."""

    # -- what the agenda has to invoice ---------------------------------------------------------
    @requires(Permission.BILLING)
    def booking_line(self, booking_id: uuid.UUID) -> Billable:
        """The line of a booking: its price (the one agreed, else the resource's hourly price
        × its duration), the resource, the day and the hours."""
        with self._uow(read_only=True) as uow:
            booking = uow.session.get(Booking, booking_id)
            if booking is None:
                raise NotFoundError(_("Cette réservation n'existe plus."))
            settings = billing.load(uow.session, booking.site_id)
            zone = site_zone(uow, booking.site_id)
            resource = uow.session.get(Resource, booking.resource_id)
            return _booking_billable(uow.session, booking, resource, settings, zone)

    @requires(Permission.BILLING)
    def billable_bookings(self, site_id: uuid.UUID, *, since: date, until: date) -> list[Billable]:
        """The place's bookings with a price between two days (not cancelled), each with its
        line and the invoice that already bills it, if any."""
        with self._uow(read_only=True) as uow:
            settings = billing.load(uow.session, site_id)
            zone = site_zone(uow, site_id)
            start = datetime.combine(since, datetime.min.time(), zone)
            end = datetime.combine(until + timedelta(days=1), datetime.min.time(), zone)
            rows = uow.session.execute(
                select(Booking, Resource)
                .join(Resource, col(Resource.id) == col(Booking.resource_id))
                .where(col(Booking.site_id) == site_id)
                .where(col(Booking.start_at) >= start.astimezone(UTC))
                .where(col(Booking.start_at) < end.astimezone(UTC))
                .where(col(Booking.cancelled_at).is_(None))
                .where(
                    col(Booking.price_cents).is_not(None)
                    | col(Resource.hourly_price_cents).is_not(None)
                )
                .order_by(col(Booking.start_at))
                .limit(MAX_LIST)
            ).all()
            found = []
            for booking, resource in rows:
                item = _booking_billable(uow.session, booking, resource, settings, zone)
                if item.line.unit_price_cents > 0:
                    found.append(item)
            return found

    @requires(Permission.BILLING)
    def pass_line(self, pass_id: uuid.UUID) -> Billable:
        """The line of a coworking pass: its formula and its price."""
        with self._uow(read_only=True) as uow:
            bought = uow.session.get(CoworkingPass, pass_id)
            if bought is None:
                raise NotFoundError(_("Ce pass n'existe plus."))
            settings = billing.load(uow.session, bought.site_id)
            kind = uow.session.get(PassType, bought.pass_type_id)
            return _pass_billable(
                bought,
                kind,
                settings,
                invoiced=_invoiced_by(uow.session, pass_id=bought.id),
                client=_client_of(uow.session, bought.site_id, bought.person_id, ""),
            )

    @requires(Permission.BILLING)
    def billable_passes(
        self, site_id: uuid.UUID, *, since: date, person_id: uuid.UUID | None = None
    ) -> list[Billable]:
        """The coworking passes sold at the place since a day (of one person when given)
        with a price and on no issued invoice yet, the latest first, each with its line,
        its buyer and the client linked to the buyer, if any."""
        with self._uow(read_only=True) as uow:
            settings = billing.load(uow.session, site_id)
            on_invoice = (
                select(col(InvoiceLine.id))
                .join(Invoice, col(Invoice.id) == col(InvoiceLine.invoice_id))
                .where(
                    col(InvoiceLine.pass_id) == col(CoworkingPass.id),
                    col(Invoice.kind) == InvoiceKind.INVOICE,
                    col(Invoice.number).is_not(None),
                )
                .exists()
            )
            query = (
                select(CoworkingPass, PassType, Person)
                .join(PassType, col(PassType.id) == col(CoworkingPass.pass_type_id))
                .join(Person, col(Person.id) == col(CoworkingPass.person_id))
                .where(col(CoworkingPass.site_id) == site_id)
                .where(col(CoworkingPass.purchased_on) >= since)
                .where(col(CoworkingPass.price_cents) > 0)
                .where(~on_invoice)
            )
            if person_id is not None:
                query = query.where(col(CoworkingPass.person_id) == person_id)
            rows = uow.session.execute(
                query.order_by(
                    col(CoworkingPass.purchased_on).desc(), col(CoworkingPass.created_at).desc()
                ).limit(MAX_LIST)
            ).all()
            people = {bought.person_id for bought, _kind, _person in rows}
            clients: dict[uuid.UUID, ClientInfo] = {}
            if people:
                for row in uow.session.execute(
                    select(Client)
                    .where(col(Client.site_id) == site_id, col(Client.active).is_(True))
                    .where(col(Client.person_id).in_(people))
                ).scalars():
                    if row.person_id is not None:
                        clients.setdefault(row.person_id, client_info(row))
            return [
                _pass_billable(
                    bought,
                    kind,
                    settings,
                    client=clients.get(bought.person_id),
                    holder=display_name(person),
                )
                for bought, kind, person in rows
            ]


def _priced_line(
    description: str,
    quantity_milli: int,
    unit: str,
    unit_gross_cents: int,
    settings: BillingSettings,
    *,
    booking_id: uuid.UUID | None = None,
    pass_id: uuid.UUID | None = None,
) -> LineInput:
    """A line from a price the client pays: under the franchise as it is, else its price
    before VAT at the place's usual rate."""
    rate = settings.default_rate_bp
    unit_price = unit_gross_cents if rate == 0 else net_from_gross(unit_gross_cents, rate)
    return LineInput(
        description=description[:300],
        quantity_milli=quantity_milli,
        unit=unit[:12],
        unit_price_cents=unit_price,
        vat_rate_bp=rate,
        booking_id=booking_id,
        pass_id=pass_id,
    )


def _booking_billable(
    session: Session,
    booking: Booking,
    resource: Resource | None,
    settings: BillingSettings,
    zone: Any,
) -> Billable:
    hourly = resource.hourly_price_cents if resource is not None else None
    price = booking.price_cents
    if price is None:
        price = price_for(hourly, booking.start_at, booking.end_at)
    if price is None:
        raise ValidationError(
            _("Réservation"),
            _("ni la réservation ni la ressource n'ont de prix : saisissez la ligne à la main"),
        )
    start = to_place_time(booking.start_at, zone)
    end = to_place_time(booking.end_at, zone)
    name = resource.name if resource is not None else _("Réservation")
    label = _("{resource} — {day}, {start}–{end}").format(
        resource=name,
        day=format_date(start.date(), "long"),
        start=format_time(start.time()),
        end=format_time(end.time()),
    )
    if booking.title:
        label += f" ({booking.title})"
    seconds = int((booking.end_at - booking.start_at).total_seconds())
    exact = (seconds * 1000) % 3600 == 0
    quantity = seconds * 1000 // 3600
    if hourly is not None and exact and quantity > 0 and line_total(quantity, hourly) == price:
        line = _priced_line(label, quantity, _("h"), hourly, settings, booking_id=booking.id)
    else:
        line = _priced_line(label, 1000, _("forfait"), price, settings, booking_id=booking.id)
    return Billable(
        line=line,
        label=label,
        service_on=start.date(),
        person_id=booking.person_id,
        organisation=booking.organisation,
        invoiced=_invoiced_by(session, booking_id=booking.id),
        client=_client_of(session, booking.site_id, booking.person_id, booking.organisation),
    )


def _pass_billable(
    bought: CoworkingPass,
    kind: PassType | None,
    settings: BillingSettings,
    *,
    invoiced: str | None = None,
    client: ClientInfo | None = None,
    holder: str = "",
) -> Billable:
    name = kind.name if kind is not None else _("Pass coworking")
    price = (
        bought.price_cents if bought.price_cents is not None else (kind.price_cents if kind else 0)
    )
    if bought.valid_until == bought.valid_from:  # a day or a half-day
        label = _("{name} — le {day}").format(name=name, day=format_date(bought.valid_from))
    elif bought.valid_until is not None:
        label = _("{name} — valable du {start} au {end}").format(
            name=name,
            start=format_date(bought.valid_from),
            end=format_date(bought.valid_until),
        )
    else:
        label = _("{name} — à partir du {start}").format(
            name=name, start=format_date(bought.valid_from)
        )
    line = _priced_line(label, 1000, _("forfait"), price, settings, pass_id=bought.id)
    return Billable(
        line=line,
        label=label,
        service_on=bought.valid_from,
        person_id=bought.person_id,
        organisation="",
        invoiced=invoiced,
        client=client,
        holder=holder,
    )


def _invoiced_by(
    session: Session, *, booking_id: uuid.UUID | None = None, pass_id: uuid.UUID | None = None
) -> str | None:
    query = (
        select(col(Invoice.number))
        .join(InvoiceLine, col(InvoiceLine.invoice_id) == col(Invoice.id))
        .where(col(Invoice.kind) == InvoiceKind.INVOICE, col(Invoice.number).is_not(None))
    )
    if booking_id is not None:
        query = query.where(col(InvoiceLine.booking_id) == booking_id)
    else:
        query = query.where(col(InvoiceLine.pass_id) == pass_id)
    return session.execute(query.limit(1)).scalar()


def _client_of(
    session: Session, site_id: uuid.UUID, person_id: uuid.UUID | None, organisation: str
) -> ClientInfo | None:
    """The client a booking or a pass is likely billed to: the one linked to its person,
    else the one named like its organisation."""
    query = select(Client).where(col(Client.site_id) == site_id, col(Client.active).is_(True))
    row = None
    if person_id is not None:
        row = session.execute(query.where(col(Client.person_id) == person_id).limit(1)).scalar()
    if row is None and organisation.strip():
        row = session.execute(
            query.where(func.lower(Client.name) == organisation.strip().lower()).limit(1)
        ).scalar()
    return None if row is None else client_info(row)
