"""Room hire (issue 20, the Observatoire's « location de salles »): a resource's hourly price,
the price a booking gets when it is made (hourly price × duration, rounded to the cent; free =
0) and keeps when the hourly price changes later, its changes, the refusals naming the field,
and the census's room-hire row against a sum worked out here on the demo's rows."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from rolesdemo import make_demo
from sqlmodel import select
from test_agenda_support import Place, make_place, paris

from tiers_lieu.__main__ import main
from tiers_lieu.app import Comptoir
from tiers_lieu.errors import ValidationError
from tiers_lieu.models import AuditEntry, Booking, Event
from tiers_lieu.models.enums import CategoryKind, ResourceKind
from tiers_lieu.services.agenda.inputs import BookingRequest, Repetition
from tiers_lieu.services.agenda.prices import price_for
from tiers_lieu.services.agenda.readmodels import ResourceInfo
from tiers_lieu.services.agenda.resources import ResourceFields
from tiers_lieu.services.readmodels import SiteInfo

# Tuesday 10 March 2026: an ordinary open day (9:00–12:30, 14:00–18:00).
DAY = (2026, 3, 10)
ROOM_HIRE = "Chiffre d'affaires : location de salles"
UNPRICED = "Location de salles : réservations sans prix"


@pytest.fixture
def place(app: Comptoir, site: SiteInfo) -> Place:
    return make_place(app, site)


def fields(resource: ResourceInfo, hourly: int | None) -> ResourceFields:
    return ResourceFields(
        name=resource.name,
        kind=resource.kind,
        capacity=resource.capacity,
        min_duration_min=resource.min_duration_min,
        max_duration_min=resource.max_duration_min,
        buffer_min=resource.buffer_min,
        service_id=resource.service_id,
        hourly_price_cents=hourly,
    )


def priced_room(app: Comptoir, place: Place, hourly: int = 1500) -> ResourceInfo:
    return app.agenda.resources.update(place.room.id, fields(place.room, hourly))


def request(resource: ResourceInfo, start: datetime, end: datetime, **kw: object) -> BookingRequest:
    return BookingRequest(
        resource_id=resource.id, start=start, end=end, organisation="Atelier Terre et Bois", **kw
    )


def stored_price(app: Comptoir, booking_id: object) -> int | None:
    with app.uow() as uow:
        row = uow.session.get(Booking, booking_id)
        assert row is not None
        return row.price_cents


def test_the_price_is_the_hourly_price_times_the_duration_to_the_cent() -> None:
    two_hours = (paris(*DAY, 14), paris(*DAY, 16))
    assert price_for(1500, *two_hours) == 3000
    assert price_for(1000, paris(*DAY, 9), paris(*DAY, 10, 20)) == 1333  # 1 333,33…
    assert price_for(1550, paris(*DAY, 9), paris(*DAY, 9, 45)) == 1163  # 1 162,5: half up
    assert price_for(0, *two_hours) == 0
    assert price_for(None, *two_hours) is None
    # The night the clocks go forward, 1:00 to 4:00 on the wall is two hours really held.
    assert price_for(1200, paris(2026, 3, 29, 1), paris(2026, 3, 29, 4)) == 2400


def test_a_room_booking_gets_its_price_and_keeps_it_when_the_hourly_price_changes(
    app: Comptoir, place: Place
) -> None:
    room = priced_room(app, place, 1500)
    assert app.agenda.resources.get(room.id).hourly_price_cents == 1500
    booked = app.agenda.bookings.create(
        place.site.id, request(room, paris(*DAY, 10), paris(*DAY, 12))
    )
    assert booked.price_cents == 3000 == stored_price(app, booked.id)

    app.agenda.resources.update(room.id, fields(room, 2000))  # the price goes up
    assert app.agenda.bookings.get(booked.id).price_cents == 3000  # history stays
    later = app.agenda.bookings.create(
        place.site.id, request(room, paris(*DAY, 14), paris(*DAY, 15, 30))
    )
    assert later.price_cents == 3000  # 20,00 € × 1 h 30

    free = app.agenda.bookings.create(
        place.site.id,
        request(room, paris(*DAY, 16), paris(*DAY, 17), price_cents=0),
    )
    assert free.price_cents == 0 == stored_price(app, free.id)  # free, not « no price »
    agreed = app.agenda.bookings.create(
        place.site.id,
        request(room, paris(2026, 3, 11, 10), paris(2026, 3, 11, 12), price_cents=2550),
    )
    assert agreed.price_cents == 2550


def test_a_resource_without_an_hourly_price_gives_bookings_no_price(
    app: Comptoir, place: Place
) -> None:
    seat = app.agenda.bookings.create(
        place.site.id, request(place.open_space, paris(*DAY, 9), paris(*DAY, 12))
    )
    assert seat.price_cents is None and stored_price(app, seat.id) is None
    assert app.agenda.resources.get(place.room.id).hourly_price_cents is None


def test_moving_keeps_the_price_unless_a_new_one_is_given(app: Comptoir, place: Place) -> None:
    room = priced_room(app, place, 1500)
    booked = app.agenda.bookings.create(
        place.site.id, request(room, paris(*DAY, 10), paris(*DAY, 11))
    )
    assert booked.price_cents == 1500
    moved = app.agenda.bookings.move(booked.id, start=paris(*DAY, 14), end=paris(*DAY, 16))
    assert moved.price_cents == 1500  # agreed: a move alone does not reprice it
    moved = app.agenda.bookings.move(
        booked.id, start=paris(*DAY, 14), end=paris(*DAY, 17), price_cents=None
    )
    assert moved.price_cents == 4500  # asked: the hourly price × the new three hours
    moved = app.agenda.bookings.move(
        booked.id, start=paris(*DAY, 14), end=paris(*DAY, 16), price_cents=2000
    )
    assert moved.price_cents == 2000 == stored_price(app, booked.id)


def test_editing_changes_the_price_only_when_asked(app: Comptoir, place: Place) -> None:
    room = priced_room(app, place, 1500)
    booked = app.agenda.bookings.create(
        place.site.id, request(room, paris(*DAY, 10), paris(*DAY, 12))
    )
    edited = app.agenda.bookings.edit(
        booked.id, person_id=None, organisation="Atelier Terre et Bois", title="Formation"
    )
    assert edited.price_cents == 3000  # not asked: kept
    edited = app.agenda.bookings.edit(
        booked.id,
        person_id=None,
        organisation="Atelier Terre et Bois",
        title="Formation",
        price_cents=0,
    )
    assert edited.price_cents == 0 == stored_price(app, booked.id)
    with app.uow() as uow:
        lines = uow.session.exec(
            select(AuditEntry).where(
                AuditEntry.entity == "booking", AuditEntry.entity_id == booked.id
            )
        ).all()
        changes = [json.loads(line.details) for line in lines if line.details]
    assert {"change": "edit", "fields": ["price"]} in changes


def test_a_series_gives_each_date_its_price(app: Comptoir, place: Place) -> None:
    room = priced_room(app, place, 1200)
    result = app.agenda.bookings.create_series(
        place.site.id,
        request(room, paris(*DAY, 14), paris(*DAY, 15, 30)),
        Repetition(count=3),
    )
    assert [b.price_cents for b in result.booked] == [1800, 1800, 1800]


def test_bad_amounts_are_refused_naming_the_field(app: Comptoir, place: Place) -> None:
    for hourly in (-1, 1_000_001):
        with pytest.raises(ValidationError, match="Tarif horaire") as refused:
            app.agenda.resources.update(place.room.id, fields(place.room, hourly))
        assert refused.value.field == "Tarif horaire"
    with pytest.raises(ValidationError, match="Tarif horaire"):
        app.agenda.resources.create(
            place.site.id,
            ResourceFields(name="Salle 2", kind=ResourceKind.MEETING_ROOM, hourly_price_cents=-5),
        )
    room = priced_room(app, place, 1500)
    for price in (-1, 100_000_001):
        with pytest.raises(ValidationError) as refused:
            app.agenda.bookings.create(
                place.site.id,
                request(room, paris(*DAY, 10), paris(*DAY, 11), price_cents=price),
            )
        assert refused.value.field == "Prix"
        with pytest.raises(ValidationError, match="Prix"):
            app.agenda.bookings.create_series(
                place.site.id,
                request(room, paris(*DAY, 10), paris(*DAY, 11), price_cents=price),
                Repetition(count=2),
            )
    assert (
        app.agenda.bookings.day(place.site.id, date(*DAY), resource_id=room.id)
        .resources[0]
        .bookings
        == ()
    )


def test_the_census_sums_the_prices_of_room_bookings_not_cancelled(
    app: Comptoir, place: Place
) -> None:
    room = priced_room(app, place, 1500)
    year = (date(2026, 1, 1), date(2026, 12, 31))

    def census() -> dict[str, object]:
        data = app.reports.census(period_start=year[0], period_end=year[1])
        return {row.label: row.value for row in data.rows}

    assert census()[ROOM_HIRE] == 0  # no room booking: nothing earned, known
    kept = app.agenda.bookings.create(
        place.site.id, request(room, paris(*DAY, 10), paris(*DAY, 12))
    )
    dropped = app.agenda.bookings.create(
        place.site.id, request(room, paris(*DAY, 14), paris(*DAY, 17))
    )
    app.agenda.bookings.create(
        place.site.id, request(room, paris(2026, 3, 11, 10), paris(2026, 3, 11, 11), price_cents=0)
    )
    app.agenda.bookings.create(  # coworking, priced by hand: not room hire
        place.site.id,
        request(place.open_space, paris(*DAY, 9), paris(*DAY, 12), price_cents=9900),
    )
    app.agenda.bookings.cancel(dropped.id)
    figures = census()
    assert kept.price_cents == 3000 and dropped.price_cents == 4500
    assert figures[ROOM_HIRE] == 30.0  # the cancelled 45,00 € is not counted
    assert figures["Activités : réservations de salles"] == 2
    assert figures[UNPRICED] == 0

    # A booking keyed before Comptoir kept prices (or imported) adds nothing, and is counted.
    with app.uow() as uow:
        uow.session.add(
            Booking(
                site_id=place.site.id,
                resource_id=room.id,
                start_at=paris(2026, 3, 12, 10).astimezone(UTC),
                end_at=paris(2026, 3, 12, 11).astimezone(UTC),
                organisation="Importée",
            )
        )
        uow.commit()
    figures = census()
    assert figures[ROOM_HIRE] == 30.0 and figures[UNPRICED] == 1


def test_with_no_price_at_all_the_room_hire_is_unknown_not_zero(
    app: Comptoir, place: Place
) -> None:
    """A base migrated from before the prices: its room bookings have none."""
    app.agenda.bookings.create(place.site.id, request(place.room, paris(*DAY, 10), paris(*DAY, 12)))
    data = app.reports.census(period_start=date(2026, 1, 1), period_end=date(2026, 12, 31))
    assert data.value(ROOM_HIRE) is None
    assert data.value(UNPRICED) == 1


# -- on the demo -------------------------------------------------------------------------------
PERIOD = (date(2026, 1, 1), date(2026, 3, 31))


@pytest.fixture(scope="module")
def demo_db(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_demo(template_db, tmp_path_factory.mktemp("room-hire") / "demo.sqlite", seed=3)


def hand_sum(path: Path, start: date, end: date) -> tuple[int, int, int]:
    """Room bookings not cancelled starting in the period (Paris dates), those without a
    price, and their prices' sum: read with plain sqlite3 and added up here."""
    connection = sqlite3.connect(path)
    try:
        rows = connection.execute(
            "SELECT b.start_at, b.status, b.price_cents FROM booking AS b "
            "JOIN resource AS r ON r.id = b.resource_id WHERE r.kind = 'meeting_room'"
        ).fetchall()
    finally:
        connection.close()
    paris_zone = ZoneInfo("Europe/Paris")
    counted = [
        price
        for start_at, status, price in rows
        if status != "cancelled"
        and start
        <= datetime.fromisoformat(start_at).replace(tzinfo=UTC).astimezone(paris_zone).date()
        <= end
    ]
    return len(counted), sum(p is None for p in counted), sum(p or 0 for p in counted)


