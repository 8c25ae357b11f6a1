"""Amounts typed in euros in a form field, read through :func:`tiers_lieu.i18n.parse_euros`
(the one euro parser) and given back in cents, or refused with a French message naming the
field; and an amount in cents written back as the host types it (« 1 234,50 »)."""

from __future__ import annotations

from decimal import Decimal

from tiers_lieu.errors import ValidationError
from tiers_lieu.i18n import _, format_number, parse_euros


def parse_cents(text: str, field: str, *, optional: bool = False) -> int | None:
    """« 12,50 » or « 12.5 € » as 1250 cents; empty gives ``None`` when ``optional``."""
    cleaned = text.strip()
    if not cleaned:
        if optional:
            return None
        raise ValidationError(field, _("indiquez un montant"))
    if cleaned.startswith("-"):
        raise ValidationError(field, _("un montant positif"))
    try:
        return parse_euros(cleaned)
    except ValueError:
        raise ValidationError(field, _("montant invalide (par exemple 12,50)")) from None


def cents_text(cents: int | None) -> str:
    """An amount as a field shows it for editing, in the current language (« 30,00 »);
    ``None`` gives an empty field. :func:`parse_cents` reads it back."""
    if cents is None:
        return ""
    return format_number(Decimal(cents) / 100, 2)
