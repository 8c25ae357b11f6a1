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

An issued invoice's or credit note's PDF is the original the first time it is written and a
« Duplicata » every time after, each print a line of the till journal (:mod:`.invoice_prints`).

The service is put together from its parts: reading (:mod:`.invoice_reads`), numbering
and issuing (:mod:`.invoice_issue`), printing (:mod:`.invoice_prints`), payments
(:mod:`.invoice_payments`) and what the agenda has to invoice (:mod:`.invoice_agenda`); this
module keeps the drafts. The shapes
and amounts are in :mod:`.invoice_models`, the lines in :mod:`.invoice_lines`.
"""

from __future__ import annotations

import uuid

from tiers_lieu.db import UowFactory
from tiers_lieu.errors import ConflictError, ValidationError
from tiers_lieu.i18n import _
from tiers_lieu.models import Invoice
from tiers_lieu.models.enums import AuditAction, InvoiceKind
from tiers_lieu.services import audit
from tiers_lieu.services.access import Permission, requires
from tiers_lieu.services.till import billing
from tiers_lieu.services.till.invoice_agenda import Billable, InvoiceAgenda
from tiers_lieu.services.till.invoice_issue import InvoiceIssuing
from tiers_lieu.services.till.invoice_lines import (
    _as_input,
    _check_dates,
    _check_lines,
    _lines,
    _write_lines,
)
from tiers_lieu.services.till.invoice_models import (
    DRAFT,
    INVOICED,
    ISSUED,
    KIND_LABELS,
    MAX_LINES,
    MAX_LIST,
    MAX_QUANTITY_MILLI,
    MAX_UNIT_CENTS,
    OVERDUE,
    PAID,
    PARTLY_PAID,
    PREFIXES,
    RECOVERY_INDEMNITY_CENTS,
    SENT,
    STATE_LABELS,
    TO_PAY,
    DocumentInput,
    InvoiceDocument,
    InvoiceInfo,
    InvoiceRow,
    LineInfo,
    LineInput,
    PaymentInfo,
    PaymentInput,
    Totals,
    VatRow,
    compute_totals,
    document_number,
    line_total,
    net_from_gross,
    round_half_up,
)
from tiers_lieu.services.till.invoice_payments import InvoicePayments
from tiers_lieu.services.till.invoice_prints import InvoicePrints
from tiers_lieu.services.till.invoice_reads import InvoiceReads, _info, _today
from tiers_lieu.validation import check_text

__all__ = [
    "DRAFT",
    "INVOICED",
    "ISSUED",
    "KIND_LABELS",
    "MAX_LINES",
    "MAX_LIST",
    "MAX_QUANTITY_MILLI",
    "MAX_UNIT_CENTS",
    "OVERDUE",
    "PAID",
    "PARTLY_PAID",
    "PREFIXES",
    "RECOVERY_INDEMNITY_CENTS",
    "SENT",
    "STATE_LABELS",
    "TO_PAY",
    "Billable",
    "DocumentInput",
    "InvoiceDocument",
    "InvoiceInfo",
    "InvoiceRow",
    "InvoiceService",
    "LineInfo",
    "LineInput",
    "PaymentInfo",
    "PaymentInput",
    "Totals",
    "VatRow",
    "compute_totals",
    "document_number",
    "line_total",
    "net_from_gross",
    "round_half_up",
]


class InvoiceService(InvoiceReads, InvoiceIssuing, InvoicePrints, InvoicePayments, InvoiceAgenda):
    def __init__(self, uow: UowFactory) -> None:
        self._uow = uow

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


def _fill_draft(invoice: Invoice, data: DocumentInput) -> None:
    invoice.subject = check_text(_("Objet"), data.subject.strip(), 200)
    invoice.service_from = data.service_from
    invoice.service_to = data.service_to
    if invoice.kind == InvoiceKind.QUOTE:
        invoice.due_on = data.valid_until
