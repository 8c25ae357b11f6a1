"""Payments received against an issued invoice: at most what is still due, never dated
before the invoice, each one a ``payment`` row and a PAYMENT line of the till journal.
"""

from __future__ import annotations

import uuid

from tiers_lieu.errors import ConflictError, ValidationError
from tiers_lieu.i18n import _, format_eur
from tiers_lieu.models import Payment
from tiers_lieu.models.enums import AuditAction, InvoiceKind, JournalKind, PaymentMethod
from tiers_lieu.services import audit
from tiers_lieu.services.access import Permission, requires
from tiers_lieu.services.till.invoice_base import InvoiceBase
from tiers_lieu.services.till.invoice_models import InvoiceInfo, PaymentInput
from tiers_lieu.services.till.invoice_reads import _info, _sums, _today
from tiers_lieu.services.till.journal import append
from tiers_lieu.validation import check_text


class InvoicePayments(InvoiceBase):
    """The payments part of the invoice service."""

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
