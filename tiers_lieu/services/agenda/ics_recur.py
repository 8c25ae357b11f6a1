"""Recurrence rules (RRULE) of an imported calendar, expanded with a bound on the work done.

dateutil's ``rrule`` is the maintained implementation of RFC 5545 recurrences, and
recurring-ical-events is built on it; but neither can be stopped from outside: a rule whose
filters never match (``FREQ=MINUTELY;BYMONTH=2;BYMONTHDAY=30``, ``FREQ=SECONDLY;BYSETPOS=2``)
makes dateutil walk period after period up to the year 9999 without yielding anything, and
UNTIL is only checked on occurrences that are yielded. So the expansion runs dateutil's own
algorithm (``rrule._iter``) with its helper object ``_iterinfo`` swapped for one that is
called once per period: it stops the walk when the period starts after the end of the
window, and counts periods against a :class:`Budget` shared by the whole file. Together with
a count of occurrences per event (and per file, in :mod:`ics_read`), every rule finishes in
bounded time and memory. ``tests/unit/test_agenda_ical.py`` checks that the swap still takes
effect, in case a dateutil release renames those internals.

Dates are expanded on the wall clock of the event's start (naive datetimes), as RFC 5545
wants: a weekly 9:00 stays 9:00 across the change to summer time.
"""

from __future__ import annotations

import re
import types
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

import dateutil.rrule as _du

from tiers_lieu.errors import ComptoirError
from tiers_lieu.i18n import _, format_number

MAX_STEPS = 500_000
"""Periods (years, months, weeks, days, hours…) walked through for one file, at most: about
2 s on the desk's laptop. A daily rule over a century walks 36,500."""

_UNTIL = re.compile(r"^(\d{8})(?:T(\d{6})(Z?))?$")
_FREQS = {"SECONDLY", "MINUTELY", "HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY"}


class RuleError(ValueError):
    """A recurrence rule that cannot be read; the message is French, the event not named."""


class TooCostlyError(ComptoirError):
    """The file's recurrences asked for more than :data:`MAX_STEPS` periods."""


class _PastStop(Exception):  # noqa: N818 (a signal that ends the walk, not an error)
    """The walk reached a period after the end of the window: nothing more to find."""


class Budget:
    """The periods left to walk for one file."""

    def __init__(self, steps: int | None = None) -> None:
        self.limit = MAX_STEPS if steps is None else steps
        self.left = self.limit

    def spend(self, event: str) -> None:
        self.left -= 1
        if self.left < 0:
            raise TooCostlyError(
                _(
                    "Import refusé : la règle de répétition de {event} demande trop de calcul "
                    "(plus de {limit} périodes parcourues pour ce fichier). Simplifiez la "
                    "règle (RRULE) ou retirez cet événement."
                ).format(event=event, limit=format_number(self.limit))
            )


class _Walk(_du._iterinfo):  # type: ignore[name-defined,misc]
    """dateutil's per-rule helper, with a check at the start of every period."""

    def __init__(self, rule: Any, check: Callable[[date], None]) -> None:
        super().__init__(rule)
        self.check = check

    def ydayset(self, year: int, month: int, day: int) -> Any:
        self.check(date(year, 1, 1))
        return super().ydayset(year, month, day)

    def mdayset(self, year: int, month: int, day: int) -> Any:
        self.check(date(year, month, 1))
        return super().mdayset(year, month, day)

    def wdayset(self, year: int, month: int, day: int) -> Any:
        self.check(date(year, month, day))
        return super().wdayset(year, month, day)

    def ddayset(self, year: int, month: int, day: int) -> Any:
        self.check(date(year, month, day))
        return super().ddayset(year, month, day)


def _walk(rule: Any, stop: datetime, budget: Budget, event: str) -> Iterator[datetime]:
    """The rule's occurrences up to ``stop`` included, walking at most the budget."""

    def check(period_start: date) -> None:
        if period_start > stop.date():
            raise _PastStop
        budget.spend(event)

    original = _du.rrule._iter
    scope = dict(vars(_du))
    scope["_iterinfo"] = lambda r: _Walk(r, check)
    bounded = types.FunctionType(
        original.__code__, scope, original.__name__, original.__defaults__, original.__closure__
    )
    try:
        for occurrence in bounded(rule):
            if occurrence > stop:
                return
            yield occurrence
    except _PastStop:
        return


