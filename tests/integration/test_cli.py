"""The command line contract of DESIGN.md: French messages, exit codes, nothing written on
bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from tiers_lieu.__main__ import main
from tiers_lieu.app import build


def test_init_sets_up_an_empty_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "base.sqlite"
    code = main(
        [
            "--db",
            str(db),
            "init",
            "--site",
            "Le Comptoir",
            "--commune",
            "Felletin",
            "--insee",
            "23079",
        ]
    )
    assert code == 0
    assert "Le Comptoir" in capsys.readouterr().out
    app = build(str(db))
    [site] = app.sites.list_sites()
    assert (site.name, site.insee_code) == ("Le Comptoir", "23079")
    assert len(app.config.list_services(site.id)) == 12
    assert not app.accounts.has_users()  # the GUI's first run asks for the account
    app.close()


def test_init_refuses_bad_input_in_french_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "base.sqlite"
    assert main(["--db", str(db), "init", "--site", "X", "--insee", "ABCDE"]) == 2
    err = capsys.readouterr().err
    assert "Code INSEE" in err
    app = build(str(db))
    assert app.sites.list_sites() == []
    app.close()
    assert main(["--db", str(db), "init", "--site", "X"]) == 0
    assert main(["--db", str(db), "init", "--site", "X"]) == 2
    assert "s'appelle déjà" in capsys.readouterr().err


def test_bad_usage_exits_2_with_a_french_message(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["init"])
    assert caught.value.code == 2
    assert "Erreur" in capsys.readouterr().err


def test_database_from_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "env.sqlite"
    monkeypatch.setenv("TIERS_LIEU_DB", str(db))
    assert main(["init", "--site", "Par l'environnement"]) == 0
    assert db.exists()


def test_english_messages(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "en.sqlite"
    assert main(["--lang", "en", "--db", str(db), "init", "--site", "X", "--insee", "1"]) == 2
    assert "INSEE code" in capsys.readouterr().err
