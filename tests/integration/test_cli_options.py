"""The command line's options and argparse's own messages, as a user sees them: ``--db`` and
``--lang`` before or after the sub-command at any depth, usage errors and ``-h`` in French
(in English with ``--lang en``), exit code 2 and no traceback."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from tiers_lieu.__main__ import main


def run(argv: Sequence[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Exit code, stdout, stderr of ``tiers-lieu argv`` (in this process)."""
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse: -h, usage errors
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


@pytest.mark.parametrize(
    "argv",
    [
        ["--db", "{db}", "init", "--site", "La Grange"],
        ["init", "--db", "{db}", "--site", "La Grange"],
        ["init", "--site", "La Grange", "--db={db}"],
        ["--lang", "en", "init", "--site", "La Grange", "--db", "{db}"],
    ],
    ids=["before", "after", "at-the-end", "lang-before-db-after"],
)
def test_db_before_or_after_the_sub_command(
    argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "base.sqlite"
    code, out, _err = run([a.format(db=db) for a in argv], capsys)
    assert code == 0
    assert "La Grange" in out
    assert db.is_file()


def test_the_sub_commands_db_wins_over_the_one_before_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before, after = tmp_path / "avant.sqlite", tmp_path / "apres.sqlite"
    code, _out, _err = run(["--db", str(before), "init", "--site", "X", "--db", str(after)], capsys)
    assert code == 0
    assert after.is_file()
    assert not before.exists()


def test_db_after_nested_sub_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db, bundle, copy = tmp_path / "base.sqlite", tmp_path / "lieu.bundle", tmp_path / "copie.sqlite"
    assert run(["init", "--site", "La Grange", "--db", str(db)], capsys)[0] == 0

    code, out, _err = run(["bundle", "export", "--db", str(db), "--out", str(bundle)], capsys)
    assert code == 0, out
    assert bundle.is_file()
    code, out, _err = run(["bundle", "--db", str(db), "keys"], capsys)
    assert code == 0
    code, out, _err = run(["audit", "verifier", "--db", str(db)], capsys)
    assert code == 0
    code, out, _err = run(["backup", "--out", str(copy), "--db", str(db)], capsys)
    assert code == 0
    assert copy.is_file()


def test_demo_with_db_after_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The example of the issue: ``tiers-lieu demo --db X`` used to be refused."""
    db = tmp_path / "demo.sqlite"
    code, out, _err = run(["demo", "--db", str(db)], capsys)
    assert code == 0
    assert re.search(r"^Terminé en \d+,\d s\.$", out, re.MULTILINE), out  # « 1,1 s », not 1.1
    assert db.is_file()


def test_lang_after_the_sub_command_switches_the_help(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = run(["demo", "--lang", "en", "-h"], capsys)
    assert code == 0
    assert out.startswith("usage: tiers-lieu demo ")
    assert "show this help message and exit" in out
    assert "size of the data" in out
    assert "\noptions:\n" in out

    code, out, _err = run(["bundle", "export", "-h", "--lang=fr"], capsys)
    assert code == 0
    assert out.startswith("utilisation : tiers-lieu bundle export ")
    assert "[--db CHEMIN_OU_URL]" in out


def test_help_in_french(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = run(["-h"], capsys)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("utilisation : tiers-lieu [-h]")
    assert "arguments positionnels :" in lines
    assert "options :" in lines
    assert any(
        line.split() == ["-h,", "--help", "affiche", "cette", "aide", "et", "quitte"]
        for line in lines
    )
    assert any(line.split()[:2] == ["--version", "affiche"] for line in lines)

    code, out, _err = run(["init", "-h"], capsys)
    assert code == 0
    assert out.startswith("utilisation : tiers-lieu init ")
    assert "options communes à toutes les commandes :" in out.splitlines()
    assert "affiche cette aide et quitte" in out


@pytest.mark.parametrize(
    ("argv", "usage", "message"),
    [
        (
            ["demo", "--bogus", "1"],
            "utilisation : tiers-lieu demo ",
            "Erreur : arguments non reconnus : --bogus 1",
        ),
        (
            ["--bogus"],
            "utilisation : tiers-lieu ",
            "Erreur : arguments non reconnus : --bogus",
        ),
        (
            ["bundle", "keys", "--bogus"],
            "utilisation : tiers-lieu bundle keys ",
            "Erreur : arguments non reconnus : --bogus",
        ),
        (
            ["demo", "--scale", "xl"],
            "utilisation : tiers-lieu demo ",
            "Erreur : argument --scale : choix invalide : 'xl' "
            "(choisir parmi 'small', 'medium', 'large', 'network')",
        ),
        (
            ["demox"],
            "utilisation : tiers-lieu ",
            "Erreur : argument COMMANDE : choix invalide : 'demox' (choisir parmi 'init', ",
        ),
        (
            ["demo", "--lang", "de"],
            "utilisation : tiers-lieu demo ",
            "Erreur : argument --lang : choix invalide : 'de' (choisir parmi 'en', 'fr')",
        ),
        (
            ["init"],
            "utilisation : tiers-lieu init ",
            "Erreur : les arguments suivants sont obligatoires : --site",
        ),
        (
            ["demo", "--db"],
            "utilisation : tiers-lieu demo ",
            "Erreur : argument --db : une valeur est attendue",
        ),
        (
            ["demo", "--seed", "abc"],
            "utilisation : tiers-lieu demo ",
            "Erreur : argument --seed : valeur int invalide : 'abc'",
        ),
    ],
    ids=[
        "unknown-argument",
        "unknown-top-level-argument",
        "unknown-nested-argument",
        "invalid-choice",
        "unknown-command",
        "unknown-language",
        "missing-argument",
        "missing-value",
        "bad-number",
    ],
)
def test_usage_errors_in_french(
    argv: list[str], usage: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(argv, capsys)
    assert code == 2
    assert out == ""
    assert err.startswith(usage)
    assert message in err
    assert "error" not in err.lower() and "usage:" not in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["demo", "--bogus", "--lang", "en"], "Error: unrecognized arguments: --bogus"),
        (
            ["--lang", "en", "demo", "--scale", "xl"],
            "Error: argument --scale: invalid choice: 'xl' "
            "(choose from 'small', 'medium', 'large', 'network')",
        ),
        (["init", "--lang", "en"], "Error: the following arguments are required: --site"),
    ],
)
def test_usage_errors_in_english(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = run(argv, capsys)
    assert code == 2
    assert err.startswith("usage: tiers-lieu ")
    assert message in err


def test_a_real_process_says_it_in_french_with_exit_2(tmp_path: Path) -> None:
    """Whatever the computer's own language settings (argparse alone would follow them)."""
    result = subprocess.run(
        [sys.executable, "-m", "tiers_lieu", "demo", "--db", str(tmp_path / "x.sqlite"), "--x"],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "LANGUAGE": "de"},
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("utilisation : tiers-lieu demo ")
    assert "Erreur : arguments non reconnus : --x" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "x.sqlite").exists()
