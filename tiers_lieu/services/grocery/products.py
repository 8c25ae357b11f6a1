"""The grocery's products: what is sold, at which price and VAT, under which barcode, and how
much of it is on the shelf.

The stock level is the sum of the product's movements, kept by the database in
``stock_level`` (triggers on ``stock_movement``, in the transaction of each movement, so it
cannot disagree with them). It is read only for the products a call returns, once they are
chosen (a second query, one primary-key row per product): the cost of a letter typed at the
counter does not grow with the history. A scanner lookup is one read through the
``(site_id, barcode)`` unique index plus that one product's level.

Searching by a few letters ignores accents (« oeuf » finds « Œufs »), which SQLite's LIKE
cannot do, so names are matched in Python over a narrow (id, name) read; a grocery shelf is
hundreds to a few thousand products.
"""

from __future__ import annotations

import builtins
import uuid
from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace
from typing import Any

from sqlmodel import col, select

from tiers_lieu.db import UnitOfWork, UowFactory
from tiers_lieu.errors import ConflictError, NotFoundError, ValidationError
from tiers_lieu.i18n import _, format_eur
from tiers_lieu.models import Producer, Product, StockLevel
from tiers_lieu.models.enums import AuditAction, ProductUnit
from tiers_lieu.services import audit
from tiers_lieu.services.access import Permission, requires
from tiers_lieu.services.product_kinds import match_key, stock_tracked

VAT_RATES_BP = (2000, 1000, 550, 210, 0)
"""The French VAT rates a product can carry, in basis points (550 = 5,5 %)."""


def barcode_is_valid(code: str) -> bool:
    """An EAN-13 (or EAN-8) whose last digit is the right check digit."""
    if len(code) not in (8, 13) or not code.isdigit():
        return False
    body = code[:-1]
    # Weights alternate 3, 1, 3… from the digit next to the check digit.
    total = sum(int(c) * (3 if i % 2 == 0 else 1) for i, c in enumerate(reversed(body)))
    return (10 - total % 10) % 10 == int(code[-1])


@dataclass(frozen=True)
class ProductInfo:
    id: uuid.UUID
    site_id: uuid.UUID
    name: str
    category: str
    unit: str
    price_cents: int
    solidarity_price_cents: int | None
    vat_rate_bp: int
    barcode: str | None
    producer_id: uuid.UUID | None
    producer_name: str
    alert_threshold_milli: int
    favourite: bool
    active: bool
    stock_milli: int

    @property
    def is_weighed(self) -> bool:
        """Sold by weight or volume (a decimal quantity), not by the piece."""
        return self.unit != ProductUnit.PIECE

    @property
    def stock_tracked(self) -> bool:
        return stock_tracked(self.category, self.alert_threshold_milli)

    @property
    def low_stock(self) -> bool:
        return self.stock_tracked and self.stock_milli <= self.alert_threshold_milli


_IDS_PER_QUERY = 500
"""Product ids per ``IN (…)`` of a stock read (well under SQLite's bound on parameters)."""


_LEVELS = StockLevel.__table__  # type: ignore[attr-defined]


def stock_levels(uow: UnitOfWork, product_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, int]:
    """The stock of each product (0 when it has no movement): its ``stock_level`` row, one
    primary-key lookup per product, however long its history.

    The level is reached through its product: the product is an ORM entity, so an account
    bound to one place gets ``product.site_id IN (…)`` (a product of another place reads as
    0), while ``stock_level``, named as a plain table, gets no ``site_id`` condition of its
    own that could lead SQLite away from the product's row."""
    ids = builtins.list(dict.fromkeys(product_ids))
    levels = dict.fromkeys(ids, 0)
    for start in range(0, len(ids), _IDS_PER_QUERY):
        rows = uow.session.exec(
            select(_LEVELS.c.product_id, _LEVELS.c.quantity_milli)
            .select_from(Product)
            .join(_LEVELS, _LEVELS.c.product_id == col(Product.id))
            .where(col(Product.id).in_(ids[start : start + _IDS_PER_QUERY]))
        ).all()
        levels.update({pid: int(total or 0) for pid, total in rows})
    return levels


def product_info(product: Product, producer_name: str, stock: int) -> ProductInfo:
    return ProductInfo(
        id=product.id,
        site_id=product.site_id,
        name=product.name,
        category=product.category,
        unit=product.unit,
        price_cents=product.price_cents,
        solidarity_price_cents=product.solidarity_price_cents,
        vat_rate_bp=product.vat_rate_bp,
        barcode=product.barcode,
        producer_id=product.producer_id,
        producer_name=producer_name,
        alert_threshold_milli=product.alert_threshold_milli,
        favourite=product.favourite,
        active=product.active,
        stock_milli=stock,
    )


