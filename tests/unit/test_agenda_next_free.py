"""Issue 16, the agenda's services: « Prochain créneau libre » for a practitioner or a
resource, a booking in the past refused unless confirmed, and the people to call when a
closure or a permanence is set over bookings already made."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time

import pytest
from test_agenda_support import Place, make_place, paris
from test_agenda_support import nurse as support_nurse

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import ValidationError
from tiers_lieu.models.enums import BookingStatus
from tiers_lieu.services.agenda.errors import PastBookingError
from tiers_lieu.services.agenda.inputs import BookingRequest
from tiers_lieu.services.agenda.permanences import PermanenceInput
from tiers_lieu.services.agenda.readmodels import PermanenceInfo, PermanenceSlot, SlotInfo
from tiers_lieu.services.agenda.resources import ResourceFields
from tiers_lieu.services.people import PersonInput
from tiers_lieu.services.readmodels import SiteInfo

MONDAY = date(2030, 3, 11)
TUESDAY = date(2030, 3, 12)


@pytest.fixture
def place(app: Comptoir, site: SiteInfo) -> Place:
    return make_place(app, site)


def nurse(app: Comptoir, place: Place) -> PermanenceInfo:
    return support_nurse(app, place, start_date=date(2030, 3, 5))


def person(app: Comptoir, place: Place, first: str, phone: str = ""):  # type: ignore[no-untyped-def]
    return app.people.create(
        place.site.id, PersonInput(first_name=first, last_name="Martin", phone=phone)
    )


def test_next_free_slot_of_a_practitioner_skips_taken_closed_and_held_slots(
    app: Comptoir, place: Place
) -> None:
    perm = nurse(app, place)
    free = app.agenda.availability.next_free(
        place.site.id, practitioner_id=perm.practitioner_id, after=paris(2030, 3, 11, 8)
    )
    assert isinstance(free, PermanenceSlot)
    assert (free.start, free.end) == (paris(2030, 3, 12, 9), paris(2030, 3, 12, 9, 20))

    lea = person(app, place, "Léa")
    for minute in (0, 20):
        app.agenda.permanences.book_slot(perm.id, paris(2030, 3, 12, 9, minute), person_id=lea.id)
    free = app.agenda.availability.next_free(
        place.site.id, practitioner_id=perm.practitioner_id, after=paris(2030, 3, 11, 8)
    )
    assert free is not None and free.start == paris(2030, 3, 12, 9, 40)
    # From 10:05 on the same morning: the next slot start, not a slot already begun.
    free = app.agenda.availability.next_free(
        place.site.id, practitioner_id=perm.practitioner_id, after=paris(2030, 3, 12, 10, 5)
    )
    assert free is not None and free.start == paris(2030, 3, 12, 10, 20)
    # The place closed that Tuesday: the next Tuesday.
    app.config.add_closure(place.site.id, start_date=TUESDAY, end_date=TUESDAY, reason="Travaux")
    free = app.agenda.availability.next_free(
        place.site.id, practitioner_id=perm.practitioner_id, after=paris(2030, 3, 11, 8)
    )
    assert free is not None and free.start == paris(2030, 3, 19, 9)


def test_next_free_time_of_a_resource_follows_its_bookings(app: Comptoir, place: Place) -> None:
    app.agenda.bookings.create(
        place.site.id,
        BookingRequest(
            resource_id=place.room.id,
            start=paris(2030, 3, 12, 9),
            end=paris(2030, 3, 12, 10),
            organisation="Conseil",
        ),
    )
    free = app.agenda.availability.next_free(
        place.site.id, resource_id=place.room.id, after=paris(2030, 3, 12, 8)
    )
    assert isinstance(free, SlotInfo)
    assert (free.start, free.end) == (paris(2030, 3, 12, 10), paris(2030, 3, 12, 10, 30))
    with pytest.raises(ValidationError, match="ressource ou un praticien"):
        app.agenda.availability.next_free(place.site.id, after=paris(2030, 3, 12, 8))


def test_a_booking_in_the_past_is_refused_unless_confirmed(app: Comptoir, place: Place) -> None:
    past = BookingRequest(
        resource_id=place.room.id,
        start=paris(2024, 3, 12, 10),
        end=paris(2024, 3, 12, 11),
        organisation="Saisie après coup",
    )
    with pytest.raises(PastBookingError, match="déjà passé") as refused:
        app.agenda.bookings.create(place.site.id, past, allow_past=False)
    assert "saisie après coup" in refused.value.message
    assert app.agenda.bookings.day(place.site.id, date(2024, 3, 12)).resources[0].bookings == ()
    booked = app.agenda.bookings.create(place.site.id, past, allow_past=True)
    assert booked.start == paris(2024, 3, 12, 10)
    # Not in the past: accepted without the flag.
    assert app.agenda.bookings.create(
        place.site.id,
        replace(past, start=paris(2030, 3, 12, 10), end=paris(2030, 3, 12, 11)),
        allow_past=False,
    )
    with pytest.raises(PastBookingError):
        app.agenda.bookings.move(
            booked.id, start=paris(2024, 3, 12, 14), end=paris(2024, 3, 12, 15), allow_past=False
        )
    nurse(app, place)
    lea = person(app, place, "Léa")
    perm = app.agenda.permanences.list(place.site.id)[0]
    earlier = app.agenda.permanences.create(
        place.site.id,
        PermanenceInput(
            practitioner_id=perm.practitioner_id,
            resource_id=place.cabin.id,
            weekday=1,
            start_time=time(14),
            end_time=time(15),
            slot_min=20,
            start_date=date(2024, 3, 5),
        ),
    )
    with pytest.raises(PastBookingError):
        app.agenda.permanences.book_slot(
            earlier.id, paris(2024, 3, 12, 14), person_id=lea.id, allow_past=False
        )
    assert app.agenda.permanences.book_slot(earlier.id, paris(2024, 3, 12, 14), person_id=lea.id)


def test_a_closure_over_bookings_lists_the_people_to_call(app: Comptoir, place: Place) -> None:
    lea = person(app, place, "Léa", phone="06 12 34 56 78")
    booked = app.agenda.bookings.create(
        place.site.id,
        BookingRequest(
            resource_id=place.room.id,
            start=paris(2030, 8, 6, 10),
            end=paris(2030, 8, 6, 11),
            person_id=lea.id,
        ),
    )
    app.agenda.bookings.create(  # the day after the closure: nobody to call
        place.site.id,
        BookingRequest(
            resource_id=place.room.id,
            start=paris(2030, 8, 22, 10),
            end=paris(2030, 8, 22, 11),
            organisation="Club",
        ),
    )
    closure = app.config.add_closure(
        place.site.id, start_date=date(2030, 8, 3), end_date=date(2030, 8, 21), reason="Congés"
    )
    assert [(p.name, p.phone, p.resource_name, p.start, p.end) for p in closure.to_call] == [
        (
            "Léa Martin",
            "06 12 34 56 78",
            "Salle de réunion",
            paris(2030, 8, 6, 10),
            paris(2030, 8, 6, 11),
        )
    ]
    assert app.agenda.bookings.get(booked.id).status == BookingStatus.CONFIRMED


def test_a_permanence_over_a_booking_lists_it_and_its_slots_are_not_offered(
    app: Comptoir, place: Place
) -> None:
    lea = person(app, place, "Léa", phone="0611")
    app.agenda.bookings.create(
        place.site.id,
        BookingRequest(
            resource_id=place.health.id,
            start=paris(2030, 3, 12, 9),
            end=paris(2030, 3, 12, 10),
            person_id=lea.id,
        ),
    )
    app.agenda.bookings.create(  # a Wednesday: not in the permanence's hours
        place.site.id,
        BookingRequest(
            resource_id=place.health.id,
            start=paris(2030, 3, 13, 9),
            end=paris(2030, 3, 13, 10),
            organisation="Kiné",
        ),
    )
    perm = nurse(app, place)
    assert [(p.name, p.phone, p.start) for p in perm.to_call] == [
        ("Léa Martin", "0611", paris(2030, 3, 12, 9))
    ]
    free = app.agenda.availability.next_free(
        place.site.id, practitioner_id=perm.practitioner_id, after=paris(2030, 3, 11, 8)
    )
    assert free is not None and free.start == paris(2030, 3, 12, 10)


def test_a_resource_made_unbookable_lists_its_bookings_to_call(app: Comptoir, place: Place) -> None:
    lea = person(app, place, "Léa", phone="0611")
    booked = app.agenda.bookings.create(
        place.site.id,
        BookingRequest(
            resource_id=place.room.id,
            start=paris(2030, 5, 14, 10),
            end=paris(2030, 5, 14, 11),
            person_id=lea.id,
        ),
    )
    room = place.room
    fields = ResourceFields(
        name=room.name,
        kind=room.kind,
        capacity=room.capacity,
        min_duration_min=room.min_duration_min,
        max_duration_min=room.max_duration_min,
    )
    renamed = app.agenda.resources.update(room.id, replace(fields, name="Salle du conseil"))
    assert renamed.to_call == ()  # still bookable: nobody to call
    off = app.agenda.resources.update(room.id, replace(fields, active=False))
    assert [(p.name, p.phone, p.start) for p in off.to_call] == [
        ("Léa Martin", "0611", paris(2030, 5, 14, 10))
    ]
    assert app.agenda.bookings.get(booked.id).status == BookingStatus.CONFIRMED  # kept
    assert app.agenda.resources.update(room.id, replace(fields, active=False)).to_call == ()
