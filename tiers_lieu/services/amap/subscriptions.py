"""Households subscribed to a contract, their payment schedule and the waiting list.

Subscribing fixes the price of the season: basket price (or solidarity price) × quantity ×
the distributions left from the start date. The schedule splits that total into one cheque
per month holding a distribution, or one payment, in exact cents (the remainder of the
division goes on the last instalment) so the instalments always add up to the total.

When the contract is full (its capacity in households) a new subscription waits, with a
position; ending a subscription frees a place and promotes the first household waiting, whose
schedule is generated from the day of its promotion.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlmodel import col, func, select

from tiers_lieu.db import UnitOfWork, UowFactory
from tiers_lieu.errors import ConflictError, NotFoundError, ValidationError
from tiers_lieu.i18n import _, format_date
from tiers_lieu.models import (
    AmapContract,
    AmapInstalment,
    AmapSubscription,
    BasketType,
    Person,
)
from tiers_lieu.models.enums import AuditAction, PaymentSchedule, SubscriptionStatus
from tiers_lieu.services import audit
from tiers_lieu.services.access import Permission, requires
from tiers_lieu.services.amap.common import (
    get_basket_type,
    get_contract,
    get_subscription,
    split_cents,
)
from tiers_lieu.services.amap.distributions import contract_dates
from tiers_lieu.services.amap.pickups import household_name
from tiers_lieu.services.sites import site_now


@dataclass(frozen=True)
class SubscriptionInfo:
    id: uuid.UUID
    contract_id: uuid.UUID
    person_id: uuid.UUID
    household: str
    phone: str
    basket_type_id: uuid.UUID
    basket_name: str
    quantity: int
    start_date: date
    status: str
    waitlist_position: int | None
    solidarity: bool
    unit_price_cents: int
    total_cents: int
    received_cents: int


def schedule_amounts(
    total_cents: int, dates: Sequence[date], schedule: str, start: date
) -> list[tuple[date, int]]:
    """(due date, amount) of each instalment for ``total_cents`` paying for ``dates``.

    Monthly: one per calendar month holding a distribution, due on the 1st (or on ``start``
    for the first month); once: everything due on ``start``.
    """
    if not dates:
        return []
    if schedule == PaymentSchedule.ONCE:
        return [(start, total_cents)]
    months = sorted({(d.year, d.month) for d in dates})
    dues = [max(date(y, m, 1), start) for y, m in months]
    return list(zip(dues, split_cents(total_cents, len(months)), strict=True))


def _unit_price(basket: BasketType, solidarity: bool) -> int:
    if solidarity and basket.solidarity_price_cents is not None:
        return basket.solidarity_price_cents
    return basket.price_cents


def _add_schedule(
    uow: UnitOfWork, contract: AmapContract, sub: AmapSubscription, basket: BasketType
) -> None:
    dates = contract_dates(uow, contract, sub.start_date)
    if not dates:
        raise ConflictError(
            _("Il ne reste aucune distribution au contrat « {name} » après cette date.").format(
                name=contract.name
            )
        )
    total = _unit_price(basket, sub.solidarity) * sub.quantity * len(dates)
    uow.session.add_all(
        AmapInstalment(
            site_id=sub.site_id, subscription_id=sub.id, due_date=due, amount_cents=amount
        )
        for due, amount in schedule_amounts(total, dates, contract.payment_schedule, sub.start_date)
    )


class SubscriptionService:
    def __init__(self, uow: UowFactory) -> None:
        self._uow = uow

    @requires(Permission.AMAP)
    def subscribe(
        self,
        *,
        contract_id: uuid.UUID,
        person_id: uuid.UUID,
        basket_type_id: uuid.UUID,
        quantity: int = 1,
        start_date: date | None = None,
        solidarity: bool = False,
        referred_by: str = "",
        eligible_until: date | None = None,
    ) -> SubscriptionInfo:
        """Subscribe a household; it waits (with a position) when the contract is full."""
        if not 1 <= quantity <= 20:
            raise ValidationError(_("Quantité"), _("entre 1 et 20 paniers"))
        with self._uow() as uow:
            contract = get_contract(uow, contract_id)
            basket = get_basket_type(uow, basket_type_id)
            if basket.contract_id != contract.id:
                raise ValidationError(_("Type de panier"), _("n'appartient pas à ce contrat"))
            if solidarity and basket.solidarity_price_cents is None:
                raise ValidationError(
                    _("Panier solidaire"), _("ce type de panier n'a pas de prix solidaire")
                )
            person = uow.session.get(Person, person_id)
            if person is None or person.anonymized_at is not None:
                raise NotFoundError(_("Cette personne n'existe plus."))
            already = uow.session.exec(
                select(AmapSubscription.id).where(
                    AmapSubscription.contract_id == contract.id,
                    AmapSubscription.person_id == person_id,
                    col(AmapSubscription.status).in_(
                        [SubscriptionStatus.ACTIVE, SubscriptionStatus.WAITING]
                    ),
                )
            ).first()
            if already is not None:
                raise ConflictError(
                    _("Ce foyer ({name}) est déjà inscrit au contrat « {contract} ».").format(
                        name=household_name(person), contract=contract.name
                    )
                )
            today = site_now(uow, contract.site_id).date()
            start = max(start_date or today, contract.season_start)
            until = person.solidarity_until
            if solidarity and until is not None and start > until:
                raise ValidationError(
                    _("Panier solidaire"),
                    _(
                        "l'éligibilité de ce foyer prend fin le {date} : un panier solidaire "
                        "ne peut pas commencer après"
                    ).format(date=format_date(until)),
                )
            sub = AmapSubscription(
                site_id=contract.site_id,
                contract_id=contract.id,
                basket_type_id=basket.id,
                person_id=person_id,
                quantity=quantity,
                start_date=start,
                solidarity=solidarity,
                referred_by=referred_by.strip()[:120] if solidarity else "",
                eligible_until=eligible_until if solidarity else None,
            )
            if self._is_full(uow, contract):
                sub.status = SubscriptionStatus.WAITING
                sub.waitlist_position = self._last_position(uow, contract.id) + 1
                uow.session.add(sub)
            else:
                uow.session.add(sub)
                _add_schedule(uow, contract, sub, basket)
            kinds = {k for k in person.kinds.split(",") if k}
            if "amap" not in kinds:
                person.kinds = ",".join(sorted(kinds | {"amap"}))
            audit.record(
                uow,
                action=AuditAction.CREATE,
                entity="amap_subscription",
                entity_id=sub.id,
                site_id=contract.site_id,
                details={"status": sub.status},
            )
            uow.commit()
            return self._infos(uow, [sub.id])[0]

    @requires(Permission.AMAP)
    def end(self, *, subscription_id: uuid.UUID) -> SubscriptionInfo | None:
        """End a subscription (or take a household off the waiting list); returns the
        household promoted from the waiting list into the freed place, if any."""
        with self._uow() as uow:
            sub = get_subscription(uow, subscription_id)
            if sub.status == SubscriptionStatus.ENDED:
                return None
            was_active = sub.status == SubscriptionStatus.ACTIVE
            sub.status = SubscriptionStatus.ENDED
            sub.waitlist_position = None
            audit.record(
                uow,
                action=AuditAction.UPDATE,
                entity="amap_subscription",
                entity_id=sub.id,
                site_id=sub.site_id,
                details={"status": SubscriptionStatus.ENDED},
            )
            uow.session.flush()
            contract = get_contract(uow, sub.contract_id)
            promoted: AmapSubscription | None = None
            if was_active and not self._is_full(uow, contract):
                promoted = self._first_waiting(uow, contract.id)
                if promoted is not None:
                    today = site_now(uow, contract.site_id).date()
                    promoted.status = SubscriptionStatus.ACTIVE
                    promoted.start_date = max(today, contract.season_start)
                    promoted.waitlist_position = None
                    uow.session.flush()
                    basket = get_basket_type(uow, promoted.basket_type_id)
                    _add_schedule(uow, contract, promoted, basket)
            self._renumber(uow, contract.id)
            uow.commit()
            return self._infos(uow, [promoted.id])[0] if promoted is not None else None

    @requires(Permission.AMAP)
    def list_subscriptions(
        self, *, contract_id: uuid.UUID, status: str | None = None
    ) -> list[SubscriptionInfo]:
        """Subscriptions of a contract by household name (``status`` to keep one kind)."""
        with self._uow() as uow:
            query = select(AmapSubscription.id).where(AmapSubscription.contract_id == contract_id)
            if status is not None:
                query = query.where(AmapSubscription.status == status)
            ids = list(uow.session.exec(query).all())
            return self._infos(uow, ids)

    @requires(Permission.AMAP)
    def waiting_list(self, *, contract_id: uuid.UUID) -> list[SubscriptionInfo]:
        rows = self.list_subscriptions(contract_id=contract_id, status=SubscriptionStatus.WAITING)
        return sorted(rows, key=lambda s: s.waitlist_position or 0)

    # -- helpers -----------------------------------------------------------------------------
    @staticmethod
    def _is_full(uow: UnitOfWork, contract: AmapContract) -> bool:
        if contract.capacity is None:
            return False
        active = uow.session.exec(
            select(func.count()).where(
                AmapSubscription.contract_id == contract.id,
                AmapSubscription.status == SubscriptionStatus.ACTIVE,
            )
        ).one()
        return active >= contract.capacity

    @staticmethod
    def _last_position(uow: UnitOfWork, contract_id: uuid.UUID) -> int:
        last = uow.session.exec(
            select(func.max(AmapSubscription.waitlist_position)).where(
                AmapSubscription.contract_id == contract_id,
                AmapSubscription.status == SubscriptionStatus.WAITING,
            )
        ).one()
        return int(last or 0)

    @staticmethod
    def _first_waiting(uow: UnitOfWork, contract_id: uuid.UUID) -> AmapSubscription | None:
        return uow.session.exec(
            select(AmapSubscription)
            .where(
                AmapSubscription.contract_id == contract_id,
                AmapSubscription.status == SubscriptionStatus.WAITING,
            )
            .order_by(col(AmapSubscription.waitlist_position), col(AmapSubscription.created_at))
        ).first()

    @staticmethod
    def _renumber(uow: UnitOfWork, contract_id: uuid.UUID) -> None:
        waiting = uow.session.exec(
            select(AmapSubscription)
            .where(
                AmapSubscription.contract_id == contract_id,
                AmapSubscription.status == SubscriptionStatus.WAITING,
            )
            .order_by(col(AmapSubscription.waitlist_position), col(AmapSubscription.created_at))
        ).all()
        for position, row in enumerate(waiting, start=1):
            row.waitlist_position = position

    @staticmethod
    def _infos(uow: UnitOfWork, ids: Sequence[uuid.UUID]) -> list[SubscriptionInfo]:
        if not ids:
            return []
        paid = func.coalesce(
            func.sum(AmapInstalment.amount_cents).filter(
                col(AmapInstalment.received_at).is_not(None)
            ),
            0,
        )
        totals = {
            sid: (total, received)
            for sid, total, received in uow.session.exec(
                select(
                    AmapInstalment.subscription_id,
                    func.coalesce(func.sum(AmapInstalment.amount_cents), 0),
                    paid,
                )
                .where(col(AmapInstalment.subscription_id).in_(list(ids)))
                .group_by(col(AmapInstalment.subscription_id))
            ).all()
        }
        rows = uow.session.exec(
            select(AmapSubscription, Person, BasketType)
            .join(Person, col(Person.id) == AmapSubscription.person_id)
            .join(BasketType, col(BasketType.id) == AmapSubscription.basket_type_id)
            .where(col(AmapSubscription.id).in_(list(ids)))
            .order_by(col(Person.last_name), col(Person.first_name))
        ).all()
        return [
            SubscriptionInfo(
                id=s.id,
                contract_id=s.contract_id,
                person_id=p.id,
                household=household_name(p),
                phone=p.phone,
                basket_type_id=b.id,
                basket_name=b.name,
                quantity=s.quantity,
                start_date=s.start_date,
                status=s.status,
                waitlist_position=s.waitlist_position,
                solidarity=s.solidarity,
                unit_price_cents=_unit_price(b, s.solidarity),
                total_cents=int(totals.get(s.id, (0, 0))[0]),
                received_cents=int(totals.get(s.id, (0, 0))[1]),
            )
            for s, p, b in rows
        ]
