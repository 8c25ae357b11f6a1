"""What a booking costs: a resource's hourly price (``Resource.hourly_price_cents``; ``None``:
not hired out) times the booking's duration, rounded to the cent.

The price is worked out once, when the booking is made (the desk may change it, 0 = free), and
kept on the booking (``Booking.price_cents``): changing a resource's hourly price later leaves
past bookings as they were agreed. Moving a booking keeps its price too; the booking form
offers the new one when the hours change. Amounts are integer cents, bounded so that a price
fits the database's 32-bit integer column (sums are read as 64-bit).
"""

from __future__ import annotations

from datetime import UTC, datetime

from tiers_lieu.errors import ValidationError
from tiers_lieu.i18n import _

MAX_HOURLY_CENTS = 1_000_000
"""10 000 € an hour."""
MAX_PRICE_CENTS = 100_000_000
"""1 000 000 € a booking."""


def price_for(hourly_cents: int | None, start: datetime, end: datetime) -> int | None:
    """``hourly_cents`` an hour from ``start`` to ``end`` (aware instants: the time really
    elapsed, a change of clock included), rounded to the nearest cent, half a cent up;
    ``None`` when there is no hourly price."""
    if hourly_cents is None:
        return None
    # In UTC: between two instants of one zone Python subtracts the wall clocks.
    seconds = max(0, int((end.astimezone(UTC) - start.astimezone(UTC)).total_seconds()))
    return (hourly_cents * seconds * 2 + 3600) // 7200


def check_hourly_price(cents: int | None) -> None:
    if cents is not None and not 0 <= cents <= MAX_HOURLY_CENTS:
        raise ValidationError(
            _("Tarif horaire"), _("un montant entre 0 et 10 000 € de l'heure (vide : non louée)")
        )


def check_price(cents: int | None) -> None:
    if cents is not None and not 0 <= cents <= MAX_PRICE_CENTS:
        raise ValidationError(_("Prix"), _("un montant entre 0 et 1 000 000 €"))


def agreed_price(
    asked: int | None, hourly_cents: int | None, start: datetime, end: datetime
) -> int | None:
    """The price a new booking keeps: the one asked, else the resource's hourly price × the
    duration (``None`` when the resource has none). Refused when out of bounds."""
    price = asked if asked is not None else price_for(hourly_cents, start, end)
    check_price(price)
    return price
