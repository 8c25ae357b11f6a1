"""Exact money arithmetic shared by the till, the Z, the tickets and the invoices: integer
cents, quantities in thousandths, VAT rates in basis points (550 = 5,5 %), rounding half up."""

from __future__ import annotations


def line_total(unit_price_cents: int, quantity_milli: int) -> int:
    """Price × quantity in cents, rounded half up (1,235 kg at 2,50 € = 3,09 €)."""
    return (unit_price_cents * quantity_milli + 500) // 1000


def vat_included(total_cents: int, rate_bp: int) -> int:
    """The VAT inside a VAT-inclusive amount, rounded half up: total × rate / (1 + rate)."""
    return (total_cents * rate_bp * 2 + (10000 + rate_bp)) // (2 * (10000 + rate_bp))
