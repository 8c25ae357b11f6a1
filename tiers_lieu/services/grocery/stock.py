"""Stock movements other than sales: receptions (with their purchase price), losses and
breakage, inventory corrections; and the products running low.

Every change of stock is a signed :class:`StockMovement` and nothing else, so the level is
always their sum and the history explains it. An inventory records the difference between
what was counted and the sum, not the count itself. A loss larger than the stock is refused
rather than driving the level below zero silently: the host counts the shelf (inventory)
first.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select

from tiers_lieu.db import UnitOfWork, UowFactory
from tiers_lieu.errors import ConflictError, NotFoundError, ValidationError
from tiers_lieu.i18n import _, format_number
from tiers_lieu.models import Product, StockMovement, utcnow
from tiers_lieu.models.enums import AuditAction, ProductUnit, StockMovementKind
from tiers_lieu.services import audit
from tiers_lieu.services.access import Permission, requires
from tiers_lieu.services.grocery.products import ProductInfo, ProductService, stock_levels


@dataclass(frozen=True)
class MovementInfo:
    id: uuid.UUID
    product_id: uuid.UUID
    kind: str
    quantity_milli: int
    unit_cost_cents: int | None
    occurred_at: datetime
    note: str
    sale_line_id: uuid.UUID | None


def movement_info(m: StockMovement) -> MovementInfo:
    return MovementInfo(
        id=m.id,
        product_id=m.product_id,
        kind=m.kind,
        quantity_milli=m.quantity_milli,
        unit_cost_cents=m.unit_cost_cents,
        occurred_at=m.occurred_at,
        note=m.note,
        sale_line_id=m.sale_line_id,
    )


def check_quantity(unit: str, quantity_milli: int, field: str) -> None:
    """A positive quantity; whole pieces for a product sold by the piece."""
    if quantity_milli <= 0:
        raise ValidationError(field, _("la quantité doit être positive"))
    if unit == ProductUnit.PIECE and quantity_milli % 1000:
        raise ValidationError(field, _("ce produit se compte à la pièce (nombre entier)"))


def _product(uow: UnitOfWork, site_id: uuid.UUID, product_id: uuid.UUID) -> Product:
    product = uow.session.get(Product, product_id)
    if product is None or product.site_id != site_id:
        raise NotFoundError(_("Ce produit n'existe plus."))
    return product


class StockService:
    def __init__(self, uow: UowFactory, products: ProductService) -> None:
        self._uow = uow
        self._products = products

    @requires(Permission.SALES)
    def level(self, product_id: uuid.UUID) -> int:
        """The stock of a product in thousandths of its unit (the sum of its movements)."""
        with self._uow() as uow:
            return stock_levels(uow, [product_id])[product_id]

    @requires(Permission.SALES)
    def history(self, product_id: uuid.UUID, *, limit: int = 200) -> list[MovementInfo]:
        """The product's latest movements, newest first."""
        with self._uow() as uow:
            rows = uow.session.exec(
                select(StockMovement)
                .where(StockMovement.product_id == product_id)
                .order_by(col(StockMovement.occurred_at).desc(), col(StockMovement.id))
                .limit(limit)
            ).all()
            return [movement_info(m) for m in rows]

    @requires(Permission.SALES)
    def receive(
        self,
        *,
        site_id: uuid.UUID,
        product_id: uuid.UUID,
        quantity_milli: int,
        unit_cost_cents: int | None,
        note: str = "",
    ) -> MovementInfo:
        """A delivery: stock goes up; the purchase price per unit feeds the local share."""
        if unit_cost_cents is not None and unit_cost_cents < 0:
            raise ValidationError(_("Prix d'achat"), _("un prix ne peut pas être négatif"))
        return self._move(
            site_id,
            product_id,
            StockMovementKind.RECEPTION,
            quantity_milli,
            unit_cost_cents,
            note,
        )

    @requires(Permission.SALES)
    def lose(
        self,
        *,
        site_id: uuid.UUID,
        product_id: uuid.UUID,
        quantity_milli: int,
        note: str = "",
    ) -> MovementInfo:
        """Loss or breakage (date passed, broken jar): stock goes down, never below zero."""
        return self._move(site_id, product_id, StockMovementKind.LOSS, quantity_milli, None, note)

    @requires(Permission.SALES)
    def count(
        self,
        *,
        site_id: uuid.UUID,
        product_id: uuid.UUID,
        counted_milli: int,
        note: str = "",
    ) -> MovementInfo | None:
        """An inventory: what is on the shelf becomes the level, by a correction movement of
        the difference (``None`` when the count already matched)."""
        if counted_milli < 0:
            raise ValidationError(_("Quantité comptée"), _("ne peut pas être négative"))
        with self._uow() as uow:
            product = _product(uow, site_id, product_id)
            if product.unit == ProductUnit.PIECE and counted_milli % 1000:
                raise ValidationError(
                    _("Quantité comptée"), _("ce produit se compte à la pièce (nombre entier)")
                )
            difference = counted_milli - stock_levels(uow, [product_id])[product_id]
            if difference == 0:
                return None
            movement = self._add(uow, product, StockMovementKind.INVENTORY, difference, None, note)
            uow.commit()
            return movement_info(movement)

    @requires(Permission.SALES)
    def low_stock(self, *, site_id: uuid.UUID) -> list[ProductInfo]:
        """Active products at or below their alert threshold, the emptiest first."""
        products = [p for p in self._products.list(site_id=site_id) if p.low_stock]
        return sorted(
            products,
            key=lambda p: (p.stock_milli - p.alert_threshold_milli, p.name),
        )

    def _move(
        self,
        site_id: uuid.UUID,
        product_id: uuid.UUID,
        kind: StockMovementKind,
        quantity_milli: int,
        unit_cost_cents: int | None,
        note: str,
    ) -> MovementInfo:
        if len(note.strip()) > 200:
            raise ValidationError(_("Remarque"), _("{n} caractères au plus").format(n=200))
        with self._uow() as uow:
            product = _product(uow, site_id, product_id)
            check_quantity(product.unit, quantity_milli, _("Quantité"))
            signed = quantity_milli
            if kind == StockMovementKind.LOSS:
                level = stock_levels(uow, [product_id])[product_id]
                if quantity_milli > level:
                    raise ConflictError(
                        _(
                            "Il n'y a que {level} en stock de « {name} » : comptez le rayon "
                            "(inventaire) avant d'enregistrer cette perte."
                        ).format(level=format_quantity(level, product.unit), name=product.name)
                    )
                signed = -quantity_milli
            movement = self._add(uow, product, kind, signed, unit_cost_cents, note)
            uow.commit()
            return movement_info(movement)

    @staticmethod
    def _add(
        uow: UnitOfWork,
        product: Product,
        kind: StockMovementKind,
        quantity_milli: int,
        unit_cost_cents: int | None,
        note: str,
    ) -> StockMovement:
        movement = StockMovement(
            site_id=product.site_id,
            product_id=product.id,
            kind=kind,
            quantity_milli=quantity_milli,
            unit_cost_cents=unit_cost_cents,
            occurred_at=utcnow(),
            note=note.strip(),
        )
        uow.session.add(movement)
        audit.record(
            uow,
            action=AuditAction.CREATE,
            entity="stock_movement",
            entity_id=movement.id,
            site_id=product.site_id,
            details={"kind": str(kind), "quantity_milli": quantity_milli},
        )
        return movement


def format_quantity(quantity_milli: int, unit: str) -> str:
    """« 3 », « 1,25 kg », « 0,5 l »: a quantity as the host reads it on a shelf."""
    if unit == ProductUnit.PIECE and quantity_milli % 1000 == 0:
        return format_number(quantity_milli // 1000)
    value = format_number(quantity_milli / 1000, 3).rstrip("0").rstrip(",.")
    suffix = _("kg") if unit == ProductUnit.KG else _("l") if unit == ProductUnit.LITRE else ""
    return f"{value} {suffix}".strip()
