"""``tiers-lieu bundle key|trust|untrust|keys|export|import`` on real SQLite files: the place
gives its public key, the coordinator adds it once the fingerprint is compared; a site's
bundle merged into a coordinator's base gives the same report CSV; a refused bundle exits 2
with a French message and leaves the base untouched; an aggregates bundle leaves its
indicators beside it; the old shared key (``--key-file``) is refused saying what replaces
it."""

from __future__ import annotations

import argparse
import re
import shutil
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pytest
from otherkeys import write_new_key
from sqlalchemy import func, select

from tiers_lieu.app import build
from tiers_lieu.cli.bundle import add_bundle_parser
from tiers_lieu.cli.report import add_report_parser
from tiers_lieu.models import AuditEntry, BundleImport, PlaceKey, Service, Visit


def cli(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="tiers-lieu")
    parser.add_argument("--db")
    sub = parser.add_subparsers(dest="command")
    add_bundle_parser(sub)
    add_report_parser(sub)
    args = parser.parse_args(list(argv))
    return int(args.run(args))


@pytest.fixture
def site_db(db_path: Path) -> Path:
    app = build(str(db_path))
    try:
        site = app.sites.init_site(name="La Grange")
        with app.uow() as uow:
            service = Service(site_id=site.id, name="Accueil", kind="welcome")
            uow.session.add(service)
            uow.session.flush()
            for day, count in [(date(2026, 3, 2), 3), (date(2026, 3, 9), 5)]:
                uow.session.add(
                    Visit(site_id=site.id, service_id=service.id, activity_date=day, count=count)
                )
            uow.commit()
    finally:
        app.close()
    return db_path


@pytest.fixture
def coord_db(template_db: Path, tmp_path: Path) -> Path:
    target = tmp_path / "coordination.sqlite"
    shutil.copyfile(template_db, target)
    return target


