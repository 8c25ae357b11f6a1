"""``tiers-lieu import bookings FILE.ics --resource NAME``: French summary and exit 0;
collisions listed on stderr, exit 2 and nothing saved; ``--skip-collisions`` and
``--dry-run``."""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from tiers_lieu.__main__ import main
from tiers_lieu.app import build
from tiers_lieu.cli_bookings import add_bookings_import, run_bookings_import
from tiers_lieu.models import Booking
from tiers_lieu.models.enums import ResourceKind

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
            site_id=site.id, name="Salle de réunion", kind=ResourceKind.MEETING_ROOM
        )
    finally:
        app.close()
    return path


def test_import_prints_a_french_summary(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert run("--db", str(db), "import", "bookings", SHARED, "--resource", "salle de réunion") == 0
    out = capsys.readouterr().out
    assert out.startswith("7 réservations créées dans « Salle de réunion ».")
    assert "ignoré : « Réunion annulée » : événement annulé" in out
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
            site_id=site.id,
            resource_id=room.id,
            start=datetime(2026, 3, 24, 10, tzinfo=paris),
            end=datetime(2026, 3, 24, 11, tzinfo=paris),
            organisation="Mairie",
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
