"""A document's lines: checked against the limits and the place's VAT regime, with the
service period; written as ``invoice_line`` rows (and the document's totals with them), read
back in order, copied as inputs, and as the till journal records them.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlmodel import Session, col

from tiers_lieu.errors import ValidationError
from tiers_lieu.i18n import _
from tiers_lieu.models import Invoice, InvoiceLine
from tiers_lieu.services.till.billing import VAT_RATES_BP, BillingSettings
from tiers_lieu.services.till.invoice_models import (
    MAX_LINES,
    MAX_QUANTITY_MILLI,
    MAX_UNIT_CENTS,
    DocumentInput,
    LineInput,
    compute_totals,
    line_total,
)
from tiers_lieu.validation import check_text


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
