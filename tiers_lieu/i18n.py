"""Translations (gettext catalogs compiled by babel) and the one place numbers, dates and
euros are formatted, so that views, PDF and spreadsheets agree.

Message ids are written in French, the working language of the places Comptoir serves: the
French interface needs no catalog, and ``locale/en`` translates to English. Babel supplies the
CLDR formats (a French euro amount uses U+202F as thousands separator: fonts must have it).

Times are the place's, never the computer's: a desk laptop may be set to another zone (a
volunteer's own machine, a Windows install left on UTC), and a confirmation, a PDF footer or
the hour of a visit must still say what the clock on the place's wall says. "Now" and "today"
are therefore asked for a zone (the site row's ``timezone``): :func:`place_now`,
:func:`place_today`, and instants are shown with :func:`format_datetime` /
:func:`format_instant`, which refuse a naive datetime instead of guessing its zone.
``tests/unit/test_place_time.py`` keeps ``datetime.now()``, ``date.today()`` and
``.astimezone()`` without a zone out of the package.
"""

from __future__ import annotations

import gettext
import re
from datetime import date, datetime, time
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from types import ModuleType

DOMAIN = "comptoir"
LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = {"fr": "fr_FR", "en": "en_GB"}
DEFAULT_LANGUAGE = "fr"
DEFAULT_TIME_ZONE = "Europe/Paris"

_translation: gettext.NullTranslations = gettext.NullTranslations()


def _babel_dates() -> ModuleType:
    """Babel, at the first date or number formatted: not for the start's first window
    (about 20 ms of imports, issue 17)."""
    from babel import dates

    return dates


def _babel_numbers() -> ModuleType:
    from babel import numbers

    return numbers


_language = DEFAULT_LANGUAGE


def set_language(language: str) -> None:
    """Switch messages and formats to ``language`` ("fr" or "en")."""
    global _translation, _language
    if language not in LANGUAGES:
        raise ValueError(language)
    _language = language
    if language == DEFAULT_LANGUAGE:
        _translation = gettext.NullTranslations()
    else:
        _translation = gettext.translation(
            DOMAIN, localedir=LOCALE_DIR, languages=[language], fallback=True
        )


def language() -> str:
    return _language


def locale_name() -> str:
    return LANGUAGES[_language]


def _(message: str) -> str:
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural message for ``n``. French puts 0 in the singular (« 0 visite
    comptée », CLDR's rule), which gettext's rule without a catalog (``n != 1``) does not."""
    if _language == DEFAULT_LANGUAGE:
        return singular if abs(n) < 2 else plural
    return _translation.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark a module-level constant for extraction; translate it with ``_()`` when shown."""
    return message


def format_date(value: date, fmt: str = "short") -> str:
    """``short`` 22/11/2026, ``medium`` 22 nov. 2026, ``long`` 22 novembre 2026, ``full``."""
    return _babel_dates().format_date(value, format=fmt, locale=locale_name())


def format_time(value: time) -> str:
    return _time_text(value, locale_name())


@lru_cache(maxsize=2048)
def _time_text(value: time, locale: str) -> str:
    # Remembered: each key press at the desk shows its time twice (issue 17).
    return str(_babel_dates().format_time(value, format="HH:mm", locale=locale))


def time_zone(name: str | None) -> ZoneInfo:
    """The zone a site row names (``Site.timezone``), Europe/Paris when it names none."""
    return ZoneInfo(name or DEFAULT_TIME_ZONE)


def place_now(zone: ZoneInfo) -> datetime:
    """The wall clock of the place (aware, in ``zone``), whatever the computer's zone."""
    return datetime.now(zone)


def place_today(zone: ZoneInfo) -> date:
    """Today at the place: near midnight it differs from the computer's when zones differ."""
    return place_now(zone).date()


def to_place_time(instant: datetime, zone: ZoneInfo) -> datetime:
    """``instant`` on the place's clock; a naive datetime is refused, never guessed."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"naive datetime {instant!r}: an instant needs its zone")
    return instant.astimezone(zone)


def format_datetime(value: datetime, zone: ZoneInfo, fmt: str = "short") -> str:
    """An instant on the place's clock, « 22/11/2026 15:00 » (babel's ``fmt``)."""
    local = to_place_time(value, zone)
    return _babel_dates().format_datetime(local, format=fmt, locale=locale_name())


def format_instant(value: datetime, zone: ZoneInfo, fmt: str = "short") -> str:
    """An instant on the place's clock as a sentence: « 22/11/2026 à 15:00 »."""
    local = to_place_time(value, zone)
    return _("{date} à {time}").format(
        date=format_date(local.date(), fmt), time=format_time(local.time())
    )


def format_number(value: int | float | Decimal, decimals: int | None = None) -> str:
    if decimals is None:
        if type(value) is int:  # not a bool, nor a float equal to it
            return _count_text(value, locale_name())
        return _babel_numbers().format_decimal(value, locale=locale_name())
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return _babel_numbers().format_decimal(value, format=pattern, locale=locale_name())


@lru_cache(maxsize=4096)
def _count_text(value: int, locale: str) -> str:
    # Remembered: the desk's buttons show their counts after each key press (issue 17).
    return str(_babel_numbers().format_decimal(value, locale=locale))


