"""Reading an .ics file into the bookings it asks for, with every input bounded.

What an event becomes (the user's guide says the same): a timed VEVENT is one booking; a
recurring one (RRULE, several RRULEs, RDATE, less EXDATE and overridden occurrences) one
booking per occurrence from its start up to a year after the import, an occurrence moved with
``RANGE=THISANDFUTURE`` moving the following ones as RFC 5545 says (same shift, its length
and title; cancelled, they go too); an all-day event, for
each of its days, a booking over the place's opening hours of that day (a day the place is
closed is left out and listed), recurring or not. Cancelled events, events without an end
and events of no length are left out and listed. Floating times are the place's wall clock.

Limits, each refused in French with the limit named, before the work they guard:
:data:`MAX_ICS_BYTES` and :data:`MAX_ICS_LINES` before parsing (:mod:`.ics_file`; icalendar
holds about 35 bytes per content line); :data:`MAX_PER_EVENT` occurrences per event and
:data:`MAX_BOOKINGS` per file while expanding; the periods walked by the recurrence rules
(:mod:`.ics_recur`). Dates stay within 1900–2100 (:mod:`tiers_lieu.validation`). An event
that cannot be read (broken date, end before start, unreadable RRULE) refuses the whole
file, each such event named with its line, and nothing is saved.

Text is UTF-8 (with or without BOM), else Windows-1252, as for the CSV imports.
"""

from __future__ import annotations

import bisect
import contextlib
import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from tiers_lieu.errors import ComptoirError
from tiers_lieu.i18n import _, format_date, format_number
from tiers_lieu.services.agenda.ics_file import (
    MAX_ICS_BYTES,
    MAX_ICS_LINES,
    IcsFileError,
    LeftOutError,
    UnreadableEventError,
    all_values,
    booking_uid,
    check_size,
    date_of,
    decode,
    events,
    raw,
    read_file,
    rules,
    sequence,
    stamp,
    text,
    when,
)
from tiers_lieu.services.agenda.ics_recur import Budget, RuleError, occurrences, parse_rule
from tiers_lieu.services.agenda.rules import SiteCalendar

__all__ = ["MAX_ICS_BYTES", "MAX_ICS_LINES", "IcsFileError", "read", "read_file"]

MAX_BOOKINGS = 5_000
MAX_PER_EVENT = 2_000
MAX_DAYS = 20_000  # days of all-day events looked at, open or closed
RRULE_HORIZON = timedelta(days=365)


@dataclass(frozen=True)
class _Range:
    """An occurrence moved "this one and the following" (``RANGE=THISANDFUTURE``)."""

    since: Any  # the moved occurrence, as :meth:`_Reader._key` gives it
    event: Any  # the override, whose start, length and title the following ones take
    summary: str


@dataclass(frozen=True)
class Wanted:
    """A booking the file asks for; ``uid`` is stored to recognise it next time."""

    uid: str
    summary: str
    start: datetime  # aware, UTC
    end: datetime


