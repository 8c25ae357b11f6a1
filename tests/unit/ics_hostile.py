"""Hostile .ics files, written on demand for the tests and the lead's benchmark (no test here).

``write_hostile_ics`` writes the worst one of issue 14: 248 bytes whose ``RRULE:FREQ=MINUTELY``
never ended before the expansion was bounded. ``HOSTILE`` lists others: a rule that never
matches (dateutil alone walks to the year 9999), one whose BYSETPOS is out of reach (walked
until the budget of periods runs out, the slowest to refuse: about 3 s), and dates out of
range. Each is refused in French or imported, in seconds.
"""

from __future__ import annotations

from pathlib import Path

from tiers_lieu.services.agenda.resources import ResourceFields


def calendar(*events: str) -> bytes:
    """A VCALENDAR around VEVENT bodies (each a string of CRLF-ended lines)."""
    head = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//Hostile\r\n"
    body = "".join(f"BEGIN:VEVENT\r\n{e}END:VEVENT\r\n" for e in events)
    return (head + body + "END:VCALENDAR\r\n").encode()


MINUTELY = calendar(
    "UID:minutely@example.org\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:Toutes les minutes.\r\n"
    "DTSTART:20260302T090000Z\r\nDTEND:20260302T091000Z\r\nRRULE:FREQ=MINUTELY\r\n"
)
"""The 248-byte file of issue 14 (a booking every minute, for ever)."""

HOSTILE: dict[str, bytes] = {
    "minutely": MINUTELY,
    "never matches (30 February, every second)": calendar(
        "UID:feb30@example.org\r\nSUMMARY:Jamais\r\nDTSTART:20260302T090000Z\r\n"
        "DTEND:20260302T091000Z\r\nRRULE:FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30\r\n"
    ),
    "BYSETPOS out of reach, every second": calendar(
        "UID:setpos@example.org\r\nSUMMARY:Hors d'atteinte\r\nDTSTART:20260302T090000Z\r\n"
        "DTEND:20260302T091000Z\r\nRRULE:FREQ=SECONDLY;BYSETPOS=2\r\n"
    ),
    "year 0001": calendar(
        "UID:an1@example.org\r\nSUMMARY:An un\r\nDTSTART:00010101T090000\r\n"
        "DTEND:00010101T100000\r\n"
    ),
    "year 9999, every day": calendar(
        "UID:an9999@example.org\r\nSUMMARY:An 9999\r\nDTSTART:99991230T090000\r\n"
        "DTEND:99991230T100000\r\nRRULE:FREQ=DAILY\r\n"
    ),
}


def write_hostile_ics(path: Path) -> Path:
    """Write the MINUTELY file of issue 14 to ``path`` and return it."""
    path.write_bytes(MINUTELY)
    return path


def write_many_events_ics(path: Path, events: int = 14_000) -> Path:
    """The largest kind of calendar accepted for parsing: ``events`` one-hour bookings (7
    lines each; 14,000 make 98,000 lines, under the 100,000-line limit), all but the first
    4,999 cancelled so that the import stays under its 5,000 bookings."""
    with path.open("wb") as out:
        out.write(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//Hostile\r\n")
        for n in range(events):
            day = 1 + n // 9 % 28
            month = 1 + n // 252 % 12
            hour = 9 + n % 9
            status = "CANCELLED" if n >= 4_999 else "CONFIRMED"
            out.write(
                f"BEGIN:VEVENT\r\nUID:{n}@example.org\r\nSUMMARY:Réunion {n}\r\n"
                f"DTSTART;TZID=Europe/Paris:2026{month:02d}{day:02d}T{hour:02d}0000\r\n"
                f"DURATION:PT1H\r\nSTATUS:{status}\r\nEND:VEVENT\r\n".encode()
            )
        out.write(b"END:VCALENDAR\r\n")
    return path


def add_room(db: str, name: str = "Salle de réunion") -> None:
    """Give a fresh database (after ``tiers-lieu init``) the resource the .ics import needs:
    ``tiers-lieu import bookings FILE --resource NAME``."""
    from tiers_lieu.app import build
    from tiers_lieu.models.enums import ResourceKind

    app = build(db)
    try:
        site = app.sites.resolve(None)
        app.agenda.resources.create(
            site.id, ResourceFields(name=name, kind=ResourceKind.OPEN_SPACE, capacity=100)
        )
    finally:
        app.close()
