"""Visites et ateliers › Programme, by keyboard: a workshop chosen in the list, a person
registered with Alt+R, a name and Entrée (on the waiting list once full), a registration
cancelled with Suppr (the first waiting moves up), a room blocked in the agenda (and refused
with the agenda's reason), and the programme written as a web page."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from tiers_lieu.app import Comptoir
from tiers_lieu.models.enums import ResourceKind, Role
from tiers_lieu.services.agenda.inputs import BookingRequest
from tiers_lieu.services.agenda.resources import ResourceFields
from tiers_lieu.services.events import EventFields
from tiers_lieu.services.people import PersonInput
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.visits import VisitsSection
from tiers_lieu.ui.visits.programme_tab import ProgrammeTab

TODAY = date(2026, 11, 18)  # a Wednesday
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def tab(qtbot: QtBot, app: Comptoir, site: SiteInfo) -> Iterator[ProgrammeTab]:
    """The programme tab as a host sees it: a workshop of one place this Thursday, another
    on Friday, a meeting room taken on Friday afternoon."""
    user = app.accounts.create_user(
        username="hote",
        display_name="Hôte",
        password="motdepasse-solide",
        role=Role.HOST,
        site_id=site.id,
    )
    room = app.agenda.resources.create(
        site.id, ResourceFields(name="Salle de réunion", kind=ResourceKind.MEETING_ROOM)
    )
    app.agenda.bookings.create(
        site.id,
        BookingRequest(
            resource_id=room.id,
            start=datetime(2026, 11, 20, 14, tzinfo=PARIS),
            end=datetime(2026, 11, 20, 16, tzinfo=PARIS),
            organisation="Conseil municipal",
        ),
    )
    for title, day in (("Tablette", date(2026, 11, 19)), ("Smartphone", date(2026, 11, 20))):
        app.events.create(
            site.id,
            EventFields(
                title=title, event_date=day, start_time=time(14), duration_min=90, capacity=1
            ),
        )
    for first in ("Aline", "Marc"):
        app.people.create(site.id, PersonInput(first_name=first, last_name="Dubreuil"))
    app.access.sign_in(user)
    section = VisitsSection(app, site, today=TODAY)
    qtbot.addWidget(section)
    section.resize(1024, 600)
    with qtbot.waitExposed(section):
        section.show()
    section.tabs.setCurrentWidget(section.programme_tab)
    yield section.programme_tab


def register_by_keyboard(qtbot: QtBot, tab: ProgrammeTab, name: str) -> None:
    QTest.keyClick(tab, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)
    assert tab.person.hasFocus()
    qtbot.keyClicks(tab.person, name)
    QTest.keyClick(tab.person, Qt.Key.Key_Return)


def test_register_wait_and_move_up_by_keyboard(qtbot: QtBot, tab: ProgrammeTab) -> None:
    assert [line.title for line in tab.model.rows()] == ["Tablette", "Smartphone"]
    assert "Programme du 16 novembre 2026 au 22 novembre 2026" in tab.title_label.text()
    QTest.keyClick(tab, Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)
    assert tab.view.hasFocus()
    QTest.keyClick(tab.view, Qt.Key.Key_Down)
    assert "« Smartphone »" in tab.places_label.text()
    QTest.keyClick(tab.view, Qt.Key.Key_Up)
    assert "« Tablette » : 1 place restante" in tab.places_label.text()
    register_by_keyboard(qtbot, tab, "Aline")
    assert "Inscription enregistrée : 0 place restante." in tab.status.text()
    assert tab.person.hasFocus() and tab.person.text() == ""  # the next name can be typed
    register_by_keyboard(qtbot, tab, "Marc")
    assert "liste d'attente (rang 1)" in tab.status.text()
    assert "(1 personne en attente)" in tab.places_label.text()
    assert tab.model.row_at(0).waiting == 1
    # Suppr on Aline's line: Marc moves up.
    tab.registrations_view.setFocus()
    tab.registrations_view.selectRow(0)
    QTest.keyClick(tab.registrations_view, Qt.Key.Key_Delete)
    assert "passe de la liste d'attente : Marc Dubreuil" in tab.status.text()
    assert [r.name for r in tab.registrations.rows()] == ["Marc Dubreuil"]
    assert not tab.registrations.row_at(0).waiting


def test_a_room_is_blocked_or_refused_with_the_reason(
    tab: ProgrammeTab, message_boxes: list[tuple[str, str, str]]
) -> None:
    tab.view.selectRow(0)
    tab.room.setCurrentIndex(tab.room.findText("Salle de réunion"))
    tab.room_button.click()
    assert "Salle « Salle de réunion » bloquée dans l'agenda." in tab.status.text()
    assert tab.model.row_at(0).room == "Salle de réunion"
    # Friday's room is taken by the council: refused, and the message says why.
    tab.view.selectRow(1)
    tab.room.setCurrentIndex(tab.room.findText("Salle de réunion"))
    tab.room_button.click()
    assert message_boxes and "déjà réservé de 14:00 à 16:00" in message_boxes[-1][2]
    assert tab.model.row_at(1).room == ""


def test_the_programme_is_written_from_the_tab(
    qtbot: QtBot, tab: ProgrammeTab, tmp_path: Path
) -> None:
    texts = [a.text() for a in tab.programme_menu.actions()]
    assert texts == [
        "Affiche &A4 (PDF)…",
        "Affiche A&3 (PDF)…",
        "&Agenda (.ics)…",
        "Page &web (HTML)…",
    ]
    assert tab.programme_button.text() == "Pro&gramme…"
    tab.write_programme(tmp_path / "programme", "html")
    qtbot.waitUntil(lambda: "Programme enregistré" in tab.status.text())
    page = (tmp_path / "programme.html").read_text("utf-8")
    assert "Tablette" in page and "Smartphone" in page
    tab.span.setCurrentIndex(1)  # the month
    assert "Programme de novembre 2026" in tab.title_label.text()
