"""Report wording built from values: the period sentence, numbers shown with their unit, the
top categories of a long breakdown. Plain Python (no reportlab): the « Rapports » screen uses
it too, so that the screen and the PDF word figures alike.

Numbers go through :mod:`tiers_lieu.i18n` (the one formatting module), so the PDF shows
« 1 234 », « 12,5 % » and « 1 234,50 € » exactly as the screen and the spreadsheets do.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from babel import dates as babel_dates

from tiers_lieu.defaults import UNKNOWN
from tiers_lieu.i18n import (
    _,
    format_date,
    format_duration,
    format_eur,
    format_number,
    format_percent,
    language,
    locale_name,
)


def long_date(day: date) -> str:
    """« 1er janvier 2026 »: the French ordinal for the first of the month."""
    text = format_date(day, "long")
    if language() == "fr" and day.day == 1 and text.startswith("1 "):
        text = "1er " + text[2:]
    return text


def period_text(start: date, end: date) -> str:
    return _("du {start} au {end}").format(start=long_date(start), end=long_date(end))


def format_value(value: int | float, unit: str) -> str:
    """A value as a reader expects it for its unit (see ``reports.model.UNITS``)."""
    if unit == "percent":
        return format_percent(float(value))
    if unit == "eur":
        return format_eur(round(float(value) * 100))
    if unit == "fte":
        return format_number(float(value), 2)
    if unit == "hours":
        return format_duration(round(float(value) * 60))
    if unit == "minutes":
        return format_duration(round(value))
    if unit == "km":
        return _("{n} km").format(n=format_number(value))
    if isinstance(value, float) and not value.is_integer():
        return format_number(value, 1)
    return format_number(round(value))


def dimension_text(code: str, dimension: str) -> str:
    """A breakdown's category as a reader says it: « janv. 2026 » for a month, « 1 h à
    1 h 59 » for a duration bucket; other categories are already words."""
    if code == "visits.by_month":
        return month_label(dimension)
    if code == "assistance.by_duration_bucket":
        low, _sep, high = dimension.partition("-")
        if dimension.endswith("+") and dimension[:-1].isdigit():
            return _("{duration} ou plus").format(duration=format_duration(int(dimension[:-1])))
        if low.isdigit() and high.isdigit():
            if int(low) == 0:
                return _("moins de {duration}").format(duration=format_duration(int(high) + 1))
            return _("{low} à {high}").format(
                low=format_duration(int(low)), high=format_duration(int(high))
            )
    return dimension


def format_share(part: float, total: float) -> str:
    """The share of ``part`` in ``total`` as a percentage, « – » when the total is zero."""
    if not total:
        return "–"
    return format_percent(100.0 * part / total)


def month_abbr(month: int) -> str:
    """« janv. », « févr. », « mars »… (CLDR abbreviations, in the interface's language)."""
    return str(babel_dates.get_month_names("abbreviated", locale=locale_name())[month])


def month_label(dimension: str, *, with_year: bool = True) -> str:
    """A ``AAAA-MM`` dimension as « janv. 2026 » (or « janv. » alone)."""
    year, _sep, month = dimension.partition("-")
    if not (year.isdigit() and month.isdigit() and 1 <= int(month) <= 12):
        return dimension
    name = month_abbr(int(month))
    return f"{name} {year}" if with_year else name


def top_with_others(
    series: Sequence[tuple[str, int | float]], keep: int, others: str
) -> list[tuple[str, int | float]]:
    """The ``keep`` largest categories, the rest summed under ``others``, « Non communiqué »
    kept apart and last (as the breakdowns order it): a long tail of communes stays readable
    without hiding how many visitors gave none."""
    known = [(label, value) for label, value in series if label != UNKNOWN]
    unknown = [(label, value) for label, value in series if label == UNKNOWN]
    if len(known) <= keep + 1:
        return [*known, *unknown]
    rest = sum(value for _label, value in known[keep:])
    return [*known[:keep], (others, rest), *unknown]
