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

**Numbering:** ``EcritureNum`` is continuous from 1 in each journal, in the order of
validation, within the file (the accountant's software renumbers on import);
``EcritureDate`` is the day of the operation (the Z's day, the invoice's issue date, the
payment's date), ``ValidDate`` the day it became final (the Z's closing day; the same day for
the others). Lines are ordered by validation date, journal and number.
"""

from __future__ import annotations

import json
import unicodedata
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import col, select

from tiers_lieu.db import UnitOfWork, UowFactory
from tiers_lieu.errors import ValidationError
from tiers_lieu.i18n import _, format_date, format_eur, ngettext
from tiers_lieu.models import (
    Client,
    CoworkingPass,
    Donation,
    Invoice,
    InvoiceLine,
    Membership,
    PassType,
    Payment,
    Person,
    Sale,
    Site,
    TillClosure,
)
from tiers_lieu.models.enums import AuditAction, ClosureKind, InvoiceKind
from tiers_lieu.services import audit
from tiers_lieu.services.access import Permission, requires
from tiers_lieu.services.sites import day_bounds, site_zone
from tiers_lieu.services.till import billing

MAX_DAYS = 366 * 2
"""The longest period one export covers (an exercise may last up to 24 months)."""

#: The 18 columns of art. A47 A-1 (VII, 1° to 18°), in their order, as the header names them.
COLUMNS: tuple[str, ...] = (
    "JournalCode",
    "JournalLib",
    "EcritureNum",
    "EcritureDate",
    "CompteNum",
    "CompteLib",
    "CompAuxNum",
    "CompAuxLib",
    "PieceRef",
    "PieceDate",
    "EcritureLib",
    "Debit",
    "Credit",
    "EcritureLet",
    "DateLet",
    "ValidDate",
    "Montantdevise",
    "Idevise",
)

#: Journals: code → label (the labels are the file's, in French whatever the language).
JOURNALS: dict[str, str] = {
    "CA": "Caisse (Z quotidiens)",
    "VT": "Ventes (factures et avoirs)",
    "EN": "Encaissements",
}
CASH_JOURNAL, SALES_JOURNAL, RECEIPTS_JOURNAL = "CA", "VT", "EN"


@dataclass(frozen=True, slots=True)
class AccountPlan:
    """Account numbers by role. Defaults: plan comptable général, and règlement ANC 2018-06
    for an association's own resources (756, 7541)."""

    cash: str = "530"
    cheque: str = "5112"
    card: str = "5115"
    voucher: str = "5117"
    transfer: str = "512"
    clients: str = "411"
    services: str = "706"
    goods: str = "707"
    vat: str = "44571"
    memberships: str = "756"
    donations: str = "7541"
    suspense: str = "471"

    def for_method(self, method: str) -> str | None:
        """The account a payment ``method`` lands on, ``None`` for a method unknown here."""
        return {
            "cash": self.cash,
            "cheque": self.cheque,
            "card": self.card,
            "voucher": self.voucher,
            "transfer": self.transfer,
        }.get(method)


ACCOUNT_KEYS: tuple[str, ...] = tuple(f.name for f in fields(AccountPlan))

#: Account labels (``CompteLib``) by the default numbers' roles.
ACCOUNT_LABELS: dict[str, str] = {
    "cash": "Caisse",
    "cheque": "Chèques à encaisser",
    "card": "Cartes bancaires à encaisser",
    "voucher": "Bons à encaisser",
    "transfer": "Banque",
    "clients": "Clients",
    "services": "Prestations de services",
    "goods": "Ventes de marchandises",
    "vat": "TVA collectée",
    "memberships": "Cotisations",
    "donations": "Dons manuels",
    "suspense": "Compte d'attente",
}

#: Method words in the entries' labels (the file's language is French).
METHOD_WORDS: dict[str, str] = {
    "cash": "espèces",
    "cheque": "chèque",
    "card": "carte",
    "voucher": "bon",
    "transfer": "virement",
}


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


# -- building entries -------------------------------------------------------------------------
@dataclass
class _Draft:
    """An entry being built: signed amounts (positive: debit)."""

    journal: str
    day: date
    valid: date
    piece_ref: str
    label: str
    recorded: datetime
    """When the operation was recorded: the order of two entries of one day and journal."""
    lines: list[tuple[str, str, str, str, int, str, date | None]] = field(default_factory=list)
    """(account, account label, aux number, aux label, signed cents, lettering, date)."""

    def add(
        self,
        account: str,
        account_label: str,
        cents: int,
        *,
        aux: tuple[str, str] = ("", ""),
        lettering: str = "",
        lettered_on: date | None = None,
    ) -> None:
        if cents:
            self.lines.append(
                (account, account_label, aux[0], aux[1], cents, lettering, lettered_on)
            )


def _fold(text: str) -> str:
    """Upper-case ASCII letters and digits of ``text`` (« Mairie d'Aubusson » → MAIRIEDAUBUSSON)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return "".join(c for c in plain.upper() if c.isalnum())


def client_code(client_id: uuid.UUID, name: str) -> str:
    """The client's auxiliary account (``CompAuxNum``): up to ten letters of the name and six
    of its id, stable across exports and unique per client."""
    return f"{_fold(name)[:10]}{client_id.hex[:6].upper()}"


def _one_line(text: str, limit: int = 200) -> str:
    """A field's text on one line, without the separators the file uses."""
    cleaned = " ".join(text.replace("|", "/").split())
    return cleaned[:limit]


def _balanced(draft: _Draft, plan: AccountPlan, warnings: list[str]) -> _Draft:
    """``draft`` with its difference, if any, on the suspense account (and a warning)."""
    gap = sum(line[4] for line in draft.lines)
    if gap:
        draft.add(plan.suspense, ACCOUNT_LABELS["suspense"], -gap)
        warnings.append(
            _(
                "{piece} du {day} : débit et crédit diffèrent de {gap}, l'écart est passé au "
                "compte {account} (compte d'attente) à vérifier."
            ).format(
                piece=draft.piece_ref,
                day=format_date(draft.day),
                gap=format_eur(abs(gap)),
                account=plan.suspense,
            )
        )
    return draft


def number_entries(drafts: Iterable[_Draft]) -> tuple[FecLine, ...]:
    """The drafts as FEC lines: numbered from 1 in each journal in the order of validation,
    negative amounts on the other side, lines of zero left out."""
    ordered = sorted(drafts, key=lambda d: (d.valid, d.journal, d.day, d.recorded, d.piece_ref))
    counters: dict[str, int] = defaultdict(int)
    lines: list[FecLine] = []
    for draft in ordered:
        if not draft.lines:
            continue
        counters[draft.journal] += 1
        number = counters[draft.journal]
        for account, account_label, aux, aux_label, cents, lettering, lettered_on in draft.lines:
            lines.append(
                FecLine(
                    journal_code=draft.journal,
                    journal_label=JOURNALS[draft.journal],
                    entry_number=number,
                    entry_date=draft.day,
                    account=account,
                    account_label=account_label,
                    aux_account=aux,
                    aux_label=_one_line(aux_label) if aux else "",
                    piece_ref=_one_line(draft.piece_ref, 40),
                    piece_date=draft.day,
                    label=_one_line(draft.label),
                    debit_cents=max(cents, 0),
                    credit_cents=max(-cents, 0),
                    lettering=lettering,
                    lettering_date=lettered_on if lettering else None,
                    valid_date=draft.valid,
                )
            )
    lines.sort(key=lambda line: (line.valid_date, line.journal_code, line.entry_number))
    return tuple(lines)


def _plain_name(first: str | None, last: str | None, organisation: str | None = "") -> str:
    return " ".join(p for p in (first, last) if p) or (organisation or "")


def _json(text: str | None) -> dict[str, Any]:
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _siren(siret: object) -> str | None:
    digits = "".join(c for c in str(siret or "") if c.isdigit())
    return digits[:9] if len(digits) in (9, 14) else None


def _closure_totals(row: TillClosure) -> tuple[dict[str, int], dict[int, tuple[int, int]]]:
    totals = _json(row.totals)
    methods = {str(k): int(v) for k, v in dict(totals.get("by_method") or {}).items()}
    rates: dict[int, tuple[int, int]] = {}
    for rate, pair in dict(totals.get("by_vat") or {}).items():
        ttc, vat = pair
        rates[int(rate)] = (int(ttc), int(vat))
    return methods, rates


class FecService:
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
            drafts: list[_Draft] = []
            drafts += self._day_zs(uow, site_id, start, end, plan, warnings)
            invoices, lettering = self._invoices(uow, site_id, start, end, plan, warnings)
            drafts += invoices
            receipts, passes = self._payments(uow, site_id, start, end, plan, lettering, warnings)
            drafts += receipts
            drafts += self._donations(uow, site_id, start, end, plan, warnings)
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
            lines=number_entries(drafts),
            warnings=tuple(warnings),
        )

    def _day_zs(
        self,
        uow: UnitOfWork,
        site_id: uuid.UUID,
        start: date,
        end: date,
        plan: AccountPlan,
        warnings: list[str],
    ) -> list[_Draft]:
        zone = site_zone(uow, site_id)
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
        drafts: list[_Draft] = []
        closed: set[date] = set()
        for closure in closures:
            closed.add(closure.period_start)
            methods, rates = _closure_totals(closure)
            piece = f"Z{closure.number}"
            draft = _Draft(
                journal=CASH_JOURNAL,
                day=closure.period_start,
                valid=max(closure.closed_at.astimezone(zone).date(), closure.period_start),
                piece_ref=piece,
                recorded=closure.closed_at,
                label=f"Ventes du {closure.period_start:%d/%m/%Y} (Z {closure.number})",
            )
            for method in sorted(methods):
                account = plan.for_method(method)
                if account is None:
                    account = plan.suspense
                    warnings.append(
                        _(
                            "Z {number} : moyen de paiement « {method} » inconnu, passé au "
                            "compte {account} (compte d'attente)."
                        ).format(number=closure.number, method=method, account=account)
                    )
                draft.add(account, ACCOUNT_LABELS[_role(plan, account)], methods[method])
            for rate in sorted(rates):
                ttc, vat = rates[rate]
                draft.add(plan.goods, f"{ACCOUNT_LABELS['goods']} {_rate_text(rate)}", -(ttc - vat))
                draft.add(plan.vat, f"{ACCOUNT_LABELS['vat']} {_rate_text(rate)}", -vat)
            drafts.append(_balanced(draft, plan, warnings))
        # Days of the period with sales but no Z: not exported, said.
        warnings.extend(_unclosed_warning(_unclosed_days(uow, site_id, start, end, closed)))
        return drafts

    def _invoices(
        self,
        uow: UnitOfWork,
        site_id: uuid.UUID,
        start: date,
        end: date,
        plan: AccountPlan,
        warnings: list[str],
    ) -> tuple[list[_Draft], dict[uuid.UUID, tuple[str, date]]]:
        """Invoices and credit notes issued in the period; and the lettering of every invoice
        of the place settled by the period's end: invoice id → (letter, date)."""
        columns = (
            "id", "kind", "number", "issued_on", "created_at", "client_id", "credits_id",
            "buyer", "total_net_cents", "total_vat_cents", "total_cents",
        )  # fmt: skip
        rows: list[Any] = list(
            uow.session.execute(
                sa_select(*(getattr(Invoice, name) for name in columns), col(Client.name))
                .join(Client, col(Client.id) == col(Invoice.client_id))
                .where(
                    col(Invoice.site_id) == site_id,
                    col(Invoice.kind).in_([InvoiceKind.INVOICE.value, InvoiceKind.CREDIT.value]),
                    col(Invoice.number).is_not(None),
                    col(Invoice.issued_on) >= start,
                    col(Invoice.issued_on) <= end,
                )
                .order_by(col(Invoice.issued_on), col(Invoice.created_at))
            ).all()
        )
        nets: dict[uuid.UUID, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        ids = [invoice.id for invoice in rows]
        for chunk in _chunks(ids):
            for invoice_id, rate, net in uow.session.execute(
                sa_select(
                    col(InvoiceLine.invoice_id),
                    col(InvoiceLine.vat_rate_bp),
                    func.sum(col(InvoiceLine.total_net_cents)),
                )
                .where(col(InvoiceLine.invoice_id).in_(chunk))
                .group_by(col(InvoiceLine.invoice_id), col(InvoiceLine.vat_rate_bp))
            ).all():
                nets[invoice_id][int(rate)] += int(net or 0)
        lettering = self._lettering(uow, site_id, end)
        drafts: list[_Draft] = []
        for invoice in rows:
            credit = invoice.kind == InvoiceKind.CREDIT.value
            # A credit note reverses: its amounts, stored positive, go the other way.
            sign = -1 if credit and invoice.total_cents > 0 else 1
            name = str(_json(invoice.buyer).get("name") or invoice.name)
            aux = (client_code(invoice.client_id, invoice.name), name)
            word = "Avoir" if credit else "Facture"
            draft = _Draft(
                journal=SALES_JOURNAL,
                day=invoice.issued_on,
                valid=invoice.issued_on,
                piece_ref=invoice.number,
                recorded=invoice.created_at,
                label=f"{word} {invoice.number} {name}",
            )
            letter = lettering.get(invoice.credits_id if credit else invoice.id)
            draft.add(
                plan.clients,
                ACCOUNT_LABELS["clients"],
                sign * invoice.total_cents,
                aux=aux,
                lettering=letter[0] if letter else "",
                lettered_on=letter[1] if letter else None,
            )
            by_rate = nets.get(invoice.id) or {0: invoice.total_net_cents}
            vats = _vat_by_rate(by_rate, invoice.total_vat_cents)
            for rate in sorted(by_rate):
                draft.add(
                    plan.services,
                    f"{ACCOUNT_LABELS['services']} {_rate_text(rate)}",
                    -sign * by_rate[rate],
                )
                draft.add(
                    plan.vat, f"{ACCOUNT_LABELS['vat']} {_rate_text(rate)}", -sign * vats[rate]
                )
            drafts.append(_balanced(draft, plan, warnings))
        return drafts, lettering

    def _lettering(
        self, uow: UnitOfWork, site_id: uuid.UUID, end: date
    ) -> dict[uuid.UUID, tuple[str, date]]:
        """Invoices settled (payments and credit notes dated up to ``end`` add up to their
        total): id → (their number as the letter, the day the last settlement came)."""
        settled: dict[uuid.UUID, list[tuple[int, date]]] = defaultdict(list)
        for invoice_id, amount, paid_on in uow.session.execute(
            sa_select(
                col(Payment.invoice_id), col(Payment.amount_cents), col(Payment.paid_on)
            ).where(
                col(Payment.site_id) == site_id,
                col(Payment.invoice_id).is_not(None),
                col(Payment.paid_on) <= end,
            )
        ).all():
            settled[invoice_id].append((int(amount), paid_on))
        for credits_id, amount, issued_on in uow.session.execute(
            sa_select(
                col(Invoice.credits_id), col(Invoice.total_cents), col(Invoice.issued_on)
            ).where(
                col(Invoice.site_id) == site_id,
                col(Invoice.kind) == InvoiceKind.CREDIT.value,
                col(Invoice.number).is_not(None),
                col(Invoice.credits_id).is_not(None),
                col(Invoice.issued_on) <= end,
            )
        ).all():
            settled[credits_id].append((abs(int(amount)), issued_on))
        if not settled:
            return {}
        result: dict[uuid.UUID, tuple[str, date]] = {}
        for chunk in _chunks(list(settled)):
            for invoice_id, number, total in uow.session.execute(
                sa_select(col(Invoice.id), col(Invoice.number), col(Invoice.total_cents)).where(
                    col(Invoice.id).in_(chunk),
                    col(Invoice.kind) == InvoiceKind.INVOICE.value,
                    col(Invoice.number).is_not(None),
                )
            ).all():
                items = settled[invoice_id]
                if total > 0 and sum(a for a, _d in items) == total:
                    result[invoice_id] = (str(number), max(d for _a, d in items))
        return result

    def _payments(
        self,
        uow: UnitOfWork,
        site_id: uuid.UUID,
        start: date,
        end: date,
        plan: AccountPlan,
        lettering: Mapping[uuid.UUID, tuple[str, date]],
        warnings: list[str],
    ) -> tuple[list[_Draft], int]:
        """Payments of invoices, memberships, donations and coworking passes (a sale's
        payments are in its Z); and how many were coworking passes."""
        # Columns, not entities: a year of a busy place is thousands of payments.
        payments: list[Any] = list(
            uow.session.execute(
                sa_select(
                    *(
                        getattr(Payment, name)
                        for name in (
                            "id", "amount_cents", "method", "paid_on", "reference", "created_at",
                            "invoice_id", "membership_id", "donation_id", "pass_id",
                        )
                    )
                )
                .where(
                    col(Payment.site_id) == site_id,
                    col(Payment.sale_id).is_(None),
                    col(Payment.paid_on) >= start,
                    col(Payment.paid_on) <= end,
                )
                .order_by(col(Payment.paid_on), col(Payment.created_at))
            ).all()
        )  # fmt: skip
        invoices = _by_id(
            uow,
            Invoice,
            {p.invoice_id for p in payments},
            "number", "client_id", "buyer",
        )  # fmt: skip
        clients = _by_id(uow, Client, {i.client_id for i in invoices.values()}, "name")
        memberships = _by_id(
            uow,
            Membership,
            {p.membership_id for p in payments},
            "person_id", "start_date", "end_date",
        )  # fmt: skip
        passes = _by_id(
            uow, CoworkingPass, {p.pass_id for p in payments}, "pass_type_id", "person_id"
        )
        pass_types = _by_id(uow, PassType, {p.pass_type_id for p in passes.values()}, "name")
        donations = _by_id(
            uow, Donation, {p.donation_id for p in payments}, "receipt_number", "donor"
        )
        people = _by_id(
            uow,
            Person,
            {m.person_id for m in memberships.values()} | {p.person_id for p in passes.values()},
            "first_name", "last_name", "organisation",
        )  # fmt: skip
        drafts: list[_Draft] = []
        sold_passes = 0
        for payment in payments:
            known = plan.for_method(payment.method)
            account = known or plan.suspense
            word = _word(payment.method)
            draft = _Draft(
                journal=RECEIPTS_JOURNAL,
                day=payment.paid_on,
                valid=payment.paid_on,
                piece_ref=payment.reference or "",
                recorded=payment.created_at,
                label="",
            )
            amount = payment.amount_cents
            if payment.invoice_id is not None and payment.invoice_id in invoices:
                invoice = invoices[payment.invoice_id]
                client = clients.get(invoice.client_id)
                name = str(_json(invoice.buyer).get("name") or (client.name if client else ""))
                aux = (client_code(invoice.client_id, client.name if client else name), name)
                letter = lettering.get(invoice.id)
                draft.piece_ref = draft.piece_ref or str(invoice.number or "")
                draft.label = f"Règlement {invoice.number} {name} ({word})"
                draft.add(account, ACCOUNT_LABELS[_role(plan, account)], amount)
                draft.add(
                    plan.clients,
                    ACCOUNT_LABELS["clients"],
                    -amount,
                    aux=aux,
                    lettering=letter[0] if letter else "",
                    lettered_on=letter[1] if letter else None,
                )
            elif payment.membership_id is not None and payment.membership_id in memberships:
                membership = memberships[payment.membership_id]
                person = people.get(membership.person_id)
                name = _plain_name(
                    person.first_name if person else "",
                    person.last_name if person else "",
                    person.organisation if person else "",
                )
                draft.piece_ref = draft.piece_ref or f"COT{payment.paid_on:%Y%m%d}"
                draft.label = (
                    f"Cotisation {membership.start_date:%d/%m/%Y}-{membership.end_date:%d/%m/%Y} "
                    f"{name} ({word})"
                )
                draft.add(account, ACCOUNT_LABELS[_role(plan, account)], amount)
                draft.add(plan.memberships, ACCOUNT_LABELS["memberships"], -amount)
            elif payment.donation_id is not None and payment.donation_id in donations:
                donation = donations[payment.donation_id]
                draft.piece_ref = (
                    draft.piece_ref or donation.receipt_number or f"DON{payment.paid_on:%Y%m%d}"
                )
                draft.label = f"Don {_donor(donation)} ({word})"
                draft.add(account, ACCOUNT_LABELS[_role(plan, account)], amount)
                draft.add(plan.donations, ACCOUNT_LABELS["donations"], -amount)
            elif payment.pass_id is not None and payment.pass_id in passes:
                bought = passes[payment.pass_id]
                kind = pass_types.get(bought.pass_type_id)
                person = people.get(bought.person_id)
                name = _plain_name(
                    person.first_name if person else "", person.last_name if person else ""
                )
                draft.piece_ref = f"PASS{payment.paid_on:%Y%m%d}" + (
                    f" {payment.reference}" if payment.reference else ""
                )
                draft.label = f"Pass {kind.name if kind else ''} {name} ({word})"
                draft.add(account, ACCOUNT_LABELS[_role(plan, account)], amount)
                draft.add(plan.services, ACCOUNT_LABELS["services"], -amount)
                sold_passes += 1
            else:
                continue  # an AMAP instalment or a payment of nothing known: not ours
            if not draft.piece_ref:
                draft.piece_ref = f"EN{payment.paid_on:%Y%m%d}"
            if known is None:
                warnings.append(
                    _(
                        "Paiement du {day} : moyen de paiement « {method} » inconnu, passé au "
                        "compte {account} (compte d'attente)."
                    ).format(
                        day=format_date(payment.paid_on), method=payment.method, account=account
                    )
                )
            drafts.append(_balanced(draft, plan, warnings))
        return drafts, sold_passes

    def _donations(
        self,
        uow: UnitOfWork,
        site_id: uuid.UUID,
        start: date,
        end: date,
        plan: AccountPlan,
        warnings: list[str],
    ) -> list[_Draft]:
        """Gifts of money received in the period without any payment row (those with
        payments are entered through them)."""
        paid = (
            sa_select(col(Payment.donation_id))
            .where(col(Payment.donation_id).is_not(None))
            .scalar_subquery()
        )
        rows = uow.session.exec(
            select(Donation)
            .where(
                Donation.site_id == site_id,
                col(Donation.received_on) >= start,
                col(Donation.received_on) <= end,
                col(Donation.id).not_in(paid),
            )
            .order_by(col(Donation.received_on), col(Donation.id))
        ).all()
        drafts: list[_Draft] = []
        in_kind = 0
        for donation in rows:
            if donation.form != "cash":
                in_kind += 1
                continue
            account = plan.for_method(donation.method) or plan.suspense
            draft = _Draft(
                journal=RECEIPTS_JOURNAL,
                day=donation.received_on,
                valid=donation.received_on,
                piece_ref=donation.receipt_number or f"DON{donation.received_on:%Y%m%d}",
                recorded=donation.created_at,
                label=f"Don {_donor(donation)} ({_word(donation.method)})",
            )
            draft.add(account, ACCOUNT_LABELS[_role(plan, account)], donation.amount_cents)
            draft.add(plan.donations, ACCOUNT_LABELS["donations"], -donation.amount_cents)
            drafts.append(_balanced(draft, plan, warnings))
        if in_kind:
            warnings.append(
                ngettext(
                    "{count} don en nature ou en titres n'est pas exporté : sa valorisation "
                    "est à passer par le comptable.",
                    "{count} dons en nature ou en titres ne sont pas exportés : leur "
                    "valorisation est à passer par le comptable.",
                    in_kind,
                ).format(count=in_kind)
            )
        return drafts

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


def _unclosed_days(
    uow: UnitOfWork, site_id: uuid.UUID, start: date, end: date, closed: set[date]
) -> list[date]:
    """The place's days of the period with sales and without a day Z (the sales' instants
    alone are read, one column)."""
    zone = site_zone(uow, site_id)
    first, _next = day_bounds(uow, site_id, start)
    _last, after = day_bounds(uow, site_id, end)
    days = {
        sold_at.astimezone(zone).date()
        for sold_at in uow.session.exec(
            select(col(Sale.sold_at)).where(
                col(Sale.site_id) == site_id,
                col(Sale.sold_at) >= first,
                col(Sale.sold_at) < after,
            )
        ).all()
    }
    return sorted(days - closed)


def _unclosed_warning(days: list[date]) -> list[str]:
    if not days:
        return []
    shown = ", ".join(format_date(day) for day in days[:5])
    more = len(days) - 5
    return [
        ngettext(
            "{count} jour de vente sans Z n'est pas exporté ({days}{more}) : clôturez-le "
            "(Caisse et factures › Clôtures) puis exportez à nouveau.",
            "{count} jours de vente sans Z ne sont pas exportés ({days}{more}) : clôturez-les "
            "(Caisse et factures › Clôtures) puis exportez à nouveau.",
            len(days),
        ).format(
            count=len(days),
            days=shown,
            more=ngettext(" et {n} autre", " et {n} autres", more).format(n=more)
            if more > 0
            else "",
        )
    ]


def _rate_text(rate_bp: int) -> str:
    """« 5,5 % », « 20 % »: the rate in the file's labels (French, whatever the language)."""
    whole, part = divmod(rate_bp, 100)
    return f"{whole},{part:02d}".rstrip("0").rstrip(",") + " %"


def _word(method: str) -> str:
    return METHOD_WORDS.get(method, method)


def _index(order: list[str], method: str) -> int:
    return order.index(method) if method in order else len(order)


def _role(plan: AccountPlan, account: str) -> str:
    """The role (field of :class:`AccountPlan`) an account number stands for."""
    for key in ACCOUNT_KEYS:
        if getattr(plan, key) == account:
            return key
    return "suspense"


def _donor(donation: Any) -> str:
    """The donor's name as the receipt gives it (a row with a ``donor`` JSON column)."""
    donor = _json(donation.donor)
    return _plain_name(
        str(donor.get("first_name") or ""),
        str(donor.get("last_name") or ""),
        str(donor.get("name") or donor.get("organisation") or ""),
    )


def _vat_by_rate(nets: Mapping[int, int], total_vat: int) -> dict[int, int]:
    """The invoice's VAT per rate: each rate's net × rate, the rounding difference with the
    invoice's own VAT total given to the largest rate (the total is what the invoice says)."""
    vats = {rate: (net * rate * 2 + 10000) // 20000 if rate else 0 for rate, net in nets.items()}
    gap = total_vat - sum(vats.values())
    if gap and vats:
        largest = max(vats, key=lambda r: (r > 0, nets[r], r))
        vats[largest] += gap
    return vats


def _chunks(ids: list[uuid.UUID], size: int = 500) -> Iterable[list[uuid.UUID]]:
    for index in range(0, len(ids), size):
        yield ids[index : index + size]


def _by_id(uow: UnitOfWork, model: Any, ids: set[Any], *names: str) -> dict[uuid.UUID, Any]:
    """Rows of ``model`` by id, with the columns ``names`` (and ``id``), 500 ids a query."""
    found: dict[uuid.UUID, Any] = {}
    wanted = [i for i in ids if i is not None]
    columns = [model.id, *(getattr(model, name) for name in names)]
    for chunk in _chunks(wanted):
        for row in uow.session.execute(sa_select(*columns).where(col(model.id).in_(chunk))):
            found[row.id] = row
    return found


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
