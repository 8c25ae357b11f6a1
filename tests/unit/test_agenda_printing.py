"""The agenda on paper: the door sheet names no one who booked as a person; the
practitioner's list names the people booked, and nothing else."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest
from pdftext import pdf_text
from test_agenda_support import Place, make_place, paris

from tiers_lieu.app import Comptoir
from tiers_lieu.reports.documents.agenda_sheet import write_agenda_sheet
from tiers_lieu.services.agenda.inputs import BookingRequest
from tiers_lieu.services.agenda.permanences import PermanenceInput
from tiers_lieu.services.people import PersonInput
from tiers_lieu.services.readmodels import SiteInfo

DAY = date(2026, 3, 10)


@pytest.fixture
def place(app: Comptoir, site: SiteInfo) -> Place:
    place = make_place(app, site)
    who = app.agenda.practitioners.create(
        site_id=site.id, name="Sophie Lavaud", profession="Infirmière"
    )
    perm = app.agenda.permanences.create(
        site.id,
        PermanenceInput(
            practitioner_id=who.id,
            resource_id=place.health.id,
            weekday=1,
            start_time=time(9),
            end_time=time(12),
            start_date=date(2026, 3, 3),
        ),
    )
    lea = app.people.create(site.id, PersonInput(first_name="Léa", last_name="Martin"))
    app.agenda.permanences.book_slot(perm.id, paris(2026, 3, 10, 9, 20), person_id=lea.id)
    app.agenda.bookings.create(
        site.id,
        BookingRequest(
            resource_id=place.room.id,
            start=paris(2026, 3, 10, 14),
            end=paris(2026, 3, 10, 16),
            title="Conseil d'administration",
        ),
    )
    app.agenda.bookings.create(
        site.id,
        BookingRequest(
            resource_id=place.open_space.id,
            start=paris(2026, 3, 10, 9),
            end=paris(2026, 3, 10, 18),
            person_id=lea.id,
        ),
    )
    return place


def test_door_sheet_shows_the_day_without_names(
    app: Comptoir, place: Place, tmp_path: Path
) -> None:
    sheet = app.agenda.printing.day_sheet(site_id=place.site.id, day=DAY)
    target = write_agenda_sheet(sheet, tmp_path / "porte.pdf")
    text = pdf_text(target)
    assert "Agenda du mardi 10 mars 2026" in text
    assert "Conseil d'administration" in text and "14:00 – 16:00" in text
    assert "Permanence : Sophie Lavaud" in text and "09:00 – 12:00" in text
    assert "Réservé (1 pl.)" in text
    assert "Martin" not in text


def test_practitioner_list_names_the_people_booked(
    app: Comptoir, place: Place, tmp_path: Path
) -> None:
    who = app.agenda.practitioners.list(place.site.id)[0]
    sheet = app.agenda.printing.practitioner_day(practitioner_id=who.id, day=DAY)
    target = write_agenda_sheet(sheet, tmp_path / "liste.pdf")
    text = pdf_text(target)
    assert "Sophie Lavaud — mardi 10 mars 2026" in text
    assert "1 rendez-vous sur 9 créneaux" in text
    assert "09:20 – 09:40" in text and "Léa Martin" in text
    assert text.count("libre") == 8
