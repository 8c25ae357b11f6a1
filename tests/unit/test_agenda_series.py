"""Recurring bookings: collisions listed, skipped dates left out, the rest booked at once,
and the wall-clock hour kept across daylight-saving changes."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import func, select
from test_agenda_support import PARIS, Place, make_place, paris

from tiers_lieu.app import Comptoir
from tiers_lieu.models import Booking
from tiers_lieu.services.agenda.errors import AgendaConflict, PastBookingError
from tiers_lieu.services.agenda.inputs import BookingRequest, Repetition
from tiers_lieu.services.readmodels import SiteInfo


@pytest.fixture
def place(app: Comptoir, site: SiteInfo) -> Place:
    return make_place(app, site)


def bookings(app: Comptoir) -> int:
    with app.uow() as uow:
        return int(uow.session.exec(select(func.count()).select_from(Booking)).one())


def test_collisions_are_listed_skipped_and_the_rest_booked_at_once(
    app: Comptoir, place: Place
) -> None:
    site = place.site.id
    # The room is taken on 24 March; the place is closed on 14 April.
    app.agenda.bookings.create(
        site,
        BookingRequest(
            resource_id=place.room.id,
            start=paris(2026, 3, 24, 10),
            end=paris(2026, 3, 24, 11),
            organisation="Mairie",
        ),
    )
    app.config.add_closure(
        site, start_date=date(2026, 4, 14), end_date=date(2026, 4, 14), reason="Inventaire"
    )
    dates = BookingRequest(
        resource_id=place.room.id, start=paris(2026, 3, 10, 9, 30), end=paris(2026, 3, 10, 11)
    )
    six = Repetition(count=6)
    plan = app.agenda.bookings.plan_series(site, dates, six)
    assert [o.day for o in plan] == [
        date(2026, 3, 10),
        date(2026, 3, 17),
        date(2026, 3, 24),
        date(2026, 3, 31),
        date(2026, 4, 7),
        date(2026, 4, 14),
    ]
    assert [o.day for o in plan if o.collides] == [date(2026, 3, 24), date(2026, 4, 14)]
    assert "déjà réservé" in plan[2].reason and "Inventaire" in plan[5].reason
    assert plan[2].alternatives  # another hour that day or the next ones
    before = bookings(app)
    with pytest.raises(AgendaConflict, match="Rien n'a été réservé"):
        app.agenda.bookings.create_series(
            site, replace(dates, title="Atelier"), six, skip=[date(2026, 3, 24)]
        )
    assert bookings(app) == before  # all or nothing
    result = app.agenda.bookings.create_series(
        site, replace(dates, title="Atelier"), six, skip=[date(2026, 3, 24), date(2026, 4, 14)]
    )
    assert len(result.booked) == 4 and result.skipped == (date(2026, 3, 24), date(2026, 4, 14))
    assert bookings(app) == before + 4
    assert {b.series_id for b in result.booked} == {result.series_id}


@pytest.mark.parametrize(
    ("first", "utc_hours"),
    [
        # Summer time starts on Sunday 29 March 2026: 9:00 Paris is 8:00 then 7:00 UTC.
        (paris(2026, 3, 24, 9), [8, 7, 7]),
        # It ends on Sunday 25 October 2026: 7:00 UTC then 8:00 UTC.
        (paris(2026, 10, 20, 9), [7, 8, 8]),
    ],
)
def test_weekly_booking_keeps_nine_o_clock_across_daylight_saving(
    app: Comptoir,
    place: Place,
    first,
    utc_hours,  # type: ignore[no-untyped-def]
) -> None:
    result = app.agenda.bookings.create_series(
        place.site.id,
        BookingRequest(
            resource_id=place.room.id,
            start=first,
            end=first.replace(hour=10),
            title="Réunion d'équipe",
        ),
        Repetition(count=3),
    )
    assert [b.start.hour for b in result.booked] == [9, 9, 9]
    assert [b.start.astimezone(UTC).hour for b in result.booked] == utc_hours
    with app.uow() as uow:
        stored = sorted(b.start_at.hour for b in uow.session.exec(select(Booking)))
    assert stored == sorted(utc_hours)


def test_a_series_needs_an_end(app: Comptoir, place: Place) -> None:
    from tiers_lieu.errors import ValidationError

    with pytest.raises(ValidationError, match="date de fin ou un nombre"):
        app.agenda.bookings.plan_series(
            place.site.id,
            BookingRequest(
                resource_id=place.room.id, start=paris(2026, 3, 10, 9), end=paris(2026, 3, 10, 10)
            ),
            Repetition(),
        )


def test_a_series_starting_in_the_past_is_asked_about_as_a_single_booking_is(
    app: Comptoir, place: Place
) -> None:
    """The desk sends ``allow_past=False`` first: a first date already over is refused with
    the question, nothing booked; sent again once the host says yes, it is booked."""
    today = datetime.now(PARIS).date()

    def request(day: date) -> BookingRequest:
        return BookingRequest(
            resource_id=place.room.id,
            start=paris(day.year, day.month, day.day, 10),
            end=paris(day.year, day.month, day.day, 11),
            organisation="Amicale",
        )

    two = Repetition(count=2)
    # The most recent past day whose two weekly dates are open (not a holiday, not closed).
    day = next(
        d
        for d in (today - timedelta(days=n) for n in range(1, 60))
        if not any(
            o.collides for o in app.agenda.bookings.plan_series(place.site.id, request(d), two)
        )
    )
    with pytest.raises(PastBookingError, match="déjà passé"):
        app.agenda.bookings.create_series(place.site.id, request(day), two, allow_past=False)
    assert bookings(app) == 0
    result = app.agenda.bookings.create_series(place.site.id, request(day), two, allow_past=True)
    assert sorted(b.start.date() for b in result.booked) == [day, day + timedelta(days=7)]
    assert bookings(app) == 2
