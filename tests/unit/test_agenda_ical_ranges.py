"""What an imported event's extra dates and moved occurrences become: an RDATE keeps to the
year ahead as RRULE occurrences do, and an occurrence moved "this one and the following"
(``RECURRENCE-ID;RANGE=THISANDFUTURE``, as Thunderbird and Nextcloud write it) moves the
following ones too (RFC 5545, 3.8.4.4)."""

from __future__ import annotations

import time as clock
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from ics_hostile import calendar

from tiers_lieu.services.agenda import ics_read

PARIS = ZoneInfo("Europe/Paris")
REAL = Path(__file__).parent.parent / "data" / "agenda" / "real" / "recurring-ical-events"
TODAY = date(2026, 3, 1)
TZ = "DTSTART;TZID=Europe/Paris:20260302T100000\r\nDTEND;TZID=Europe/Paris:20260302T110000\r\n"


class OpenEveryDay:
    """A place open 9:00–18:00 every day, in Paris (what ics_read asks of SiteCalendar)."""

    zone = PARIS

    def ranges(self, day: date) -> list[tuple[time, time]]:
        return [(time(9), time(18))]

    def local(self, day: date, at: time) -> datetime:
        return datetime.combine(day, at, tzinfo=PARIS)


def read(data: bytes, today: date = TODAY) -> tuple[list[tuple[str, str, str]], list[str]]:
    """(summary, local start, local end) of each booking, and what was left out."""
    wanted, ignored = ics_read.read(data, OpenEveryDay(), today)  # type: ignore[arg-type]
    shown = [
        (
            w.summary,
            w.start.astimezone(PARIS).strftime("%d/%m/%y %H:%M"),
            w.end.astimezone(PARIS).strftime("%H:%M"),
        )
        for w in wanted
    ]
    return shown, ignored


def event(body: str, summary: str = "Réunion") -> str:
    return f"UID:serie@example.org\r\nSUMMARY:{summary}\r\n{body}"


def test_an_rdate_past_the_year_ahead_is_left_out_and_said() -> None:
    data = calendar(event(TZ + "RDATE;TZID=Europe/Paris:20260305T100000,20280305T100000\r\n"))
    shown, ignored = read(data)
    assert shown == [("Réunion", "02/03/26 10:00", "11:00"), ("Réunion", "05/03/26 10:00", "11:00")]
    assert any("les répétitions après le 01/03/2027 ne sont pas importées" in i for i in ignored)


def test_moving_this_and_the_following_occurrences_moves_the_following() -> None:
    data = calendar(
        event(TZ + "RRULE:FREQ=DAILY;COUNT=4\r\n"),
        event(
            "RECURRENCE-ID;RANGE=THISANDFUTURE;TZID=Europe/Paris:20260303T100000\r\n"
            "DTSTART;TZID=Europe/Paris:20260303T140000\r\n"
            "DTEND;TZID=Europe/Paris:20260303T153000\r\n",
            summary="Réunion de l'après-midi",
        ),
    )
    shown, _ignored = read(data)
    assert shown == [
        ("Réunion", "02/03/26 10:00", "11:00"),
        ("Réunion de l'après-midi", "03/03/26 14:00", "15:30"),
        ("Réunion de l'après-midi", "04/03/26 14:00", "15:30"),
        ("Réunion de l'après-midi", "05/03/26 14:00", "15:30"),
    ]


def test_a_later_single_move_wins_over_this_and_future() -> None:
    data = calendar(
        event(TZ + "RRULE:FREQ=DAILY;COUNT=4\r\n"),
        event(
            "RECURRENCE-ID;RANGE=THISANDFUTURE;TZID=Europe/Paris:20260303T100000\r\n"
            "DTSTART;TZID=Europe/Paris:20260303T140000\r\n"
            "DTEND;TZID=Europe/Paris:20260303T150000\r\n"
        ),
        event(
            "RECURRENCE-ID;TZID=Europe/Paris:20260304T100000\r\n"
            "DTSTART;TZID=Europe/Paris:20260304T170000\r\n"
            "DTEND;TZID=Europe/Paris:20260304T180000\r\n"
        ),
    )
    shown, _ignored = read(data)
    assert [s[1] for s in shown] == [
        "02/03/26 10:00",
        "03/03/26 14:00",
        "04/03/26 17:00",
        "05/03/26 14:00",
    ]