def test_the_demo_hires_its_meeting_room_some_free_for_associations(demo_app: Comptoir) -> None:
    site = demo_app.sites.list_sites()[0]
    rooms = demo_app.agenda.resources.list(site.id, kind=ResourceKind.MEETING_ROOM)
    assert [r.hourly_price_cents for r in rooms] == [1500]
    others = [r for r in demo_app.agenda.resources.list(site.id) if r.kind != "meeting_room"]
    assert others and all(r.hourly_price_cents is None for r in others)
    publics = {c.id: c.label for c in demo_app.config.list_categories(site.id, CategoryKind.PUBLIC)}
    with demo_app.uow() as uow:
        # The place's own workshops block the room for free (issue 22): not hires.
        workshops = set(uow.session.exec(select(Event.booking_id)).all())
        bookings = [
            (b.price_cents, publics.get(b.public_id) if b.public_id else None, b.start_at, b.end_at)
            for b in uow.session.exec(select(Booking).where(Booking.resource_id == rooms[0].id))
            if b.id not in workshops
        ]
    assert bookings and all(price is not None for price, *_rest in bookings)
    paid = [(price, public) for price, public, *_rest in bookings if price]
    free = [(price, public) for price, public, *_rest in bookings if price == 0]
    assert paid and free
    assert {public for _price, public in free} == {"Association"}
    assert {public for _price, public in paid} <= {"Entreprise", "Collectivité"}
    for price, _public, start, end in bookings:
        assert price in (0, price_for(1500, start, end))


def test_the_demos_census_room_hire_is_the_sum_of_its_bookings(
    demo_app: Comptoir, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = Path(str(demo_app.engine.url.database))
    bookings, unpriced, cents = hand_sum(path, *PERIOD)
    assert bookings > 0 and unpriced == 0 and cents > 0
    data = demo_app.reports.census(period_start=PERIOD[0], period_end=PERIOD[1])
    assert data.value(ROOM_HIRE) == pytest.approx(cents / 100)
    assert data.value("Activités : réservations de salles") == bookings
    assert data.value(UNPRICED) == 0

    out = tmp_path / "observatoire.csv"
    argv = ["--db", str(path), "export", "observatoire", "--from", PERIOD[0].isoformat(),
            "--to", PERIOD[1].isoformat(), "--format", "csv", "--out", str(out)]  # fmt: skip
    assert main(argv) == 0, capsys.readouterr().err
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig")), delimiter=";"))
    values = {r[0]: r for r in rows[1:]}
    assert values[ROOM_HIRE][1] == f"{cents // 100},{cents % 100:02d}"
    assert "salles de réunion" in values[ROOM_HIRE][2]
