"""The distribution calendar of a contract: generated from its weekday over the season,
then edited by hand (a date moved, a distribution cancelled or added).

Generation skips French public holidays
(:func:`~tiers_lieu.services.public_holidays.public_holidays`) and the site's closures, the
way the place really opens, and is idempotent: running it again after a closure was added only
adds what is missing, never touches a distribution that was moved, cancelled or already held.
What happens at one distribution (who collects what) is :mod:`tiers_lieu.services.amap.pickups`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time, timedelta

from sqlmodel import col, func, select

from tiers_lieu.db import UnitOfWork, UowFactory
from tiers_lieu.errors import ConflictError, ValidationError
from tiers_lieu.i18n import _, format_date
from tiers_lieu.models import AmapContract, Closure, Distribution, Pickup
from tiers_lieu.models.enums import AuditAction
from tiers_lieu.services import audit
from tiers_lieu.services.access import Permission, requires
from tiers_lieu.services.amap.common import get_contract, get_distribution
from tiers_lieu.services.public_holidays import public_holidays


@dataclass(frozen=True)
class DistributionInfo:
    id: uuid.UUID
    contract_id: uuid.UUID
    contract_name: str
    on_date: date
    start_time: time
    end_time: time
    cancelled: bool
    note: str


def _info(d: Distribution, contract_name: str) -> DistributionInfo:
    return DistributionInfo(
        d.id, d.contract_id, contract_name, d.on_date, d.start_time, d.end_time, d.cancelled, d.note
    )


def planned_dates(
    season_start: date,
    season_end: date,
    weekday: int,
    closures: Iterable[tuple[date, date]] = (),
) -> list[date]:
    """Every ``weekday`` of the season on which the place is open: neither a public holiday
    nor inside one of ``closures`` (inclusive date ranges)."""
    closed = list(closures)
    first = season_start + timedelta(days=(weekday - season_start.weekday()) % 7)
    found: list[date] = []
    day = first
    while day <= season_end:
        holiday = day in public_holidays(day.year)
        if not holiday and not any(start <= day <= end for start, end in closed):
            found.append(day)
        day += timedelta(days=7)
    return found


def closures_between(
    uow: UnitOfWork, site_id: uuid.UUID, start: date, end: date
) -> list[tuple[date, date]]:
    rows = uow.session.exec(
        select(col(Closure.start_date), col(Closure.end_date)).where(
            Closure.site_id == site_id, Closure.end_date >= start, Closure.start_date <= end
        )
    ).all()
    return [(s, e) for s, e in rows]


def contract_dates(uow: UnitOfWork, contract: AmapContract, from_date: date) -> list[date]:
    """The dates a subscription starting on ``from_date`` pays for: the contract's held (not
    cancelled) distributions from that day, or its planned ones if the calendar is not made."""
    held = uow.session.exec(
        select(col(Distribution.on_date)).where(
            Distribution.contract_id == contract.id, col(Distribution.cancelled).is_(False)
        )
    ).all()
    if held:
        return sorted(d for d in held if d >= from_date)
    closed = closures_between(uow, contract.site_id, contract.season_start, contract.season_end)
    planned = planned_dates(contract.season_start, contract.season_end, contract.weekday, closed)
    return [d for d in planned if d >= from_date]


def _is_closed(uow: UnitOfWork, site_id: uuid.UUID, day: date) -> bool:
    return day in public_holidays(day.year) or bool(closures_between(uow, site_id, day, day))


class DistributionService:
    def __init__(self, uow: UowFactory) -> None:
        self._uow = uow

    @requires(Permission.AMAP)
    def generate(self, *, contract_id: uuid.UUID) -> int:
        """Create the planned distributions the calendar does not hold yet; returns how many."""
        with self._uow() as uow:
            contract = get_contract(uow, contract_id)
            closed = closures_between(
                uow, contract.site_id, contract.season_start, contract.season_end
            )
            existing = set(
                uow.session.exec(
                    select(col(Distribution.on_date)).where(Distribution.contract_id == contract_id)
                ).all()
            )
            planned = planned_dates(
                contract.season_start, contract.season_end, contract.weekday, closed
            )
            added = [d for d in planned if d not in existing]
            uow.session.add_all(
                Distribution(
                    site_id=contract.site_id,
                    contract_id=contract.id,
                    on_date=day,
                    start_time=contract.start_time,
                    end_time=contract.end_time,
                )
                for day in added
            )
            audit.record(
                uow,
                action=AuditAction.CREATE,
                entity="distribution",
                entity_id=contract.id,
                site_id=contract.site_id,
                details={"generated": len(added)},
            )
            uow.commit()
            return len(added)

    @requires(Permission.DESK)
    def list_distributions(self, *, contract_id: uuid.UUID) -> list[DistributionInfo]:
        with self._uow() as uow:
            contract = get_contract(uow, contract_id)
            rows = uow.session.exec(
                select(Distribution)
                .where(Distribution.contract_id == contract_id)
                .order_by(col(Distribution.on_date))
            ).all()
            return [_info(d, contract.name) for d in rows]

    @requires(Permission.DESK)
    def around(
        self, *, site_id: uuid.UUID, on: date, before: int = 8, after: int = 8
    ) -> list[DistributionInfo]:
        """The site's distributions (every contract) close to ``on``: the last ``before``
        ones and the next ``after`` ones, in date order, for choosing a sheet."""
        with self._uow() as uow:
            base = (
                select(Distribution, AmapContract.name)
                .join(AmapContract, col(AmapContract.id) == Distribution.contract_id)
                .where(Distribution.site_id == site_id)
            )
            past = uow.session.exec(
                base.where(Distribution.on_date < on)
                .order_by(col(Distribution.on_date).desc())
                .limit(before)
            ).all()
            coming = uow.session.exec(
                base.where(Distribution.on_date >= on)
                .order_by(col(Distribution.on_date), col(AmapContract.name))
                .limit(after)
            ).all()
            rows = sorted([*past, *coming], key=lambda r: (r[0].on_date, r[1]))
            return [_info(d, name) for d, name in rows]

    @requires(Permission.DESK)
    def next_distribution(self, *, site_id: uuid.UUID, on: date) -> DistributionInfo | None:
        """The first distribution not cancelled on or after ``on`` (any contract)."""
        with self._uow() as uow:
            row = uow.session.exec(
                select(Distribution, AmapContract.name)
                .join(AmapContract, col(AmapContract.id) == Distribution.contract_id)
                .where(
                    Distribution.site_id == site_id,
                    Distribution.on_date >= on,
                    col(Distribution.cancelled).is_(False),
                )
                .order_by(col(Distribution.on_date), col(AmapContract.name))
                .limit(1)
            ).first()
            return None if row is None else _info(row[0], row[1])

    @requires(Permission.AMAP)
    def add(self, *, contract_id: uuid.UUID, on_date: date) -> DistributionInfo:
        """An extra distribution (a replacement for a cancelled one, say)."""
        with self._uow() as uow:
            contract = get_contract(uow, contract_id)
            self._check_free(uow, contract, on_date)
            row = Distribution(
                site_id=contract.site_id,
                contract_id=contract.id,
                on_date=on_date,
                start_time=contract.start_time,
                end_time=contract.end_time,
            )
            uow.session.add(row)
            audit.record(
                uow,
                action=AuditAction.CREATE,
                entity="distribution",
                entity_id=row.id,
                site_id=contract.site_id,
            )
            uow.commit()
            return _info(row, contract.name)

    @requires(Permission.AMAP)
    def move(
        self,
        *,
        distribution_id: uuid.UUID,
        on_date: date,
        note: str = "",
    ) -> DistributionInfo:
        """Move a distribution that has not been ticked yet to another (open) day."""
        with self._uow() as uow:
            row = get_distribution(uow, distribution_id)
            contract = get_contract(uow, row.contract_id)
            if on_date == row.on_date:
                return _info(row, contract.name)
            self._check_free(uow, contract, on_date)
            if self._has_ticks(uow, row.id):
                raise ConflictError(
                    _(
                        "Des retraits sont déjà notés pour cette distribution : elle ne peut plus "
                        "être déplacée."
                    )
                )
            previous = row.on_date
            row.on_date = on_date
            row.note = (note.strip() or _("Déplacée du {day}").format(day=format_date(previous)))[
                :200
            ]
            audit.record(
                uow,
                action=AuditAction.UPDATE,
                entity="distribution",
                entity_id=row.id,
                site_id=row.site_id,
                details={"from": previous.isoformat(), "to": on_date.isoformat()},
            )
            uow.commit()
            return _info(row, contract.name)

    @requires(Permission.AMAP)
    def set_cancelled(
        self,
        *,
        distribution_id: uuid.UUID,
        cancelled: bool,
        note: str = "",
    ) -> DistributionInfo:
        """Cancel a distribution (no basket that day) or restore it."""
        with self._uow() as uow:
            row = get_distribution(uow, distribution_id)
            contract = get_contract(uow, row.contract_id)
            if cancelled and self._has_ticks(uow, row.id):
                raise ConflictError(
                    _(
                        "Des retraits sont déjà notés pour cette distribution : elle ne peut plus "
                        "être annulée."
                    )
                )
            row.cancelled = cancelled
            row.note = note.strip()[:200]
            audit.record(
                uow,
                action=AuditAction.UPDATE,
                entity="distribution",
                entity_id=row.id,
                site_id=row.site_id,
                details={"cancelled": cancelled},
            )
            uow.commit()
            return _info(row, contract.name)

    @staticmethod
    def _has_ticks(uow: UnitOfWork, distribution_id: uuid.UUID) -> bool:
        ticked = uow.session.exec(
            select(func.count()).where(
                Pickup.distribution_id == distribution_id, Pickup.status != "expected"
            )
        ).one()
        return ticked > 0

    @staticmethod
    def _check_free(uow: UnitOfWork, contract: AmapContract, on_date: date) -> None:
        if _is_closed(uow, contract.site_id, on_date):
            raise ValidationError(
                _("Date"),
                _("le lieu est fermé le {day} (jour férié ou fermeture)").format(
                    day=format_date(on_date)
                ),
            )
        taken = uow.session.exec(
            select(Distribution.id).where(
                Distribution.contract_id == contract.id, Distribution.on_date == on_date
            )
        ).first()
        if taken is not None:
            raise ConflictError(
                _("Ce contrat a déjà une distribution le {day}.").format(day=format_date(on_date))
            )