def _products(
    uow: UnitOfWork, where: builtins.list[Any], limit: int | None = None
) -> builtins.list[tuple[Product, str]]:
    """The products matching ``where`` by name, each with its producer's name (no stock)."""
    query = (
        select(Product, Producer.name)
        .outerjoin(Producer, col(Producer.id) == col(Product.producer_id))
        .where(*where)
        .order_by(col(Product.name))
    )
    if limit is not None:
        query = query.limit(limit)
    return [(p, name or "") for p, name in uow.session.exec(query).all()]


def _with_stock(
    uow: UnitOfWork, chosen: builtins.list[tuple[Product, str]]
) -> builtins.list[ProductInfo]:
    """The chosen products with their stock, read for them only."""
    levels = stock_levels(uow, [p.id for p, _name in chosen])
    return [product_info(p, name, levels[p.id]) for p, name in chosen]


def _text_of(product: Product, producer_name: str) -> str:
    return match_key(f"{product.name} {product.category} {producer_name} {product.barcode or ''}")


@dataclass(frozen=True, slots=True, kw_only=True)
class ProductFields:
    """Every field of a product, as the product form gives them (creation and update)."""

    name: str
    price_cents: int
    category: str = ""
    unit: str = ProductUnit.PIECE
    solidarity_price_cents: int | None = None
    vat_rate_bp: int = 550
    barcode: str | None = None
    producer_id: uuid.UUID | None = None
    alert_threshold_milli: int = 0
    favourite: bool = False
    active: bool = True


def _check(fields: ProductFields) -> ProductFields:
    name = fields.name.strip()
    if not name:
        raise ValidationError(_("Nom"), _("le nom du produit est obligatoire"))
    if len(name) > 120:
        raise ValidationError(_("Nom"), _("{n} caractères au plus").format(n=120))
    category = fields.category.strip()
    if len(category) > 60:
        raise ValidationError(_("Rayon"), _("{n} caractères au plus").format(n=60))
    unit = str(fields.unit)
    if unit not in {u.value for u in ProductUnit}:
        raise ValidationError(_("Unité"), _("pièce, kg ou litre"))
    if fields.price_cents < 0:
        raise ValidationError(_("Prix"), _("un prix ne peut pas être négatif"))
    solidarity = fields.solidarity_price_cents
    if solidarity is not None and not 0 <= solidarity <= fields.price_cents:
        raise ValidationError(
            _("Prix solidaire"),
            _("entre 0 et le prix normal ({price})").format(price=format_eur(fields.price_cents)),
        )
    if not 0 <= fields.vat_rate_bp <= 10000:
        raise ValidationError(_("TVA"), _("taux entre 0 et 100 %"))
    barcode = (fields.barcode or "").strip().replace(" ", "") or None
    if barcode is not None and not barcode_is_valid(barcode):
        raise ValidationError(
            _("Code-barres"), _("code EAN-13 (ou EAN-8) invalide : vérifiez les chiffres")
        )
    if fields.alert_threshold_milli < 0:
        raise ValidationError(_("Seuil d'alerte"), _("ne peut pas être négatif"))
    return replace(fields, name=name, category=category, unit=unit, barcode=barcode)


