"""An .ics file as bytes, read safely into its VEVENTs, and one property of an event read
without trusting it.

The limits are checked before the work they guard: :data:`MAX_ICS_BYTES` before the file is
read, :data:`MAX_ICS_LINES` and :data:`MAX_ICS_DATES` before parsing (icalendar parses some
27,000 lines a second and holds about 35 bytes of memory per line: 400,000 lines took 340 MB).
Text is UTF-8 (with or without BOM), else Windows-1252, as for the CSV imports. icalendar
tolerates broken values (it keeps them as ``vBroken``) and raises on others; every accessor
here turns both into a French reason (:class:`UnreadableEventError`) naming the property;
dates outside 1900–2100 are refused the same way. An event that is no booking (cancelled, no
end…) raises :class:`LeftOutError`.
"""

from __future__ import annotations

import hashlib
import re
import warnings
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from tiers_lieu import held_files
from tiers_lieu.errors import ComptoirError, os_reason
from tiers_lieu.i18n import _, format_number, ngettext
from tiers_lieu.validation import MAX_YEAR, MIN_YEAR

MAX_ICS_BYTES = 10 * 1024 * 1024
MAX_ICS_LINES = 100_000
MAX_ICS_DATES = 20_000
UID_LENGTH = 255  # Booking.ical_uid

# icalendar warns in English on stderr when it guesses a vendor's time zone name; the guess
# is what we want, and the command line speaks French.
warnings.filterwarnings("ignore", module=r"icalendar(\.|$)")

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class IcsFileError(ComptoirError):
    """The file is refused as a whole: unreadable events, each named; nothing saved."""

    def __init__(self, problems: list[str]) -> None:
        shown = "\n".join(problems[:50])
        if len(problems) > 50:
            more = len(problems) - 50
            shown += "\n" + ngettext("… et {n} autre.", "… et {n} autres.", more).format(n=more)
        super().__init__(
            ngettext(
                "Import refusé, rien n'a été enregistré : {n} événement est illisible.\n{events}",
                "Import refusé, rien n'a été enregistré : {n} événements sont illisibles.\n"
                "{events}",
                len(problems),
            ).format(n=len(problems), events=shown)
        )
        self.problems = problems


class UnreadableEventError(Exception):
    """An event that cannot be read: the file is refused."""


class LeftOutError(Exception):
    """An event that is no booking (cancelled, no end…): listed and left out."""


def _too_big(limit: str) -> ComptoirError:
    return ComptoirError(
        _(
            "Import refusé : le fichier dépasse {limit}, la limite d'un calendrier importé. "
            "Exportez une période plus courte."
        ).format(limit=limit)
    )


def read_file(path: Path) -> bytes:
    """The bytes of an .ics file, never reading more than the limit."""
    try:
        with held_files.open_input(path) as handle:
            data = handle.read(MAX_ICS_BYTES + 1)
    except OSError as error:
        raise ComptoirError(
            _("Impossible de lire {file} : {error}").format(file=path, error=os_reason(error))
        ) from error
    check_size(data)
    return data


