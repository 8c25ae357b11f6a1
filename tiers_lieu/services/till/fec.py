"""The accountant's export: a place's money of a period as accounting entries in the shape of
the **FEC** (fichier des écritures comptables, art. A47 A-1 du livre des procédures fiscales),
and the table of its day Zs. :mod:`tiers_lieu.reports.documents.fec` writes them as files.

**Entries** (each balanced: its debits add up to its credits, amounts in cents):

- *Caisse* (``CA``): one entry per **day Z** (a ``TillClosure`` of kind ``day``, its totals
  net of reversals): debit the payment methods' accounts (530 cash, 5112 cheques, 5115 cards,
  5117 vouchers, 512 transfers), credit 707 per VAT rate net of VAT and 44571 the VAT. A day
  with sales but no Z is not exported (a warning says which days): the Z is what the till
  certifies. A method total that is negative (refunds of an earlier day) goes to the other
  side.
- *Ventes* (``VT``): each issued **invoice** debits 411 (the client as auxiliary account)
  and credits 706 per VAT rate and 44571; each **credit note** is the reverse.
- *Encaissements* (``EN``): each **payment** of an invoice debits its method's account and
  credits 411 (lettered with the invoice's number once the invoice is settled by payments
  and credit notes dated within the period's end); a **membership** payment credits 756
  Cotisations, a **donation** 7541 Dons manuels (its payments, or the donation itself when it
  has none; gifts in kind or in securities are left to the accountant, with a warning), a
  **coworking pass** payment 706.

An entry whose sides would differ (totals of a Z that do not agree, say) gets the difference
on 471 « Compte d'attente » and a warning: the file stays balanced and the accountant sees
what to look at.

**Accounts** follow the plan comptable général and the associations' plan (règlement ANC
2018-06: 756 Cotisations, 7541 Dons manuels): :class:`AccountPlan`, a small mapping of
constants (one field per role) the service takes at construction. The « Facturation »
settings (:class:`~tiers_lieu.services.till.billing.BillingSettings`) have no room for them
yet (their JSON keeps only their own fields): once they do, the place's numbers replace these
defaults there. The SIREN (the file's name) is the first nine digits of those settings'
SIRET.

**Numbering:** ``EcritureNum`` is the entry's own, whatever period is exported: its year
(of ``EcritureDate``) then its rank in its journal among that year's entries, in the order of
validation — 2026000001, 2026000002… (:func:`~.fec_entries.entry_numbers`; the entries of the
whole years the period falls in are drafted to rank them). So January's file then
February's never give one number twice, an entry has the same number in its month's file
and in its year's, the year's numbers follow each other without a gap in each journal, and a
file over the turn of the year (an exercise need not be a calendar year) never holds a
number twice. An entry recorded late (a payment typed in a month after its date) is
validated that day: it takes the next number of its year and moves none of those already
given. (A payment or gift deleted afterwards leaves the numbers after it one lower.)
``EcritureDate`` is the day of the operation (the Z's day, the invoice's issue date, the
payment's date), ``ValidDate`` the day it became final: the day it was recorded on the
place's clock (the Z's closing day, the invoice's issue, the payment's or gift's entry),
never before the operation's day. Lines are ordered by validation date, journal and number.

The service is put together from its sources: :mod:`.fec_sales` (the Zs, the invoices
and credit notes) and :mod:`.fec_receipts` (payments and gifts); the entries are built
with :mod:`.fec_entries`, the accounts and journals are in :mod:`.fec_plan`, the read
models in :mod:`.fec_models`.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlmodel import col, select

from tiers_lieu.db import UnitOfWork, UowFactory
from tiers_lieu.errors import ValidationError
from tiers_lieu.i18n import _, format_date
from tiers_lieu.models import Site, TillClosure
from tiers_lieu.models.enums import AuditAction, ClosureKind
from tiers_lieu.services import audit
from tiers_lieu.services.access import Permission, requires
from tiers_lieu.services.till import billing
from tiers_lieu.services.till.fec_entries import (
    _closure_totals,
    _Draft,
    _siren,
    client_code,
    entry_numbers,
    number_entries,
)
from tiers_lieu.services.till.fec_models import FecExport, FecLine, ZRow, ZTotals
from tiers_lieu.services.till.fec_plan import (
    ACCOUNT_KEYS,
    ACCOUNT_LABELS,
    CASH_JOURNAL,
    COLUMNS,
    JOURNALS,
    METHOD_WORDS,
    RECEIPTS_JOURNAL,
    SALES_JOURNAL,
    AccountPlan,
    _index,
)
from tiers_lieu.services.till.fec_receipts import ReceiptEntries
from tiers_lieu.services.till.fec_sales import SalesEntries, _unclosed_days, _unclosed_warning

__all__ = [
    "ACCOUNT_KEYS",
    "ACCOUNT_LABELS",
    "CASH_JOURNAL",
    "COLUMNS",
    "JOURNALS",
    "MAX_DAYS",
    "METHOD_WORDS",
    "RECEIPTS_JOURNAL",
    "SALES_JOURNAL",
    "AccountPlan",
    "FecExport",
    "FecLine",
    "FecService",
    "ZRow",
    "ZTotals",
    "client_code",
    "entry_numbers",
    "number_entries",
]

MAX_DAYS = 366 * 2
"""The longest period one export covers (an exercise may last up to 24 months)."""


class FecService(SalesEntries, ReceiptEntries):
    """The accountant's export of a place: its FEC entries and its Z totals of a period."""

    def __init__(self, uow: UowFactory, plan: AccountPlan | None = None) -> None:
        self._uow = uow
        self.plan = plan or AccountPlan()

    # -- the FEC ----------------------------------------------------------------------------
    @requires(Permission.REPORTS)
    def entries(self, site_id: uuid.UUID, *, start: date, end: date) -> FecExport:
        """The place's entries from ``start`` to ``end`` (both included), balanced, numbered,
        in the order of validation; with the warnings the caller must show (days without a
        Z, gifts in kind, a difference put on the suspense account)."""
        _check_period(start, end)
        warnings: list[str] = []
        with self._uow(read_only=True) as uow:
            site = uow.session.get(Site, site_id)
            site_name = site.name if site is not None else ""
            seller = billing.load(uow.session, site_id)
            plan = self.plan
            siren = _siren(seller.siret)
            drafts, passes = self._drafts(uow, site_id, start, end, warnings)
            # The numbers are the entries' own: ranked among every entry of their years.
            first, last = date(start.year, 1, 1), date(end.year, 12, 31)
            year = drafts
            if (start, end) != (first, last):
                year, _passes = self._drafts(uow, site_id, first, last, [])
        if passes and not seller.franchise:
            warnings.append(
                _(
                    "Les passes de coworking sont passés TTC au compte {account} : "
                    "leur TVA est à ventiler par le comptable."
                ).format(account=plan.services)
            )
        if siren is None:
            warnings.append(
                _(
                    "SIREN inconnu : renseignez le SIRET du lieu dans Paramètres › "
                    "Facturation ; le fichier porte en attendant le SIREN 000000000."
                )
            )
        return FecExport(
            site_name=site_name,
            start=start,
            end=end,
            siren=siren,
            lines=number_entries(drafts, year=year),
            warnings=tuple(warnings),
        )

    def _drafts(
        self, uow: UnitOfWork, site_id: uuid.UUID, start: date, end: date, warnings: list[str]
    ) -> tuple[list[_Draft], int]:
        """The period's entries from every source, and how many coworking passes were paid."""
        plan = self.plan
        drafts: list[_Draft] = []
        drafts += self._day_zs(uow, site_id, start, end, plan, warnings)
        invoices, lettering = self._invoices(uow, site_id, start, end, plan, warnings)
        drafts += invoices
        receipts, passes = self._payments(uow, site_id, start, end, plan, lettering, warnings)
        drafts += receipts
        drafts += self._donations(uow, site_id, start, end, plan, warnings)
        return drafts, passes

    @requires(Permission.REPORTS)
    def note_export(self, site_id: uuid.UUID, export: FecExport, *, separator: str) -> None:
        """Note in the audit log that the place's FEC of ``export``'s period was written (it
        names clients, members and donors); the figures only, no name."""
        with self._uow() as uow:
            audit.record(
                uow,
                action=AuditAction.EXPORT,
                entity="fec",
                entity_id=None,
                site_id=site_id,
                details={
                    "from": export.start.isoformat(),
                    "to": export.end.isoformat(),
                    "entries": export.entries,
                    "lines": len(export.lines),
                    "separator": "tab" if separator == "\t" else separator,
                },
            )
            uow.commit()

    # -- the Z totals --------------------------------------------------------------------------
    @requires(Permission.REPORTS)
    def z_totals(self, site_id: uuid.UUID, *, start: date, end: date) -> ZTotals:
        """The day Zs of the period, one row each (number, day, tickets, total, per method,
        per VAT rate), by day."""
        _check_period(start, end)
        with self._uow(read_only=True) as uow:
            site = uow.session.get(Site, site_id)
            closures = uow.session.exec(
                select(TillClosure)
                .where(
                    TillClosure.site_id == site_id,
                    TillClosure.kind == ClosureKind.DAY.value,
                    col(TillClosure.period_start) >= start,
                    col(TillClosure.period_start) <= end,
                )
                .order_by(col(TillClosure.period_start))
            ).all()
            unclosed = _unclosed_days(uow, site_id, start, end, {c.period_start for c in closures})
            site_name = site.name if site is not None else ""
            rows = [_z_row(closure) for closure in closures]
        order = list(METHOD_WORDS)
        methods_seen = {m for row in rows for m in row.by_method}
        return ZTotals(
            site_name=site_name,
            start=start,
            end=end,
            rows=tuple(rows),
            methods=tuple(
                sorted(methods_seen, key=lambda m: (m not in order, _index(order, m), m))
            ),
            rates=tuple(sorted({r for row in rows for r in row.by_vat})),
            warnings=tuple(_unclosed_warning(unclosed)),
        )


def _z_row(closure: TillClosure) -> ZRow:
    methods, rates = _closure_totals(closure)
    return ZRow(
        number=closure.number,
        day=closure.period_start,
        tickets=closure.tickets,
        reversals=closure.reversals,
        total_cents=closure.total_cents,
        reversed_cents=closure.reversed_cents,
        grand_total_cents=closure.grand_total_cents,
        by_method=methods,
        by_vat=rates,
    )


def _check_period(start: date, end: date) -> None:
    if end < start:
        raise ValidationError(
            _("Période"),
            _("la période finit le {end}, avant son début ({start}).").format(
                end=format_date(end), start=format_date(start)
            ),
        )
    if end - start > timedelta(days=MAX_DAYS):
        raise ValidationError(
            _("Période"), _("un export couvre deux ans au plus (un exercice comptable).")
        )
