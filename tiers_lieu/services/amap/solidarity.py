"""Solidarity baskets: households eligible for the reduced price, and who pays the gap.

A solidarity subscription records who referred the household (a social worker, the CCAS…)
and until when it is eligible. The difference between the full and the solidarity price is
funded by members' contributions, a subsidy and/or the network, in whole percentages that must
sum to 100. The summary counts baskets the way the activity report does (collected, given to
someone else or donated) and splits their cost by source in exact cents.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlmodel import col, func, select

from tiers_lieu.db import UowFactory
from tiers_lieu.errors import ValidationError
from tiers_lieu.i18n import _
from tiers_lieu.models import (
    AmapContract,
    AmapSubscription,
    BasketType,
    Distribution,
    Person,
    Pickup,
    SolidarityFunding,
)
from tiers_lieu.models.enums import AuditAction, FundingSource, SubscriptionStatus
from tiers_lieu.services import audit
from tiers_lieu.services.access import Permission, requires
from tiers_lieu.services.amap.common import DISTRIBUTED, get_subscription, split_by_percent
from tiers_lieu.services.amap.pickups import household_name

SOURCES = tuple(s.value for s in FundingSource)


@dataclass(frozen=True)
class EligibleHousehold:
    subscription_id: uuid.UUID
    contract_name: str
    household: str
    basket_name: str
    quantity: int
    status: str
    referred_by: str
    eligible_until: date | None
    price_cents: int
    solidarity_price_cents: int
    funding: tuple[tuple[str, int], ...]

    @property
    def gap_cents(self) -> int:
        """What one delivery of this subscription costs the funders."""
        return (self.price_cents - self.solidarity_price_cents) * self.quantity


@dataclass(frozen=True)
class SolidaritySummary:
    baskets: int
    cost_cents: int
    by_source: tuple[tuple[str, int], ...]
    unfunded_cents: int
    """Cost of baskets whose subscription has no funding split recorded."""


def check_shares(shares: Mapping[str, int]) -> dict[str, int]:
    """Known sources with whole percentages from 0 to 100 that sum to exactly 100."""
    kept: dict[str, int] = {}
    for source, percent in shares.items():
        if source not in SOURCES:
            raise ValidationError(_("Financement"), _("source inconnue"))
        if not 0 <= percent <= 100:
            raise ValidationError(_("Financement"), _("chaque part entre 0 et 100 %"))
        if percent:
            kept[source] = percent
    total = sum(kept.values())
    if total != 100:
        raise ValidationError(
            _("Financement"),
            _("le total des parts doit être de 100 % (ici {total} %)").format(total=total),
        )
    return kept


class SolidarityService:
    def __init__(self, uow: UowFactory) -> None:
        self._uow = uow

    @requires(Permission.AMAP)
    def eligible(self, *, site_id: uuid.UUID, on: date | None = None) -> list[EligibleHousehold]:
        """Solidarity subscriptions (not ended) of contracts still running on ``on``."""
        with self._uow() as uow:
            query = (
                select(AmapSubscription, Person, BasketType, AmapContract.name)
                .join(Person, col(Person.id) == AmapSubscription.person_id)
                .join(BasketType, col(BasketType.id) == AmapSubscription.basket_type_id)
                .join(AmapContract, col(AmapContract.id) == AmapSubscription.contract_id)
                .where(
                    AmapSubscription.site_id == site_id,
                    col(AmapSubscription.solidarity).is_(True),
                    AmapSubscription.status != SubscriptionStatus.ENDED,
                )
                .order_by(col(Person.last_name), col(Person.first_name))
            )
            if on is not None:
                query = query.where(AmapContract.season_end >= on)
            rows = uow.session.exec(query).all()
            shares: dict[uuid.UUID, list[tuple[str, int]]] = {}
            for f in uow.session.exec(
                select(SolidarityFunding).where(
                    col(SolidarityFunding.subscription_id).in_([r[0].id for r in rows])
                )
            ).all():
                shares.setdefault(f.subscription_id, []).append((f.source, f.share_percent))
            return [
                EligibleHousehold(
                    subscription_id=s.id,
                    contract_name=contract_name,
                    household=household_name(p),
                    basket_name=b.name,
                    quantity=s.quantity,
                    status=s.status,
                    referred_by=s.referred_by,
                    eligible_until=s.eligible_until,
                    price_cents=b.price_cents,
                    solidarity_price_cents=b.solidarity_price_cents
                    if b.solidarity_price_cents is not None
                    else b.price_cents,
                    funding=tuple(sorted(shares.get(s.id, []), key=lambda x: SOURCES.index(x[0]))),
                )
                for s, p, b, contract_name in rows
            ]

    @requires(Permission.AMAP)
    def set_eligibility(
        self,
        *,
        subscription_id: uuid.UUID,
        referred_by: str,
        eligible_until: date | None,
    ) -> None:
        referred_by = referred_by.strip()
        if len(referred_by) > 120:
            raise ValidationError(_("Orienté par"), _("{n} caractères au plus").format(n=120))
        with self._uow() as uow:
            sub = get_subscription(uow, subscription_id)
            if not sub.solidarity:
                raise ValidationError(_("Panier solidaire"), _("cet abonnement est au plein tarif"))
            sub.referred_by = referred_by
            sub.eligible_until = eligible_until
            audit.record(
                uow,
                action=AuditAction.UPDATE,
                entity="amap_subscription",
                entity_id=sub.id,
                site_id=sub.site_id,
                details={"eligibility": True},
            )
            uow.commit()

    @requires(Permission.AMAP)
    def set_funding(
        self,
        *,
        subscription_id: uuid.UUID,
        shares: Mapping[str, int],
    ) -> tuple[tuple[str, int], ...]:
        """Replace the funding split of a solidarity subscription (percentages, sum 100)."""
        kept = check_shares(shares)
        with self._uow() as uow:
            sub = get_subscription(uow, subscription_id)
            if not sub.solidarity:
                raise ValidationError(_("Panier solidaire"), _("cet abonnement est au plein tarif"))
            for old in uow.session.exec(
                select(SolidarityFunding).where(SolidarityFunding.subscription_id == sub.id)
            ).all():
                uow.session.delete(old)
            uow.session.add_all(
                SolidarityFunding(
                    site_id=sub.site_id, subscription_id=sub.id, source=s, share_percent=p
                )
                for s, p in kept.items()
            )
            audit.record(
                uow,
                action=AuditAction.UPDATE,
                entity="solidarity_funding",
                entity_id=sub.id,
                site_id=sub.site_id,
                details=kept,
            )
            uow.commit()
            return tuple((s, kept[s]) for s in SOURCES if s in kept)

    @requires(Permission.AMAP)
    def summary(self, *, site_id: uuid.UUID, start: date, end: date) -> SolidaritySummary:
        """Solidarity baskets distributed from ``start`` to ``end`` and what they cost."""
        gap = BasketType.price_cents - func.coalesce(
            BasketType.solidarity_price_cents, BasketType.price_cents
        )
        # The period's distributions first, then their pickups by ``ix_pickup_distribution_id``
        # (named as a plain table: the place filter's ``site_id IN (…)`` on the entity made
        # SQLite walk every pickup of the place, 14,000 at 10 × 10; these distributions are
        # the checked place's own).
        pickups = Pickup.__table__  # type: ignore[attr-defined]
        period = select(Distribution.id).where(
            Distribution.site_id == site_id,
            Distribution.on_date >= start,
            Distribution.on_date <= end,
            col(Distribution.cancelled).is_(False),
        )
        with self._uow(read_only=True) as uow:
            per_subscription = uow.session.exec(
                select(
                    AmapSubscription.id,
                    func.sum(AmapSubscription.quantity),
                    func.sum(AmapSubscription.quantity * gap),
                )
                .select_from(pickups)
                .join(AmapSubscription, col(AmapSubscription.id) == pickups.c.subscription_id)
                .join(BasketType, col(BasketType.id) == AmapSubscription.basket_type_id)
                .where(
                    pickups.c.distribution_id.in_(period.scalar_subquery()),
                    col(AmapSubscription.solidarity).is_(True),
                    pickups.c.status.in_([str(s) for s in DISTRIBUTED]),
                )
                .group_by(col(AmapSubscription.id))
            ).all()
            ids = [row[0] for row in per_subscription]
            splits: dict[uuid.UUID, list[tuple[str, int]]] = {}
            for f in uow.session.exec(
                select(SolidarityFunding).where(col(SolidarityFunding.subscription_id).in_(ids))
            ).all():
                splits.setdefault(f.subscription_id, []).append((f.source, f.share_percent))
        for shares in splits.values():
            shares.sort(key=lambda share: SOURCES.index(share[0]))
        by_source = dict.fromkeys(SOURCES, 0)
        baskets = cost = unfunded = 0
        for sid, quantity, cents in per_subscription:
            baskets += int(quantity)
            cost += int(cents)
            split = splits.get(sid)
            if not split or sum(p for _s, p in split) != 100:
                unfunded += int(cents)
                continue
            for (source, _p), amount in zip(
                split, split_by_percent(int(cents), [p for _s, p in split]), strict=True
            ):
                by_source[source] += amount
        return SolidaritySummary(
            baskets=baskets,
            cost_cents=cost,
            by_source=tuple((s, by_source[s]) for s in SOURCES),
            unfunded_cents=unfunded,
        )
