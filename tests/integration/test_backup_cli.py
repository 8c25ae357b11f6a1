"""``tiers-lieu backup --out FILE`` and ``tiers-lieu restore FILE`` on a real SQLite file:
the copy restores the data, a bad file is refused with a French message and exit 2, and a
PostgreSQL URL is sent to pg_dump."""

from __future__ import annotations

import argparse
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import pytest

from tiers_lieu.app import build
from tiers_lieu.cli_backup import add_backup_parser, run_backup


def backup_is_hooked() -> bool:
    from tiers_lieu.__main__ import build_parser

    for action in build_parser()._actions:
        if isinstance(action, argparse._SubParsersAction):
            return "backup" in action.choices
    return False


def cli(argv: Sequence[str]) -> int:
    """Through ``tiers_lieu.__main__.main`` once ``backup`` is wired there."""
    if backup_is_hooked():
        from tiers_lieu.__main__ import main

        return main(list(argv))
    parser = argparse.ArgumentParser(prog="tiers-lieu")
    parser.add_argument("--db")
    add_backup_parser(parser.add_subparsers(dest="command"))
    return run_backup(parser.parse_args(list(argv)))


def names(path: Path) -> list[str]:
    connection = sqlite3.connect(path)
    try:
        return [row[0] for row in connection.execute("SELECT name FROM site ORDER BY name")]
    finally:
        connection.close()


def add_site(path: Path, name: str) -> None:
    app = build(str(path))
    try:
        app.sites.init_site(name=name, commune_name="Felletin", insee_code="23079")
    finally:
        app.close()


def test_backup_then_restore_round_trip(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_site(db_path, "Avant")
    out = tmp_path / "copie.sqlite"
    assert cli(["--db", str(db_path), "backup", "--out", str(out)]) == 0
    assert "Sauvegarde vérifiée" in capsys.readouterr().out
    add_site(db_path, "Après")

    assert cli(["--db", str(db_path), "restore", str(out)]) == 0

    assert "Base restaurée" in capsys.readouterr().out
    assert names(db_path) == ["Avant"]
    [kept] = (db_path.parent / "sauvegardes").glob("avant-restauration-*.sqlite")
    assert names(kept) == ["Après", "Avant"]


def test_restore_refuses_garbage_with_exit_2(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_site(db_path, "Intacte")
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"ceci n'est pas une base" * 100)
    assert cli(["--db", str(db_path), "restore", str(bad)]) == 2
    assert "Erreur :" in capsys.readouterr().err
    assert names(db_path) == ["Intacte"]


def test_postgresql_is_sent_to_pg_dump(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = "postgresql+psycopg://comptoir@localhost/comptoir"
    assert cli(["--db", url, "backup", "--out", str(tmp_path / "x.sqlite")]) == 2
    assert "pg_dump" in capsys.readouterr().err
    assert not (tmp_path / "x.sqlite").exists()
