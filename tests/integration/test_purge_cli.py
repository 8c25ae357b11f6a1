"""``tiers-lieu purge`` on a real SQLite file: the dry run lists and changes nothing, the purge
anonymises, a bad site name exits 2 with a French message."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlmodel import select

from tiers_lieu.__main__ import main
from tiers_lieu.app import build
from tiers_lieu.models import Person
from tiers_lieu.services.people import PersonInput


def cli(argv: Sequence[str]) -> int:
    """As the ``tiers-lieu`` command runs it."""
    return main(list(argv))


def names(db: Path) -> list[str]:
    app = build(str(db))
    try:
        with app.uow() as uow:
            return sorted(p.last_name for p in uow.session.exec(select(Person)).all())
    finally:
        app.close()


@pytest.fixture
def old_register(db_path: Path) -> Path:
    app = build(str(db_path))
    site = app.sites.init_site(name="Le Comptoir", commune_name="Felletin", insee_code="23079")
    for last, day in (("Ancien", date(2021, 5, 1)), ("Actif", date(2026, 2, 1))):
        person = app.people.create(site.id, PersonInput(first_name="Test", last_name=last))
        with app.uow() as uow:
            row = uow.session.get(Person, person.id)
            assert row is not None
            row.created_at = datetime(2020, 1, 1, tzinfo=UTC)
            row.last_activity_on = day
            uow.commit()
    app.close()
    return db_path


def test_dry_run_lists_then_purge_anonymises(
    old_register: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(old_register)
    assert cli(["--db", db, "purge", "--dry-run", "--today", "2026-03-15"]) == 0
    out = capsys.readouterr().out
    assert "essai, rien n'est modifié" in out
    assert "Test Ancien" in out and "Actif" not in out
    assert names(old_register) == ["Actif", "Ancien"]
    assert cli(["--db", db, "purge", "--today", "2026-03-15"]) == 0
    assert "purge faite" in capsys.readouterr().out
    assert names(old_register) == ["", "Actif"]
    assert cli(["--db", db, "purge", "--today", "2026-03-15"]) == 0
    assert "rien à purger" in capsys.readouterr().out


def test_unknown_site_exits_2_in_french(
    old_register: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(["--db", str(old_register), "purge", "--site", "Nulle part", "--dry-run"]) == 2
    assert capsys.readouterr().err.startswith("Erreur : ")
    assert names(old_register) == ["Actif", "Ancien"]
