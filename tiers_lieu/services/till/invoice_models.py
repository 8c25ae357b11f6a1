"""The numbers, states and shapes of quotes, invoices and credit notes: the limits and the
stored and worked-out states with their labels, the document number « F2026-0001 », the
rounding of amounts and the VAT totals by rate, what the forms give (:class:`LineInput`,
:class:`DocumentInput`, :class:`PaymentInput`) and what the screens and the PDF read
(:class:`InvoiceRow`, :class:`InvoiceInfo`, :class:`InvoiceDocument`). No database here.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from tiers_lieu.i18n import N_, _
from tiers_lieu.models.enums import InvoiceKind

PREFIXES = {InvoiceKind.QUOTE: "D", InvoiceKind.INVOICE: "F", InvoiceKind.CREDIT: "A"}
MAX_LINES = 200
MAX_QUANTITY_MILLI = 100_000_000  # 100 000 units
MAX_UNIT_CENTS = 100_000_000  # 1 000 000 €
MAX_LIST = 500
RECOVERY_INDEMNITY_CENTS = 4000

# Stored statuses (``Invoice.status``).
DRAFT = "draft"
SENT = "sent"  # a quote numbered and sent
INVOICED = "invoiced"  # a quote turned into an invoice
ISSUED = "issued"  # an invoice or a credit note

# States worked out when read.
PAID = "paid"
PARTLY_PAID = "partly_paid"
TO_PAY = "to_pay"
OVERDUE = "overdue"

STATE_LABELS = {
    DRAFT: N_("brouillon"),
    SENT: N_("envoyé"),
    INVOICED: N_("facturé"),
    ISSUED: N_("émis"),
    PAID: N_("payée"),
    PARTLY_PAID: N_("partiellement payée"),
    TO_PAY: N_("à payer"),
    OVERDUE: N_("échue"),
}
KIND_LABELS = {
    InvoiceKind.QUOTE: N_("Devis"),
    InvoiceKind.INVOICE: N_("Facture"),
    InvoiceKind.CREDIT: N_("Avoir"),
}


def document_number(kind: str, year: int, seq: int) -> str:
    """« F2026-0001 », « A2026-0001 », « D2026-0001 »."""
    return f"{PREFIXES[InvoiceKind(kind)]}{year}-{seq:04d}"


def round_half_up(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` to the nearest integer, halves away from zero."""
    sign = -1 if numerator < 0 else 1
    return sign * ((abs(numerator) * 2 + denominator) // (2 * denominator))


def line_total(quantity_milli: int, unit_price_cents: int) -> int:
    return round_half_up(quantity_milli * unit_price_cents, 1000)


def net_from_gross(gross_cents: int, rate_bp: int) -> int:
    """A price before VAT from a price VAT included."""
    return round_half_up(gross_cents * 10000, 10000 + rate_bp)


@dataclass(frozen=True, kw_only=True)
class LineInput:
    description: str
    quantity_milli: int = 1000
    unit: str = ""
    unit_price_cents: int
    """Before VAT (the price itself under the 293 B exemption)."""
    vat_rate_bp: int = 0
    booking_id: uuid.UUID | None = None
    pass_id: uuid.UUID | None = None


@dataclass(frozen=True, kw_only=True)
class DocumentInput:
    """A quote or an invoice as the form gives it (create and update of a draft)."""

    client_id: uuid.UUID
    subject: str = ""
    service_from: date | None = None
    service_to: date | None = None
    valid_until: date | None = None
    """A quote's end of validity (empty: the settings' number of days after it is sent)."""
    lines: tuple[LineInput, ...] = ()


@dataclass(frozen=True, kw_only=True)
class PaymentInput:
    amount_cents: int
    method: str
    paid_on: date
    reference: str = ""


@dataclass(frozen=True)
class LineInfo:
    id: uuid.UUID
    position: int
    description: str
    quantity_milli: int
    unit: str
    unit_price_cents: int
    vat_rate_bp: int
    total_net_cents: int
    booking_id: uuid.UUID | None
    pass_id: uuid.UUID | None

    def as_input(self) -> LineInput:
        return LineInput(
            description=self.description,
            quantity_milli=self.quantity_milli,
            unit=self.unit,
            unit_price_cents=self.unit_price_cents,
            vat_rate_bp=self.vat_rate_bp,
            booking_id=self.booking_id,
            pass_id=self.pass_id,
        )


@dataclass(frozen=True)
class VatRow:
    rate_bp: int
    net_cents: int
    vat_cents: int


@dataclass(frozen=True)
class Totals:
    net_cents: int
    vat_cents: int
    total_cents: int
    by_rate: tuple[VatRow, ...]


def compute_totals(lines: Sequence[tuple[int, int]]) -> Totals:
    """``lines``: (rate, net) pairs. VAT is computed on each rate's net total."""
    per_rate: dict[int, int] = {}
    for rate, net in lines:
        per_rate[rate] = per_rate.get(rate, 0) + net
    rows = tuple(
        VatRow(rate, net, round_half_up(net * rate, 10000))
        for rate, net in sorted(per_rate.items(), reverse=True)
    )
    net = sum(r.net_cents for r in rows)
    vat = sum(r.vat_cents for r in rows)
    return Totals(net, vat, net + vat, rows)


@dataclass(frozen=True)
class InvoiceRow:
    """One line of the list of quotes, invoices and credit notes."""

    id: uuid.UUID
    kind: str
    status: str
    number: str | None
    client_id: uuid.UUID
    client_name: str
    subject: str
    issued_on: date | None
    due_on: date | None
    total_cents: int
    credited_cents: int
    paid_cents: int
    state: str
    created_at: datetime

    @property
    def due_cents(self) -> int:
        """What the client still owes (an invoice; 0 for the rest)."""
        if self.kind != InvoiceKind.INVOICE or self.number is None:
            return 0
        return self.total_cents - self.credited_cents - self.paid_cents

    @property
    def state_label(self) -> str:
        return _(STATE_LABELS[self.state])

    @property
    def kind_label(self) -> str:
        return _(KIND_LABELS[InvoiceKind(self.kind)])

    @property
    def editable(self) -> bool:
        return self.status == DRAFT


@dataclass(frozen=True)
class PaymentInfo:
    id: uuid.UUID
    amount_cents: int
    method: str
    paid_on: date
    reference: str


@dataclass(frozen=True)
class InvoiceInfo:
    row: InvoiceRow
    site_id: uuid.UUID
    service_from: date | None
    service_to: date | None
    quote_id: uuid.UUID | None
    quote_number: str | None
    credits_id: uuid.UUID | None
    credits_number: str | None
    credits_issued_on: date | None
    totals: Totals
    lines: tuple[LineInfo, ...]
    payments: tuple[PaymentInfo, ...]
    seller: dict[str, Any]
    buyer: dict[str, Any]
    issued_by: str

    @property
    def id(self) -> uuid.UUID:
        return self.row.id


@dataclass(frozen=True)
class InvoiceDocument:
    """What the PDF of a quote, an invoice or a credit note shows."""

    info: InvoiceInfo
    title: str
    draft: bool
    franchise: bool
    logo_path: str
    mentions: tuple[str, ...]
    zone_today: date
    duplicate: bool = False
    """An issued invoice or credit note printed before: this print is a « Duplicata »."""
    reprint: int = 0
    """Which duplicate this print is (1 for the first), 0 when it is none or not printed."""
    reprinted: str = ""
    """When the duplicate was printed, on the place's clock (a printed duplicate only)."""
