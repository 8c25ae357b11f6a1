"""Time sheets of the staff (issue 20 § 2): a week typed, saved whole and read back; what a
week refuses, naming the day; the month's totals and sheets; the report's « Temps passé »."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest
from sqlmodel import Session, col, select

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import NotFoundError, ValidationError
from tiers_lieu.i18n import parse_duration
from tiers_lieu.models import AuditEntry, TimeEntry, Tombstone
from tiers_lieu.services.audit_text import describe
from tiers_lieu.services.organisation import JobInfo, OperationDetail, OperationFields
from tiers_lieu.services.people import PersonInput
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.services.time_sheet_models import WeekLine

MONDAY = date(2026, 3, 2)


def week(*days: int) -> tuple[int, ...]:
    return tuple(days) + (0,) * (7 - len(days))


@pytest.fixture
def operation(app: Comptoir, site: SiteInfo) -> OperationDetail:
    return app.organisation.save_operation(
        site.id,
        OperationFields(
            title="Accueil de proximité",
            file_number="LEADER-NA-23-2026-417",
            start_date=date(2026, 1, 1),
            end_date=date(2028, 12, 31),
        ),
    )


@pytest.fixture
def job(app: Comptoir, site: SiteInfo) -> JobInfo:
    person = app.people.create(site.id, PersonInput(first_name="Claire", last_name="Maury"))
    return app.organisation.save_job(
        site.id,
        post="Coordinatrice",
        contract_type="cdi",
        start_date=date(2025, 9, 1),
        working_time_percent=80,
        person_id=person.id,
    )


def entries(app: Comptoir) -> list[tuple[date, int, str]]:
    with Session(app.engine) as session:
        rows = session.exec(select(TimeEntry).order_by(col(TimeEntry.on_date))).all()
        return [(r.on_date, r.minutes, r.task) for r in rows]


# -- typing hours ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text,minutes",
    [
        ("3,5", 210),
        ("3.5", 210),
        ("3h30", 210),
        ("3 h 30", 210),
        ("3:30", 210),
        ("4", 240),
        ("0,25", 15),
        ("45 min", 45),
        ("7 h", 420),
        ("1 234 h 05", 74045),
    ],
)
def test_hours_are_read_as_people_write_them(text: str, minutes: int) -> None:
    assert parse_duration(text) == minutes


@pytest.mark.parametrize("text", ["", "-2", "+1", "abc", "3h75", "3,555", "3:5", "1e3"])
def test_what_is_not_a_duration_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_duration(text)


# -- the week ----------------------------------------------------------------------------------
def test_a_week_is_saved_whole_and_read_back(
    app: Comptoir, site: SiteInfo, job: JobInfo, operation: OperationDetail
) -> None:
    service = app.time_sheets
    empty = service.week(site.id, job.id, date(2026, 3, 4))  # any day: its week
    assert empty.monday == MONDAY and empty.lines == ()
    assert empty.default_operation_id == operation.id
    assert empty.job.label == "Coordinatrice — Claire Maury"

    saved = service.save_week(
        site.id,
        job.id,
        MONDAY,
        [
            WeekLine(operation.id, "Accueil France Services", week(210, 240, 0, 420)),
            WeekLine(None, "Gestion de l'épicerie", week(60)),
            WeekLine(operation.id, "", week()),  # nothing typed on this line
        ],
    )
    again = service.week(site.id, job.id, MONDAY)
    assert again == saved
    assert [(line.operation_id, line.task, line.minutes) for line in again.lines] == [
        (operation.id, "Accueil France Services", week(210, 240, 0, 420)),
        (None, "Gestion de l'épicerie", week(60)),
    ]
    assert again.day_totals == list(week(270, 240, 0, 420))
    assert again.total == 930
    assert sorted(entries(app)) == [
        (date(2026, 3, 2), 60, "Gestion de l'épicerie"),
        (date(2026, 3, 2), 210, "Accueil France Services"),
        (date(2026, 3, 3), 240, "Accueil France Services"),
        (date(2026, 3, 5), 420, "Accueil France Services"),
    ]


def test_saving_again_replaces_the_week_and_leaves_other_weeks(
    app: Comptoir, site: SiteInfo, job: JobInfo, operation: OperationDetail
) -> None:
    service = app.time_sheets
    service.save_week(
        site.id, job.id, date(2026, 2, 23), [WeekLine(operation.id, "Semaine d'avant", week(120))]
    )
    service.save_week(site.id, job.id, MONDAY, [WeekLine(operation.id, "Accueil", week(210, 240))])
    service.save_week(site.id, job.id, MONDAY, [WeekLine(operation.id, "Accueil", week(0, 300))])
    assert sorted(entries(app)) == [
        (date(2026, 2, 23), 120, "Semaine d'avant"),
        (date(2026, 3, 3), 300, "Accueil"),
    ]
    # The cell emptied was deleted through the ORM: bundles carry its deletion.
    with Session(app.engine) as session:
        assert session.exec(select(Tombstone).where(Tombstone.table_name == "time_entry")).all()


def test_a_day_over_24_hours_is_refused_naming_the_day_and_nothing_is_saved(
    app: Comptoir, site: SiteInfo, job: JobInfo, operation: OperationDetail
) -> None:
    with pytest.raises(ValidationError) as refused:
        app.time_sheets.save_week(
            site.id,
            job.id,
            MONDAY,
            [
                WeekLine(operation.id, "Accueil", week(420, 900)),
                WeekLine(None, "Inventaire", week(0, 600)),
            ],
        )
    assert refused.value.message == "Mardi 3 mars 2026 : le total du jour, 25 h, dépasse 24 h"
    assert entries(app) == []


def test_a_negative_duration_is_refused_naming_the_day(
    app: Comptoir, site: SiteInfo, job: JobInfo, operation: OperationDetail
) -> None:
    with pytest.raises(ValidationError) as refused:
        app.time_sheets.save_week(
            site.id, job.id, MONDAY, [WeekLine(operation.id, "Accueil", week(60, 0, 0, 0, -30))]
        )
    assert refused.value.message == ("Vendredi 6 mars 2026 : une durée ne peut pas être négative")
    assert entries(app) == []


def test_time_outside_the_contract_is_refused_naming_the_day(
    app: Comptoir, site: SiteInfo, operation: OperationDetail
) -> None:
    job = app.organisation.save_job(
        site.id,
        post="Conseiller numérique",
        contract_type="cdd",
        start_date=date(2026, 3, 4),
        end_date=date(2027, 3, 3),
    )
    with pytest.raises(ValidationError) as refused:
        app.time_sheets.save_week(
            site.id, job.id, MONDAY, [WeekLine(operation.id, "Ateliers", week(0, 120, 120))]
        )
    assert refused.value.message.startswith("Mardi 3 mars 2026 : le contrat de ce poste court")
    app.time_sheets.save_week(
        site.id, job.id, MONDAY, [WeekLine(operation.id, "Ateliers", week(0, 0, 120))]
    )
    assert entries(app) == [(date(2026, 3, 4), 120, "Ateliers")]


def test_a_volunteer_post_and_another_place_s_operation_are_refused(
    app: Comptoir, site: SiteInfo, job: JobInfo
) -> None:
    volunteer = app.organisation.save_job(
        site.id, post="Bénévole", contract_type="volunteer", start_date=date(2025, 1, 1)
    )
    assert [s.job_id for s in app.time_sheets.staff(site.id)] == [job.id]
    with pytest.raises(ValidationError, match="Bénévolat"):
        app.time_sheets.week(site.id, volunteer.id, MONDAY)
    other = app.sites.init_site(name="La Grange", commune_name="Vallière", insee_code="23257")
    elsewhere = app.organisation.save_operation(other.id, OperationFields(title="Autre"))
    with pytest.raises(NotFoundError, match="opération"):
        app.time_sheets.save_week(
            site.id, job.id, MONDAY, [WeekLine(elsewhere.id, "Accueil", week(60))]
        )
    with pytest.raises(NotFoundError, match="poste"):
        app.time_sheets.week(other.id, job.id, MONDAY)


def test_a_saved_week_leaves_one_audit_line_in_words(
    app: Comptoir, site: SiteInfo, job: JobInfo, operation: OperationDetail
) -> None:
    app.time_sheets.save_week(
        site.id, job.id, MONDAY, [WeekLine(operation.id, "Accueil", week(210, 240))]
    )
    with Session(app.engine) as session:
        [line] = session.exec(select(AuditEntry).where(AuditEntry.entity == "time_entry")).all()
    assert line.entity_id == job.id
    assert describe(line.details, site.zone) == (
        "2 lignes, durée : 7 h 30, semaine du 2 mars 2026."
    )


# -- months ------------------------------------------------------------------------------------
def fill_march(app: Comptoir, site: SiteInfo, job: JobInfo, operation: OperationDetail) -> None:
    service = app.time_sheets
    service.save_week(
        site.id,
        job.id,
        date(2026, 2, 23),
        [  # Feb 23 – Mar 1
            WeekLine(operation.id, "Accueil", week(300, 0, 0, 0, 0, 0, 120)),
        ],
    )
    service.save_week(
        site.id,
        job.id,
        MONDAY,
        [
            WeekLine(operation.id, "Accueil", week(210, 240)),
            WeekLine(operation.id, "Ateliers", week(60)),
            WeekLine(None, "Épicerie", week(60, 0, 90)),
        ],
    )
    service.save_week(
        site.id,
        job.id,
        date(2026, 3, 30),
        [  # Mar 30 – Apr 5
            WeekLine(operation.id, "Accueil", week(420, 420, 420)),
        ],
    )


def test_month_totals_add_up_the_entries(
    app: Comptoir, site: SiteInfo, job: JobInfo, operation: OperationDetail
) -> None:
    fill_march(app, site, job, operation)
    totals = {
        (t.operation_id, t.month): t.minutes
        for t in app.time_sheets.month_totals(site.id, date(2026, 1, 1), date(2026, 12, 31))
    }
    assert totals == {
        (operation.id, date(2026, 2, 1)): 300,
        (operation.id, date(2026, 3, 1)): 120 + 210 + 240 + 60 + 420 + 420,
        (None, date(2026, 3, 1)): 150,
        (operation.id, date(2026, 4, 1)): 420,
    }
    assert sum(totals.values()) == sum(m for _d, m, _t in entries(app))


def test_a_monthly_sheet_gives_each_day_its_hours_tasks_and_total(
    app: Comptoir, site: SiteInfo, job: JobInfo, operation: OperationDetail
) -> None:
    fill_march(app, site, job, operation)
    [sheet] = app.time_sheets.monthly_sheets(site.id, date(2026, 3, 1), date(2026, 3, 31))
    assert (sheet.place_name, sheet.person_name, sheet.post) == (
        site.name,
        "Claire Maury",
        "Coordinatrice",
    )
    assert sheet.operation is not None
    assert (sheet.operation.title, sheet.operation.file_number) == (
        "Accueil de proximité",
        "LEADER-NA-23-2026-417",
    )
    assert sheet.month == date(2026, 3, 1) and len(sheet.days) == 31
    by_day = {d.day: d for d in sheet.days}
    monday = by_day[MONDAY]
    assert (monday.operation_minutes, monday.tasks, monday.total_minutes) == (
        270,
        "Accueil ; Ateliers",
        330,
    )
    assert by_day[date(2026, 3, 4)].operation_minutes == 0
    assert by_day[date(2026, 3, 4)].total_minutes == 90  # time outside the operation only
    assert sheet.operation_minutes == 120 + 210 + 240 + 60 + 420 + 420
    assert sheet.total_minutes == sheet.operation_minutes + 150


def test_the_sheets_follow_the_period_one_per_person_and_month(
    app: Comptoir, site: SiteInfo, job: JobInfo, operation: OperationDetail
) -> None:
    fill_march(app, site, job, operation)
    other = app.organisation.save_job(
        site.id, post="Agent France Services", contract_type="cdi", start_date=date(2025, 1, 1)
    )
    app.time_sheets.save_week(
        site.id, other.id, MONDAY, [WeekLine(operation.id, "Démarches", week(420))]
    )
    sheets = app.time_sheets.monthly_sheets(site.id, date(2026, 3, 15), date(2026, 4, 30))
    assert [(s.person_name, s.post, s.month) for s in sheets] == [
        ("Claire Maury", "Coordinatrice", date(2026, 3, 1)),
        ("Claire Maury", "Coordinatrice", date(2026, 4, 1)),
    ]
    march = sheets[0]
    assert march.days[0].day == date(2026, 3, 15) and march.days[-1].day == date(2026, 3, 31)
    assert march.operation_minutes == 420 + 420
    whole = app.time_sheets.monthly_sheets(site.id, date(2026, 3, 1), date(2026, 3, 31))
    assert [(s.person_name, s.post) for s in whole] == [
        ("Claire Maury", "Coordinatrice"),
        ("", "Agent France Services"),  # no one named on the post: the name is left to write
    ]


# -- the report's XLSX -------------------------------------------------------------------------
def test_the_report_xlsx_sums_the_time_per_post_operation_and_month(
    app: Comptoir, site: SiteInfo, job: JobInfo, operation: OperationDetail, tmp_path: Path
) -> None:
    fill_march(app, site, job, operation)
    data = app.reports.compute(
        period_start=date(2026, 3, 1), period_end=date(2026, 4, 30), site_ids=[site.id]
    )
    by_key = {(t.operation, t.month): t.minutes for t in data.time_spent}
    assert by_key == {
        ("Accueil de proximité", date(2026, 3, 1)): 1470,
        ("", date(2026, 3, 1)): 150,
        ("Accueil de proximité", date(2026, 4, 1)): 420,
    }
    path = app.reports.write(data, fmt="xlsx", path=tmp_path / "rapport.xlsx")
    sheet = openpyxl.load_workbook(path)["Temps passé"]
    rows = [list(r) for r in sheet.iter_rows(min_row=4, values_only=True)]
    header, *lines, totals = rows
    assert header[:5] == ["Lieu", "Poste", "Début du contrat", "Opération", "N° de dossier"]
    assert [h.date() for h in header[5:7]] == [date(2026, 3, 1), date(2026, 4, 1)]
    assert header[7] == "Total (h)"
    assert [line[:5] for line in lines] == [
        [site.name, "Coordinatrice", job_start(), "Accueil de proximité", "LEADER-NA-23-2026-417"],
        [site.name, "Coordinatrice", job_start(), "Hors opération", None],
    ]
    assert lines[0][5:] == [pytest.approx(1470 / 60), pytest.approx(7), pytest.approx(1890 / 60)]
    assert lines[1][5:] == [pytest.approx(2.5), None, pytest.approx(2.5)]
    assert totals[0] == "Total"
    # The totals are the entries of the period, in hours.
    in_period = [m for d, m, _t in entries(app) if date(2026, 3, 1) <= d <= date(2026, 4, 30)]
    assert totals[7] == pytest.approx(sum(in_period) / 60)
    assert totals[5] + totals[6] == pytest.approx(totals[7])


def job_start() -> object:
    from datetime import datetime

    return datetime(2025, 9, 1)


def test_a_report_without_time_has_the_sheet_saying_so(
    app: Comptoir, site: SiteInfo, tmp_path: Path
) -> None:
    data = app.reports.compute(period_start=date(2026, 3, 1), period_end=date(2026, 3, 31))
    assert data.time_spent == ()
    path = app.reports.write(data, fmt="xlsx", path=tmp_path / "rapport.xlsx")
    sheet = openpyxl.load_workbook(path)["Temps passé"]
    assert sheet["A4"].value == "Aucun temps saisi pour la période."


def test_a_post_names_its_holder_of_the_place_only(
    app: Comptoir, site: SiteInfo, job: JobInfo
) -> None:
    assert job.person_id is not None
    assert app.organisation.list_jobs(site.id)[0].person_id == job.person_id
    other = app.sites.init_site(name="La Grange", commune_name="Vallière", insee_code="23257")
    stranger = app.people.create(other.id, PersonInput(first_name="Jean", last_name="Autre"))
    with pytest.raises(NotFoundError):
        app.organisation.save_job(
            site.id,
            job_id=job.id,
            post="Coordinatrice",
            contract_type="cdi",
            start_date=date(2025, 9, 1),
            person_id=stranger.id,
        )
    unnamed = app.organisation.save_job(
        site.id,
        job_id=job.id,
        post="Coordinatrice",
        contract_type="cdi",
        start_date=date(2025, 9, 1),
    )
    assert unnamed.person_id is None
    assert app.time_sheets.staff(site.id)[0].label == "Coordinatrice"


def test_the_week_the_sheets_and_the_report_on_postgresql(pg_url: str) -> None:
    from tiers_lieu.app import build

    with build(pg_url) as app:
        site = app.sites.init_site(name="Le Relais", commune_name="Felletin", insee_code="23079")
        operation = app.organisation.save_operation(site.id, OperationFields(title="Accueil"))
        job = app.organisation.save_job(
            site.id, post="Agent", contract_type="cdi", start_date=date(2025, 1, 1)
        )
        lines = [
            WeekLine(operation.id, "Accueil", week(210, 240)),
            WeekLine(None, "Épicerie", week(60)),
        ]
        saved = app.time_sheets.save_week(site.id, job.id, MONDAY, lines)
        assert app.time_sheets.week(site.id, job.id, MONDAY) == saved
        assert saved.total == 510
        [sheet] = app.time_sheets.monthly_sheets(site.id, date(2026, 3, 1), date(2026, 3, 31))
        assert (sheet.operation_minutes, sheet.total_minutes) == (450, 510)
        data = app.reports.compute(period_start=date(2026, 3, 1), period_end=date(2026, 3, 31))
        assert sorted((t.operation, t.minutes) for t in data.time_spent) == [
            ("", 60),
            ("Accueil", 450),
        ]
