"""Field shapes on the command line: a NUL byte or a 100 000-character name given to
``tiers-lieu init`` ends with exit 2, a French message naming the field and the limit, and
no place written."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tiers_lieu.__main__ import main
from tiers_lieu.app import build

LONG = "Saint-Martin-" + "x" * 99_987  # 100 000 characters


def places(db: Path) -> list[str]:
    app = build(str(db))
    try:
        return [site.name for site in app.sites.list_sites()]
    finally:
        app.close()


def test_a_nul_byte_in_the_place_name_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A NUL cannot travel through a real command line (C strings): main() receives it as
    # a program would from a script or a wrapper.
    db = tmp_path / "base.sqlite"
    assert main(["--db", str(db), "init", "--site", "Le Comptoir\x00"]) == 2
    err = capsys.readouterr().err
    assert "Erreur : Nom du lieu : caractère de contrôle interdit (U+0000, position 12)" in err
    assert "Traceback" not in err
    assert places(db) == []


@pytest.mark.parametrize(
    ("option", "expected"),
    [
        ("--site", "Nom du lieu : 120 caractères au plus"),
        ("--commune", "Commune : 120 caractères au plus (100\u202f000 reçus)"),
    ],
)
def test_a_name_of_100000_characters_is_refused_by_the_real_command(
    tmp_path: Path, option: str, expected: str
) -> None:
    db = tmp_path / "base.sqlite"
    args = ["init", "--site", "Le Comptoir", "--commune", "Felletin"]
    args[args.index(option) + 1] = LONG
    env = {**os.environ, "TIERS_LIEU_DB": str(db)}
    done = subprocess.run(
        [sys.executable, "-m", "tiers_lieu", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert expected in done.stderr
    assert "Traceback" not in done.stderr
    assert places(db) == []
