"""Sales at the counter: lines, payments and stock movements written in one transaction.

A sale either exists whole (sale, lines, a « sale » movement per line, its payments) or not
at all: everything is added to one unit of work and committed once, so a payment refused or
any failure on the way leaves no trace.

Prices: the line price is the product's price, or its solidarity price when the sale is at
the solidarity price. A sale is at the solidarity price when the buyer is an eligible
household (a person whose kinds include ``solidarity``, referred to the épicerie solidaire,
up to the end of its eligibility: :mod:`tiers_lieu.services.eligibility`) or when the host
ticks it explicitly for a household not registered (``solidarity=True``, for instance on a
referral card, or an eligibility ended): the eligibility lives on the person so that it follows
them, and the explicit flag keeps anonymous shopping possible. The price and VAT rate of the
moment are copied onto each line, so later price changes never rewrite past sales.

Payments: the amounts handed over may exceed the total only by cash, whose excess is the
change given back; the payment stored for cash is what stays in the till. A sale beyond the
stock raises :class:`StockWarning`; confirmed, it first records an inventory correction
(the shelf held more than the books said) so that the level never goes below zero silently
and the report can see the correction.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import col, select

from tiers_lieu.db import UnitOfWork, UowFactory
from tiers_lieu.errors import ConflictError, NotFoundError, ValidationError
from tiers_lieu.i18n import _, format_eur
from tiers_lieu.models import Payment, Person, Product, Sale, SaleLine, StockMovement, utcnow
from tiers_lieu.models.enums import AuditAction, PaymentMethod, StockMovementKind
from tiers_lieu.services import audit
from tiers_lieu.services.access import Permission, requires
from tiers_lieu.services.eligibility import eligible_on, ended_on
from tiers_lieu.services.grocery.products import stock_levels
from tiers_lieu.services.grocery.stock import check_quantity, format_quantity
from tiers_lieu.services.sites import site_zone


def unit_price(price_cents: int, solidarity_price_cents: int | None, solidarity: bool) -> int:
    """The price of one unit at this sale (the normal price when no solidarity price is set)."""
    if solidarity and solidarity_price_cents is not None:
        return solidarity_price_cents
    return price_cents


def line_total(unit_price_cents: int, quantity_milli: int) -> int:
    """Price × quantity in cents, rounded half up (1,235 kg at 2,50 € = 3,09 €)."""
    return (unit_price_cents * quantity_milli + 500) // 1000


def vat_included(total_cents: int, rate_bp: int) -> int:
    """The VAT inside a VAT-inclusive amount, rounded half up: total × rate / (1 + rate)."""
    return (total_cents * rate_bp * 2 + (10000 + rate_bp)) // (2 * (10000 + rate_bp))


@dataclass(frozen=True)
class LineInput:
    product_id: uuid.UUID
    quantity_milli: int


@dataclass(frozen=True)
class PaymentInput:
    method: str
    amount_cents: int
    """For cash, the amount handed over (the change is given back from it)."""
    reference: str = ""


class StockWarning(ConflictError):  # noqa: N818 -- a warning the host may override
    """The sale takes more than the books say is on the shelf; ``products`` names them."""

    def __init__(self, products: list[str]) -> None:
        super().__init__(
            _(
                "Stock insuffisant pour : {products}. Si les produits sont bien sur le "
                "rayon, confirmez la vente : une correction d'inventaire sera enregistrée."
            ).format(products=", ".join(products))
        )
        self.products = products


@dataclass(frozen=True)
class SaleLineInfo:
    id: uuid.UUID
    product_id: uuid.UUID
    product_name: str
    unit: str
    quantity_milli: int
    unit_price_cents: int
    vat_rate_bp: int
    total_cents: int


@dataclass(frozen=True)
class PaymentInfo:
    method: str
    amount_cents: int
    reference: str


@dataclass(frozen=True)
class SaleInfo:
    id: uuid.UUID
    sold_at: datetime
    total_cents: int
    solidarity: bool
    person_id: uuid.UUID | None
    person_name: str
    lines: tuple[SaleLineInfo, ...]
    payments: tuple[PaymentInfo, ...]
    change_cents: int
    cancelled_at: datetime | None
    corrections: tuple[str, ...] = ()
    """Products whose stock was corrected to allow this sale."""


def day_bounds(uow: UnitOfWork, site_id: uuid.UUID, day: date) -> tuple[datetime, datetime]:
    """The UTC instants where the place's ``day`` starts and the next one starts."""
    zone = site_zone(uow, site_id)
    start = datetime(day.year, day.month, day.day, tzinfo=zone)
    end = start + timedelta(days=1)
    return start, datetime(end.year, end.month, end.day, tzinfo=zone)


def _place_day(uow: UnitOfWork, site_id: uuid.UUID) -> date:
    return utcnow().astimezone(site_zone(uow, site_id)).date()


def _person_name(person: Person | None) -> str:
    if person is None:
        return ""
    return " ".join(p for p in (person.first_name, person.last_name) if p) or person.organisation


