"""The desk's satisfaction key: an answer kept without a name, refused when it is not 1–3,
its figures in the report (CSV, XLSX, PDF), and the demo's answers and calls."""

from __future__ import annotations

import csv
import io
import shutil
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pdftext import pdf_text
from sqlalchemy import func
from sqlmodel import select

from tiers_lieu.app import Comptoir, build
from tiers_lieu.errors import ValidationError
from tiers_lieu.models import AuditEntry, ReminderCall, Satisfaction
from tiers_lieu.services.assistance import AssistanceInput
from tiers_lieu.services.events import EventFields
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.services.reminders import REACHED, VOICEMAIL, CallTick
from tiers_lieu.services.satisfaction import SatisfactionAnswer

DAY = date(2026, 3, 10)


def answer(app: Comptoir, site: SiteInfo, score: int, context: str = "accueil", **kw) -> None:  # type: ignore[no-untyped-def]
    app.satisfaction.record(
        site.id, SatisfactionAnswer(score=score, context=context, activity_date=DAY, **kw)
    )


def test_an_answer_is_kept_without_a_name(app: Comptoir, site: SiteInfo) -> None:
    event = app.events.create(site.id, EventFields(title="Atelier", event_date=DAY))
    answer(app, site, 3, "atelier", event_id=event.id)
    with app.uow() as uow:
        row = uow.session.exec(select(Satisfaction)).one()
        assert (row.score, row.context, row.event_id, row.activity_date) == (
            3,
            "atelier",
            event.id,
            DAY,
        )
        assert not hasattr(row, "person_id")
        audit = uow.session.exec(select(AuditEntry).where(AuditEntry.entity == "satisfaction"))
        assert len(audit.all()) == 1


@pytest.mark.parametrize(("score", "context"), [(0, "accueil"), (4, "accueil"), (3, "marché")])
def test_a_wrong_answer_is_refused(app: Comptoir, site: SiteInfo, score: int, context: str) -> None:
    with pytest.raises(ValidationError, match="Satisfaction"):
        answer(app, site, score, context)


def test_figures_in_the_three_formats(app: Comptoir, site: SiteInfo, tmp_path: Path) -> None:
    for score in (3, 3, 3, 2, 1):
        answer(app, site, score)
    data = app.reports.compute(period_start=DAY, period_end=DAY, site_ids=[site.id])
    assert data.value("satisfaction.answers") == 5
    assert data.series("satisfaction.by_score") == [
        ("content", 3),
        ("moyen", 1),
        ("pas content", 1),
    ]
    assert data.value("satisfaction.rate") == 60.0
    assert [code for code in data.codes() if code.startswith(("reminders", "satisfaction"))] == [
        "reminders.calls",
        "reminders.reached",
        "satisfaction.answers",
        "satisfaction.by_score",
        "satisfaction.rate",
    ]
    paths = {fmt: tmp_path / f"rapport.{fmt}" for fmt in ("csv", "xlsx", "pdf")}
    for fmt, path in paths.items():
        app.reports.write(data, fmt=fmt, path=path)  # type: ignore[arg-type]
    rows = list(csv.reader(io.StringIO(paths["csv"].read_text("utf-8-sig")), delimiter=";"))
    csv_rows = {(code, dimension): value for code, _label, dimension, value in rows[1:]}
    assert csv_rows[("satisfaction.answers", "")] == "5"
    assert csv_rows[("satisfaction.by_score", "moyen")] == "1"
    assert float(csv_rows[("satisfaction.rate", "")].replace(",", ".")) == 60.0
    assert csv_rows[("reminders.calls", "")] == "0"
    sheet = load_workbook(paths["xlsx"])["Indicateurs"]
    xlsx_rows = {
        (code, dimension or ""): value
        for code, _label, dimension, value, _unit in sheet.iter_rows(min_row=2, values_only=True)
    }
    assert xlsx_rows[("satisfaction.by_score", "content")] == 3
    assert xlsx_rows[("satisfaction.rate", "")] == 60
    text = pdf_text(paths["pdf"])
    assert "Services de proximité" in text
    assert "Réponses de satisfaction 5" in text
    assert "Taux de satisfaction (contents) 60,0 %" in text
    assert "Appels de rappel de la veille 0" in text


def test_reached_counts_the_calls_that_reached_someone(app: Comptoir, site: SiteInfo) -> None:
    record = app.assistance.create(site.id, _assistance(app, site))
    answer(app, site, 2, "demarche", assistance_id=record.id)
    from test_agenda_support import make_place
    from test_reminders import book, person  # the agenda's place and people

    place = make_place(app, site)
    lea = person(app, site, "Léa", consent=True)
    booking = book(app, place, lea, 9)
    for outcome in (VOICEMAIL, REACHED):
        app.reminders.record(
            site.id, CallTick(for_date=DAY, outcome=outcome, booking_id=booking.id)
        )
    data = app.reports.compute(period_start=DAY, period_end=DAY, site_ids=[site.id])
    assert (data.value("reminders.calls"), data.value("reminders.reached")) == (2, 1)
    assert data.series("satisfaction.by_score") == [
        ("content", 0),
        ("moyen", 1),
        ("pas content", 0),
    ]
    assert data.value("satisfaction.rate") == 0


def _assistance(app: Comptoir, site: SiteInfo) -> AssistanceInput:
    from tiers_lieu.models.enums import CategoryKind

    def first(kind: CategoryKind):  # type: ignore[no-untyped-def]
        return app.config.list_categories(site.id, kind)[0].id

    return AssistanceInput(
        activity_date=DAY,
        operator_id=first(CategoryKind.OPERATOR),
        theme_id=first(CategoryKind.THEME),
        help_type_id=first(CategoryKind.HELP_TYPE),
        outcome_id=first(CategoryKind.OUTCOME),
        duration_min=20,
    )


def test_the_demo_has_answers_and_calls(template_db: Path, tmp_path: Path) -> None:
    path = tmp_path / "demo.sqlite"
    shutil.copyfile(template_db, path)
    app = build(str(path))
    try:
        site = app.sites.init_site(
            name="Le Comptoir de Felletin", commune_name="Felletin", insee_code="23079"
        )
        today = date(2025, 6, 13)
        app.demo.generate(scale="small", seed=7, today=today)
        with app.uow() as uow:
            calls = uow.session.exec(select(func.count()).select_from(ReminderCall)).one()
            answers = uow.session.exec(select(func.count()).select_from(Satisfaction)).one()
            contexts = set(uow.session.exec(select(Satisfaction.context)).all())
        assert calls > 20 and answers > 20
        assert contexts == {"demarche", "atelier", "accueil"}
        data = app.reports.compute(
            period_start=date(2025, 1, 1), period_end=today, site_ids=[site.id]
        )
        assert 0 < data.value("reminders.reached") < data.value("reminders.calls")
        assert 60 < data.value("satisfaction.rate") < 95
        # Tomorrow's list is there to call (Saturday morning: the place opens).
        tomorrow = app.reminders.next_day(site.id, today)
        assert tomorrow == date(2025, 6, 14)
        assert app.reminders.call_list(site.id, tomorrow).lines
    finally:
        app.close()
