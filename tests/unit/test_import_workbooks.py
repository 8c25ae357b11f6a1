"""Workbooks as the places keep them: LibreOffice's own ODS (and the XLSX it saves), every sheet
with the expected columns read and the others named, one sheet asked for by name; and the files
Comptoir cannot read refused with a sentence that says what to do, nothing written."""

from __future__ import annotations

import zipfile
from datetime import date, time
from pathlib import Path

import pytest
from test_imports import count, stored_visits

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import ImportFileError
from tiers_lieu.models import AssistanceRecord, Visit
from tiers_lieu.services.imports import FileRefusedError
from tiers_lieu.services.readmodels import SiteInfo

DATA = Path(__file__).parent.parent / "data" / "imports"

#: What the two year sheets of ``visites_classeur`` hold (the « Notes » sheet holds none).
LIBREOFFICE_VISITS = [
    (date(2024, 12, 12), time(9, 30), "Accueil / information", 1, "Felletin", "40-59"),
    (date(2024, 12, 13), time(14, 0), "Épicerie", 3, "Vallière", None),
    (date(2025, 2, 3), time(10, 15), "Café / convivialité", 2, "Felletin", "70+"),
    (date(2025, 2, 4), None, "Relais colis / poste", 1, "Felletin", None),
]


def summary(app: Comptoir) -> list[tuple[object, ...]]:
    return [
        (v["date"], v["time"], v["service"], v["count"], v["commune"], v["age"])
        for v in stored_visits(app)
    ]


@pytest.mark.parametrize(
    "name", ["visites_classeur.ods", "visites_classeur.xlsx", "visites_classeur.fods"]
)
def test_every_sheet_with_the_visit_columns_of_a_libreoffice_workbook_is_imported(
    app: Comptoir, site: SiteInfo, name: str
) -> None:
    result = app.imports.import_visits(site.id, DATA / name)

    assert (result.rows, result.visits) == (4, 7)
    assert summary(app) == LIBREOFFICE_VISITS
    text = result.describe()
    assert "Feuilles lues : « 2024 » (2 lignes), « 2025 » (2 lignes)." in text
    assert "Feuille ignorée : « Notes » (sans colonne date, service)." in text


def test_one_sheet_is_read_when_named(app: Comptoir, site: SiteInfo) -> None:
    result = app.imports.import_visits(site.id, DATA / "visites_classeur.ods", sheet="2025")

    assert (result.rows, result.visits) == (2, 3)
    assert summary(app) == LIBREOFFICE_VISITS[2:]


def test_a_sheet_the_workbook_lacks_is_refused_with_the_sheets_it_has(
    app: Comptoir, site: SiteInfo
) -> None:
    with pytest.raises(FileRefusedError) as caught:
        app.imports.import_visits(site.id, DATA / "visites_classeur.xlsx", sheet="2023")

    assert caught.value.message == (
        "Fichier « visites_classeur.xlsx » refusé : le classeur n'a pas de feuille « 2023 » "
        "(feuilles : « 2024 », « Notes », « 2025 »)."
    )
    assert count(app, Visit) == 0


def test_assistance_records_are_imported_from_a_libreoffice_workbook(
    app: Comptoir, site: SiteInfo
) -> None:
    result = app.imports.import_assistance(site.id, DATA / "demarches_classeur.ods")

    assert (result.rows, result.minutes) == (3, 90)
    assert [(b.label, b.amount) for b in result.by_operator] == [
        ("Assurance maladie (CPAM)", 1),
        ("CAF", 1),
        ("Impôts (DGFiP)", 1),
    ]
    assert count(app, AssistanceRecord) == 3


SPRING = [["date", "service"], [date(2025, 4, 2), "Épicerie"]]


def two_sheets(tmp_path: Path, second: list[list[object]], first: list[list[object]]) -> Path:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Printemps"
    for row in first:
        sheet.append(row)
    sheet = workbook.create_sheet("Été")
    for row in second:
        sheet.append(row)
    path = tmp_path / "saisons.xlsx"
    workbook.save(path)
    return path


def test_a_problem_in_a_workbook_names_its_sheet(
    app: Comptoir, site: SiteInfo, tmp_path: Path
) -> None:
    path = two_sheets(
        tmp_path,
        [["date", "service"], [date(2025, 7, 1), "Épicerie"], [date(2025, 7, 2), "Boulangerie"]],
        SPRING,
    )

    with pytest.raises(ImportFileError) as caught:
        app.imports.import_visits(site.id, path)

    [problem] = caught.value.lines
    assert str(problem).startswith(
        "Feuille « Été », ligne 3, colonne service : service inconnu « Boulangerie »"
    )
    assert count(app, Visit) == 0


