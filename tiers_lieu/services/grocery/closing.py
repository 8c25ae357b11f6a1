"""The day at the till: the list of the day's sales and the Z de caisse (closing summary per
payment method and per VAT rate), as data for the screen and for the PDF to file
(:mod:`tiers_lieu.reports.documents.z_report` writes it).

Every figure is a SQL aggregation over a period of the place (its time zone), by
:func:`period_totals`, the one aggregation the screen's Z and the numbered closures
(:mod:`tiers_lieu.services.till.closures`) share. A cancellation is a reversing ticket
(``sale.reverses_id``, its lines and total negated, no payment of its own): it is counted on
the day it is made, the turnover is net of it, and per payment method it refunds the original
ticket's payments by the same methods. Sales cancelled the old way (``cancelled_at``, before
issue 21) stay out of the totals and are shown apart. Amounts per method are what stayed in
the till (cash net of change), so they add up to the turnover exactly. VAT is computed per
rate on the VAT-inclusive total of that rate (not line by line), as a till's Z does:
``round(total × rate / (10000 + rate))``, the net amount being the rest.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, type_coerce
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import col, select

from tiers_lieu.db import UnitOfWork, UowFactory
from tiers_lieu.errors import NotFoundError
from tiers_lieu.i18n import _
from tiers_lieu.models import Payment, Person, Sale, SaleLine, Site, utcnow
from tiers_lieu.services.access import Permission, requires
from tiers_lieu.services.amounts import vat_included
from tiers_lieu.services.sites import day_bounds, site_zone


@dataclass(frozen=True)
class DaySale:
    id: uuid.UUID
    time: time
    total_cents: int
    items: int
    methods: tuple[str, ...]
    person_name: str
    solidarity: bool
    cancelled: bool
    """No longer counted: cancelled the old way, or reversed by a later ticket."""
    ticket_number: int | None = None
    reverses_ticket: int | None = None
    """A reversing ticket: the number of the ticket it cancels."""
    reversed_by: int | None = None
    """A reversed ticket: the number of the ticket that cancels it."""

    @property
    def is_reversal(self) -> bool:
        return self.reverses_ticket is not None


@dataclass(frozen=True)
class MethodTotal:
    method: str
    payments: int
    amount_cents: int
    """Net: the period's payments less the refunds of its reversals."""
    refunds: int = 0
    """Payments of reversed tickets handed back by this method in the period."""


@dataclass(frozen=True)
class VatTotal:
    rate_bp: int
    total_cents: int
    vat_cents: int

    @property
    def net_cents(self) -> int:
        return self.total_cents - self.vat_cents


@dataclass(frozen=True)
class PeriodTotals:
    """What the till took from ``start`` (included) to ``end`` (excluded): the one
    aggregation behind the Z on screen and the numbered closures."""

    sales: int
    """Tickets of sale (reversals and old-style cancelled sales not counted)."""
    sales_cents: int
    reversals: int
    reversed_cents: int
    """The reversals' total, as a positive amount."""
    solidarity_sales: int
    cancelled_sales: int
    cancelled_cents: int
    first_ticket: int | None
    last_ticket: int | None
    by_method: tuple[MethodTotal, ...]
    by_vat: tuple[VatTotal, ...]
    first_sale: datetime | None
    last_sale: datetime | None

    @property
    def total_cents(self) -> int:
        """Net turnover: the sales less the reversals."""
        return self.sales_cents - self.reversed_cents


@dataclass(frozen=True)
class ClosureStamp:
    """What a numbered closure adds to its report (:mod:`tiers_lieu.services.till.closures`)."""

    kind: str  # day, month, year
    number: int
    closed_at: datetime
    closed_by: str
    month_cents: int
    """Month to date: the net turnover of the month's day Zs up to this one."""
    year_cents: int
    grand_total_cents: int
    duplicate: bool = False
    days: int = 1
    """Day Zs the closure sums (1 for a day's Z)."""


@dataclass(frozen=True)
class ZReport:
    site_name: str
    day: date
    """The period's first day (the day, for a day's Z)."""
    sales: int
    total_cents: int
    solidarity_sales: int
    cancelled_sales: int
    cancelled_cents: int
    by_method: tuple[MethodTotal, ...]
    by_vat: tuple[VatTotal, ...]
    first_sale: time | None
    last_sale: time | None
    generated_at: datetime
    zone: ZoneInfo
    """The place's clock: the hours above are on it, and the PDF's edition instant."""
    reversals: int = 0
    reversed_cents: int = 0
    first_ticket: int | None = None
    last_ticket: int | None = None
    period_end: date | None = None
    """The period's last day; ``None`` for one day."""
    closure: ClosureStamp | None = None
    """The numbered closure, ``None`` while the day is still open (a provisional reading)."""

    @property
    def vat_cents(self) -> int:
        return sum(v.vat_cents for v in self.by_vat)

    @property
    def last_day(self) -> date:
        return self.period_end or self.day