def test_a_calendar_moved_twice_this_and_future_follows_both_moves() -> None:
    """From recurring-ical-events' issue 75: every other day at 12:00 UTC for 2 hours, an
    extra date on 14 September, moved 3 hours earlier and made 7 hours long from 13
    September on, one occurrence moved alone on the 15th, then moved by a day and 2 h 22
    and made 1 h 51 long from 21 September on (as recurring-ical-events reads it)."""
    data = (REAL / "issue_75_range_parameter.ics").read_bytes()
    shown, _ignored = read(data, date(2024, 9, 1))
    september = [(s[1], s[2], s[0]) for s in shown if s[1][3:8] == "09/24"]
    assert september == [
        ("01/09/24 14:00", "16:00", "ORIGINAL EVENT"),
        ("03/09/24 14:00", "16:00", "ORIGINAL EVENT"),
        ("05/09/24 14:00", "16:00", "ORIGINAL EVENT"),
        ("07/09/24 14:00", "16:00", "ORIGINAL EVENT"),
        ("09/09/24 14:00", "16:00", "ORIGINAL EVENT"),
        ("11/09/24 14:00", "16:00", "ORIGINAL EVENT"),
        ("13/09/24 11:00", "18:00", "MODIFIED EVENT"),
        ("14/09/24 08:00", "15:00", "MODIFIED EVENT"),
        ("15/09/24 19:00", "21:00", "MODIFIED EVENT"),
        ("17/09/24 11:00", "18:00", "MODIFIED EVENT"),
        ("19/09/24 11:00", "18:00", "MODIFIED EVENT"),
        ("22/09/24 16:22", "18:13", "EDITED EVENT"),
        ("24/09/24 16:22", "18:13", "EDITED EVENT"),
        ("26/09/24 16:22", "18:13", "EDITED EVENT"),
        ("28/09/24 16:22", "18:13", "EDITED EVENT"),
        ("30/09/24 16:22", "18:13", "EDITED EVENT"),
    ]


def test_cancelling_this_and_the_following_occurrences_ends_the_series_there() -> None:
    data = calendar(
        event(TZ + "RRULE:FREQ=DAILY;COUNT=4\r\n"),
        event(
            "RECURRENCE-ID;RANGE=THISANDFUTURE;TZID=Europe/Paris:20260304T100000\r\n"
            "STATUS:CANCELLED\r\n"
        ),
    )
    shown, ignored = read(data)
    assert [s[1] for s in shown] == ["02/03/26 10:00", "03/03/26 10:00"]
    assert any("événement annulé" in i for i in ignored)


def test_an_all_day_series_moved_a_day_later_from_one_occurrence_on() -> None:
    data = calendar(
        event(
            "DTSTART;VALUE=DATE:20260302\r\nDTEND;VALUE=DATE:20260303\r\n"
            "RRULE:FREQ=WEEKLY;COUNT=3\r\n"
        ),
        event(
            "RECURRENCE-ID;RANGE=THISANDFUTURE;VALUE=DATE:20260309\r\n"
            "DTSTART;VALUE=DATE:20260310\r\nDTEND;VALUE=DATE:20260311\r\n"
        ),
    )
    shown, _ignored = read(data)
    assert [s[1] for s in shown] == ["02/03/26 09:00", "10/03/26 09:00", "17/03/26 09:00"]


def test_thousands_of_moves_of_one_series_stay_quick() -> None:
    moves = [
        event(
            f"RECURRENCE-ID;RANGE=THISANDFUTURE:{day:%Y%m%d}T090000Z\r\n"
            f"DTSTART:{day:%Y%m%d}T100000Z\r\nDURATION:PT1H\r\n"
        )
        for day in (date(2026, 3, 2) + timedelta(days=n) for n in range(5_000))
    ]
    data = calendar(
        event("DTSTART:20260302T090000Z\r\nDURATION:PT1H\r\nRRULE:FREQ=DAILY\r\n"), *moves
    )
    started = clock.perf_counter()
    shown, _ignored = read(data)
    assert clock.perf_counter() - started < 10
    assert len(shown) == 5_000  # each move is a booking of its own