class ProductService:
    def __init__(self, uow: UowFactory) -> None:
        self._uow = uow

    @requires(Permission.SALES)
    def list(
        self, *, site_id: uuid.UUID, text: str = "", include_inactive: bool = False
    ) -> builtins.list[ProductInfo]:
        """The site's products by name, each with its stock; ``text`` filters on the name,
        the category, the producer or the barcode (every word typed, accents ignored)."""
        where: builtins.list[Any] = [Product.site_id == site_id]
        if not include_inactive:
            where.append(col(Product.active).is_(True))
        words = [w for w in match_key(text).split("_") if w]
        # Read-only (a deferred SQLite transaction): « Produits » and « Stock » read it off
        # the GUI thread, and a key press at the desk must never wait for it.
        with self._uow(read_only=True) as uow:
            chosen = [
                (p, name)
                for p, name in _products(uow, where)
                if all(w in _text_of(p, name) for w in words)
            ]
            return _with_stock(uow, chosen)

    @requires(Permission.SALES)
    def get(self, product_id: uuid.UUID) -> ProductInfo:
        with self._uow() as uow:
            found = _with_stock(uow, _products(uow, [Product.id == product_id]))
        if not found:
            raise NotFoundError(_("Ce produit n'existe plus."))
        return found[0]

    @requires(Permission.SALES)
    def by_barcode(self, *, site_id: uuid.UUID, barcode: str) -> ProductInfo | None:
        """The active product with exactly this barcode (the scanner's lookup), or ``None``."""
        code = barcode.strip()
        with self._uow() as uow:
            product = uow.session.exec(
                select(Product).where(Product.site_id == site_id, Product.barcode == code)
            ).first()
            if product is None or not product.active:
                return None
            producer = (
                uow.session.get(Producer, product.producer_id) if product.producer_id else None
            )
            level = stock_levels(uow, [product.id])[product.id]
            return product_info(product, producer.name if producer else "", level)

    @requires(Permission.SALES)
    def search(
        self, *, site_id: uuid.UUID, text: str, limit: int = 12
    ) -> builtins.list[ProductInfo]:
        """Active products for the counter's type-ahead: names starting with the words typed
        first, then names containing them; digits also match the start of a barcode."""
        key = match_key(text)
        words = [w for w in key.split("_") if w]
        if not words:
            return []
        with self._uow() as uow:
            rows = uow.session.exec(
                select(Product.id, Product.name, Product.barcode).where(
                    Product.site_id == site_id, col(Product.active).is_(True)
                )
            ).all()
            starting: builtins.list[tuple[str, uuid.UUID]] = []
            containing: builtins.list[tuple[str, uuid.UUID]] = []
            for pid, name, barcode in rows:
                norm = match_key(name)
                if norm.startswith(key):
                    starting.append((norm, pid))
                elif all(w in norm for w in words) or (
                    key.isdigit() and barcode and barcode.startswith(key)
                ):
                    containing.append((norm, pid))
            chosen = [pid for _n, pid in sorted(starting) + sorted(containing)][:limit]
            if not chosen:
                return []
            found = _with_stock(uow, _products(uow, [col(Product.id).in_(chosen)]))
            by_id = {p.id: p for p in found}
        return [by_id[pid] for pid in chosen if pid in by_id]

    @requires(Permission.SALES)
    def favourites(self, *, site_id: uuid.UUID, limit: int = 8) -> builtins.list[ProductInfo]:
        """The counter's favourite buttons, by name (the first ``limit`` get F-keys)."""
        with self._uow() as uow:
            favourites = _products(
                uow,
                [
                    Product.site_id == site_id,
                    col(Product.active).is_(True),
                    col(Product.favourite).is_(True),
                ],
                limit=limit,
            )
            return _with_stock(uow, favourites)

    @requires(Permission.SALES)
    def categories(self, *, site_id: uuid.UUID) -> builtins.list[str]:
        """The shelves (« rayons ») already used, to suggest them in the product form."""
        with self._uow() as uow:
            rows = uow.session.exec(
                select(Product.category)
                .where(Product.site_id == site_id, Product.category != "")
                .distinct()
                .order_by(col(Product.category))
            ).all()
        return builtins.list(rows)

    @requires(Permission.SETTINGS)
    def create(self, site_id: uuid.UUID, data: ProductFields) -> ProductInfo:
        fields = _check(data)
        with self._uow() as uow:
            producer_name = self._check_refs(uow, site_id, fields, None)
            product = Product(site_id=site_id, **asdict(fields))
            uow.session.add(product)
            audit.record(
                uow,
                action=AuditAction.CREATE,
                entity="product",
                entity_id=product.id,
                site_id=site_id,
            )
            uow.commit()
            return product_info(product, producer_name, 0)

    @requires(Permission.SETTINGS)
    def update(self, product_id: uuid.UUID, data: ProductFields) -> ProductInfo:
        """Replace every field of a product; past sales keep the price they were sold at."""
        fields = _check(data)
        with self._uow() as uow:
            product = uow.session.get(Product, product_id)
            if product is None:
                raise NotFoundError(_("Ce produit n'existe plus."))
            producer_name = self._check_refs(uow, product.site_id, fields, product.id)
            values = asdict(fields)
            changed = sorted(k for k, v in values.items() if getattr(product, k) != v)
            for key, value in values.items():
                setattr(product, key, value)
            uow.session.add(product)
            audit.record(
                uow,
                action=AuditAction.UPDATE,
                entity="product",
                entity_id=product.id,
                site_id=product.site_id,
                details={"fields": changed},
            )
            uow.commit()
            level = stock_levels(uow, [product.id])[product.id]
            return product_info(product, producer_name, level)

    @staticmethod
    def _check_refs(
        uow: UnitOfWork, site_id: uuid.UUID, fields: ProductFields, product_id: uuid.UUID | None
    ) -> str:
        """Refuse a producer of another site and a barcode already used; the producer's name."""
        name = ""
        if fields.producer_id is not None:
            producer = uow.session.get(Producer, fields.producer_id)
            if producer is None or producer.site_id != site_id:
                raise ValidationError(_("Producteur"), _("producteur inconnu dans ce lieu"))
            name = producer.name
        if fields.barcode is not None:
            other = uow.session.exec(
                select(Product).where(Product.site_id == site_id, Product.barcode == fields.barcode)
            ).first()
            if other is not None and other.id != product_id:
                raise ConflictError(
                    _("Le code-barres {code} est déjà celui de « {name} ».").format(
                        code=fields.barcode, name=other.name
                    )
                )
        return name
