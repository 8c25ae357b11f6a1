"""« Agenda › Rappels »: the next opening day's call list, numbers only for people who
consented, each person ticked with one digit key and the next one chosen, « annulé » offering
to cancel the booking."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from placetime import place_today
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot
from sqlmodel import select

from tiers_lieu.app import Comptoir
from tiers_lieu.models import Booking
from tiers_lieu.models.enums import BookingStatus, ResourceKind
from tiers_lieu.services.agenda.inputs import BookingRequest
from tiers_lieu.services.agenda.resources import ResourceFields
from tiers_lieu.services.events import EventFields
from tiers_lieu.services.people import PersonInput
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui import tab_keys
from tiers_lieu.ui.agenda import AgendaSection


@pytest.fixture
def section(qtbot: QtBot, app: Comptoir, site: SiteInfo) -> AgendaSection:
    health = app.agenda.resources.create(
        site.id, ResourceFields(name="Cabinet de santé", kind=ResourceKind.HEALTH_ROOM)
    )
    day = app.reminders.next_day(site.id, place_today())
    for hour, first, consent in ((9, "Lea", True), (10, "Paul", False)):
        who = app.people.create(
            site.id,
            PersonInput(first_name=first, last_name="Martin", phone="06 12", consent=consent),
        )
        start = datetime.combine(day, datetime.min.time().replace(hour=hour), tzinfo=site.zone)
        app.agenda.bookings.create(
            site.id,
            BookingRequest(
                resource_id=health.id,
                start=start,
                end=start + timedelta(minutes=30),
                person_id=who.id,
            ),
        )
    widget = AgendaSection(app, site)
    qtbot.addWidget(widget)
    widget.resize(1024, 600)
    with qtbot.waitExposed(widget):
        widget.show()
    widget.tabs.setCurrentWidget(widget.reminders)
    return widget


def test_the_list_of_the_next_opening_day(section: AgendaSection) -> None:
    tab = section.reminders
    model = tab.model
    cells = [[model.data(model.index(r, c), 0) for c in range(5)] for r in range(2)]
    assert cells == [
        ["09:00", "Lea Martin", "Cabinet de santé", "06 12", "☐"],
        ["10:00", "Paul Martin", "Cabinet de santé", "pas de consentement", "☐"],
    ]
    assert "2 personnes à appeler" in tab.summary.text()
    assert section.tabs.tabText(section.tabs.currentIndex()) == "Rappels"


def test_digit_keys_tick_and_move_on(
    qtbot: QtBot, section: AgendaSection, app: Comptoir, monkeypatch: pytest.MonkeyPatch
) -> None:
    tab = section.reminders
    qtbot.keyClick(section, Qt.Key.Key_J, Qt.KeyboardModifier.AltModifier)
    focused = QApplication.focusWidget()
    assert focused is not None and (focused is tab.day or tab.day.isAncestorOf(focused))
    tab_keys.focus_page(tab)  # what Ctrl+Maj+Tab from « Agenda » does
    assert tab.view.hasFocus()
    tab.view.selectRow(0)
    qtbot.keyClick(tab.view, Qt.Key.Key_2)  # messagerie
    assert tab.model.data(tab.model.index(0, 4), 0) == "messagerie"
    assert tab.view.currentIndex().row() == 1
    asked: list[str] = []

    def answer(
        _parent: object, _title: str, text: str, *_args: object
    ) -> QMessageBox.StandardButton:
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    qtbot.keyClick(tab.view, Qt.Key.Key_4)  # annulé → cancel the booking too
    assert asked == ["Annuler aussi le rendez-vous de Paul Martin ?"]
    assert tab.calls is not None
    lines = app.reminders.call_list(section.reminders._site.id, tab.calls.day).lines
    assert [line.name for line in lines] == ["Lea Martin"]  # cancelled: no longer to call
    assert [line.outcome for line in lines] == ["voicemail"]
    assert "1 personne à appeler" in tab.summary.text()
    with app.uow() as uow:
        statuses = sorted(b.status for b in uow.session.exec(select(Booking)))
    assert statuses == [BookingStatus.CANCELLED, BookingStatus.CONFIRMED]


def test_a_registration_cancelled_from_the_call_list_gives_its_place_to_the_first_waiting(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The call list cancels a workshop registration the programme's way: the first person
    waiting takes the place, the status line names her, and she is now on the list to call."""
    day = app.reminders.next_day(site.id, place_today())
    event = app.events.create(
        site.id,
        EventFields(title="Atelier mails", event_date=day, start_time=time(14, 0), capacity=1),
    )
    lea, ines = (
        app.people.create(
            site.id,
            PersonInput(first_name=first, last_name="Martin", phone="06 12", consent=True),
        ).id
        for first in ("Lea", "Ines")
    )
    app.programme.register(event.id, lea)
    assert app.programme.register(event.id, ines).waiting
    widget = AgendaSection(app, site)
    qtbot.addWidget(widget)
    widget.resize(1024, 600)
    with qtbot.waitExposed(widget):
        widget.show()
    widget.tabs.setCurrentWidget(widget.reminders)
    tab = widget.reminders
    assert [line.name for line in tab.model.lines] == ["Lea Martin"]  # the waiting list: no call
    monkeypatch.setattr(QMessageBox, "question", lambda *_a: QMessageBox.StandardButton.Yes)
    tab.view.setFocus()
    tab.view.selectRow(0)
    qtbot.keyClick(tab.view, Qt.Key.Key_4)  # annulé → cancel the registration too
    assert "Ines Martin" in tab.status.text()
    places = app.programme.places(event.id)
    assert [(r.name, r.waiting) for r in places.registrations] == [("Ines Martin", False)]
    assert [line.name for line in tab.model.lines] == ["Ines Martin"]
