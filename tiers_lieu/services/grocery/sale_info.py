"""The read models of a sale: a ticket as the till shows and prints it (its lines, its
payments, the reversal that cancels it or the ticket it cancels), built from the stored rows by
:class:`~tiers_lieu.services.grocery.sales.SaleService`."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from tiers_lieu.models import Person, Product, SaleLine


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
    ticket_number: int | None = None
    reverses_id: uuid.UUID | None = None
    """A reversing ticket: the sale it cancels. Its ``payments`` are then the refunds, the
    original's payments negated (a reversal has no payment rows of its own)."""
    reverses_number: int | None = None
    """A reversing ticket: the ticket number of the sale it cancels."""
    reversed_by_id: uuid.UUID | None = None
    reversed_by_number: int | None = None
    """The reversing ticket that cancels this sale, when one does."""


def _person_name(person: Person | None) -> str:
    if person is None:
        return ""
    return " ".join(p for p in (person.first_name, person.last_name) if p) or person.organisation


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
