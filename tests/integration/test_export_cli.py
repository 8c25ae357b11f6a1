"""``tiers-lieu export KIND``: what every kind shares — the period, the format, the place and
the output folder are checked before anything opens, in French, with exit code 2 and nothing
written; the kind's writer gets the checked request."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tiers_lieu.__main__ import main
from tiers_lieu.app import Comptoir
from tiers_lieu.cli import export

CALLS: list[Any] = []


def fake_writer(app: Comptoir, request: export.ExportRequest) -> str:
    CALLS.append(request)
    request.out.write_text("ok", encoding="utf-8")
    return f"Écrit dans {request.out}."


@pytest.fixture
def kinds(monkeypatch: pytest.MonkeyPatch) -> None:
    CALLS.clear()
    here = __name__  # already imported: the kind finds its writer here
    monkeypatch.setitem(
        export.KINDS,
        "essai",
        export.ExportKind("un essai", ("xlsx", "csv"), f"{here}:fake_writer", period=True),
    )
    monkeypatch.setitem(
        export.KINDS,
        "fiche",
        export.ExportKind("sans période", ("csv",), f"{here}:fake_writer", period=False),
    )


def run(db: Path, *argv: str) -> int:
    return main(["--db", str(db), "export", *argv])


def test_a_kind_gets_its_checked_request(
    kinds: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "base.sqlite"
    assert main(["--db", str(db), "init", "--site", "Le Comptoir"]) == 0
    out = tmp_path / "essai.csv"
    code = run(
        db,
        "essai",
        "--from",
        "2026-01-01",
        "--to",
        "2026-03-31",
        "--format",
        "csv",
        "--site",
        "le comptoir",
        "--out",
        str(out),
    )
    assert code == 0, capsys.readouterr().err
    (request,) = CALLS
    assert (request.start, request.end, request.fmt) == (date(2026, 1, 1), date(2026, 3, 31), "csv")
    assert request.site is not None and request.site.name == "Le Comptoir"
    assert out.read_text(encoding="utf-8") == "ok"
    assert f"Écrit dans {out}." in capsys.readouterr().out
    # The first format is the default; a kind without period needs no dates.
    assert run(db, "fiche", "--out", str(tmp_path / "fiche.csv")) == 0
    assert CALLS[-1].start is None and CALLS[-1].fmt == "csv" and CALLS[-1].site is None


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["essai", "--to", "2026-03-31"], "--from et --to"),
        (["essai", "--from", "2026-13-01", "--to", "2026-03-31"], "--from : date invalide"),
        (["essai", "--from", "2026-04-01", "--to", "2026-03-31"], "--to : le 31/03/2026"),
        (
            ["essai", "--from", "2026-01-01", "--to", "2026-03-31", "--format", "pdf"],
            "--format : « pdf » n'est pas possible pour cet export (choix : xlsx, csv)",
        ),
    ],
)
def test_bad_options_are_refused_in_french_before_anything_is_written(
    kinds: None, tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    out = tmp_path / "sortie.xlsx"
    base = tmp_path / "base.sqlite"
    base.write_text("pas une base\n")  # opened, it would be refused as unreadable
    assert run(base, *argv, "--out", str(out)) == 2
    assert message in capsys.readouterr().err  # refused before the base was opened
    assert not out.exists() and CALLS == []
    assert base.read_text() == "pas une base\n"


def test_an_unknown_place_or_folder_is_refused(
    kinds: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "base.sqlite"
    assert main(["--db", str(db), "init", "--site", "Le Comptoir"]) == 0
    period = ["--from", "2026-01-01", "--to", "2026-01-31"]
    assert run(db, "essai", *period, "--site", "Ailleurs", "--out", str(tmp_path / "a.xlsx")) == 2
    assert "Aucun lieu ne s'appelle « Ailleurs »" in capsys.readouterr().err
    assert run(db, "essai", *period, "--out", str(tmp_path / "absent" / "a.xlsx")) == 2
    assert "--out : le dossier" in capsys.readouterr().err
    assert CALLS == []
