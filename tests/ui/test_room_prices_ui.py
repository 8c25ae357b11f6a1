"""Room hire at the desk, by keyboard: the hourly price typed in « Ressources » (Alt+H), the
booking form offering the hourly price × the hours and following them until the host types
another amount (Alt+X; 0 = free), an existing booking keeping the price it was agreed at, bad
amounts refused naming the field, and the form's letters and size at 1024×600."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from mnemonics import clashes
from PySide6.QtCore import Qt, QTime
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot
from test_fits_small_screen import DialogCheck

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import DEFAULT_TIME_ZONE, time_zone
from tiers_lieu.models.enums import ResourceKind
from tiers_lieu.services.agenda.inputs import BookingRequest
from tiers_lieu.services.agenda.readmodels import BookingInfo, ResourceInfo
from tiers_lieu.services.agenda.resources import ResourceFields
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.agenda.booking_dialog import BookingDialog
from tiers_lieu.ui.agenda.resources_tab import ResourcesTab

TUESDAY = date(2030, 3, 12)  # an ordinary week, no public holiday
ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=time_zone(DEFAULT_TIME_ZONE))


@pytest.fixture
def place(app: Comptoir, site: SiteInfo) -> SiteInfo:
    for weekday in range(6):  # Monday to Saturday, 8:00–19:00; Sunday closed
        app.config.set_opening_hours(site.id, weekday, [(time(8, 0), time(19, 0))])
    return site


def room_fields(hourly: int | None) -> ResourceFields:
    return ResourceFields(
        name="Salle de réunion",
        kind=ResourceKind.MEETING_ROOM,
        capacity=12,
        max_duration_min=480,
        hourly_price_cents=hourly,
    )


@pytest.fixture
def room(app: Comptoir, place: SiteInfo) -> ResourceInfo:
    return app.agenda.resources.create(place.id, room_fields(1500))


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None and widget.isVisible()
    return widget


def type_into(qtbot: QtBot, letter: Qt.Key, text: str) -> None:
    """Alt+letter to the field, select what it holds, type ``text``."""
    qtbot.keyClick(focused(), letter, ALT)
    qtbot.keyClick(focused(), Qt.Key.Key_A, CTRL)
    if text:
        qtbot.keyClicks(focused(), text)
    else:
        qtbot.keyClick(focused(), Qt.Key.Key_Delete)


def open_form(
    qtbot: QtBot,
    app: Comptoir,
    site: SiteInfo,
    resource_id: object,
    *,
    start: time = time(14, 0),
    end: time = time(16, 0),
    booking: BookingInfo | None = None,
) -> BookingDialog:
    dialog = BookingDialog(
        app,
        site,
        resources=app.agenda.resources.list(site.id),
        resource_id=resource_id,  # type: ignore[arg-type]
        day=TUESDAY,
        start=start,
        end=end,
        booking=booking,
    )
    qtbot.addWidget(dialog)
    with qtbot.waitExposed(dialog):
        dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(lambda: dialog.isActiveWindow() and dialog.isAncestorOf(focused()))
    return dialog


def bookings_of(app: Comptoir, site: SiteInfo, resource_id: object) -> list[BookingInfo]:
    view = app.agenda.bookings.day(site.id, TUESDAY, resource_id=resource_id)  # type: ignore[arg-type]
    return list(view.resources[0].bookings)


# -- « Ressources » ------------------------------------------------------------------------------
def test_the_hourly_price_is_typed_in_euros_in_the_resources_tab(
    qtbot: QtBot,
    app: Comptoir,
    place: SiteInfo,
    room: ResourceInfo,
    message_boxes: list[tuple[str, str, str]],
) -> None:
    tab = ResourcesTab(app, place)
    qtbot.addWidget(tab)
    tab.resize(1024, 560)
    with qtbot.waitExposed(tab):
        tab.show()
    tab.activateWindow()
    tab.view.selectRow(0)
    assert tab.hourly_price.text() == "15,00"  # the room's, as the host types it
    tab.view.setFocus()

    type_into(qtbot, Qt.Key.Key_H, "18,50")
    assert focused() is tab.hourly_price
    qtbot.keyClick(focused(), Qt.Key.Key_S, CTRL)
    assert app.agenda.resources.get(room.id).hourly_price_cents == 1850
    assert message_boxes == []

    type_into(qtbot, Qt.Key.Key_H, "dix-huit")
    qtbot.keyClick(focused(), Qt.Key.Key_S, CTRL)
    assert message_boxes and "Tarif horaire" in message_boxes[-1][2]
    assert app.agenda.resources.get(room.id).hourly_price_cents == 1850  # unchanged

    type_into(qtbot, Qt.Key.Key_H, "")  # empty: no longer hired out
    qtbot.keyClick(focused(), Qt.Key.Key_S, CTRL)
    assert app.agenda.resources.get(room.id).hourly_price_cents is None

    qtbot.keyClick(focused(), Qt.Key.Key_N, CTRL)  # « Nouvelle ressource »: an empty field
    assert tab.hourly_price.text() == ""


# -- the booking form ----------------------------------------------------------------------------
def test_the_form_offers_the_price_follows_the_hours_and_books_it(
    qtbot: QtBot, app: Comptoir, place: SiteInfo, room: ResourceInfo
) -> None:
    dialog = open_form(qtbot, app, place, room.id)
    assert dialog.price.isVisible() and dialog.price.text() == "30,00"  # 15,00 € × 2 h
    assert dialog.price_hint.text() == "15,00\u00a0€ de l'heure ; 0 : gratuit"
    dialog.end.setTime(QTime(17, 30))
    assert dialog.price.text() == "52,50"  # follows the hours while untouched
    type_into(qtbot, Qt.Key.Key_O, "Atelier Terre et Bois")
    qtbot.keyClick(focused(), Qt.Key.Key_Return)

    assert not dialog.isVisible()
    [booked] = bookings_of(app, place, room.id)
    assert (booked.who, booked.end, booked.price_cents) == (
        "Atelier Terre et Bois",
        at(TUESDAY, 17, 30),
        5250,
    )


def test_a_price_typed_by_the_host_is_kept_and_0_books_it_free(
    qtbot: QtBot, app: Comptoir, place: SiteInfo, room: ResourceInfo
) -> None:
    dialog = open_form(qtbot, app, place, room.id, start=time(9), end=time(11))
    type_into(qtbot, Qt.Key.Key_O, "Club photo")
    type_into(qtbot, Qt.Key.Key_X, "0")
    assert focused() is dialog.price
    dialog.end.setTime(QTime(12, 0))
    assert dialog.price.text() == "0"  # typed: the hours no longer change it
    qtbot.keyClick(focused(), Qt.Key.Key_Return)
    assert not dialog.isVisible()

    dialog = open_form(qtbot, app, place, room.id, start=time(14), end=time(15))
    type_into(qtbot, Qt.Key.Key_O, "Formations Limousin")
    type_into(qtbot, Qt.Key.Key_X, "12,5")
    qtbot.keyClick(focused(), Qt.Key.Key_Return)
    assert not dialog.isVisible()
    prices = {b.who: b.price_cents for b in bookings_of(app, place, room.id)}
    assert prices == {"Club photo": 0, "Formations Limousin": 1250}


def test_a_bad_amount_is_refused_naming_the_price_and_nothing_is_booked(
    qtbot: QtBot,
    app: Comptoir,
    place: SiteInfo,
    room: ResourceInfo,
    message_boxes: list[tuple[str, str, str]],
) -> None:
    dialog = open_form(qtbot, app, place, room.id)
    type_into(qtbot, Qt.Key.Key_O, "Atelier Terre et Bois")
    for typed in ("trente", "-5"):
        type_into(qtbot, Qt.Key.Key_X, typed)
        qtbot.keyClick(focused(), Qt.Key.Key_Return)
        assert dialog.isVisible()
        assert message_boxes[-1][2].startswith("Prix : ")
    assert bookings_of(app, place, room.id) == []


def test_an_existing_booking_keeps_its_agreed_price_when_the_hourly_price_changed(
    qtbot: QtBot, app: Comptoir, place: SiteInfo, room: ResourceInfo
) -> None:
    booked = app.agenda.bookings.create(
        place.id,
        BookingRequest(
            resource_id=room.id,
            start=at(TUESDAY, 14),
            end=at(TUESDAY, 16),
            organisation="Atelier Terre et Bois",
        ),
    )
    app.agenda.resources.update(room.id, room_fields(2000))
    dialog = open_form(qtbot, app, place, room.id, booking=app.agenda.bookings.get(booked.id))
    assert dialog.price.text() == "30,00"  # as agreed, not 40,00
    assert dialog.price_hint.text().startswith("20,00")
    dialog.end.setTime(QTime(17, 0))
    assert dialog.price.text() == "30,00"
    qtbot.keyClick(dialog.organisation, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    saved = app.agenda.bookings.get(booked.id)
    assert (saved.end, saved.price_cents) == (at(TUESDAY, 17), 3000)


def test_an_existing_booking_at_the_hourly_price_follows_a_longer_slot(
    qtbot: QtBot, app: Comptoir, place: SiteInfo, room: ResourceInfo
) -> None:
    booked = app.agenda.bookings.create(
        place.id,
        BookingRequest(
            resource_id=room.id,
            start=at(TUESDAY, 14),
            end=at(TUESDAY, 16),
            organisation="Atelier Terre et Bois",
        ),
    )
    dialog = open_form(qtbot, app, place, room.id, booking=booked)
    dialog.end.setTime(QTime(17, 0))
    assert dialog.price.text() == "45,00"
    qtbot.keyClick(dialog.organisation, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert app.agenda.bookings.get(booked.id).price_cents == 4500  # saved with the move

    dialog = open_form(qtbot, app, place, room.id, booking=app.agenda.bookings.get(booked.id))
    type_into(qtbot, Qt.Key.Key_X, "20")  # only the price changes
    qtbot.keyClick(focused(), Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert app.agenda.bookings.get(booked.id).price_cents == 2000


def test_a_desk_has_no_price_field(qtbot: QtBot, app: Comptoir, place: SiteInfo) -> None:
    desk = app.agenda.resources.create(
        place.id, ResourceFields(name="Bureau 1", kind=ResourceKind.DESK)
    )
    dialog = open_form(qtbot, app, place, desk.id, start=time(9), end=time(12))
    assert not dialog.price.isVisible() and not dialog.price_label.isVisible()
    type_into(qtbot, Qt.Key.Key_O, "Cooperative")
    qtbot.keyClick(focused(), Qt.Key.Key_Return)
    assert [b.price_cents for b in bookings_of(app, place, desk.id)] == [None]


def test_the_form_of_a_room_has_one_owner_per_letter_and_fits_1024x600(
    qtbot: QtBot, app: Comptoir, place: SiteInfo, room: ResourceInfo
) -> None:
    dialog = open_form(qtbot, app, place, room.id)
    dialog.repeat.setChecked(True)  # the tallest the form gets before a refusal
    QApplication.processEvents()
    assert dialog.price.isVisible()
    assert clashes(dialog) == {}
    check = DialogCheck()
    check(dialog)
    assert check.seen and all(cut == [] for cut in check.seen.values()), check.seen
