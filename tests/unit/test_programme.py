"""The workshops' programme: registrations ahead with the capacity enforced, the waiting list
and who moves up, places reserved without names, the room blocked in the agenda (moved and
freed with the workshop, refused with the agenda's reason), and what the attendance sheet,
the visits and the report count of it."""

from __future__ import annotations

import json
import uuid
from dataclasses import replace
from datetime import date, time

import pytest
from sqlmodel import col, select
from test_agenda_support import Place, make_place, paris

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import ConflictError, ValidationError
from tiers_lieu.models import AuditEntry, Booking, Visit
from tiers_lieu.models.enums import BookingStatus
from tiers_lieu.services.agenda.errors import AgendaConflict
from tiers_lieu.services.agenda.inputs import BookingRequest
from tiers_lieu.services.events import EventFields
from tiers_lieu.services.people import PersonInput
from tiers_lieu.services.programme import MONTH, WEEK, period_of
from tiers_lieu.services.readmodels import SiteInfo

# Tuesday 10 March 2026: an ordinary open day (9:00–12:30, 14:00–18:00).
DAY = date(2026, 3, 10)


@pytest.fixture
def place(app: Comptoir, site: SiteInfo) -> Place:
    return make_place(app, site)


def people(app: Comptoir, site: SiteInfo, *names: str) -> list[uuid.UUID]:
    return [
        app.people.create(site.id, PersonInput(first_name=n, last_name="Martin")).id for n in names
    ]


def workshop(app: Comptoir, site: SiteInfo, **changes: object) -> uuid.UUID:
    values: dict[str, object] = {
        "title": "Premiers pas sur tablette",
        "event_date": DAY,
        "start_time": time(14, 0),
        "duration_min": 90,
        "capacity": 3,
    }
    values.update(changes)
    return app.events.create(site.id, EventFields(**values)).id  # type: ignore[arg-type]


def visits_of(app: Comptoir, event_id: uuid.UUID) -> int:
    with app.uow() as uow:
        return sum(
            v.count for v in uow.session.exec(select(Visit).where(Visit.event_id == event_id))
        )


def audit_details(app: Comptoir, entity: str) -> list[dict[str, object]]:
    with app.uow() as uow:
        rows = uow.session.exec(
            select(AuditEntry).where(AuditEntry.entity == entity).order_by(col(AuditEntry.seq))
        )
        return [
            json.loads(r.details) if isinstance(r.details, str) else dict(r.details or {})
            for r in rows
        ]


def test_beyond_capacity_goes_waiting_and_the_first_waiting_moves_up(
    app: Comptoir, site: SiteInfo
) -> None:
    event = workshop(app, site, capacity=3)
    ana, bea, cyr, dan, eve = people(app, site, "Ana", "Béa", "Cyr", "Dan", "Ève")
    outcome = app.programme.register(event, ana)
    assert not outcome.waiting and outcome.places.places_left == 2
    assert "2 places restantes" in outcome.message()
    # A group of two reserved without names fills the workshop.
    assert app.programme.reserve(event, 2).places.places_left == 0
    late = app.programme.register(event, bea)
    assert late.waiting and late.position == 1
    assert "liste d'attente (rang 1)" in late.message()
    assert app.programme.register(event, cyr).position == 2
    # Not counted present: two visits' worth of the group plus Ana only.
    assert visits_of(app, event) == 3
    assert app.events.list(site.id, DAY, DAY)[0].participants == 3
    # The attendance sheet lists Ana only (the waiting list signs nothing).
    assert app.events.attendance_sheet(event).names == ("Ana Martin",)
    # Ana cancels: Béa, the first waiting, moves up (and an audit line says so); Cyr waits on.
    places = app.programme.places(event)
    ana_line = next(r for r in places.registrations if r.person_id == ana)
    cancelled = app.programme.cancel(ana_line.id)
    assert cancelled.moved_up == ("Béa Martin",)
    assert "Béa Martin" in cancelled.message()
    assert [r.name for r in cancelled.places.registrations if r.waiting] == ["Cyr Martin"]
    assert audit_details(app, "event_attendance")[-1]["moved_up"] is True
    assert app.events.attendance_sheet(event).names == ("Béa Martin",)
    assert visits_of(app, event) == 3
    # Cancelling someone waiting moves no one.
    cyr_line = next(r for r in cancelled.places.registrations if r.waiting)
    assert app.programme.cancel(cyr_line.id).moved_up == ()
    # The group gives back its two places: two people waiting would move up; Dan and Ève
    # register first (waiting), then the group cancels.
    assert app.programme.register(event, dan).waiting
    assert app.programme.register(event, eve).waiting
    group = next(r for r in app.programme.places(event).registrations if r.person_id is None)
    assert app.programme.cancel(group.id).moved_up == ("Dan Martin", "Ève Martin")
    assert app.programme.places(event).places_left == 0


