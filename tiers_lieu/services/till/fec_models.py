"""What the accountant's export gives its writer (:mod:`tiers_lieu.reports.documents.fec`):
the FEC's lines (:class:`FecLine`, amounts in cents, dates as dates) and the export with its
warnings (:class:`FecExport`); the day Zs of a period as rows (:class:`ZRow`,
:class:`ZTotals`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date


# -- read models ------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class FecLine:
    """One line of the FEC: amounts in cents (one of debit and credit is 0), dates as dates;
    the writer formats them (AAAAMMJJ, decimal comma)."""

    journal_code: str
    journal_label: str
    entry_number: int
    entry_date: date
    account: str
    account_label: str
    aux_account: str
    aux_label: str
    piece_ref: str
    piece_date: date
    label: str
    debit_cents: int
    credit_cents: int
    lettering: str
    lettering_date: date | None
    valid_date: date


@dataclass(frozen=True, slots=True)
class FecExport:
    site_name: str
    start: date
    end: date
    siren: str | None
    """Nine digits from the « Facturation » SIRET; ``None`` when it is not filled in."""
    lines: tuple[FecLine, ...]
    warnings: tuple[str, ...]

    @property
    def entries(self) -> int:
        return len({(line.journal_code, line.entry_number) for line in self.lines})

    @property
    def debit_cents(self) -> int:
        return sum(line.debit_cents for line in self.lines)

    @property
    def credit_cents(self) -> int:
        return sum(line.credit_cents for line in self.lines)


@dataclass(frozen=True, slots=True)
class ZRow:
    """One day Z: its totals as the closure recorded them."""

    number: int
    day: date
    tickets: int
    reversals: int
    total_cents: int
    reversed_cents: int
    grand_total_cents: int
    by_method: Mapping[str, int]
    by_vat: Mapping[int, tuple[int, int]]
    """rate (basis points) → (total with VAT, VAT)."""


@dataclass(frozen=True, slots=True)
class ZTotals:
    site_name: str
    start: date
    end: date
    rows: tuple[ZRow, ...]
    methods: tuple[str, ...]
    """Every method some Z of the period holds, in a fixed order."""
    rates: tuple[int, ...]
    warnings: tuple[str, ...]
