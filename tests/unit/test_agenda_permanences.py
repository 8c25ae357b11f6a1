"""Health permanences: slots generated from the rule, taken or free, every N weeks, a date
cancelled with the people to call; no medical reason anywhere."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta

import pytest
from sqlmodel import col, select
from test_agenda_support import PARIS, Place, make_place, paris
from test_agenda_support import nurse as support_nurse

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import ConflictError, NotFoundError, ValidationError
from tiers_lieu.models import AuditEntry, Booking
from tiers_lieu.services.agenda.errors import AgendaConflict
from tiers_lieu.services.agenda.inputs import BookingRequest
from tiers_lieu.services.agenda.permanences import PermanenceInput
from tiers_lieu.services.agenda.readmodels import PermanenceInfo
from tiers_lieu.services.people import PersonInput
from tiers_lieu.services.readmodels import SiteInfo


@pytest.fixture
def place(app: Comptoir, site: SiteInfo) -> Place:
    return make_place(app, site)


def nurse(app: Comptoir, place: Place, every: int = 1) -> PermanenceInfo:
    return support_nurse(app, place, start_date=date(2026, 3, 3), every=every)


def test_tuesday_morning_in_twenty_minute_slots_gives_nine(app: Comptoir, place: Place) -> None:
    perm = nurse(app, place)
    slots = app.agenda.permanences.slots(place.site.id, date(2026, 3, 10), date(2026, 3, 10))
    assert len(slots) == 9 and perm.slots_per_day == 9
    assert (slots[0].start, slots[-1].end) == (paris(2026, 3, 10, 9), paris(2026, 3, 10, 12))
    assert not any(s.taken for s in slots)


def test_every_two_weeks(app: Comptoir, place: Place) -> None:
    nurse(app, place, every=2)
    slots = app.agenda.permanences.slots(place.site.id, date(2026, 3, 1), date(2026, 3, 31))
    assert sorted({s.day for s in slots}) == [
        date(2026, 3, 3),
        date(2026, 3, 17),
        date(2026, 3, 31),
    ]


def test_booking_a_slot_and_cancelling_the_date(app: Comptoir, place: Place) -> None:
    perm = nurse(app, place)
    lea = app.people.create(
        place.site.id, PersonInput(first_name="Léa", last_name="Martin", phone="06 11")
    )
    tom = app.people.create(place.site.id, PersonInput(first_name="Tom", last_name="Roux"))
    app.agenda.permanences.book_slot(perm.id, paris(2026, 3, 10, 9, 20), person_id=lea.id)
    app.agenda.permanences.book_slot(perm.id, paris(2026, 3, 10, 10), person_id=tom.id)
    with pytest.raises(AgendaConflict, match="déjà pris") as refused:
        app.agenda.permanences.book_slot(perm.id, paris(2026, 3, 10, 10), person_id=lea.id)
    assert refused.value.alternatives
    slots = app.agenda.permanences.slots(place.site.id, date(2026, 3, 10), date(2026, 3, 10))
    assert [(s.start.strftime("%H:%M"), s.who) for s in slots if s.taken] == [
        ("09:20", "Léa Martin"),
        ("10:00", "Tom Roux"),
    ]
    # The permanence holds the room: no other booking during its hours.
    with pytest.raises(AgendaConflict, match="permanence de Sophie Lavaud"):
        app.agenda.bookings.create(
            place.site.id,
            BookingRequest(
                resource_id=place.health.id,
                start=paris(2026, 3, 10, 11),
                end=paris(2026, 3, 10, 11, 30),
                organisation="Kiné",
            ),
        )
    cancelled = app.agenda.permanences.cancel_date(
        perm.id, date(2026, 3, 10), reason="Absence de la praticienne"
    )
    assert [(p.name, p.phone) for p in cancelled.to_call] == [
        ("Léa Martin", "06 11"),
        ("Tom Roux", ""),
    ]
    slots = app.agenda.permanences.slots(place.site.id, date(2026, 3, 10), date(2026, 3, 10))
    assert all(s.cancelled and not s.taken for s in slots)
    # No column of a health booking can hold a reason: only who and when.
    assert not {"reason", "motif", "note"} & set(Booking.model_fields)


def test_a_slot_outside_the_permanence_is_refused(app: Comptoir, place: Place) -> None:
    perm = nurse(app, place)
    lea = app.people.create(place.site.id, PersonInput(first_name="Léa", last_name="Martin"))
    with pytest.raises(ValidationError, match="pas un créneau"):
        app.agenda.permanences.book_slot(perm.id, paris(2026, 3, 10, 9, 10), person_id=lea.id)
    with pytest.raises(ValidationError, match="pas un créneau"):  # a Wednesday
        app.agenda.permanences.book_slot(perm.id, paris(2026, 3, 11, 9), person_id=lea.id)


def test_ending_a_permanence_lists_the_slots_booked_after_its_end(
    app: Comptoir, place: Place
) -> None:
    """Nothing is cancelled: the people who booked a slot after the last day are to call."""
    today = datetime.now(PARIS).date()
    perm = support_nurse(app, place, start_date=today)
    tuesdays = [
        d
        for d in (today + timedelta(days=n) for n in range(1, 120))
        if d.weekday() == 1 and app.agenda.permanences.slots(place.site.id, d, d)
    ]
    first, later = tuesdays[0], tuesdays[2]
    lea = app.people.create(
        place.site.id, PersonInput(first_name="Léa", last_name="Martin", phone="06 11")
    )
    tom = app.people.create(place.site.id, PersonInput(first_name="Tom", last_name="Roux"))
    app.agenda.permanences.book_slot(
        perm.id, paris(first.year, first.month, first.day, 9), person_id=tom.id
    )
    app.agenda.permanences.book_slot(
        perm.id, paris(later.year, later.month, later.day, 10), person_id=lea.id
    )
    ended = app.agenda.permanences.end(perm.id, end_date=tuesdays[1])
    assert [(p.name, p.phone, p.start.date()) for p in ended.to_call] == [
        ("Léa Martin", "06 11", later)
    ]
    assert app.agenda.permanences.end(perm.id, end_date=later).to_call == ()


def _rule(perm: PermanenceInfo, **changes: object) -> PermanenceInput:
    values: dict[str, object] = {
        "practitioner_id": perm.practitioner_id,
        "resource_id": perm.resource_id,
        "weekday": perm.weekday,
        "start_time": perm.start_time,
        "end_time": perm.end_time,
        "slot_min": perm.slot_min,
        "interval_weeks": perm.interval_weeks,
        "start_date": perm.start_date,
        "end_date": perm.end_date,
    }
    return PermanenceInput(**{**values, **changes})  # type: ignore[arg-type]


def test_a_permanence_typed_wrong_is_corrected_while_nobody_booked(
    app: Comptoir, place: Place
) -> None:
    """Thursday afternoon typed as Tuesday morning: corrected, the slots follow, the audit
    line names the fields changed; an impossible rule is refused naming its field."""
    perm = nurse(app, place)
    fixed = app.agenda.permanences.correct(
        perm.id, _rule(perm, weekday=3, start_time=time(14), end_time=time(16), slot_min=30)
    )
    assert (fixed.weekday, fixed.start_time, fixed.slots_per_day) == (3, time(14), 4)
    slots = app.agenda.permanences.slots(place.site.id, date(2026, 3, 9), date(2026, 3, 15))
    assert [s.start for s in slots][:2] == [paris(2026, 3, 12, 14), paris(2026, 3, 12, 14, 30)]
    assert {s.day for s in slots} == {date(2026, 3, 12)}
    [listed] = app.agenda.permanences.list(place.site.id)
    assert (listed.weekday, listed.end_time) == (3, time(16))
    with app.uow() as uow:
        line = uow.session.exec(
            select(AuditEntry)
            .where(AuditEntry.entity == "permanence")
            .order_by(col(AuditEntry.seq).desc())
        ).first()
        assert line is not None and json.loads(line.details) == {
            "fields": ["weekday", "start_time", "end_time", "slot_min"]
        }
    with pytest.raises(ValidationError, match="Durée d'un créneau"):
        app.agenda.permanences.correct(perm.id, _rule(fixed, slot_min=180))
    assert app.agenda.permanences.list(place.site.id)[0].slot_min == 30


def test_a_permanence_added_by_mistake_is_deleted_while_nobody_booked(
    app: Comptoir, place: Place
) -> None:
    perm = nurse(app, place)
    app.agenda.permanences.delete(perm.id)
    assert app.agenda.permanences.list(place.site.id) == []
    assert app.agenda.permanences.slots(place.site.id, date(2026, 3, 1), date(2026, 3, 31)) == []
    with pytest.raises(NotFoundError, match="n'existe plus"):
        app.agenda.permanences.delete(perm.id)


@pytest.mark.parametrize("used", ["booked", "cancelled date"])
def test_a_permanence_with_a_booking_or_a_cancelled_date_is_ended_not_rewritten(
    app: Comptoir, place: Place, used: str
) -> None:
    perm = nurse(app, place)
    if used == "booked":
        lea = app.people.create(place.site.id, PersonInput(first_name="Léa", last_name="Martin"))
        app.agenda.permanences.book_slot(perm.id, paris(2026, 3, 10, 9), person_id=lea.id)
    else:
        app.agenda.permanences.cancel_date(perm.id, date(2026, 3, 10))
    for attempt in (
        lambda: app.agenda.permanences.correct(perm.id, _rule(perm, start_time=time(10))),
        lambda: app.agenda.permanences.delete(perm.id),
    ):
        with pytest.raises(ConflictError, match="Terminez-la à une date"):
            attempt()
    [still] = app.agenda.permanences.list(place.site.id)
    assert still.start_time == time(9)


def test_a_cancelled_date_is_restored_and_its_bookings_stay_cancelled(
    app: Comptoir, place: Place
) -> None:
    """The nurse comes after all: her Tuesday is back in the agenda; Léa, told of the
    cancellation, books again."""
    perm = nurse(app, place)
    lea = app.people.create(place.site.id, PersonInput(first_name="Léa", last_name="Martin"))
    app.agenda.permanences.book_slot(perm.id, paris(2026, 3, 10, 9), person_id=lea.id)
    app.agenda.permanences.cancel_date(perm.id, date(2026, 3, 10))
    app.agenda.permanences.restore_date(perm.id, date(2026, 3, 10))
    slots = app.agenda.permanences.slots(place.site.id, date(2026, 3, 10), date(2026, 3, 10))
    assert len(slots) == 9 and not any(s.cancelled or s.taken for s in slots)
    app.agenda.permanences.book_slot(perm.id, paris(2026, 3, 10, 9), person_id=lea.id)
    with pytest.raises(ValidationError, match="pas annulée ce jour-là"):
        app.agenda.permanences.restore_date(perm.id, date(2026, 3, 10))
    with app.uow() as uow:
        [line] = uow.session.exec(
            select(AuditEntry.details).where(AuditEntry.details.contains("restored_date"))  # type: ignore[union-attr]
        ).all()
    assert json.loads(line) == {"restored_date": "2026-03-10"}
