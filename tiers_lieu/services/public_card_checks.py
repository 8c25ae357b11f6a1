"""The checks of what the coordinator types on the place's public card, field by field:
SIRET or RNA, telephone, e-mails, web addresses, coordinates, postal code, the values of the
schema's lists (:mod:`.public_card_vocabulary`) and free text. Each returns the value the way
the national schema writes it, or raises a :class:`ValidationError` naming the field;
:func:`tiers_lieu.services.public_card.check_card` checks a whole card with them.

Nothing here touches the database: these are pure functions.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from urllib.parse import urlsplit

from tiers_lieu.errors import ValidationError
from tiers_lieu.i18n import _, ngettext
from tiers_lieu.services.public_card_vocabulary import (
    CHOICES,
    MAX_ITEMS,
    MAX_URL,
    SEPARATOR,
    field_label,
)
from tiers_lieu.validation import check_text

_RNA = re.compile(r"W[0-9A-Z]{9}")
_EMAIL = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
)
_HOST = re.compile(
    r"(?:[a-z0-9\u00a0-\uffff](?:[a-z0-9\u00a0-\uffff-]{0,61}[a-z0-9\u00a0-\uffff])?\.)+"
    r"[a-z\u00a0-\uffff]{2,63}\.?"
)
#: International prefixes the schema accepts (France, overseas, New Caledonia, Polynesia…).
PHONE_PATTERN = re.compile(r"(\+33|\+590|\+594|\+262|\+596|\+269|\+687|\+689|\+508|\+681)\d{6,9}")
#: French overseas numbers written the national way: their first four digits → country code.
_OVERSEAS = {
    "0590": "+590",
    "0690": "+590",
    "0691": "+590",
    "0594": "+594",
    "0694": "+594",
    "0262": "+262",
    "0263": "+262",
    "0269": "+262",
    "0639": "+262",
    "0692": "+262",
    "0693": "+262",
    "0596": "+596",
    "0696": "+596",
    "0697": "+596",
}


def luhn_ok(digits: str) -> bool:
    """The Luhn checksum of a SIREN or SIRET (every second digit from the right doubled)."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        n = int(char)
        if position % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def check_pivot(value: str) -> str:
    """A SIRET (14 digits, Luhn; or, for La Poste's establishments, SIREN 356 000 000, digits
    summing to a multiple of 5) or an RNA number (W and 9 characters), spaces and dots
    removed."""
    label = field_label("pivot")
    text = re.sub(r"[\s.\u00a0\u202f-]", "", value).upper()
    if not text:
        return ""
    if text.isdigit():
        if len(text) != 14:
            raise ValidationError(
                label,
                ngettext(
                    "un SIRET a 14 chiffres ({count} reçu)",
                    "un SIRET a 14 chiffres ({count} reçus)",
                    len(text),
                ).format(count=len(text)),
            )
        la_poste = text.startswith("356000000") and sum(int(c) for c in text) % 5 == 0
        valid = luhn_ok(text) or la_poste
        if not valid:
            raise ValidationError(
                label, _("ce SIRET n'est pas valide (chiffre de contrôle) : vérifiez-le")
            )
        return text
    if text.startswith("W"):
        if not _RNA.fullmatch(text):
            raise ValidationError(
                label, _("un numéro RNA est un W suivi de 9 chiffres, par exemple W231000123")
            )
        return text
    raise ValidationError(
        label,
        _("un SIRET (14 chiffres) ou un numéro RNA (W suivi de 9 chiffres) est attendu"),
    )


def check_phone(value: str) -> str:
    """The place's number in the schema's form, ``+33555667788``: typed the French way
    (« 05 55 66 77 88 », dots, dashes) or the international way (« +33 5 55… », « 0033… »)."""
    text = re.sub(r"[\s.\u00a0\u202f()/-]", "", value)
    if not text:
        return ""
    if text.startswith("00"):
        text = "+" + text[2:]
    if text.startswith("+33") and len(text) == 13 and text[3] == "0":
        text = "+33" + text[4:]  # « +33 (0)5 55… »
    if re.fullmatch(r"0[1-9]\d{8}", text):
        prefix = _OVERSEAS.get(text[:4], "+33")
        text = prefix + text[1:]
    if not PHONE_PATTERN.fullmatch(text):
        raise ValidationError(
            field_label("telephone"),
            _(
                "« {value} » n'est pas un numéro de téléphone français : 10 chiffres "
                "(05 55 66 77 88) ou la forme internationale (+33 5 55 66 77 88)"
            ).format(value=value.strip()),
        )
    return text


