"""``tiers-lieu bookings export-ics`` and ``tiers-lieu bookings fermeture`` (issue 16): the
agenda's .ics from the command line, and a closure that prints the people to call."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tiers_lieu.__main__ import main
from tiers_lieu.app import Comptoir
from tiers_lieu.models.enums import ResourceKind
from tiers_lieu.services.agenda.inputs import BookingRequest
from tiers_lieu.services.agenda.resources import ResourceFields
from tiers_lieu.services.people import PersonInput
from tiers_lieu.services.readmodels import SiteInfo

PARIS = ZoneInfo("Europe/Paris")


def paris(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=PARIS)


@pytest.fixture
def room(app: Comptoir, site: SiteInfo):  # type: ignore[no-untyped-def]
    for weekday in range(5):
        app.config.set_opening_hours(site.id, weekday, [(time(9), time(18))])
    room = app.agenda.resources.create(
        site.id, ResourceFields(name="Salle de réunion", kind=ResourceKind.MEETING_ROOM)
    )
    lea = app.people.create(
        site.id, PersonInput(first_name="Léa", last_name="Martin", phone="06 12 34 56 78")
    )
    for day in (6, 7):
        app.agenda.bookings.create(
            site.id,
            BookingRequest(
                resource_id=room.id,
                start=paris(2030, 8, day, 10),
                end=paris(2030, 8, day, 11),
                person_id=lea.id,
            ),
        )
    return room


def test_export_ics_writes_the_resource_bookings(
    room, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "salle.ics"
    code = main(
        [
            "--db",
            str(db_path),
            "bookings",
            "export-ics",
            "--resource",
            "salle de réunion",
            "--out",
            str(out),
            "--du",
            "2030-08-07",
        ]
    )
    assert code == 0
    text = out.read_text(encoding="utf-8")
    assert text.count("BEGIN:VEVENT") == 1 and "Léa Martin" in text
    assert "1 réservation de « Salle de réunion » écrite" in capsys.readouterr().out


def test_export_ics_bad_input_names_the_field(
    room, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "x.ics"
    base = ["--db", str(db_path), "bookings", "export-ics", "--out", str(out)]
    assert main([*base, "--resource", "Salle de réunion", "--du", "07/08/2030"]) == 2
    assert "--du : date invalide « 07/08/2030 »" in capsys.readouterr().err
    assert main([*base, "--practitioner", "Personne"]) == 2
    assert "Aucun praticien ne s'appelle « Personne »" in capsys.readouterr().err
    assert not out.exists()


def test_a_closure_from_the_command_line_prints_the_people_to_call(
    room, app: Comptoir, site: SiteInfo, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:  # type: ignore[no-untyped-def]
    code = main(
        [
            "--db",
            str(db_path),
            "bookings",
            "fermeture",
            "--du",
            "2030-08-07",
            "--au",
            "2030-08-09",
            "--motif",
            "Travaux",
        ]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert "1 réservation reste à déplacer ou annuler" in out
    assert (
        "mercredi 7 août 2030, 10:00–11:00 · Salle de réunion · Léa Martin · 06 12 34 56 78" in out
    )
    assert "6 août" not in out
    assert [c.reason for c in app.config.list_closures(site.id)] == ["Travaux"]
    assert app.agenda.availability.closed_reason(site.id, date(2030, 8, 8))