_LINES = SaleLine.__table__  # type: ignore[attr-defined]
_PAYMENTS = Payment.__table__  # type: ignore[attr-defined]
_SALES = Sale.__table__  # type: ignore[attr-defined]


def period_totals(
    uow: UnitOfWork, site_id: uuid.UUID, start: datetime, end: datetime
) -> PeriodTotals:
    """The till's totals over ``[start, end)`` (UTC instants), in a handful of grouped queries
    through ``ix_sale_site_sold_at`` (memory does not grow with the number of sales)."""
    s = _SALES.c
    in_period = (s.site_id == site_id, s.sold_at >= start, s.sold_at < end)
    kept = s.cancelled_at.is_(None)
    sale = kept & s.reverses_id.is_(None)
    reversal = kept & s.reverses_id.is_not(None)
    legacy = s.cancelled_at.is_not(None)
    row = uow.session.execute(
        sa_select(
            func.coalesce(func.sum(case((sale, 1), else_=0)), 0),
            func.coalesce(func.sum(case((sale, s.total_cents), else_=0)), 0),
            func.coalesce(func.sum(case((reversal, 1), else_=0)), 0),
            func.coalesce(func.sum(case((reversal, s.total_cents), else_=0)), 0),
            func.coalesce(func.sum(case((sale & s.solidarity, 1), else_=0)), 0),
            func.coalesce(func.sum(case((legacy, 1), else_=0)), 0),
            func.coalesce(func.sum(case((legacy, s.total_cents), else_=0)), 0),
            func.min(s.ticket_number),
            func.max(s.ticket_number),
            type_coerce(func.min(case((kept, s.sold_at))), s.sold_at.type),
            type_coerce(func.max(case((kept, s.sold_at))), s.sold_at.type),
        ).where(*in_period)
    ).one()
    paid: dict[str, list[int]] = {}
    for method, n, amount in uow.session.execute(
        sa_select(_PAYMENTS.c.method, func.count(), func.sum(_PAYMENTS.c.amount_cents))
        .join(_SALES, s.id == _PAYMENTS.c.sale_id)
        .where(*in_period, sale)
        .group_by(_PAYMENTS.c.method)
    ).all():
        paid[method] = [int(n), int(amount or 0), 0]
    # A reversal refunds its original's payments, by the same methods, whatever day the
    # original was sold (the original's id is the reversal's reverses_id: primary key).
    original = aliased(_SALES)
    for method, n, amount in uow.session.execute(
        sa_select(_PAYMENTS.c.method, func.count(), func.sum(_PAYMENTS.c.amount_cents))
        .select_from(_SALES)
        .join(original, original.c.id == s.reverses_id)
        .join(_PAYMENTS, _PAYMENTS.c.sale_id == original.c.id)
        .where(*in_period, reversal)
        .group_by(_PAYMENTS.c.method)
    ).all():
        entry = paid.setdefault(method, [0, 0, 0])
        entry[1] -= int(amount or 0)
        entry[2] += int(n)
    rates = uow.session.execute(
        sa_select(_LINES.c.vat_rate_bp, func.sum(_LINES.c.total_cents))
        .join(_SALES, s.id == _LINES.c.sale_id)
        .where(*in_period, kept)
        .group_by(_LINES.c.vat_rate_bp)
        .order_by(_LINES.c.vat_rate_bp)
    ).all()
    return PeriodTotals(
        sales=int(row[0]),
        sales_cents=int(row[1]),
        reversals=int(row[2]),
        reversed_cents=-int(row[3]),
        solidarity_sales=int(row[4]),
        cancelled_sales=int(row[5]),
        cancelled_cents=int(row[6]),
        first_ticket=None if row[7] is None else int(row[7]),
        last_ticket=None if row[8] is None else int(row[8]),
        by_method=tuple(
            MethodTotal(method, n, amount, refunds)
            for method, (n, amount, refunds) in sorted(paid.items())
        ),
        by_vat=tuple(
            VatTotal(int(rate), int(t or 0), vat_included(int(t or 0), int(rate)))
            for rate, t in rates
        ),
        first_sale=_utc(row[9]),
        last_sale=_utc(row[10]),
    )


def report_of(
    site_name: str,
    zone: ZoneInfo,
    totals: PeriodTotals,
    day: date,
    *,
    period_end: date | None = None,
    closure: ClosureStamp | None = None,
) -> ZReport:
    """The report of ``totals`` (hours on the place's clock)."""
    return ZReport(
        site_name=site_name,
        day=day,
        sales=totals.sales,
        total_cents=totals.total_cents,
        solidarity_sales=totals.solidarity_sales,
        cancelled_sales=totals.cancelled_sales,
        cancelled_cents=totals.cancelled_cents,
        by_method=totals.by_method,
        by_vat=totals.by_vat,
        first_sale=_local_time(totals.first_sale, zone),
        last_sale=_local_time(totals.last_sale, zone),
        generated_at=utcnow(),
        zone=zone,
        reversals=totals.reversals,
        reversed_cents=totals.reversed_cents,
        first_ticket=totals.first_ticket,
        last_ticket=totals.last_ticket,
        period_end=period_end,
        closure=closure,
    )