def _until(value: str, *, all_day: bool, to_wall: Callable[[datetime], datetime]) -> datetime:
    found = _UNTIL.match(value)
    if found is None:
        raise RuleError(_("date de fin UNTIL illisible : « {value} »").format(value=value))
    day_text, clock, utc = found.groups()
    try:
        day = datetime.strptime(day_text, "%Y%m%d")
        if clock is None:  # a date: the whole day counts (RFC 5545 wants a date-time here)
            return day if all_day else datetime.combine(day.date(), time(23, 59, 59))
        moment = datetime.strptime(day_text + clock, "%Y%m%d%H%M%S")
    except ValueError as error:
        raise RuleError(
            _("date de fin UNTIL illisible : « {value} »").format(value=value)
        ) from error
    return to_wall(moment) if utc else moment


@dataclass(frozen=True)
class Rule:
    """A parsed RRULE: dateutil's rule (without UNTIL), and its UNTIL on the wall clock."""

    rule: Any
    until: datetime | None
    counted: bool  # COUNT given: the series ends, even without UNTIL
    text: str = ""  # as written, for messages

    def ends_before(self, stop: datetime) -> bool:
        return self.counted or (self.until is not None and self.until <= stop)


def parse_rule(
    text: str, start: datetime, *, all_day: bool, to_wall: Callable[[datetime], datetime]
) -> Rule:
    """A dateutil rule from an RRULE value (spaces and case forgiven, as Exchange writes
    ``BYDAY=MO, TU``) starting at the naive ``start``, and its UNTIL on the same wall
    clock (a date UNTIL with a date-time start counts the whole day). ``to_wall`` turns a
    UTC instant (naive) into that wall clock."""
    cleaned = "".join(text.split()).upper().removeprefix("RRULE:")
    parts: dict[str, str] = {}
    for part in filter(None, cleaned.split(";")):
        key, sep, value = part.partition("=")
        if not sep or not value:
            raise RuleError(_("règle de répétition illisible : « {rule} »").format(rule=text))
        parts[key] = value
    if parts.get("FREQ") not in _FREQS:
        raise RuleError(_("règle de répétition illisible : « {rule} »").format(rule=text))
    if parts.get("COUNT", "").startswith("-"):  # some writers mean "no count"; so does
        del parts["COUNT"]  # recurring-ical-events: the rule ends at UNTIL or the window
    for key in ("INTERVAL", "COUNT"):
        if key in parts and (not parts[key].isdigit() or int(parts[key]) < 1):
            raise RuleError(
                _("{key} doit être un nombre entier positif dans « {rule} »").format(
                    key=key, rule=text
                )
            )
    until_text = parts.pop("UNTIL", None)
    until = None if until_text is None else _until(until_text, all_day=all_day, to_wall=to_wall)
    rest = ";".join(f"{k}={v}" for k, v in parts.items())
    try:
        rule = _du.rrulestr("RRULE:" + rest, dtstart=start)
    except (ValueError, TypeError, KeyError, IndexError, OverflowError) as error:
        raise RuleError(
            _("règle de répétition illisible : « {rule} »").format(rule=text)
        ) from error
    return Rule(rule, until, "COUNT" in parts, text)


def occurrences(
    rules: Iterable[Rule],
    stop: datetime,
    *,
    limit: int,
    budget: Budget,
    event: str,
) -> set[datetime] | None:
    """The union of the rules' occurrences up to ``stop`` (each rule also up to its UNTIL);
    None when there are more than ``limit``."""
    found: set[datetime] = set()
    for rule in rules:
        end = stop if rule.until is None else min(stop, rule.until)
        try:
            for seen, occurrence in enumerate(_walk(rule.rule, end, budget, event), start=1):
                found.add(occurrence)
                if seen > limit or len(found) > limit:
                    return None
        # dateutil finds some impossible rules only while walking (BYHOUR out of reach of
        # INTERVAL), and a rule near the year 9999 overflows.
        except (ValueError, OverflowError) as error:
            raise RuleError(
                _("règle de répétition impossible : « {rule} »").format(rule=rule.text)
            ) from error
    return found