def _settle(total: int, payments: Sequence[PaymentInput]) -> tuple[list[PaymentInput], int]:
    """The payments as they stay in the till, and the change given back in cash."""
    methods = {m.value for m in PaymentMethod}
    for payment in payments:
        if payment.method not in methods:
            raise ValidationError(_("Moyen de paiement"), _("moyen de paiement inconnu"))
        if payment.amount_cents <= 0:
            raise ValidationError(_("Montant"), _("chaque paiement doit être positif"))
        if len(payment.reference) > 60:
            raise ValidationError(_("Référence"), _("{n} caractères au plus").format(n=60))
    paid = sum(p.amount_cents for p in payments)
    if paid < total:
        raise ConflictError(
            _("Paiement insuffisant : il manque {missing}.").format(
                missing=format_eur(total - paid)
            )
        )
    change = paid - total
    cash = sum(p.amount_cents for p in payments if p.method == PaymentMethod.CASH)
    if change > cash:
        raise ConflictError(
            _(
                "Les paiements dépassent le total de {excess} : seules les espèces "
                "peuvent donner lieu à un rendu de monnaie."
            ).format(excess=format_eur(change - cash))
        )
    kept: list[PaymentInput] = []
    to_return = change
    for payment in payments:
        amount = payment.amount_cents
        if payment.method == PaymentMethod.CASH and to_return:
            taken = min(amount, to_return)
            amount -= taken
            to_return -= taken
        if amount:
            kept.append(PaymentInput(payment.method, amount, payment.reference.strip()))
    return kept, change


