"""What a command refuses before it runs, in French with exit 2 and nothing written: an output
that is the base itself (it was overwritten), a folder or a device (a device node was
replaced by a file, as root), an empty or too long name; a ``--db`` that is not a base or
not an address; dates beyond 1900–2100 (a report from year 1 to 9999 took 460 MB and ended
in a traceback); arguments that are not text. Each was found by trying the commands as an
attacker would."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tiers_lieu.__main__ import main

PERIOD = ["--from", "2026-01-01", "--to", "2026-01-31"]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().err


@pytest.mark.parametrize(
    "command",
    [
        ["bookings", "export-ics", "--resource", "Salle", "--out", "{base}"],
        ["bundle", "key", "--out", "{base}"],
        ["backup", "--out", "{base}-wal"],
        ["report", *PERIOD, "--format", "csv", "--out", "{base}"],
        ["caisse", "archiver", "--mois", "2026-10", "--dossier", "{base}"],
    ],
)
def test_an_output_that_is_the_base_is_refused_and_the_base_kept(
    capsys: pytest.CaptureFixture[str], db_path: Path, command: list[str]
) -> None:
    before = db_path.read_bytes()
    argv = [part.format(base=db_path) for part in command]
    code, err = run(capsys, "--db", str(db_path), *argv)
    assert code == 2
    assert "est la base de données (ou l'un de ses fichiers)" in err
    assert "Traceback" not in err
    assert db_path.read_bytes() == before


def test_an_output_that_is_a_folder_a_device_or_no_name_is_refused(
    capsys: pytest.CaptureFixture[str], db_path: Path, tmp_path: Path
) -> None:
    fifo = tmp_path / "tube"
    os.mkfifo(fifo)  # a special file, as /dev/null or /dev/full are
    folder = tmp_path / "dossier"
    folder.mkdir()
    long_name = str(tmp_path / ("x" * 300 + ".csv"))
    for out, said in (
        (fifo, "est un dossier ou un périphérique"),
        (folder, "est un dossier ou un périphérique"),
        ("", "indiquez un nom de fichier"),
        (long_name, "le nom du fichier est trop long"),
    ):
        argv = ["--db", str(db_path), "report", *PERIOD, "--format", "csv", "--out", str(out)]
        code, err = run(capsys, *argv)
        assert (code, said in err, "Traceback" in err) == (2, True, False), err
    assert stat.S_ISFIFO(fifo.stat().st_mode)  # still the special file, not replaced
    assert list(folder.iterdir()) == []


def test_a_file_that_is_not_a_base_or_an_address_that_is_none_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    text = tmp_path / "notes.sqlite"
    text.write_text("hello world\n")
    for db, said in (
        (str(text), "n'est pas une base Comptoir lisible"),
        ("foo://bar", "n'est ni un fichier ni une adresse de base utilisable"),
        ("sqlite:///:memory:", "n'est ni un fichier ni une adresse de base utilisable"),
        ("", "indiquez le fichier de la base de données"),
    ):
        code, err = run(capsys, "--db", db, "audit", "verifier")
        assert (code, said in err, "Traceback" in err) == (2, True, False), (db, err)
    assert text.read_text() == "hello world\n"


@pytest.mark.parametrize(
    "command",
    [
        ["report", "--from", "0001-01-01", "--to", "9999-12-31", "--format", "csv"],
        ["export", "observatoire", "--from", "1000-01-01", "--to", "2026-12-31"],
        [
            "bookings",
            "export-ics",
            "--resource",
            "Salle",
            "--du",
            "2026-01-01",
            "--au",
            "9999-12-31",
        ],
        ["bundle", "export", "--since", "0001-01-01"],
    ],
)
def test_dates_beyond_1900_to_2100_are_refused_before_any_work(
    capsys: pytest.CaptureFixture[str], db_path: Path, tmp_path: Path, command: list[str]
) -> None:
    out = tmp_path / "sortie"
    code, err = run(capsys, "--db", str(db_path), *command, "--out", str(out))
    assert code == 2
    assert "hors des années 1900 à 2100" in err
    assert not out.exists()


def test_an_argument_that_is_not_text_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    base = tmp_path / "neuve.sqlite"
    code, err = run(capsys, "--db", str(base), "init", "--site", "a\udcff")
    assert code == 2
    assert "ne sont pas du texte (UTF-8)" in err
    assert not base.exists()  # refused before the base was made


def test_a_base_whose_name_holds_a_percent_sign_is_made_and_read(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """« 100% bénévole.sqlite »: the name reached Alembic's settings, which read « % » as the
    start of a substitution (a traceback, nothing made)."""
    base = tmp_path / "100% bénévole.sqlite"
    code, err = run(capsys, "--db", str(base), "init", "--site", "Le Lieu")
    assert (code, "Traceback" in err) == (0, False), err
    code, err = run(capsys, "--db", str(base), "audit", "verifier")
    assert code == 0, err
