"""The call list of the day before, as the host meets it: tomorrow's appointments and
workshop registrations, a number only for people who consented, each call ticked (and
audited), « annulé » cancelling through the agenda, the next opening day, the printed sheet,
and the absences shown when booking."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pdftext import pdf_text
from sqlmodel import select
from test_agenda_support import Place, make_place, paris

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import ValidationError
from tiers_lieu.models import AuditEntry, EventAttendance, ReminderCall, Visit
from tiers_lieu.models.enums import BookingStatus
from tiers_lieu.reports.documents.agenda_sheet import write_agenda_sheet
from tiers_lieu.services.agenda.inputs import BookingRequest
from tiers_lieu.services.events import EventFields
from tiers_lieu.services.people import PersonInput
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.services.reminders import (
    CANCELLED,
    REACHED,
    VOICEMAIL,
    CallTick,
    call_sheet,
    contact_text,
)

# Tuesday 10 March 2026: an ordinary open day; the list is called on Monday 9.
DAY = date(2026, 3, 10)


@pytest.fixture
def place(app: Comptoir, site: SiteInfo) -> Place:
    return make_place(app, site)


def person(app: Comptoir, site: SiteInfo, first: str, *, consent: bool, phone: str = ""):  # type: ignore[no-untyped-def]
    return app.people.create(
        site.id,
        PersonInput(first_name=first, last_name="Martin", phone=phone, consent=consent),
    )


def book(app: Comptoir, place: Place, who, hour: int, resource=None):  # type: ignore[no-untyped-def]
    resource = resource or place.health
    request = BookingRequest(
        resource_id=resource.id,
        start=paris(2026, 3, 10, hour),
        end=paris(2026, 3, 10, hour, 30),
        person_id=who.id if who else None,
        organisation="" if who else "Coopérative",
    )
    return app.agenda.bookings.create(place.site.id, request)


def test_numbers_only_for_people_who_consented(app: Comptoir, place: Place) -> None:
    site = place.site
    lea = person(app, site, "Léa", consent=True, phone="06 12 34 56 78")
    paul = person(app, site, "Paul", consent=False, phone="06 98 76 54 32")
    anne = person(app, site, "Anne", consent=True, phone="06 11 11 11 11")
    app.people.set_consent(person_id=anne.id, given=False)  # withdrawn since
    book(app, place, lea, 9)
    book(app, place, paul, 10)
    book(app, place, anne, 11)
    book(app, place, None, 14)  # an organisation's booking: nobody to call
    calls = app.reminders.call_list(site.id, DAY)
    shown = [(line.name, line.phone, contact_text(line)) for line in calls.lines]
    assert shown == [
        ("Léa Martin", "06 12 34 56 78", "06 12 34 56 78"),
        ("Paul Martin", "", "pas de consentement"),
        ("Anne Martin", "", "pas de consentement"),
    ]
    assert calls.lines[0].start == paris(2026, 3, 10, 9)


def test_workshop_registrations_listed_but_not_the_waiting_list(
    app: Comptoir, site: SiteInfo
) -> None:
    lea = person(app, site, "Léa", consent=True, phone="06 12 34 56 78")
    paul = person(app, site, "Paul", consent=True, phone="06 98 76 54 32")
    event = app.events.create(site.id, EventFields(title="Atelier smartphone", event_date=DAY))
    app.events.set_registered(event.id, [lea.id, paul.id])
    with app.uow() as uow:  # Paul is on the waiting list (the programme's column)
        row = uow.session.exec(
            select(EventAttendance).where(EventAttendance.person_id == paul.id)
        ).one()
        row.waiting = True
        uow.session.add(row)
        uow.commit()
    calls = app.reminders.call_list(site.id, DAY)
    assert [(line.name, line.what, line.kind) for line in calls.lines] == [
        ("Léa Martin", "Atelier smartphone", "workshop")
    ]


def test_each_tick_is_a_call_line_and_the_last_one_shows(app: Comptoir, place: Place) -> None:
    lea = person(app, place.site, "Léa", consent=True, phone="06 12 34 56 78")
    booking = book(app, place, lea, 9)
    first = app.reminders.record(
        place.site.id, CallTick(for_date=DAY, outcome=VOICEMAIL, booking_id=booking.id)
    )
    assert (first.outcome, first.calls) == (VOICEMAIL, 1)
    again = app.reminders.record(
        place.site.id, CallTick(for_date=DAY, outcome=REACHED, booking_id=booking.id)
    )
    assert (again.outcome, again.calls) == (REACHED, 2)
    assert app.reminders.call_list(place.site.id, DAY).called == 1
    with app.uow() as uow:
        calls = uow.session.exec(select(ReminderCall)).all()
        assert sorted(c.outcome for c in calls) == [REACHED, VOICEMAIL]
        assert all(c.called_by_id is None and c.for_date == DAY for c in calls)
        audited = uow.session.exec(
            select(AuditEntry).where(AuditEntry.entity == "reminder_call")
        ).all()
        assert len(audited) == 2


def test_unknown_outcome_or_nothing_to_call_is_refused(app: Comptoir, place: Place) -> None:
    lea = person(app, place.site, "Léa", consent=True)
    booking = book(app, place, lea, 9)
    with pytest.raises(ValidationError, match="Résultat de l'appel"):
        app.reminders.record(
            place.site.id, CallTick(for_date=DAY, outcome="peut-être", booking_id=booking.id)
        )
    with pytest.raises(ValidationError, match="Appel"):
        app.reminders.record(place.site.id, CallTick(for_date=DAY, outcome=REACHED))


def test_cancelled_then_cancel_the_booking_and_the_registration(
    app: Comptoir, place: Place
) -> None:
    site = place.site
    lea = person(app, site, "Léa", consent=True, phone="06 12 34 56 78")
    paul = person(app, site, "Paul", consent=True)
    booking = book(app, place, lea, 9)
    event = app.events.create(site.id, EventFields(title="Atelier mails", event_date=DAY))
    app.events.set_registered(event.id, [paul.id])
    line = app.reminders.call_list(site.id, DAY).lines[1]
    app.reminders.record(site.id, CallTick(for_date=DAY, outcome=CANCELLED, booking_id=booking.id))
    app.agenda.bookings.cancel(booking.id)  # what the screen offers after « annulé »
    assert line.attendance_id is not None
    app.reminders.record(
        site.id, CallTick(for_date=DAY, outcome=CANCELLED, attendance_id=line.attendance_id)
    )
    app.programme.cancel(line.attendance_id)  # what the screen offers for a registration
    assert app.reminders.call_list(site.id, DAY).lines == ()
    assert app.events.get(event.id).registered == ()
    with app.uow() as uow:
        assert uow.session.exec(select(Visit).where(Visit.event_id == event.id)).all() == []
        # Both calls stay (the report counts them), the registration's no longer linked.
        calls = uow.session.exec(select(ReminderCall)).all()
        assert [c.outcome for c in calls] == [CANCELLED, CANCELLED]
    data = app.reports.compute(period_start=DAY, period_end=DAY, site_ids=[site.id])
    assert data.value("reminders.calls") == 2
    assert data.value("reminders.reached") == 0


@pytest.mark.parametrize(
    ("today", "called_for"),
    [
        (date(2026, 3, 9), date(2026, 3, 10)),  # Monday → Tuesday
        (date(2026, 3, 13), date(2026, 3, 14)),  # Friday → Saturday (open in the morning)
        (date(2026, 3, 14), date(2026, 3, 16)),  # Saturday → Monday
        (date(2026, 4, 4), date(2026, 4, 7)),  # Saturday → Tuesday (Easter Monday)
    ],
)
def test_the_next_opening_day(app: Comptoir, site: SiteInfo, today: date, called_for: date) -> None:
    assert app.reminders.next_day(site.id, today) == called_for


def test_a_closure_is_skipped(app: Comptoir, site: SiteInfo) -> None:
    app.config.add_closure(
        site.id, start_date=date(2026, 3, 10), end_date=date(2026, 3, 11), reason="Inventaire"
    )
    assert app.reminders.next_day(site.id, date(2026, 3, 9)) == date(2026, 3, 12)


def test_the_printed_sheet_escapes_names(app: Comptoir, place: Place, tmp_path: Path) -> None:
    lea = app.people.create(
        place.site.id,
        PersonInput(first_name="Léa", last_name="Martin & <Fils>", phone="06 1", consent=True),
    )
    book(app, place, lea, 9)
    sheet = call_sheet(app.reminders.call_list(place.site.id, DAY))
    assert sheet.title == "Appels de rappel"
    assert "mardi 10 mars 2026" in sheet.subtitle
    [(hour, text)] = sheet.blocks[0].lines
    assert hour == "09:00"
    assert "Martin &amp; &lt;Fils&gt;" in text and text.endswith("☐")
    pdf = write_agenda_sheet(sheet, tmp_path / "rappels.pdf")
    printed = pdf_text(pdf)
    assert "Appels de rappel" in printed
    assert "Léa Martin & <Fils> · Cabinet de santé · 06 1" in printed


def test_absences_counted_for_the_booking_dialog(app: Comptoir, place: Place) -> None:
    lea = person(app, place.site, "Léa", consent=True)
    for day, status in ((2, "no_show"), (3, "ok"), (4, "no_show"), (5, "ok")):
        request = BookingRequest(
            resource_id=place.health.id,
            start=paris(2026, 3, day, 10),
            end=paris(2026, 3, day, 10, 30),
            person_id=lea.id,
        )
        booking = app.agenda.bookings.create(place.site.id, request, allow_past=True)
        if status == "no_show":
            app.agenda.bookings.no_show(booking.id)
    history = app.agenda.bookings.no_show_history(lea.id)
    assert (history.no_shows, history.bookings) == (2, 4)
    assert history.recent[0].start.date() == date(2026, 3, 4)
    assert all(b.status == BookingStatus.NO_SHOW for b in history.recent)


def test_the_list_the_calls_and_the_report_on_postgresql(pg_url: str) -> None:
    from tiers_lieu.app import build
    from tiers_lieu.services.satisfaction import SatisfactionAnswer

    with build(pg_url) as app:
        site = app.sites.init_site(name="Le Relais", commune_name="Felletin", insee_code="23079")
        place = make_place(app, site)
        lea = person(app, site, "Léa", consent=True, phone="06 12")
        paul = person(app, site, "Paul", consent=False, phone="06 34")
        booking = book(app, place, lea, 9)
        event = app.events.create(site.id, EventFields(title="Atelier", event_date=DAY))
        app.events.set_registered(event.id, [paul.id])
        lines = app.reminders.call_list(site.id, DAY).lines
        assert [(line.name, contact_text(line)) for line in lines] == [
            ("Léa Martin", "06 12"),
            ("Paul Martin", "pas de consentement"),
        ]
        app.reminders.record(site.id, CallTick(DAY, REACHED, booking_id=booking.id))
        app.reminders.record(
            site.id, CallTick(DAY, VOICEMAIL, attendance_id=lines[1].attendance_id)
        )
        for score in (3, 1):
            app.satisfaction.record(
                site.id, SatisfactionAnswer(score, "atelier", DAY, event_id=event.id)
            )
        data = app.reports.compute(period_start=DAY, period_end=DAY, site_ids=[site.id])
        assert (data.value("reminders.calls"), data.value("reminders.reached")) == (2, 1)
        assert data.value("satisfaction.rate") == 50.0
        assert app.reminders.next_day(site.id, date(2026, 3, 14)) == date(2026, 3, 16)