def check_size(data: bytes) -> None:
    """Refuse, naming the limit, a file icalendar would take too long or too much memory to
    parse: too many bytes, lines, or dates listed in RDATE and EXDATE lines (one 10 MB line
    of dates took 8 s and 320 MB)."""
    if len(data) > MAX_ICS_BYTES:
        raise _too_big(_("{n} Mo").format(n=format_number(MAX_ICS_BYTES // (1024 * 1024))))
    if max(data.count(b"\n"), data.count(b"\r")) > MAX_ICS_LINES:
        raise _too_big(
            ngettext("{n} ligne", "{n} lignes", MAX_ICS_LINES).format(
                n=format_number(MAX_ICS_LINES)
            )
        )
    listed = 0
    inside = False
    for line in data.split(b"\n"):
        if line[:1] in (b" ", b"\t"):  # a folded line goes on with the property above
            listed += line.count(b",") if inside else 0
            continue
        inside = line[:6].upper().startswith((b"EXDATE", b"RDATE"))
        listed += line.count(b",") + 1 if inside else 0
    if listed > MAX_ICS_DATES:
        raise _too_big(
            ngettext(
                "{n} date en RDATE et EXDATE", "{n} dates en RDATE et EXDATE", MAX_ICS_DATES
            ).format(n=format_number(MAX_ICS_DATES))
        )


def decode(data: bytes) -> str:
    """UTF-8 (BOM or not), else Windows-1252: never a U+FFFD in a stored title."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as error:
        raise ComptoirError(
            _(
                "Import refusé : le fichier n'est ni en UTF-8 ni en Windows-1252 (octet "
                "{byte} à la position {position}). Enregistrez-le en UTF-8."
            ).format(byte=f"0x{data[error.start]:02X}", position=error.start + 1)
        ) from error


def events(content: str) -> list[tuple[Any, int | None]]:
    """The VEVENTs of every VCALENDAR in the text, with the line each begins on."""
    from icalendar import Calendar  # imported on use: start-up time

    try:
        calendars = Calendar.from_ical(content, multiple=True)
    # A third-party parser on any input: whatever it raises means "not a calendar we read".
    except Exception as error:
        raise ComptoirError(
            _("Fichier : ce n'est pas un fichier iCalendar lisible (détail : {error}).").format(
                error=" ".join(str(error).split())[:200]
            )
        ) from error
    if not calendars:
        raise ComptoirError(_("Fichier : ce n'est pas un fichier iCalendar (aucun VCALENDAR)."))
    events = [e for cal in calendars for e in cal.walk("VEVENT")]
    begins = [
        n for n, line in enumerate(content.split("\n"), 1) if line.strip().upper() == "BEGIN:VEVENT"
    ]
    if len(begins) != len(events):  # nested or odd components: no line rather than a wrong one
        return [(e, None) for e in events]
    return list(zip(events, begins, strict=True))


def text(value: Any) -> str:
    return " ".join(_CONTROL.sub(" ", str(value or "")).split())


def raw(prop: Any) -> str:
    try:
        return text(prop.to_ical().decode("utf-8", "replace"))[:80]
    except Exception:  # a broken property of the third-party parser: show what we can
        return text(prop)[:80]


def is_broken(prop: Any) -> bool:
    from icalendar import vBroken

    return isinstance(prop, vBroken)


def when(prop: Any, name: str) -> Any:
    """A date, date-time, duration or period; :class:`_Bad` when it cannot be read or
    lies outside 1900–2100."""
    if isinstance(prop, list):
        prop = prop[0]
    value = None if is_broken(prop) else getattr(prop, "dt", None)
    if not isinstance(value, date | tuple | timedelta):
        raise UnreadableEventError(
            _("{name} illisible : « {value} »").format(name=name, value=raw(prop))
        )
    moment = value[0] if isinstance(value, tuple) else value
    if isinstance(moment, date) and not MIN_YEAR <= moment.year <= MAX_YEAR:
        raise UnreadableEventError(
            _("{name} en l'an {year} : les dates vont de {first} à {last}").format(
                name=name, year=moment.year, first=MIN_YEAR, last=MAX_YEAR
            )
        )
    return value


def date_of(e: Any, name: str) -> date:
    value = when(e.get(name), name.upper())
    if not isinstance(value, date):
        raise UnreadableEventError(
            _("{name} illisible : « {value} »").format(name=name, value=raw(e.get(name)))
        )
    return value


def all_values(e: Any, name: str) -> list[Any]:
    """Every value of a property that may be repeated or comma-separated."""
    props = e.get(name)
    listed = props if isinstance(props, list) else [] if props is None else [props]
    found: list[Any] = []
    for prop in listed:
        if is_broken(prop) and not str(prop).strip():  # ``EXDATE;VALUE=DATE:`` says nothing
            continue
        dts = None if is_broken(prop) else getattr(prop, "dts", None)
        if dts is None:
            raise UnreadableEventError(
                _("{name} illisible : « {value} »").format(name=name, value=raw(prop))
            )
        found.extend(when(one, name) for one in dts)
    return found


def rules(e: Any) -> list[str]:
    props = e.get("rrule")
    listed = props if isinstance(props, list) else [] if props is None else [props]
    # A rule icalendar could not read (Exchange's ``BYDAY=MO, TU``) is kept as written; an
    # empty ``RRULE:`` (Calendar Labs writes them) is no rule.
    found = [
        str(prop) if is_broken(prop) else prop.to_ical().decode("utf-8", "replace")
        for prop in listed
    ]
    return [rule for rule in found if rule.strip()]


def booking_uid(uid: str) -> str:
    """A UID that fits the column: a long one keeps its start and a digest of the whole."""
    if len(uid) <= UID_LENGTH:
        return uid
    return uid[: UID_LENGTH - 41] + "~" + hashlib.sha1(uid.encode()).hexdigest()


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def sequence(e: Any) -> int:
    try:
        return int(str(e.get("sequence") or 0).strip())
    except ValueError:
        return 0
