"""Money the way an accountant and the tax rules expect (issue 21, migration 0012).

- :class:`TillJournal`: the till's inalterable journal, one chain per place. Every ticket,
  payment, reversal, closure, invoice, credit note, receipt and reprint is a line whose
  ``line_hash`` covers its content and the previous line's hash (``seq`` 1, 2, 3… per place,
  without a gap). Database triggers refuse any UPDATE or DELETE of a line; the chain is what
  shows a change made around them.
- :class:`TillClosure`: the numbered closures: the day's Z (one per place and day), the
  month's and the year's, each with its totals per payment method and VAT rate and the
  perpetual grand total.
- :class:`Client`, :class:`Invoice`, :class:`InvoiceLine`: quotes, invoices and credit notes
  to organisations and people. An issued invoice or credit note carries a number
  ``F2026-0001`` / ``A2026-0001`` continuous per place and year and is never changed again
  (triggers), a credit note corrects it.
- :class:`Donation`: a gift received; its tax receipt (Cerfa 11580) is numbered per year.

Seller, client and donor details are copied onto the document when it is issued (JSON
``seller``/``buyer``): a later change of address never rewrites a past invoice, and erasing a
person leaves the documents the law requires to keep.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import BigInteger, Column, Index, UniqueConstraint
from sqlmodel import Field

from tiers_lieu.models.base import SiteRow, UTCDateTime


class TillJournal(SiteRow, table=True):
    __tablename__ = "till_journal"
    __table_args__ = (UniqueConstraint("site_id", "seq"),)

    seq: int
    kind: str = Field(max_length=16)
    occurred_at: datetime = Field(sa_type=UTCDateTime)
    actor: str = Field(default="", max_length=120)
    """The signed-in account's name at the time (accounts do not travel; names do)."""
    ref_id: uuid.UUID | None = None
    """The sale, closure, invoice or donation the line records (no foreign key: the journal
    outlives nothing and refers to nothing it could block)."""
    number: str = Field(default="", max_length=24)
    amount_cents: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    payload: str
    """Canonical JSON of what the line records (sorted keys, no spaces)."""
    prev_hash: str = Field(max_length=64)
    line_hash: str = Field(max_length=64)


class TillClosure(SiteRow, table=True):
    __tablename__ = "till_closure"
    __table_args__ = (
        UniqueConstraint("site_id", "kind", "number"),
        UniqueConstraint("site_id", "kind", "period_start"),
    )

    kind: str = Field(max_length=8)  # day, month, year
    number: int
    period_start: date
    period_end: date
    first_ticket: int | None = None
    last_ticket: int | None = None
    tickets: int = 0
    reversals: int = 0
    total_cents: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    """Net turnover of the period (reversals deducted)."""
    reversed_cents: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    grand_total_cents: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    """Perpetual grand total: every closed day's net turnover since the till's first day."""
    totals: str = Field(default="{}")
    """JSON: ``{"by_method": {...}, "by_vat": {rate: [total, vat]}}``."""
    closed_at: datetime = Field(sa_type=UTCDateTime)
    closed_by: str = Field(default="", max_length=120)


class Client(SiteRow, table=True):
    """Who an invoice is made out to: an organisation (with its SIRET) or a person."""

    __tablename__ = "client"

    name: str = Field(max_length=200)
    siret: str = Field(default="", max_length=14)
    vat_number: str = Field(default="", max_length=20)
    address: str = Field(default="", max_length=250)
    postal_code: str = Field(default="", max_length=10)
    city: str = Field(default="", max_length=120)
    email: str = Field(default="", max_length=200)
    person_id: uuid.UUID | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    active: bool = Field(default=True)


class Invoice(SiteRow, table=True):
    """A quote, an invoice or a credit note (``kind``); numbered once issued."""

    __tablename__ = "invoice"
    __table_args__ = (
        UniqueConstraint("site_id", "kind", "year", "seq"),
        Index("ix_invoice_site_issued", "site_id", "issued_on"),
    )

    kind: str = Field(max_length=8)  # quote, invoice, credit
    status: str = Field(default="draft", max_length=10)
    number: str | None = Field(default=None, max_length=20)
    year: int | None = None
    seq: int | None = None
    client_id: uuid.UUID = Field(foreign_key="client.id", index=True)
    subject: str = Field(default="", max_length=200)
    issued_on: date | None = None
    due_on: date | None = None
    service_from: date | None = None
    service_to: date | None = None
    quote_id: uuid.UUID | None = Field(default=None, foreign_key="invoice.id")
    credits_id: uuid.UUID | None = Field(default=None, foreign_key="invoice.id")
    total_net_cents: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    total_vat_cents: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    total_cents: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    seller: str = Field(default="{}")
    buyer: str = Field(default="{}")
    issued_by: str = Field(default="", max_length=120)


class InvoiceLine(SiteRow, table=True):
    __tablename__ = "invoice_line"

    invoice_id: uuid.UUID = Field(foreign_key="invoice.id", index=True, ondelete="CASCADE")
    position: int = 0
    description: str = Field(max_length=300)
    quantity_milli: int
    unit: str = Field(default="", max_length=12)
    unit_price_cents: int
    """Before VAT when the place charges VAT, the price itself under the 293 B exemption."""
    vat_rate_bp: int = 0
    total_net_cents: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    booking_id: uuid.UUID | None = Field(
        default=None, foreign_key="booking.id", ondelete="SET NULL"
    )
    pass_id: uuid.UUID | None = Field(
        default=None, foreign_key="coworking_pass.id", ondelete="SET NULL"
    )


class Donation(SiteRow, table=True):
    """A gift received; ``receipt_number`` once its tax receipt (Cerfa 11580) is issued."""

    __tablename__ = "donation"
    __table_args__ = (
        UniqueConstraint("site_id", "receipt_year", "receipt_seq"),
        Index("ix_donation_site_received", "site_id", "received_on"),
    )

    person_id: uuid.UUID | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    donor: str = Field(default="{}")
    """JSON copy of the donor's name and address as on the receipt."""
    amount_cents: int = Field(sa_column=Column(BigInteger, nullable=False))
    received_on: date
    method: str = Field(max_length=10)
    form: str = Field(default="cash", max_length=12)  # numéraire, nature, titres
    description: str = Field(default="", max_length=300)
    receipt_number: str | None = Field(default=None, max_length=20)
    receipt_year: int | None = None
    receipt_seq: int | None = None
    receipt_issued_on: date | None = None
