"""iCalendar: what we export, real clients read and we read back the same (another parser
reads our VTIMEZONE with the right summer hour); an .ics written by another application
(VTIMEZONE, a weekly RRULE with an EXDATE, an all-day event, recurring or not, Windows-1252)
imports as documented in services/agenda/ics_read.py; collisions refuse the import unless
skipped, and events outside the opening hours may be imported anyway."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from ics_hostile import calendar
from sqlmodel import select
from test_agenda_support import PARIS, Place, make_place, paris

from tiers_lieu.app import Comptoir
from tiers_lieu.models import Booking
from tiers_lieu.models.enums import ResourceKind
from tiers_lieu.services.agenda.errors import IcsCollisionError
from tiers_lieu.services.agenda.inputs import BookingRequest
from tiers_lieu.services.agenda.permanences import PermanenceInput
from tiers_lieu.services.agenda.resources import ResourceFields
from tiers_lieu.services.people import PersonInput
from tiers_lieu.services.readmodels import SiteInfo

SHARED = Path(__file__).parent.parent / "data" / "agenda" / "shared_calendar.ics"


@pytest.fixture
def place(app: Comptoir, site: SiteInfo) -> Place:
    return make_place(app, site)


def spans(app: Comptoir, place: Place, resource_id) -> list[tuple[object, object, str]]:  # type: ignore[no-untyped-def]
    data = app.agenda.ical.export_resource(resource_id)
    cal = Calendar.from_ical(data)
    return sorted(
        (
            e.decoded("dtstart").astimezone(UTC),
            e.decoded("dtend").astimezone(UTC),
            str(e["summary"]),
        )
        for e in cal.walk("VEVENT")
    )


def test_export_then_import_into_an_empty_resource_gives_the_same_bookings(
    app: Comptoir, place: Place
) -> None:
    site = place.site.id
    lea = app.people.create(site, PersonInput(first_name="Léa", last_name="Martin"))
    app.agenda.bookings.create(
        site,
        BookingRequest(
            resource_id=place.room.id,
            start=paris(2026, 3, 10, 9),
            end=paris(2026, 3, 10, 10, 30),
            title="Conseil",
            organisation="Asso",
        ),
    )
    app.agenda.bookings.create(
        site,
        BookingRequest(
            resource_id=place.room.id,
            start=paris(2026, 3, 31, 14),
            end=paris(2026, 3, 31, 15),
            person_id=lea.id,
        ),
    )
    data = app.agenda.ical.export_resource(place.room.id)
    text = data.decode()
    assert "BEGIN:VTIMEZONE" in text and "TZID:Europe/Paris" in text
    assert "DTSTART;TZID=Europe/Paris:20260331T140000" in text
    copy = app.agenda.resources.create(
        site, ResourceFields(name="Salle 2", kind=ResourceKind.MEETING_ROOM)
    )
    report = app.agenda.ical.import_ics(site_id=site, resource_id=copy.id, data=data)
    assert report.created == 2 and not report.skipped
    assert spans(app, place, copy.id) == spans(app, place, place.room.id)
    # Importing again adds nothing: the events are recognised by their UID.
    again = app.agenda.ical.import_ics(site_id=site, resource_id=copy.id, data=data)
    assert (again.created, again.already_imported) == (0, 2)


def test_a_calendar_from_another_application(app: Comptoir, place: Place) -> None:
    report = app.agenda.ical.import_ics(
        site_id=place.site.id, resource_id=place.room.id, data=SHARED.read_bytes()
    )
    assert report.created == 7
    assert any("annulé" in line for line in report.ignored)
    week = app.agenda.bookings.week(
        place.site.id, paris(2026, 3, 30).date(), resource_id=place.room.id
    )
    atelier = [b for b in week.resources[0].bookings if b.title == "Atelier numérique"]
    # The weekly 9:30 stays 9:30 after the change to summer time (29 March).
    assert [(b.start.time(), b.end.time()) for b in atelier] == [(time(9, 30), time(11, 30))]
    april = app.agenda.bookings.week(
        place.site.id, paris(2026, 4, 6).date(), resource_id=place.room.id
    )
    assert not april.resources[0].bookings  # 7 April is an EXDATE
    forum = app.agenda.bookings.week(
        place.site.id, paris(2026, 3, 9).date(), resource_id=place.room.id
    )
    days = [
        (b.start.date().day, b.start.time(), b.end.time())
        for b in forum.resources[0].bookings
        if b.title == "Forum des associations"
    ]
    # All day = the opening hours of each day: Friday 9:00–18:00, Saturday 9:00–12:00.
    assert days == [(13, time(9), time(18)), (14, time(9), time(12))]


def test_collisions_refuse_all_unless_skipped(app: Comptoir, place: Place) -> None:
    app.agenda.bookings.create(
        place.site.id,
        BookingRequest(
            resource_id=place.room.id,
            start=paris(2026, 3, 24, 10),
            end=paris(2026, 3, 24, 11),
            organisation="Mairie",
        ),
    )
    with pytest.raises(IcsCollisionError) as refused:
        app.agenda.ical.import_ics(
            site_id=place.site.id, resource_id=place.room.id, data=SHARED.read_bytes()
        )
    assert [e.summary for e in refused.value.collisions] == ["Atelier numérique"]
    assert "rien n'a été enregistré" in refused.value.message
    week = app.agenda.bookings.week(
        place.site.id, paris(2026, 3, 2).date(), resource_id=place.room.id
    )
    assert not week.resources[0].bookings
    dry = app.agenda.ical.import_ics(
        site_id=place.site.id,
        resource_id=place.room.id,
        data=SHARED.read_bytes(),
        skip_collisions=True,
        dry_run=True,
    )
    assert (dry.created, len(dry.skipped)) == (6, 1)
    assert (
        not app.agenda.bookings.week(
            place.site.id, paris(2026, 3, 2).date(), resource_id=place.room.id
        )
        .resources[0]
        .bookings
    )
    done = app.agenda.ical.import_ics(
        site_id=place.site.id,
        resource_id=place.room.id,
        data=SHARED.read_bytes(),
        skip_collisions=True,
    )
    assert done.created == 6


def test_practitioner_export_names_who_and_nothing_else(app: Comptoir, place: Place) -> None:
    who = app.agenda.practitioners.create(
        site_id=place.site.id, name="Sophie Lavaud", profession="Infirmière"
    )
    perm = app.agenda.permanences.create(
        place.site.id,
        PermanenceInput(
            practitioner_id=who.id,
            resource_id=place.health.id,
            weekday=1,
            start_time=time(9),
            end_time=time(12),
            start_date=paris(2026, 3, 3).date(),
        ),
    )
    lea = app.people.create(place.site.id, PersonInput(first_name="Léa", last_name="Martin"))
    app.agenda.permanences.book_slot(perm.id, paris(2026, 3, 10, 9, 40), person_id=lea.id)
    cal = Calendar.from_ical(app.agenda.ical.export_practitioner(who.id))
    events = list(cal.walk("VEVENT"))
    assert [str(e["summary"]) for e in events] == ["Léa Martin"]
    assert events[0].decoded("dtstart") == paris(2026, 3, 10, 9, 40)


# -- issue 14, point 11 ------------------------------------------------------------------------


def bookings_of(app: Comptoir, resource_id: uuid.UUID) -> list[tuple[datetime, datetime, str]]:
    with app.uow() as uow:
        rows = uow.session.exec(
            select(Booking).where(Booking.resource_id == resource_id).order_by(Booking.start_at)
        ).all()
        return [(b.start_at.astimezone(PARIS), b.end_at.astimezone(PARIS), b.title) for b in rows]


def test_a_recurring_all_day_event_books_every_occurrence(app: Comptoir, place: Place) -> None:
    data = calendar(
        "UID:permanence-emploi@example.org\r\nSUMMARY:Forum emploi\r\n"
        "DTSTART;VALUE=DATE:20260309\r\nDTEND;VALUE=DATE:20260310\r\n"
        "RRULE:FREQ=WEEKLY;COUNT=4\r\n"
    )
    report = app.agenda.ical.import_ics(site_id=place.site.id, resource_id=place.room.id, data=data)
    assert report.created == 4
    # Four Mondays, each over the day's opening hours (9:00–12:30, 14:00–18:00).
    assert [
        (s.date().isoformat(), s.time(), e.time()) for s, e, _t in bookings_of(app, place.room.id)
    ] == [
        ("2026-03-09", time(9), time(18)),
        ("2026-03-16", time(9), time(18)),
        ("2026-03-23", time(9), time(18)),
        ("2026-03-30", time(9), time(18)),
    ]


def _evening_meetings(app: Comptoir, place: Place) -> None:
    """Bookings outside the opening hours, as the demo (and any calendar kept before
    Comptoir) holds: 18:00–20:00 on weekdays, and one on a Sunday."""
    with app.uow() as uow:
        for day, title in ((10, "Conseil"), (12, "Comité"), (15, "Assemblée")):
            uow.session.add(
                Booking(
                    site_id=place.site.id,
                    resource_id=place.room.id,
                    start_at=paris(2026, 3, day, 18).astimezone(UTC),
                    end_at=paris(2026, 3, day, 20).astimezone(UTC),
                    title=title,
                )
            )
        uow.commit()


def test_own_export_reimports_outside_opening_hours_when_asked(app: Comptoir, place: Place) -> None:
    _evening_meetings(app, place)
    app.agenda.bookings.create(
        place.site.id,
        BookingRequest(
            resource_id=place.room.id,
            start=paris(2026, 3, 11, 10),
            end=paris(2026, 3, 11, 11),
            title="Atelier",
        ),
    )
    data = app.agenda.ical.export_resource(place.room.id)
    copy = app.agenda.resources.create(
        place.site.id, ResourceFields(name="Salle 2", kind=ResourceKind.MEETING_ROOM)
    )
    with pytest.raises(IcsCollisionError) as refused:
        app.agenda.ical.import_ics(site_id=place.site.id, resource_id=copy.id, data=data)
    # Each event says why, in French, and that it may be imported anyway.
    events = refused.value.collisions
    assert [(e.summary, e.outside_hours) for e in events] == [
        ("Conseil", True),
        ("Comité", True),
        ("Assemblée", True),
    ]
    assert "ouvert le mardi 10 mars 2026 de 09:00–12:30, 14:00–18:00" in events[0].reason
    assert "fermé" in events[2].reason or "n'ouvre pas" in events[2].reason  # a Sunday
    assert "en dehors des horaires" in refused.value.message
    assert bookings_of(app, copy.id) == []
    report = app.agenda.ical.import_ics(
        site_id=place.site.id, resource_id=copy.id, data=data, outside_hours=True
    )
    assert (report.created, report.outside_hours, report.skipped) == (4, 3, ())
    assert bookings_of(app, copy.id) == bookings_of(app, place.room.id)


def test_outside_hours_still_respects_other_bookings(app: Comptoir, place: Place) -> None:
    _evening_meetings(app, place)
    data = app.agenda.ical.export_resource(place.room.id)
    copy = app.agenda.resources.create(
        place.site.id, ResourceFields(name="Salle 2", kind=ResourceKind.MEETING_ROOM)
    )
    with app.uow() as uow:
        uow.session.add(
            Booking(
                site_id=place.site.id,
                resource_id=copy.id,
                start_at=paris(2026, 3, 10, 19).astimezone(UTC),
                end_at=paris(2026, 3, 10, 21).astimezone(UTC),
                title="Déjà là",
            )
        )
        uow.commit()
    with pytest.raises(IcsCollisionError) as refused:
        app.agenda.ical.import_ics(
            site_id=place.site.id, resource_id=copy.id, data=data, outside_hours=True
        )
    assert [(e.summary, e.outside_hours) for e in refused.value.collisions] == [("Conseil", False)]
    assert "déjà réservé de 19:00 à 21:00" in refused.value.collisions[0].reason


def test_a_windows_1252_calendar_keeps_its_accents(app: Comptoir, place: Place) -> None:
    data = (
        calendar(
            "UID:cp1252@example.org\r\nSUMMARY:Réunion des bénévoles – café\r\n"
            "DTSTART;TZID=Europe/Paris:20260310T100000\r\nDTEND;TZID=Europe/Paris:20260310T113000\r\n"
        )
        .decode()
        .encode("cp1252")
    )
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    app.agenda.ical.import_ics(site_id=place.site.id, resource_id=place.room.id, data=data)
    assert [t for _s, _e, t in bookings_of(app, place.room.id)] == ["Réunion des bénévoles – café"]


def test_exported_time_zone_reads_the_same_in_another_parser(app: Comptoir, place: Place) -> None:
    """vobject builds the zone from our VTIMEZONE (dateutil's tzical), not from zoneinfo: a
    14:00 summer booking must still be 12:00 UTC there, a 14:00 winter one 13:00 UTC."""
    import vobject

    for month, day in ((1, 13), (7, 7), (10, 27)):
        app.agenda.bookings.create(
            place.site.id,
            BookingRequest(
                resource_id=place.room.id,
                start=paris(2026, month, day, 14),
                end=paris(2026, month, day, 15),
                title=f"Le {day}/{month}",
            ),
        )
    text = app.agenda.ical.export_resource(place.room.id).decode()
    parsed = vobject.readOne(text)
    seen = sorted(
        (e.dtstart.value.astimezone(UTC).replace(tzinfo=None), type(e.dtstart.value.tzinfo))
        for e in parsed.vevent_list
    )
    assert [s for s, _z in seen] == [
        datetime(2026, 1, 13, 13),
        datetime(2026, 7, 7, 12),  # 13:00 before: the summer hour was lost
        datetime(2026, 10, 27, 13),
    ]
    assert all("zoneinfo" not in z.__module__ for _s, z in seen)  # read from the VTIMEZONE
    zone = text[text.index("BEGIN:VTIMEZONE") : text.index("END:VTIMEZONE")]
    assert "RDATE" not in zone
    assert "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3" in zone
    assert "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10" in zone


@pytest.mark.parametrize("zone", ["America/New_York", "Indian/Reunion", "Europe/Moscow"])
def test_vtimezone_rules_match_zoneinfo_every_day(zone: str) -> None:
    """Through dateutil's reading of our VTIMEZONE, every day of 2009–2027 at 14:00 local
    has the offset zoneinfo gives (Moscow dropped summer time in 2011)."""
    from dateutil.tz import tzical
    from icalendar import Calendar

    from tiers_lieu.services.agenda.ics_zone import vtimezone

    wrapper = Calendar()
    wrapper.add_component(vtimezone(ZoneInfo(zone), date(2010, 1, 1), date(2026, 12, 31)))
    theirs = tzical(io.StringIO(wrapper.to_ical().decode())).get(zone)
    ours = ZoneInfo(zone)
    day = date(2010, 1, 1)
    while day <= date(2027, 12, 31):
        moment = datetime.combine(day, time(14))
        assert (
            moment.replace(tzinfo=theirs).utcoffset() == moment.replace(tzinfo=ours).utcoffset()
        ), (zone, day)
        day += timedelta(days=1)
