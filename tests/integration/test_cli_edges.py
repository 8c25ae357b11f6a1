"""Edges of the command line found by trying it as an attacker would (docs/NOTES.md, « Left
from the attacker's pass »): a command other than ``init``/``demo`` made a missing base (and
its folders) rather than saying it was missing; ``init`` (or ``demo``) refused for a bad
value left the migrated base it had made; ``backup --out`` and ``caisse archiver
--dossier`` made a missing folder (``report`` refuses it); ``caisse`` errors lacked
« Erreur : »; ``export --help`` printed argparse's « options: » without the French space.
(``demo``'s « 1,1 s » is checked in test_cli_options.py, whose test runs it already.)"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path

import pytest

from tiers_lieu.__main__ import main
from tiers_lieu.app import Comptoir
from tiers_lieu.cli.commands import build_parser
from tiers_lieu.services.readmodels import SiteInfo

PERIOD = ["--from", "2026-01-01", "--to", "2026-01-31"]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err


@pytest.mark.parametrize(
    "command",
    [
        ["audit", "verifier"],
        ["report", *PERIOD, "--format", "csv", "--out", "{tmp}/r.csv"],
        ["export", "observatoire", *PERIOD, "--out", "{tmp}/o.csv"],
        ["backup", "--out", "{tmp}/copie.sqlite"],
        ["bundle", "keys"],
        ["bundle", "export", "--out", "{tmp}/lieu.bundle"],
        ["caisse", "verifier"],
        ["caisse", "archiver", "--mois", "2026-10"],
        ["purge", "--dry-run"],
        ["encrypt"],
        ["bookings", "export-ics", "--resource", "Salle", "--out", "{tmp}/a.ics"],
        ["import", "visits", "{tmp}/membres.csv"],
    ],
    ids=lambda command: "-".join(part for part in command[:2] if not part.startswith("-")),
)
def test_a_command_refuses_a_missing_base_and_makes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: list[str]
) -> None:
    (tmp_path / "membres.csv").write_text("nom;prenom\n", encoding="utf-8")
    base = tmp_path / "nulle" / "part" / "x.sqlite"
    argv = [part.format(tmp=tmp_path) for part in command]
    code, err = run(capsys, "--db", str(base), *argv)
    assert code == 2, err
    assert err.startswith(f"Erreur : la base « {base} » n'existe pas"), err
    assert "tiers-lieu init" in err and "tiers-lieu demo" in err
    assert not (tmp_path / "nulle").exists()


def test_a_missing_base_in_an_existing_folder_or_by_environment_is_not_made(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = tmp_path / "x.sqlite"
    code, err = run(capsys, "--db", str(base), "audit", "verifier")
    assert (code, "n'existe pas" in err) == (2, True), err
    monkeypatch.setenv("TIERS_LIEU_DB", str(base))
    code, err = run(capsys, "bundle", "keys")
    assert (code, "n'existe pas" in err) == (2, True), err
    assert sorted(tmp_path.iterdir()) == []


def test_an_archive_is_still_checked_without_a_base(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """``caisse verifier ARCHIVE`` needs no base (an accountant's computer): it says what is
    wrong with the archive, not with the base, and makes none."""
    base = tmp_path / "nulle" / "x.sqlite"
    code, err = run(capsys, "--db", str(base), "caisse", "verifier", str(tmp_path / "a.zip"))
    assert code == 2
    assert "a.zip" in err and "la base" not in err, err
    assert not (tmp_path / "nulle").exists()


def side_files(base: Path) -> list[Path]:
    return [base.with_name(base.name + end) for end in ("", "-wal", "-shm", "-journal")]


@pytest.mark.parametrize(
    ("command", "said"),
    [
        (["init", "--site", "   "], "Nom du lieu"),
        (["init", "--site", "x" * 300], "Nom du lieu"),
        (["init", "--site", "Le Lieu", "--insee", "abc"], "Code INSEE"),
        (["demo", "--site", "   "], "Nom du lieu"),
    ],
    ids=["blank-name", "long-name", "bad-insee", "demo-blank-name"],
)
def test_init_or_demo_refused_leaves_no_base_behind(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: list[str], said: str
) -> None:
    base = tmp_path / "nouveau" / "lieu.sqlite"
    code, err = run(capsys, "--db", str(base), *command)
    assert (code, err.startswith("Erreur : "), said in err) == (2, True, True), err
    assert not any(path.exists() for path in side_files(base))
    assert not (tmp_path / "nouveau").exists()


def test_init_refused_on_an_existing_base_keeps_it(
    capsys: pytest.CaptureFixture[str], db_path: Path
) -> None:
    code, err = run(capsys, "--db", str(db_path), "init", "--site", "   ")
    assert code == 2, err
    assert db_path.is_file()
    code, err = run(capsys, "--db", str(db_path), "init", "--site", "Le Lieu")
    assert code == 0, err


def test_backup_refuses_a_missing_folder(
    capsys: pytest.CaptureFixture[str], db_path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "absent" / "copie.sqlite"
    code, err = run(capsys, "--db", str(db_path), "backup", "--out", str(out))
    assert code == 2
    assert f"Erreur : --out : le dossier « {out.parent} » n'existe pas." in err, err
    assert not out.parent.exists()


@pytest.fixture
def closed_october(app: Comptoir, site: SiteInfo) -> Iterator[None]:
    """October 2026 closed at the place (no sale: its closure alone is archived)."""
    app.till_closures.close_month(site_id=site.id, year=2026, month=10)
    app.close()
    yield


@pytest.mark.usefixtures("closed_october")
def test_caisse_archiver_refuses_a_missing_folder(
    capsys: pytest.CaptureFixture[str], db_path: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "absent"
    argv = ["--db", str(db_path), "caisse", "archiver", "--mois", "2026-10"]
    code, err = run(capsys, *argv, "--dossier", str(folder))
    assert code == 2
    assert f"Erreur : --dossier : le dossier « {folder} » n'existe pas." in err, err
    assert not folder.exists()
    folder.mkdir()
    code, err = run(capsys, *argv, "--dossier", str(folder))
    assert code == 0, err
    assert [path.suffix for path in folder.iterdir()] == [".zip"]


def test_caisse_errors_start_with_erreur(capsys: pytest.CaptureFixture[str], db_path: Path) -> None:
    code, err = run(capsys, "--db", str(db_path), "caisse", "archiver", "--mois", "2026-13")
    assert code == 2
    assert err.startswith("Erreur : "), err


def sub_commands(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[str, ...]]:
    """Every sub-command's words, at any depth (``caisse verifier``…)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield (*path, name)
                yield from sub_commands(sub, (*path, name))


def test_every_help_is_in_french(capsys: pytest.CaptureFixture[str]) -> None:
    """``export`` set its own formatter and lost the French headings' space (« options: »)."""
    commands = [(), *sub_commands(build_parser())]
    assert ("caisse", "verifier") in commands
    for command in commands:
        with pytest.raises(SystemExit) as exit_info:
            main([*command, "--help"])
        out = capsys.readouterr().out
        assert exit_info.value.code == 0
        assert out.startswith("utilisation : "), command
        headings = [line for line in out.splitlines() if line.endswith(":") and line[:1] != " "]
        assert headings and all(line.endswith(" :") for line in headings), (command, headings)
        assert "options:" not in out and "usage:" not in out, command
