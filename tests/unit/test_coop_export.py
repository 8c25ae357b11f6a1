"""The Coop de la médiation numérique's activity export, read back as a coordinator opens it:
the sheet « Activités » laid out as the Coop's builder lays it out (its spec's cells), the
table's headers in its order, its labels (copied from its repository into
``tests/data/coop-mediation-numerique/labels.json``), one « Atelier collectif » row per
workshop with its participants, figures equal to the report's, the command line's kind, and
the refusals of a value its lists do not hold, naming the field.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from placetime import place_today
from rolesdemo import PASSWORD, TODAY, make_demo
from sqlmodel import select

from tiers_lieu.__main__ import main
from tiers_lieu.app import Comptoir
from tiers_lieu.errors import ValidationError
from tiers_lieu.models import AssistanceRecord, Category, Person
from tiers_lieu.models.enums import CategoryKind, Role
from tiers_lieu.reports.documents.coop import write_coop_csv, write_coop_xlsx
from tiers_lieu.services import coop_vocabulary as vocabulary
from tiers_lieu.services.assistance import AssistanceInput
from tiers_lieu.services.coop_export import COLUMNS
from tiers_lieu.services.events import EventFields, HeadCountLine
from tiers_lieu.services.readmodels import SiteInfo

DATA = Path(__file__).parents[1] / "data" / "coop-mediation-numerique" / "labels.json"
COOP = json.loads(DATA.read_text(encoding="utf-8"))
START, END = date(2026, 1, 1), date(2026, 3, 31)
HEADER_ROW = 22  # the separator line, then the table (the Coop's builder)


def category(app: Comptoir, site: SiteInfo, kind: CategoryKind, label: str) -> uuid.UUID:
    return next(c.id for c in app.config.list_categories(site.id, kind) if c.label == label)


def record(app: Comptoir, site: SiteInfo, **values: Any) -> None:
    given: dict[str, Any] = {
        "activity_date": date(2026, 1, 20),
        "operator_id": category(app, site, CategoryKind.OPERATOR, "CAF"),
        "theme_id": category(app, site, CategoryKind.THEME, "Travail - Formation"),
        "help_type_id": category(app, site, CategoryKind.HELP_TYPE, "Information / orientation"),
        "outcome_id": category(app, site, CategoryKind.OUTCOME, "Finalisée"),
        "duration_min": 20,
    }
    app.assistance.create(site.id, AssistanceInput(**(given | values)))


def workshop(app: Comptoir, site: SiteInfo, day: date = date(2026, 2, 10)) -> uuid.UUID:
    """« Premiers pas sur tablette », 7 participants: 4 women, 3 people unknown."""
    info = app.events.create(
        site.id,
        EventFields(
            title="Premiers pas sur tablette",
            event_date=day,
            start_time=time(14, 0),
            duration_min=90,
            workshop_level="debutant",
            digital_themes=("navigation_sur_internet", "prendre_en_main_du_materiel"),
            equipment=("tablette",),
            channel="lieu_activite",
            capacity=10,
        ),
    )
    woman = category(app, site, CategoryKind.GENDER, "Féminin")
    app.events.set_head_counts(info.id, [HeadCountLine(4, gender_id=woman), HeadCountLine(3)])
    return info.id


@pytest.fixture
def filled(app: Comptoir, site: SiteInfo) -> dict[str, Any]:
    """Two démarches (one with every field), a workshop of 7, and one démarche in April."""
    felletin = app.communes.find_or_add(site.id, "23079")
    with app.uow() as uow:
        person = Person(
            site_id=site.id,
            first_name="Lucie",
            last_name="Marchand",
            consent_given_at=datetime(2026, 1, 2, tzinfo=UTC),
        )
        uow.session.add(person)
        uow.commit()
        person_id = person.id
    record(
        app,
        site,
        activity_date=date(2026, 1, 15),
        activity_time=time(9, 30),
        outcome_id=category(app, site, CategoryKind.OUTCOME, "Orientée"),
        orientation_id=category(app, site, CategoryKind.ORIENTATION, "Insertion professionnelle"),
        place_id=category(app, site, CategoryKind.PLACE, "À domicile"),
        commune_id=felletin.id,
        gender_id=category(app, site, CategoryKind.GENDER, "Féminin"),
        age_band_id=category(app, site, CategoryKind.AGE_BAND, "70+"),
        status_id=category(app, site, CategoryKind.STATUS, "Retraité"),
        person_id=person_id,
        note="Dossier APL secret",
        duration_min=45,
        equipment=("telephone", "ordinateur"),
        autonomy="partiellement_autonome",
        digital_themes=("email",),
        demarche_name="Inscription à France Travail",
    )
    record(app, site)  # anonymous, nothing but what the form requires
    record(app, site, activity_date=date(2026, 4, 1))
    event_id = workshop(app, site)
    return {"event_id": event_id, "person_id": person_id}


def table(path: Path) -> list[dict[str, object]]:
    sheet = openpyxl.load_workbook(path)["Activités"]
    rows = list(sheet.iter_rows(min_row=HEADER_ROW, values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]  # type: ignore[arg-type]


# -- the sheet ------------------------------------------------------------------------------
def test_the_sheet_is_laid_out_as_the_coops_builder_lays_it_out(
    app: Comptoir, site: SiteInfo, filled: dict[str, Any], tmp_path: Path
) -> None:
    coordinator = app.accounts.create_user(
        username="marie", display_name="Marie Dupont", role=Role.COORDINATOR, password=PASSWORD
    )
    app.access.sign_in(coordinator)
    export = app.assistance.coop_activities([site.id], start=START, end=END)
    path = tmp_path / "coop.xlsx"
    assert write_coop_xlsx(export, path) == 3

    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Activités"]
    sheet = book["Activités"]
    spec = COOP["spec_cells"]["cells"]
    for cell in ("A1", "A2", "A9", "A13"):  # the cells the Coop's spec reads
        assert sheet[cell].value == spec[cell]
    assert sheet["A1"].font.bold and sheet["A9"].font.bold
    labels = [sheet.cell(row=r, column=1).value for r in range(2, 8)]
    assert labels == COOP["export_metadata"]["rows"]
    assert [sheet.cell(row=r, column=2).value for r in range(2, 6)] == [
        "Dupont",
        "Marie",
        "Coordinateur",
        1 + 1 + 7,  # the Coop's total: accompaniments, a workshop's participants each
    ]
    exported = datetime.strptime(f"{sheet['B6'].value} {sheet['B7'].value}", "%d/%m/%Y %H:%M")
    assert abs(exported.date() - place_today()) <= timedelta(days=1)  # the place's clock
    filters = [sheet.cell(row=r, column=1).value for r in range(10, 20)]
    assert filters == COOP["filters"]["rows"][:10]
    assert sheet["B10"].value == "01.01.2026 - 31.03.2026"
    assert sheet["B12"].value == "Le Comptoir de Felletin"
    assert sheet["B13"].value == "-"  # no filter, as the Coop writes it
    assert all(sheet.cell(row=r, column=1).value is None for r in (8, 20, 21))

    header = [c.value for c in sheet[HEADER_ROW]]
    assert header == COOP["headers"]["self_export_with_v1_source"] == list(COLUMNS)
    (coop_table,) = sheet.tables.values()
    assert coop_table.displayName == "Activités"
    assert coop_table.ref == f"A{HEADER_ROW}:AD{HEADER_ROW + 3}"
    assert [c.name for c in coop_table.tableColumns] == list(COLUMNS)
    assert sheet.cell(row=HEADER_ROW + 1, column=1).number_format == "dd/mm/yyyy"
    assert sheet.cell(row=HEADER_ROW + 1, column=16).alignment.wrap_text  # several themes


def test_the_csv_holds_the_table_with_the_coops_headers(
    app: Comptoir, site: SiteInfo, filled: dict[str, Any], tmp_path: Path
) -> None:
    export = app.assistance.coop_activities([site.id], start=START, end=END)
    path = tmp_path / "coop.csv"
    assert write_coop_csv(export, path) == 3
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows[0] == COOP["headers"]["self_export_with_v1_source"]
    by_type = [row[3] for row in rows[1:]]  # newest first, as the Coop lists them
    assert by_type == [
        "Atelier collectif",
        "Accompagnement individuel",
        "Accompagnement individuel",
    ]
    assert rows[1][0] == "10/02/2026" and rows[1][4] == "7"
    assert rows[3][0] == "15/01/2026"
    # Several values in one cell, one a line, as in the Coop's sheet.
    assert rows[3][15] == (
        "E-mail\nAide aux démarches administratives\nTravail - Formation - Entreprise"
    )


def test_an_accompaniment_carries_the_coops_labels(
    app: Comptoir, site: SiteInfo, filled: dict[str, Any], tmp_path: Path
) -> None:
    path = tmp_path / "coop.xlsx"
    write_coop_xlsx(app.assistance.coop_activities([site.id], start=START, end=END), path)
    rows = table(path)
    full = next(r for r in rows if r["Date"] == datetime(2026, 1, 15))
    lists = {name: set(entry["labels"].values()) for name, entry in COOP["lists"].items()}
    assert full["Type"] == "Accompagnement individuel" and full["Participants"] == 1
    assert full["Bénéficiaire"] == "Bénéficiaire anonyme"  # never a name
    assert full["Canaux d’accompagnement"] == "À domicile" in lists["type_lieu"]
    assert full["Nom du lieu"] is None  # at home: Comptoir does not know that address
    assert full["Durée (min)"] == 45
    assert full["Matériel numérique utilisé"] == "Ordinateur\nTéléphone"
    assert full["Thématique(s) d’accompagnement"] == (
        "E-mail\nAide aux démarches administratives\nTravail - Formation - Entreprise"
    )
    assert full["Nom de la démarche administrative"] == "Inscription à France Travail"
    assert full["Niveau d’autonomie (ou de l’atelier)"] == "2/3"
    assert full["Bénéficiaire réorienté"] == "Oui"
    assert full["Structure de redirection"] == (
        "Structure d’insertion professionnelle (France Travail, mission locale, chambre de "
        "commerce…)"
    )
    assert full["Structure de redirection"] in lists["structures_redirection"]
    assert (full["Commune du bénéficiaire"], full["Code Insee du bénéficiaire"]) == (
        "Felletin",
        "23079",
    )
    assert full["Code postal du bénéficiaire"] == "23500"
    assert full["Genre du bénéficiaire"] == "Féminin" in lists["genre"]
    assert full["Tranche d’âge du bénéficiaire"] == "70 ans et plus" in lists["tranche_age"]
    assert full["Statut du bénéficiaire"] == "Retraité" in lists["statut_social"]
    assert full["Notes supplémentaires"] is None  # never a note
    assert full["Source de la donnée"] == "Comptoir"
    with app.uow() as uow:
        saved = uow.session.exec(
            select(AssistanceRecord).where(AssistanceRecord.activity_date == date(2026, 1, 15))
        ).one()
        assert full["ID CRA"] == str(saved.id)
    flat = " ".join(str(v) for row in rows for v in row.values())
    assert "Marchand" not in flat and "secret" not in flat

    bare = next(r for r in rows if r["Date"] == datetime(2026, 1, 20))
    assert bare["Canaux d’accompagnement"] is None  # « Lieu » not given
    assert bare["Nom du lieu"] == "Le Comptoir de Felletin"
    assert (bare["Commune"], bare["Code Insee"], bare["Code postal"]) == (
        "Felletin",
        "23079",
        "23500",
    )
    assert bare["Bénéficiaire réorienté"] == "Non" and bare["Structure de redirection"] is None
    assert (bare["Genre du bénéficiaire"], bare["Tranche d’âge du bénéficiaire"]) == (
        "Non communiqué",
        "Non communiqué",
    )
    assert bare["Statut du bénéficiaire"] == "Non communiqué ou hétérogène"
    assert bare["Niveau d’autonomie (ou de l’atelier)"] is None
    assert bare["Dernière modification le"] is None  # never changed
    assert str(bare["Enregistré le"]).count(" à ") == 1


def test_a_workshop_of_seven_is_one_collective_row_of_seven(
    app: Comptoir, site: SiteInfo, filled: dict[str, Any], tmp_path: Path
) -> None:
    path = tmp_path / "coop.xlsx"
    write_coop_xlsx(app.assistance.coop_activities([site.id], start=START, end=END), path)
    (row,) = [r for r in table(path) if r["Type"] == "Atelier collectif"]
    assert row["Participants"] == 7
    assert row["Nom de l’atelier"] == "Premiers pas sur tablette"
    assert row["Durée (min)"] == 90
    assert row["Canaux d’accompagnement"] == "Lieu d’activité"
    assert row["Matériel numérique utilisé"] == "Tablette"
    assert row["Thématique(s) d’accompagnement"] == (
        "Prendre en main du matériel\nNavigation sur internet"
    )
    assert row["Niveau d’autonomie (ou de l’atelier)"] == "1/3"  # Débutant
    assert row["Bénéficiaire"] is None and row["Bénéficiaire réorienté"] is None
    # 4 women and 3 unknown: not one gender for all.
    assert row["Genre du bénéficiaire"] == "Non communiqué"
    assert row["ID CRA"] == str(filled["event_id"])


def test_the_places_postal_code_follows_its_card_and_the_command_line_has_no_account(
    app: Comptoir, site: SiteInfo, filled: dict[str, Any]
) -> None:
    from tiers_lieu.services.public_card import PublicCard

    app.config.save_public_card(site.id, PublicCard(pivot="W231000123", code_postal="23501"))
    export = app.assistance.coop_activities([site.id], start=START, end=END)
    assert {r.postal_code for r in export.rows if r.place_name} == {"23501"}
    assert (export.last_name, export.first_name, export.role) == ("", "", "Rôle non défini")


# -- figures --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo_db(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_demo(template_db, tmp_path_factory.mktemp("coop") / "demo.sqlite", seed=11)


def test_figures_agree_with_the_report(demo_app: Comptoir, tmp_path: Path) -> None:
    start, end = date(TODAY.year - 1, 1, 1), TODAY
    report = demo_app.reports.compute(period_start=start, period_end=end)
    path = tmp_path / "coop.xlsx"
    write_coop_xlsx(demo_app.assistance.coop_activities(None, start=start, end=end), path)
    rows = table(path)
    individual = [r for r in rows if r["Type"] == "Accompagnement individuel"]
    collective = [r for r in rows if r["Type"] == "Atelier collectif"]
    assert individual and collective
    assert len(individual) == report.value("assistance.total")
    assert sum(r["Durée (min)"] for r in individual) == report.value("assistance.minutes")  # type: ignore[misc]
    assert len(collective) == report.value("events.total")
    assert sum(r["Participants"] for r in collective) == report.value("events.participants")  # type: ignore[misc]
    oriented = [r for r in individual if r["Bénéficiaire réorienté"] == "Oui"]
    assert len(oriented) == sum(
        i.value for i in report.indicators if i.code == "assistance.by_orientation"
    )
    sheet = openpyxl.load_workbook(path)["Activités"]
    assert sheet["B5"].value == len(individual) + report.value("events.participants")
    # The demo's values are the Coop's labels (or empty).
    lists = {name: set(entry["labels"].values()) for name, entry in COOP["lists"].items()}
    themes = lists["thematiques_non_administratives"] | lists["thematiques_administratives"]
    for row in rows:
        for value in str(row["Thématique(s) d’accompagnement"] or "").split("\n"):
            assert value in themes | {""}
        for value in str(row["Matériel numérique utilisé"] or "").split("\n"):
            assert value in lists["materiel"] | {""}
        assert row["Canaux d’accompagnement"] in lists["type_lieu"] | {None}
        assert row["Tranche d’âge du bénéficiaire"] in lists["tranche_age"]
    assert any(r["Nom de la démarche administrative"] for r in individual)
    assert any(r["Niveau d’autonomie (ou de l’atelier)"] for r in collective)


# -- the vocabulary -------------------------------------------------------------------------
VOCABULARIES = {
    "type_lieu": vocabulary.CHANNELS,
    "materiel": vocabulary.EQUIPMENT,
    "autonomie": vocabulary.AUTONOMY,
    "niveau_atelier": vocabulary.WORKSHOP_LEVELS,
    "thematiques_non_administratives": vocabulary.DIGITAL_THEMES,
    "thematiques_administratives": vocabulary.DEMARCHE_THEMES,
    "structures_redirection": vocabulary.REDIRECTIONS,
}


@pytest.mark.parametrize("name", sorted(VOCABULARIES))
def test_keys_and_labels_are_the_coops(name: str) -> None:
    ours = VOCABULARIES[name]
    labels, api = COOP["lists"][name]["labels"], COOP["api_values"][name]
    assert dict(ours.labels) == {api[enum]: label for enum, label in labels.items()}
    if name in COOP["stars"]:
        stars = COOP["stars"][name]["stars"]
        assert dict(ours.stars) == {api[enum]: n for enum, n in stars.items()}


def test_people_lists_are_the_coops() -> None:
    for name, ours in (
        ("genre", vocabulary.GENDERS),
        ("tranche_age", vocabulary.AGE_BANDS),
        ("statut_social", vocabulary.STATUSES),
    ):
        assert list(ours.labels.values()) == list(COOP["lists"][name]["labels"].values())
    types = COOP["lists"]["type_activite"]["labels"]
    assert (
        types["Individuel"],
        types["Collectif"],
    ) == (vocabulary.INDIVIDUAL, vocabulary.COLLECTIVE)


def test_our_default_lists_map_onto_the_coops_and_others_fall_back() -> None:
    from tiers_lieu.defaults import DEFAULT_CATEGORIES

    themes = [vocabulary.demarche_theme(t) for t in DEFAULT_CATEGORIES[CategoryKind.THEME]]
    assert themes == list(vocabulary.DEMARCHE_THEMES.labels)  # one to one, in order
    redirections = {vocabulary.redirection(o) for o in DEFAULT_CATEGORIES[CategoryKind.ORIENTATION]}
    assert redirections == set(vocabulary.REDIRECTIONS.labels)  # the 7 structures
    ages = [vocabulary.age_band(a) for a in DEFAULT_CATEGORIES[CategoryKind.AGE_BAND]]
    assert ages == list(vocabulary.AGE_BANDS.labels)[-2::-1]  # youngest first, all known
    assert {vocabulary.gender(g) for g in DEFAULT_CATEGORIES[CategoryKind.GENDER]} == {
        "feminin",
        "masculin",
    }
    statuses = {vocabulary.status(s) for s in DEFAULT_CATEGORIES[CategoryKind.STATUS]}
    assert statuses == set(vocabulary.STATUSES.labels) - {"non_communique"}
    places = [vocabulary.channel_for_place(p) for p in DEFAULT_CATEGORIES[CategoryKind.PLACE]]
    assert places == ["lieu_activite", "domicile", "a_distance", "autre"]

    # A category a place renamed or added: the Coop's « Non communiqué » or « Autre ».
    assert vocabulary.demarche_theme("Vie quotidienne") is None
    assert vocabulary.redirection("Maison de l'emploi de Felletin") == "autre"
    assert vocabulary.age_band("60-74") == "non_communique"
    assert vocabulary.gender("Non binaire") == "non_communique"
    assert vocabulary.status("Étudiant") == "non_communique"
    assert vocabulary.channel_for_place("Mairie de Gentioux") == "autre"
    assert vocabulary.channel_for_place(None) is None


def test_a_renamed_category_exports_the_coops_fallback(
    app: Comptoir, site: SiteInfo, filled: dict[str, Any]
) -> None:
    with app.uow() as uow:
        for row in uow.session.exec(select(Category).where(Category.site_id == site.id)):
            if row.label in ("70+", "Insertion professionnelle", "Travail - Formation"):
                row.label = f"{row.label} (ancien)"
        uow.commit()
    export = app.assistance.coop_activities([site.id], start=START, end=END)
    full = next(r for r in export.rows if r.day == date(2026, 1, 15))
    assert full.age_band == "Non communiqué"
    assert full.redirection == "Autre"
    assert full.themes == "E-mail\nAide aux démarches administratives"


# -- refusals -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"equipment": ("ordinateur", "fax")}, "Matériel"),
        ({"autonomy": "autonomous"}, "Autonomie"),
        ({"digital_themes": ("email", "Logement")}, "Thématiques numériques"),
        ({"channel": "sur_place"}, "Canal"),
        ({"demarche_name": "x" * 201}, "Nom de la démarche"),
    ],
)
def test_a_demarche_value_outside_the_coops_lists_is_refused_naming_the_field(
    app: Comptoir, site: SiteInfo, values: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        record(app, site, **values)
    assert refused.value.field == field
    assert refused.value.message.startswith(field + " : ")
    with app.uow() as uow:
        assert uow.session.exec(select(AssistanceRecord)).first() is None


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"workshop_level": "expert"}, "Niveau"),
        ({"equipment": ("fax",)}, "Matériel"),
        ({"digital_themes": ("cuisine",)}, "Thématiques numériques"),
        ({"channel": "ailleurs"}, "Canal"),
        ({"capacity": 0}, "Places"),
    ],
)
def test_a_workshop_value_outside_the_coops_lists_is_refused_naming_the_field(
    app: Comptoir, site: SiteInfo, values: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        app.events.create(site.id, EventFields(title="Atelier", event_date=START, **values))
    assert refused.value.field == field


def test_a_workshop_keeps_the_coops_fields(app: Comptoir, site: SiteInfo) -> None:
    event_id = workshop(app, site)
    detail = app.events.get(event_id)
    event = detail.event
    assert (event.workshop_level, event.channel, event.capacity) == (
        "debutant",
        "lieu_activite",
        10,
    )
    assert event.digital_themes == ("prendre_en_main_du_materiel", "navigation_sur_internet")
    assert event.equipment == ("tablette",)
    assert event.participants == 7


def test_names_typed_before_are_suggested_most_used_first(app: Comptoir, site: SiteInfo) -> None:
    for name in ("Carte grise", "APL", "Carte grise", "", "  APL  ", "Carte grise"):
        record(app, site, demarche_name=name)
    record(app, site, demarche_name="Ancienne", activity_date=date(2024, 1, 1))
    assert app.assistance.demarche_names(site.id, since=date(2025, 1, 1)) == [
        "Carte grise",
        "APL",
    ]


# -- the command line -----------------------------------------------------------------------
def test_the_command_writes_the_coop_export(
    app: Comptoir, site: SiteInfo, filled: dict[str, Any], tmp_path: Path, capsys: Any
) -> None:
    db = str(app.url)
    out = tmp_path / "coop.xlsx"
    code = main(
        ["--db", db, "export", "coop", "--from", "2026-01-01", "--to", "2026-03-31",
         "--site", site.name, "--format", "xlsx", "--out", str(out)]
    )  # fmt: skip
    assert code == 0
    said = capsys.readouterr().out
    assert "2 démarches et 1 atelier (9 accompagnements)" in said
    assert len(table(out)) == 3

    out_csv = tmp_path / "coop.csv"
    assert main(["--db", db, "export", "coop", "--from", "2026-01-01", "--to", "2026-03-31",
                 "--format", "csv", "--out", str(out_csv)]) == 0  # fmt: skip
    assert out_csv.read_text(encoding="utf-8-sig").startswith("Date;Enregistré le;")


@pytest.mark.parametrize(
    ("options", "said"),
    [
        (["--format", "pdf"], "--format"),
        (["--from", "2026-03-31", "--to", "2026-01-01", "--format", "xlsx"], "--"),
        (["--to", "2026-01-01"], "--from et --to"),
    ],
)
def test_the_command_refuses_bad_options_and_writes_nothing(
    app: Comptoir, site: SiteInfo, tmp_path: Path, capsys: Any, options: list[str], said: str
) -> None:
    out = tmp_path / "sortie" / "coop.xlsx"
    out.parent.mkdir()
    argv = ["--db", str(app.url), "export", "coop", "--out", str(out), *options]
    if "--from" not in options and "--to" not in options:
        argv += ["--from", "2026-01-01", "--to", "2026-03-31"]
    assert main(argv) == 2
    assert said in capsys.readouterr().err
    assert list(out.parent.iterdir()) == []


def test_an_account_of_one_place_exports_that_place_only(two: Comptoir) -> None:
    from tiers_lieu.services.access import SiteAccessDeniedError

    places = {s.id: s for s in two.sites.list_sites()}
    everything = two.assistance.coop_activities(None, start=date(2025, 1, 1), end=TODAY)
    assert len({r.place_name for r in everything.rows} - {""}) == 2
    user = two.accounts.authenticate("a.mediator", PASSWORD)
    assert user.site_id is not None
    two.access.sign_in(user)
    mine = two.assistance.coop_activities(None, start=date(2025, 1, 1), end=TODAY)
    own = places[user.site_id].name
    assert mine.place_names == (own,)
    assert {r.place_name for r in mine.rows} <= {own, ""}
    (other,) = set(places) - {user.site_id}
    with pytest.raises(SiteAccessDeniedError):
        two.assistance.coop_activities([other], start=date(2025, 1, 1), end=TODAY)


def test_the_export_reads_the_same_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    from tiers_lieu.app import build

    app = build(pg_url)
    try:
        site = app.sites.init_site(
            name="Le Comptoir de Felletin", commune_name="Felletin", insee_code="23079"
        )
        record(app, site, demarche_name="Carte grise", equipment=("ordinateur",))
        workshop(app, site)
        assert app.assistance.demarche_names(site.id, since=START) == ["Carte grise"]
        path = tmp_path / "coop.xlsx"
        write_coop_xlsx(app.assistance.coop_activities(None, start=START, end=END), path)
        rows = table(path)
        assert [(r["Type"], r["Participants"]) for r in rows] == [
            ("Atelier collectif", 7),
            ("Accompagnement individuel", 1),
        ]
        assert rows[1]["Matériel numérique utilisé"] == "Ordinateur"
    finally:
        app.close()


def test_a_period_too_large_is_refused_before_reading_it(
    app: Comptoir, site: SiteInfo, filled: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tiers_lieu.services import coop_export

    monkeypatch.setattr(coop_export, "MAX_ROWS", 2)
    with pytest.raises(ValidationError) as refused:
        app.assistance.coop_activities([site.id], start=START, end=END)
    assert refused.value.field == "Période" and "plus de 2 activités" in refused.value.message
