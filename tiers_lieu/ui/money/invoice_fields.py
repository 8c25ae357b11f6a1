"""The text fields of the invoice forms: the columns of a document's lines table, the
quantities (« 1,5 »), unit prices (a minus sign for a discount) and VAT rates (« 5,5 ») read
from and written to its cells, and the days typed the French way or picked in a calendar.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDateEdit

from tiers_lieu.errors import ValidationError
from tiers_lieu.i18n import _, format_number, parse_euros

DESCRIPTION, QUANTITY, UNIT, PRICE, VAT, TOTAL = range(6)
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def quantity_text(milli: int) -> str:
    value = Decimal(milli) / 1000
    return format_number(value, 0 if milli % 1000 == 0 else 3).rstrip("0").rstrip(",")


def parse_quantity(text: str, field: str) -> int:
    """« 2 », « 1,5 », « 0.25 » as thousandths."""
    cleaned = text.strip().replace("\u202f", "").replace("\u00a0", "").replace(" ", "")
    try:
        value = Decimal(cleaned.replace(",", "."))
    except InvalidOperation:
        raise ValidationError(field, _("quantité invalide (par exemple 1,5)")) from None
    milli = value * 1000
    if not value.is_finite() or milli != milli.to_integral_value():
        raise ValidationError(field, _("trois décimales au plus"))
    return int(milli)


def parse_price(text: str, field: str) -> int:
    """A unit price in euros; a minus sign makes a discount line."""
    cleaned = text.strip()
    sign = -1 if cleaned.startswith("-") else 1
    try:
        return sign * parse_euros(cleaned.lstrip("-").strip())
    except ValueError:
        raise ValidationError(field, _("montant invalide (par exemple 12,50)")) from None


def parse_rate(text: str, field: str) -> int:
    cleaned = text.strip().removesuffix("%").strip().replace(",", ".")
    try:
        rate = int(Decimal(cleaned or "0") * 100)
    except InvalidOperation:
        raise ValidationError(field, _("taux de TVA : 0, 2,1, 5,5, 10 ou 20 %")) from None
    return rate


def rate_text(rate_bp: int) -> str:
    return format_number(Decimal(rate_bp) / 100, 1 if rate_bp % 100 else 0)


def _date_edit(edit: QDateEdit) -> QDateEdit:
    """A day typed the French way (« 31/03/2026 ») or picked in the calendar (Alt+↓)."""
    edit.setDisplayFormat("dd/MM/yyyy")
    edit.setCalendarPopup(True)
    return edit
