"""The « Aujourd'hui » panel of the Accueil: what it says about the day's bookings."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time

from pytestqt.qtbot import QtBot

from tiers_lieu.services.today import BookingDue, TodaySummary
from tiers_lieu.ui.accueil.glance import TodayPanel

DAY = date(2026, 3, 10)


def panel(qtbot: QtBot) -> TodayPanel:
    widget = TodayPanel()
    qtbot.addWidget(widget)
    return widget


def test_a_day_whose_bookings_all_arrived_says_so(qtbot: QtBot) -> None:
    widget = panel(qtbot)
    widget.show_agenda(TodaySummary(day=DAY, bookings_arrived=2), datetime(2026, 3, 10, 15))
    assert widget.bookings_title.text() == "2 réservations arrivées, plus aucune attendue"


def test_a_day_without_bookings(qtbot: QtBot) -> None:
    widget = panel(qtbot)
    widget.show_agenda(TodaySummary(day=DAY), datetime(2026, 3, 10, 15))
    assert widget.bookings_title.text() == "Aucune réservation aujourd'hui"


def test_the_bookings_expected_are_listed(qtbot: QtBot) -> None:
    widget = panel(qtbot)
    due = BookingDue(uuid.uuid4(), time(16), time(17), "Salle de réunion", "Mme Martin")
    summary = TodaySummary(day=DAY, bookings_today=(due,), bookings_arrived=1)
    widget.show_agenda(summary, datetime(2026, 3, 10, 15))
    assert widget.bookings_title.text() == "2 réservations aujourd'hui"
    assert "Salle de réunion" in widget.bookings_label.text()
