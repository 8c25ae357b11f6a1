"""The Observatoire des tiers-lieux census of a year (``tiers-lieu export observatoire``): one
sheet or one CSV of labelled rows « Indicateur / Valeur / Définition », read back with
openpyxl and ``csv``, its figures checked against counts worked out by hand on a small base
built here, and against the activity report of the same year for the rows they share.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from tiers_lieu.__main__ import main
from tiers_lieu.app import Comptoir
from tiers_lieu.models import (
    AuditEntry,
    Booking,
    Category,
    CoworkingPass,
    Event,
    EventAttendance,
    Job,
    PassType,
    Person,
    Resource,
    Sale,
    Service,
    Visit,
)
from tiers_lieu.reports.documents.census import write_census_csv, write_census_xlsx
from tiers_lieu.reports.model import ReportData
from tiers_lieu.services.readmodels import SiteInfo

PARIS = ZoneInfo("Europe/Paris")
YEAR = (date(2025, 1, 1), date(2025, 12, 31))
HEADER = ("Indicateur", "Valeur", "Définition")
ROOM_HIRE = "Chiffre d'affaires : location de salles"


def at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=PARIS)


def build(app: Comptoir, site: SiteInfo) -> None:
    """2025 at one place; the expected figures are in :data:`EXPECTED`."""
    with app.uow() as uow:
        s = uow.session

        def add(model: Any, **values: Any) -> Any:
            row = model(site_id=site.id, **values)
            s.add(row)
            s.flush()
            return row

        def service(name: str) -> Any:
            return s.exec(
                select(Service.id).where(Service.site_id == site.id, Service.name == name)
            ).one()

        def category(kind: str, label: str) -> Any:
            return s.exec(
                select(Category.id).where(
                    Category.site_id == site.id, Category.kind == kind, Category.label == label
                )
            ).one()

        person = add(
            Person,
            first_name="Alix",
            last_name="Test",
            consent_given_at=datetime(2025, 1, 1, tzinfo=UTC),
        )
        # Visits: 1 + 4 + 2 = 7 in 2025 (one in 2024, out); people: Alix only.
        accueil, epicerie = service("Accueil / information"), service("Épicerie")
        add(
            Visit,
            service_id=accueil,
            activity_date=date(2025, 2, 3),
            person_id=person.id,
            age_band_id=category("age_band", "25-39"),
            gender_id=category("gender", "Féminin"),
        )
        add(Visit, service_id=accueil, activity_date=date(2025, 5, 6), count=4)
        add(
            Visit,
            service_id=epicerie,
            activity_date=date(2025, 12, 31),
            count=2,
            age_band_id=category("age_band", "70+"),
        )
        add(Visit, service_id=accueil, activity_date=date(2024, 12, 31), count=9)
        # Workshops: 2 in 2025 with 6 and 4 participants.
        for on, heads in ((date(2025, 3, 4), 6), (date(2025, 9, 9), 4), (date(2024, 6, 1), 8)):
            event = add(Event, title="Atelier", event_date=on)
            add(EventAttendance, event_id=event.id, count=heads)
        # Jobs: full time from 1 July (184 days of 365), half time all year, 80 % for the
        # first quarter (90 days); a volunteer and a post ended in 2024 are not counted.
        for contract, start, end, percent in (
            ("cdi", date(2025, 7, 1), None, 100),
            ("cdd", date(2024, 1, 1), date(2026, 12, 31), 50),
            ("cdd", date(2025, 1, 1), date(2025, 3, 31), 80),
            ("volunteer", date(2025, 1, 1), None, 100),
            ("cdd", date(2024, 1, 1), date(2024, 12, 31), 100),
        ):
            add(
                Job,
                post="Poste",
                contract_type=contract,
                start_date=start,
                end_date=end,
                working_time_percent=percent,
            )
        # Grocery: 10,00 + 25,50 sold, 7,00 cancelled, 3,00 in 2026.
        for moment, cents, cancelled in (
            (at(date(2025, 4, 1), 10), 1000, False),
            (at(date(2025, 12, 31), 18), 2550, False),
            (at(date(2025, 6, 1), 10), 700, True),
            (at(date(2026, 1, 1), 10), 300, False),
        ):
            add(Sale, sold_at=moment, total_cents=cents, cancelled_at=moment if cancelled else None)
        # Coworking passes: 15,00 + 120,00 bought in 2025, one in 2024.
        day_pass = add(PassType, name="Journée", kind="day", price_cents=1500)
        for bought, cents in (
            (date(2025, 2, 1), 1500),
            (date(2025, 10, 1), 12000),
            (date(2024, 5, 5), 1500),
        ):
            add(
                CoworkingPass,
                pass_type_id=day_pass.id,
                person_id=person.id,
                purchased_on=bought,
                valid_from=bought,
                units_total=1,
                price_cents=cents,
            )
        # Meeting room: one booking held (30,00), one cancelled (45,00, not counted), one
        # held without a price (keyed before prices were kept); the open space's is coworking.
        room = add(Resource, name="Salle", kind="meeting_room", capacity=12)
        space = add(Resource, name="Open space", kind="open_space", capacity=4)
        d = date(2025, 11, 5)
        add(Booking, resource_id=room.id, start_at=at(d, 9), end_at=at(d, 11), price_cents=3000)
        add(
            Booking,
            resource_id=room.id,
            start_at=at(d, 14),
            end_at=at(d, 17),
            status="cancelled",
            price_cents=4500,
        )
        add(Booking, resource_id=room.id, start_at=at(d, 18), end_at=at(d, 19))
        add(Booking, resource_id=space.id, start_at=at(d, 9), end_at=at(d, 12), price_cents=900)
        uow.commit()


EXPECTED: dict[str, Any] = {
    # No passage keyed at the door here: each visit is its own passage.
    "Fréquentation : personnes accueillies": 7,
    "Fréquentation : services rendus (visites)": 7,
    "Fréquentation : personnes inscrites distinctes": 1,
    # Alix once, then 4 + 2 counted without a name, then the workshops' 6 + 4 heads (they
    # count no visits: no service).
    "Fréquentation : personnes touchées (R.42)": 1 + 6 + 10,
    "Publics : Visites par tranche d'âge — 25-39": 1,
    "Publics : Visites par tranche d'âge — 70+": 2,
    "Publics : Visites par tranche d'âge — Non communiqué": 4,
    "Publics : Visites par genre — Féminin": 1,
    "Activités : Accueil / information (visites)": 5,
    "Activités : Épicerie (visites)": 2,
    "Activités : ateliers et animations tenus": 2,
    "Activités : participants aux ateliers": 10,
    "Activités : réservations de coworking": 1,
    "Activités : réservations de salles": 2,
    "Emplois directs : postes": 3,
    "Emplois directs : équivalents temps plein sur la période": round(
        1 * 184 / 365 + 0.5 + 0.8 * 90 / 365, 2
    ),
    "Formation : personnes formées": 10,
    "Chiffre d'affaires : épicerie": 35.5,
    "Coworking : passes vendus": 2,
    "Chiffre d'affaires : coworking (passes vendus)": 135.0,
    ROOM_HIRE: 30.0,
    "Location de salles : réservations sans prix": 1,
}


@pytest.fixture
def year(app: Comptoir, site: SiteInfo) -> SiteInfo:
    build(app, site)
    return site


def report(app: Comptoir, site: SiteInfo) -> ReportData:
    return app.reports.compute(period_start=YEAR[0], period_end=YEAR[1], site_ids=[site.id])


def xlsx_rows(path: Path) -> list[tuple[Any, ...]]:
    book = load_workbook(path)
    assert len(book.worksheets) == 1
    return list(book.worksheets[0].iter_rows(values_only=True))


def csv_rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig")), delimiter=";"))


def test_the_census_matches_the_hand_count(app: Comptoir, year: SiteInfo, tmp_path: Path) -> None:
    data = app.reports.census(period_start=YEAR[0], period_end=YEAR[1], site_ids=[year.id])
    path = tmp_path / "recensement.xlsx"
    write_census_xlsx(data, path)
    rows = xlsx_rows(path)
    assert rows[0] == HEADER
    values = {row[0]: row[1] for row in rows[1:]}
    assert values["Lieux"] == "Le Comptoir de Felletin"
    assert values["Début de la période"] == datetime(2025, 1, 1)
    assert values["Fin de la période"] == datetime(2025, 12, 31)
    for label, expected in EXPECTED.items():
        assert values[label] == (pytest.approx(expected) if expected else expected), label
    assert all(row[2] for row in rows[1:]), "every row has its definition"
    definitions = {row[0]: row[2] for row in rows[1:]}
    assert "salles de réunion" in definitions[ROOM_HIRE]


def test_the_rows_it_shares_with_the_report_are_the_reports(app: Comptoir, year: SiteInfo) -> None:
    data = app.reports.census(period_start=YEAR[0], period_end=YEAR[1], site_ids=[year.id])
    figures = report(app, year)
    assert data.value("Fréquentation : services rendus (visites)") == figures.value("visits.total")
    assert data.value("Fréquentation : personnes accueillies") == figures.value("visits.people")
    assert data.value("Chiffre d'affaires : épicerie") == figures.value("grocery.sales_eur")
    assert data.value("Activités : participants aux ateliers") == figures.value(
        "events.participants"
    )
    for code in ("visits.by_age_band", "visits.by_gender", "visits.by_status"):
        for indicator in (i for i in figures.indicators if i.code == code and i.dimension):
            label = f"Publics : {indicator.label} — {indicator.dimension}"
            assert data.value(label) == indicator.value, label
    for service, visits in figures.series("visits.by_service"):
        assert data.value(f"Activités : {service} (visites)") == visits


def test_the_csv_has_the_same_rows_in_french_figures(
    app: Comptoir, year: SiteInfo, tmp_path: Path
) -> None:
    data = app.reports.census(period_start=YEAR[0], period_end=YEAR[1], site_ids=[year.id])
    write_census_xlsx(data, tmp_path / "r.xlsx")
    write_census_csv(data, tmp_path / "r.csv")
    assert (tmp_path / "r.csv").read_bytes().startswith(b"\xef\xbb\xbfIndicateur;Valeur;")
    rows = csv_rows(tmp_path / "r.csv")
    assert tuple(rows[0]) == HEADER
    sheet = xlsx_rows(tmp_path / "r.xlsx")
    assert [r[0] for r in rows] == [r[0] for r in sheet]
    assert [r[2] for r in rows[1:]] == [r[2] for r in sheet[1:]]
    values = {r[0]: r[1] for r in rows[1:]}
    assert values["Chiffre d'affaires : épicerie"] == "35,50"
    assert values["Chiffre d'affaires : coworking (passes vendus)"] == "135,00"
    assert values["Activités : réservations de salles"] == "2"
    assert values["Début de la période"] == "01/01/2025"
    assert values[ROOM_HIRE] == "30,00"


def test_the_command_writes_the_census_and_refuses_a_pdf(
    app: Comptoir, year: SiteInfo, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "observatoire.csv"

    def export(*argv: str) -> int:
        return main(
            ["--db", str(db_path), "export", "observatoire", "--from", "2025-01-01",
             "--to", "2025-12-31", "--site", year.name, *argv]
        )  # fmt: skip

    assert export("--format", "csv", "--out", str(out)) == 0, capsys.readouterr().err
    assert "écrit dans" in capsys.readouterr().out
    values = {r[0]: r[1] for r in csv_rows(out)[1:]}
    assert values["Fréquentation : services rendus (visites)"] == "7"
    assert values["Coworking : passes vendus"] == "2"
    xlsx = tmp_path / "observatoire.xlsx"
    assert export("--out", str(xlsx)) == 0  # XLSX is the first format
    assert xlsx_rows(xlsx)[0] == HEADER
    refused = tmp_path / "observatoire.pdf"
    assert export("--format", "pdf", "--out", str(refused)) == 2
    assert "--format" in capsys.readouterr().err
    assert not refused.exists()
    with app.uow() as uow:
        lines = uow.session.exec(select(AuditEntry).where(AuditEntry.entity == "census")).all()
        assert len(lines) == 2 and all('"format"' in line.details for line in lines)


def test_a_period_ending_before_it_starts_is_refused(app: Comptoir, site: SiteInfo) -> None:
    from tiers_lieu.errors import ValidationError

    with pytest.raises(ValidationError, match="Période"):
        app.reports.census(period_start=YEAR[1], period_end=YEAR[0])
