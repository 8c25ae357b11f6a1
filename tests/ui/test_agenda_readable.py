"""Issue 16, the agenda as a host meets it: a readable default view (one resource's week or
the day of every resource; every resource's week only when asked, names readable with a
sideways scroll), 20-minute slots reached with the arrows, PgUp/PgDn that page the agenda
even from the window's side list, « Prochain créneau libre » then the person then Entrée (three
actions), a booking in the past confirmed first, and the people to call after a closure or a
permanence set over their bookings."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta

import pytest
from desk_window import open_window
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import DEFAULT_TIME_ZONE, place_today, time_zone
from tiers_lieu.models.enums import BookingStatus, ResourceKind, Role
from tiers_lieu.services.agenda.inputs import BookingRequest
from tiers_lieu.services.agenda.permanences import PermanenceInput
from tiers_lieu.services.agenda.readmodels import PermanenceInfo
from tiers_lieu.services.agenda.resources import ResourceFields
from tiers_lieu.services.people import PersonInput
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.agenda import AgendaSection
from tiers_lieu.ui.agenda.booking_dialog import BookingDialog
from tiers_lieu.ui.agenda.content import ViewMode
from tiers_lieu.ui.agenda.grid_canvas import READABLE
from tiers_lieu.ui.agenda.slot_dialog import SlotDialog
from tiers_lieu.ui.settings.closures import ClosuresTab

PARIS = time_zone(DEFAULT_TIME_ZONE)
NAMES = (
    "Cabinet de santé",
    "Cabine de téléconsultation",
    "Salle de réunion",
    "Bureau partagé",
    "Atelier numérique",
)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=PARIS)


@pytest.fixture
def place(app: Comptoir, site: SiteInfo) -> SiteInfo:
    for weekday in range(6):
        app.config.set_opening_hours(site.id, weekday, [(time(8, 0), time(19, 0))])
    return site


def resources(app: Comptoir, site: SiteInfo) -> dict[str, uuid.UUID]:
    kinds = (
        ResourceKind.HEALTH_ROOM,
        ResourceKind.TELECONSULTATION,
        ResourceKind.MEETING_ROOM,
        ResourceKind.OPEN_SPACE,
        ResourceKind.OTHER,
    )
    return {
        name: app.agenda.resources.create(site.id, ResourceFields(name=name, kind=kind)).id
        for name, kind in zip(NAMES, kinds, strict=True)
    }


def nurse_every_day(app: Comptoir, site: SiteInfo, room: uuid.UUID) -> PermanenceInfo:
    """A permanence in 20-minute slots every day from today, 9:00–12:00: whatever the day
    the test runs, the next free slot is at most a day away."""
    who = app.agenda.practitioners.create(
        site_id=site.id, name="Sophie Lavaud", profession="Infirmière"
    )
    today = datetime.now(PARIS).date()
    first = None
    for weekday in range(7):
        perm = app.agenda.permanences.create(
            site.id,
            PermanenceInput(
                practitioner_id=who.id,
                resource_id=room,
                weekday=weekday,
                start_time=time(9),
                end_time=time(12),
                slot_min=20,
                start_date=today,
            ),
        )
        first = first or perm
    assert first is not None
    return first


def open_section(qtbot: QtBot, app: Comptoir, site: SiteInfo) -> AgendaSection:
    section = AgendaSection(app, site)
    qtbot.addWidget(section)
    section.resize(1024, 600)
    with qtbot.waitExposed(section):
        section.show()
    return section


def test_the_default_view_is_the_day_of_every_resource_with_whole_names(
    qtbot: QtBot, app: Comptoir, place: SiteInfo
) -> None:
    resources(app, place)
    section = open_section(qtbot, app, place)
    tab = section.agenda
    assert tab.current_mode() == ViewMode.DAY and tab.resource_filter() is None
    titles = [c.title for c in tab.grid.columns()]
    assert titles == sorted(NAMES)  # one column per resource, named in full
    assert len({c.day for c in tab.grid.columns()}) == 1


def test_the_week_of_every_resource_scrolls_sideways_rather_than_cut_names(
    qtbot: QtBot, app: Comptoir, place: SiteInfo
) -> None:
    resources(app, place)
    section = open_section(qtbot, app, place)
    tab = section.agenda
    tab.mode.setCurrentIndex(tab.mode.findData(ViewMode.WEEK))  # asked for
    grid = tab.grid
    assert len(grid.columns()) >= 30  # 6 open days × 5 resources (+ Sunday folded)
    readable = QFontMetrics(grid.font()).horizontalAdvance(READABLE)
    assert grid._column_width() >= readable  # « Cabinet de sa… », never « Ca…té »
    qtbot.waitUntil(lambda: tab.scroller.horizontalScrollBar().maximum() > 0)
    assert grid.width() >= len(grid.columns()) * readable
    tip = grid.header_tip(QPoint(60, grid._header_height() - 4))
    assert "Atelier numérique" in tip and "lundi" in tip


def test_twenty_minute_slots_are_reached_with_the_arrows(
    qtbot: QtBot, app: Comptoir, place: SiteInfo
) -> None:
    rooms = resources(app, place)
    nurse_every_day(app, place, rooms["Cabinet de santé"])
    section = open_section(qtbot, app, place)
    tab = section.agenda
    grid = tab.grid
    grid.go_to(tab.current_day(), time(9, 0), resource_id=rooms["Cabinet de santé"])
    grid.setFocus()
    seen = []
    for _ in range(4):
        seen.append(grid.row_time(grid.current_cell()[1]))
        QTest.keyClick(grid, Qt.Key.Key_Down)
    assert seen == [time(9, 0), time(9, 20), time(9, 40), time(10, 0)]
    QTest.keyClick(grid, Qt.Key.Key_Right)  # another resource: half-hours again, same time
    _column, row = grid.current_cell()
    assert grid.row_time(row) == time(10, 0)
    QTest.keyClick(grid, Qt.Key.Key_Down)
    assert grid.row_time(grid.current_cell()[1]) == time(10, 30)
    QTest.keyClick(grid, Qt.Key.Key_Left)
    QTest.keyClick(grid, Qt.Key.Key_Down)
    assert grid.row_time(grid.current_cell()[1]) == time(10, 40)


def test_page_down_pages_the_agenda_even_from_the_side_list(
    qtbot: QtBot, app: Comptoir, place: SiteInfo
) -> None:
    resources(app, place)
    user = app.accounts.create_user(
        username="coord", display_name="Coordination", role=Role.COORDINATOR, password="x" * 12
    )
    window = open_window(qtbot, app, place, user)
    section = window.show_section("agenda")
    assert isinstance(section, AgendaSection)
    window.nav.setFocus()
    shown = window.stack.currentIndex()
    first = section.agenda.current_day()
    QTest.keyClick(window.nav, Qt.Key.Key_PageDown)
    assert window.stack.currentIndex() == shown  # still the agenda, not « Paramètres »
    assert section.agenda.current_day() == first + timedelta(days=1)  # the day view's next page
    QTest.keyClick(window.nav, Qt.Key.Key_PageUp)
    assert section.agenda.current_day() == first
    window.activateWindow()  # shortcuts go to the active window
    qtbot.waitUntil(window.isActiveWindow)
    section.agenda.mode.setFocus()  # a combo of the agenda: PgDn still pages
    QTest.keyClick(section.agenda.mode, Qt.Key.Key_PageDown)
    assert section.agenda.current_day() == first + timedelta(days=1)
    assert section.agenda.current_mode() == ViewMode.DAY


def test_a_health_slot_for_someone_waiting_takes_three_actions(
    qtbot: QtBot, app: Comptoir, place: SiteInfo
) -> None:
    rooms = resources(app, place)
    nurse_every_day(app, place, rooms["Cabinet de santé"])
    lea = app.people.create(place.id, PersonInput(first_name="Lea", last_name="Martin"))
    section = open_section(qtbot, app, place)
    tab = section.agenda
    index = next(
        i for i in range(tab.resource.count()) if "Sophie Lavaud" in tab.resource.itemText(i)
    )
    tab.resource.setCurrentIndex(index)  # the practitioner, chosen once for the morning
    tab.grid.setFocus()
    now = datetime.now(PARIS)
    expected = app.agenda.availability.next_free(
        place.id, practitioner_id=tab.practitioner_filter(), after=now
    )
    assert expected is not None

    actions = 0
    QTest.keyClick(tab.grid, Qt.Key.Key_L)  # 1. « Prochain créneau libre »
    actions += 1
    dialog = tab.dialog
    assert isinstance(dialog, SlotDialog) and dialog.isVisible()
    assert tab.grid.current_block() is not None  # the cursor is on the slot
    assert dialog.person.edit.hasFocus() or dialog.focusWidget() is dialog.person.edit
    QTest.keyClicks(dialog.person.edit, "Lea Mar")  # 2. the person waiting
    actions += 1
    QTest.keyClick(dialog.person.edit, Qt.Key.Key_Return)  # 3. Entrée books
    actions += 1
    assert not dialog.isVisible()
    assert actions <= 3
    day = app.agenda.bookings.day(place.id, expected.start.date())
    booked = [b for r in day.resources for b in r.bookings if b.person_id == lea.id]
    assert [(b.start, b.status) for b in booked] == [(expected.start, BookingStatus.CONFIRMED)]


def test_the_cursor_on_a_half_hour_row_holds_a_booking_that_starts_within_it(
    qtbot: QtBot, app: Comptoir, place: SiteInfo
) -> None:
    # « Prochain créneau libre » at 14:10 booked 14:15–14:30: the cursor, on the 14:00 row of
    # the half-hour grid, held nothing and Entrée did not open the booking.
    rooms = resources(app, place)
    day = place_today(time_zone(DEFAULT_TIME_ZONE)) + timedelta(days=7)
    booking = app.agenda.bookings.create(
        place.id,
        BookingRequest(
            resource_id=rooms[NAMES[2]], start=at(day, 14, 15), end=at(day, 14, 45), title="CA"
        ),
    )
    section = open_section(qtbot, app, place)
    tab = section.agenda
    tab._show_slot(rooms[NAMES[2]], at(day, 14, 15))
    assert tab.grid.row_time(tab.grid.current_cell()[1]) == time(14, 0)
    block = tab.grid.current_block()
    assert block is not None and block.key == booking.id
    tab.on_edit_clicked()
    assert isinstance(tab.dialog, BookingDialog) and tab.dialog.isVisible()
    tab.dialog.reject()


def test_a_booking_in_the_past_is_confirmed_first(
    qtbot: QtBot, app: Comptoir, place: SiteInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    rooms = resources(app, place)
    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]
    asked: list[str] = []

    def question(_parent: object, _title: str, text: str, *_args: object) -> object:
        asked.append(text)
        return answers.pop(0)

    monkeypatch.setattr(QMessageBox, "question", question)
    section = open_section(qtbot, app, place)
    tab = section.agenda
    day = date(2025, 3, 11)  # a Tuesday long gone
    dialog = BookingDialog(
        app,
        place,
        tab,
        resources=tab._resources,
        resource_id=rooms["Salle de réunion"],
        day=day,
        start=time(10),
        end=time(11),
    )
    qtbot.addWidget(dialog)
    dialog.organisation.setText("Conseil municipal")
    dialog.on_save_clicked()  # « Non »: nothing booked, the form stays
    assert "déjà passé" in asked[0] and "saisie après coup" in asked[0]
    assert (
        app.agenda.bookings.day(place.id, day, resource_id=rooms["Salle de réunion"])
        .resources[0]
        .bookings
        == ()
    )
    dialog.on_save_clicked()  # « Oui »: booked
    booked = app.agenda.bookings.day(place.id, day, resource_id=rooms["Salle de réunion"])
    assert [b.who for b in booked.resources[0].bookings] == ["Conseil municipal"]


def test_a_closure_over_bookings_lists_whom_to_call(
    qtbot: QtBot, app: Comptoir, place: SiteInfo, message_boxes: list[tuple[str, str, str]]
) -> None:
    rooms = resources(app, place)
    lea = app.people.create(
        place.id, PersonInput(first_name="Léa", last_name="Martin", phone="06 12 34 56 78")
    )
    app.agenda.bookings.create(
        place.id,
        BookingRequest(
            resource_id=rooms["Salle de réunion"],
            start=at(date(2030, 8, 6), 10),
            end=at(date(2030, 8, 6), 11),
            person_id=lea.id,
        ),
    )
    closures = ClosuresTab(app, place)
    qtbot.addWidget(closures)
    closures.start_edit.setDate(date(2030, 8, 5))
    closures.end_edit.setDate(date(2030, 8, 9))
    closures.reason_edit.setText("Travaux")
    closures.on_add_clicked()
    warning = [b for b in message_boxes if b[0] == "warning"]
    assert len(warning) == 1
    assert "pas annulée" in warning[0][2]
    assert "10:00–11:00 · Salle de réunion · Léa Martin · 06 12 34 56 78" in warning[0][2]
