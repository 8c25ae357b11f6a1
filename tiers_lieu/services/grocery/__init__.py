"""The grocery corner: producers, products, stock, sales at the counter and the day's closing.

Each concern is its own service over the same unit-of-work factory; :class:`GroceryServices`
bundles them so the composition root wires the grocery with one line (``app.grocery``).
"""

from __future__ import annotations

from dataclasses import dataclass

from tiers_lieu.db import UowFactory
from tiers_lieu.services.grocery.closing import ClosingService
from tiers_lieu.services.grocery.producers import ProducerInfo, ProducerService
from tiers_lieu.services.grocery.products import ProductInfo, ProductService
from tiers_lieu.services.grocery.sales import SaleService, StockWarning
from tiers_lieu.services.grocery.stock import StockService


@dataclass(frozen=True)
class GroceryServices:
    producers: ProducerService
    products: ProductService
    stock: StockService
    sales: SaleService
    closing: ClosingService

    @classmethod
    def build(cls, uow: UowFactory) -> GroceryServices:
        products = ProductService(uow)
        return cls(
            producers=ProducerService(uow),
            products=products,
            stock=StockService(uow, products),
            sales=SaleService(uow),
            closing=ClosingService(uow),
        )


__all__ = [
    "ClosingService",
    "GroceryServices",
    "ProducerInfo",
    "ProducerService",
    "ProductInfo",
    "ProductService",
    "SaleService",
    "StockService",
    "StockWarning",
]
