"""``tiers-lieu bundle key|export|import`` on real SQLite files: a site's bundle merged into a
coordinator's base gives the same report CSV; a refused bundle exits 2 with a French
message and leaves the base untouched; an aggregates bundle leaves its indicators beside it."""

from __future__ import annotations

import argparse
import shutil
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pytest

from tiers_lieu.app import build
from tiers_lieu.cli_bundle import add_bundle_parser
from tiers_lieu.cli_report import add_report_parser
from tiers_lieu.models import Service, Visit


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


def test_export_then_import_gives_the_same_report(
    site_db: Path, coord_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = tmp_path / "cle.key"
    assert cli(["bundle", "key", "--key-file", str(key)]) == 0
    assert "Clé du réseau créée" in capsys.readouterr().out
    bundle = tmp_path / "grange.bundle"
    assert (
        cli(
            ["--db", str(site_db), "bundle", "export", "--out", str(bundle), "--key-file", str(key)]
        )
        == 0
    )
    assert "La Grange" in capsys.readouterr().out
    assert (
        cli(["--db", str(coord_db), "bundle", "import", str(bundle), "--key-file", str(key)]) == 0
    )
    assert "importé" in capsys.readouterr().out
    assert _report(coord_db, tmp_path / "b.csv") == _report(site_db, tmp_path / "a.csv")
    assert (
        cli(["--db", str(coord_db), "bundle", "import", str(bundle), "--key-file", str(key)]) == 0
    )
    assert "déjà été importé" in capsys.readouterr().out


def test_a_bundle_signed_with_another_key_is_refused(
    site_db: Path, coord_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ours, theirs = tmp_path / "a.key", tmp_path / "b.key"
    cli(["bundle", "key", "--key-file", str(ours)])
    cli(["bundle", "key", "--key-file", str(theirs)])
    bundle = tmp_path / "x.bundle"
    cli(["--db", str(site_db), "bundle", "export", "--out", str(bundle), "--key-file", str(ours)])
    capsys.readouterr()
    code = cli(["--db", str(coord_db), "bundle", "import", str(bundle), "--key-file", str(theirs)])
    assert code == 2
    assert "signature ne correspond pas" in capsys.readouterr().err
    app = build(str(coord_db))
    try:
        assert app.sites.list_sites() == []
    finally:
        app.close()


def test_missing_key_and_bad_date_exit_2_without_writing(
    site_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bundle = tmp_path / "x.bundle"
    code = cli(
        [
            "--db",
            str(site_db),
            "bundle",
            "export",
            "--out",
            str(bundle),
            "--key-file",
            str(tmp_path / "absent.key"),
        ]
    )
    assert code == 2 and "Clé du réseau introuvable" in capsys.readouterr().err
    key = tmp_path / "k.key"
    cli(["bundle", "key", "--key-file", str(key)])
    code = cli(
        [
            "--db",
            str(site_db),
            "bundle",
            "export",
            "--out",
            str(bundle),
            "--since",
            "2026-13-01",
            "--key-file",
            str(key),
        ]
    )
    assert code == 2 and "date invalide" in capsys.readouterr().err
    assert not bundle.exists()


def test_aggregates_bundle_brings_the_indicators_only(
    site_db: Path, coord_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = tmp_path / "k.key"
    cli(["bundle", "key", "--key-file", str(key)])
    bundle = tmp_path / "grange.bundle"
    assert (
        cli(
            [
                "--db",
                str(site_db),
                "bundle",
                "export",
                "--out",
                str(bundle),
                "--mode",
                "aggregates",
                "--key-file",
                str(key),
            ]
        )
        == 0
    )
    assert (
        cli(["--db", str(coord_db), "bundle", "import", str(bundle), "--key-file", str(key)]) == 0
    )
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