def test_registration_refusals_name_the_field(app: Comptoir, site: SiteInfo) -> None:
    event = workshop(app, site, capacity=2)
    (ana,) = people(app, site, "Ana")
    app.programme.register(event, ana)
    with pytest.raises(ValidationError, match="Personne : Ana Martin est déjà inscrite"):
        app.programme.register(event, ana)
    with pytest.raises(ValidationError, match="Places : il reste 1 place sur 2"):
        app.programme.reserve(event, 3)
    with pytest.raises(ValidationError, match="Places"):
        app.programme.reserve(event, 0)


def test_without_capacity_everyone_gets_a_place(app: Comptoir, site: SiteInfo) -> None:
    event = workshop(app, site, capacity=None)
    for person in people(app, site, "Ana", "Béa", "Cyr"):
        assert not app.programme.register(event, person).waiting
    assert app.programme.places(event).places_left is None
    assert (
        app.programme.register(event, people(app, site, "Dan")[0]).message()
        == "Inscription enregistrée."
    )


def test_the_attendance_dialog_keeps_the_waiting_list(app: Comptoir, site: SiteInfo) -> None:
    event = workshop(app, site, capacity=1)
    ana, bea = people(app, site, "Ana", "Béa")
    app.programme.register(event, ana)
    assert app.programme.register(event, bea).waiting
    # The desk keys who came through the attendance dialog: Ana. Béa still waits.
    app.events.set_registered(event, [ana])
    assert [r.name for r in app.programme.places(event).registrations if r.waiting] == [
        "Béa Martin"
    ]
    # Béa came after all: she is present and no longer waiting.
    app.events.set_registered(event, [ana, bea])
    assert app.programme.places(event).waiting == 0


def test_a_room_is_blocked_moved_and_freed_with_the_workshop(
    app: Comptoir, site: SiteInfo, place: Place
) -> None:
    event = workshop(app, site)
    places = app.programme.book_room(event, place.room.id)
    assert places.room == "Salle de réunion"
    with app.uow() as uow:
        booking = uow.session.exec(select(Booking)).one()
        assert booking.title == "Premiers pas sur tablette"
        assert booking.start_at == paris(2026, 3, 10, 14) and booking.price_cents == 0
    # The room is taken in the agenda: a meeting at 15:00 is refused with the reason.
    with pytest.raises(AgendaConflict, match="déjà réservé de 14:00 à 15:30"):
        app.agenda.bookings.create(
            site.id,
            BookingRequest(
                resource_id=place.room.id,
                start=paris(2026, 3, 10, 15),
                end=paris(2026, 3, 10, 16),
                organisation="Conseil",
            ),
        )
    # Moving the workshop moves the booking.
    fields = EventFields(
        title="Premiers pas sur tablette",
        event_date=date(2026, 3, 12),
        start_time=time(9, 30),
        duration_min=60,
        capacity=3,
    )
    app.events.update(event, fields)
    with app.uow() as uow:
        booking = uow.session.exec(select(Booking)).one()
        assert booking.start_at == paris(2026, 3, 12, 9, 30)
        assert booking.end_at == paris(2026, 3, 12, 10, 30)
    # Removing the workshop cancels it.
    app.events.delete(event)
    with app.uow() as uow:
        assert uow.session.exec(select(Booking)).one().status == BookingStatus.CANCELLED


