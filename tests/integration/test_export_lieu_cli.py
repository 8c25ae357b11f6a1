"""``tiers-lieu export lieu``: the national listing of digital-inclusion places from the command
line — the demo place's card as the schema's CSV, read back with ``csv``; a place whose card is
not complete, or a format the schema has not, refused in French with exit code 2 and nothing
written."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest

from tiers_lieu.__main__ import main
from tiers_lieu.app import build
from tiers_lieu.services.public_card import SCHEMA_FIELDS, PublicCard


@pytest.fixture
def demo_base(tmp_path: Path) -> Path:
    db = tmp_path / "demo.sqlite"
    with build(str(db)) as app:
        app.demo.generate(scale="small", seed=2, today=date(2026, 6, 15))
    return db


def test_the_listing_of_the_demo_place(
    demo_base: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "lieux.csv"
    code = main(["export", "lieu", "--db", str(demo_base), "--out", str(out)])
    printed = capsys.readouterr()
    assert code == 0, printed.err
    assert printed.out.strip() == (
        f"1 lieu écrit au standard des lieux de médiation numérique dans {out}."
    )
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8"), newline="")))
    assert rows[0] == list(SCHEMA_FIELDS)
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    with build(str(demo_base)) as app:
        [entry] = app.config.national_listing().entries
        [site] = app.sites.list_sites()
        card = app.config.public_card(site.id)
    assert row == dict(zip(SCHEMA_FIELDS, entry.values(), strict=True))
    assert row["nom"] == site.name and row["pivot"] == card.pivot
    assert row["services"] == "|".join(card.services)
    # The same with the place named, and --from/--to are not needed.
    again = tmp_path / "fiche.csv"
    argv = ["export", "lieu", "--site", site.name, "--db", str(demo_base), "--out", str(again)]
    assert main(argv) == 0
    assert again.read_bytes() == out.read_bytes()


def test_an_incomplete_card_or_another_format_is_refused(
    demo_base: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with build(str(demo_base)) as app:
        [site] = app.sites.list_sites()
        app.config.save_public_card(site.id, PublicCard(telephone="05 55 66 77 88"))
    out = tmp_path / "lieux.csv"
    code = main(["export", "lieu", "--site", site.name, "--db", str(demo_base), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.strip() == (
        f"Erreur : Fiche publique de « {site.name} » : SIRET ou RNA : ce champ est "
        "obligatoire. Rien n'a été écrit."
    )
    assert not out.exists() and list(tmp_path.glob("lieux.csv*")) == []
    # Every place: none is complete.
    assert main(["export", "lieu", "--db", str(demo_base), "--out", str(out)]) == 2
    assert "Aucun lieu n'a de fiche publique complète" in capsys.readouterr().err
    assert not out.exists()
    code = main(["export", "lieu", "--format", "xlsx", "--db", str(demo_base), "--out", str(out)])
    assert code == 2
    assert "--format : « xlsx » n'est pas possible pour cet export (choix : csv)" in (
        capsys.readouterr().err
    )
    assert not out.exists()
