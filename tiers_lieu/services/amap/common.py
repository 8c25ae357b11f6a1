"""What the AMAP services share: the French words for pick-up statuses and funding sources
(the screens and the printed sheet must say the same thing), exact splitting of cents, and
the look-ups that raise a French « no longer exists » message.
"""

from __future__ import annotations

import uuid

from tiers_lieu.db import UnitOfWork
from tiers_lieu.errors import NotFoundError
from tiers_lieu.i18n import N_, _
from tiers_lieu.models import AmapContract, AmapSubscription, BasketType, Distribution
from tiers_lieu.models.enums import FundingSource, PaymentMethod, PaymentSchedule, PickupStatus

PICKUP_LABELS: dict[str, str] = {
    PickupStatus.EXPECTED: N_("Attendu"),
    PickupStatus.COLLECTED: N_("Retiré"),
    PickupStatus.GIVEN: N_("Retiré par un tiers"),
    PickupStatus.ABSENT: N_("Absence prévenue"),
    PickupStatus.DONATED: N_("Non retiré, donné"),
    PickupStatus.KEPT: N_("Non retiré, gardé"),
    PickupStatus.UNCOLLECTED: N_("Non retiré"),
}

FUNDING_LABELS: dict[str, str] = {
    FundingSource.MEMBERS: N_("Contribution des adhérents"),
    FundingSource.SUBSIDY: N_("Subvention"),
    FundingSource.NETWORK: N_("Réseau"),
}

SCHEDULE_LABELS: dict[str, str] = {
    PaymentSchedule.MONTHLY: N_("Un chèque par mois"),
    PaymentSchedule.ONCE: N_("En une fois"),
}

METHOD_LABELS: dict[str, str] = {
    PaymentMethod.CHEQUE: N_("Chèque"),
    PaymentMethod.TRANSFER: N_("Virement"),
    PaymentMethod.CASH: N_("Espèces"),
    PaymentMethod.CARD: N_("Carte"),
    PaymentMethod.VOUCHER: N_("Bon d'achat"),
}

DISTRIBUTED = (PickupStatus.COLLECTED, PickupStatus.GIVEN, PickupStatus.DONATED)
"""Statuses of a basket that reached someone (the activity report counts the same)."""


def label(labels: dict[str, str], value: str) -> str:
    """The translated label of a stored code (the code itself if it is unknown)."""
    return _(labels[value]) if value in labels else value


def split_cents(total: int, parts: int) -> list[int]:
    """``total`` cents in ``parts`` equal amounts, the remainder on the last one, so that
    the amounts always add up exactly to ``total``."""
    if parts < 1:
        return []
    base = total // parts
    return [base] * (parts - 1) + [total - base * (parts - 1)]


def split_by_percent(total: int, shares: list[int]) -> list[int]:
    """``total`` cents split by percentages summing to 100; the rounding goes to the last."""
    amounts = [total * share // 100 for share in shares]
    if amounts:
        amounts[-1] = total - sum(amounts[:-1])
    return amounts


def get_contract(uow: UnitOfWork, contract_id: uuid.UUID) -> AmapContract:
    contract = uow.session.get(AmapContract, contract_id)
    if contract is None:
        raise NotFoundError(_("Ce contrat AMAP n'existe plus."))
    return contract


def get_basket_type(uow: UnitOfWork, basket_type_id: uuid.UUID) -> BasketType:
    basket = uow.session.get(BasketType, basket_type_id)
    if basket is None:
        raise NotFoundError(_("Ce type de panier n'existe plus."))
    return basket


def get_subscription(uow: UnitOfWork, subscription_id: uuid.UUID) -> AmapSubscription:
    subscription = uow.session.get(AmapSubscription, subscription_id)
    if subscription is None:
        raise NotFoundError(_("Cet abonnement AMAP n'existe plus."))
    return subscription


def get_distribution(uow: UnitOfWork, distribution_id: uuid.UUID) -> Distribution:
    distribution = uow.session.get(Distribution, distribution_id)
    if distribution is None:
        raise NotFoundError(_("Cette distribution n'existe plus."))
    return distribution
