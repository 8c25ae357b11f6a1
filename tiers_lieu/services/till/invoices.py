"""Quotes, invoices and credit notes, numbered and never changed once issued.

- A **quote** is a draft until it is sent: then it gets its number « D2026-0001 », the date it
  is valid until, and the seller's and client's details as they are that day. Turning it into
  an invoice copies its lines onto a new draft invoice that keeps the link (``quote_id``).
- An **invoice** is a draft (editable, deletable, no number) until it is issued. Issuing
  writes in one transaction and in one UPDATE of the row the number « F2026-0001 »
  (continuous per place and year: the highest of the year plus one, read once the place's
  chain is held, and ``UNIQUE (site_id, kind, year, seq)`` refuses a double), the date, the
  due date from the payment terms, the totals before and after VAT, the seller and the client
  as they are; and an INVOICE line of the till journal. From then on the database refuses any
  change or deletion of the invoice and of its lines (triggers of migration 0012); the service
  refuses it first, with a sentence.
- A **credit note** « A2026-0001 » cancels all or part of an issued invoice; it is issued at
  once (a CREDIT line of the journal, its amount negative).

The amount still due of an invoice is its total minus its credit notes and the payments
recorded against it (``Payment.invoice_id``); its state, « payée », « partiellement payée »,
« à payer » or « échue », is worked out when read, never stored (an issued row cannot change).

Lines carry the price before VAT (``unit_price_cents``) and the VAT rate; under the VAT
exemption of art. 293 B du CGI every rate is 0 and the documents say so. The lines of a
booking or a coworking pass are built from what the agenda agreed (the booking's price, else
the resource's hourly price × the duration; the pass's price); those prices are what the
client pays, so when the place charges VAT the line's price before VAT is derived from them.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session, col

from tiers_lieu.db import UnitOfWork, UowFactory
from tiers_lieu.errors import ConflictError, NotFoundError, ValidationError
from tiers_lieu.i18n import N_, _, format_date, format_eur, format_time, to_place_time
from tiers_lieu.models import (
    Booking,
    Client,
    CoworkingPass,
    Invoice,
    InvoiceLine,
    PassType,
    Payment,
    Person,
    Resource,
    utcnow,
)
from tiers_lieu.models.enums import AuditAction, InvoiceKind, JournalKind, PaymentMethod
from tiers_lieu.services import audit
from tiers_lieu.services.access import Permission, requires
from tiers_lieu.services.agenda.common import display_name
from tiers_lieu.services.agenda.prices import price_for
from tiers_lieu.services.sites import site_zone
from tiers_lieu.services.till import billing
from tiers_lieu.services.till.billing import FRANCHISE_MENTION, VAT_RATES_BP, BillingSettings
from tiers_lieu.services.till.clients import ClientInfo, buyer_snapshot, client_info
from tiers_lieu.services.till.journal import actor_name, append, lock_chain
from tiers_lieu.validation import check_text

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

_INVOICES = Invoice.__table__  # type: ignore[attr-defined]
_PAYMENTS = Payment.__table__  # type: ignore[attr-defined]


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


@dataclass(frozen=True)
class Billable:
    """A booking or a coworking pass the place may invoice, with its line ready."""

    line: LineInput
    label: str
    service_on: date
    person_id: uuid.UUID | None
    organisation: str
    invoiced: str | None = None
    """The number of an issued invoice that already bills it."""
    client: ClientInfo | None = field(default=None, compare=False)
    holder: str = ""
    """Whose it is, as the pickers show it (the pass's buyer)."""


# -- checks -----------------------------------------------------------------------------------
def _check_lines(lines: Sequence[LineInput], settings: BillingSettings) -> list[LineInput]:
    if len(lines) > MAX_LINES:
        raise ValidationError(_("Lignes"), _("{n} lignes au plus").format(n=MAX_LINES))
    checked = []
    for n, line in enumerate(lines, start=1):
        label = _("Ligne {n}").format(n=n)
        description = check_text(label, line.description.strip(), 300)
        if not description:
            raise ValidationError(label, _("la désignation est obligatoire"))
        if not 0 < line.quantity_milli <= MAX_QUANTITY_MILLI:
            raise ValidationError(label, _("la quantité doit être positive"))
        if not -MAX_UNIT_CENTS <= line.unit_price_cents <= MAX_UNIT_CENTS:
            raise ValidationError(label, _("un prix unitaire jusqu'à 1 000 000 €"))
        if settings.franchise and line.vat_rate_bp != 0:
            raise ValidationError(
                label,
                _("le lieu n'applique pas la TVA (art. 293 B du CGI) : le taux est 0 %"),
            )
        if line.vat_rate_bp not in (0, *VAT_RATES_BP):
            raise ValidationError(label, _("taux de TVA : 0, 2,1, 5,5, 10 ou 20 %"))
        checked.append(
            LineInput(
                description=description,
                quantity_milli=line.quantity_milli,
                unit=check_text(label, line.unit.strip(), 12),
                unit_price_cents=line.unit_price_cents,
                vat_rate_bp=line.vat_rate_bp,
                booking_id=line.booking_id,
                pass_id=line.pass_id,
            )
        )
    return checked


def _check_dates(data: DocumentInput) -> None:
    if data.service_from and data.service_to and data.service_to < data.service_from:
        raise ValidationError(_("Période de la prestation"), _("la fin doit suivre le début"))


def _journal_lines(lines: Sequence[InvoiceLine]) -> list[list[Any]]:
    return [
        [
            line.description,
            line.quantity_milli,
            line.unit,
            line.unit_price_cents,
            line.vat_rate_bp,
            line.total_net_cents,
        ]
        for line in lines
    ]


class InvoiceService:
    def __init__(self, uow: UowFactory) -> None:
        self._uow = uow

    # -- reading ------------------------------------------------------------------------------
    @requires(Permission.BILLING)
    def documents(
        self,
        site_id: uuid.UUID,
        *,
        kind: str | None = None,
        search: str = "",
        today: date | None = None,
    ) -> list[InvoiceRow]:
        """The place's documents, newest first (the first :data:`MAX_LIST`); ``search``
        matches the number, the client or the subject."""
        with self._uow(read_only=True) as uow:
            day = today or _today(uow, site_id)
            query = (
                select(Invoice, col(Client.name))
                .join(Client, col(Client.id) == col(Invoice.client_id))
                .where(col(Invoice.site_id) == site_id)
            )
            if kind:
                query = query.where(col(Invoice.kind) == kind)
            words = search.strip().lower()
            if words:
                pattern = f"%{words}%"
                query = query.where(
                    func.lower(func.coalesce(Invoice.number, "")).like(pattern)
                    | func.lower(Client.name).like(pattern)
                    | func.lower(Invoice.subject).like(pattern)
                )
            query = query.order_by(
                col(Invoice.issued_on).is_(None).desc(),
                col(Invoice.issued_on).desc(),
                col(Invoice.seq).desc(),
                col(Invoice.created_at).desc(),
            ).limit(MAX_LIST)
            found = uow.session.execute(query).all()
            ids = [inv.id for inv, _name in found]
            credited, paid = _sums(uow.session, ids)
            return [
                _row(inv, name, credited.get(inv.id, 0), paid.get(inv.id, 0), day)
                for inv, name in found
            ]

    @requires(Permission.BILLING)
    def get(self, invoice_id: uuid.UUID, *, today: date | None = None) -> InvoiceInfo:
        with self._uow(read_only=True) as uow:
            invoice = self._load(uow.session, invoice_id)
            return _info(uow, invoice, today or _today(uow, invoice.site_id))

    @requires(Permission.BILLING)
    def document(self, invoice_id: uuid.UUID, *, today: date | None = None) -> InvoiceDocument:
        """What the PDF shows: the issued document as it was issued; a draft with the
        seller's and client's present details, marked « Brouillon »."""
        with self._uow(read_only=True) as uow:
            invoice = self._load(uow.session, invoice_id)
            day = today or _today(uow, invoice.site_id)
            info = _info(uow, invoice, day)
            settings = billing.load(uow.session, invoice.site_id)
        seller = info.seller
        franchise = seller.get("vat_regime", settings.vat_regime) != billing.LIABLE
        kind = InvoiceKind(info.row.kind)
        draft = info.row.status == DRAFT
        title = _(KIND_LABELS[kind])
        mentions: list[str] = []
        if franchise:
            mentions.append(_(FRANCHISE_MENTION))
        if kind == InvoiceKind.QUOTE:
            if info.row.due_on is not None:
                mentions.append(
                    _("Devis valable jusqu'au {date}.").format(
                        date=format_date(info.row.due_on, "long")
                    )
                )
            mentions.append(_("Bon pour accord — date et signature du client :"))
        elif kind == InvoiceKind.CREDIT:
            if info.credits_number:
                mentions.append(
                    _("Avoir sur la facture {number} du {date}.").format(
                        number=info.credits_number,
                        date=format_date(info.credits_issued_on or day, "long"),
                    )
                )
        else:
            if info.row.due_on is not None:
                mentions.append(
                    _("Date d'échéance : {date}.").format(date=format_date(info.row.due_on, "long"))
                )
            mentions.append(_("Pas d'escompte pour paiement anticipé."))
            penalties = str(seller.get("late_penalties") or settings.penalties_text)
            mentions.append(penalties.rstrip(".") + ".")
            if info.buyer.get("business", True):
                mentions.append(
                    _(
                        "Indemnité forfaitaire pour frais de recouvrement en cas de retard de "
                        "paiement : {amount} (art. L441-10 du Code de commerce)."
                    ).format(amount=format_eur(RECOVERY_INDEMNITY_CENTS))
                )
            if info.quote_number:
                mentions.append(_("Selon le devis {number}.").format(number=info.quote_number))
        return InvoiceDocument(
            info=info,
            title=title,
            draft=draft,
            franchise=franchise,
            logo_path=settings.logo_path,
            mentions=tuple(mentions),
            zone_today=day,
        )

    # -- drafts -------------------------------------------------------------------------------
    @requires(Permission.BILLING)
    def create(self, site_id: uuid.UUID, kind: str, data: DocumentInput) -> InvoiceInfo:
        """A new draft quote or invoice (no number yet)."""
        if kind not in (InvoiceKind.QUOTE, InvoiceKind.INVOICE):
            raise ValidationError(_("Type"), _("un devis ou une facture"))
        with self._uow() as uow:
            settings = billing.load(uow.session, site_id)
            lines = _check_lines(data.lines, settings)
            _check_dates(data)
            self._client(uow.session, data.client_id, site_id)
            invoice = Invoice(
                site_id=site_id, kind=str(kind), status=DRAFT, client_id=data.client_id
            )
            _fill_draft(invoice, data)
            uow.session.add(invoice)
            uow.session.flush()
            _write_lines(uow.session, invoice, lines)
            audit.record(
                uow,
                action=AuditAction.CREATE,
                entity="invoice",
                entity_id=invoice.id,
                site_id=site_id,
                details={"kind": str(kind), "lines": len(lines)},
            )
            uow.commit()
            return _info(uow, invoice, _today(uow, site_id))

    @requires(Permission.BILLING)
    def update(self, invoice_id: uuid.UUID, data: DocumentInput) -> InvoiceInfo:
        """Change a draft (its lines replaced); an issued document is refused."""
        with self._uow() as uow:
            invoice = self._load(uow.session, invoice_id)
            self._require_draft(invoice)
            settings = billing.load(uow.session, invoice.site_id)
            lines = _check_lines(data.lines, settings)
            _check_dates(data)
            self._client(uow.session, data.client_id, invoice.site_id)
            invoice.client_id = data.client_id
            _fill_draft(invoice, data)
            for old in _lines(uow.session, invoice.id):
                uow.session.delete(old)
            uow.session.flush()
            _write_lines(uow.session, invoice, lines)
            uow.session.add(invoice)
            audit.record(
                uow,
                action=AuditAction.UPDATE,
                entity="invoice",
                entity_id=invoice.id,
                site_id=invoice.site_id,
                details={"lines": len(lines)},
            )
            uow.commit()
            return _info(uow, invoice, _today(uow, invoice.site_id))

    @requires(Permission.BILLING)
    def delete(self, invoice_id: uuid.UUID) -> None:
        """Delete a draft; an issued document is refused (a credit note corrects it)."""
        with self._uow() as uow:
            invoice = self._load(uow.session, invoice_id)
            self._require_draft(invoice)
            for line in _lines(uow.session, invoice.id):
                uow.session.delete(line)
            uow.session.flush()  # the lines first (each leaves its tombstone)
            uow.session.delete(invoice)
            audit.record(
                uow,
                action=AuditAction.DELETE,
                entity="invoice",
                entity_id=invoice.id,
                site_id=invoice.site_id,
                details={"kind": invoice.kind},
            )
            uow.commit()

    # -- issuing --------------------------------------------------------------------------------
    @requires(Permission.BILLING)
    def issue(self, invoice_id: uuid.UUID, *, issued_on: date | None = None) -> InvoiceInfo:
        """Number and issue a draft invoice: it can never change again."""
        with self._uow() as uow:
            invoice = self._load(uow.session, invoice_id)
            if invoice.kind != InvoiceKind.INVOICE:
                raise ConflictError(_("Seule une facture s'émet ; un devis s'envoie."))
            self._require_draft(invoice)
            lines = _lines(uow.session, invoice.id)
            if not lines:
                raise ValidationError(_("Lignes"), _("une facture a au moins une ligne"))
            settings = self._seller(uow.session, invoice.site_id)
            _check_lines([_as_input(x) for x in lines], settings)
            client = self._client(uow.session, invoice.client_id, invoice.site_id)
            _require_address(client)
            day = issued_on or _today(uow, invoice.site_id)
            totals = compute_totals([(x.vat_rate_bp, x.total_net_cents) for x in lines])
            if totals.total_cents < 0:
                raise ValidationError(_("Lignes"), _("le total d'une facture ne peut être négatif"))
            actor = actor_name(uow)
            self._number(uow, invoice, day)
            invoice.status = ISSUED
            invoice.issued_on = day
            invoice.due_on = day + timedelta(days=settings.payment_days)
            _seal(actor, invoice, totals, settings, client)
            uow.session.add(invoice)
            uow.session.flush()  # the one write of the issued row
            append(
                uow,
                site_id=invoice.site_id,
                kind=JournalKind.INVOICE,
                payload=_payload(invoice, lines, totals, client),
                ref_id=invoice.id,
                number=invoice.number or "",
                amount_cents=totals.total_cents,
            )
            audit.record(
                uow,
                action=AuditAction.UPDATE,
                entity="invoice",
                entity_id=invoice.id,
                site_id=invoice.site_id,
                details={"issued": invoice.number},
            )
            uow.commit()
            return _info(uow, invoice, _today(uow, invoice.site_id))

    @requires(Permission.BILLING)
    def send_quote(self, quote_id: uuid.UUID, *, issued_on: date | None = None) -> InvoiceInfo:
        """Number a draft quote « D2026-0001 » and date it: it is then sent as it is."""
        with self._uow() as uow:
            quote = self._load(uow.session, quote_id)
            if quote.kind != InvoiceKind.QUOTE:
                raise ConflictError(_("Ce document n'est pas un devis."))
            self._require_draft(quote)
            lines = _lines(uow.session, quote.id)
            if not lines:
                raise ValidationError(_("Lignes"), _("un devis a au moins une ligne"))
            settings = self._seller(uow.session, quote.site_id)
            client = self._client(uow.session, quote.client_id, quote.site_id)
            day = issued_on or _today(uow, quote.site_id)
            valid_until = quote.due_on
            if valid_until is None or valid_until < day:
                valid_until = day + timedelta(days=settings.quote_days)
            totals = compute_totals([(x.vat_rate_bp, x.total_net_cents) for x in lines])
            actor = actor_name(uow)
            self._number(uow, quote, day)
            quote.status = SENT
            quote.issued_on = day
            quote.due_on = valid_until
            _seal(actor, quote, totals, settings, client)
            uow.session.add(quote)
            audit.record(
                uow,
                action=AuditAction.UPDATE,
                entity="invoice",
                entity_id=quote.id,
                site_id=quote.site_id,
                details={"sent": quote.number},
            )
            uow.commit()
            return _info(uow, quote, day)

    @requires(Permission.BILLING)
    def invoice_quote(self, quote_id: uuid.UUID) -> InvoiceInfo:
        """A draft invoice with the quote's client, subject, period and lines, linked to it;
        the quote is marked « facturé »."""
        with self._uow() as uow:
            quote = self._load(uow.session, quote_id)
            if quote.kind != InvoiceKind.QUOTE:
                raise ConflictError(_("Ce document n'est pas un devis."))
            if quote.status == INVOICED:
                raise ConflictError(
                    _("Ce devis a déjà été facturé ({number}).").format(
                        number=quote.number or _("brouillon")
                    )
                )
            invoice = Invoice(
                site_id=quote.site_id,
                kind=str(InvoiceKind.INVOICE),
                status=DRAFT,
                client_id=quote.client_id,
                subject=quote.subject,
                service_from=quote.service_from,
                service_to=quote.service_to,
                quote_id=quote.id,
            )
            uow.session.add(invoice)
            uow.session.flush()
            settings = billing.load(uow.session, quote.site_id)
            copied = [_as_input(x) for x in _lines(uow.session, quote.id)]
            _write_lines(uow.session, invoice, _check_lines(copied, settings))
            quote.status = INVOICED
            uow.session.add(quote)
            audit.record(
                uow,
                action=AuditAction.CREATE,
                entity="invoice",
                entity_id=invoice.id,
                site_id=invoice.site_id,
                details={"quote": quote.number or ""},
            )
            uow.commit()
            return _info(uow, invoice, _today(uow, invoice.site_id))

    @requires(Permission.TILL_CANCEL)
    def credit(
        self,
        invoice_id: uuid.UUID,
        *,
        lines: Sequence[LineInput] | None = None,
        issued_on: date | None = None,
    ) -> InvoiceInfo:
        """Issue a credit note « A2026-0001 » for an issued invoice: all of it (``lines``
        ``None``: its lines copied) or part (the lines given); never more than what is left
        of the invoice once its earlier credit notes are deducted."""
        with self._uow() as uow:
            invoice = self._load(uow.session, invoice_id)
            if invoice.kind != InvoiceKind.INVOICE or invoice.number is None:
                raise ConflictError(_("Seule une facture émise peut recevoir un avoir."))
            settings = self._seller(uow.session, invoice.site_id)
            if lines is None:
                given = [_as_input(x) for x in _lines(uow.session, invoice.id)]
            else:
                given = list(lines)
            checked = _check_lines(given, settings)
            if not checked:
                raise ValidationError(_("Lignes"), _("un avoir a au moins une ligne"))
            nets = [
                (x.vat_rate_bp, line_total(x.quantity_milli, x.unit_price_cents)) for x in checked
            ]
            totals = compute_totals(nets)
            credited, _paid = _sums(uow.session, [invoice.id])
            left = invoice.total_cents - credited.get(invoice.id, 0)
            if totals.total_cents <= 0:
                raise ValidationError(_("Montant"), _("un avoir a un montant positif"))
            if totals.total_cents > left:
                raise ValidationError(
                    _("Montant"),
                    _("l'avoir ({amount}) dépasse ce qui reste de la facture ({left})").format(
                        amount=format_eur(totals.total_cents), left=format_eur(left)
                    ),
                )
            client = self._client(uow.session, invoice.client_id, invoice.site_id)
            day = issued_on or _today(uow, invoice.site_id)
            if invoice.issued_on is not None and day < invoice.issued_on:
                raise ValidationError(
                    _("Date"), _("un avoir ne peut précéder la facture qu'il corrige")
                )
            actor = actor_name(uow)
            note = Invoice(
                site_id=invoice.site_id,
                kind=str(InvoiceKind.CREDIT),
                status=ISSUED,
                client_id=invoice.client_id,
                subject=invoice.subject,
                service_from=invoice.service_from,
                service_to=invoice.service_to,
                credits_id=invoice.id,
                issued_on=day,
            )
            self._number(uow, note, day)
            _seal(actor, note, totals, settings, client)
            uow.session.add(note)
            rows = _line_rows(note, checked)
            uow.session.add_all(rows)
            uow.session.flush()  # the note and its lines, complete, in their first write
            append(
                uow,
                site_id=note.site_id,
                kind=JournalKind.CREDIT,
                payload={**_payload(note, rows, totals, client), "credits": invoice.number},
                ref_id=note.id,
                number=note.number or "",
                amount_cents=-totals.total_cents,
            )
            audit.record(
                uow,
                action=AuditAction.CREATE,
                entity="invoice",
                entity_id=note.id,
                site_id=note.site_id,
                details={"credit": note.number, "invoice": invoice.number},
            )
            uow.commit()
            return _info(uow, note, _today(uow, note.site_id))

    # -- payments -------------------------------------------------------------------------------
    @requires(Permission.BILLING)
    def record_payment(self, invoice_id: uuid.UUID, data: PaymentInput) -> InvoiceInfo:
        """Money received against an issued invoice, at most what is still due."""
        methods = {str(m) for m in PaymentMethod}
        if data.method not in methods:
            raise ValidationError(_("Moyen de paiement"), _("choisissez un moyen de paiement"))
        if data.amount_cents <= 0:
            raise ValidationError(_("Montant"), _("un montant positif"))
        reference = check_text(_("Référence"), data.reference.strip(), 60)
        with self._uow() as uow:
            invoice = self._load(uow.session, invoice_id)
            if invoice.kind != InvoiceKind.INVOICE or invoice.number is None:
                raise ConflictError(_("Un paiement s'enregistre sur une facture émise."))
            credited, paid = _sums(uow.session, [invoice.id])
            due = invoice.total_cents - credited.get(invoice.id, 0) - paid.get(invoice.id, 0)
            if data.amount_cents > due:
                raise ValidationError(
                    _("Montant"),
                    _("il reste {due} à payer sur cette facture").format(
                        due=format_eur(max(due, 0))
                    ),
                )
            if invoice.issued_on is not None and data.paid_on < invoice.issued_on:
                raise ValidationError(_("Date du paiement"), _("elle ne peut précéder la facture"))
            payment = Payment(
                site_id=invoice.site_id,
                amount_cents=data.amount_cents,
                method=data.method,
                paid_on=data.paid_on,
                reference=reference,
                invoice_id=invoice.id,
            )
            uow.session.add(payment)
            uow.session.flush()
            # Every payment is a line of the till journal, an invoice's as a ticket's.
            append(
                uow,
                site_id=invoice.site_id,
                kind=JournalKind.PAYMENT,
                payload={
                    "invoice": invoice.number,
                    "method": payment.method,
                    "amount_cents": payment.amount_cents,
                    "reference": payment.reference,
                    "paid_on": payment.paid_on.isoformat(),
                },
                ref_id=payment.id,
                number=invoice.number,
                amount_cents=payment.amount_cents,
            )
            audit.record(
                uow,
                action=AuditAction.CREATE,
                entity="payment",
                entity_id=payment.id,
                site_id=invoice.site_id,
                details={"invoice": invoice.number},
            )
            uow.commit()
            return _info(uow, invoice, _today(uow, invoice.site_id))

    # -- what the agenda has to invoice ---------------------------------------------------------
    @requires(Permission.BILLING)
    def booking_line(self, booking_id: uuid.UUID) -> Billable:
        """The line of a booking: its price (the one agreed, else the resource's hourly price
        × its duration), the resource, the day and the hours."""
        with self._uow(read_only=True) as uow:
            booking = uow.session.get(Booking, booking_id)
            if booking is None:
                raise NotFoundError(_("Cette réservation n'existe plus."))
            settings = billing.load(uow.session, booking.site_id)
            zone = site_zone(uow, booking.site_id)
            resource = uow.session.get(Resource, booking.resource_id)
            return _booking_billable(uow.session, booking, resource, settings, zone)

    @requires(Permission.BILLING)
    def billable_bookings(self, site_id: uuid.UUID, *, since: date, until: date) -> list[Billable]:
        """The place's bookings with a price between two days (not cancelled), each with its
        line and the invoice that already bills it, if any."""
        with self._uow(read_only=True) as uow:
            settings = billing.load(uow.session, site_id)
            zone = site_zone(uow, site_id)
            start = datetime.combine(since, datetime.min.time(), zone)
            end = datetime.combine(until + timedelta(days=1), datetime.min.time(), zone)
            rows = uow.session.execute(
                select(Booking, Resource)
                .join(Resource, col(Resource.id) == col(Booking.resource_id))
                .where(col(Booking.site_id) == site_id)
                .where(col(Booking.start_at) >= start.astimezone(UTC))
                .where(col(Booking.start_at) < end.astimezone(UTC))
                .where(col(Booking.cancelled_at).is_(None))
                .where(
                    col(Booking.price_cents).is_not(None)
                    | col(Resource.hourly_price_cents).is_not(None)
                )
                .order_by(col(Booking.start_at))
                .limit(MAX_LIST)
            ).all()
            found = []
            for booking, resource in rows:
                item = _booking_billable(uow.session, booking, resource, settings, zone)
                if item.line.unit_price_cents > 0:
                    found.append(item)
            return found

    @requires(Permission.BILLING)
    def pass_line(self, pass_id: uuid.UUID) -> Billable:
        """The line of a coworking pass: its formula and its price."""
        with self._uow(read_only=True) as uow:
            bought = uow.session.get(CoworkingPass, pass_id)
            if bought is None:
                raise NotFoundError(_("Ce pass n'existe plus."))
            settings = billing.load(uow.session, bought.site_id)
            kind = uow.session.get(PassType, bought.pass_type_id)
            return _pass_billable(
                bought,
                kind,
                settings,
                invoiced=_invoiced_by(uow.session, pass_id=bought.id),
                client=_client_of(uow.session, bought.site_id, bought.person_id, ""),
            )

    @requires(Permission.BILLING)
    def billable_passes(
        self, site_id: uuid.UUID, *, since: date, person_id: uuid.UUID | None = None
    ) -> list[Billable]:
        """The coworking passes sold at the place since a day (of one person when given)
        with a price and on no issued invoice yet, the latest first, each with its line,
        its buyer and the client linked to the buyer, if any."""
        with self._uow(read_only=True) as uow:
            settings = billing.load(uow.session, site_id)
            on_invoice = (
                select(col(InvoiceLine.id))
                .join(Invoice, col(Invoice.id) == col(InvoiceLine.invoice_id))
                .where(
                    col(InvoiceLine.pass_id) == col(CoworkingPass.id),
                    col(Invoice.kind) == InvoiceKind.INVOICE,
                    col(Invoice.number).is_not(None),
                )
                .exists()
            )
            query = (
                select(CoworkingPass, PassType, Person)
                .join(PassType, col(PassType.id) == col(CoworkingPass.pass_type_id))
                .join(Person, col(Person.id) == col(CoworkingPass.person_id))
                .where(col(CoworkingPass.site_id) == site_id)
                .where(col(CoworkingPass.purchased_on) >= since)
                .where(col(CoworkingPass.price_cents) > 0)
                .where(~on_invoice)
            )
            if person_id is not None:
                query = query.where(col(CoworkingPass.person_id) == person_id)
            rows = uow.session.execute(
                query.order_by(
                    col(CoworkingPass.purchased_on).desc(), col(CoworkingPass.created_at).desc()
                ).limit(MAX_LIST)
            ).all()
            people = {bought.person_id for bought, _kind, _person in rows}
            clients: dict[uuid.UUID, ClientInfo] = {}
            if people:
                for row in uow.session.execute(
                    select(Client)
                    .where(col(Client.site_id) == site_id, col(Client.active).is_(True))
                    .where(col(Client.person_id).in_(people))
                ).scalars():
                    if row.person_id is not None:
                        clients.setdefault(row.person_id, client_info(row))
            return [
                _pass_billable(
                    bought,
                    kind,
                    settings,
                    client=clients.get(bought.person_id),
                    holder=display_name(person),
                )
                for bought, kind, person in rows
            ]

    # -- inner workings -------------------------------------------------------------------------
    @staticmethod
    def _load(session: Session, invoice_id: uuid.UUID) -> Invoice:
        invoice = session.get(Invoice, invoice_id)
        if invoice is None:
            raise NotFoundError(_("Ce document n'existe plus."))
        return invoice

    @staticmethod
    def _require_draft(invoice: Invoice) -> None:
        if invoice.status != DRAFT or (
            invoice.number is not None and invoice.kind != InvoiceKind.QUOTE
        ):
            if invoice.kind == InvoiceKind.QUOTE and invoice.number is None:
                raise ConflictError(_("Ce devis a été facturé : faites-en un nouveau."))
            if invoice.kind == InvoiceKind.QUOTE:
                raise ConflictError(
                    _("Le devis {number} est envoyé : faites-en un nouveau.").format(
                        number=invoice.number
                    )
                )
            raise ConflictError(
                _(
                    "{kind} {number} est émise : elle ne se modifie ni ne se supprime plus. "
                    "Établissez un avoir pour la corriger."
                ).format(kind=_(KIND_LABELS[InvoiceKind(invoice.kind)]), number=invoice.number)
            )

    @staticmethod
    def _client(session: Session, client_id: uuid.UUID, site_id: uuid.UUID) -> ClientInfo:
        client = session.get(Client, client_id)
        if client is None or client.site_id != site_id:
            raise ValidationError(_("Client"), _("ce client n'existe plus"))
        return client_info(client)

    @staticmethod
    def _seller(session: Session, site_id: uuid.UUID) -> BillingSettings:
        settings = billing.load(session, site_id)
        missing = settings.missing_for_invoices()
        if missing:
            raise ValidationError(
                _("Facturation"),
                _("à compléter dans Paramètres › Facturation : {fields}").format(
                    fields=", ".join(missing)
                ),
            )
        return settings

    @staticmethod
    def _number(uow: UnitOfWork, invoice: Invoice, day: date) -> None:
        """Give ``invoice`` the next number of its kind for the year of ``day``; the place's
        chain is held first, and numbers follow the dates (no document dated before the last
        one of its kind)."""
        lock_chain(uow, invoice.site_id)
        last = uow.session.execute(
            select(func.max(_INVOICES.c.seq), func.max(_INVOICES.c.issued_on)).where(
                _INVOICES.c.site_id == invoice.site_id,
                _INVOICES.c.kind == invoice.kind,
                _INVOICES.c.year == day.year,
            )
        ).one()
        if last[1] is not None and day < last[1]:
            raise ValidationError(
                _("Date"),
                _(
                    "le dernier document de ce type est daté du {date} : "
                    "la numérotation suit les dates"
                ).format(date=format_date(last[1])),
            )
        seq = int(last[0] or 0) + 1
        invoice.year = day.year
        invoice.seq = seq
        invoice.number = document_number(invoice.kind, day.year, seq)


def _require_address(client: ClientInfo) -> None:
    """An invoice names its client's address (art. 242 nonies A, annexe II du CGI)."""
    if not (client.address and client.city):
        raise ValidationError(
            _("Client"),
            _(
                "l'adresse de « {name} » manque : une facture la porte "
                "(Caisse et factures › Clients › Modifier)"
            ).format(name=client.name),
        )


def _today(uow: UnitOfWork, site_id: uuid.UUID) -> date:
    return to_place_time(utcnow(), site_zone(uow, site_id)).date()


def _fill_draft(invoice: Invoice, data: DocumentInput) -> None:
    invoice.subject = check_text(_("Objet"), data.subject.strip(), 200)
    invoice.service_from = data.service_from
    invoice.service_to = data.service_to
    if invoice.kind == InvoiceKind.QUOTE:
        invoice.due_on = data.valid_until


def _line_rows(invoice: Invoice, lines: Sequence[LineInput]) -> list[InvoiceLine]:
    return [
        InvoiceLine(
            site_id=invoice.site_id,
            invoice_id=invoice.id,
            position=n,
            description=line.description,
            quantity_milli=line.quantity_milli,
            unit=line.unit,
            unit_price_cents=line.unit_price_cents,
            vat_rate_bp=line.vat_rate_bp,
            total_net_cents=line_total(line.quantity_milli, line.unit_price_cents),
            booking_id=line.booking_id,
            pass_id=line.pass_id,
        )
        for n, line in enumerate(lines)
    ]


def _write_lines(session: Session, invoice: Invoice, lines: Sequence[LineInput]) -> None:
    session.add_all(_line_rows(invoice, lines))
    session.flush()
    totals = compute_totals(
        [(x.vat_rate_bp, line_total(x.quantity_milli, x.unit_price_cents)) for x in lines]
    )
    invoice.total_net_cents = totals.net_cents
    invoice.total_vat_cents = totals.vat_cents
    invoice.total_cents = totals.total_cents
    session.add(invoice)


def _lines(session: Session, invoice_id: uuid.UUID) -> list[InvoiceLine]:
    from sqlmodel import select as sm_select

    return list(
        session.exec(
            sm_select(InvoiceLine)
            .where(InvoiceLine.invoice_id == invoice_id)
            .order_by(col(InvoiceLine.position))
        ).all()
    )


def _as_input(line: InvoiceLine) -> LineInput:
    return LineInput(
        description=line.description,
        quantity_milli=line.quantity_milli,
        unit=line.unit,
        unit_price_cents=line.unit_price_cents,
        vat_rate_bp=line.vat_rate_bp,
        booking_id=line.booking_id,
        pass_id=line.pass_id,
    )


def _seal(
    actor: str,
    invoice: Invoice,
    totals: Totals,
    settings: BillingSettings,
    client: ClientInfo,
) -> None:
    """The values an issued document keeps for ever, set before its one write (nothing
    here reads the database: a read would flush the row half-written)."""
    invoice.total_net_cents = totals.net_cents
    invoice.total_vat_cents = totals.vat_cents
    invoice.total_cents = totals.total_cents
    invoice.seller = json.dumps(settings.snapshot(), sort_keys=True)
    invoice.buyer = json.dumps(buyer_snapshot(client), sort_keys=True)
    invoice.issued_by = actor[:120]


def _payload(
    invoice: Invoice, lines: Sequence[InvoiceLine], totals: Totals, client: ClientInfo
) -> dict[str, Any]:
    return {
        "number": invoice.number,
        "issued_on": invoice.issued_on.isoformat() if invoice.issued_on else None,
        "client": client.name,
        "siret": client.siret,
        "lines": _journal_lines(lines),
        "net": totals.net_cents,
        "vat": {str(r.rate_bp): [r.net_cents, r.vat_cents] for r in totals.by_rate},
        "total": totals.total_cents,
    }


def _sums(
    session: Session, ids: Sequence[uuid.UUID]
) -> tuple[dict[uuid.UUID, int], dict[uuid.UUID, int]]:
    """Per invoice: what its credit notes took off, what was paid."""
    if not ids:
        return {}, {}
    credited: dict[uuid.UUID, int] = {}
    paid: dict[uuid.UUID, int] = {}
    for chunk_start in range(0, len(ids), 400):
        chunk = list(ids[chunk_start : chunk_start + 400])
        for invoice_id, total in session.execute(
            select(_INVOICES.c.credits_id, func.sum(_INVOICES.c.total_cents))
            .where(_INVOICES.c.credits_id.in_(chunk))
            .group_by(_INVOICES.c.credits_id)
        ).all():
            credited[invoice_id] = int(total or 0)
        for invoice_id, total in session.execute(
            select(_PAYMENTS.c.invoice_id, func.sum(_PAYMENTS.c.amount_cents))
            .where(_PAYMENTS.c.invoice_id.in_(chunk))
            .group_by(_PAYMENTS.c.invoice_id)
        ).all():
            paid[invoice_id] = int(total or 0)
    return credited, paid


def _state(invoice: Invoice, credited: int, paid: int, today: date) -> str:
    if invoice.kind != InvoiceKind.INVOICE or invoice.status == DRAFT:
        return invoice.status
    due = invoice.total_cents - credited - paid
    if due <= 0:
        return PAID
    if invoice.due_on is not None and invoice.due_on < today:
        return OVERDUE
    if paid > 0 or credited > 0:
        return PARTLY_PAID
    return TO_PAY


def _row(invoice: Invoice, client_name: str, credited: int, paid: int, today: date) -> InvoiceRow:
    return InvoiceRow(
        id=invoice.id,
        kind=invoice.kind,
        status=invoice.status,
        number=invoice.number,
        client_id=invoice.client_id,
        client_name=client_name,
        subject=invoice.subject,
        issued_on=invoice.issued_on,
        due_on=invoice.due_on,
        total_cents=invoice.total_cents,
        credited_cents=credited,
        paid_cents=paid,
        state=_state(invoice, credited, paid, today),
        created_at=invoice.created_at,
    )


def _info(uow: UnitOfWork, invoice: Invoice, today: date) -> InvoiceInfo:
    session = uow.session
    client = session.get(Client, invoice.client_id)
    assert client is not None
    credited, paid = _sums(session, [invoice.id])
    lines = _lines(session, invoice.id)
    totals = compute_totals([(x.vat_rate_bp, x.total_net_cents) for x in lines])
    if invoice.number is not None and invoice.kind != InvoiceKind.QUOTE:
        # What was issued is what the row says (its totals were sealed with it).
        totals = Totals(
            invoice.total_net_cents, invoice.total_vat_cents, invoice.total_cents, totals.by_rate
        )
    quote = session.get(Invoice, invoice.quote_id) if invoice.quote_id else None
    credits = session.get(Invoice, invoice.credits_id) if invoice.credits_id else None
    payments = session.execute(
        select(Payment).where(col(Payment.invoice_id) == invoice.id).order_by(col(Payment.paid_on))
    ).scalars()
    if invoice.status == DRAFT:
        seller = billing.load(session, invoice.site_id).snapshot()
        buyer: dict[str, Any] = buyer_snapshot(client_info(client))
    else:
        seller = json.loads(invoice.seller or "{}")
        buyer = json.loads(invoice.buyer or "{}")
    return InvoiceInfo(
        row=_row(invoice, client.name, credited.get(invoice.id, 0), paid.get(invoice.id, 0), today),
        site_id=invoice.site_id,
        service_from=invoice.service_from,
        service_to=invoice.service_to,
        quote_id=invoice.quote_id,
        quote_number=quote.number if quote else None,
        credits_id=invoice.credits_id,
        credits_number=credits.number if credits else None,
        credits_issued_on=credits.issued_on if credits else None,
        totals=totals,
        lines=tuple(
            LineInfo(
                id=x.id,
                position=x.position,
                description=x.description,
                quantity_milli=x.quantity_milli,
                unit=x.unit,
                unit_price_cents=x.unit_price_cents,
                vat_rate_bp=x.vat_rate_bp,
                total_net_cents=x.total_net_cents,
                booking_id=x.booking_id,
                pass_id=x.pass_id,
            )
            for x in lines
        ),
        payments=tuple(
            PaymentInfo(p.id, p.amount_cents, p.method, p.paid_on, p.reference) for p in payments
        ),
        seller=seller,
        buyer=buyer,
        issued_by=invoice.issued_by,
    )


def _priced_line(
    description: str,
    quantity_milli: int,
    unit: str,
    unit_gross_cents: int,
    settings: BillingSettings,
    *,
    booking_id: uuid.UUID | None = None,
    pass_id: uuid.UUID | None = None,
) -> LineInput:
    """A line from a price the client pays: under the franchise as it is, else its price
    before VAT at the place's usual rate."""
    rate = settings.default_rate_bp
    unit_price = unit_gross_cents if rate == 0 else net_from_gross(unit_gross_cents, rate)
    return LineInput(
        description=description[:300],
        quantity_milli=quantity_milli,
        unit=unit[:12],
        unit_price_cents=unit_price,
        vat_rate_bp=rate,
        booking_id=booking_id,
        pass_id=pass_id,
    )


def _booking_billable(
    session: Session,
    booking: Booking,
    resource: Resource | None,
    settings: BillingSettings,
    zone: Any,
) -> Billable:
    hourly = resource.hourly_price_cents if resource is not None else None
    price = booking.price_cents
    if price is None:
        price = price_for(hourly, booking.start_at, booking.end_at)
    if price is None:
        raise ValidationError(
            _("Réservation"),
            _("ni la réservation ni la ressource n'ont de prix : saisissez la ligne à la main"),
        )
    start = to_place_time(booking.start_at, zone)
    end = to_place_time(booking.end_at, zone)
    name = resource.name if resource is not None else _("Réservation")
    label = _("{resource} — {day}, {start}–{end}").format(
        resource=name,
        day=format_date(start.date(), "long"),
        start=format_time(start.time()),
        end=format_time(end.time()),
    )
    if booking.title:
        label += f" ({booking.title})"
    seconds = int((booking.end_at - booking.start_at).total_seconds())
    exact = (seconds * 1000) % 3600 == 0
    quantity = seconds * 1000 // 3600
    if hourly is not None and exact and quantity > 0 and line_total(quantity, hourly) == price:
        line = _priced_line(label, quantity, _("h"), hourly, settings, booking_id=booking.id)
    else:
        line = _priced_line(label, 1000, _("forfait"), price, settings, booking_id=booking.id)
    return Billable(
        line=line,
        label=label,
        service_on=start.date(),
        person_id=booking.person_id,
        organisation=booking.organisation,
        invoiced=_invoiced_by(session, booking_id=booking.id),
        client=_client_of(session, booking.site_id, booking.person_id, booking.organisation),
    )


def _pass_billable(
    bought: CoworkingPass,
    kind: PassType | None,
    settings: BillingSettings,
    *,
    invoiced: str | None = None,
    client: ClientInfo | None = None,
    holder: str = "",
) -> Billable:
    name = kind.name if kind is not None else _("Pass coworking")
    price = (
        bought.price_cents if bought.price_cents is not None else (kind.price_cents if kind else 0)
    )
    if bought.valid_until == bought.valid_from:  # a day or a half-day
        label = _("{name} — le {day}").format(name=name, day=format_date(bought.valid_from))
    elif bought.valid_until is not None:
        label = _("{name} — valable du {start} au {end}").format(
            name=name,
            start=format_date(bought.valid_from),
            end=format_date(bought.valid_until),
        )
    else:
        label = _("{name} — à partir du {start}").format(
            name=name, start=format_date(bought.valid_from)
        )
    line = _priced_line(label, 1000, _("forfait"), price, settings, pass_id=bought.id)
    return Billable(
        line=line,
        label=label,
        service_on=bought.valid_from,
        person_id=bought.person_id,
        organisation="",
        invoiced=invoiced,
        client=client,
        holder=holder,
    )


def _invoiced_by(
    session: Session, *, booking_id: uuid.UUID | None = None, pass_id: uuid.UUID | None = None
) -> str | None:
    query = (
        select(col(Invoice.number))
        .join(InvoiceLine, col(InvoiceLine.invoice_id) == col(Invoice.id))
        .where(col(Invoice.kind) == InvoiceKind.INVOICE, col(Invoice.number).is_not(None))
    )
    if booking_id is not None:
        query = query.where(col(InvoiceLine.booking_id) == booking_id)
    else:
        query = query.where(col(InvoiceLine.pass_id) == pass_id)
    return session.execute(query.limit(1)).scalar()


def _client_of(
    session: Session, site_id: uuid.UUID, person_id: uuid.UUID | None, organisation: str
) -> ClientInfo | None:
    """The client a booking or a pass is likely billed to: the one linked to its person,
    else the one named like its organisation."""
    query = select(Client).where(col(Client.site_id) == site_id, col(Client.active).is_(True))
    row = None
    if person_id is not None:
        row = session.execute(query.where(col(Client.person_id) == person_id).limit(1)).scalar()
    if row is None and organisation.strip():
        row = session.execute(
            query.where(func.lower(Client.name) == organisation.strip().lower()).limit(1)
        ).scalar()
    return None if row is None else client_info(row)
