"""Grocery (producers, products, stock, sales) and the payments of every area.

Money is integer cents and quantities integer thousandths (1 kg = 1000) so that totals, VAT
and change are exact. The stock of a product is the sum of its movements; ``stock_level`` holds
that sum per product, kept by database triggers on ``stock_movement`` (migration 0008).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    UniqueConstraint,
    Uuid,
)
from sqlmodel import Field, SQLModel

from tiers_lieu.models.base import SiteRow, UTCDateTime


class Producer(SiteRow, table=True):
    __tablename__ = "producer"

    name: str = Field(max_length=120)
    commune_name: str = Field(default="", max_length=120)
    distance_km: int | None = Field(default=None, ge=0)
    contact: str = Field(default="", max_length=120)
    phone: str = Field(default="", max_length=30)
    email: str = Field(default="", max_length=200)
    supplies: str = Field(default="", max_length=300)


class Product(SiteRow, table=True):
    __tablename__ = "product"
    __table_args__ = (UniqueConstraint("site_id", "barcode"),)

    name: str = Field(max_length=120, index=True)
    category: str = Field(default="", max_length=60)
    unit: str = Field(default="piece", max_length=8)
    price_cents: int = Field(ge=0)
    solidarity_price_cents: int | None = Field(default=None, ge=0)
    vat_rate_bp: int = Field(default=550, ge=0)  # basis points: 550 = 5,5 %
    barcode: str | None = Field(default=None, max_length=32)
    producer_id: uuid.UUID | None = Field(
        default=None, foreign_key="producer.id", ondelete="SET NULL"
    )
    alert_threshold_milli: int = Field(default=0, ge=0)
    favourite: bool = Field(default=False)
    active: bool = Field(default=True)


class Sale(SiteRow, table=True):
    __tablename__ = "sale"
    # « Ventes du jour » and the Z: one place's day of sales, joined to its lines and payments
    # from here (10 × 10: each per-rate and per-method sum 230 → 0.05 ms; migration 0008).
    # The ticket number, continuous per place (migration 0012): unique, so that a number is
    # used once or not at all, whatever a crash interrupts.
    __table_args__ = (
        Index("ix_sale_site_sold_at", "site_id", "sold_at"),
        Index("ix_sale_site_ticket", "site_id", "ticket_number", unique=True),
    )

    sold_at: datetime = Field(sa_type=UTCDateTime, index=True)
    total_cents: int
    person_id: uuid.UUID | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    solidarity: bool = Field(default=False)
    cancelled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_by_id: uuid.UUID | None = Field(
        default=None, foreign_key="app_user.id", ondelete="SET NULL"
    )
    ticket_number: int | None = None
    """Continuous per place from 1; NULL only for sales recorded before migration 0012 had
    numbered them (it numbers every sale in order)."""
    reverses_id: uuid.UUID | None = Field(default=None, foreign_key="sale.id")
    """A reversing ticket: the sale it cancels (its lines are that sale's, negated)."""


class SaleLine(SiteRow, table=True):
    __tablename__ = "sale_line"

    sale_id: uuid.UUID = Field(foreign_key="sale.id", index=True, ondelete="CASCADE")
    product_id: uuid.UUID = Field(foreign_key="product.id")
    quantity_milli: int
    unit_price_cents: int
    vat_rate_bp: int
    total_cents: int


class StockMovement(SiteRow, table=True):
    __tablename__ = "stock_movement"
    # Summed from the index alone (migration 0007): the till's stock before ``stock_level``,
    # now its backfill (0008) and any check of a level against its movements.
    __table_args__ = (
        Index("ix_stock_movement_product_stock", "product_id", "site_id", "quantity_milli"),
        # « Stock »: a product's latest movements (10 × 10: 24 → 0.6 ms; migration 0008).
        Index("ix_stock_movement_product_occurred", "product_id", "occurred_at"),
    )

    product_id: uuid.UUID = Field(foreign_key="product.id", index=True)
    kind: str = Field(max_length=12)
    quantity_milli: int  # signed: receptions positive, sales and losses negative
    unit_cost_cents: int | None = None
    occurred_at: datetime = Field(sa_type=UTCDateTime)
    sale_line_id: uuid.UUID | None = Field(
        default=None, foreign_key="sale_line.id", ondelete="CASCADE"
    )
    note: str = Field(default="", max_length=200)


class StockLevel(SQLModel, table=True):
    """A product's stock: the sum of its movements, kept current in the same transaction as
    each movement by triggers on ``stock_movement`` (insert, delete, update of the quantity
    or the product; migration 0008), whoever writes it — services, the demo's bulk inserts,
    a bundle merge, a cascade. Derived: never written by the application, never in a bundle.
    The till reads it, one primary-key row per product shown (10 × 10: 1.84 ms a letter →
    1.05 ms, and 3.59 → 1.04 ms with 4× the history: flat; migration 0008)."""

    __tablename__ = "stock_level"

    product_id: uuid.UUID = Field(
        sa_column=Column(Uuid, ForeignKey("product.id", ondelete="CASCADE"), primary_key=True)
    )
    site_id: uuid.UUID = Field(
        sa_column=Column(Uuid, ForeignKey("site.id", ondelete="CASCADE"), nullable=False)
    )
    quantity_milli: int = Field(
        default=0, sa_column=Column(BigInteger, nullable=False, server_default="0")
    )


class Payment(SiteRow, table=True):
    """Money received, for a sale, a coworking pass, a membership or an AMAP instalment."""

    __tablename__ = "payment"
    __table_args__ = (
        CheckConstraint("amount_cents >= 0", name="amount_positive"),
        # A sale's payments (the day's sums per method, a sale cancelled or deleted).
        Index("ix_payment_sale_id", "sale_id"),
    )

    amount_cents: int
    method: str = Field(max_length=10)
    paid_on: date = Field(index=True)
    reference: str = Field(default="", max_length=60)
    sale_id: uuid.UUID | None = Field(default=None, foreign_key="sale.id", ondelete="CASCADE")
    pass_id: uuid.UUID | None = Field(
        default=None, foreign_key="coworking_pass.id", ondelete="CASCADE"
    )
    membership_id: uuid.UUID | None = Field(
        default=None, foreign_key="membership.id", ondelete="CASCADE"
    )
    invoice_id: uuid.UUID | None = Field(default=None, foreign_key="invoice.id")
    donation_id: uuid.UUID | None = Field(default=None, foreign_key="donation.id")
