"""The till's numbered closures: the day's Z, the month's and the year's (issue 21).

- **Day Z** (:meth:`TillClosureService.close_day`, permission SALES: the volunteer who kept the
  till closes it in the evening): one per place and day, numbered continuously per place. It
  covers the tickets sold that day on the place's clock (:func:`~tiers_lieu.services.grocery.
  closing.period_totals`, the same aggregation as the Z on screen), carries the first and last
  ticket numbers and the perpetual grand total (the previous day Z's plus this day's net
  turnover). Days close in order: closing a day first closes every earlier day that has sales
  and no Z yet, each with its own Z. Once closed, a day can no longer change
  (:func:`~tiers_lieu.services.till.closed.ensure_open`, called by the sale and the reversal).
- **Month** and **year** (permission TILL_CLOSE, coordination): the sum of the month's day Zs
  (of the year's months), only once the period is over; closing a month first closes its days
  (and earlier months with Zs still open), closing a year its months.

Each closure is a complete :class:`~tiers_lieu.models.TillClosure` row written once (the
database refuses any change afterwards) and a CLOSURE line of the till journal, in one
transaction. A closure's PDF is the original the first time it is printed (recorded in the
audit log) and a « Duplicata » every time after, each reprint a DUPLICATE journal line.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import func, select, type_coerce

from tiers_lieu.db import UnitOfWork, UowFactory
from tiers_lieu.errors import ConflictError, NotFoundError, ValidationError
from tiers_lieu.i18n import _, format_date
from tiers_lieu.models import AuditEntry, Sale, Site, TillClosure, utcnow
from tiers_lieu.models.enums import AuditAction, ClosureKind, JournalKind
from tiers_lieu.services import audit
from tiers_lieu.services.access import Permission, access_of, requires
from tiers_lieu.services.amounts import vat_included
from tiers_lieu.services.grocery.closing import (
    ClosureStamp,
    MethodTotal,
    PeriodTotals,
    VatTotal,
    ZReport,
    period_totals,
    report_of,
)
from tiers_lieu.services.sites import day_bounds, site_zone
from tiers_lieu.services.till.closed import closing_z
from tiers_lieu.services.till.journal import actor_name, append, lock_chain

_C = TillClosure.__table__  # type: ignore[attr-defined]
_S = Sale.__table__  # type: ignore[attr-defined]
_A = AuditEntry.__table__  # type: ignore[attr-defined]

#: A closure in the audit log: CREATE when written, EXPORT at each print (the first one is
#: the original, hence the trace).
_PRINTED = "till_closure"
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


class TillClosureService:
    def __init__(self, uow: UowFactory) -> None:
        self._uow = uow

    # -- closing ---------------------------------------------------------------------------

    @requires(Permission.SALES)
    def close_day(self, *, site_id: uuid.UUID, day: date) -> list[ClosureInfo]:
        """The day's Z (and first those of earlier days with sales still open), in one
        transaction; returns the closures written, ``day``'s last."""
        with self._uow() as uow:
            lock_chain(uow, site_id)
            today = self._today(uow, site_id)
            if day > today:
                raise ValidationError(
                    _("Journée"), _("le {day} n'est pas encore arrivé").format(day=_long(day))
                )
            number = closing_z(uow, site_id, day)
            if number is not None:
                raise ConflictError(
                    _("La journée du {day} est déjà clôturée (Z n° {number}).").format(
                        day=_long(day), number=number
                    )
                )
            written = self._close_days_before(uow, site_id, day)
            written.append(self._write_day(uow, site_id, day))
            _audit(uow, written)
            uow.commit()
            return [_info(row) for row in written]

    @requires(Permission.TILL_CLOSE)
    def close_month(self, *, site_id: uuid.UUID, year: int, month: int) -> list[ClosureInfo]:
        """The month's closure, once the month is over: its open days get their Z first,
        earlier months with Zs their closure; returns every closure written."""
        if not 1 <= month <= 12 or not 2000 <= year <= 9999:
            raise ValidationError(_("Mois"), _("mois inconnu"))
        first = date(year, month, 1)
        with self._uow() as uow:
            lock_chain(uow, site_id)
            today = self._today(uow, site_id)
            last = _month_end(first)
            if last >= today:
                raise ConflictError(
                    _(
                        "Le mois de {month} n'est pas terminé : il se clôture à partir du {day}."
                    ).format(month=_month_name(first), day=_long(last + timedelta(days=1)))
                )
            self._refuse_closed(uow, site_id, ClosureKind.MONTH, first)
            written = self._close_days_before(uow, site_id, last + timedelta(days=1))
            written += self._close_months_before(uow, site_id, first)
            written.append(self._write_sum(uow, site_id, ClosureKind.MONTH, first, last))
            _audit(uow, written)
            uow.commit()
            return [_info(row) for row in written]

    @requires(Permission.TILL_CLOSE)
    def close_year(self, *, site_id: uuid.UUID, year: int) -> list[ClosureInfo]:
        """The year's closure, once the year is over: its months get their closure first."""
        if not 2000 <= year <= 9999:
            raise ValidationError(_("Année"), _("année inconnue"))
        first, last = date(year, 1, 1), date(year, 12, 31)
        with self._uow() as uow:
            lock_chain(uow, site_id)
            if last >= self._today(uow, site_id):
                raise ConflictError(
                    _(
                        "L'année {year} n'est pas terminée : elle se clôture à partir du {day}."
                    ).format(year=year, day=_long(last + timedelta(days=1)))
                )
            self._refuse_closed(uow, site_id, ClosureKind.YEAR, first)
            after = last + timedelta(days=1)
            written = self._close_days_before(uow, site_id, after)
            written += self._close_months_before(uow, site_id, after)
            written += self._close_years_before(uow, site_id, first)
            written.append(self._write_sum(uow, site_id, ClosureKind.YEAR, first, last))
            _audit(uow, written)
            uow.commit()
            return [_info(row) for row in written]

    # -- reading ---------------------------------------------------------------------------

    @requires(Permission.SALES)
    def history(
        self, *, site_id: uuid.UUID, kind: str | None = None, limit: int = 200, offset: int = 0
    ) -> list[ClosureInfo]:
        """The place's closures, latest first (days, months and years, or one ``kind``)."""
        with self._uow(read_only=True) as uow:
            query = select(TillClosure).where(TillClosure.site_id == site_id)  # type: ignore[arg-type]
            if kind is not None:
                query = query.where(TillClosure.kind == kind)  # type: ignore[arg-type]
            rows = uow.session.execute(
                query.order_by(
                    TillClosure.period_end.desc(),  # type: ignore[attr-defined]
                    _C.c.period_start,  # a month before its last day's Z
                )
                .limit(max(1, min(limit, 1000)))
                .offset(max(0, offset))
            ).scalars()
            return [_info(row) for row in rows]

    @requires(Permission.SALES)
    def day_closure(self, *, site_id: uuid.UUID, day: date) -> ClosureInfo | None:
        """The Z of ``day``, ``None`` while the day is open."""
        with self._uow(read_only=True) as uow:
            row = self._find(uow, site_id, ClosureKind.DAY, day)
            return None if row is None else _info(row)

    @requires(Permission.SALES)
    def get(self, closure_id: uuid.UUID) -> ClosureInfo:
        with self._uow(read_only=True) as uow:
            return _info(self._load(uow, closure_id))

    @requires(Permission.SALES)
    def report(self, closure_id: uuid.UUID) -> ZReport:
        """The closure's report as closed (read only: printing is :meth:`print_report`)."""
        with self._uow(read_only=True) as uow:
            row = self._load(uow, closure_id)
            return self._report(uow, row, duplicate=self._printed(uow, row))

    @requires(Permission.SALES)
    def print_report(self, closure_id: uuid.UUID) -> ZReport:
        """The closure's report to print: the original the first time, a « Duplicata » after
        (a DUPLICATE journal line each time)."""
        with self._uow() as uow:
            row = self._load(uow, closure_id)
            lock_chain(uow, row.site_id)
            duplicate = self._printed(uow, row)
            audit.record(
                uow,
                action=AuditAction.EXPORT,
                entity=_PRINTED,
                entity_id=row.id,
                site_id=row.site_id,
                details={"number": row.number, "kind": row.kind, "duplicate": duplicate},
            )
            if duplicate:
                append(
                    uow,
                    site_id=row.site_id,
                    kind=JournalKind.DUPLICATE,
                    payload={
                        "document": "closure",
                        "kind": row.kind,
                        "number": row.number,
                    },
                    ref_id=row.id,
                    number=closure_label(row.kind, row.number),
                    amount_cents=row.total_cents,
                )
            report = self._report(uow, row, duplicate=duplicate)
            uow.commit()
            return report

    # -- internals -------------------------------------------------------------------------

    def _load(self, uow: UnitOfWork, closure_id: uuid.UUID) -> TillClosure:
        row = uow.session.get(TillClosure, closure_id)
        if row is None:
            raise NotFoundError(_("Cette clôture n'existe pas."))
        access_of(self).require_site(row.site_id, self._uow)
        return row

    @staticmethod
    def _today(uow: UnitOfWork, site_id: uuid.UUID) -> date:
        return utcnow().astimezone(site_zone(uow, site_id)).date()

    @staticmethod
    def _printed(uow: UnitOfWork, row: TillClosure) -> bool:
        return (
            uow.session.execute(
                select(_A.c.id)
                .where(
                    _A.c.entity == _PRINTED,
                    _A.c.entity_id == row.id,
                    _A.c.action == str(AuditAction.EXPORT),
                )
                .limit(1)
            ).first()
            is not None
        )

    @staticmethod
    def _find(
        uow: UnitOfWork, site_id: uuid.UUID, kind: ClosureKind, start: date
    ) -> TillClosure | None:
        return uow.session.execute(
            select(TillClosure).where(
                TillClosure.site_id == site_id,  # type: ignore[arg-type]
                TillClosure.kind == str(kind),  # type: ignore[arg-type]
                TillClosure.period_start == start,  # type: ignore[arg-type]
            )
        ).scalar_one_or_none()

    @staticmethod
    def _last(uow: UnitOfWork, site_id: uuid.UUID, kind: ClosureKind) -> TillClosure | None:
        return uow.session.execute(
            select(TillClosure)
            .where(
                TillClosure.site_id == site_id,  # type: ignore[arg-type]
                TillClosure.kind == str(kind),  # type: ignore[arg-type]
            )
            .order_by(TillClosure.number.desc())  # type: ignore[attr-defined]
            .limit(1)
        ).scalar_one_or_none()

    def _refuse_closed(
        self, uow: UnitOfWork, site_id: uuid.UUID, kind: ClosureKind, start: date
    ) -> None:
        last = self._last(uow, site_id, kind)
        if last is None or last.period_end < start:
            return
        label = _month_name(start) if kind == ClosureKind.MONTH else str(start.year)
        if last.period_start == start:
            message = _("{period} est déjà clôturé (clôture n° {number}).")
        else:
            message = _("{period} précède la dernière période clôturée (clôture n° {number}).")
        raise ConflictError(message.format(period=label.capitalize(), number=last.number))

    def _close_days_before(
        self, uow: UnitOfWork, site_id: uuid.UUID, before: date
    ) -> list[TillClosure]:
        """A Z for every day before ``before`` that has sales and none yet, in order (one
        indexed query per day found: nothing grows with the history)."""
        written: list[TillClosure] = []
        last = self._last(uow, site_id, ClosureKind.DAY)
        zone = site_zone(uow, site_id)
        frontier = None if last is None else day_bounds(uow, site_id, last.period_start)[1]
        limit = day_bounds(uow, site_id, before)[0]
        while True:
            query = select(type_coerce(func.min(_S.c.sold_at), _S.c.sold_at.type)).where(
                _S.c.site_id == site_id, _S.c.sold_at < limit
            )
            if frontier is not None:
                query = query.where(_S.c.sold_at >= frontier)
            first = uow.session.execute(query).scalar()
            if first is None:
                return written
            aware = first if first.tzinfo else first.replace(tzinfo=UTC)
            day = aware.astimezone(zone).date()
            written.append(self._write_day(uow, site_id, day))
            frontier = day_bounds(uow, site_id, day)[1]

    def _write_day(self, uow: UnitOfWork, site_id: uuid.UUID, day: date) -> TillClosure:
        start, end = day_bounds(uow, site_id, day)
        totals = period_totals(uow, site_id, start, end)
        previous = self._last(uow, site_id, ClosureKind.DAY)
        if previous is not None and previous.period_start >= day:
            raise ConflictError(
                _("La journée du {day} est déjà clôturée (Z n° {number}).").format(
                    day=_long(day), number=previous.number
                )
            )
        grand = (previous.grand_total_cents if previous is not None else 0) + totals.total_cents
        return self._write(
            uow,
            site_id,
            kind=ClosureKind.DAY,
            number=(previous.number if previous is not None else 0) + 1,
            start=day,
            end=day,
            totals=totals,
            grand_total=grand,
        )

    def _close_months_before(
        self, uow: UnitOfWork, site_id: uuid.UUID, before: date
    ) -> list[TillClosure]:
        """A closure for every month before ``before`` with day Zs and none yet, in order."""
        written: list[TillClosure] = []
        while True:
            last = self._last(uow, site_id, ClosureKind.MONTH)
            query = select(func.min(_C.c.period_start)).where(
                _C.c.site_id == site_id,
                _C.c.kind == str(ClosureKind.DAY),
                _C.c.period_start < before,
            )
            if last is not None:
                query = query.where(_C.c.period_start > last.period_end)
            first = uow.session.execute(query).scalar()
            if first is None:
                return written
            start = _month_start(first)
            if start >= _month_start(before):
                return written  # the month ``before`` is in is closed by the caller
            written.append(
                self._write_sum(uow, site_id, ClosureKind.MONTH, start, _month_end(start))
            )

    def _close_years_before(
        self, uow: UnitOfWork, site_id: uuid.UUID, before: date
    ) -> list[TillClosure]:
        written: list[TillClosure] = []
        while True:
            last = self._last(uow, site_id, ClosureKind.YEAR)
            query = select(func.min(_C.c.period_start)).where(
                _C.c.site_id == site_id,
                _C.c.kind == str(ClosureKind.MONTH),
                _C.c.period_start < before,
            )
            if last is not None:
                query = query.where(_C.c.period_start > last.period_end)
            first = uow.session.execute(query).scalar()
            if first is None:
                return written
            year = first.year
            written.append(
                self._write_sum(
                    uow, site_id, ClosureKind.YEAR, date(year, 1, 1), date(year, 12, 31)
                )
            )

    def _write_sum(
        self, uow: UnitOfWork, site_id: uuid.UUID, kind: ClosureKind, start: date, end: date
    ) -> TillClosure:
        part = ClosureKind.DAY if kind == ClosureKind.MONTH else ClosureKind.MONTH
        parts = self._parts(uow, site_id, part, start, end)
        previous = self._last(uow, site_id, kind)
        if parts:
            grand = parts[-1].grand_total_cents
        else:
            before = uow.session.execute(
                select(TillClosure)
                .where(
                    TillClosure.site_id == site_id,  # type: ignore[arg-type]
                    TillClosure.kind == str(ClosureKind.DAY),  # type: ignore[arg-type]
                    TillClosure.period_start < start,  # type: ignore[arg-type]
                )
                .order_by(TillClosure.period_start.desc())  # type: ignore[attr-defined]
                .limit(1)
            ).scalar_one_or_none()
            grand = before.grand_total_cents if before is not None else 0
        return self._write(
            uow,
            site_id,
            kind=kind,
            number=(previous.number if previous is not None else 0) + 1,
            start=start,
            end=end,
            totals=totals_of(parts),
            grand_total=grand,
        )

    @staticmethod
    def _parts(
        uow: UnitOfWork, site_id: uuid.UUID, kind: ClosureKind, start: date, end: date
    ) -> list[TillClosure]:
        """The closures of ``kind`` inside ``[start, end]`` in order (at most 31 days or 12
        months)."""
        return list(
            uow.session.execute(
                select(TillClosure)
                .where(
                    TillClosure.site_id == site_id,  # type: ignore[arg-type]
                    TillClosure.kind == str(kind),  # type: ignore[arg-type]
                    TillClosure.period_start >= start,  # type: ignore[arg-type]
                    TillClosure.period_start <= end,  # type: ignore[arg-type]
                )
                .order_by(TillClosure.period_start)  # type: ignore[arg-type]
            ).scalars()
        )

    @staticmethod
    def _write(
        uow: UnitOfWork,
        site_id: uuid.UUID,
        *,
        kind: ClosureKind,
        number: int,
        start: date,
        end: date,
        totals: PeriodTotals,
        grand_total: int,
    ) -> TillClosure:
        """The closure row, complete before its first flush (never updated), and its
        journal line."""
        row = TillClosure(
            site_id=site_id,
            **closure_fields(
                kind=kind,
                number=number,
                start=start,
                end=end,
                totals=totals,
                grand_total=grand_total,
            ),
            closed_at=utcnow(),
            closed_by=actor_name(uow),
        )
        uow.session.add(row)
        uow.session.flush()
        append(
            uow,
            site_id=site_id,
            kind=JournalKind.CLOSURE,
            payload=closure_payload(row),
            ref_id=row.id,
            number=closure_label(row.kind, number),
            amount_cents=row.total_cents,
            occurred_at=row.closed_at,
        )
        return row

    def _report(self, uow: UnitOfWork, row: TillClosure, *, duplicate: bool) -> ZReport:
        site = uow.session.get(Site, row.site_id)
        zone = site_zone(uow, row.site_id)
        kind = ClosureKind(row.kind)
        if kind == ClosureKind.DAY:
            start, end = day_bounds(uow, row.site_id, row.period_start)
            live = period_totals(uow, row.site_id, start, end)
            totals = _with_hours(totals_of([row]), live)
            days = 1
        else:
            totals = totals_of([row])
            days = self._count_days(uow, row.site_id, row.period_start, row.period_end)
        month = self._sum_days(
            uow,
            row.site_id,
            _month_start(row.period_start),
            min(row.period_end, _month_end(row.period_start)),
        )
        year = self._sum_days(uow, row.site_id, date(row.period_start.year, 1, 1), row.period_end)
        stamp = ClosureStamp(
            kind=row.kind,
            number=row.number,
            closed_at=row.closed_at,
            closed_by=row.closed_by,
            month_cents=month,
            year_cents=year,
            grand_total_cents=row.grand_total_cents,
            duplicate=duplicate,
            days=days,
        )
        return report_of(
            site.name if site is not None else "",
            zone,
            totals,
            row.period_start,
            period_end=None if kind == ClosureKind.DAY else row.period_end,
            closure=stamp,
        )

    @staticmethod
    def _sum_days(uow: UnitOfWork, site_id: uuid.UUID, start: date, end: date) -> int:
        """Net turnover of the day Zs from ``start`` to ``end`` included."""
        return int(
            uow.session.execute(
                select(func.coalesce(func.sum(_C.c.total_cents), 0)).where(
                    _C.c.site_id == site_id,
                    _C.c.kind == str(ClosureKind.DAY),
                    _C.c.period_start >= start,
                    _C.c.period_start <= end,
                )
            ).scalar()
            or 0
        )

    @staticmethod
    def _count_days(uow: UnitOfWork, site_id: uuid.UUID, start: date, end: date) -> int:
        return int(
            uow.session.execute(
                select(func.count()).where(
                    _C.c.site_id == site_id,
                    _C.c.kind == str(ClosureKind.DAY),
                    _C.c.period_start >= start,
                    _C.c.period_start <= end,
                )
            ).scalar()
            or 0
        )


def _audit(uow: UnitOfWork, written: list[TillClosure]) -> None:
    """One audit line per closure written (who closed what, besides the journal's line)."""
    for row in written:
        audit.record(
            uow,
            action=AuditAction.CREATE,
            entity=_PRINTED,
            entity_id=row.id,
            site_id=row.site_id,
            details={"kind": row.kind, "number": row.number},
        )


def _with_hours(stored: PeriodTotals, live: PeriodTotals) -> PeriodTotals:
    """The stored totals with the hours of the first and last sale (not kept in the row: the
    day's tickets never change once closed, so reading them again gives the same hours)."""
    return replace(stored, first_sale=live.first_sale, last_sale=live.last_sale)


def _long(day: date) -> str:
    return format_date(day, "long")


def _month_name(first: date) -> str:
    return format_date(first, "MMMM y")