_SEPARATORS = {"courriels": r"[\s|;,]+", "site_web": r"[\s|]+"}  # a comma may be in a URL


def split_values(name: str, text: str) -> tuple[str, ...]:
    """The e-mails (``courriels``) or web addresses (``site_web``) typed in one field."""
    return tuple(_split(text, _SEPARATORS[name]))


def _split(value: str | Iterable[str], separators: str) -> list[str]:
    items = re.split(separators, value) if isinstance(value, str) else list(value)
    return [item.strip() for item in items if item.strip()]


def _too_many() -> str:
    return ngettext("{n} adresse au plus", "{n} adresses au plus", MAX_ITEMS).format(n=MAX_ITEMS)


def check_emails(value: str | Iterable[str]) -> tuple[str, ...]:
    """One or several e-mail addresses (separated by spaces, commas, ``;`` or ``|``)."""
    label = field_label("courriels")
    items = _split(value, _SEPARATORS["courriels"])
    if len(items) > MAX_ITEMS:
        raise ValidationError(label, _too_many())
    for item in items:
        if len(item) > 254 or not _EMAIL.fullmatch(item):
            raise ValidationError(
                label,
                _("« {value} » n'est pas une adresse électronique (nom@domaine.fr)").format(
                    value=item
                ),
            )
    return tuple(dict.fromkeys(items))


def check_url(value: str, name: str) -> str:
    """A web address (``https://…`` or ``http://…``) with a host; « www.x.fr » gets
    ``https://``."""
    text = value.strip()
    if not text:
        return ""
    label = field_label(name)
    if "://" not in text:
        text = "https://" + text
    try:
        parts = urlsplit(text)
        host = parts.hostname or ""
    except ValueError:
        parts, host = None, ""
    if (
        parts is None
        or parts.scheme.lower() not in ("http", "https")
        or not _HOST.fullmatch(host)
        or len(text) > MAX_URL
        or any(c.isspace() or c == SEPARATOR for c in text)
    ):
        raise ValidationError(
            label,
            _("« {value} » n'est pas une adresse web (https://www.exemple.fr)").format(
                value=value.strip()
            ),
        )
    return text


def check_urls(value: str | Iterable[str], name: str) -> tuple[str, ...]:
    """One or several web addresses, separated by spaces or ``|`` (a comma may be part of
    an address)."""
    items = _split(value, _SEPARATORS["site_web"])
    if len(items) > MAX_ITEMS:
        raise ValidationError(field_label(name), _too_many())
    return tuple(dict.fromkeys(check_url(item, name) for item in items))


def check_coordinate(value: str, name: str) -> str:
    """A latitude (−90…90) or longitude (−180…180) in decimal degrees, WGS84 (what
    adresse.data.gouv.fr and maps copy), comma or point; kept to 6 decimals (10 cm)."""
    text = value.strip().replace(",", ".").replace("\u2212", "-")
    if not text:
        return ""
    label = field_label(name)
    limit = 90 if name == "latitude" else 180
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or not -limit <= number <= limit:
        raise ValidationError(
            label,
            _(
                "« {value} » : un nombre de degrés décimaux entre {low} et {high} est attendu, "
                "par exemple 45.8873"
            ).format(value=value.strip(), low=-limit, high=limit),
        )
    rounded = number.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP).normalize()
    return format(rounded, "f")


def check_postal_code(value: str) -> str:
    text = re.sub(r"\s", "", value)
    if text and not re.fullmatch(r"\d{5}", text):
        raise ValidationError(
            field_label("code_postal"), _("un code postal a 5 chiffres, par exemple 23500")
        )
    return text


def check_choices(name: str, values: Iterable[str]) -> tuple[str, ...]:
    """The values of a multi-valued field, each from its list, in the list's order."""
    allowed = CHOICES[name]
    chosen = {unicodedata.normalize("NFC", v.strip()) for v in values if v.strip()}
    unknown = sorted(chosen - set(allowed))
    if unknown:
        raise ValidationError(
            field_label(name),
            _("« {value} » n'est pas une valeur du standard national").format(value=unknown[0]),
        )
    return tuple(v for v in allowed if v in chosen)


def check_free_text(name: str, value: str, limit: int, *, lines: bool = False) -> str:
    """A free-text field ``name``: trimmed, its runs of white space made one space (unless
    ``lines``: a text of several lines), then its length and characters checked."""
    text = value.strip()
    if not lines:
        text = " ".join(text.split())
    return check_text(field_label(name), text, limit)
