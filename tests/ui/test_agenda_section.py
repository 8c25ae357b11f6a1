"""The « Agenda » section as a host uses it: booking by keyboard from the week view, a refused
booking that says why and proposes free slots, checking someone in (a visit is counted),
booking a health slot in two clicks, turning pages and coming back to today."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta

import pytest
from placetime import place_today
from PySide6.QtCore import Qt, QTime
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot
from sqlmodel import func, select

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import DEFAULT_TIME_ZONE, time_zone
from tiers_lieu.models import AuditEntry, Visit
from tiers_lieu.models.enums import BookingStatus, ResourceKind, ServiceKind
from tiers_lieu.services.agenda.inputs import BookingRequest
from tiers_lieu.services.agenda.permanences import PermanenceInput
from tiers_lieu.services.agenda.resources import ResourceFields
from tiers_lieu.services.people import PersonInput
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.agenda import AgendaSection
from tiers_lieu.ui.agenda.booking_dialog import BookingDialog
from tiers_lieu.ui.agenda.grid_model import BlockKind
from tiers_lieu.ui.agenda.navigation import week_start
from tiers_lieu.ui.agenda.slot_dialog import SlotDialog

MONDAY = date(2030, 3, 11)  # an ordinary week, no public holiday
TUESDAY = MONDAY + timedelta(days=1)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=time_zone(DEFAULT_TIME_ZONE))


@pytest.fixture
def place(app: Comptoir, site: SiteInfo) -> SiteInfo:
    for weekday in range(6):  # Monday to Saturday, 8:00–19:00; Sunday closed
        app.config.set_opening_hours(site.id, weekday, [(time(8, 0), time(19, 0))])
    return site


def service_of(app: Comptoir, site: SiteInfo, kind: str) -> uuid.UUID | None:
    return next((s.id for s in app.config.list_services(site.id) if s.kind == kind), None)


def desk(app: Comptoir, site: SiteInfo) -> uuid.UUID:
    return app.agenda.resources.create(
        site.id,
        ResourceFields(
            name="Bureau 1",
            kind=ResourceKind.DESK,
            min_duration_min=30,
            service_id=service_of(app, site, ServiceKind.COWORKING),
        ),
    ).id


def open_section(qtbot: QtBot, app: Comptoir, site: SiteInfo, day: date) -> AgendaSection:
    section = AgendaSection(app, site)
    qtbot.addWidget(section)
    section.resize(1280, 800)
    with qtbot.waitExposed(section):
        section.show()
    tab = section.agenda
    tab.on_page_requested(0)  # redraw…
    tab._day = day  # …on the day the test is about
    tab.refresh()
    tab.grid.setFocus()
    return section


def test_a_booking_made_by_keyboard_from_the_week_view_appears(
    qtbot: QtBot, app: Comptoir, place: SiteInfo
) -> None:
    desk_id = desk(app, place)
    section = open_section(qtbot, app, place, MONDAY)
    grid = section.agenda.grid
    assert [c.day for c in grid.columns()][:2] == [MONDAY, TUESDAY]

    QTest.keyClick(grid, Qt.Key.Key_Right)  # Tuesday
    QTest.keyClick(grid, Qt.Key.Key_Home)  # 8:00
    for _ in range(4):
        QTest.keyClick(grid, Qt.Key.Key_Down)  # 10:00
    QTest.keyClick(grid, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    QTest.keyClick(grid, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)  # to 11:30
    QTest.keyClick(grid, Qt.Key.Key_Return)

    dialog = section.agenda.dialog
    assert isinstance(dialog, BookingDialog) and dialog.isVisible()
    QTest.keyClicks(dialog.organisation, "Mairie de Felletin")
    QTest.keyClicks(dialog.title, "Conseil municipal")
    QTest.keyClick(dialog.title, Qt.Key.Key_Return)

    assert not dialog.isVisible()
    booked = app.agenda.bookings.day(place.id, TUESDAY).resources[0].bookings
    assert [(b.who, b.start, b.end) for b in booked] == [
        ("Mairie de Felletin", at(TUESDAY, 10), at(TUESDAY, 11, 30))
    ]
    assert booked[0].resource_id == desk_id
    shown = [b for b in grid.blocks() if b.column == 1]
    assert [b.lines[:2] for b in shown] == [("10:00–11:30", "Mairie de Felletin")]
    assert "Mairie de Felletin" in section.agenda.status.text()


def test_a_refused_booking_says_why_and_one_click_takes_a_proposed_slot(
    qtbot: QtBot, app: Comptoir, place: SiteInfo
) -> None:
    desk_id = desk(app, place)
    app.agenda.bookings.create(
        place.id,
        BookingRequest(
            resource_id=desk_id, start=at(TUESDAY, 10), end=at(TUESDAY, 11), organisation="Déjà là"
        ),
    )
    section = open_section(qtbot, app, place, TUESDAY)
    grid = section.agenda.grid
    grid.go_to(TUESDAY, time(10, 0))
    grid.set_current(grid.current_cell()[0], grid.current_cell()[1] + 1)  # 10:30, taken
    grid.set_current(*grid.current_cell())
    section.agenda.on_new_clicked()
    dialog = section.agenda.dialog
    assert isinstance(dialog, BookingDialog)
    QTest.keyClicks(dialog.organisation, "Association Trait d'union")
    QTest.keyClick(dialog.organisation, Qt.Key.Key_Return)

    assert dialog.isVisible()  # refused: the form stays open
    assert dialog.refusal.isVisible() and dialog.refusal.text()
    assert dialog.proposals.isVisible() and dialog.proposals.buttons
    proposed = dialog.proposals.buttons[0].text()
    dialog.proposals.buttons[0].click()

    assert not dialog.isVisible()
    taken = [
        b
        for b in app.agenda.bookings.day(place.id, TUESDAY).resources[0].bookings
        if b.who == "Association Trait d'union"
    ]
    assert len(taken) == 1
    assert taken[0].start.strftime("%H:%M") in proposed


def test_a_booking_on_a_closed_day_is_refused_with_the_reason(
    qtbot: QtBot, app: Comptoir, place: SiteInfo
) -> None:
    desk(app, place)
    section = open_section(qtbot, app, place, MONDAY)
    grid = section.agenda.grid
    grid.go_to(MONDAY + timedelta(days=6), time(10, 0))  # Sunday: closed
    QTest.keyClick(grid, Qt.Key.Key_Return)
    dialog = section.agenda.dialog
    assert isinstance(dialog, BookingDialog)
    QTest.keyClicks(dialog.organisation, "Club photo")
    QTest.keyClick(dialog.organisation, Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert dialog.refusal.text()
    assert app.agenda.bookings.day(place.id, MONDAY + timedelta(days=6)).resources[0].bookings == ()


def test_an_existing_booking_opens_to_change_its_title_and_person(
    qtbot: QtBot, app: Comptoir, place: SiteInfo
) -> None:
    desk_id = desk(app, place)
    first = app.people.create(place.id, PersonInput(first_name="Alice", last_name="Martin"))
    second = app.people.create(place.id, PersonInput(first_name="Bruno", last_name="Roche"))
    booked = app.agenda.bookings.create(
        place.id,
        BookingRequest(
            resource_id=desk_id,
            start=at(TUESDAY, 10),
            end=at(TUESDAY, 11),
            person_id=first.id,
            title="Rédaction",
        ),
    )
    section = open_section(qtbot, app, place, TUESDAY)
    grid = section.agenda.grid
    grid.go_to(TUESDAY, time(10, 0))
    assert section.agenda.edit_button.isEnabled()
    section.agenda.edit_button.click()

    dialog = section.agenda.dialog
    assert isinstance(dialog, BookingDialog) and dialog.isVisible()
    assert dialog.person.isEnabled() and dialog.title.isEnabled()
    assert dialog.person.value() == first.id and dialog.title.text() == "Rédaction"
    dialog.person.set_value(second.id)  # chosen from the type-ahead list
    dialog.title.setText("Entretien d'embauche")
    dialog.end.setTime(QTime(11, 30))  # and a longer slot, in the same click
    QTest.keyClick(dialog.title, Qt.Key.Key_Return)

    assert not dialog.isVisible()
    saved = app.agenda.bookings.get(booked.id)
    assert (saved.person_id, saved.who, saved.title) == (
        second.id,
        "Bruno Roche",
        "Entretien d'embauche",
    )
    assert (saved.start, saved.end) == (at(TUESDAY, 10), at(TUESDAY, 11, 30))
    shown = [b for b in grid.blocks() if b.column == 1]
    assert any("Bruno Roche" in line for b in shown for line in b.lines)

    # Opened again and saved unchanged: the form just closes, nothing is written.
    section.agenda.edit_button.click()
    dialog = section.agenda.dialog
    assert isinstance(dialog, BookingDialog) and dialog.isVisible()
    QTest.keyClick(dialog.title, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    with app.uow() as uow:
        lines = uow.session.exec(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.entity_id == booked.id)
        ).one()
    assert lines == 3  # created, edited, moved


def test_checking_a_person_in_counts_a_visit(qtbot: QtBot, app: Comptoir, place: SiteInfo) -> None:
    desk_id = desk(app, place)
    person = app.people.create(place.id, PersonInput(first_name="Alice", last_name="Martin"))
    day = date(2025, 3, 11)
    app.agenda.bookings.create(
        place.id,
        BookingRequest(resource_id=desk_id, start=at(day, 9), end=at(day, 12), person_id=person.id),
    )
    section = open_section(qtbot, app, place, day)
    grid = section.agenda.grid
    grid.go_to(day, time(9, 30))
    assert section.agenda.check_in_button.isEnabled()
    assert "Alice Martin" in section.agenda.details.text()

    section.agenda.check_in_button.click()

    with app.uow() as uow:
        visits = uow.session.exec(
            select(func.count()).select_from(Visit).where(Visit.activity_date == day)
        ).one()
    assert visits == 1
    (booking,) = app.agenda.bookings.day(place.id, day).resources[0].bookings
    assert booking.status == BookingStatus.CHECKED_IN
    assert "visite comptée" in section.agenda.status.text()
    block = grid.current_block()
    assert block is not None and block.status == BookingStatus.CHECKED_IN


def test_a_health_slot_is_booked_in_two_clicks_and_shows_taken_without_reason(
    qtbot: QtBot, app: Comptoir, place: SiteInfo
) -> None:
    room = app.agenda.resources.create(
        place.id,
        ResourceFields(
            name="Cabinet de santé",
            kind=ResourceKind.HEALTH_ROOM,
            min_duration_min=15,
            service_id=service_of(app, place, ServiceKind.HEALTH),
        ),
    )
    nurse = app.agenda.practitioners.create(
        site_id=place.id, name="Sophie Lavaud", profession="Infirmière"
    )
    app.agenda.permanences.create(
        place.id,
        PermanenceInput(
            practitioner_id=nurse.id,
            resource_id=room.id,
            weekday=1,
            start_time=time(9, 0),
            end_time=time(12, 0),
            slot_min=20,
            start_date=date(2030, 1, 1),
        ),
    )
    person = app.people.create(place.id, PersonInput(first_name="Jean", last_name="Dupuy"))
    section = open_section(qtbot, app, place, TUESDAY)
    grid = section.agenda.grid
    free = [b for b in grid.blocks() if b.kind == BlockKind.SLOT_FREE and b.start == time(9, 20)]
    assert len(free) == 1 and free[0].lines == ("09:20", "Libre")

    centre = grid.block_rect(free[0]).center().toPoint()
    QTest.mouseClick(grid, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, centre)
    dialog = section.agenda.dialog
    assert isinstance(dialog, SlotDialog) and dialog.isVisible()
    dialog.person.set_value(person.id)  # chosen from the type-ahead list
    QTest.keyClick(dialog.person.edit, Qt.Key.Key_Return)

    assert not dialog.isVisible()
    taken = [b for b in grid.blocks() if b.start == time(9, 20)]
    assert [b.kind for b in taken] == [BlockKind.SLOT_TAKEN]
    assert taken[0].lines[1] == "Pris — Jean Dupuy"
    slots = app.agenda.bookings.day(place.id, TUESDAY).resources[0].permanence_slots
    assert [s.who for s in slots if s.taken] == ["Jean Dupuy"]


def test_page_down_moves_one_week_and_t_returns_to_today(
    qtbot: QtBot, app: Comptoir, place: SiteInfo
) -> None:
    desk(app, place)
    section = open_section(qtbot, app, place, place_today())
    tab, grid = section.agenda, section.agenda.grid
    QTest.keyClick(grid, Qt.Key.Key_PageDown)
    assert tab.current_day() == place_today() + timedelta(days=7)
    assert grid.columns()[0].day == week_start(place_today() + timedelta(days=7))
    assert "Semaine du" in tab.period.text()
    QTest.keyClick(grid, Qt.Key.Key_PageUp)
    QTest.keyClick(grid, Qt.Key.Key_PageUp)
    assert tab.current_day() == place_today() - timedelta(days=7)
    QTest.keyClick(grid, Qt.Key.Key_T)
    assert tab.current_day() == place_today()
    column = grid.columns()[grid.current_cell()[0]]
    assert column.day == place_today() and column.today

    tab.mode.setCurrentIndex(0)  # the day view: a page is a day
    QTest.keyClick(grid, Qt.Key.Key_PageDown)
    assert tab.current_day() == place_today() + timedelta(days=1)
    assert {c.day for c in grid.columns()} == {place_today() + timedelta(days=1)}


def test_a_weekly_booking_lists_the_colliding_date_and_books_the_others(
    qtbot: QtBot, app: Comptoir, place: SiteInfo
) -> None:
    desk_id = desk(app, place)
    app.agenda.bookings.create(
        place.id,
        BookingRequest(
            resource_id=desk_id,
            start=at(TUESDAY + timedelta(days=7), 10),
            end=at(TUESDAY + timedelta(days=7), 11),
            organisation="Déjà là",
        ),
    )
    section = open_section(qtbot, app, place, TUESDAY)
    section.agenda.grid.go_to(TUESDAY, time(10, 0))
    section.agenda.on_new_clicked()
    dialog = section.agenda.dialog
    assert isinstance(dialog, BookingDialog)
    dialog.organisation.setText("Atelier couture")
    dialog.end.setTime(dialog.start.time().addSecs(3600))
    dialog.repeat.setChecked(True)
    dialog.repeat.count.setValue(3)

    QTest.keyClick(dialog.organisation, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.occurrences_view.isVisible()
    states = [o.collides for o in dialog.occurrences.rows()]
    assert states == [False, True, False]
    assert "1 date en conflit" in dialog.refusal.text()

    QTest.keyClick(dialog.organisation, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    booked_days = [
        day
        for day in (TUESDAY, TUESDAY + timedelta(days=7), TUESDAY + timedelta(days=14))
        for b in app.agenda.bookings.day(place.id, day).resources[0].bookings
        if b.who == "Atelier couture"
    ]
    assert booked_days == [TUESDAY, TUESDAY + timedelta(days=14)]
