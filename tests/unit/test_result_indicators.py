"""The result indicators a GAL asks for beside R.37: R.41 (population with improved access to
services, each commune once) and R.42 (people covered: each registered person once, plus the
people counted without a name), on a small base whose figures are worked out by hand below,
then read back from the CSV, the XLSX and the PDF with their definitions.

Populations come from the rows the test writes, or, for a commune of the territory with an
INSEE code and none recorded, from the official list shipped with Comptoir, read here
straight from its file.
"""

from __future__ import annotations

import csv
import gzip
import io
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar

import pytest
from openpyxl import load_workbook
from pdftext import pdf_text
from sqlmodel import select

from tiers_lieu.app import Comptoir
from tiers_lieu.app import build as build_app
from tiers_lieu.i18n import _
from tiers_lieu.models import Commune, Event, EventAttendance, Person, Service, Visit
from tiers_lieu.models.enums import CategoryKind
from tiers_lieu.reports.model import DEFINITIONS, SECTION_CODES, ReportData
from tiers_lieu.resources import resource
from tiers_lieu.services.assistance import AssistanceInput
from tiers_lieu.services.events import EventFields
from tiers_lieu.services.events_read import HeadCountLine
from tiers_lieu.services.readmodels import SiteInfo

MARCH = (date(2026, 3, 1), date(2026, 3, 31))
#: The definitions printed under « Résultats » (R.37, the people reached, R.41, R.42).
RESULT_DEFINITIONS = [d for d in DEFINITIONS if set(d.codes) & set(SECTION_CODES["results"])]
T = TypeVar("T")
CONSENT = datetime(2026, 1, 2, tzinfo=UTC)


def official_population(code: str) -> int:
    """The population the shipped list gives ``code``, read from the file itself."""
    with resource("communes", "communes.tsv.gz").open("rb") as raw:
        for line in gzip.decompress(raw.read()).decode("utf-8").splitlines():
            cells = line.split("\t")
            if cells[0] == "C" and cells[1] == code:
                return int(cells[5])
    raise AssertionError(code)


@dataclass
class Base:
    a: SiteInfo
    b: SiteInfo


def day(n: int) -> date:
    return date(2026, 3, n)


def first_category(app: Comptoir, site_id: uuid.UUID, kind: CategoryKind) -> uuid.UUID:
    return app.config.list_categories(site_id, kind)[0].id


