"""AMAP contracts: a producer's season at the place, with its basket types and prices.

A contract fixes what the rest of the AMAP derives from: the weekday and hours (the
distribution calendar), the payment schedule (the instalments of each subscription), the
number of absences a household may declare and the capacity (beyond it, the waiting list).
Prices are integer cents; a basket type may have a solidarity price for eligible households.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, time
from typing import Any

from sqlmodel import col, func, select

from tiers_lieu.db import UnitOfWork, UowFactory
from tiers_lieu.errors import ConflictError, ValidationError
from tiers_lieu.i18n import _, format_date, ngettext
from tiers_lieu.models import AmapContract, AmapSubscription, BasketType, Distribution, Producer
from tiers_lieu.models.enums import AuditAction, PaymentSchedule, SubscriptionStatus
from tiers_lieu.services import audit
from tiers_lieu.services.access import Permission, requires
from tiers_lieu.services.amap.common import get_basket_type, get_contract

CALENDAR_FIELDS = ("weekday", "start_time", "end_time")
"""What the distribution calendar was generated from: fixed once it has a date."""


@dataclass(frozen=True)
class BasketTypeInfo:
    id: uuid.UUID
    contract_id: uuid.UUID
    name: str
    price_cents: int
    solidarity_price_cents: int | None


@dataclass(frozen=True)
class ContractInfo:
    id: uuid.UUID
    site_id: uuid.UUID
    producer_id: uuid.UUID
    producer_name: str
    name: str
    season_start: date
    season_end: date
    weekday: int
    start_time: time
    end_time: time
    payment_schedule: str
    max_absences: int
    capacity: int | None
    basket_types: tuple[BasketTypeInfo, ...]
    subscribed: int
    waiting: int

    @property
    def is_full(self) -> bool:
        return self.capacity is not None and self.subscribed >= self.capacity


def _basket_info(b: BasketType) -> BasketTypeInfo:
    return BasketTypeInfo(b.id, b.contract_id, b.name, b.price_cents, b.solidarity_price_cents)


@dataclass(frozen=True, slots=True, kw_only=True)
class ContractInput:
    """A new contract as the contract form gives it (weekday 0 = Monday)."""

    producer_id: uuid.UUID
    name: str
    season_start: date
    season_end: date
    weekday: int
    start_time: time
    end_time: time
    payment_schedule: str = PaymentSchedule.MONTHLY
    max_absences: int = 2
    capacity: int | None = None


def _check_contract(data: ContractInput) -> str:
    name = data.name.strip()
    season_start, season_end, weekday = data.season_start, data.season_end, data.weekday
    start_time, end_time, payment_schedule = data.start_time, data.end_time, data.payment_schedule
    max_absences, capacity = data.max_absences, data.capacity
    if not name:
        raise ValidationError(_("Nom du contrat"), _("obligatoire"))
    if len(name) > 120:
        raise ValidationError(_("Nom du contrat"), _("{n} caractères au plus").format(n=120))
    if season_end < season_start:
        raise ValidationError(_("Saison"), _("la fin doit suivre le début"))
    if not 0 <= weekday <= 6:
        raise ValidationError(_("Jour de distribution"), _("jour invalide"))
    if end_time <= start_time:
        raise ValidationError(_("Horaires"), _("la fin doit suivre le début"))
    if payment_schedule not in {s.value for s in PaymentSchedule}:
        raise ValidationError(_("Échéancier"), _("mensuel ou en une fois"))
    if max_absences < 0:
        raise ValidationError(_("Absences prévues"), _("zéro ou plus"))
    if capacity is not None and capacity < 1:
        raise ValidationError(_("Capacité"), _("au moins un foyer"))
    return name


def _check_prices(name: str, price_cents: int, solidarity_price_cents: int | None) -> str:
    name = name.strip()
    if not name:
        raise ValidationError(_("Type de panier"), _("obligatoire"))
    if len(name) > 60:
        raise ValidationError(_("Type de panier"), _("{n} caractères au plus").format(n=60))
    if price_cents < 0:
        raise ValidationError(_("Prix"), _("un montant positif"))
    if solidarity_price_cents is not None and not 0 <= solidarity_price_cents <= price_cents:
        raise ValidationError(_("Prix solidaire"), _("entre zéro et le prix du panier"))
    return name


def _has_subscription(uow: UnitOfWork, condition: Any) -> bool:
    found = uow.session.exec(select(AmapSubscription.id).where(condition).limit(1)).first()
    return found is not None


class ContractService:
    def __init__(self, uow: UowFactory) -> None:
        self._uow = uow

    @requires(Permission.DESK)
    def list_contracts(
        self, *, site_id: uuid.UUID, current_on: date | None = None
    ) -> list[ContractInfo]:
        """The site's contracts, newest season first; ``current_on`` keeps those whose
        season has not ended by that day."""
        with self._uow() as uow:
            query = select(AmapContract).where(AmapContract.site_id == site_id)
            if current_on is not None:
                query = query.where(AmapContract.season_end >= current_on)
            contracts = uow.session.exec(
                query.order_by(col(AmapContract.season_start).desc(), col(AmapContract.name))
            ).all()
            return self._infos(uow, list(contracts))

    @requires(Permission.DESK)
    def get(self, contract_id: uuid.UUID) -> ContractInfo:
        with self._uow() as uow:
            return self._infos(uow, [get_contract(uow, contract_id)])[0]

    @requires(Permission.AMAP)
    def create_contract(self, site_id: uuid.UUID, data: ContractInput) -> ContractInfo:
        name = _check_contract(data)
        with self._uow() as uow:
            if uow.session.get(Producer, data.producer_id) is None:
                raise ValidationError(_("Producteur"), _("choisissez un producteur"))
            contract = AmapContract(
                site_id=site_id,
                producer_id=data.producer_id,
                name=name,
                season_start=data.season_start,
                season_end=data.season_end,
                weekday=data.weekday,
                start_time=data.start_time,
                end_time=data.end_time,
                payment_schedule=data.payment_schedule,
                max_absences=data.max_absences,
                capacity=data.capacity,
            )
            uow.session.add(contract)
            audit.record(
                uow,
                action=AuditAction.CREATE,
                entity="amap_contract",
                entity_id=contract.id,
                site_id=site_id,
            )
            uow.commit()
            return self._infos(uow, [contract])[0]

    @requires(Permission.AMAP)
    def add_basket_type(
        self,
        *,
        contract_id: uuid.UUID,
        name: str,
        price_cents: int,
        solidarity_price_cents: int | None = None,
    ) -> BasketTypeInfo:
        name = _check_prices(name, price_cents, solidarity_price_cents)
        with self._uow() as uow:
            contract = get_contract(uow, contract_id)
            basket = BasketType(
                site_id=contract.site_id,
                contract_id=contract.id,
                name=name,
                price_cents=price_cents,
                solidarity_price_cents=solidarity_price_cents,
            )
            uow.session.add(basket)
            audit.record(
                uow,
                action=AuditAction.CREATE,
                entity="basket_type",
                entity_id=basket.id,
                site_id=contract.site_id,
            )
            uow.commit()
            return _basket_info(basket)

    @requires(Permission.AMAP)
    def update_contract(self, contract_id: uuid.UUID, data: ContractInput) -> ContractInfo:
        """Correct a contract. Its name, producer, absences, capacity and payment schedule
        (for the subscriptions made afterwards: those made keep their instalments) change at
        any time; the season as long as the distributions stay inside it; the day and hours
        only while the calendar has no date (then its dates are moved one by one). The
        capacity never goes below the households subscribed."""
        name = _check_contract(data)
        with self._uow() as uow:
            contract = get_contract(uow, contract_id)
            if uow.session.get(Producer, data.producer_id) is None:
                raise ValidationError(_("Producteur"), _("choisissez un producteur"))
            values = {
                "producer_id": data.producer_id,
                "name": name,
                "season_start": data.season_start,
                "season_end": data.season_end,
                "weekday": data.weekday,
                "start_time": data.start_time,
                "end_time": data.end_time,
                "payment_schedule": data.payment_schedule,
                "max_absences": data.max_absences,
                "capacity": data.capacity,
            }
            changed = [key for key, value in values.items() if getattr(contract, key) != value]
            self._check_calendar(uow, contract, data, changed)
            if "capacity" in changed and data.capacity is not None:
                subscribed = self._infos(uow, [contract])[0].subscribed
                if data.capacity < subscribed:
                    raise ValidationError(
                        _("Capacité"),
                        ngettext(
                            "{n} foyer est déjà inscrit : pas moins",
                            "{n} foyers sont déjà inscrits : pas moins",
                            subscribed,
                        ).format(n=subscribed),
                    )
            audit.record_changes(uow, contract, values, entity="amap_contract")
            uow.commit()
            return self._infos(uow, [contract])[0]

    @staticmethod
    def _check_calendar(
        uow: UnitOfWork, contract: AmapContract, data: ContractInput, changed: list[str]
    ) -> None:
        if not {"season_start", "season_end", *CALENDAR_FIELDS} & set(changed):
            return
        first, last = uow.session.exec(
            select(func.min(Distribution.on_date), func.max(Distribution.on_date)).where(
                Distribution.contract_id == contract.id
            )
        ).one()
        if first is None:
            return
        if set(CALENDAR_FIELDS) & set(changed):
            raise ValidationError(
                _("Jour et horaires"),
                _(
                    "le calendrier des distributions a déjà des dates : déplacez-les une à une "
                    "dans « Calendrier des distributions »"
                ),
            )
        outside = first if first < data.season_start else last
        if first < data.season_start or last > data.season_end:
            raise ValidationError(
                _("Saison"),
                _(
                    "la distribution du {day} en sortirait : déplacez-la ou annulez-la d'abord"
                ).format(day=format_date(outside)),
            )

    @requires(Permission.AMAP)
    def update_basket_type(
        self,
        basket_type_id: uuid.UUID,
        *,
        name: str,
        price_cents: int,
        solidarity_price_cents: int | None,
    ) -> BasketTypeInfo:
        """Correct a basket type: its prices apply to the subscriptions made afterwards (those
        made keep their instalments)."""
        name = _check_prices(name, price_cents, solidarity_price_cents)
        with self._uow() as uow:
            basket = get_basket_type(uow, basket_type_id)
            get_contract(uow, basket.contract_id)  # the place's, or refused
            values = {
                "name": name,
                "price_cents": price_cents,
                "solidarity_price_cents": solidarity_price_cents,
            }
            audit.record_changes(uow, basket, values, entity="basket_type")
            uow.commit()
            return _basket_info(basket)

    @requires(Permission.AMAP)
    def delete_contract(self, contract_id: uuid.UUID) -> None:
        """Remove a contract created by mistake, with its basket types and its calendar: only
        while no household ever subscribed to it (subscriptions carry payments and pickups)."""
        with self._uow() as uow:
            contract = get_contract(uow, contract_id)
            if _has_subscription(uow, AmapSubscription.contract_id == contract.id):
                raise ConflictError(
                    _(
                        "Des foyers se sont inscrits à ce contrat : il ne peut plus être "
                        "supprimé. Il reste dans l'historique ; sa saison finie, il ne "
                        "propose plus rien."
                    )
                )
            # One by one, children first: each deletion leaves its tombstone for the bundles.
            for table in (Distribution, BasketType):
                for row in uow.session.exec(select(table).where(table.contract_id == contract.id)):
                    uow.session.delete(row)
            uow.session.flush()
            audit.record_deletion(uow, contract, entity="amap_contract")
            uow.commit()

    @requires(Permission.AMAP)
    def delete_basket_type(self, basket_type_id: uuid.UUID) -> None:
        """Remove a basket type added by mistake, while no subscription is of that type."""
        with self._uow() as uow:
            basket = get_basket_type(uow, basket_type_id)
            get_contract(uow, basket.contract_id)  # the place's, or refused
            if _has_subscription(uow, AmapSubscription.basket_type_id == basket.id):
                raise ConflictError(
                    _(
                        "Des foyers sont abonnés à ce type de panier : il ne peut plus être "
                        "supprimé. Corrigez plutôt son nom ou ses prix."
                    )
                )
            audit.record_deletion(uow, basket, entity="basket_type")
            uow.commit()

    @staticmethod
    def _infos(uow: UnitOfWork, contracts: list[AmapContract]) -> list[ContractInfo]:
        if not contracts:
            return []
        ids = [c.id for c in contracts]
        session = uow.session
        baskets: dict[uuid.UUID, list[BasketTypeInfo]] = {}
        for b in session.exec(
            select(BasketType)
            .where(col(BasketType.contract_id).in_(ids))
            .order_by(col(BasketType.price_cents))
        ).all():
            baskets.setdefault(b.contract_id, []).append(_basket_info(b))
        counts: dict[tuple[uuid.UUID, str], int] = {}
        for contract_id, status, n in session.exec(
            select(AmapSubscription.contract_id, AmapSubscription.status, func.count())
            .where(col(AmapSubscription.contract_id).in_(ids))
            .group_by(col(AmapSubscription.contract_id), col(AmapSubscription.status))
        ).all():
            counts[(contract_id, status)] = n
        producers = dict(
            session.exec(
                select(Producer.id, Producer.name).where(
                    col(Producer.id).in_({c.producer_id for c in contracts})
                )
            ).all()
        )
        return [
            ContractInfo(
                id=c.id,
                site_id=c.site_id,
                producer_id=c.producer_id,
                producer_name=producers.get(c.producer_id, ""),
                name=c.name,
                season_start=c.season_start,
                season_end=c.season_end,
                weekday=c.weekday,
                start_time=c.start_time,
                end_time=c.end_time,
                payment_schedule=c.payment_schedule,
                max_absences=c.max_absences,
                capacity=c.capacity,
                basket_types=tuple(baskets.get(c.id, [])),
                subscribed=counts.get((c.id, SubscriptionStatus.ACTIVE), 0),
                waiting=counts.get((c.id, SubscriptionStatus.WAITING), 0),
            )
            for c in contracts
        ]
