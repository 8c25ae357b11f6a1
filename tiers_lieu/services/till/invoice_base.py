"""The base of the parts of :class:`~tiers_lieu.services.till.invoices.InvoiceService`:
its unit-of-work factory and the look-ups every part makes — a document (« n'existe plus »),
a draft only (an issued document is refused with a sentence), a client of the place, the
seller's « Facturation » settings complete enough to issue.
"""

from __future__ import annotations

import uuid

from sqlmodel import Session

from tiers_lieu.db import UowFactory
from tiers_lieu.errors import ConflictError, NotFoundError, ValidationError
from tiers_lieu.i18n import _
from tiers_lieu.models import Client, Invoice
from tiers_lieu.models.enums import InvoiceKind
from tiers_lieu.services.till import billing
from tiers_lieu.services.till.billing import BillingSettings
from tiers_lieu.services.till.clients import ClientInfo, client_info
from tiers_lieu.services.till.invoice_models import DRAFT, KIND_LABELS


class InvoiceBase:
    """What the invoice service's parts share (the service sets ``_uow``)."""

    _uow: UowFactory

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
