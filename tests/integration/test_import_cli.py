"""``tiers-lieu import visits|assistance FILE [--site NAME] [--dry-run] [--again] [--feuille NAME]``
on a real SQLite file: French summary and exit 0, French error list on stderr and exit 2 with
nothing written, 1 for the unexpected; hostile files refused in a child process whose peak
memory and time are measured."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

import hostile_imports as hostile
import pytest
from sqlalchemy import func, select

from tiers_lieu.__main__ import main
from tiers_lieu.app import build
from tiers_lieu.models import AssistanceRecord, Visit
from tiers_lieu.services.backups import backups_for
from tiers_lieu.services.imports import ImportService

DATA = Path(__file__).parent.parent / "data" / "imports"
VISITS = str(DATA / "visites_utf8_bom.csv")


def visits_by_site(db: Path) -> dict[str, int]:
    app = build(str(db))
    try:
        names = {s.id: s.name for s in app.sites.list_sites()}
        with app.uow() as uow:
            rows = uow.session.execute(
                select(Visit.site_id, func.sum(Visit.count)).group_by(Visit.site_id)
            ).all()
        return {names[site_id]: int(total) for site_id, total in rows}
    finally:
        app.close()


def records(db: Path) -> int:
    app = build(str(db))
    try:
        with app.uow() as uow:
            query = select(func.count()).select_from(AssistanceRecord)
            return int(uow.session.execute(query).scalar_one())
    finally:
        app.close()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "base.sqlite"
    felletin = ["--commune", "Felletin", "--insee", "23079"]
    assert main(["--db", str(path), "init", "--site", "Le Comptoir", *felletin]) == 0
    return path


def test_import_visits_prints_a_french_summary(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["--db", str(db), "import", "visits", VISITS]) == 0
    out = capsys.readouterr().out
    assert out.startswith("4 lignes importées : 9 visites.")
    assert "Café / convivialité : 6 visites (1 ligne)" in out
    assert visits_by_site(db) == {"Le Comptoir": 9}


def test_a_dry_run_reports_and_writes_nothing(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["--db", str(db), "import", "visits", VISITS, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("4 lignes à importer : 9 visites.")
    assert "Simulation : rien n'a été enregistré." in out
    assert visits_by_site(db) == {}


def test_a_bad_file_exits_2_with_every_error_and_writes_nothing(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "mauvais.csv"
    bad.write_text(
        "date;service;nombre\n03/02/2025;Epicerie fine;1\n03/02/2025;Coworking;1\n"
        "04/02/2025;Coworking;zéro\n",
        encoding="utf-8",
    )
    capsys.readouterr()
    assert main(["--db", str(db), "import", "visits", str(bad)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "Import refusé, rien n'a été enregistré" in captured.err
    assert "Ligne 2, colonne service : service inconnu « Epicerie fine »" in captured.err
    assert "Ligne 4, colonne nombre : nombre invalide « zéro »" in captured.err
    assert visits_by_site(db) == {}


def test_import_assistance_creates_records_and_no_visit(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    code = main(["--db", str(db), "import", "assistance", str(DATA / "demarches.csv")])
    assert code == 0
    assert capsys.readouterr().out.startswith("3 lignes importées : 3 démarches")
    assert records(db) == 3
    assert visits_by_site(db) == {}


def test_site_is_required_when_the_database_holds_several(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The file names Felletin by its INSEE code too: La Fabrique must know it.
    felletin = ["--commune", "Felletin", "--insee", "23079"]
    assert main(["--db", str(db), "init", "--site", "La Fabrique", *felletin]) == 0
    capsys.readouterr()
    assert main(["--db", str(db), "import", "visits", VISITS]) == 2
    assert "plusieurs lieux ; précisez --site parmi : La Fabrique, Le Comptoir" in (
        capsys.readouterr().err
    )
    assert main(["--db", str(db), "import", "visits", VISITS, "--site", "Ailleurs"]) == 2
    assert "Aucun lieu ne s'appelle « Ailleurs »" in capsys.readouterr().err
    assert main(["--db", str(db), "import", "visits", VISITS, "--site", "la fabrique"]) == 0
    assert visits_by_site(db) == {"La Fabrique": 9}


def test_an_empty_database_says_to_run_init(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["--db", str(tmp_path / "vide.sqlite"), "import", "visits", VISITS])
    assert code == 2
    assert "tiers-lieu init --site NOM" in capsys.readouterr().err


def test_a_missing_file_is_named(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(db), "import", "assistance", "absent.csv"]) == 2
    assert "Fichier introuvable : absent.csv" in capsys.readouterr().err


def test_an_unexpected_failure_exits_1(
    db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("disque plein")

    monkeypatch.setattr(ImportService, "import_visits", broken)
    assert main(["--db", str(db), "import", "visits", VISITS]) == 1
    assert visits_by_site(db) == {}


def test_the_same_file_imported_twice_exits_2_unless_again(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(db), "import", "visits", VISITS]) == 0
    capsys.readouterr()

    assert main(["--db", str(db), "import", "visits", VISITS]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Erreur : Le fichier « visites_utf8_bom.csv » a déjà été importé le ")
    assert "(4 lignes, 9 visites)" in err and "relancez avec --again." in err
    assert visits_by_site(db) == {"Le Comptoir": 9}

    assert main(["--db", str(db), "import", "visits", VISITS, "--again"]) == 0
    assert "importé de nouveau, comme demandé." in capsys.readouterr().out
    assert visits_by_site(db) == {"Le Comptoir": 18}


def test_every_sheet_with_the_columns_is_read_or_the_one_named(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    workbook = str(DATA / "visites_classeur.ods")
    capsys.readouterr()
    assert main(["--db", str(db), "import", "visits", workbook, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("4 lignes à importer : 7 visites.")
    assert "Feuilles lues : « 2024 » (2 lignes), « 2025 » (2 lignes)." in out
    assert "Feuille ignorée : « Notes » (sans colonne date, service)." in out

    assert main(["--db", str(db), "import", "visits", workbook, "--feuille", "2025"]) == 0
    assert capsys.readouterr().out.startswith("2 lignes importées : 3 visites.")
    assert visits_by_site(db) == {"Le Comptoir": 3}


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("visites_classeur.xls", "c'est un classeur Excel 97-2003 (.xls)"),
        ("pas-un-classeur.xlsx", "son nom dit un classeur XLSX mais ce n'en est pas un"),
        ("pas-un-classeur.ods", "son nom dit un classeur ODS mais ce n'en est pas un"),
    ],
)
def test_a_file_comptoir_cannot_read_exits_2_naming_it(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, reason: str
) -> None:
    path = DATA / name
    if not path.exists():
        path = tmp_path / name
        path.write_bytes((DATA / "visites_virgule.csv").read_bytes())
    capsys.readouterr()
    assert main(["--db", str(db), "import", "visits", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith(f"Erreur : Fichier « {name} » refusé : {reason}")
    assert "Traceback" not in captured.err
    assert visits_by_site(db) == {}


def _largest_csv(path: Path) -> Path:
    """Just under the size limit: 3.3 million good lines, refused at the 200 001st."""
    return hostile.big_csv(path, 63 * hostile.MIB)


HOSTILE: dict[str, tuple[Callable[[Path], Path], str, str]] = {
    # name: (writes the file, its name, the refusal)
    "a 500 KB XLSX whose one cell inflates to 512 MB (a 1 MB one took 8 GB)": (
        lambda folder: hostile.huge_cell_xlsx(folder / "cellule.xlsx", 512 * hostile.MIB),
        "cellule.xlsx",
        "une de ses parties se décompresse",
    ),
    "an XLSX of 250 000 rows (a 6 MB one ran 5 minutes)": (
        lambda folder: hostile.many_rows_xlsx(folder / "lignes.xlsx", 250_000),
        "lignes.xlsx",
        "le fichier dépasse 200\u202f000 lignes de données",
    ),
    "a 63 MB CSV of good lines": (
        lambda folder: _largest_csv(folder / "grand.csv"),
        "grand.csv",
        "le fichier dépasse 200\u202f000 lignes de données",
    ),
    "a 200 MB CSV (took 3 GB)": (
        lambda folder: hostile.sparse_file(folder / "enorme.csv", 200 * hostile.MIB),
        "enorme.csv",
        "il pèse 200 Mo, plus que les 64 Mo",
    ),
    "an ODS row repeated a million times": (
        lambda folder: hostile.repeated_ods(folder / "repetee.ods", 1_000_000, 1000),
        "repetee.ods",
        "le fichier dépasse 200\u202f000 lignes de données",
    ),
}


@pytest.mark.skipif(not hasattr(os, "wait4"), reason="os.wait4 mesure la mémoire (POSIX)")
@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_hostile_file_is_refused_in_seconds_within_300_mb(
    db: Path, tmp_path: Path, case: str
) -> None:
    write, name, reason = HOSTILE[case]
    path = write(tmp_path)

    run = hostile.run_measured(["--db", str(db), "import", "visits", str(path)], tmp_path)

    assert run.code == 2
    assert run.message.startswith(f"Erreur : Fichier « {name} » refusé : {reason}")
    assert run.peak_mb < 300, f"{case}: {run.peak_mb:.0f} Mo"
    assert run.seconds < 120, f"{case}: {run.seconds:.0f} s"  # generous: the machine may be busy
    assert visits_by_site(db) == {}


def test_an_import_is_preceded_by_a_verified_backup_and_a_dry_run_is_not(db: Path) -> None:
    backups = backups_for(f"sqlite:///{db}")
    assert backups is not None and backups.list_backups() == []
    assert main(["--db", str(db), "import", "visits", VISITS, "--dry-run"]) == 0
    assert backups.list_backups() == []
    assert main(["--db", str(db), "import", "visits", VISITS]) == 0
    made = backups.list_backups()
    assert len(made) == 1
    copy = sqlite3.connect(made[0].path)
    try:  # taken once the file was checked, before the visits were written
        assert copy.execute("SELECT name FROM site").fetchall() == [("Le Comptoir",)]
        assert copy.execute("SELECT count(*) FROM visit").fetchone() == (0,)
    finally:
        copy.close()
    assert visits_by_site(db) == {"Le Comptoir": 9}
