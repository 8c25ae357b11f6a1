"""Every reader of an import is bounded: each hostile file of ``hostile_imports`` is refused with
a French sentence naming the file and the limit, before it can eat the machine, and nothing is
written. (The memory and time of the largest ones, in a child process, are measured in
``tests/integration/test_import_cli.py``.)"""

from __future__ import annotations

from pathlib import Path

import hostile_imports as hostile
import pytest
from test_imports import count

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import ImportFileError
from tiers_lieu.models import ImportedFile, Visit
from tiers_lieu.services.imports import FileRefusedError, ImportService
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.services.tabular import MIB, Limits

#: The file sizes of the real limits, with the compression check left out, to see the
#: streaming limits behind it at work.
NO_RATIO = Limits(part_ratio=10**9)


def refusal(app: Comptoir, site: SiteInfo, path: Path, limits: Limits | None = None) -> str:
    service = app.imports if limits is None else ImportService(app.uow, limits)
    with pytest.raises(FileRefusedError) as caught:
        service.import_visits(site.id, path)
    assert (count(app, Visit), count(app, ImportedFile)) == (0, 0)
    return caught.value.message


def test_a_huge_compressed_cell_is_refused_before_it_is_inflated(
    app: Comptoir, site: SiteInfo, tmp_path: Path
) -> None:
    path = hostile.huge_cell_xlsx(tmp_path / "cellule.xlsx", 200 * MIB)
    assert path.stat().st_size < MIB

    message = refusal(app, site, path)
    assert message.startswith(
        "Fichier « cellule.xlsx » refusé : une de ses parties se décompresse 1\u202f0"
    )
    assert message.endswith(
        " fois (200 Mo pour 200 ko), au-delà de 500 fois : fichier piégé ou abîmé."
    )
    # Without the compression check, the cell is refused as soon as it passes the limit.
    assert refusal(app, site, path, NO_RATIO) == (
        "Fichier « cellule.xlsx » refusé : une cellule dépasse 32\u202f767 caractères "
        "(feuille « Feuil1 », ligne 2)."
    )


def test_a_long_cell_that_compresses_badly_is_refused_while_it_is_read(
    app: Comptoir, site: SiteInfo, tmp_path: Path
) -> None:
    path = hostile.long_cell_xlsx(tmp_path / "longue.xlsx", 100_000)
    assert "une cellule dépasse 32\u202f767 caractères (feuille « Feuil1 », ligne 2)" in (
        refusal(app, site, path)
    )


def test_a_zip_bomb_is_refused_from_its_declared_sizes(
    app: Comptoir, site: SiteInfo, tmp_path: Path
) -> None:
    path = hostile.bomb_xlsx(tmp_path / "bombe.xlsx", 300 * MIB)
    message = refusal(app, site, path)
    assert "une de ses parties se décompresse " in message
    assert "au-delà de 500 fois : fichier piégé ou abîmé." in message
    assert refusal(app, site, path, NO_RATIO) == (
        "Fichier « bombe.xlsx » refusé : décompressé, le classeur pèserait 300 Mo, plus que les "
        "256 Mo permis."
    )


@pytest.mark.parametrize("kind", ["xlsx", "csv", "ods"])
def test_rows_past_the_limit_are_refused(
    app: Comptoir, site: SiteInfo, tmp_path: Path, kind: str
) -> None:
    limits = Limits(rows=1000)
    path = tmp_path / f"lignes.{kind}"
    if kind == "xlsx":
        hostile.many_rows_xlsx(path, 1001)
    elif kind == "ods":
        hostile.repeated_ods(path, 1001, 2)
    else:
        path.write_text("date;service\n" + "03/02/2025;Épicerie\n" * 1001, encoding="utf-8")
    assert refusal(app, site, path, limits) == (
        f"Fichier « lignes.{kind} » refusé : le fichier dépasse 1\u202f000 lignes de données."
    )


