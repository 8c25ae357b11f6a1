"""Imports of the spreadsheets sites kept before: what lands in the database from good files of
every shape, and, for each kind of bad cell, the line and column the coordinator is told about,
with nothing written."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from placetime import place_today
from sqlalchemy import func, select

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import ImportFileError
from tiers_lieu.models import AssistanceRecord, AuditEntry, Category, Commune, Service, Visit
from tiers_lieu.services.readmodels import SiteInfo

DATA = Path(__file__).parent.parent / "data" / "imports"
HEADER = "date;heure;service;nombre;commune;tranche_age;genre;statut"
GOOD_LINE = "03/02/2025;10:00;Accueil / information;1;Felletin;40-59;Féminin;Retraité"
ASSISTANCE_HEADER = (
    "date;organisme;theme;type;duree_min;issue;orientation;commune;tranche_age;genre;statut"
)
ASSISTANCE_LINE = "05/03/2025;CAF;Logement;Aide à une démarche en ligne;30;Finalisée;;;;;"


def write(tmp_path: Path, text: str, name: str = "import.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def count(app: Comptoir, model: Any) -> int:
    with app.uow() as uow:
        return int(uow.session.execute(select(func.count()).select_from(model)).scalar_one())


def stored_visits(app: Comptoir) -> list[dict[str, Any]]:
    """The visits as a coordinator would read them: labels, not ids."""
    with app.uow() as uow:
        services = dict(uow.session.execute(select(Service.id, Service.name)).all())
        labels = dict(uow.session.execute(select(Category.id, Category.label)).all())
        communes = dict(uow.session.execute(select(Commune.id, Commune.name)).all())
        rows = uow.session.execute(
            select(Visit).order_by(Visit.activity_date, Visit.activity_time)
        ).scalars()
        return [
            {
                "date": v.activity_date,
                "time": v.activity_time,
                "service": services[v.service_id],
                "count": v.count,
                "commune": communes.get(v.commune_id),
                "age": labels.get(v.age_band_id),
                "gender": labels.get(v.gender_id),
                "status": labels.get(v.status_id),
                "source": v.source,
            }
            for v in rows
        ]


EXPECTED_SAMPLE = [
    ("Accueil / information", 1, "Felletin", "40-59", "Féminin", "Retraité"),
    ("Épicerie", 1, "Felletin", "70+", "Féminin", "Retraité"),
    ("Café / convivialité", 6, "Vallière", None, None, None),
    ("Relais colis / poste", 1, None, None, "Masculin", "En emploi"),
]


@pytest.mark.parametrize(
    "name",
    [
        "visites_utf8_bom.csv",
        "visites_cp1252.csv",
        "visites_virgule.csv",
        "visites_texte_unicode.txt",  # Excel's « Texte Unicode »: UTF-16 and tabs
    ],
)
def test_a_visits_sheet_is_imported_whatever_its_encoding_or_separator(
    app: Comptoir, site: SiteInfo, name: str
) -> None:
    result = app.imports.import_visits(site.id, DATA / name)

    assert (result.rows, result.visits) == (4, 9)
    assert result.headline() == "4 lignes importées : 9 visites."
    visits = stored_visits(app)
    assert [
        (v["service"], v["count"], v["commune"], v["age"], v["gender"], v["status"]) for v in visits
    ] == EXPECTED_SAMPLE
    assert [v["date"] for v in visits] == [date(2025, 2, 3)] * 2 + [date(2025, 2, 4)] * 2
    assert [v["time"] for v in visits] == [time(10, 15), time(10, 40), None, time(16, 30)]
    assert {v["source"] for v in visits} == {"import"}
    # « Vallière » was not known: added outside the territory, named as written.
    added = [c.name for c in app.communes.list_communes(site.id) if not c.in_territory]
    assert added == ["Vallière"]
    assert "1 commune ajoutée hors territoire : Vallière." in result.describe()


def test_an_xlsx_with_real_date_cells_and_text_dates_is_imported(
    app: Comptoir, site: SiteInfo, tmp_path: Path
) -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Date", "Heure", "Service", "Nombre", "Commune", "Tranche d'âge", "Genre"])
    sheet.append([datetime(2025, 1, 6), time(9, 30), "Épicerie", 2, 23079, "25-39", "Masculin"])
    sheet.append(["07/01/2025", "14:05", "coworking", None, "Felletin", None, None])
    sheet.append([date(2025, 1, 8), None, "AMAP", 1.0, None, "70+", "F"])
    path = tmp_path / "visites.xlsx"
    workbook.save(path)

    result = app.imports.import_visits(site.id, path)

    assert (result.rows, result.visits) == (3, 4)
    visits = stored_visits(app)
    assert [(v["date"], v["time"], v["service"], v["count"]) for v in visits] == [
        (date(2025, 1, 6), time(9, 30), "Épicerie", 2),
        (date(2025, 1, 7), time(14, 5), "Coworking", 1),
        (date(2025, 1, 8), None, "AMAP", 1),
    ]
    assert [v["commune"] for v in visits] == ["Felletin", "Felletin", None]
    assert [v["gender"] for v in visits] == ["Masculin", None, "Féminin"]


def test_optional_columns_may_be_absent_and_header_variants_are_understood(
    app: Comptoir, site: SiteInfo, tmp_path: Path
) -> None:
    minimal = write(tmp_path, "DATE,Service\n2025-02-03,Santé\n3/2/2025,Santé\n", "min.csv")
    result = app.imports.import_visits(site.id, minimal)
    assert (result.rows, result.visits) == (2, 2)
    variants = write(
        tmp_path,
        "Jour;SERVICE;Nombre de personnes;Commune de résidence;Tranche d'âge;Sexe;Situation;"
        "Remarque\n01/02/2025;Écrivain public;3;Felletin;18-24;Homme;Scolarisé;rien\n",
        "variants.csv",
    )
    result = app.imports.import_visits(site.id, variants)
    assert result.ignored_columns == ("remarque",)
    last = [v for v in stored_visits(app) if v["service"] == "Écrivain public"]
    assert [(v["count"], v["age"], v["gender"], v["status"]) for v in last] == [
        (3, "18-24", "Masculin", "Scolarisé")
    ]
    assert [v["count"] for v in stored_visits(app) if v["service"] == "Santé"] == [1, 1]


BAD_CELLS = [
    ("date", "31/02/2025", "date impossible « 31/02/2025 »"),
    ("date", "3 février", "date illisible « 3 février »"),
    ("date", "", "date manquante"),
    ("heure", "25:00", "heure illisible « 25:00 »"),
    ("heure", "midi", "heure illisible « midi »"),
    (
        "service",
        "Epicerie fine",
        "service inconnu « Epicerie fine » (services : Accueil / information, Coworking,",
    ),
    ("nombre", "0", "nombre invalide « 0 » (un nombre entier d'au moins 1)"),
    ("nombre", "deux", "nombre invalide « deux »"),
    ("nombre", "5000", "nombre trop grand « 5000 »"),
    ("tranche_age", "30-39", "valeur inconnue « 30-39 » (valeurs : <12, 12-17,"),
    ("genre", "Autre", "valeur inconnue « Autre » (valeurs : Féminin, Masculin, Non communiqué)"),
    ("statut", "Chômeur", "valeur inconnue « Chômeur »"),
    ("commune", "23999", "code INSEE inconnu « 23999 »"),
]


@pytest.mark.parametrize(("column", "value", "message"), BAD_CELLS)
def test_each_kind_of_bad_cell_is_reported_with_its_line_and_column(
    app: Comptoir, site: SiteInfo, tmp_path: Path, column: str, value: str, message: str
) -> None:
    columns = HEADER.split(";")
    cells = GOOD_LINE.split(";")
    cells[columns.index(column)] = value
    path = write(tmp_path, "\n".join([HEADER, GOOD_LINE, ";".join(cells), GOOD_LINE]) + "\n")

    with pytest.raises(ImportFileError) as caught:
        app.imports.import_visits(site.id, path)

    assert [str(e) for e in caught.value.lines] == [
        f"Ligne 3, colonne {column} : " + caught.value.lines[0].message
    ]
    assert message in caught.value.message
    assert "Import refusé, rien n'a été enregistré" in caught.value.message
    assert count(app, Visit) == 0


def test_a_future_date_is_refused(app: Comptoir, site: SiteInfo, tmp_path: Path) -> None:
    tomorrow = (place_today() + timedelta(days=1)).strftime("%d/%m/%Y")
    path = write(tmp_path, f"date;service\n{tomorrow};Coworking\n")
    with pytest.raises(ImportFileError) as caught:
        app.imports.import_visits(site.id, path)
    assert str(caught.value.lines[0]).startswith(
        f"Ligne 2, colonne date : date dans le futur « {tomorrow} »"
    )


def test_a_missing_required_column_is_named(app: Comptoir, site: SiteInfo, tmp_path: Path) -> None:
    path = write(tmp_path, "date;nombre\n03/02/2025;2\n")
    with pytest.raises(ImportFileError) as caught:
        app.imports.import_visits(site.id, path)
    assert [str(e) for e in caught.value.lines] == [
        "Ligne 1, colonne service : colonne obligatoire absente de la première ligne"
    ]


def test_every_problem_of_a_refused_file_is_listed_and_nothing_is_written(
    app: Comptoir, site: SiteInfo, tmp_path: Path
) -> None:
    app.imports.import_visits(site.id, DATA / "visites_utf8_bom.csv")
    before = (count(app, Visit), count(app, Commune), count(app, AuditEntry))
    path = write(
        tmp_path,
        "\n".join(
            [
                HEADER,
                GOOD_LINE,
                "03/02/2025;;Épicerie;1;Nouvelle-Commune;;;",  # good, with a new commune
                "2025-13-01;;Épicerie;1;;;;",
                GOOD_LINE,
                "03/02/2025;;Boulangerie;0;;;;",
            ]
        )
        + "\n",
    )

    with pytest.raises(ImportFileError) as caught:
        app.imports.import_visits(site.id, path)

    assert [(e.line, getattr(e, "column", "")) for e in caught.value.lines] == [
        (4, "date"),
        (6, "service"),
        (6, "nombre"),
    ]
    assert (count(app, Visit), count(app, Commune), count(app, AuditEntry)) == before


def test_a_dry_run_says_what_would_be_imported_and_writes_nothing(
    app: Comptoir, site: SiteInfo
) -> None:
    result = app.imports.import_visits(site.id, DATA / "visites_virgule.csv", dry_run=True)

    assert result.dry_run
    assert [(b.label, b.rows, b.amount) for b in result.by_service] == [
        ("Café / convivialité", 1, 6),
        ("Accueil / information", 1, 1),
        ("Relais colis / poste", 1, 1),
        ("Épicerie", 1, 1),
    ]
    assert result.new_communes == ("Vallière",)
    assert [p.service for p in result.preview] == [s for s, *_rest in EXPECTED_SAMPLE]
    text = result.describe()
    assert text.startswith("4 lignes à importer : 9 visites.")
    assert "Simulation : rien n'a été enregistré." in text
    assert (count(app, Visit), count(app, Commune)) == (0, 1)


def test_an_import_is_audited(app: Comptoir, site: SiteInfo) -> None:
    app.imports.import_visits(site.id, DATA / "visites_virgule.csv")
    with app.uow() as uow:
        [(entity, details)] = uow.session.execute(
            select(AuditEntry.entity, AuditEntry.details)
        ).all()
    assert entity == "visit_import"
    assert '"rows": 4' in details and '"visits": 9' in details


# -- assistance ----------------------------------------------------------------------------


def test_assistance_records_are_imported_without_creating_visits(
    app: Comptoir, site: SiteInfo
) -> None:
    result = app.imports.import_assistance(site.id, DATA / "demarches.csv")

    assert (result.rows, result.minutes) == (3, 90)
    assert result.headline() == ("3 lignes importées : 3 démarches, 90 minutes d'accompagnement.")
    assert count(app, Visit) == 0
    with app.uow() as uow:
        labels = dict(uow.session.execute(select(Category.id, Category.label)).all())
        records = (
            uow.session.execute(select(AssistanceRecord).order_by(AssistanceRecord.duration_min))
            .scalars()
            .all()
        )
        shown = [
            (
                labels[r.operator_id],
                labels[r.outcome_id],
                labels.get(r.orientation_id),
                r.duration_min,
                r.source,
                r.visit_id,
                r.follow_up_due,
            )
            for r in records
        ]
    assert shown == [
        ("Assurance maladie (CPAM)", "Orientée", "Organisme en charge", 15, "import", None, None),
        ("CAF", "Finalisée", None, 30, "import", None, None),
        ("Impôts (DGFiP)", "Doit revenir", None, 45, "import", None, None),
    ]
    assert result.new_communes == ("Gioux",)


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("organisme", "URSSAF", "valeur inconnue « URSSAF » (valeurs : CAF,"),
        ("organisme", "", "valeur obligatoire manquante"),
        ("theme", "Non communiqué", "valeur obligatoire manquante"),
        ("type", "Aide", "valeur inconnue « Aide »"),
        ("duree_min", "une heure", "durée invalide « une heure »"),
        ("duree_min", "", "durée manquante"),
        ("issue", "Terminée", "valeur inconnue « Terminée »"),
        ("orientation", "Organisme en charge", "ne s'indique que pour l'issue « Orientée »"),
    ],
)
def test_bad_assistance_cells_are_reported_with_line_and_column(
    app: Comptoir, site: SiteInfo, tmp_path: Path, column: str, value: str, message: str
) -> None:
    columns = ASSISTANCE_HEADER.split(";")
    cells = ASSISTANCE_LINE.split(";")
    cells[columns.index(column)] = value
    path = write(tmp_path, f"{ASSISTANCE_HEADER}\n{';'.join(cells)}\n")
    with pytest.raises(ImportFileError) as caught:
        app.imports.import_assistance(site.id, path)
    [error] = caught.value.lines
    assert str(error).startswith(f"Ligne 2, colonne {column} : ")
    assert message in error.message
    assert count(app, AssistanceRecord) == 0


def test_orientation_is_required_when_the_outcome_is_oriented(
    app: Comptoir, site: SiteInfo, tmp_path: Path
) -> None:
    line = "05/03/2025;MSA;Social - Santé;Information / orientation;10;orientee;;;;;"
    path = write(tmp_path, f"{ASSISTANCE_HEADER}\n{ASSISTANCE_LINE}\n{line}\n")
    with pytest.raises(ImportFileError) as caught:
        app.imports.import_assistance(site.id, path)
    assert [str(e) for e in caught.value.lines] == [
        "Ligne 3, colonne orientation : orientation obligatoire quand l'issue est « Orientée »"
    ]
    assert count(app, AssistanceRecord) == 0


def test_an_assistance_dry_run_writes_nothing(app: Comptoir, site: SiteInfo) -> None:
    result = app.imports.import_assistance(site.id, DATA / "demarches.csv", dry_run=True)
    assert [(b.label, b.amount) for b in result.by_operator] == [
        ("Assurance maladie (CPAM)", 1),
        ("CAF", 1),
        ("Impôts (DGFiP)", 1),
    ]
    assert count(app, AssistanceRecord) == 0
    assert "Simulation" in result.describe()


def test_a_file_with_only_its_header_is_refused(
    app: Comptoir, site: SiteInfo, tmp_path: Path
) -> None:
    path = write(tmp_path, HEADER + "\n;;;;;;;\n")
    with pytest.raises(ImportFileError) as caught:
        app.imports.import_visits(site.id, path)
    assert [str(e) for e in caught.value.lines] == [
        "Ligne 2 : aucune ligne à importer sous l'en-tête"
    ]
