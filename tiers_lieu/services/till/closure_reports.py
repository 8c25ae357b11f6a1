"""Reading and printing the till's closures: the history, a day's Z, a closure's report as
closed, and its print (the original the first time, a PRINT line of the till journal, a
« Duplicata » after, a DUPLICATE line each: :mod:`.prints`; and an EXPORT audit line each
time), with the month and year running totals the printed report shows.
:class:`ClosureReports` is the base of
:class:`~tiers_lieu.services.till.closures.TillClosureService` (one service for the front
ends, ``app.till_closures``)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import date

from sqlalchemy import func, select

from tiers_lieu.db import UnitOfWork, UowFactory
from tiers_lieu.errors import NotFoundError
from tiers_lieu.i18n import _
from tiers_lieu.models import AuditEntry, Site, TillClosure
from tiers_lieu.models.enums import AuditAction, ClosureKind
from tiers_lieu.services import audit
from tiers_lieu.services.access import Permission, access_of, requires
from tiers_lieu.services.grocery.closing import (
    ClosureStamp,
    PeriodTotals,
    ZReport,
    period_totals,
    report_of,
)
from tiers_lieu.services.sites import day_bounds, site_zone
from tiers_lieu.services.till.closure_figures import (
    ClosureInfo,
    _info,
    _month_end,
    _month_start,
    closure_label,
    totals_of,
)
from tiers_lieu.services.till.journal import lock_chain
from tiers_lieu.services.till.prints import printed, record_print

_C = TillClosure.__table__  # type: ignore[attr-defined]


_A = AuditEntry.__table__  # type: ignore[attr-defined]

#: A closure in the audit log: CREATE when written, EXPORT at each print (before PRINT lines
#: existed, the only trace of a closure's first print).
_PRINTED = "till_closure"


class ClosureReports:
    """The closures read and printed (the writers are the service's own)."""

    _uow: UowFactory

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
    def print_report(
        self, closure_id: uuid.UUID, *, write: Callable[[ZReport], object] | None = None
    ) -> ZReport:
        """The closure's report to print: the original the first time (a PRINT journal
        line), a « Duplicata » after (a DUPLICATE line each time). ``write`` (the PDF's
        writer) runs before the print is committed: a PDF not written is not recorded."""
        with self._uow() as uow:
            row = self._load(uow, closure_id)
            lock_chain(uow, row.site_id)
            done = record_print(
                uow,
                site_id=row.site_id,
                ref_id=row.id,
                number=closure_label(row.kind, row.number),
                amount_cents=row.total_cents,
                payload={"document": "closure", "kind": row.kind, "number": row.number},
                printed_before=_exported(uow, row),
            )
            audit.record(
                uow,
                action=AuditAction.EXPORT,
                entity=_PRINTED,
                entity_id=row.id,
                site_id=row.site_id,
                details={"number": row.number, "kind": row.kind, "duplicate": done.duplicate},
            )
            report = self._report(uow, row, duplicate=done.duplicate)
            if write is not None:
                write(report)
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
    def _printed(uow: UnitOfWork, row: TillClosure) -> bool:
        return printed(uow, row.site_id, row.id) or _exported(uow, row)

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


def _exported(uow: UnitOfWork, row: TillClosure) -> bool:
    """Whether an EXPORT audit line says the closure was printed: the only trace of a print
    made before PRINT journal lines existed (lost once the audit log is purged)."""
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


def _with_hours(stored: PeriodTotals, live: PeriodTotals) -> PeriodTotals:
    """The stored totals with the hours of the first and last sale (not kept in the row: the
    day's tickets never change once closed, so reading them again gives the same hours)."""
    return replace(stored, first_sale=live.first_sale, last_sale=live.last_sale)
