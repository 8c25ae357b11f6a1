"""Booking rules as the host meets them: capacity, buffer, closures and holidays, opening
hours, durations, proposals of free slots, and what a check-in counts."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select
from test_agenda_support import Place, make_place, paris

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import ConflictError, ValidationError
from tiers_lieu.models import AuditEntry, Service, Visit
from tiers_lieu.models.enums import BookingStatus, PaymentMethod, ServiceKind, VisitSource
from tiers_lieu.services.agenda.availability import HEALTH_KINDS
from tiers_lieu.services.agenda.errors import AgendaConflict
from tiers_lieu.services.agenda.inputs import BookingRequest
from tiers_lieu.services.people import PersonInput
from tiers_lieu.services.people_search import PersonInfo
from tiers_lieu.services.readmodels import SiteInfo

# Tuesday 10 March 2026: an ordinary open day (9:00–12:30, 14:00–18:00).
DAY = (2026, 3, 10)


@pytest.fixture
def place(app: Comptoir, site: SiteInfo) -> Place:
    return make_place(app, site)


@pytest.fixture
def person(app: Comptoir, site: SiteInfo):  # type: ignore[no-untyped-def]
    return app.people.create(site.id, PersonInput(first_name="Léa", last_name="Martin"))


def book(app: Comptoir, place: Place, resource_id, start, end, **kw):  # type: ignore[no-untyped-def]
    kw.setdefault("organisation", "Coopérative")
    request = BookingRequest(resource_id=resource_id, start=start, end=end, **kw)
    return app.agenda.bookings.create(place.site.id, request)


def test_open_space_of_six_refuses_the_seventh(app: Comptoir, place: Place) -> None:
    for _ in range(6):
        book(app, place, place.open_space.id, paris(*DAY, 9), paris(*DAY, 12))
    with pytest.raises(AgendaConflict) as refused:
        book(app, place, place.open_space.id, paris(*DAY, 10), paris(*DAY, 11))
    assert "complet" in refused.value.message
    assert "6 places prises sur 6" in refused.value.message
    # The nearest free slots are proposed: same length, after the morning's bookings.
    assert refused.value.alternatives
    first = refused.value.alternatives[0]
    assert first.start == paris(*DAY, 14) and first.end == paris(*DAY, 15)
    # Asking for two seats when one is left is refused too; one seat is fine.
    view = app.agenda.bookings.day(place.site.id, date(*DAY), resource_id=place.open_space.id)
    app.agenda.bookings.cancel(view.resources[0].bookings[0].id)
    with pytest.raises(AgendaConflict):
        book(app, place, place.open_space.id, paris(*DAY, 10), paris(*DAY, 11), seats=2)
    assert book(app, place, place.open_space.id, paris(*DAY, 10), paris(*DAY, 11)).seats == 1


def test_cabin_needs_fifteen_minutes_of_cleaning(app: Comptoir, place: Place) -> None:
    book(app, place, place.cabin.id, paris(*DAY, 10), paris(*DAY, 10, 30))
    with pytest.raises(AgendaConflict) as refused:
        book(app, place, place.cabin.id, paris(*DAY, 10, 30), paris(*DAY, 11))
    assert "15 minutes de battement" in refused.value.message
    assert refused.value.alternatives[0].start == paris(*DAY, 10, 45)
    assert book(app, place, place.cabin.id, paris(*DAY, 10, 45), paris(*DAY, 11, 15))


def test_closures_holidays_and_opening_hours_refuse(app: Comptoir, place: Place) -> None:
    app.config.add_closure(
        place.site.id, start_date=date(2026, 8, 3), end_date=date(2026, 8, 21), reason="Congés"
    )
    with pytest.raises(AgendaConflict, match=r"fermé.*Congés"):
        book(app, place, place.room.id, paris(2026, 8, 4, 10), paris(2026, 8, 4, 11))
    with pytest.raises(AgendaConflict, match="férié"):  # 14 July
        book(app, place, place.room.id, paris(2026, 7, 14, 10), paris(2026, 7, 14, 11))
    with pytest.raises(AgendaConflict, match="n'ouvre pas"):  # a Sunday
        book(app, place, place.room.id, paris(2026, 3, 8, 10), paris(2026, 3, 8, 11))
    with pytest.raises(AgendaConflict, match="09:00–12:30, 14:00–18:00"):
        book(app, place, place.room.id, paris(*DAY, 12, 30), paris(*DAY, 13, 30))
    with pytest.raises(AgendaConflict, match="ces horaires"):
        book(app, place, place.room.id, paris(*DAY, 17, 30), paris(*DAY, 18, 30))
    # A whole day across the lunch break is fine.
    assert book(app, place, place.room.id, paris(*DAY, 9), paris(*DAY, 12))
    assert book(app, place, place.open_space.id, paris(*DAY, 9), paris(*DAY, 18))


def test_minimum_and_maximum_duration(app: Comptoir, place: Place) -> None:
    with pytest.raises(AgendaConflict, match="au moins 15 minutes"):
        book(app, place, place.cabin.id, paris(*DAY, 10), paris(*DAY, 10, 10))
    with pytest.raises(AgendaConflict, match="au plus 60 minutes"):
        book(app, place, place.cabin.id, paris(*DAY, 10), paris(*DAY, 11, 30))


def test_next_free_half_hour_in_any_health_room(app: Comptoir, place: Place) -> None:
    for resource in (place.cabin, place.health):
        book(app, place, resource.id, paris(*DAY, 9), paris(*DAY, 9, 30))
    slots = app.agenda.availability.free_slots(
        site_id=place.site.id, duration_min=30, kind=HEALTH_KINDS, after=paris(*DAY, 9), limit=2
    )
    # The health room is free right after; the cabin only after its 15 minutes of cleaning.
    assert [(s.resource_name, s.start) for s in slots] == [
        ("Cabinet de santé", paris(*DAY, 9, 30)),
        ("Cabine de téléconsultation", paris(*DAY, 9, 45)),
    ]


def test_move_cancel_and_no_show_history(app: Comptoir, place: Place, person) -> None:  # type: ignore[no-untyped-def]
    first = book(app, place, place.room.id, paris(*DAY, 9), paris(*DAY, 10), person_id=person.id)
    second = book(app, place, place.room.id, paris(*DAY, 10), paris(*DAY, 11), person_id=person.id)
    with pytest.raises(AgendaConflict, match="déjà réservé de 10:00 à 11:00"):
        app.agenda.bookings.move(first.id, start=paris(*DAY, 10), end=paris(*DAY, 11))
    moved = app.agenda.bookings.move(first.id, start=paris(*DAY, 14), end=paris(*DAY, 15))
    assert moved.start == paris(*DAY, 14) and moved.who == "Léa Martin"
    cancelled = app.agenda.bookings.cancel(moved.id)
    assert cancelled.status == BookingStatus.CANCELLED and cancelled.cancelled_at is not None
    app.agenda.bookings.no_show(second.id)
    history = app.agenda.bookings.no_show_history(person.id)
    assert (history.bookings, history.no_shows) == (1, 1)
    assert history.recent[0].start == paris(*DAY, 10)
    with pytest.raises(ConflictError):
        app.agenda.bookings.cancel(second.id)


def test_edit_changes_who_and_title_with_an_audit_line(
    app: Comptoir, place: Place, person: PersonInfo
) -> None:
    meeting = book(app, place, place.room.id, paris(*DAY, 9), paris(*DAY, 10), title="CA")
    edited = app.agenda.bookings.edit(
        meeting.id, person_id=person.id, organisation="", title="  Bureau élargi  "
    )
    assert (edited.person_id, edited.who, edited.organisation, edited.title) == (
        person.id,
        "Léa Martin",
        "",
        "Bureau élargi",
    )
    assert edited.start == meeting.start and edited.resource_id == meeting.resource_id
    again = app.agenda.bookings.get(meeting.id)
    assert (again.person_id, again.title) == (person.id, "Bureau élargi")
    with app.uow() as uow:
        details = [
            e.details
            for e in uow.session.exec(select(AuditEntry).where(AuditEntry.entity_id == meeting.id))
            if '"edit"' in e.details
        ]
    assert len(details) == 1
    assert "person" in details[0] and "title" in details[0] and "organisation" in details[0]
    assert "Léa" not in details[0]  # no personal data in the audit log
    # Nobody and nothing to say who it is for: refused as at creation.
    with pytest.raises(ValidationError):
        app.agenda.bookings.edit(meeting.id, person_id=None, organisation=" ", title="")


def test_edit_refuses_a_health_title_and_a_cancelled_booking(
    app: Comptoir, place: Place, person: PersonInfo
) -> None:
    consult = book(
        app, place, place.cabin.id, paris(*DAY, 10), paris(*DAY, 10, 30), person_id=person.id
    )
    with pytest.raises(ValidationError, match="motif"):
        app.agenda.bookings.edit(
            consult.id, person_id=person.id, organisation="", title="Renouvellement"
        )
    assert app.agenda.bookings.get(consult.id).title == ""
    edited = app.agenda.bookings.edit(
        consult.id, person_id=None, organisation="Mutuelle du Limousin", title=""
    )
    assert edited.who == "Mutuelle du Limousin" and edited.person_id is None
    app.agenda.bookings.cancel(consult.id)
    with pytest.raises(ConflictError, match="annulée"):
        app.agenda.bookings.edit(consult.id, person_id=person.id, organisation="", title="")


def test_check_in_counts_one_visit_and_consumes_a_pass(app: Comptoir, place: Place, person) -> None:  # type: ignore[no-untyped-def]
    card = app.agenda.passes.create_type(
        site_id=place.site.id, name="Carte 10 journées", kind="ten_pass", price_cents=12000
    )
    app.agenda.passes.sell(
        site_id=place.site.id,
        person_id=person.id,
        pass_type_id=card.id,
        method=PaymentMethod.CARD,
        paid_on=date(2026, 3, 1),
    )
    desk = book(
        app, place, place.open_space.id, paris(*DAY, 9), paris(*DAY, 18), person_id=person.id
    )
    result = app.agenda.bookings.check_in(desk.id)
    assert result.booking.status == BookingStatus.CHECKED_IN
    assert result.pass_balance == 9
    assert app.agenda.passes.balance(person.id, on=date(*DAY)) == 9
    with app.uow() as uow:
        visits = [
            (v.source, kind, v.person_id, v.activity_date)
            for v, kind in uow.session.exec(select(Visit, Service.kind).join(Service))
        ]
    assert visits == [(VisitSource.BOOKING, ServiceKind.COWORKING, person.id, date(*DAY))]
    with pytest.raises(ConflictError, match="déjà pointée"):
        app.agenda.bookings.check_in(desk.id)
    # A health booking counts in the health service and takes no coworking unit.
    consult = book(
        app, place, place.cabin.id, paris(*DAY, 10), paris(*DAY, 10, 30), person_id=person.id
    )
    assert app.agenda.bookings.check_in(consult.id).pass_id is None
    with app.uow() as uow:
        kinds = sorted(k for _v, k in uow.session.exec(select(Visit, Service.kind).join(Service)))
    assert kinds == [ServiceKind.COWORKING, ServiceKind.HEALTH]
    assert app.agenda.passes.balance(person.id, on=date(*DAY)) == 9


def test_week_view_lists_bookings_per_resource(app: Comptoir, place: Place) -> None:
    book(app, place, place.room.id, paris(*DAY, 9), paris(*DAY, 10), title="CA")
    book(app, place, place.room.id, paris(2026, 3, 16, 9), paris(2026, 3, 16, 10), title="Next")
    week = app.agenda.bookings.week(place.site.id, date(2026, 3, 11))
    assert week.days[0] == date(2026, 3, 9) and len(week.days) == 7
    room = next(r for r in week.resources if r.resource.id == place.room.id)
    assert [b.title for b in room.bookings] == ["CA"]
    assert room.bookings[0].start.tzinfo is not None and room.bookings[0].start.hour == 9
    assert date(2026, 3, 15) in week.closed_days  # Sunday


def test_today_counts_the_bookings_already_arrived(app: Comptoir, place: Place) -> None:
    """The Accueil says how many of the day's bookings arrived, so a day whose bookings were
    all pointed does not read « Aucune réservation aujourd'hui »."""
    first = book(app, place, place.room.id, paris(*DAY, 9), paris(*DAY, 10), title="CA")
    book(app, place, place.room.id, paris(*DAY, 11), paris(*DAY, 12), title="Bureau")
    app.agenda.bookings.check_in(first.id)
    summary = app.today.summary(place.site.id, date(*DAY))
    assert [b.resource_name for b in summary.bookings_today] == [place.room.name]
    assert summary.bookings_arrived == 1
