"""``tiers-lieu import bookings FILE.ics --resource NAME``: French summary and exit 0;
collisions listed on stderr, exit 2 and nothing saved; ``--skip-collisions``,
``--hors-horaires`` and ``--dry-run``; broken and hostile files refused in French (exit 2)
in seconds."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from tiers_lieu.__main__ import main
from tiers_lieu.app import build
from tiers_lieu.cli.bookings import add_bookings_import, run_bookings_import
from tiers_lieu.models import Booking
from tiers_lieu.models.enums import ResourceKind
from tiers_lieu.services.agenda import ics_read

sys.path.insert(0, str(Path(__file__).parent.parent / "unit"))
from ics_hostile import calendar, write_hostile_ics

from tiers_lieu.services.agenda.inputs import BookingRequest
from tiers_lieu.services.agenda.resources import ResourceFields

SHARED = str(Path(__file__).parent.parent / "data" / "agenda" / "shared_calendar.ics")


def run(*argv: str) -> int:
    """The command as ``tiers-lieu`` dispatches it (``--db`` before ``import``)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--db")
    sub = parser.add_subparsers(dest="command")
    kinds = sub.add_parser("import").add_subparsers(dest="import_kind")
    add_bookings_import(kinds)
    return run_bookings_import(parser.parse_args(list(argv)))


def count(db: Path) -> int:
    app = build(str(db))
    try:
        with app.uow() as uow:
            return int(uow.session.execute(select(func.count()).select_from(Booking)).scalar_one())
    finally:
        app.close()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "base.sqlite"
    assert main(["--db", str(path), "init", "--site", "Le Comptoir", "--commune", "Felletin"]) == 0
    app = build(str(path))
    try:
        site = app.sites.resolve(None)
        app.agenda.resources.create(
            site.id, ResourceFields(name="Salle de réunion", kind=ResourceKind.MEETING_ROOM)
        )
    finally:
        app.close()
    return path


def test_import_prints_a_french_summary(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert run("--db", str(db), "import", "bookings", SHARED, "--resource", "salle de réunion") == 0
    out = capsys.readouterr().out
    assert out.startswith("7 réservations créées dans « Salle de réunion ».")
    assert "ignoré : « Réunion annulée » (ligne 47) : événement annulé" in out
    assert count(db) == 7
    assert run("--db", str(db), "import", "bookings", SHARED, "--resource", "Salle de réunion") == 0
    assert "7 événements déjà importés" in capsys.readouterr().out
    assert count(db) == 7


def test_collisions_are_listed_and_nothing_saved(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    app = build(str(db))
    try:
        site = app.sites.resolve(None)
        room = app.agenda.resources.find(site.id, "Salle de réunion")
        paris = ZoneInfo("Europe/Paris")
        app.agenda.bookings.create(
            site.id,
            BookingRequest(
                resource_id=room.id,
                start=datetime(2026, 3, 24, 10, tzinfo=paris),
                end=datetime(2026, 3, 24, 11, tzinfo=paris),
                organisation="Mairie",
            ),
        )
    finally:
        app.close()
    capsys.readouterr()
    argv = ["--db", str(db), "import", "bookings", SHARED, "--resource", "Salle de réunion"]
    assert run(*argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("Erreur : Import refusé, rien n'a été enregistré")
    assert "« Atelier numérique » : « Salle de réunion » est déjà réservé de 10:00 à 11:00." in err
    assert count(db) == 1
    assert run(*argv, "--skip-collisions", "--dry-run") == 0
    assert capsys.readouterr().out.startswith("Essai : 6 réservations seraient créées")
    assert count(db) == 1
    assert run(*argv, "--skip-collisions") == 0
    out = capsys.readouterr().out
    assert "1 événement en conflit laissé de côté :" in out and "Atelier numérique" in out
    assert count(db) == 7


def test_unknown_resource_and_missing_file(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert run("--db", str(db), "import", "bookings", SHARED, "--resource", "Grange") == 2
    assert "Aucune ressource ne s'appelle « Grange »" in capsys.readouterr().err
    assert run("--db", str(db), "import", "bookings", "absent.ics", "--resource", "Grange") == 2
    assert "Impossible de lire absent.ics" in capsys.readouterr().err


def test_help_names_the_outside_hours_option(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        run("import", "bookings", "--help")
    out = " ".join(capsys.readouterr().out.split())
    assert "--hors-horaires" in out and "en dehors des horaires d'ouverture" in out


def test_own_export_moves_to_an_empty_resource_with_outside_hours(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The desk's own export, evening meetings included, into an emptied resource."""
    paris = ZoneInfo("Europe/Paris")
    app = build(str(db))
    try:
        site = app.sites.resolve(None)
        room = app.agenda.resources.find(site.id, "Salle de réunion")
        with app.uow() as uow:
            for day in (10, 12):
                uow.session.add(
                    Booking(
                        site_id=site.id,
                        resource_id=room.id,
                        start_at=datetime(2026, 3, day, 18, tzinfo=paris).astimezone(UTC),
                        end_at=datetime(2026, 3, day, 20, tzinfo=paris).astimezone(UTC),
                        title="Conseil du soir",
                    )
                )
            uow.commit()
        app.agenda.resources.create(
            site.id, ResourceFields(name="Nouvelle salle", kind=ResourceKind.MEETING_ROOM)
        )
        exported = tmp_path / "salle.ics"
        exported.write_bytes(app.agenda.ical.export_resource(room.id))
    finally:
        app.close()
    capsys.readouterr()
    argv = ["--db", str(db), "import", "bookings", str(exported), "--resource", "Nouvelle salle"]
    assert run(*argv) == 2
    err = capsys.readouterr().err
    assert "« Conseil du soir » : Le lieu est ouvert le mardi 10 mars 2026 de 09:00–12:30" in err
    assert "relancez avec --hors-horaires" in err
    assert count(db) == 2
    assert run(*argv, "--hors-horaires") == 0
    out = capsys.readouterr().out
    assert out.startswith("2 réservations créées dans « Nouvelle salle ».")
    assert "Dont 2 en dehors des horaires d'ouverture, comme demandé." in out
    assert count(db) == 4


@pytest.mark.parametrize(
    ("what", "said"),
    [
        ("year 0001", "« An un » (ligne 4) : DTSTART en l'an 1 : les dates vont de 1900 à 2100"),
        ("minutely", "se répète plus de 2\u202f000 fois entre son début et le"),
        ("too big", "le fichier dépasse 10 Mo, la limite d'un calendrier importé"),
    ],
)
def test_broken_and_hostile_files_are_refused_in_french(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], what: str, said: str
) -> None:
    path = tmp_path / "agenda.ics"
    if what == "minutely":
        write_hostile_ics(path)
    elif what == "year 0001":
        path.write_bytes(
            calendar("UID:an1\r\nSUMMARY:An un\r\nDTSTART:00010101T090000\r\nDURATION:PT1H\r\n")
        )
    else:
        path.write_bytes(b" " * (ics_read.MAX_ICS_BYTES + 1))
    capsys.readouterr()
    argv = ["--db", str(db), "import", "bookings", str(path), "--resource", "Salle de réunion"]
    assert run(*argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("Erreur : ") and said in err
    assert count(db) == 0
