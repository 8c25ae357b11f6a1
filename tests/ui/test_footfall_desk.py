"""People and services at the desk (issue 20), by keyboard: « + » says someone comes in and
the services keyed in the minute after are theirs; a key alone is one person; Ctrl+Z takes
back services then the passage; a passage kept while the server is away is saved before its
visits. Who is served (« Public ») is chosen by keyboard at the desk, in the visit dialog and
in the booking dialog."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from accueil_window import shown_accueil
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot
from sqlmodel import Session, select
from test_connection import Server, accueil, data_dir, lost, press, server, watched, window

from tiers_lieu.app import Comptoir
from tiers_lieu.models import Booking, Passage, Resource, Visit
from tiers_lieu.models.enums import CategoryKind
from tiers_lieu.services.readmodels import ServiceInfo, SiteInfo
from tiers_lieu.services.visit_log import VisitFilter
from tiers_lieu.ui.accueil import AccueilSection
from tiers_lieu.ui.agenda.booking_dialog import BookingDialog
from tiers_lieu.ui.main_window import MainWindow
from tiers_lieu.ui.visits.visit_dialog import VisitDialog

__all__ = ["data_dir", "server", "watched", "window"]  # fixtures of test_connection

PARIS = ZoneInfo("Europe/Paris")


def today() -> date:
    return datetime.now(PARIS).date()


def figures(app: Comptoir, site: SiteInfo, day: date | None = None) -> tuple[int, int]:
    day = day or today()
    data = app.reports.compute(period_start=day, period_end=day, site_ids=[site.id])
    return int(data.value("visits.people")), int(data.value("visits.total"))


def key(qtbot: QtBot, widget: QWidget, which: Qt.Key, modifier: Any = None) -> None:
    target = widget.focusWidget() or widget
    if modifier is None:
        qtbot.keyClick(target, which)
    else:
        qtbot.keyClick(target, which, modifier)
    QApplication.processEvents()


def public_label(app: Comptoir, public_id: uuid.UUID | None) -> str | None:
    if public_id is None:
        return None
    return next(
        c.label
        for site in app.sites.list_sites()
        for c in app.config.list_categories(site.id, CategoryKind.PUBLIC)
        if c.id == public_id
    )


@pytest.fixture
def section(qtbot: QtBot, app: Comptoir, site: SiteInfo) -> AccueilSection:
    return shown_accueil(qtbot, app, site)


@pytest.fixture
def services(app: Comptoir, site: SiteInfo) -> list[ServiceInfo]:
    return app.config.list_services(site.id)


def test_plus_then_two_services_is_one_person_and_ctrl_z_takes_them_back_in_turn(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, section: AccueilSection
) -> None:
    key(qtbot, section, Qt.Key.Key_Plus)
    assert "Entrée comptée" in section.status_label.text()
    key(qtbot, section, Qt.Key.Key_1)
    key(qtbot, section, Qt.Key.Key_6)
    assert figures(app, site) == (1, 2)
    key(qtbot, section, Qt.Key.Key_2)  # still within the minute: the same person
    assert figures(app, site) == (1, 3)
    key(qtbot, section, Qt.Key.Key_Plus)  # someone else comes in
    key(qtbot, section, Qt.Key.Key_1)
    assert figures(app, site) == (2, 4)

    for expected in ((2, 3), (1, 3), (1, 2), (1, 1), (1, 0), (0, 0)):
        key(qtbot, section, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        assert figures(app, site) == expected
    assert "Entrée annulée" in section.status_label.text()


def test_a_service_keyed_after_the_minute_is_someone_else(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, section: AccueilSection
) -> None:
    now = [1000.0]
    section.passage_clock = lambda: now[0]
    key(qtbot, section, Qt.Key.Key_Plus)
    now[0] += 61
    key(qtbot, section, Qt.Key.Key_1)
    assert figures(app, site) == (2, 1)


def test_the_number_of_people_and_the_public_are_given_by_keyboard_at_the_desk(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, section: AccueilSection
) -> None:
    key(qtbot, section, Qt.Key.Key_Plus)
    panel = section.details
    section.side_tabs.setCurrentIndex(1)
    assert panel.count_spin.isEnabled() and not panel.public_combo.isEnabled()
    panel.count_spin.setFocus()
    panel.count_spin.selectAll()
    qtbot.keyClicks(panel.count_spin, "3")
    qtbot.keyClick(panel.count_spin, Qt.Key.Key_Return)
    assert figures(app, site) == (3, 0)

    section.pad.focus_first()
    key(qtbot, section, Qt.Key.Key_2)  # within the minute: one of the three
    assert figures(app, site) == (3, 1)
    section.side_tabs.setCurrentIndex(1)
    qtbot.keyClick(section.window(), Qt.Key.Key_B, Qt.KeyboardModifier.AltModifier)
    assert QApplication.focusWidget() is panel.public_combo
    qtbot.keyClicks(panel.public_combo, "Asso")
    qtbot.keyClick(panel.public_combo, Qt.Key.Key_Return)
    with Session(app.engine) as session:
        [visit] = session.exec(select(Visit)).all()
        assert public_label(app, visit.public_id) == "Association"


def test_plus_and_a_service_kept_while_the_server_is_away_are_one_person_once_back(
    qtbot: QtBot,
    window: MainWindow,
    app: Comptoir,
    site: SiteInfo,
    server: Server,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    section = accueil(window)
    monitor = window.connection_monitor
    server.go_away(monitor)
    monkeypatch.setattr(app.passages, "enter", lost)
    press(qtbot, window, Qt.Key.Key_Plus)
    assert "Entrée en attente" in section.status_label.text()
    press(qtbot, window, Qt.Key.Key_1)
    [door] = monitor.queue.passages()
    [visit] = monitor.queue.visits()
    assert visit.passage_id == door.id
    assert figures(app, site) == (0, 0)

    server.come_back(monitor)
    monkeypatch.undo()  # enter answers again (count too)
    monitor.ping = lambda: None
    monitor.check_now()
    qtbot.waitUntil(lambda: not monitor.queue.passages() and len(monitor.queue) == 0)
    assert figures(app, site, door.activity_date) == (1, 1)
    with Session(app.engine) as session:
        stored = session.get(Visit, visit.id)
        assert stored is not None and stored.passage_id == door.id
        assert session.get(Passage, door.id) is not None


def test_the_visit_dialog_records_the_public_by_keyboard(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, services: list[ServiceInfo]
) -> None:
    counted = app.visits.count(site_id=site.id, service_id=services[0].id)
    row = app.visit_log.get(counted.id)
    dialog = VisitDialog(app, site, row)
    qtbot.addWidget(dialog)
    with qtbot.waitExposed(dialog):
        dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    qtbot.keyClick(dialog, Qt.Key.Key_B, Qt.KeyboardModifier.AltModifier)
    assert QApplication.focusWidget() is dialog.public_combo
    qtbot.keyClicks(dialog.public_combo, "Ent")
    qtbot.keyClick(dialog.public_combo, Qt.Key.Key_Return)
    assert dialog.result() == VisitDialog.DialogCode.Accepted
    saved = app.visit_log.get(counted.id)
    assert saved.public == "Entreprise"
    rows = app.visit_log.page(site_id=site.id, filters=VisitFilter(start=today(), end=today()))
    assert [r.public for r in rows] == ["Entreprise"]


def test_the_booking_dialog_records_the_public_by_keyboard(
    qtbot: QtBot, app: Comptoir, site: SiteInfo
) -> None:
    with app.uow() as uow:
        room = Resource(site_id=site.id, name="Salle", kind="meeting_room", capacity=8)
        uow.session.add(room)
        uow.commit()
        room_id = room.id
    resources = app.agenda.resources.list(site.id)
    day = date(2030, 3, 5)  # a Tuesday
    dialog = BookingDialog(
        app, site, resources=resources, resource_id=room_id, day=day, start=time(10), end=time(11)
    )
    qtbot.addWidget(dialog)
    with qtbot.waitExposed(dialog):
        dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    qtbot.keyClick(dialog, Qt.Key.Key_O, Qt.KeyboardModifier.AltModifier)
    qtbot.keyClicks(dialog.organisation, "Scop du plateau")
    qtbot.keyClick(dialog, Qt.Key.Key_B, Qt.KeyboardModifier.AltModifier)
    assert QApplication.focusWidget() is dialog.public
    qtbot.keyClicks(dialog.public, "Ent")
    qtbot.keyClick(dialog.public, Qt.Key.Key_Return)
    assert dialog.result() == BookingDialog.DialogCode.Accepted
    with Session(app.engine) as session:
        [booking] = session.exec(select(Booking)).all()
    assert public_label(app, booking.public_id) == "Entreprise"

    info = app.agenda.bookings.get(booking.id)
    again = BookingDialog(app, site, resources=resources, booking=info)
    qtbot.addWidget(again)
    assert again.public.value() == booking.public_id  # shown when the booking is opened
