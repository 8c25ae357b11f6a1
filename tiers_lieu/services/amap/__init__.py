"""The AMAP: contracts with producers, households' subscriptions and payments, the
distribution calendar, each distribution's sheet, and the solidarity baskets.

Each concern is its own service over the same unit-of-work factory; :class:`AmapServices`
bundles them so that the composition root wires the AMAP with one line (``app.amap``). The
printable sheet (:mod:`tiers_lieu.reports.documents.amap_sheet`) is written from the
:class:`~.pickups.DistributionSheet` read model.
"""

from __future__ import annotations

from dataclasses import dataclass

from tiers_lieu.db import UowFactory
from tiers_lieu.services.amap.contracts import BasketTypeInfo, ContractInfo, ContractService
from tiers_lieu.services.amap.distributions import DistributionInfo, DistributionService
from tiers_lieu.services.amap.payments import InstalmentInfo, PaymentService
from tiers_lieu.services.amap.pickups import DistributionSheet, PickupService, SheetLine
from tiers_lieu.services.amap.solidarity import (
    EligibleHousehold,
    SolidarityService,
    SolidaritySummary,
)
from tiers_lieu.services.amap.subscriptions import SubscriptionInfo, SubscriptionService


@dataclass(frozen=True)
class AmapServices:
    contracts: ContractService
    subscriptions: SubscriptionService
    payments: PaymentService
    distributions: DistributionService
    pickups: PickupService
    solidarity: SolidarityService

    @classmethod
    def build(cls, uow: UowFactory) -> AmapServices:
        return cls(
            contracts=ContractService(uow),
            subscriptions=SubscriptionService(uow),
            payments=PaymentService(uow),
            distributions=DistributionService(uow),
            pickups=PickupService(uow),
            solidarity=SolidarityService(uow),
        )


__all__ = [
    "AmapServices",
    "BasketTypeInfo",
    "ContractInfo",
    "ContractService",
    "DistributionInfo",
    "DistributionService",
    "DistributionSheet",
    "EligibleHousehold",
    "InstalmentInfo",
    "PaymentService",
    "PickupService",
    "SheetLine",
    "SolidarityService",
    "SolidaritySummary",
    "SubscriptionInfo",
    "SubscriptionService",
]
