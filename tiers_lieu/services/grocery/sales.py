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

Cancelling a ticket after the fact (:meth:`SaleService.cancel`, permission ``TILL_CANCEL``)
never changes it: a *reversing ticket* is recorded, with its own number, the original's lines
negated and no payment of its own (the refund goes back by the original's methods, which its
journal lines say, negated); the products go back on the shelf. A ticket is reversed once,
and a reversal is never reversed.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import date

from sqlmodel import col, select

from tiers_lieu.db import UnitOfWork, UowFactory
from tiers_lieu.errors import ConflictError, NotFoundError, ValidationError
from tiers_lieu.i18n import _
from tiers_lieu.models import Payment, Person, Product, Sale, SaleLine, StockMovement, utcnow
from tiers_lieu.models.enums import AuditAction, StockMovementKind
from tiers_lieu.services import audit
from tiers_lieu.services.access import Permission, requires
from tiers_lieu.services.amounts import line_total
from tiers_lieu.services.eligibility import eligible_on, ended_on
from tiers_lieu.services.grocery.products import stock_levels
from tiers_lieu.services.grocery.sale_info import (
    PaymentInfo,
    SaleInfo,
    SaleLineInfo,
    _line_info,
    _person_name,
)
from tiers_lieu.services.grocery.sale_pricing import (
    LineInput,
    PaymentInput,
    _settle,
    unit_price,
)
from tiers_lieu.services.grocery.stock import check_quantity, format_quantity
from tiers_lieu.services.product_kinds import stock_tracked
from tiers_lieu.services.sites import site_zone
from tiers_lieu.services.till.closed import ensure_open
from tiers_lieu.services.till.journal import lock_chain
from tiers_lieu.services.till.tickets import journal_ticket, next_ticket_number, ticket_label


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


