"""iCalendar: what we export, real clients read and we read back the same; an .ics written by
another application (VTIMEZONE, a weekly RRULE with an EXDATE, an all-day event) imports as
documented in services/agenda/ical.py; collisions refuse the import unless skipped."""

from __future__ import annotations

from datetime import UTC, time
from pathlib import Path

import pytest
from icalendar import Calendar
from test_agenda_support import Place, make_place, paris

from tiers_lieu.app import Comptoir
from tiers_lieu.models.enums import ResourceKind
from tiers_lieu.services.agenda import IcsCollisionError
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
    lea = app.people.create(site_id=site, first_name="Léa", last_name="Martin")
    app.agenda.bookings.create(
        site_id=site,
        resource_id=place.room.id,
        start=paris(2026, 3, 10, 9),
        end=paris(2026, 3, 10, 10, 30),
        title="Conseil",
        organisation="Asso",
    )
    app.agenda.bookings.create(
        site_id=site,
        resource_id=place.room.id,
        start=paris(2026, 3, 31, 14),
        end=paris(2026, 3, 31, 15),
        person_id=lea.id,
    )
    data = app.agenda.ical.export_resource(place.room.id)
    text = data.decode()
    assert "BEGIN:VTIMEZONE" in text and "TZID:Europe/Paris" in text
    assert "DTSTART;TZID=Europe/Paris:20260331T140000" in text
    copy = app.agenda.resources.create(site_id=site, name="Salle 2", kind=ResourceKind.MEETING_ROOM)
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
        site_id=place.site.id,
        resource_id=place.room.id,
        start=paris(2026, 3, 24, 10),
        end=paris(2026, 3, 24, 11),
        organisation="Mairie",
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
        site_id=place.site.id,
        practitioner_id=who.id,
        resource_id=place.health.id,
        weekday=1,
        start_time=time(9),
        end_time=time(12),
        start_date=paris(2026, 3, 3).date(),
    )
    lea = app.people.create(site_id=place.site.id, first_name="Léa", last_name="Martin")
    app.agenda.permanences.book_slot(perm.id, paris(2026, 3, 10, 9, 40), person_id=lea.id)
    cal = Calendar.from_ical(app.agenda.ical.export_practitioner(who.id))
    events = list(cal.walk("VEVENT"))
    assert [str(e["summary"]) for e in events] == ["Léa Martin"]
    assert events[0].decoded("dtstart") == paris(2026, 3, 10, 9, 40)