class SaleService:
    def __init__(self, uow: UowFactory) -> None:
        self._uow = uow

    @requires(Permission.SALES)
    def eligible(self, person_id: uuid.UUID | None) -> bool:
        """Whether this buyer gets the solidarity price today (the place's day)."""
        if person_id is None:
            return False
        with self._uow(read_only=True) as uow:
            person = uow.session.get(Person, person_id)
            return person is not None and eligible_on(person, _place_day(uow, person.site_id))

    @requires(Permission.SALES)
    def eligibility_ended(self, person_id: uuid.UUID | None) -> date | None:
        """The day this household's solidarity price ended, when it has (None otherwise)."""
        if person_id is None:
            return None
        with self._uow(read_only=True) as uow:
            person = uow.session.get(Person, person_id)
            if person is None:
                return None
            return ended_on(person, _place_day(uow, person.site_id))

    @requires(Permission.SALES)
    def record(
        self,
        *,
        site_id: uuid.UUID,
        lines: Sequence[LineInput],
        payments: Sequence[PaymentInput],
        person_id: uuid.UUID | None = None,
        solidarity: bool = False,
        confirm_beyond_stock: bool = False,
    ) -> SaleInfo:
        """Record a sale with its payments and stock movements, all or nothing."""
        if not lines:
            raise ValidationError(_("Articles"), _("la vente ne contient aucun article"))
        with self._uow() as uow:
            ids = {line.product_id for line in lines}
            products = {
                p.id: p
                for p in uow.session.exec(select(Product).where(col(Product.id).in_(ids))).all()
            }
            for line in lines:
                product = products.get(line.product_id)
                if product is None or product.site_id != site_id:
                    raise NotFoundError(_("Un produit de la vente n'existe plus."))
                check_quantity(product.unit, line.quantity_milli, product.name)
            person = uow.session.get(Person, person_id) if person_id else None
            if person_id is not None and (person is None or person.site_id != site_id):
                raise ValidationError(_("Client"), _("cette personne n'existe plus"))
            now = utcnow()
            today = now.astimezone(site_zone(uow, site_id)).date()
            at_solidarity = solidarity or eligible_on(person, today)
            corrections = self._check_stock(uow, site_id, lines, products, confirm_beyond_stock)
            sale = Sale(
                site_id=site_id,
                sold_at=now,
                total_cents=0,
                person_id=person_id,
                solidarity=at_solidarity,
                created_by_id=uow.actor_id,
            )
            uow.session.add(sale)
            # The sale's row first: its lines and payments refer to it, and without mapped
            # relationships the flush does not order tables by their references.
            uow.session.flush()
            infos: list[SaleLineInfo] = []
            for line in lines:
                product = products[line.product_id]
                price = unit_price(
                    product.price_cents, product.solidarity_price_cents, at_solidarity
                )
                row = SaleLine(
                    site_id=site_id,
                    sale_id=sale.id,
                    product_id=product.id,
                    quantity_milli=line.quantity_milli,
                    unit_price_cents=price,
                    vat_rate_bp=product.vat_rate_bp,
                    total_cents=line_total(price, line.quantity_milli),
                )
                uow.session.add(row)
                uow.session.add(
                    StockMovement(
                        site_id=site_id,
                        product_id=product.id,
                        kind=StockMovementKind.SALE,
                        quantity_milli=-line.quantity_milli,
                        occurred_at=now,
                        sale_line_id=row.id,
                    )
                )
                infos.append(_line_info(row, product))
            sale.total_cents = sum(i.total_cents for i in infos)
            kept, change = _settle(sale.total_cents, payments)
            paid_on = now.astimezone(site_zone(uow, site_id)).date()
            for payment in kept:
                uow.session.add(
                    Payment(
                        site_id=site_id,
                        amount_cents=payment.amount_cents,
                        method=payment.method,
                        paid_on=paid_on,
                        reference=payment.reference,
                        sale_id=sale.id,
                    )
                )
            if person is not None and (
                person.last_activity_on is None or person.last_activity_on < paid_on
            ):
                person.last_activity_on = paid_on  # retention counts from the last activity
                uow.session.add(person)
            uow.session.flush()
            uow.commit()
            return SaleInfo(
                id=sale.id,
                sold_at=now,
                total_cents=sale.total_cents,
                solidarity=at_solidarity,
                person_id=person_id,
                person_name=_person_name(person),
                lines=tuple(infos),
                payments=tuple(PaymentInfo(p.method, p.amount_cents, p.reference) for p in kept),
                change_cents=change,
                cancelled_at=None,
                corrections=tuple(corrections),
            )

    @staticmethod
    def _check_stock(
        uow: UnitOfWork,
        site_id: uuid.UUID,
        lines: Sequence[LineInput],
        products: dict[uuid.UUID, Product],
        confirmed: bool,
    ) -> list[str]:
        wanted: dict[uuid.UUID, int] = {}
        for line in lines:
            wanted[line.product_id] = wanted.get(line.product_id, 0) + line.quantity_milli
        levels = stock_levels(uow, wanted)
        short = {pid: qty - levels[pid] for pid, qty in wanted.items() if qty > levels[pid]}
        if not short:
            return []
        names = sorted(
            _("{name} ({stock} en stock)").format(
                name=products[pid].name,
                stock=format_quantity(levels[pid], products[pid].unit),
            )
            for pid in short
        )
        if not confirmed:
            raise StockWarning(names)
        now = utcnow()
        for pid, missing in short.items():
            uow.session.add(
                StockMovement(
                    site_id=site_id,
                    product_id=pid,
                    kind=StockMovementKind.INVENTORY,
                    quantity_milli=missing,
                    occurred_at=now,
                    note=_("Correction à la vente (stock insuffisant)"),
                )
            )
        return sorted(products[pid].name for pid in short)

    @requires(Permission.SALES)
    def get(self, sale_id: uuid.UUID) -> SaleInfo:
        with self._uow() as uow:
            sale = uow.session.get(Sale, sale_id)
            if sale is None:
                raise NotFoundError(_("Cette vente n'existe plus."))
            rows = uow.session.exec(
                select(SaleLine, Product)
                .join(Product, col(Product.id) == col(SaleLine.product_id))
                .where(SaleLine.sale_id == sale_id)
                .order_by(col(SaleLine.created_at), col(SaleLine.id))
            ).all()
            payments = uow.session.exec(select(Payment).where(Payment.sale_id == sale_id)).all()
            person = uow.session.get(Person, sale.person_id) if sale.person_id else None
            return SaleInfo(
                id=sale.id,
                sold_at=sale.sold_at,
                total_cents=sale.total_cents,
                solidarity=sale.solidarity,
                person_id=sale.person_id,
                person_name=_person_name(person),
                lines=tuple(_line_info(line, product) for line, product in rows),
                payments=tuple(
                    PaymentInfo(p.method, p.amount_cents, p.reference) for p in payments
                ),
                change_cents=0,
                cancelled_at=sale.cancelled_at,
            )

    @requires(Permission.SALES)
    def cancel(self, sale_id: uuid.UUID) -> SaleInfo:
        """Cancel a sale: its products go back on the shelf (reversing movements), its
        payments no longer count in the Z (the money is handed back)."""
        with self._uow() as uow:
            sale = uow.session.get(Sale, sale_id)
            if sale is None:
                raise NotFoundError(_("Cette vente n'existe plus."))
            if sale.cancelled_at is not None:
                raise ConflictError(_("Cette vente est déjà annulée."))
            now = utcnow()
            sale.cancelled_at = now
            uow.session.add(sale)
            lines = uow.session.exec(select(SaleLine).where(SaleLine.sale_id == sale_id)).all()
            for line in lines:
                uow.session.add(
                    StockMovement(
                        site_id=sale.site_id,
                        product_id=line.product_id,
                        kind=StockMovementKind.SALE,
                        quantity_milli=line.quantity_milli,
                        occurred_at=now,
                        sale_line_id=line.id,
                        note=_("Annulation de la vente"),
                    )
                )
            audit.record(
                uow,
                action=AuditAction.DELETE,
                entity="sale",
                entity_id=sale.id,
                site_id=sale.site_id,
                details={"total_cents": sale.total_cents},
            )
            uow.commit()
        return self.get(sale_id)


def _line_info(line: SaleLine, product: Product) -> SaleLineInfo:
    return SaleLineInfo(
        id=line.id,
        product_id=product.id,
        product_name=product.name,
        unit=product.unit,
        quantity_milli=line.quantity_milli,
        unit_price_cents=line.unit_price_cents,
        vat_rate_bp=line.vat_rate_bp,
        total_cents=line.total_cents,
    )