def _report(db: Path, out: Path) -> str:
    code = cli(
        [
            "--db",
            str(db),
            "report",
            "--from",
            "2026-01-01",
            "--to",
            "2026-12-31",
            "--site",
            "La Grange",
            "--format",
            "csv",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    return out.read_text(encoding="utf-8")


def _fingerprint(text: str) -> str:
    found = re.search(r"empreinte : ([0-9A-F]{4}(?: [0-9A-F]{4}){5})", text)
    assert found, text
    return found.group(1)


def _trusted_setup(
    site_db: Path, coord_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> Path:
    """The place writes its public key; the coordinator adds it with the fingerprint read
    out by phone. Returns the public key file."""
    public = tmp_path / "grange.cle-publique.txt"
    assert cli(["--db", str(site_db), "bundle", "key", "--out", str(public)]) == 0
    said = capsys.readouterr().out
    spoken = _fingerprint(said)
    assert "Clé publique écrite dans" in said
    assert (
        cli(["--db", str(coord_db), "bundle", "trust", str(public), "--fingerprint", spoken]) == 0
    )
    assert "Clé ajoutée" in capsys.readouterr().out
    return public


def _count(db: Path, table: type) -> int:
    app = build(str(db))
    try:
        with app.uow() as uow:
            return int(uow.session.execute(select(func.count()).select_from(table)).scalar_one())
    finally:
        app.close()


def test_export_then_import_gives_the_same_report(
    site_db: Path, coord_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _trusted_setup(site_db, coord_db, tmp_path, capsys)
    bundle = tmp_path / "grange.bundle"
    assert cli(["--db", str(site_db), "bundle", "export", "--out", str(bundle)]) == 0
    assert "La Grange" in capsys.readouterr().out
    assert cli(["--db", str(coord_db), "bundle", "import", str(bundle)]) == 0
    assert "importé" in capsys.readouterr().out
    assert _report(coord_db, tmp_path / "b.csv") == _report(site_db, tmp_path / "a.csv")
    assert cli(["--db", str(coord_db), "bundle", "import", str(bundle)]) == 0
    assert "déjà été importé" in capsys.readouterr().out
    assert cli(["--db", str(coord_db), "bundle", "keys"]) == 0
    assert "La Grange" in capsys.readouterr().out


def test_the_key_is_added_only_with_the_right_fingerprint(
    site_db: Path, coord_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    public = tmp_path / "grange.cle-publique.txt"
    cli(["--db", str(site_db), "bundle", "key", "--out", str(public)])
    spoken = _fingerprint(capsys.readouterr().out)
    # Without the fingerprint: shown, nothing added.
    assert cli(["--db", str(coord_db), "bundle", "trust", str(public)]) == 2
    out, err = capsys.readouterr()
    assert spoken in out and "La Grange" in out
    assert "rien n'a été ajouté" in err and "--fingerprint" in err
    # A wrong one: refused.
    wrong = "0000 " + spoken[5:]
    assert cli(["--db", str(coord_db), "bundle", "trust", str(public), "--fingerprint", wrong]) == 2
    assert "ne correspond pas à celle de la clé" in capsys.readouterr().err
    assert _count(coord_db, PlaceKey) == 0
    # Typed without spaces, in lower case: accepted.
    typed = spoken.replace(" ", "").lower()
    assert cli(["--db", str(coord_db), "bundle", "trust", str(public), "--fingerprint", typed]) == 0
    assert _count(coord_db, PlaceKey) == 1
    assert cli(["--db", str(coord_db), "bundle", "trust", str(public), "--fingerprint", typed]) == 0
    assert "déjà enregistrée" in capsys.readouterr().out


def test_replacing_a_place_key_must_be_asked_and_is_audited(
    site_db: Path, coord_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    public = _trusted_setup(site_db, coord_db, tmp_path, capsys)
    # The place's key changes (a new computer, say): the same place, another key.
    other = tmp_path / "autre.cle-publique.txt"
    from tiers_lieu.services.bundles.placekeys import read_public_file

    first = read_public_file(public)
    new_print = write_new_key(first, other)
    args = ["--db", str(coord_db), "bundle", "trust", str(other), "--fingerprint", new_print]
    assert cli(args) == 2
    err = capsys.readouterr().err
    assert "Une autre clé est déjà enregistrée pour « La Grange »" in err
    assert first.fingerprint in err and new_print in err
    assert cli([*args, "--replace"]) == 0
    assert "Clé remplacée" in capsys.readouterr().out
    app = build(str(coord_db))
    try:
        with app.uow() as uow:
            lines = uow.session.execute(
                select(AuditEntry.action, AuditEntry.details).where(  # type: ignore[call-overload]
                    AuditEntry.entity == "place_key"
                )
            ).all()
    finally:
        app.close()
    assert sorted(action for action, _details in lines) == ["create", "update"]
    assert any(new_print in details and first.fingerprint in details for _a, details in lines)
    # Removing it: the place's bundles are refused from then on.
    assert cli(["--db", str(coord_db), "bundle", "untrust", "La Grange"]) == 0
    assert "retirée" in capsys.readouterr().out
    bundle = tmp_path / "grange.bundle"
    cli(["--db", str(site_db), "bundle", "export", "--out", str(bundle)])
    capsys.readouterr()
    assert cli(["--db", str(coord_db), "bundle", "import", str(bundle)]) == 2
    assert "dont la clé n'est pas enregistrée" in capsys.readouterr().err
    assert _count(coord_db, BundleImport) == 0


def test_a_bundle_of_an_unknown_place_is_refused(
    site_db: Path, coord_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bundle = tmp_path / "x.bundle"
    cli(["--db", str(site_db), "bundle", "export", "--out", str(bundle)])
    capsys.readouterr()
    code = cli(["--db", str(coord_db), "bundle", "import", str(bundle)])
    assert code == 2
    err = capsys.readouterr().err
    assert "Erreur : Ce paquet est signé par le lieu" in err
    assert "Ajoutez d'abord la clé publique de ce lieu" in err
    app = build(str(coord_db))
    try:
        assert app.sites.list_sites() == []
    finally:
        app.close()


def test_the_old_network_key_is_refused_saying_what_replaces_it(
    site_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = tmp_path / "cle-reseau.key"
    old.write_text("ab" * 32 + "\n", encoding="ascii")
    bundle = tmp_path / "x.bundle"
    for argv in (
        ["bundle", "key", "--key-file", str(old)],
        ["bundle", "export", "--out", str(bundle), "--key-file", str(old)],
        ["bundle", "import", str(bundle), "--key-file", str(old)],
    ):
        assert cli(["--db", str(site_db), *argv]) == 2
        err = capsys.readouterr().err
        assert "la clé commune du réseau (cle-reseau.key) n'est plus utilisée" in err
        assert "tiers-lieu bundle key --out FICHIER" in err
    assert not bundle.exists()


def test_bad_date_exits_2_without_writing(
    site_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bundle = tmp_path / "x.bundle"
    code = cli(
        ["--db", str(site_db), "bundle", "export", "--out", str(bundle), "--since", "2026-13-01"]
    )
    assert code == 2 and "date invalide" in capsys.readouterr().err
    assert not bundle.exists()


def test_aggregates_bundle_brings_the_indicators_only(
    site_db: Path, coord_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _trusted_setup(site_db, coord_db, tmp_path, capsys)
    bundle = tmp_path / "grange.bundle"
    argv = ["--db", str(site_db), "bundle", "export", "--out", str(bundle), "--mode", "aggregates"]
    assert cli(argv) == 0
    assert cli(["--db", str(coord_db), "bundle", "import", str(bundle)]) == 0
    assert "Indicateurs" in capsys.readouterr().out
    indicators = bundle.with_suffix(".indicateurs.csv").read_text(encoding="utf-8")
    assert indicators.startswith("code;libelle;dimension;valeur")
    totals = [line for line in indicators.splitlines() if line.startswith("visits.total;")]
    assert totals and totals[0].endswith(";8"), totals
    app = build(str(coord_db))
    try:
        assert app.sites.list_sites() == []
    finally:
        app.close()
