"""Numbering and issuing: a draft invoice issued « F2026-0001 » (continuous per place and
year, the place's chain held, the numbers following the dates), a quote sent « D2026-0001 »,
a credit note « A2026-0001 » issued at once; the seller's and client's details sealed with
the document in its one write, and its INVOICE or CREDIT line of the till journal.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select

from tiers_lieu.db import UnitOfWork
from tiers_lieu.errors import ConflictError, ValidationError
from tiers_lieu.i18n import _, format_date, format_eur
from tiers_lieu.models import Invoice, InvoiceLine
from tiers_lieu.models.enums import AuditAction, InvoiceKind, JournalKind
from tiers_lieu.services import audit
from tiers_lieu.services.access import Permission, requires
from tiers_lieu.services.till.billing import BillingSettings
from tiers_lieu.services.till.clients import ClientInfo, buyer_snapshot
from tiers_lieu.services.till.invoice_base import InvoiceBase
from tiers_lieu.services.till.invoice_lines import (
    _as_input,
    _check_lines,
    _journal_lines,
    _line_rows,
    _lines,
)
from tiers_lieu.services.till.invoice_models import (
    ISSUED,
    SENT,
    InvoiceInfo,
    LineInput,
    Totals,
    compute_totals,
    document_number,
    line_total,
)
from tiers_lieu.services.till.invoice_reads import _INVOICES, _info, _sums, _today
from tiers_lieu.services.till.journal import actor_name, append, lock_chain


class InvoiceIssuing(InvoiceBase):
    """The numbering part of the invoice service."""

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
