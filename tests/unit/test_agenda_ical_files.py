""".ics files as they come from the world: the shapes real clients write import as they mean,
broken or hostile ones are refused in French naming the event, its line or the limit, and
every calendar of two real-world test suites (tests/data/agenda/real/) either imports or is
refused with a French message, never a traceback."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time
from pathlib import Path

import pytest
from ics_hostile import HOSTILE, MINUTELY, calendar
from test_agenda_support import PARIS, Place, make_place

from tiers_lieu.app import Comptoir, build
from tiers_lieu.errors import ComptoirError
from tiers_lieu.services.agenda import ics_read, ics_recur
from tiers_lieu.services.agenda.readmodels import IcsImportReport

REAL = Path(__file__).parent.parent / "data" / "agenda" / "real"
TZ = "DTSTART;TZID=Europe/Paris:20260302T100000\r\nDTEND;TZID=Europe/Paris:20260302T110000\r\n"


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Comptoir, Place]]:
    """One place for the whole module: every import here is a dry run, nothing is kept."""
    app = build(str(tmp_path_factory.mktemp("ics") / "base.sqlite"))
    site = app.sites.init_site(name="Le Comptoir", commune_name="Felletin", insee_code="23079")
    yield app, make_place(app, site)
    app.close()


def dry(shared: tuple[Comptoir, Place], data: bytes) -> IcsImportReport:
    app, place = shared
    return app.agenda.ical.import_ics(
        site_id=place.site.id,
        resource_id=place.open_space.id,
        data=data,
        skip_collisions=True,
        outside_hours=True,
        dry_run=True,
    )


def refusal(shared: tuple[Comptoir, Place], data: bytes) -> str:
    with pytest.raises(ComptoirError) as refused:
        dry(shared, data)
    return refused.value.message


def event(uid: str, body: str, summary: str = "Réunion") -> str:
    return f"UID:{uid}\r\nSUMMARY:{summary}\r\n{body}"


# (what, VEVENT bodies, bookings expected)
SHAPES: list[tuple[str, list[str], int]] = [
    ("UNTIL as a date with a TZID start", [TZ + "RRULE:FREQ=WEEKLY;UNTIL=20260330\r\n"], 5),
    ("UNTIL in UTC", [TZ + "RRULE:FREQ=WEEKLY;UNTIL=20260316T090000Z\r\n"], 3),
    ("floating UNTIL with a TZID start", [TZ + "RRULE:FREQ=WEEKLY;UNTIL=20260316T100000\r\n"], 3),
    ("Exchange BYDAY with spaces", [TZ + "RRULE:FREQ=WEEKLY;COUNT=4;BYDAY=MO, TU\r\n"], 4),
    ("lower case rule", [TZ + "RRULE:freq=daily;count=3\r\n"], 3),
    ("several RRULEs", [TZ + "RRULE:FREQ=WEEKLY;COUNT=2\r\nRRULE:FREQ=DAILY;COUNT=3\r\n"], 4),
    ("COUNT and UNTIL both", [TZ + "RRULE:FREQ=DAILY;COUNT=10;UNTIL=20260304T235959Z\r\n"], 3),
    (
        "DATE start with DATE-TIME end",
        ["DTSTART;VALUE=DATE:20260302\r\nDTEND:20260302T110000\r\n"],
        1,
    ),
    (
        "DATE-TIME start with DATE end",
        ["DTSTART;TZID=Europe/Paris:20260302T100000\r\nDTEND;VALUE=DATE:20260303\r\n"],
        1,
    ),
    ("DURATION instead of DTEND", ["DTSTART:20260302T090000Z\r\nDURATION:PT90M\r\n"], 1),
    (
        "RDATE periods and dates",
        [
            TZ + "RDATE;VALUE=PERIOD:20260305T090000Z/PT2H,20260306T090000Z/20260306T100000Z\r\n"
            "RDATE;TZID=Europe/Paris:20260310T100000\r\n"
        ],
        4,
    ),
    (
        "EXDATE as a date with a timed start",
        [TZ + "RRULE:FREQ=DAILY;COUNT=3\r\nEXDATE;VALUE=DATE:20260303\r\n"],
        2,
    ),
    (
        "moved and cancelled occurrences",
        [
            TZ + "RRULE:FREQ=DAILY;COUNT=3\r\n",
            "RECURRENCE-ID;TZID=Europe/Paris:20260303T100000\r\n"
            "DTSTART;TZID=Europe/Paris:20260303T150000\r\n"
            "DTEND;TZID=Europe/Paris:20260303T160000\r\n",
            "RECURRENCE-ID;TZID=Europe/Paris:20260304T100000\r\nSTATUS:CANCELLED\r\n"
            "DTSTART;TZID=Europe/Paris:20260304T100000\r\n"
            "DTEND;TZID=Europe/Paris:20260304T110000\r\n",
        ],
        2,
    ),
    (
        "the same event sent twice (SEQUENCE)",
        [TZ + "SEQUENCE:0\r\n", TZ.replace("T10", "T14").replace("T11", "T15") + "SEQUENCE:1\r\n"],
        1,
    ),
    (
        "a time zone nobody defined",
        [
            "DTSTART;TZID=Mars/Olympus:20260302T100000\r\n"
            "DTEND;TZID=Mars/Olympus:20260302T110000\r\n"
        ],
        1,
    ),
    (
        "a Windows zone name",
        [
            "DTSTART;TZID=Romance Standard Time:20260702T100000\r\n"
            "DTEND;TZID=Romance Standard Time:20260702T110000\r\n"
        ],
        1,
    ),
    ("UNTIL before DTSTART", [TZ + "RRULE:FREQ=WEEKLY;UNTIL=20260101\r\n"], 1),
]


@pytest.mark.parametrize(("what", "bodies", "expected"), SHAPES, ids=[s[0] for s in SHAPES])
def test_real_world_shapes_import_as_meant(
    shared: tuple[Comptoir, Place], what: str, bodies: list[str], expected: int
) -> None:
    uid = what.replace(" ", "-") + "@example.org"
    data = calendar(*(event(uid, body) for body in bodies))
    assert dry(shared, data).created == expected


def test_recurring_times_follow_the_wall_clock_and_overrides_win(
    shared: tuple[Comptoir, Place],
) -> None:
    app, place = shared
    data = calendar(
        event("weekly@example.org", TZ + "RRULE:FREQ=WEEKLY;COUNT=5\r\n"),
        event(
            "weekly@example.org",
            "RECURRENCE-ID;TZID=Europe/Paris:20260316T100000\r\n"
            "DTSTART;TZID=Europe/Paris:20260316T150000\r\n"
            "DTEND;TZID=Europe/Paris:20260316T163000\r\n",
            summary="Réunion déplacée",
        ),
    )
    report = app.agenda.ical.import_ics(
        site_id=place.site.id, resource_id=place.health.id, data=data
    )
    assert report.created == 5
    week = app.agenda.bookings.week(
        place.site.id, datetime(2026, 3, 16).date(), resource_id=place.health.id
    )
    moved = [(b.title, b.start.time(), b.end.time()) for b in week.resources[0].bookings]
    assert moved == [("Réunion déplacée", time(15), time(16, 30))]
    summer = app.agenda.bookings.week(
        place.site.id, datetime(2026, 3, 30).date(), resource_id=place.health.id
    )
    # After the change to summer time (29 March) the weekly 10:00 is still 10:00.
    assert [b.start.astimezone(PARIS).time() for b in summer.resources[0].bookings] == [time(10)]


def test_a_control_character_and_a_long_uid_are_stored_safely(
    shared: tuple[Comptoir, Place],
) -> None:
    app, place = shared
    long_uid = "x" * 400 + "@example.org"
    data = calendar(event(long_uid, TZ, summary="Atelier\x07 numérique"))
    site, cabin = place.site.id, place.cabin.id
    assert app.agenda.ical.import_ics(site_id=site, resource_id=cabin, data=data).created == 1
    week = app.agenda.bookings.week(site, datetime(2026, 3, 2).date(), resource_id=cabin)
    assert [b.title for b in week.resources[0].bookings] == ["Atelier numérique"]
    again = app.agenda.ical.import_ics(site_id=site, resource_id=cabin, data=data)
    assert (again.created, again.already_imported) == (0, 1)


@pytest.mark.parametrize(
    ("what", "body", "said"),
    [
        (
            "year 0001",
            "DTSTART:00010101T100000\r\nDTEND:00010101T110000\r\n",
            "DTSTART en l'an 1 : les dates vont de 1900 à 2100",
        ),
        (
            "year 9999",
            "DTSTART:99991231T100000\r\nDTEND:99991231T110000\r\n",
            "DTSTART en l'an 9999 : les dates vont de 1900 à 2100",
        ),
        (
            "DTEND before DTSTART",
            "DTSTART:20260302T100000\r\nDTEND:20260302T090000\r\n",
            "la fin (02/03/2026 09:00) précède le début (02/03/2026 10:00)",
        ),
        (
            "a negative DURATION",
            "DTSTART:20260302T100000\r\nDURATION:-PT1H\r\n",
            "la fin (02/03/2026 09:00) précède le début",
        ),
        ("a broken date", "DTSTART:2026xx02T100000\r\nDTEND:20260302T110000\r\n", "DTSTART "),
        (
            "a misspelt RRULE",
            TZ + "RRULE:FREQ=DAILY;UNTL=20260310\r\n",
            "règle de répétition illisible : « FREQ=DAILY;UNTL=20260310 »",
        ),
        (
            "a DURATION of 30,000 years",
            "DTSTART:20260302T100000\r\nDURATION:P10950000D\r\n",
            "une date sort du calendrier (au-delà de l'an 9999)",
        ),
        (
            "BYHOUR out of reach of INTERVAL",
            "DTSTART:20260302T100000\r\nDURATION:PT1H\r\n"
            "RRULE:FREQ=MINUTELY;INTERVAL=120;BYHOUR=11\r\n",
            "règle de répétition",
        ),
        (
            "INTERVAL=0",
            TZ + "RRULE:FREQ=DAILY;INTERVAL=0\r\n",
            "INTERVAL doit être un nombre entier positif",
        ),
    ],
)
def test_broken_events_refuse_the_file_naming_event_and_line(
    shared: tuple[Comptoir, Place], what: str, body: str, said: str
) -> None:
    del what
    data = calendar(event("ok@example.org", TZ), event("bad@example.org", body, "Fête"))
    message = refusal(shared, data)
    assert message.startswith("Import refusé, rien n'a été enregistré : 1 événement est illisible")
    assert "« Fête » (ligne 10) : " in message and said in message


def test_events_that_are_not_bookings_are_listed(shared: tuple[Comptoir, Place]) -> None:
    data = calendar(
        event("zero@example.org", "DTSTART:20260302T100000Z\r\nDTEND:20260302T100000Z\r\n"),
        event("noend@example.org", "DTSTART:20260302T100000Z\r\n", summary="Sans fin"),
    )
    report = dry(shared, data)
    assert report.created == 0
    assert report.ignored == (
        "« Réunion » (ligne 4) : durée nulle",
        "« Sans fin » (ligne 10) : pas d'heure de fin",
    )


def test_not_a_calendar(shared: tuple[Comptoir, Place]) -> None:
    assert "ce n'est pas un fichier iCalendar" in refusal(shared, b"date;service\n01/03/2026;x\n")


def test_two_calendars_in_one_file(shared: tuple[Comptoir, Place]) -> None:
    data = calendar(event("a@example.org", TZ)) + calendar(
        event("b@example.org", TZ.replace("T10", "T14").replace("T11", "T15"))
    )
    assert dry(shared, data).created == 2


# -- bounds ------------------------------------------------------------------------------------


def test_the_minutely_file_is_refused_naming_the_limit(shared: tuple[Comptoir, Place]) -> None:
    assert len(MINUTELY) == 248
    message = refusal(shared, MINUTELY)
    assert (
        "« Toutes les minutes. » (ligne 4) se répète plus de 2\u202f000 fois entre son début et le"
        in message
    )


def test_a_rule_that_never_matches_ends_at_the_window(shared: tuple[Comptoir, Place]) -> None:
    budget = ics_recur.Budget()
    rule = ics_recur.parse_rule(
        "FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30",
        datetime(2026, 3, 2, 10),
        all_day=False,
        to_wall=lambda moment: moment,
    )
    found = ics_recur.occurrences(
        [rule], datetime(2027, 3, 2), limit=2000, budget=budget, event="x"
    )
    assert found == set()
    # One period a day up to the end of the window: dateutil alone walks to the year 9999.
    # Zero would mean a dateutil release no longer calls the period hook: the bound is gone.
    assert 300 < budget.limit - budget.left < 400
    assert dry(shared, HOSTILE["never matches (30 February, every second)"]).created == 1


def test_a_rule_that_walks_without_end_is_refused(
    shared: tuple[Comptoir, Place], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ics_recur, "MAX_STEPS", 20_000)  # the real limit takes ~3 s
    message = refusal(shared, HOSTILE["BYSETPOS out of reach, every second"])
    assert "demande trop de calcul (plus de 20\u202f000 périodes parcourues" in message
    assert "« Hors d'atteinte » (ligne 4)" in message


def test_too_many_bookings_in_one_file(shared: tuple[Comptoir, Place]) -> None:
    since_2020 = TZ.replace("20260302", "20200101")
    events = [
        event(f"e{n}@example.org", since_2020 + "RRULE:FREQ=DAILY;COUNT=1900\r\n") for n in range(3)
    ]
    message = refusal(shared, calendar(*events))
    assert "ce calendrier donnerait plus de 5\u202f000 réservations" in message


def test_all_day_events_covering_too_many_days(shared: tuple[Comptoir, Place]) -> None:
    centuries = "DTSTART;VALUE=DATE:19000101\r\nDTEND;VALUE=DATE:21001231\r\n"
    message = refusal(shared, calendar(event("two-centuries@example.org", centuries)))
    assert "couvrent plus de 20\u202f000 jours, la limite d'un import" in message


def test_file_size_and_lines_are_checked_before_parsing(
    shared: tuple[Comptoir, Place], tmp_path: Path
) -> None:
    big = calendar(event("big@example.org", TZ + "DESCRIPTION:" + "a" * ics_read.MAX_ICS_BYTES))
    assert "le fichier dépasse 10 Mo" in refusal(shared, big)
    path = tmp_path / "big.ics"
    path.write_bytes(big)
    with pytest.raises(ComptoirError, match="dépasse 10 Mo"):
        ics_read.read_file(path)
    lines = calendar(event("l@example.org", TZ + "X-A:1\r\n" * ics_read.MAX_ICS_LINES))
    assert "le fichier dépasse 100\u202f000 lignes" in refusal(shared, lines)
    dates = ",".join(f"2026{m:02d}{d:02d}T100000" for m in range(1, 13) for d in range(1, 29))
    many = calendar(
        event("d@example.org", TZ + "RRULE:FREQ=DAILY\r\n" + f"EXDATE:{dates}\r\n" * 60)
    )
    assert "le fichier dépasse 20\u202f000 dates en RDATE et EXDATE" in refusal(shared, many)


def test_a_file_in_neither_encoding(shared: tuple[Comptoir, Place]) -> None:
    data = calendar(event("enc@example.org", TZ)).replace(b"R\xc3\xa9union", b"R\x81union")
    assert "ni en UTF-8 ni en Windows-1252 (octet 0x81" in refusal(shared, data)


# -- the world's calendars ---------------------------------------------------------------------

FILES = sorted(p for p in REAL.rglob("*") if p.suffix in {".ics", ".jcal"})


def test_the_real_world_calendars_are_all_there() -> None:
    assert len([p for p in FILES if p.parent.name == "icalendar"]) == 121


@pytest.mark.parametrize("path", FILES, ids=[f"{p.parent.name}/{p.name}" for p in FILES])
def test_every_real_world_calendar_imports_or_is_refused_in_french(
    shared: tuple[Comptoir, Place], path: Path
) -> None:
    try:
        report = dry(shared, path.read_bytes())
    except ComptoirError as refused:
        assert refused.message.split(" ")[0] in {"Import", "Fichier"}, refused.message
        assert "Traceback" not in refused.message
    else:
        assert report.created >= 0
