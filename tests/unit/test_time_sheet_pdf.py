"""The monthly time sheets as a GAL's controller reads them (issue 20 § 2): one page per
person and month, the person, the post, the operation and its file number, each day's hours,
the month's totals as saved, the EU mention and the two signature boxes; on the command line
(``tiers-lieu export feuilles-temps``) too, with French refusals (exit 2, nothing written)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pdftext import pdf_pages, pdf_text

from tiers_lieu.__main__ import main
from tiers_lieu.app import Comptoir, build
from tiers_lieu.errors import ValidationError
from tiers_lieu.reports.documents.time_sheet import write_time_sheets
from tiers_lieu.services.organisation import JobInfo, OperationDetail, OperationFields
from tiers_lieu.services.people import PersonInput
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.services.time_sheet_models import WeekLine

TITLE = "Accueil de proximité et services au public"


def week(*days: int) -> tuple[int, ...]:
    return tuple(days) + (0,) * (7 - len(days))


def team(
    app: Comptoir, site: SiteInfo, title: str = TITLE
) -> tuple[OperationDetail, JobInfo, JobInfo]:
    """An operation, two named posts, time in February and March 2026."""
    operation = app.organisation.save_operation(
        site.id, OperationFields(title=title, file_number="LEADER-NA-23-2026-417")
    )
    claire = app.people.create(site.id, PersonInput(first_name="Claire", last_name="Maury"))
    nadia = app.people.create(site.id, PersonInput(first_name="Nadia", last_name="Besson"))
    coordinator = app.organisation.save_job(
        site.id,
        post="Coordinatrice",
        contract_type="cdi",
        start_date=date(2025, 1, 1),
        person_id=claire.id,
    )
    agent = app.organisation.save_job(
        site.id,
        post="Agent France Services",
        contract_type="cdi",
        start_date=date(2025, 1, 1),
        working_time_percent=80,
        person_id=nadia.id,
    )
    sheets = app.time_sheets
    sheets.save_week(
        site.id,
        coordinator.id,
        date(2026, 2, 23),
        [
            WeekLine(operation.id, "Coordination de l'opération", week(420, 420, 0, 0, 0, 0, 0)),
        ],
    )
    sheets.save_week(
        site.id,
        coordinator.id,
        date(2026, 3, 2),
        [
            WeekLine(operation.id, "Coordination de l'opération", week(210, 420)),
            WeekLine(None, "Gestion de l'épicerie", week(60)),
        ],
    )
    sheets.save_week(
        site.id,
        agent.id,
        date(2026, 3, 2),
        [
            WeekLine(operation.id, "Accueil France Services", week(0, 0, 390, 330)),
        ],
    )
    return operation, coordinator, agent


def test_one_page_per_person_and_month_with_names_hours_and_signatures(
    app: Comptoir, site: SiteInfo, tmp_path: Path
) -> None:
    team(app, site)
    sheets = app.time_sheets.monthly_sheets(site.id, date(2026, 2, 1), date(2026, 3, 31))
    path = write_time_sheets(sheets, tmp_path / "feuilles.pdf")
    pages = [" ".join(p.split()) for p in pdf_pages(path)]
    assert len(pages) == len(sheets) == 3  # Claire in February and March, Nadia in March
    for page, sheet in zip(pages, sheets, strict=True):
        assert "Feuille de temps" in page
        assert "Cofinancé par l'Union européenne" in page
        assert f"Opération LEADER : {TITLE} — dossier n° LEADER-NA-23-2026-417" in page
        assert "Signature du salarié" in page and "Signature de l'employeur" in page
        assert page.count("Date : ____ / ____ / ________") == 2
        assert site.name in page
        assert sheet.person_name in page and sheet.post in page
    february, march, nadia = pages
    assert "Claire Maury" in february and "février 2026" in february
    assert "Total du mois 14 h 14 h" in february
    assert "Claire Maury" in march and "mars 2026" in march
    # Monday: 3 h 30 on the operation, 4 h 30 that day with the grocery.
    assert "lundi 2 3 h 30 Coordination de l'opération 4 h 30" in march
    assert "mardi 3 7 h Coordination de l'opération 7 h" in march
    assert "Total du mois 10 h 30 11 h 30" in march
    assert "Gestion de l'épicerie" not in march  # a task outside the operation: in the total only
    assert "Nadia Besson" in nadia and "Agent France Services (CDI, 80 %)" in nadia
    assert "mercredi 4 6 h 30 Accueil France Services 6 h 30" in nadia
    assert "Total du mois 12 h 12 h" in nadia


def test_a_long_title_and_long_names_still_hold_on_one_page_per_month(
    app: Comptoir, site: SiteInfo, tmp_path: Path
) -> None:
    team(app, site, title=("Opération au titre très long " * 9).strip()[:250])
    sheets = app.time_sheets.monthly_sheets(site.id, date(2026, 3, 1), date(2026, 3, 31))
    path = write_time_sheets(sheets, tmp_path / "feuilles.pdf")
    assert len(pdf_pages(path)) == len(sheets) == 2


def test_nothing_to_write_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError):
        write_time_sheets([], tmp_path / "rien.pdf")
    assert not (tmp_path / "rien.pdf").exists()


@pytest.fixture
def db(app: Comptoir, site: SiteInfo, db_path: Path) -> Path:
    team(app, site)
    app.close()
    return db_path


def test_the_command_writes_the_sheets_of_the_period(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "feuilles.pdf"
    argv = ["--db", str(db), "export", "feuilles-temps", "--from", "2026-03-01"]
    assert main([*argv, "--to", "2026-03-31", "--out", str(out)]) == 0
    assert capsys.readouterr().out.strip() == f"2 feuilles de temps écrites dans {out}."
    text = pdf_text(out)
    assert "Claire Maury" in text and "Nadia Besson" in text
    assert "Signature du salarié" in text and "Signature de l'employeur" in text
    assert len(pdf_pages(out)) == 2


def test_the_command_refuses_a_period_without_time_and_writes_nothing(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "feuilles.pdf"
    argv = ["--db", str(db), "export", "feuilles-temps", "--from", "2025-01-01"]
    assert main([*argv, "--to", "2025-01-31", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Erreur : --from/--to : aucun temps saisi du 1er janvier 2025")
    assert not out.exists()


def test_the_command_needs_the_period_and_takes_pdf_only(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "feuilles.pdf"
    assert main(["--db", str(db), "export", "feuilles-temps", "--out", str(out)]) == 2
    assert "--from et --to" in capsys.readouterr().err
    argv = ["--db", str(db), "export", "feuilles-temps", "--from", "2026-03-01", "--to"]
    assert main([*argv, "2026-03-31", "--format", "xlsx", "--out", str(out)]) == 2
    assert "--format" in capsys.readouterr().err
    assert not out.exists()


def test_the_command_takes_one_place(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    app = build(str(db))
    try:
        app.sites.init_site(name="La Grange", commune_name="Vallière", insee_code="23257")
    finally:
        app.close()
    out = tmp_path / "feuilles.pdf"
    argv = ["--db", str(db), "export", "feuilles-temps", "--from", "2026-03-01"]
    argv += ["--to", "2026-03-31", "--site", "La Grange", "--out", str(out)]
    assert main(argv) == 2
    assert "aucun temps saisi" in capsys.readouterr().err
    assert not out.exists()