def test_a_taken_room_is_refused_with_the_reason_and_nothing_moves(
    app: Comptoir, site: SiteInfo, place: Place
) -> None:
    app.agenda.bookings.create(
        site.id,
        BookingRequest(
            resource_id=place.room.id,
            start=paris(2026, 3, 10, 15),
            end=paris(2026, 3, 10, 17),
            organisation="Conseil municipal",
        ),
    )
    event = workshop(app, site)
    with pytest.raises(
        AgendaConflict, match="« Salle de réunion » est déjà réservé de 15:00 à 17:00"
    ):
        app.programme.book_room(event, place.room.id)
    assert app.programme.places(event).room == ""
    # A room booked on another day; moving the workshop onto the meeting is refused whole.
    later = workshop(app, site, event_date=date(2026, 3, 11))
    app.programme.book_room(later, place.room.id)
    with pytest.raises(AgendaConflict):
        app.events.update(
            later,
            EventFields(
                title="Premiers pas sur tablette",
                event_date=DAY,
                start_time=time(14, 0),
                duration_min=90,
                capacity=3,
            ),
        )
    assert app.events.get(later).event.event_date == date(2026, 3, 11)
    # Not a room, no time: refused naming the field.
    with pytest.raises(ValidationError, match="Salle"):
        app.programme.book_room(later, place.cabin.id)
    no_time = workshop(app, site, start_time=None)
    with pytest.raises(ValidationError, match="Heure"):
        app.programme.book_room(no_time, place.room.id)
    with pytest.raises(ConflictError, match="aucune salle"):
        app.programme.release_room(no_time)
    assert app.programme.release_room(later).room == ""


def test_the_programme_of_a_week_and_a_month(app: Comptoir, site: SiteInfo, place: Place) -> None:
    assert period_of(date(2026, 3, 12), WEEK) == (date(2026, 3, 9), date(2026, 3, 15))
    assert period_of(date(2026, 2, 12), MONTH) == (date(2026, 2, 1), date(2026, 2, 28))
    first = workshop(app, site, title="Tablette", capacity=4)
    workshop(app, site, title="Sans limite", event_date=date(2026, 3, 11), capacity=None)
    workshop(app, site, title="Le mois suivant", event_date=date(2026, 4, 1))
    app.programme.book_room(first, place.room.id)
    (ana,) = people(app, site, "Ana")
    app.programme.register(first, ana)
    week = app.programme.programme(site.id, *period_of(DAY, WEEK))
    assert [line.title for line in week.lines] == ["Tablette", "Sans limite"]
    assert week.lines[0].room == "Salle de réunion" and week.lines[0].places_left == 3
    assert week.lines[1].places_left is None
    with pytest.raises(ValidationError, match="Période"):
        app.programme.programme(site.id, DAY, date(2026, 3, 1))


def test_more_places_let_the_first_waiting_move_up(app: Comptoir, site: SiteInfo) -> None:
    event = workshop(app, site, capacity=1)
    ana, bea, cyr = people(app, site, "Ana", "Béa", "Cyr")
    for person in (ana, bea, cyr):
        app.programme.register(event, person)
    fields = EventFields(
        title="Premiers pas sur tablette",
        event_date=DAY,
        start_time=time(14, 0),
        duration_min=90,
        capacity=2,
    )
    app.events.update(event, fields)
    places = app.programme.places(event)
    assert [r.name for r in places.registrations if not r.waiting] == ["Ana Martin", "Béa Martin"]
    assert [r.name for r in places.registrations if r.waiting] == ["Cyr Martin"]
    assert visits_of(app, event) == 2


def test_a_capacity_below_the_places_taken_is_refused_naming_them(
    app: Comptoir, site: SiteInfo
) -> None:
    """Three places taken: lowering to two would leave someone told « inscrit » without a
    place, silently; it is refused, and the registrations stay as they were."""
    event = workshop(app, site, capacity=4)
    for person in people(app, site, "Ana", "Béa", "Cyr"):
        app.programme.register(event, person)
    fields = EventFields(
        title="Premiers pas sur tablette",
        event_date=DAY,
        start_time=time(14, 0),
        duration_min=90,
        capacity=2,
    )
    with pytest.raises(ValidationError, match=r"Places.*3 places sont déjà prises"):
        app.events.update(event, fields)
    places = app.programme.places(event)
    assert [r.waiting for r in places.registrations] == [False, False, False]
    assert places.places_left == 1
    # Down to the places taken is allowed: the workshop is then full.
    assert app.events.update(event, replace(fields, capacity=3)).capacity == 3
    assert app.programme.places(event).places_left == 0
