"""A closure's figures: its number as the journal keeps it (« Z000012 »), its read model, the
columns of its row, the payload of its CLOSURE journal line, its totals per method and VAT
rate as stored, the sum of several closures (a month's day Zs, a year's months) and the
bounds of a month. Shared by :class:`~tiers_lieu.services.till.closures.TillClosureService`
and the demo, which writes its closures in bulk (:mod:`tiers_lieu.services.demo.till_closures`)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from tiers_lieu.models import TillClosure
from tiers_lieu.models.enums import ClosureKind
from tiers_lieu.services.amounts import vat_included
from tiers_lieu.services.grocery.closing import MethodTotal, PeriodTotals, VatTotal

_PREFIX = {ClosureKind.DAY: "Z", ClosureKind.MONTH: "M", ClosureKind.YEAR: "A"}


def closure_label(kind: str, number: int) -> str:
    """« Z000012 », « M000003 », « A000001 »: the closure's number as the journal keeps it."""
    return f"{_PREFIX[ClosureKind(kind)]}{number:06d}"


@dataclass(frozen=True)
class ClosureInfo:
    id: uuid.UUID
    site_id: uuid.UUID
    kind: str
    number: int
    period_start: date
    period_end: date
    first_ticket: int | None
    last_ticket: int | None
    tickets: int
    reversals: int
    total_cents: int
    reversed_cents: int
    grand_total_cents: int
    closed_at: datetime
    closed_by: str


def _info(row: TillClosure) -> ClosureInfo:
    return ClosureInfo(
        id=row.id,
        site_id=row.site_id,
        kind=row.kind,
        number=row.number,
        period_start=row.period_start,
        period_end=row.period_end,
        first_ticket=row.first_ticket,
        last_ticket=row.last_ticket,
        tickets=row.tickets,
        reversals=row.reversals,
        total_cents=row.total_cents,
        reversed_cents=row.reversed_cents,
        grand_total_cents=row.grand_total_cents,
        closed_at=row.closed_at,
        closed_by=row.closed_by,
    )


class ClosureFigures(Protocol):
    """What :func:`totals_of` and :func:`closure_payload` read of a closure: a
    :class:`~tiers_lieu.models.TillClosure` row, or the demo's own (it writes its closures
    in bulk, :mod:`tiers_lieu.services.demo.till_closures`)."""

    @property
    def kind(self) -> str: ...
    @property
    def number(self) -> int: ...
    @property
    def period_start(self) -> date: ...
    @property
    def period_end(self) -> date: ...
    @property
    def first_ticket(self) -> int | None: ...
    @property
    def last_ticket(self) -> int | None: ...
    @property
    def tickets(self) -> int: ...
    @property
    def reversals(self) -> int: ...
    @property
    def total_cents(self) -> int: ...
    @property
    def reversed_cents(self) -> int: ...
    @property
    def grand_total_cents(self) -> int: ...
    @property
    def totals(self) -> str: ...


def closure_fields(
    *,
    kind: ClosureKind,
    number: int,
    start: date,
    end: date,
    totals: PeriodTotals,
    grand_total: int,
) -> dict[str, Any]:
    """A closure row's figures (every column but its id, place and who closed it when)."""
    return {
        "kind": str(kind),
        "number": number,
        "period_start": start,
        "period_end": end,
        "first_ticket": totals.first_ticket,
        "last_ticket": totals.last_ticket,
        "tickets": totals.sales,
        "reversals": totals.reversals,
        "total_cents": totals.total_cents,
        "reversed_cents": totals.reversed_cents,
        "grand_total_cents": grand_total,
        "totals": totals_json(totals),
    }


def closure_payload(row: ClosureFigures) -> dict[str, Any]:
    """The payload of a closure's CLOSURE journal line: its figures as written."""
    return {
        "kind": row.kind,
        "number": row.number,
        "period_start": row.period_start.isoformat(),
        "period_end": row.period_end.isoformat(),
        "first_ticket": row.first_ticket,
        "last_ticket": row.last_ticket,
        "tickets": row.tickets,
        "reversals": row.reversals,
        "total_cents": row.total_cents,
        "reversed_cents": row.reversed_cents,
        "grand_total_cents": row.grand_total_cents,
        "totals": json.loads(row.totals),
    }


def totals_json(totals: PeriodTotals) -> str:
    """``TillClosure.totals``: per method and per VAT rate (the shared shape, read by the FEC
    export), plus what the printed Z shows besides (payment counts, solidarity sales, sales
    cancelled the old way)."""
    return json.dumps(
        {
            "by_method": {m.method: m.amount_cents for m in totals.by_method},
            "by_vat": {str(v.rate_bp): [v.total_cents, v.vat_cents] for v in totals.by_vat},
            "payments": {m.method: [m.payments, m.refunds] for m in totals.by_method},
            "sales_cents": totals.sales_cents,
            "solidarity": totals.solidarity_sales,
            "cancelled": [totals.cancelled_sales, totals.cancelled_cents],
        },
        sort_keys=True,
        separators=(",", ":"),
    )


def totals_of(rows: Iterable[ClosureFigures]) -> PeriodTotals:
    """The sum of closures (a month's day Zs, a year's months), VAT recomputed per rate on
    the summed totals as the day's Z does."""
    methods: dict[str, list[int]] = {}
    rates: dict[int, int] = {}
    sales = sales_cents = reversals = reversed_cents = solidarity = cancelled = 0
    cancelled_cents = 0
    firsts: list[int] = []
    lasts: list[int] = []
    for row in rows:
        data = json.loads(row.totals or "{}")
        counts = data.get("payments", {})
        for method, amount in data.get("by_method", {}).items():
            entry = methods.setdefault(method, [0, 0, 0])
            n, refunds = counts.get(method, [0, 0])
            entry[0] += int(n)
            entry[1] += int(amount)
            entry[2] += int(refunds)
        for rate, (total, _vat) in data.get("by_vat", {}).items():
            rates[int(rate)] = rates.get(int(rate), 0) + int(total)
        sales += row.tickets
        reversals += row.reversals
        reversed_cents += row.reversed_cents
        sales_cents += int(data.get("sales_cents", row.total_cents + row.reversed_cents))
        solidarity += int(data.get("solidarity", 0))
        n_cancelled, cents_cancelled = data.get("cancelled", [0, 0])
        cancelled += int(n_cancelled)
        cancelled_cents += int(cents_cancelled)
        if row.first_ticket is not None:
            firsts.append(row.first_ticket)
        if row.last_ticket is not None:
            lasts.append(row.last_ticket)
    return PeriodTotals(
        sales=sales,
        sales_cents=sales_cents,
        reversals=reversals,
        reversed_cents=reversed_cents,
        solidarity_sales=solidarity,
        cancelled_sales=cancelled,
        cancelled_cents=cancelled_cents,
        first_ticket=min(firsts, default=None),
        last_ticket=max(lasts, default=None),
        by_method=tuple(
            MethodTotal(method, n, amount, refunds)
            for method, (n, amount, refunds) in sorted(methods.items())
        ),
        by_vat=tuple(
            VatTotal(rate, total, vat_included(total, rate))
            for rate, total in sorted(rates.items())
        ),
        first_sale=None,
        last_sale=None,
    )


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _month_end(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