def test_a_workbook_without_the_columns_in_any_sheet_says_so_sheet_by_sheet(
    app: Comptoir, site: SiteInfo, tmp_path: Path
) -> None:
    path = two_sheets(tmp_path, [["jour", "remarque"]], [["date", "activité"], ["x", "y"]])

    with pytest.raises(ImportFileError) as caught:
        app.imports.import_visits(site.id, path)

    assert [str(e) for e in caught.value.lines] == [
        "Feuille « Printemps », ligne 1, colonne service : "
        "colonne obligatoire absente de la première ligne",
        "Feuille « Été », ligne 1, colonne service : "
        "colonne obligatoire absente de la première ligne",
    ]


def refused(app: Comptoir, site: SiteInfo, path: Path) -> str:
    with pytest.raises(FileRefusedError) as caught:
        app.imports.import_visits(site.id, path)
    assert count(app, Visit) == 0
    return caught.value.message


def test_an_xls_workbook_is_refused_with_what_to_do(app: Comptoir, site: SiteInfo) -> None:
    assert refused(app, site, DATA / "visites_classeur.xls") == (
        "Fichier « visites_classeur.xls » refusé : c'est un classeur Excel 97-2003 (.xls) ou "
        "un classeur protégé par un mot de passe, que Comptoir ne lit pas : ouvrez-le dans le "
        "tableur et enregistrez-le au format .xlsx ou .ods, sans mot de passe."
    )


@pytest.mark.parametrize("name", ["visites.xlsx", "visites.ods"])
def test_a_workbook_that_is_no_zip_archive_is_refused(
    app: Comptoir, site: SiteInfo, tmp_path: Path, name: str
) -> None:
    path = tmp_path / name
    path.write_bytes((DATA / "visites_virgule.csv").read_bytes())
    kind = name.split(".")[1].upper()
    assert refused(app, site, path) == (
        f"Fichier « {name} » refusé : son nom dit un classeur {kind} mais ce n'en est pas un "
        "(ce n'est pas une archive zip) : ouvrez-le dans le tableur et enregistrez-le à nouveau."
    )