def test_an_ods_row_repeated_a_million_times_is_refused_at_once(
    app: Comptoir, site: SiteInfo, tmp_path: Path
) -> None:
    path = hostile.repeated_ods(tmp_path / "repetee.ods", 1_000_000, 1000)
    assert path.stat().st_size < 1024
    assert "le fichier dépasse 200\u202f000 lignes de données" in refusal(app, site, path)


def test_a_200_mb_csv_is_refused_by_its_size(app: Comptoir, site: SiteInfo, tmp_path: Path) -> None:
    path = hostile.sparse_file(tmp_path / "enorme.csv", 200 * MIB)
    assert refusal(app, site, path) == (
        "Fichier « enorme.csv » refusé : il pèse 200 Mo, plus que les 64 Mo qu'un import accepte."
    )


def test_a_csv_line_or_cell_past_its_limit_is_refused(
    app: Comptoir, site: SiteInfo, tmp_path: Path
) -> None:
    line = tmp_path / "ligne.csv"
    line.write_text("date;service\n03/02/2025;" + "x" * (2 * MIB) + "\n", encoding="utf-8")
    assert refusal(app, site, line) == "Fichier « ligne.csv » refusé : une ligne dépasse 1 Mo."
    cell = tmp_path / "cellule.csv"
    cell.write_text('date;service\n03/02/2025;"' + "y\n" * 20_000 + '"\n', encoding="utf-8")
    assert refusal(app, site, cell) == (
        "Fichier « cellule.csv » refusé : une cellule dépasse 32\u202f767 caractères (ligne 2)."
    )


def test_entities_and_crowded_archives_are_refused(
    app: Comptoir, site: SiteInfo, tmp_path: Path
) -> None:
    entities = hostile.entity_bomb_xlsx(tmp_path / "rires.xlsx")
    assert "déclaration de type de document interdite" in refusal(app, site, entities)
    crowded = hostile.many_parts_zip(tmp_path / "parties.xlsx", 3000)
    assert "l'archive compte plus de 2\u202f000 parties" in refusal(app, site, crowded)


def test_a_cell_in_the_last_column_of_the_last_row_costs_nothing(
    app: Comptoir, site: SiteInfo, tmp_path: Path
) -> None:
    path = hostile.corner_xlsx(tmp_path / "coin.xlsx")
    with pytest.raises(ImportFileError, match="aucune ligne à importer"):
        app.imports.import_visits(site.id, path)


def test_a_file_wrong_on_every_line_lists_a_thousand_problems_and_counts_them_all(
    app: Comptoir, site: SiteInfo, tmp_path: Path
) -> None:
    path = tmp_path / "faux.csv"
    path.write_text("date;service\n" + "03/02/2025;Boulangerie\n" * 5000, encoding="utf-8")
    with pytest.raises(ImportFileError) as caught:
        app.imports.import_visits(site.id, path)
    assert len(caught.value.lines) == 1000
    assert getattr(caught.value, "total", None) == 5000
    assert caught.value.message.endswith("… et 4\u202f950 autres erreurs.")


def test_a_thousand_unknown_communes_is_the_most_one_file_adds(
    app: Comptoir, site: SiteInfo, tmp_path: Path
) -> None:
    path = tmp_path / "communes.csv"
    lines = "".join(f"03/02/2025;Épicerie;Lieu-dit {n}\n" for n in range(1001))
    path.write_text("date;service;commune\n" + lines, encoding="utf-8")
    with pytest.raises(ImportFileError) as caught:
        app.imports.import_visits(site.id, path)
    assert [str(e) for e in caught.value.lines] == [
        "Ligne 1002, colonne commune : plus de 1\u202f000 communes inconnues du lieu dans ce "
        "fichier (« Lieu-dit 1000 ») : vérifiez la colonne commune"
    ]


def test_a_part_compressed_with_a_method_no_spreadsheet_uses_is_refused_unread(
    app: Comptoir, site: SiteInfo, tmp_path: Path
) -> None:
    import zipfile

    path = tmp_path / "bzip2.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_BZIP2) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    message = refusal(app, site, path)
    assert "bzip2.xlsx" in message and "méthode 12" in message