def _place_day(uow: UnitOfWork, site_id: uuid.UUID) -> date:
    return utcnow().astimezone(site_zone(uow, site_id)).date()


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
        within: Callable[[UnitOfWork, Sale], None] | None = None,
    ) -> SaleInfo:
        """Record a sale with its payments and stock movements, all or nothing.

        ``within``: a write that must commit with the ticket or not at all (the café closes
        its tab), called in the sale's transaction once the ticket is journaled, the chain
        held; what it raises undoes the sale."""
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
            ensure_open(uow, site_id, today)  # a closed day (its Z printed) never changes
            at_solidarity = solidarity or eligible_on(person, today)
            corrections = self._check_stock(uow, site_id, lines, products, confirm_beyond_stock)
            prices = {
                line.product_id: unit_price(
                    products[line.product_id].price_cents,
                    products[line.product_id].solidarity_price_cents,
                    at_solidarity,
                )
                for line in lines
            }
            # The total is known before the sale's row is written: a numbered ticket's row
            # is never updated afterwards (migration 0012's guard).
            total = sum(line_total(prices[line.product_id], line.quantity_milli) for line in lines)
            kept, change = _settle(total, payments)
            sale = Sale(
                site_id=site_id,
                sold_at=now,
                total_cents=total,
                person_id=person_id,
                solidarity=at_solidarity,
                created_by_id=uow.actor_id,
                ticket_number=next_ticket_number(uow, site_id),
            )
            uow.session.add(sale)
            # The sale's row first: its lines and payments refer to it, and without mapped
            # relationships the flush does not order tables by their references.
            uow.session.flush()
            infos: list[SaleLineInfo] = []
            rows: list[tuple[SaleLine, str]] = []
            for line in lines:
                product = products[line.product_id]
                price = prices[line.product_id]
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
                rows.append((row, product.name))
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
            paid_on = now.astimezone(site_zone(uow, site_id)).date()
            payment_rows = [
                Payment(
                    site_id=site_id,
                    amount_cents=payment.amount_cents,
                    method=payment.method,
                    paid_on=paid_on,
                    reference=payment.reference,
                    sale_id=sale.id,
                )
                for payment in kept
            ]
            uow.session.add_all(payment_rows)
            if person is not None and (
                person.last_activity_on is None or person.last_activity_on < paid_on
            ):
                person.last_activity_on = paid_on  # retention counts from the last activity
                uow.session.add(person)
            uow.session.flush()
            journal_ticket(uow, sale, rows, payment_rows)
            if within is not None:
                within(uow, sale)
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
                ticket_number=sale.ticket_number,
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
            product = products[line.product_id]
            if not stock_tracked(product.category, product.alert_threshold_milli):
                continue  # a coffee: no stock to check (products.stock_tracked)
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
            original = uow.session.get(Sale, sale.reverses_id) if sale.reverses_id else None
            payments = _payments_of(uow, original.id if original is not None else sale_id)
            sign = -1 if original is not None else 1
            reversal = _reversal_of(uow, sale_id)
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
                    PaymentInfo(p.method, sign * p.amount_cents, p.reference) for p in payments
                ),
                change_cents=0,
                cancelled_at=sale.cancelled_at,
                ticket_number=sale.ticket_number,
                reverses_id=sale.reverses_id,
                reverses_number=original.ticket_number if original is not None else None,
                reversed_by_id=reversal.id if reversal is not None else None,
                reversed_by_number=reversal.ticket_number if reversal is not None else None,
            )

    @requires(Permission.TILL_CANCEL)
    def cancel(self, sale_id: uuid.UUID) -> SaleInfo:
        """Cancel a ticket by a reversing ticket: a new numbered sale whose lines are the
        original's negated, its products back on the shelf; the original stays as it was.
        Returns the reversing ticket (its ``payments``: the refunds, by the original's
        methods). Refused for a reversal, a ticket already reversed and a sale cancelled
        before the inalterable till."""
        with self._uow() as uow:
            sale = uow.session.get(Sale, sale_id)
            if sale is None:
                raise NotFoundError(_("Cette vente n'existe plus."))
            # Held before looking for an earlier reversal and before numbering this one: two
            # desks cancelling the same ticket wait for each other (SQLite: the write lock).
            lock_chain(uow, sale.site_id)
            if sale.reverses_id is not None:
                raise ConflictError(
                    _("Ce ticket est déjà une annulation : il ne peut pas être annulé.")
                )
            if sale.cancelled_at is not None:
                raise ConflictError(_("Cette vente est déjà annulée."))
            earlier = _reversal_of(uow, sale.id)
            if earlier is not None:
                raise ConflictError(
                    _("Cette vente est déjà annulée par le ticket {number}.").format(
                        number=ticket_label(earlier.ticket_number or 0)
                    )
                )
            now = utcnow()
            ensure_open(uow, sale.site_id, now.astimezone(site_zone(uow, sale.site_id)).date())
            originals = uow.session.exec(
                select(SaleLine, Product)
                .join(Product, col(Product.id) == col(SaleLine.product_id))
                .where(SaleLine.sale_id == sale.id)
                .order_by(col(SaleLine.created_at), col(SaleLine.id))
            ).all()
            payments = _payments_of(uow, sale.id)
            reversal = Sale(
                site_id=sale.site_id,
                sold_at=now,
                total_cents=-sale.total_cents,
                person_id=sale.person_id,
                solidarity=sale.solidarity,
                created_by_id=uow.actor_id,
                ticket_number=next_ticket_number(uow, sale.site_id),
                reverses_id=sale.id,
            )
            uow.session.add(reversal)
            uow.session.flush()  # before its lines, which refer to it
            rows: list[tuple[SaleLine, str]] = []
            infos: list[SaleLineInfo] = []
            for line, product in originals:
                row = SaleLine(
                    site_id=sale.site_id,
                    sale_id=reversal.id,
                    product_id=line.product_id,
                    quantity_milli=-line.quantity_milli,
                    unit_price_cents=line.unit_price_cents,
                    vat_rate_bp=line.vat_rate_bp,
                    total_cents=-line.total_cents,
                )
                uow.session.add(row)
                rows.append((row, product.name))
                infos.append(_line_info(row, product))
                uow.session.add(
                    StockMovement(
                        site_id=sale.site_id,
                        product_id=line.product_id,
                        kind=StockMovementKind.SALE,
                        quantity_milli=line.quantity_milli,
                        occurred_at=now,
                        sale_line_id=row.id,
                        note=_("Annulation de la vente"),
                    )
                )
            uow.session.flush()
            journal_ticket(uow, reversal, rows, payments, reversed_number=sale.ticket_number)
            audit.record(
                uow,
                action=AuditAction.DELETE,
                entity="sale",
                entity_id=sale.id,
                site_id=sale.site_id,
                details={
                    "total_cents": sale.total_cents,
                    "ticket": sale.ticket_number,
                    "reversal_ticket": reversal.ticket_number,
                },
            )
            person = uow.session.get(Person, sale.person_id) if sale.person_id else None
            info = SaleInfo(
                id=reversal.id,
                sold_at=now,
                total_cents=reversal.total_cents,
                solidarity=reversal.solidarity,
                person_id=reversal.person_id,
                person_name=_person_name(person),
                lines=tuple(infos),
                payments=tuple(
                    PaymentInfo(p.method, -p.amount_cents, p.reference) for p in payments
                ),
                change_cents=0,
                cancelled_at=None,
                ticket_number=reversal.ticket_number,
                reverses_id=sale.id,
                reverses_number=sale.ticket_number,
            )
            uow.commit()
            return info


def _payments_of(uow: UnitOfWork, sale_id: uuid.UUID) -> list[Payment]:
    return list(
        uow.session.exec(
            select(Payment)
            .where(Payment.sale_id == sale_id)
            .order_by(col(Payment.created_at), col(Payment.id))
        ).all()
    )


def _reversal_of(uow: UnitOfWork, sale_id: uuid.UUID) -> Sale | None:
    """The reversing ticket that cancels ``sale_id``, if any."""
    return uow.session.exec(select(Sale).where(Sale.reverses_id == sale_id).limit(1)).first()