def test_a_truncated_workbook_is_refused(app: Comptoir, site: SiteInfo, tmp_path: Path) -> None:
    whole = (DATA / "visites_classeur.xlsx").read_bytes()
    path = tmp_path / "coupé.xlsx"
    path.write_bytes(whole[: len(whole) // 2])
    assert "l'archive zip est incomplète ou abîmée" in refused(app, site, path)


def test_a_zip_that_is_no_workbook_is_refused(
    app: Comptoir, site: SiteInfo, tmp_path: Path
) -> None:
    path = tmp_path / "photos.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("photo.jpg", b"\xff\xd8\xff")
    assert "cette archive n'est ni un classeur XLSX ni un classeur ODS" in refused(app, site, path)


def test_a_csv_with_nul_bytes_or_no_known_encoding_is_refused(
    app: Comptoir, site: SiteInfo, tmp_path: Path
) -> None:
    nul = tmp_path / "nul.csv"
    nul.write_bytes(b"date;service\n03/02/2025;\x00pic\n")
    assert "il contient des octets nuls" in refused(app, site, nul)
    unknown = tmp_path / "inconnu.csv"
    unknown.write_bytes(b"date;service\n03/02/2025;\x81\xff\n")
    assert refused(app, site, unknown) == (
        "Fichier « inconnu.csv » refusé : son texte n'est ni en UTF-8 ni en Windows-1252 "
        "(octet 0x81 à la position 24) : enregistrez-le en « CSV UTF-8 » depuis le tableur."
    )


def test_a_date_before_1900_is_refused(app: Comptoir, site: SiteInfo, tmp_path: Path) -> None:
    path = tmp_path / "ancien.csv"
    path.write_text("date;service\n01/01/0001;Épicerie\n", encoding="utf-8")
    with pytest.raises(ImportFileError) as caught:
        app.imports.import_visits(site.id, path)
    assert str(caught.value.lines[0]) == (
        "Ligne 2, colonne date : date trop ancienne « 01/01/0001 » (à partir de 1900)"
    )


NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"


def test_an_excel_file_of_rich_text_formulas_and_1904_dates_is_read(
    app: Comptoir, site: SiteInfo, tmp_path: Path
) -> None:
    """Parts as Excel writes them, not as openpyxl or LibreOffice do: a prefixed namespace,
    cells without references, rich text with a phonetic run, a formula's cached value, the
    1904 date system and a custom time format."""
    serial = (date(2025, 2, 3) - date(1904, 1, 1)).days
    relation = f"{NS_REL}/"
    parts = {
        "_rels/.rels": f'<Relationships xmlns="{NS_PACKAGE}"><Relationship Id="r1" '
        f'Type="{relation}officeDocument" Target="/xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{NS_MAIN}" xmlns:r="{NS_REL}"><workbookPr '
        'date1904="1"/><sheets><sheet name="Tableau" sheetId="7" r:id="rIdS"/></sheets>'
        "</workbook>",
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{NS_PACKAGE}">'
        f'<Relationship Id="rIdS" Type="{relation}worksheet" Target="feuilles/a.xml"/>'
        f'<Relationship Id="rIdT" Type="{relation}sharedStrings" Target="textes.xml"/>'
        f'<Relationship Id="rIdY" Type="{relation}styles" Target="styles.xml"/>'
        "</Relationships>",
        "xl/styles.xml": f'<styleSheet xmlns="{NS_MAIN}"><numFmts><numFmt numFmtId="164" '
        'formatCode="[$-40C]hh&quot;h&quot;mm"/></numFmts><cellStyleXfs><xf numFmtId="14"/>'
        '</cellStyleXfs><cellXfs><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/>'
        "</cellXfs></styleSheet>",
        "xl/textes.xml": f'<sst xmlns="{NS_MAIN}"><si><t>date</t></si><si><t>heure</t></si>'
        "<si><t>service</t></si><si><t>nombre</t></si><si><r><t>Épi</t></r><r><rPr><b/>"
        "</rPr><t>cerie</t></r><rPh><t>エピ</t></rPh></si></sst>",
        "xl/feuilles/a.xml": f'<x:worksheet xmlns:x="{NS_MAIN}"><x:sheetData><x:row>'
        '<x:c t="s"><x:v>0</x:v></x:c><x:c t="s"><x:v>1</x:v></x:c><x:c t="s"><x:v>2</x:v>'
        '</x:c><x:c t="s"><x:v>3</x:v></x:c></x:row><x:row><x:c s="1"><x:v>'
        f'{serial}</x:v></x:c><x:c s="2"><x:v>0.5</x:v></x:c><x:c t="s"><x:v>4</x:v></x:c>'
        "<x:c><x:f>1+1</x:f><x:v>2</x:v></x:c></x:row></x:sheetData></x:worksheet>",
    }
    path = tmp_path / "excel.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)

    result = app.imports.import_visits(site.id, path)

    assert (result.rows, result.visits) == (1, 2)
    assert [(v["date"], v["time"], v["service"]) for v in stored_visits(app)] == [
        (date(2025, 2, 3), time(12, 0), "Épicerie")
    ]


def test_an_ods_sheet_of_spaces_notes_merged_and_repeated_cells_is_read(
    app: Comptoir, site: SiteInfo, tmp_path: Path
) -> None:
    """What LibreOffice writes beyond plain cells: runs of spaces as ``text:s``, a comment on
    a cell, empty cells by the thousand, a merged cell, a row repeated."""
    cell = '<table:table-cell office:value-type="string"><text:p>{}</text:p></table:table-cell>'
    path = tmp_path / "libre.fods"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><office:document xmlns:office="urn:oasis:names'
        ':tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:'
        'xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">'
        '<office:body><office:spreadsheet><table:table table:name="Accueil">'
        "<table:table-header-rows><table:table-row>"
        + cell.format("date")
        + '<table:table-cell table:number-columns-repeated="2"/>'
        + cell.format("service")
        + cell.format("nombre")
        + "</table:table-row></table:table-header-rows>"
        '<table:table-row table:number-rows-repeated="2">'
        '<table:table-cell office:value-type="date" office:date-value="2025-02-03T00:00:00">'
        "<text:p>lundi 3 février</text:p></table:table-cell>"
        '<table:table-cell table:number-columns-spanned="2"><text:p>fusionnée</text:p>'
        "</table:table-cell><table:covered-table-cell/>"
        '<table:table-cell office:value-type="string"><office:annotation><text:p>à revoir'
        '</text:p></office:annotation><text:p>Café<text:s/>/<text:s text:c="1"/>'
        "<text:span>convivialité</text:span></text:p></table:table-cell>"
        '<table:table-cell office:value-type="float" office:value="4"><text:p>4,0</text:p>'
        "</table:table-cell>"
        '<table:table-cell table:number-columns-repeated="1020"/></table:table-row>'
        '<table:table-row table:number-rows-repeated="1048000"><table:table-cell '
        'table:number-columns-repeated="1024"/></table:table-row>'
        "</table:table></office:spreadsheet></office:body></office:document>",
        encoding="utf-8",
    )

    result = app.imports.import_visits(site.id, path)

    assert (result.rows, result.visits) == (2, 8)
    assert [(v["date"], v["service"], v["count"]) for v in stored_visits(app)] == [
        (date(2025, 2, 3), "Café / convivialité", 4)
    ] * 2
