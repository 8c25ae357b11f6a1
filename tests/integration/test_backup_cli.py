"""``tiers-lieu backup --out FILE`` and ``tiers-lieu restore FILE`` on a real SQLite file:
the copy restores the data, a bad file is refused with a French message and exit 2, and a
PostgreSQL URL is sent to pg_dump."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from tiers_lieu.__main__ import main
from tiers_lieu.app import build


def cli(argv: Sequence[str]) -> int:
    """As the ``tiers-lieu`` command runs it."""
    return main(list(argv))


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
    [kept] = (db_path.parent / "sauvegardes" / "comptoir").glob("avant-restauration-*.sqlite")
    assert names(kept) == ["Après", "Avant"]


def test_restoring_onto_a_new_computer_names_no_kept_copy(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_site(db_path, "Felletin")
    out = tmp_path / "cle-usb" / "copie.sqlite"
    out.parent.mkdir()
    assert cli(["--db", str(db_path), "backup", "--out", str(out)]) == 0
    new_base = tmp_path / "nouveau-poste" / "comptoir.sqlite"
    new_base.parent.mkdir()
    capsys.readouterr()

    assert cli(["--db", str(new_base), "restore", str(out)]) == 0

    printed = capsys.readouterr().out
    assert "Base restaurée depuis" in printed
    assert "gardée" not in printed  # there was no base to keep
    assert names(new_base) == ["Felletin"]
    assert list((new_base.parent / "sauvegardes").rglob("avant-restauration-*")) == []


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


HOLDER = """
import sys
from tiers_lieu.app import build
app = build(sys.argv[1])
app.sites.list_sites()
print("ready", flush=True)
for line in sys.stdin:
    app.sites.init_site(name=line.strip(), commune_name="Felletin", insee_code="23079")
    print("saved", flush=True)
"""


def test_restore_is_refused_while_another_comptoir_holds_the_base(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_site(db_path, "Avant")
    out = tmp_path / "copie.sqlite"
    assert cli(["--db", str(db_path), "backup", "--out", str(out)]) == 0
    add_site(db_path, "Après")
    capsys.readouterr()
    desk = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert desk.stdout is not None and desk.stdin is not None
        assert desk.stdout.readline().strip() == "ready"  # open, idle, as a desk between visits

        assert cli(["--db", str(db_path), "restore", str(out)]) == 2

        err = capsys.readouterr().err
        assert "ouverte par un autre programme" in err and "Rien n'a été modifié" in err
        # The desk goes on, and what it saves stays in the base.
        desk.stdin.write("Pendant\n")
        desk.stdin.flush()
        assert desk.stdout.readline().strip() == "saved"
    finally:
        desk.kill()
        desk.wait()
    assert names(db_path) == ["Après", "Avant", "Pendant"]
    assert list((db_path.parent / "sauvegardes" / "comptoir").glob("avant-restauration-*")) == []
    assert not db_path.with_name(db_path.name + ".restauration").exists()
    # Once the desk is closed, the same restore goes through.
    assert cli(["--db", str(db_path), "restore", str(out)]) == 0
    assert names(db_path) == ["Avant"]


def killed_backup_leftovers(folder: Path, count: int) -> list[Path]:
    """What backups killed while writing their copy leave (no backup runs now)."""
    folder.mkdir(parents=True, exist_ok=True)
    left = []
    for minute in range(count):
        partial = folder / f"comptoir-2026112{minute}-090000.sqlite.partiel"
        partial.write_bytes(b"\x01" * 400_000)
        left.append(partial)
    return left


def test_backup_from_the_command_line_first_removes_what_killed_backups_left(
    db_path: Path, tmp_path: Path
) -> None:
    add_site(db_path, "Avant")
    left = killed_backup_leftovers(db_path.parent / "sauvegardes" / "comptoir", 3)
    out = tmp_path / "copie.sqlite"

    done = subprocess.run(
        [sys.executable, "-m", "tiers_lieu", "--db", str(db_path), "backup", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert done.returncode == 0, done.stderr
    assert not any(path.exists() for path in left)
    # Said once, in French, as a sentence for the user (no logging prefix).
    assert done.stderr.splitlines() == [
        "3 fichiers laissés par des sauvegardes ou des restaurations interrompues ont été "
        "supprimés (1,2 Mo libérés)."
    ]
    assert "Sauvegarde vérifiée" in done.stdout


def test_restore_from_the_command_line_tidies_first(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_site(db_path, "Avant")
    out = tmp_path / "copie.sqlite"
    assert cli(["--db", str(db_path), "backup", "--out", str(out)]) == 0
    [left] = killed_backup_leftovers(db_path.parent / "sauvegardes" / "comptoir", 1)
    restore = db_path.with_name(db_path.name + ".restauration")  # a restore killed earlier
    restore.write_bytes(b"\x02" * 100_000)
    capsys.readouterr()

    assert cli(["--db", str(db_path), "restore", str(out)]) == 0

    assert not left.exists() and not restore.exists()
    err = capsys.readouterr().err
    assert "2 fichiers laissés par des sauvegardes" in err and "WARNING" not in err
