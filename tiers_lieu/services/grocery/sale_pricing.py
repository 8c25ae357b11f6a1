"""What a sale is asked for and how it is paid: the lines and payments handed to
:meth:`~tiers_lieu.services.grocery.sales.SaleService.record`, the price of a unit (normal or
solidarity) and the settlement of the payments (what stays in the till, the change given back
in cash), with the refusals of a payment that does not add up."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from tiers_lieu.errors import ConflictError, ValidationError
from tiers_lieu.i18n import _, format_eur
from tiers_lieu.models.enums import PaymentMethod


def unit_price(price_cents: int, solidarity_price_cents: int | None, solidarity: bool) -> int:
    """The price of one unit at this sale (the normal price when no solidarity price is set)."""
    if solidarity and solidarity_price_cents is not None:
        return solidarity_price_cents
    return price_cents


@dataclass(frozen=True)
class LineInput:
    product_id: uuid.UUID
    quantity_milli: int


@dataclass(frozen=True)
class PaymentInput:
    method: str
    amount_cents: int
    """For cash, the amount handed over (the change is given back from it)."""
    reference: str = ""


def _settle(total: int, payments: Sequence[PaymentInput]) -> tuple[list[PaymentInput], int]:
    """The payments as they stay in the till, and the change given back in cash."""
    methods = {m.value for m in PaymentMethod}
    for payment in payments:
        if payment.method not in methods:
            raise ValidationError(_("Moyen de paiement"), _("moyen de paiement inconnu"))
        if payment.amount_cents <= 0:
            raise ValidationError(_("Montant"), _("chaque paiement doit être positif"))
        if len(payment.reference) > 60:
            raise ValidationError(_("Référence"), _("{n} caractères au plus").format(n=60))
    paid = sum(p.amount_cents for p in payments)
    if paid < total:
        raise ConflictError(
            _("Paiement insuffisant : il manque {missing}.").format(
                missing=format_eur(total - paid)
            )
        )
    change = paid - total
    cash = sum(p.amount_cents for p in payments if p.method == PaymentMethod.CASH)
    if change > cash:
        raise ConflictError(
            _(
                "Les paiements dépassent le total de {excess} : seules les espèces "
                "peuvent donner lieu à un rendu de monnaie."
            ).format(excess=format_eur(change - cash))
        )
    kept: list[PaymentInput] = []
    to_return = change
    for payment in payments:
        amount = payment.amount_cents
        if payment.method == PaymentMethod.CASH and to_return:
            taken = min(amount, to_return)
            amount -= taken
            to_return -= taken
        if amount:
            kept.append(PaymentInput(payment.method, amount, payment.reference.strip()))
    return kept, change