class ClosingService:
    def __init__(self, uow: UowFactory) -> None:
        self._uow = uow

    @requires(Permission.SALES)
    def day_sales(self, *, site_id: uuid.UUID, day: date) -> list[DaySale]:
        """The day's tickets, latest first, reversing tickets and cancelled sales included (and
        marked)."""
        with self._uow(read_only=True) as uow:
            start, end = day_bounds(uow, site_id, day)
            zone = site_zone(uow, site_id)
            # Counted for the day's sales only, through ``ix_sale_line_sale_id`` (a grouped
            # subquery counted every line of every place's history: 535 ms at 10 × 10). The
            # lines are named as a plain table: the place filter's ``site_id IN (…)`` on an
            # entity made SQLite read the place's lines through ix_sale_line_site_id for each
            # sale; the sales themselves are this checked place's.
            items = (
                sa_select(func.count())
                .select_from(_LINES)
                .where(_LINES.c.sale_id == col(Sale.id))
                .correlate(Sale)
                .scalar_subquery()
            )
            # More columns than sqlmodel's select() types: SQLAlchemy's own. A reversal's
            # original is found by its primary key.
            original = aliased(_SALES)
            rows = uow.session.execute(
                sa_select(
                    Sale,
                    items,
                    col(Person.first_name),
                    col(Person.last_name),
                    col(Person.organisation),
                    original.c.ticket_number,
                )
                .outerjoin(Person, col(Person.id) == col(Sale.person_id))
                .outerjoin(original, original.c.id == col(Sale.reverses_id))
                .where(
                    col(Sale.site_id) == site_id,
                    col(Sale.sold_at) >= start,
                    col(Sale.sold_at) < end,
                )
                .order_by(col(Sale.sold_at).desc())
            ).all()
            ids = [sale.id for sale, *_rest in rows]
            methods: dict[uuid.UUID, list[str]] = {}
            reversed_by: dict[uuid.UUID, int] = {}
            if ids:
                # A reversal comes after its original: among the place's tickets from this
                # day on (ix_sale_site_sold_at), not the whole history.
                s = _SALES.c
                for reverses_id, number in uow.session.execute(
                    sa_select(s.reverses_id, s.ticket_number).where(
                        s.site_id == site_id, s.sold_at >= start, s.reverses_id.in_(ids)
                    )
                ).all():
                    reversed_by[reverses_id] = number
                for sale_id, method in uow.session.exec(  # by ix_payment_sale_id, as above
                    select(_PAYMENTS.c.sale_id, _PAYMENTS.c.method)
                    .where(_PAYMENTS.c.sale_id.in_(ids))
                    .distinct()
                ).all():
                    if sale_id is not None:
                        methods.setdefault(sale_id, []).append(method)
            return [
                DaySale(
                    id=sale.id,
                    time=sale.sold_at.astimezone(zone).time().replace(microsecond=0),
                    total_cents=sale.total_cents,
                    items=int(n or 0),
                    methods=tuple(sorted(methods.get(sale.id, []))),
                    person_name=" ".join(p for p in (first, last) if p) or (org or ""),
                    solidarity=sale.solidarity,
                    cancelled=sale.cancelled_at is not None or sale.id in reversed_by,
                    ticket_number=sale.ticket_number,
                    reverses_ticket=reverses_ticket if sale.reverses_id else None,
                    reversed_by=reversed_by.get(sale.id),
                )
                for sale, n, first, last, org, reverses_ticket in rows
            ]

    @requires(Permission.SALES)
    def z_report(self, *, site_id: uuid.UUID, day: date) -> ZReport:
        """The summary of ``day`` as it stands: turnover net of reversals, per payment method,
        per VAT rate (a provisional reading: the numbered Z is
        :meth:`~tiers_lieu.services.till.closures.TillClosureService.close_day`'s)."""
        with self._uow(read_only=True) as uow:
            site = uow.session.get(Site, site_id)
            if site is None:
                raise NotFoundError(_("Ce lieu n'existe plus."))
            start, end = day_bounds(uow, site_id, day)
            totals = period_totals(uow, site_id, start, end)
            return report_of(site.name, site_zone(uow, site_id), totals, day)


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _local_time(value: datetime | None, zone: ZoneInfo) -> time | None:
    if value is None:
        return None
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(zone).time().replace(second=0, microsecond=0)
