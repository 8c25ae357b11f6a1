"""The day at the till: the list of the day's sales and the Z de caisse (closing summary per
payment method and per VAT rate), as data for the screen and for the PDF to file
(:mod:`tiers_lieu.reports.documents.z_report` writes it).

Every figure is a SQL aggregation over the day of the place (its time zone), cancelled sales
left out of the totals and shown apart. Amounts per method are what stayed in the till (cash
net of change), so they add up to the turnover exactly. VAT is computed per rate on the
VAT-inclusive total of that rate (not line by line), as a till's Z does:
``round(total × rate / (10000 + rate))``, the net amount being the rest.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import case, func
from sqlalchemy import select as sa_select
from sqlmodel import col, select

from tiers_lieu.db import UowFactory
from tiers_lieu.errors import NotFoundError
from tiers_lieu.i18n import _
from tiers_lieu.models import Payment, Person, Sale, SaleLine, Site, utcnow
from tiers_lieu.services.access import Permission, requires
from tiers_lieu.services.grocery.sales import day_bounds, vat_included
from tiers_lieu.services.sites import site_zone


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


@dataclass(frozen=True)
class MethodTotal:
    method: str
    payments: int
    amount_cents: int


@dataclass(frozen=True)
class VatTotal:
    rate_bp: int
    total_cents: int
    vat_cents: int

    @property
    def net_cents(self) -> int:
        return self.total_cents - self.vat_cents


@dataclass(frozen=True)
class ZReport:
    site_name: str
    day: date
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

    @property
    def vat_cents(self) -> int:
        return sum(v.vat_cents for v in self.by_vat)


_LINES = SaleLine.__table__  # type: ignore[attr-defined]
_PAYMENTS = Payment.__table__  # type: ignore[attr-defined]


class ClosingService:
    def __init__(self, uow: UowFactory) -> None:
        self._uow = uow

    @requires(Permission.SALES)
    def day_sales(self, *, site_id: uuid.UUID, day: date) -> list[DaySale]:
        """The day's sales, latest first, cancelled ones included (and marked)."""
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
            # More columns than sqlmodel's select() types: SQLAlchemy's own.
            rows = uow.session.execute(
                sa_select(
                    Sale,
                    items,
                    col(Person.first_name),
                    col(Person.last_name),
                    col(Person.organisation),
                )
                .outerjoin(Person, col(Person.id) == col(Sale.person_id))
                .where(
                    col(Sale.site_id) == site_id,
                    col(Sale.sold_at) >= start,
                    col(Sale.sold_at) < end,
                )
                .order_by(col(Sale.sold_at).desc())
            ).all()
            ids = [sale.id for sale, *_rest in rows]
            methods: dict[uuid.UUID, list[str]] = {}
            if ids:
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
                    cancelled=sale.cancelled_at is not None,
                )
                for sale, n, first, last, org in rows
            ]

    @requires(Permission.SALES)
    def z_report(self, *, site_id: uuid.UUID, day: date) -> ZReport:
        """The closing summary of ``day``: turnover, per payment method, per VAT rate."""
        with self._uow(read_only=True) as uow:
            site = uow.session.get(Site, site_id)
            if site is None:
                raise NotFoundError(_("Ce lieu n'existe plus."))
            start, end = day_bounds(uow, site_id, day)
            zone = site_zone(uow, site_id)
            in_day = (
                col(Sale.site_id) == site_id,
                col(Sale.sold_at) >= start,
                col(Sale.sold_at) < end,
            )
            kept = (*in_day, col(Sale.cancelled_at).is_(None))
            count, total, solidarity, first, last = uow.session.execute(
                sa_select(
                    func.count(),
                    func.coalesce(func.sum(Sale.total_cents), 0),
                    func.coalesce(func.sum(case((col(Sale.solidarity), 1), else_=0)), 0),
                    func.min(Sale.sold_at),
                    func.max(Sale.sold_at),
                ).where(*kept)
            ).one()
            cancelled, cancelled_cents = uow.session.exec(
                select(func.count(), func.coalesce(func.sum(Sale.total_cents), 0)).where(
                    *in_day, col(Sale.cancelled_at).is_not(None)
                )
            ).one()
            methods = uow.session.exec(
                select(Payment.method, func.count(), func.sum(Payment.amount_cents))
                .join(Sale, col(Sale.id) == col(Payment.sale_id))
                .where(*kept)
                .group_by(col(Payment.method))
                .order_by(col(Payment.method))
            ).all()
            rates = uow.session.exec(
                select(SaleLine.vat_rate_bp, func.sum(SaleLine.total_cents))
                .join(Sale, col(Sale.id) == col(SaleLine.sale_id))
                .where(*kept)
                .group_by(col(SaleLine.vat_rate_bp))
                .order_by(col(SaleLine.vat_rate_bp))
            ).all()
            return ZReport(
                site_name=site.name,
                day=day,
                sales=int(count),
                total_cents=int(total),
                solidarity_sales=int(solidarity),
                cancelled_sales=int(cancelled),
                cancelled_cents=int(cancelled_cents),
                by_method=tuple(MethodTotal(m, int(n), int(a or 0)) for m, n, a in methods),
                by_vat=tuple(
                    VatTotal(int(rate), int(t or 0), vat_included(int(t or 0), int(rate)))
                    for rate, t in rates
                ),
                first_sale=_local_time(first, zone),
                last_sale=_local_time(last, zone),
                generated_at=utcnow(),
                zone=zone,
            )


def _local_time(value: datetime | None, zone: ZoneInfo) -> time | None:
    if value is None:
        return None
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(zone).time().replace(second=0, microsecond=0)
