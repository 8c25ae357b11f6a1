"""Printing quotes, invoices and credit notes: an issued invoice or credit note is the original
the first time its PDF is written and a « Duplicata » every time after, each print a line of the
till journal (PRINT, then DUPLICATE: :mod:`.prints`, as a closure's) and an EXPORT audit line;
a draft or a quote prints as it reads, recording nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date

from tiers_lieu.i18n import format_datetime
from tiers_lieu.models.enums import AuditAction, InvoiceKind
from tiers_lieu.services import audit
from tiers_lieu.services.access import Permission, requires
from tiers_lieu.services.sites import site_zone
from tiers_lieu.services.till.invoice_base import InvoiceBase
from tiers_lieu.services.till.invoice_models import InvoiceDocument
from tiers_lieu.services.till.invoice_reads import _document, _today, issued
from tiers_lieu.services.till.prints import record_print


class InvoicePrints(InvoiceBase):
    """The printing part of the invoice service."""

    @requires(Permission.BILLING)
    def print_document(
        self,
        invoice_id: uuid.UUID,
        *,
        today: date | None = None,
        write: Callable[[InvoiceDocument], object] | None = None,
    ) -> InvoiceDocument:
        """The document to write as a PDF now: an issued invoice or credit note is recorded
        as printed (the original the first time, a « Duplicata » after, numbered, with when
        it was printed); a draft or a quote is what :meth:`document` gives.

        ``write`` (the PDF's writer) runs before the print is committed: a PDF that could not
        be written (a folder refused, a key pulled out) is not recorded, and the next one is
        still the original."""
        with self._uow() as uow:
            invoice = self._load(uow.session, invoice_id)
            day = today or _today(uow, invoice.site_id)
            if not issued(invoice):
                document = _document(uow, invoice, day)
                if write is not None:
                    write(document)
                return document
            number = invoice.number or ""
            credit = invoice.kind == InvoiceKind.CREDIT
            done = record_print(
                uow,
                site_id=invoice.site_id,
                ref_id=invoice.id,
                number=number,
                amount_cents=-invoice.total_cents if credit else invoice.total_cents,
                payload={"document": invoice.kind, "number": number},
            )
            audit.record(
                uow,
                action=AuditAction.EXPORT,
                entity="invoice",
                entity_id=invoice.id,
                site_id=invoice.site_id,
                details={"number": number, "duplicate": done.duplicate},
            )
            when = format_datetime(done.at, site_zone(uow, invoice.site_id))
            document = _document(
                uow,
                invoice,
                day,
                duplicate=done.duplicate,
                reprint=done.reprint,
                reprinted=when if done.duplicate else "",
            )
            if write is not None:
                write(document)
            uow.commit()
            return document