class _Reader:
    def __init__(self, calendar: SiteCalendar, today: date) -> None:
        self.calendar = calendar
        self.zone: tzinfo = calendar.zone
        self.horizon = today + RRULE_HORIZON
        self.budget = Budget()
        self.wanted: dict[str, Wanted] = {}
        self.ignored: list[str] = []
        self.problems: list[str] = []
        self.overridden: dict[str, set[date]] = {}
        self.ranges: dict[str, list[_Range]] = {}
        self.days = 0

    def read(self, events: list[tuple[Any, int | None]]) -> None:
        latest: dict[tuple[str, str], tuple[int, int]] = {}
        named: list[tuple[Any, str, str, str]] = []
        for index, (e, line) in enumerate(events):
            summary = text(e.get("summary"))[:200]
            given = text(e.get("uid"))
            uid = given or self._made_uid(e)
            label = summary or given or _("sans titre")
            where = (
                _("ligne {line}").format(line=line)
                if line is not None
                else _("événement n° {n}").format(n=index + 1)
            )
            name = _("« {event} » ({where})").format(event=label[:80], where=where)
            named.append((e, name, summary, uid))
            recurrence = e.get("recurrence-id")
            key = (uid, "" if recurrence is None else raw(recurrence))
            rank = (sequence(e), index)
            if key not in latest or latest[key] < rank:  # an event sent again: the last one
                latest[key] = rank
        kept = sorted(index for _rank, index in latest.values())
        for index in kept:
            e, name, _summary, uid = named[index]
            if e.get("recurrence-id") is not None:
                with contextlib.suppress(UnreadableEventError):  # said when the event is read
                    moment = self._key(date_of(e, "recurrence-id"))
                    self.overridden.setdefault(uid, set()).add(moment)
                    params = getattr(e.get("recurrence-id"), "params", {})
                    if str(params.get("RANGE", "")).upper() == "THISANDFUTURE":
                        self.ranges.setdefault(uid, []).append(_Range(moment, e, _summary))
        for index in kept:
            e, name, summary, uid = named[index]
            try:
                self.event(e, name, summary, uid)
            except LeftOutError as why:
                self.ignored.append(_("{event} : {why}").format(event=name, why=why))
            except (UnreadableEventError, RuleError) as why:
                self.problems.append(_("{event} : {why}").format(event=name, why=why))
            except OverflowError:  # a length or a period of thousands of years
                self.problems.append(
                    _("{event} : {why}").format(
                        event=name, why=_("une date sort du calendrier (au-delà de l'an 9999)")
                    )
                )

    def _made_uid(self, e: Any) -> str:
        seed = "|".join(raw(e.get(p)) for p in ("dtstart", "dtend", "summary", "rrule"))
        return f"sans-uid-{hashlib.sha1(seed.encode()).hexdigest()[:20]}@comptoir"

    def _key(self, moment: Any) -> Any:
        """How an occurrence is recognised: its UTC instant, or its date for all-day ones."""
        if isinstance(moment, datetime):
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=self.zone)
            return moment.astimezone(UTC)
        return moment

    # -- one event ------------------------------------------------------------------------
    def event(self, e: Any, name: str, summary: str, uid: str) -> None:
        if str(e.get("status") or "").strip().upper() == "CANCELLED":
            raise LeftOutError(_("événement annulé"))
        if e.get("dtstart") is None:
            raise LeftOutError(_("pas de date de début"))
        start = date_of(e, "dtstart")
        recurrence = e.get("recurrence-id")
        series = recurrence is None and (e.get("rrule") is not None or e.get("rdate") is not None)
        if recurrence is not None:
            moment = self._key(date_of(e, "recurrence-id"))
            uid = f"{uid}#{stamp(moment) if isinstance(moment, datetime) else moment.isoformat()}"
        if not isinstance(start, datetime):  # all day: the opening hours of each day
            days = self._days(e, start)
            if not series:
                self._book_days(uid, summary, name, start, days)
                return
            series_start = datetime.combine(start, time(0))
            for _at, moved, own, title in self._series(e, series_start, None, name, uid):
                span = days if own is None else max(1, own.days)
                self._book_days(uid, title or summary, name, moved.date(), span)
            return
        if start.tzinfo is None:  # floating time: the place's wall clock
            start = start.replace(tzinfo=self.zone)
        length = self._length(e, start)
        if not series:
            self._add(Wanted(uid, summary, start.astimezone(UTC), (start + length).astimezone(UTC)))
            return
        zone = start.tzinfo
        assert zone is not None
        for at, moved, own, title in self._series(e, start.replace(tzinfo=None), zone, name, uid):
            occurrence = moved.replace(tzinfo=zone)
            self._add(
                Wanted(
                    f"{uid}#{stamp(at.replace(tzinfo=zone))}",
                    title or summary,
                    occurrence.astimezone(UTC),
                    (occurrence + (own or length)).astimezone(UTC),
                )
            )

    def _length(self, e: Any, start: datetime) -> timedelta:
        if e.get("dtend") is not None:
            end = date_of(e, "dtend")
            if not isinstance(end, datetime):  # a date end: midnight starting that day
                end = datetime.combine(end, time(0))
            if end.tzinfo is None:
                end = end.replace(tzinfo=start.tzinfo)
        elif e.get("duration") is not None:
            span = when(e.get("duration"), "DURATION")
            if not isinstance(span, timedelta):
                raise UnreadableEventError(
                    _("DURATION illisible : « {value} »").format(value=raw(span))
                )
            end = start + span
        else:
            raise LeftOutError(_("pas d'heure de fin"))
        if end < start:
            raise UnreadableEventError(
                _("la fin ({end}) précède le début ({start})").format(
                    end=end.strftime("%d/%m/%Y %H:%M"), start=start.strftime("%d/%m/%Y %H:%M")
                )
            )
        if end == start:
            raise LeftOutError(_("durée nulle"))
        return end - start

    def _days(self, e: Any, start: date) -> int:
        """How many days an all-day event covers (DTEND excluded, one day at least)."""
        if e.get("dtend") is not None:
            end = date_of(e, "dtend")
            if isinstance(end, datetime):  # a date start with a date-time end: its day counts
                end = end.date() + timedelta(days=0 if end.time() == time(0) else 1)
        elif e.get("duration") is not None:
            span = when(e.get("duration"), "DURATION")
            if not isinstance(span, timedelta):
                raise UnreadableEventError(
                    _("DURATION illisible : « {value} »").format(value=raw(span))
                )
            end = start + timedelta(days=span.days + (1 if span.seconds else 0))
        else:
            end = start + timedelta(days=1)
        if end < start:
            raise UnreadableEventError(
                _("la fin ({end}) précède le début ({start})").format(
                    end=format_date(end), start=format_date(start)
                )
            )
        return max(1, (end - start).days)

    def _book_days(self, uid: str, summary: str, name: str, first: date, days: int) -> None:
        self.days += days
        if self.days > MAX_DAYS:
            raise ComptoirError(
                _(
                    "Import refusé : les événements sur des journées entières de ce calendrier "
                    "couvrent plus de {limit} jours, la limite d'un import. Exportez une "
                    "période plus courte."
                ).format(limit=format_number(MAX_DAYS))
            )
        for day in (first + timedelta(days=n) for n in range(days)):
            ranges = self.calendar.ranges(day)
            if not ranges:
                self.ignored.append(
                    _("{event} le {day} : le lieu est fermé ce jour-là").format(
                        event=name, day=format_date(day)
                    )
                )
                continue
            self._add(
                Wanted(
                    f"{uid}#{day.isoformat()}",
                    summary,
                    self.calendar.local(day, ranges[0][0]).astimezone(UTC),
                    self.calendar.local(day, ranges[-1][1]).astimezone(UTC),
                )
            )

    def _series(
        self, e: Any, start: datetime, zone: tzinfo | None, name: str, uid: str
    ) -> list[tuple[datetime, datetime, timedelta | None, str]]:
        """The occurrences of a recurring event on its own wall clock (naive ``start``;
        ``zone`` None for an all-day event): each as it is named (its RECURRENCE-ID), where
        it starts (moved by a ``RANGE=THISANDFUTURE``), its own length when an RDATE period
        or such a move gives one (whole days for an all-day event), its own title or ""."""
        here = zone or self.zone

        def wall(value: date) -> datetime:
            if not isinstance(value, datetime):
                return datetime.combine(value, start.time())
            if value.tzinfo is None:
                return value
            return value.astimezone(here).replace(tzinfo=None)

        def to_wall(utc: datetime) -> datetime:
            return wall(utc.replace(tzinfo=UTC))

        stop = wall(datetime.combine(self.horizon, time(0), tzinfo=self.zone))
        parsed = [parse_rule(t, start, all_day=zone is None, to_wall=to_wall) for t in rules(e)]
        found = occurrences(parsed, stop, limit=MAX_PER_EVENT, budget=self.budget, event=name)
        if found is None:
            raise self._too_many(name)
        lengths: dict[datetime, timedelta | None] = dict.fromkeys(sorted({start, *found}))
        for value in all_values(e, "rdate"):
            if isinstance(value, tuple):  # a period: its own end or length
                begin, end = wall(value[0]), value[1]
                lengths[begin] = end if isinstance(end, timedelta) else wall(end) - begin
            else:
                lengths.setdefault(wall(value), None)
        later = [at for at in lengths if at > stop]  # RDATEs past the year ahead
        for at in later:
            del lengths[at]
        excluded = all_values(e, "exdate")
        moments = {wall(v) for v in excluded if isinstance(v, datetime)}
        days = {v for v in excluded if not isinstance(v, datetime)}
        if zone is None:
            days |= {m.date() for m in moments}
        overridden = self.overridden.get(uid, set())
        kept = [
            (at, length)
            for at, length in sorted(lengths.items())
            if at not in moments
            and at.date() not in days
            and at.date() not in overridden
            and at.replace(tzinfo=here).astimezone(UTC) not in overridden
            and (length is None or length > timedelta(0))
        ]
        if len(kept) > MAX_PER_EVENT:
            raise self._too_many(name)
        if later or (parsed and not all(r.ends_before(stop) for r in parsed)):
            self.ignored.append(
                _(
                    "{event} : les répétitions après le {day} ne sont pas importées "
                    "(un an après l'import au plus)"
                ).format(event=name, day=format_date(self.horizon))
            )
        return self._moved(kept, uid, here, wall, all_day=zone is None)

    def _moved(
        self,
        kept: list[tuple[datetime, timedelta | None]],
        uid: str,
        here: tzinfo,
        wall: Any,
        *,
        all_day: bool,
    ) -> list[tuple[datetime, datetime, timedelta | None, str]]:
        """The occurrences, each after the latest ``RANGE=THISANDFUTURE`` move at or before
        it: shifted as that occurrence was, with its length and title; dropped when it was
        cancelled."""
        moves: list[tuple[Any, timedelta, timedelta | None, str, bool]] = []
        for move in self.ranges.get(uid, []):
            e = move.event
            since = _comparable(move.since, all_day)
            if str(e.get("status") or "").strip().upper() == "CANCELLED":
                moves.append((since, timedelta(0), None, "", True))
                continue
            if e.get("dtstart") is None:
                continue  # left out, and said, when the override itself is read
            try:
                begin, original = date_of(e, "dtstart"), date_of(e, "recurrence-id")
                if all_day:
                    shift = timedelta(days=(_day(begin) - _day(original)).days)
                    length: timedelta | None = timedelta(days=self._days(e, _day(begin)))
                else:
                    start = wall(begin).replace(tzinfo=here)
                    shift = wall(begin) - wall(original)
                    length = self._length(e, start)
            except (LeftOutError, UnreadableEventError):
                continue  # said when the override itself is read
            moves.append((since, shift, length, move.summary, False))
        if not moves:
            return [(at, at, length, "") for at, length in kept]
        moves.sort(key=lambda m: m[0])
        starts = [m[0] for m in moves]
        moved: list[tuple[datetime, datetime, timedelta | None, str]] = []
        for at, length in kept:
            key = at.date() if all_day else at.replace(tzinfo=here).astimezone(UTC)
            found = bisect.bisect_right(starts, key)
            if not found:
                moved.append((at, at, length, ""))
                continue
            _since, shift, own, title, cancelled = moves[found - 1]
            if not cancelled:
                moved.append((at, at + shift, own, title))
        return moved

    def _too_many(self, name: str) -> ComptoirError:
        return ComptoirError(
            _(
                "Import refusé : {event} se répète plus de {limit} fois entre son début et "
                "le {day}, la limite par événement. Vérifiez sa règle de répétition (RRULE)."
            ).format(event=name, limit=format_number(MAX_PER_EVENT), day=format_date(self.horizon))
        )

    def _add(self, wanted: Wanted) -> None:
        self.wanted[booking_uid(wanted.uid)] = Wanted(
            booking_uid(wanted.uid), wanted.summary, wanted.start, wanted.end
        )
        if len(self.wanted) > MAX_BOOKINGS:
            raise ComptoirError(
                _(
                    "Import refusé : ce calendrier donnerait plus de {limit} réservations, "
                    "la limite d'un import. Exportez une période plus courte."
                ).format(limit=format_number(MAX_BOOKINGS))
            )


def _day(value: date) -> date:
    return value.date() if isinstance(value, datetime) else value


def _comparable(key: Any, all_day: bool) -> Any:
    """A RECURRENCE-ID key (UTC instant or date) set against a series' occurrences."""
    if all_day:
        return _day(key)
    if isinstance(key, datetime):
        return key
    return datetime.combine(key, time(0), tzinfo=UTC)


def read(data: bytes, calendar: SiteCalendar, today: date) -> tuple[list[Wanted], list[str]]:
    """The bookings an .ics asks for, sorted, and what was left out with why.

    Raises :class:`~tiers_lieu.errors.ComptoirError` (French, limit named) for a file too
    large or not a calendar, and :class:`IcsFileError` naming every unreadable event."""
    check_size(data)
    reader = _Reader(calendar, today)
    reader.read(events(decode(data)))
    if reader.problems:
        raise IcsFileError(reader.problems)
    wanted = sorted(reader.wanted.values(), key=lambda w: (w.start, w.uid))
    return wanted, reader.ignored
