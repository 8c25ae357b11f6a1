"""Reading what the host types at the grocery: euros and quantities with a decimal comma.

Money stays integer cents and quantities integer thousandths from the keyboard on: the text
is parsed digit by digit (never through a float), so « 7,35 » is exactly 735 cents. Euros go
through :func:`tiers_lieu.i18n.parse_euros`, as in every other amount field.
"""

from __future__ import annotations

import re

from tiers_lieu.i18n import parse_euros

_DECIMAL = re.compile(r"^\s*(\d{1,7})(?:[.,](\d*))?\s*(?:€|kg|l)?\s*$", re.IGNORECASE)


def _parse(text: str, places: int) -> int | None:
    match = _DECIMAL.match(text.replace("\u202f", "").replace("\xa0", "").replace(" ", ""))
    if match is None:
        return None
    whole, fraction = match.group(1), match.group(2) or ""
    if len(fraction) > places:
        return None
    return int(whole) * 10**places + int((fraction + "0" * places)[:places] or 0)


def parse_cents(text: str) -> int | None:
    """« 10 », « 7,35 », « 7.3 € » → cents (:func:`tiers_lieu.i18n.parse_euros`, the one
    euro parser); ``None`` when it is not an amount."""
    try:
        return parse_euros(text)
    except ValueError:
        return None


def parse_milli(text: str) -> int | None:
    """« 3 », « 0,625 », « 1,5 kg » → thousandths; ``None`` when it is not a quantity."""
    return _parse(text, 3)


def cents_text(cents: int) -> str:
    """An amount as the host types it back: « 7,35 »."""
    return f"{cents // 100},{cents % 100:02d}"
