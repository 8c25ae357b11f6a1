"""The VTIMEZONE of an exported calendar, written as yearly rules that every client reads.

icalendar's ``add_missing_timezones`` lists each year's change of hour in one RDATE line,
comma-separated; vobject (dateutil's ``tzical``) and ical.js read only the first value, so a
14:00 summer booking showed at 13:00 there. Here the changes of hour are read from the zone
(zoneinfo) over the years of the bookings, and runs of years that follow one rule ("last
Sunday of March at 02:00") become one STANDARD or DAYLIGHT block with an RRULE; a change that
follows no yearly pattern is its own block. The last rule of each kind stays open-ended, as
the zone's own rule is.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_STEP = timedelta(days=7)  # two changes of hour are never less than a week apart


@dataclass(frozen=True)
class _Change:
    at: datetime  # aware UTC instant of the change
    before: timedelta  # UTC offset before
    after: timedelta  # UTC offset after
    name: str  # TZNAME after
    daylight: bool  # summer time after

    @property
    def onset(self) -> datetime:
        """The change as the wall clock showed it just before (naive), as DTSTART wants."""
        return (self.at + self.before).replace(tzinfo=None)

    def rule_key(self) -> tuple[Any, ...]:
        """What stays the same from year to year when the change follows a yearly rule."""
        onset = self.onset
        last_day = calendar.monthrange(onset.year, onset.month)[1]
        nth = -1 if onset.day > last_day - 7 else (onset.day - 1) // 7 + 1
        return (
            self.daylight,
            self.before,
            self.after,
            self.name,
            onset.month,
            nth,
            onset.weekday(),
            onset.time(),
        )


def _changes(zone: ZoneInfo, first_year: int, last_year: int) -> list[_Change]:
    """Every change of UTC offset (or of name, or of summer time) between two years."""

    def state(at: datetime) -> tuple[timedelta, str, bool]:
        local = at.astimezone(zone)
        return (
            local.utcoffset() or timedelta(0),
            local.tzname() or "",
            bool(local.dst()),
        )

    found: list[_Change] = []
    at = datetime(first_year, 1, 1, tzinfo=UTC)
    end = datetime(last_year + 1, 1, 1, tzinfo=UTC)
    current = state(at)
    while at < end:
        following = min(at + _STEP, end)
        then = state(following)
        if then != current:
            low, high = at, following  # the change lies in (low, high]: halve to the second
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                middle = middle.replace(microsecond=0)
                if state(middle) == current:
                    low = middle
                else:
                    high = middle
            found.append(_Change(high, current[0], then[0], then[1], then[2]))
            current = then
        at = following
    return found


def vtimezone(zone: ZoneInfo, first: date, last: date) -> Any:
    """A VTIMEZONE component for ``zone`` valid from the year before ``first`` to well after
    ``last``: one block per run of years that follow the same rule."""
    from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

    first_year, last_year = first.year - 1, last.year + 1
    changes = _changes(zone, first_year, last_year)
    tz = Timezone()
    tz.add("tzid", zone.key)
    if not changes:  # no change of hour: one block from the epoch on
        now = datetime(first_year, 1, 1, tzinfo=UTC).astimezone(zone)
        only = TimezoneStandard()
        only.add("dtstart", datetime(1970, 1, 1))
        only.add("tzoffsetfrom", now.utcoffset() or timedelta(0))
        only.add("tzoffsetto", now.utcoffset() or timedelta(0))
        only.add("tzname", now.tzname() or zone.key)
        tz.add_component(only)
        return tz
    runs: list[list[_Change]] = []
    for change in changes:
        run = _last_of_kind(runs, change.daylight)
        if (
            run is not None
            and run[-1].rule_key() == change.rule_key()
            and change.onset.year == run[-1].onset.year + 1
        ):
            run.append(change)
        else:
            runs.append([change])
    for run in runs:
        head, tail = run[0], run[-1]
        block: Any = TimezoneDaylight() if head.daylight else TimezoneStandard()
        block.add("dtstart", head.onset)
        block.add("tzoffsetfrom", head.before)
        block.add("tzoffsetto", head.after)
        block.add("tzname", head.name)
        if len(run) > 1:
            month, nth, weekday = head.rule_key()[4:7]
            rule: dict[str, Any] = {
                "freq": "yearly",
                "bymonth": month,
                "byday": f"{nth}{_WEEKDAYS[weekday]}",
            }
            if tail.onset.year < last_year or run is not _last_of_kind(runs, head.daylight):
                # UNTIL must be UTC; dateutil's tzical compares it with the wall clock, RFC
                # readers with the instant. A day after the last onset's wall time, as UTC,
                # includes that onset for both (offsets stay under a day) and no later one.
                rule["until"] = (tail.onset + timedelta(days=1)).replace(tzinfo=UTC)
            block.add("rrule", rule)
        tz.add_component(block)
    return tz


def _last_of_kind(runs: list[list[_Change]], daylight: bool) -> list[_Change] | None:
    for run in reversed(runs):
        if run[0].daylight == daylight:
            return run
    return None