def build(app: Comptoir, a: SiteInfo) -> Base:
    """Place A (home commune Felletin, INSEE 23079, no population recorded) and place B (home
    commune Croze, INSEE 23071, no population recorded)."""
    b = app.sites.init_site(name="La Grange", commune_name="Croze", insee_code="23071")
    limoges = app.communes.find_or_add(a.id, "Limoges")  # typed at the desk: outside
    with app.uow() as uow:
        s = uow.session

        def add(row: T) -> T:
            s.add(row)
            s.flush()
            return row

        def service(site_id: uuid.UUID, name: str) -> uuid.UUID:
            return s.exec(
                select(Service.id).where(Service.site_id == site_id, Service.name == name)
            ).one()

        felletin = s.exec(
            select(Commune).where(Commune.site_id == a.id, Commune.insee_code == "23079")
        ).one()
        croze = add(Commune(site_id=a.id, name="Croze", insee_code="23071", population=600))
        hameau = add(Commune(site_id=a.id, name="Le Hameau"))  # territory, population unknown
        valliere = add(Commune(site_id=a.id, name="Vallière", insee_code="23257", population=700))
        gentioux = add(Commune(site_id=a.id, name="Gentioux", insee_code="23090", population=350))
        later = add(Commune(site_id=a.id, name="Saint-Quentin", population=999))
        p = add(
            Person(
                site_id=a.id,
                first_name="P",
                last_name="A",
                commune_id=valliere.id,
                consent_given_at=CONSENT,
            )
        )
        q = add(Person(site_id=a.id, first_name="Q", last_name="A", consent_given_at=CONSENT))
        accueil = service(a.id, "Accueil / information")

        def visit(on: date, count: int = 1, **kw: Any) -> None:
            add(Visit(site_id=a.id, service_id=accueil, activity_date=on, count=count, **kw))

        for n in range(5):  # five visits from Croze: one commune
            visit(day(2 + n), commune_id=croze.id)
        for n in range(4):  # P four times, no commune on the visits: Vallière by P
            visit(day(10 + n), person_id=p.id)
        visit(day(14), 4, commune_id=felletin.id)  # a group of 4
        visit(day(15), 3, person_id=q.id)  # Q and two others
        visit(day(16), commune_id=hameau.id)
        visit(day(17), 2, commune_id=limoges.id)
        visit(date(2026, 4, 2), commune_id=later.id)
        # A workshop counting no visits (no service): 5 heads without a name, and P.
        workshop = add(Event(site_id=a.id, title="Sans service", event_date=day(18)))
        add(EventAttendance(site_id=a.id, event_id=workshop.id, count=5))
        add(EventAttendance(site_id=a.id, event_id=workshop.id, person_id=p.id))
        # Place B: two people from its own Croze row.
        croze_b = s.exec(select(Commune).where(Commune.site_id == b.id)).one()
        add(
            Visit(
                site_id=b.id,
                service_id=service(b.id, "Accueil / information"),
                activity_date=day(20),
                count=2,
                commune_id=croze_b.id,
            )
        )
        uow.commit()
        ids = {"gentioux": gentioux.id, "p": p.id}
    with app.uow() as uow:
        r_row = Person(site_id=a.id, first_name="R", last_name="A", consent_given_at=CONSENT)
        s_row = Person(site_id=a.id, first_name="S", last_name="A", consent_given_at=CONSENT)
        uow.session.add_all([r_row, s_row])
        uow.commit()
        r_id, s_id = r_row.id, s_row.id

    def demarche(on: date, **kw: object) -> AssistanceInput:
        return AssistanceInput(
            activity_date=on,
            operator_id=first_category(app, a.id, CategoryKind.OPERATOR),
            theme_id=first_category(app, a.id, CategoryKind.THEME),
            help_type_id=first_category(app, a.id, CategoryKind.HELP_TYPE),
            outcome_id=first_category(app, a.id, CategoryKind.OUTCOME),
            duration_min=20,
            **kw,  # type: ignore[arg-type]
        )

    # R helped at the desk: the démarche counts R's visit; R counts once.
    app.assistance.create(a.id, demarche(day(21), person_id=r_id))
    # An imported démarche from Gentioux, nobody named, no visit: Gentioux is served.
    app.assistance.create(a.id, demarche(day(22), commune_id=ids["gentioux"]), count_visit=False)
    # P again, at a démarche: still one person.
    app.assistance.create(a.id, demarche(day(23), person_id=ids["p"]))
    # A workshop with the workshop service: its 6 heads are counted as visits, once.
    counted = app.events.create(a.id, EventFields(title="Atelier", event_date=day(24)))
    app.events.set_head_counts(counted.id, [HeadCountLine(count=6)])
    # S registered at a workshop with a service: one visit, one person.
    registered = app.events.create(a.id, EventFields(title="Inscrits", event_date=day(25)))
    app.events.set_registered(registered.id, [s_id])
    return Base(a=a, b=b)


@pytest.fixture
def base(app: Comptoir, site: SiteInfo) -> Base:
    return build(app, site)


def march(app: Comptoir, site_ids: list[uuid.UUID] | None) -> ReportData:
    return app.reports.compute(period_start=MARCH[0], period_end=MARCH[1], site_ids=site_ids)


# Worked out by hand from ``build``:
# - R.41, place A: Croze 600 (five visits, once), Felletin from the official list (no
#   population recorded), Vallière 700 (P's commune only), Gentioux 350 (the imported
#   démarche only); Le Hameau has no population (listed, adds nothing); Limoges is outside
#   the territory; Saint-Quentin was served in April.
# - R.42, place A: P, Q, R, S once each = 4; without a name: Croze 5 + Felletin's group 4 +
#   Le Hameau 1 + Limoges 2 + the counted workshop's 6 heads (its visits) + Q's two others
#   + the 5 heads of the workshop without a service = 25.
def expected_a() -> dict[str, int]:
    return {
        "results.population_served": 600 + official_population("23079") + 700 + 350,
        "results.communes_served": 5,
        "results.communes_outside_territory": 1,
        "results.people_covered": 4 + 25,
        "results.people_covered_named": 4,
        "results.people_covered_unnamed": 25,
    }


def test_r41_and_r42_of_one_place_match_the_hand_count(app: Comptoir, base: Base) -> None:
    data = march(app, [base.a.id])
    assert {code: data.value(code) for code in expected_a()} == expected_a()
    assert data.series("results.communes_unknown_population") == [("Le Hameau", 1)]
    # Five visits from Croze, yet its population once.
    assert dict(data.series("visits.by_commune"))["Croze"] == 5


def test_the_same_figures_on_postgresql(pg_url: str) -> None:
    """The ids come from the driver as UUID objects there, as text on SQLite."""
    with build_app(pg_url) as app:
        a = app.sites.init_site(
            name="Le Comptoir de Felletin", commune_name="Felletin", insee_code="23079"
        )
        base = build(app, a)
        data = march(app, [base.a.id])
        assert {code: data.value(code) for code in expected_a()} == expected_a()
        assert data.series("results.communes_unknown_population") == [("Le Hameau", 1)]
        assert march(app, None).value("results.people_covered") == 29 + 2


