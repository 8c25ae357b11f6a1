"""Reading quotes, invoices and credit notes: the list of a place's documents, one document
with its lines, payments and parties, and what its PDF shows (title, mentions); the amount
still due (credit notes and payments summed per invoice) and the state worked out when read
(« payée », « à payer », « échue »…), never stored.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session, col

from tiers_lieu.db import UnitOfWork
from tiers_lieu.i18n import _, format_date, format_eur, to_place_time
from tiers_lieu.models import Client, Invoice, Payment, utcnow
from tiers_lieu.models.enums import InvoiceKind
from tiers_lieu.services.access import Permission, requires
from tiers_lieu.services.sites import site_zone
from tiers_lieu.services.till import billing
from tiers_lieu.services.till.billing import FRANCHISE_MENTION
from tiers_lieu.services.till.clients import buyer_snapshot, client_info
from tiers_lieu.services.till.invoice_base import InvoiceBase
from tiers_lieu.services.till.invoice_lines import _lines
from tiers_lieu.services.till.invoice_models import (
    DRAFT,
    KIND_LABELS,
    MAX_LIST,
    OVERDUE,
    PAID,
    PARTLY_PAID,
    RECOVERY_INDEMNITY_CENTS,
    TO_PAY,
    InvoiceDocument,
    InvoiceInfo,
    InvoiceRow,
    LineInfo,
    PaymentInfo,
    Totals,
    compute_totals,
)
from tiers_lieu.services.till.prints import printed

_INVOICES = Invoice.__table__  # type: ignore[attr-defined]
_PAYMENTS = Payment.__table__  # type: ignore[attr-defined]


class InvoiceReads(InvoiceBase):
    """The reading part of the invoice service."""

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
        seller's and client's present details, marked « Brouillon ». Reading records
        nothing: an issued document printed before is marked « Duplicata » (printing is
        :meth:`~.invoice_prints.InvoicePrints.print_document`)."""
        with self._uow(read_only=True) as uow:
            invoice = self._load(uow.session, invoice_id)
            day = today or _today(uow, invoice.site_id)
            again = issued(invoice) and printed(uow, invoice.site_id, invoice.id)
            return _document(uow, invoice, day, duplicate=again)


def issued(invoice: Invoice) -> bool:
    """An invoice or a credit note issued: a document whose prints are recorded (a quote,
    even sent, and a draft are not)."""
    return invoice.kind != InvoiceKind.QUOTE and invoice.number is not None


def _document(
    uow: UnitOfWork,
    invoice: Invoice,
    day: date,
    *,
    duplicate: bool = False,
    reprint: int = 0,
    reprinted: str = "",
) -> InvoiceDocument:
    """What the PDF of ``invoice`` shows (``day``: today on the place's clock)."""
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
        duplicate=duplicate,
        reprint=reprint,
        reprinted=reprinted,
    )


def _today(uow: UnitOfWork, site_id: uuid.UUID) -> date:
    return to_place_time(utcnow(), site_zone(uow, site_id)).date()


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