def format_duration(minutes: int) -> str:
    """A duration as every screen shows it: « 45 min », « 2 h », « 511 h 50 »."""
    hours, rest = divmod(int(minutes), 60)
    if not hours:
        return _("{m} min").format(m=rest)
    if not rest:
        return _("{h} h").format(h=format_number(hours))
    return _("{h} h {m:02d}").format(h=format_number(hours), m=rest)


def format_percent(value: float, decimals: int = 1) -> str:
    """``value`` is already a percentage (0–100): « 12,5 % » in French (a no-break space
    before the sign), "12.5%" in English: the language's CLDR pattern with ``decimals``."""
    from babel import Locale

    pattern = Locale.parse(locale_name()).percent_formats[None].pattern
    if decimals:
        pattern = pattern.replace("#,##0", "#,##0." + "0" * decimals, 1)
    return _babel_numbers().format_percent(
        Decimal(str(value)) / 100, format=pattern, locale=locale_name()
    )


def format_eur(cents: int) -> str:
    return _babel_numbers().format_currency(Decimal(cents) / 100, "EUR", locale=locale_name())


_AMOUNT_CHARACTERS = frozenset("0123456789,. \u00a0\u202f")
_SPACES = (" ", "\u00a0", "\u202f")
MAX_EURO_DIGITS = 7
"""Whole euros an amount may have: under ten million euros, so cents fit a 32-bit column."""


def parse_euros(text: str) -> int:
    """An amount typed in euros, as integer cents, read in the current language by babel:
    « 12 », « 12,5 », « 12,50 € », « 1 234,50 » (space, no-break or narrow no-break space
    between thousands) in French, "12.50", "€1,234.50" in English; a decimal point is also
    read in French (a numeric keypad types one). Never through a float.

    Raises ``ValueError`` on anything else: empty text, a sign (amounts typed here are never
    negative), letters or an exponent, badly placed group separators, more than two decimals,
    more than :data:`MAX_EURO_DIGITS` whole digits.
    """
    cleaned = text.strip().removesuffix("€").removeprefix("€").strip()
    if not cleaned or not set(cleaned) <= _AMOUNT_CHARACTERS or not cleaned[0].isdigit():
        raise ValueError(f"not an amount in euros: {text!r}")
    numbers = _babel_numbers()
    group = numbers.get_group_symbol(locale_name())
    if group in _SPACES:
        for space in _SPACES:
            cleaned = cleaned.replace(space, group)
    try:
        value = numbers.parse_decimal(cleaned, locale=locale_name(), strict=True)
    except numbers.NumberFormatError:
        raise ValueError(f"not an amount in euros: {text!r}") from None
    exponent = value.as_tuple().exponent
    if not value.is_finite() or not isinstance(exponent, int) or exponent < -2:
        raise ValueError(f"more than two decimals: {text!r}")
    if value >= 10**MAX_EURO_DIGITS:
        raise ValueError(f"amount too large: {text!r}")
    return int(value * 100)


def month_name(month: int) -> str:
    return _babel_dates().get_month_names("wide", locale=locale_name())[month]


def weekday_name(weekday: int) -> str:
    """0 = Monday, as ``date.weekday()``."""
    return _babel_dates().get_day_names("wide", locale=locale_name())[weekday]


_DURATION_FORMS = (
    # « 3h30 », « 3 h 30 », « 3h », « 1 234 h 05 » (format_duration's own output)
    re.compile(r"(?P<h>\d{1,4})h(?P<m>\d{2})?"),
    # « 3:30 »
    re.compile(r"(?P<h>\d{1,4}):(?P<m>\d{2})"),
    # « 3,5 », « 3.5 », « 4 », « 3,5 h »: hours with up to two decimals
    re.compile(r"(?P<h>\d{1,4})(?:[,.](?P<d>\d{1,2}))?h?"),
    # « 45 min », « 45 mn »
    re.compile(r"(?P<min>\d{1,5})(?:min|mn)"),
)


def parse_duration(text: str) -> int:
    """A duration typed in hours, as whole minutes: « 3,5 » or « 3.5 » (hours and decimals,
    rounded to the minute), « 3h30 », « 3 h 30 », « 3:30 », « 4 », « 45 min », and what
    :func:`format_duration` writes (« 2 h », « 511 h 50 »).

    Raises ``ValueError`` on anything else: empty text, a sign, letters, minutes of 60 or
    more after the hours (« 3h75 »), more than two decimals.
    """
    cleaned = text.strip().casefold()
    for space in (" ", "\u00a0", "\u202f"):
        cleaned = cleaned.replace(space, "")
    for form in _DURATION_FORMS:
        found = form.fullmatch(cleaned)
        if found is None:
            continue
        parts = found.groupdict()
        if parts.get("min") is not None:
            return int(parts["min"])
        hours = int(parts["h"])
        if parts.get("d") is not None:
            fraction = Decimal("0." + parts["d"]) * 60
            return hours * 60 + int(fraction.to_integral_value(rounding="ROUND_HALF_UP"))
        minutes = int(parts.get("m") or 0)
        if minutes >= 60:
            raise ValueError(f"minutes beyond 59: {text!r}")
        return hours * 60 + minutes
    raise ValueError(f"not a duration: {text!r}")