def test_a_commune_of_two_places_counts_once_and_their_people_add_up(
    app: Comptoir, base: Base
) -> None:
    alone_b = march(app, [base.b.id])
    # B's Croze row has no population: the official list's.
    assert alone_b.value("results.population_served") == official_population("23071")
    assert alone_b.value("results.people_covered") == 2
    both = march(app, None)
    expected = expected_a()
    # Croze of A (600 recorded) and of B (none) are one commune, the recorded population.
    assert both.value("results.population_served") == expected["results.population_served"]
    assert both.value("results.communes_served") == 5
    assert both.value("results.people_covered") == expected["results.people_covered"] + 2


def test_r42_counts_a_registered_person_once_however_often(app: Comptoir, base: Base) -> None:
    """P came four times, went to a workshop and had a démarche: still one person. Each new
    visit of P adds nothing; one more anonymous visit adds its heads."""
    before = march(app, [base.a.id]).value("results.people_covered")
    with app.uow() as uow:
        p = uow.session.exec(select(Person).where(Person.first_name == "P")).one()
        accueil = uow.session.exec(
            select(Service.id).where(
                Service.site_id == base.a.id, Service.name == "Accueil / information"
            )
        ).one()
        for n in range(3):
            uow.session.add(
                Visit(
                    site_id=base.a.id, service_id=accueil, activity_date=day(26 + n), person_id=p.id
                )
            )
        uow.commit()
    assert march(app, [base.a.id]).value("results.people_covered") == before
    app.visits.count(site_id=base.a.id, service_id=accueil, activity_date=day(29), count=3)
    assert march(app, [base.a.id]).value("results.people_covered") == before + 3


def test_an_empty_period_has_no_commune_and_nobody(app: Comptoir, base: Base) -> None:
    data = app.reports.compute(period_start=date(2030, 1, 1), period_end=date(2030, 1, 31))
    for code in expected_a():
        assert data.value(code) == 0, code
    assert data.series("results.communes_unknown_population") == []


# -- the three formats ------------------------------------------------------------------------
def test_the_csv_carries_r41_r42_and_the_communes_without_population(
    app: Comptoir, base: Base, tmp_path: Path
) -> None:
    data = march(app, [base.a.id])
    raw = app.reports.write(data, fmt="csv", path=tmp_path / "r.csv").read_bytes()
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    found = {r["code"]: int(r["valeur"]) for r in rows if r["code"] in expected_a()}
    assert found == expected_a()
    (population,) = [r for r in rows if r["code"] == "results.population_served"]
    assert population["libelle"] == (
        "Population bénéficiant d'un meilleur accès aux services (R.41)"
    )
    unknown = [r for r in rows if r["code"] == "results.communes_unknown_population"]
    assert [(r["dimension"], r["valeur"]) for r in unknown] == [("Le Hameau", "1")]


def test_the_xlsx_results_sheet_carries_the_figures_and_their_definitions(
    app: Comptoir, base: Base, tmp_path: Path
) -> None:
    data = march(app, [base.a.id])
    book = load_workbook(app.reports.write(data, fmt="xlsx", path=tmp_path / "r.xlsx"))
    results = [row for row in book["Résultats"].iter_rows(values_only=True) if row[0]]
    figures = {row[0]: row[1] for row in results}
    assert figures["Personnes couvertes par des projets d'inclusion sociale (R.42)"] == 29
    assert figures["Communes du territoire desservies"] == 5
    texts = [row[0] for row in results]
    assert "Le Hameau" in texts  # the commune without a population, named
    for definition in RESULT_DEFINITIONS:
        assert _(definition.title) in texts
        assert _(definition.text) in texts
    indicators = {
        (row[0], row[2] or ""): row[3] for row in book["Indicateurs"].iter_rows(values_only=True)
    }
    assert indicators[("results.people_covered", "")] == 29


def test_the_pdf_shows_r41_r42_and_defines_them_in_the_annex(
    app: Comptoir, base: Base, tmp_path: Path
) -> None:
    data = march(app, [base.a.id])
    text = pdf_text(app.reports.write(data, fmt="pdf", path=tmp_path / "r.pdf"))
    assert "Population bénéficiant d'un meilleur accès aux services (R.41)" in text
    assert "Personnes couvertes par des projets d'inclusion sociale (R.42)" in text
    assert "Le Hameau" in text
    annex = text[text.index("Annexe : tableau des indicateurs") :]
    definitions = annex[annex.index("Définitions des indicateurs") :]
    for title in ("R.37 :", "R.41 :", "R.42 :"):
        assert title in definitions
    for definition in DEFINITIONS:
        assert _(definition.title) in definitions
        # The text as pypdf reads it back: one line, hyphenation-free French prose.
        assert " ".join(_(definition.text).split()) in definitions, definition.title
