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
transaction. A closure's PDF is the original the first time it is printed (a PRINT line of
the journal) and a « Duplicata » every time after, each reprint a DUPLICATE line
(:mod:`.prints`).

A closure's figures (number, row, journal payload, summed totals) are in
:mod:`.closure_figures`; reading and printing closures in :mod:`.closure_reports` (the base of
:class:`TillClosureService`); the writers are here.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, timedelta

from sqlalchemy import func, select, type_coerce

from tiers_lieu.db import UnitOfWork, UowFactory
from tiers_lieu.errors import ConflictError, ValidationError
from tiers_lieu.i18n import _, format_date
from tiers_lieu.models import Sale, TillClosure, utcnow
from tiers_lieu.models.enums import AuditAction, ClosureKind, JournalKind
from tiers_lieu.services import audit
from tiers_lieu.services.access import Permission, requires
from tiers_lieu.services.grocery.closing import PeriodTotals, period_totals
from tiers_lieu.services.sites import day_bounds, site_zone
from tiers_lieu.services.till.closed import closing_z
from tiers_lieu.services.till.closure_figures import (
    ClosureFigures,
    ClosureInfo,
    _info,
    _month_end,
    _month_start,
    closure_fields,
    closure_label,
    closure_payload,
    totals_json,
    totals_of,
)
from tiers_lieu.services.till.closure_reports import _C, _PRINTED, ClosureReports
from tiers_lieu.services.till.journal import actor_name, append, lock_chain

_S = Sale.__table__  # type: ignore[attr-defined]


__all__ = [
    "ClosureFigures",
    "ClosureInfo",
    "TillClosureService",
    "closure_fields",
    "closure_label",
    "closure_payload",
    "totals_json",
    "totals_of",
]


class TillClosureService(ClosureReports):
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

    # -- internals -------------------------------------------------------------------------

    @staticmethod
    def _today(uow: UnitOfWork, site_id: uuid.UUID) -> date:
        return utcnow().astimezone(site_zone(uow, site_id)).date()

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


def _long(day: date) -> str:
    return format_date(day, "long")


def _month_name(first: date) -> str:
    return format_date(first, "MMMM y")
