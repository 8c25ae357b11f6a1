"""What the AMAP services share: the French words for pick-up statuses and funding sources
(the screens and the printed sheet must say the same thing), exact splitting of cents, and
the look-ups that raise a French « no longer exists » message.
"""

from __future__ import annotations

import uuid

from tiers_lieu.db import UnitOfWork
from tiers_lieu.i18n import N_, _
from tiers_lieu.models import AmapContract, AmapSubscription, BasketType, Distribution
from tiers_lieu.models.enums import FundingSource, PaymentMethod, PaymentSchedule, PickupStatus
from tiers_lieu.services.lookups import get_or_gone

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
    return get_or_gone(uow, AmapContract, contract_id, _("Ce contrat AMAP n'existe plus."))


def get_basket_type(uow: UnitOfWork, basket_type_id: uuid.UUID) -> BasketType:
    return get_or_gone(uow, BasketType, basket_type_id, _("Ce type de panier n'existe plus."))


def get_subscription(uow: UnitOfWork, subscription_id: uuid.UUID) -> AmapSubscription:
    return get_or_gone(
        uow, AmapSubscription, subscription_id, _("Cet abonnement AMAP n'existe plus.")
    )


def get_distribution(uow: UnitOfWork, distribution_id: uuid.UUID) -> Distribution:
    return get_or_gone(uow, Distribution, distribution_id, _("Cette distribution n'existe plus."))
