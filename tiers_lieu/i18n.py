"""Translations (gettext catalogs compiled by babel) and the one place numbers, dates and
euros are formatted, so that views, PDF and spreadsheets agree.

Message ids are written in French, the working language of the places Comptoir serves: the
French interface needs no catalog, and ``locale/en`` translates to English. Babel supplies the
CLDR formats (a French euro amount uses U+202F as thousands separator: fonts must have it).
"""

from __future__ import annotations

import gettext
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

from babel import dates as babel_dates
from babel import numbers as babel_numbers

DOMAIN = "comptoir"
LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = {"fr": "fr_FR", "en": "en_GB"}
DEFAULT_LANGUAGE = "fr"

_translation: gettext.NullTranslations = gettext.NullTranslations()
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
    return _translation.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark a module-level constant for extraction; translate it with ``_()`` when shown."""
    return message


def format_date(value: date, fmt: str = "short") -> str:
    """``short`` 22/11/2026, ``medium`` 22 nov. 2026, ``long`` 22 novembre 2026, ``full``."""
    return babel_dates.format_date(value, format=fmt, locale=locale_name())


def format_time(value: time) -> str:
    return babel_dates.format_time(value, format="HH:mm", locale=locale_name())


def format_datetime(value: datetime, fmt: str = "short") -> str:
    return babel_dates.format_datetime(value, format=fmt, locale=locale_name())


def format_number(value: int | float | Decimal, decimals: int | None = None) -> str:
    if decimals is None:
        return babel_numbers.format_decimal(value, locale=locale_name())
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return babel_numbers.format_decimal(value, format=pattern, locale=locale_name())


def format_percent(value: float, decimals: int = 1) -> str:
    """``value`` is already a percentage (0–100)."""
    return format_number(value, decimals) + "\u202f%"


def format_eur(cents: int) -> str:
    return babel_numbers.format_currency(Decimal(cents) / 100, "EUR", locale=locale_name())


def month_name(month: int) -> str:
    return babel_dates.get_month_names("wide", locale=locale_name())[month]


def weekday_name(weekday: int) -> str:
    """0 = Monday, as ``date.weekday()``."""
    return babel_dates.get_day_names("wide", locale=locale_name())[weekday]
