"""The volunteers' rota (issue 22): shifts, availability, gaps a week ahead, and the hours of a
shift done flowing into the report's volunteer hours, once."""

from __future__ import annotations

import csv
import io
from datetime import date, time, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pdftext import pdf_text
from sqlmodel import Session, select

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import ComptoirError, ConflictError, ValidationError
from tiers_lieu.models import VolunteerTime
from tiers_lieu.models.proximity import RotaShift
from tiers_lieu.services.people import PersonInput
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.services.rota import AvailabilityRange, ShiftInput, monday_of

MONDAY = date(2027, 3, 1)  # no public holiday that week
TODAY = MONDAY


def _volunteer(app: Comptoir, site: SiteInfo, first: str, last: str) -> object:
    data = PersonInput(first_name=first, last_name=last, kinds=["volunteer"])
    return app.people.create(site.id, data).id


def _shift(app: Comptoir, site: SiteInfo, day: date, start: int, end: int, role: str, who=None):  # type: ignore[no-untyped-def]
    data = ShiftInput(
        on_date=day, starts_at=time(start), ends_at=time(end), role=role, person_id=who
    )
    return app.rota.create_shift(site.id, data)[0]


def _report(app: Comptoir, site: SiteInfo, start: date, end: date):  # type: ignore[no-untyped-def]
    return app.reports.compute(period_start=start, period_end=end, site_ids=[site.id])


def test_done_writes_the_volunteer_hours_and_back_removes_them(
    app: Comptoir, site: SiteInfo
) -> None:
    marie = _volunteer(app, site, "Marie", "Dubois")
    shift = _shift(app, site, MONDAY, 9, 12, "accueil", marie)
    before = _report(app, site, MONDAY, MONDAY)
    assert before.value("volunteers.hours") == 0

    done = app.rota.set_status(shift.id, "done", today=MONDAY)
    assert done.status == "done" and done.volunteer_time_id is not None
    with Session(app.engine) as s:
        entry = s.get(VolunteerTime, done.volunteer_time_id)
        assert entry is not None
        assert (entry.minutes, entry.activity, entry.person_id) == (180, "Accueil", marie)
    after = _report(app, site, MONDAY, MONDAY)
    assert after.value("volunteers.hours") == 3.0
    assert after.value("volunteers.count") == 1
    # Marking done again counts nothing twice.
    app.rota.set_status(shift.id, "done", today=MONDAY)
    assert _report(app, site, MONDAY, MONDAY).value("volunteers.hours") == 3.0

    # Un-marking (back to planned) removes the entry; absent writes none.
    app.rota.set_status(shift.id, "planned")
    assert _report(app, site, MONDAY, MONDAY).value("volunteers.hours") == 0
    app.rota.set_status(shift.id, "done", today=MONDAY)
    app.rota.set_status(shift.id, "absent", today=MONDAY)
    with Session(app.engine) as s:
        assert s.exec(select(VolunteerTime)).all() == []
        row = s.get(RotaShift, shift.id)
        assert row is not None and row.volunteer_time_id is None and row.status == "absent"
    assert _report(app, site, MONDAY, MONDAY).value("volunteers.hours") == 0


def test_deleting_the_hours_of_a_shift_done_puts_the_shift_back_to_planned(
    app: Comptoir, site: SiteInfo
) -> None:
    """The hours a « Fait » wrote, deleted from « Bénévolat »: the shift no longer says
    « Fait » (it would claim hours the report no longer counts), and can be ticked again."""
    marie = _volunteer(app, site, "Marie", "Dubois")
    shift = _shift(app, site, MONDAY, 9, 12, "accueil", marie)
    done = app.rota.set_status(shift.id, "done", today=MONDAY)
    assert done.volunteer_time_id is not None
    app.organisation.delete_volunteer_time(done.volunteer_time_id)
    with Session(app.engine) as s:
        row = s.get(RotaShift, shift.id)
        assert row is not None and (row.status, row.volunteer_time_id) == ("planned", None)
    assert _report(app, site, MONDAY, MONDAY).value("volunteers.hours") == 0
    again = app.rota.set_status(shift.id, "done", today=MONDAY)
    assert again.status == "done"
    assert _report(app, site, MONDAY, MONDAY).value("volunteers.hours") == 3.0


def test_a_shift_not_yet_held_or_without_anyone_cannot_be_done(
    app: Comptoir, site: SiteInfo
) -> None:
    marie = _volunteer(app, site, "Marie", "Dubois")
    empty = _shift(app, site, MONDAY, 9, 12, "cafe")
    with pytest.raises(ValidationError, match="personne n'est inscrit"):
        app.rota.set_status(empty.id, "done", today=MONDAY)
    later = _shift(app, site, MONDAY + timedelta(days=2), 9, 12, "cafe", marie)
    with pytest.raises(ValidationError, match="pas encore eu lieu"):
        app.rota.set_status(later.id, "done", today=MONDAY)
    with pytest.raises(ValidationError, match="état inconnu"):
        app.rota.set_status(later.id, "fini", today=MONDAY)


def test_a_done_shift_is_neither_reassigned_nor_deleted(app: Comptoir, site: SiteInfo) -> None:
    marie = _volunteer(app, site, "Marie", "Dubois")
    shift = _shift(app, site, MONDAY, 9, 12, "amap", marie)
    app.rota.set_status(shift.id, "done", today=MONDAY)
    with pytest.raises(ConflictError):
        app.rota.assign(shift.id, None)
    with pytest.raises(ConflictError):
        app.rota.delete_shift(shift.id)


def test_only_volunteers_are_put_on_a_shift(app: Comptoir, site: SiteInfo) -> None:
    other = app.people.create(site.id, PersonInput(first_name="Paul", last_name="Martin")).id
    shift = _shift(app, site, MONDAY, 9, 12, "accueil")
    with pytest.raises(ValidationError, match="Paul Martin n'est pas inscrit·e comme bénévole"):
        app.rota.assign(shift.id, other)
    app.rota.add_volunteer(site.id, other)
    assert app.rota.assign(shift.id, other).person_name == "Paul Martin"
    assert [v.name for v in app.rota.volunteers(site.id)] == ["Paul Martin"]


def test_bad_input_names_the_field(app: Comptoir, site: SiteInfo) -> None:
    with pytest.raises(ValidationError) as role:
        _shift(app, site, MONDAY, 9, 12, "jardin")
    assert role.value.field == "Rôle"
    with pytest.raises(ValidationError) as hours:
        _shift(app, site, MONDAY, 12, 9, "accueil")
    assert hours.value.field == "Fin"
    data = ShiftInput(on_date=MONDAY, starts_at=time(9), ends_at=time(12), role="cafe")
    with pytest.raises(ValidationError) as weeks:
        app.rota.create_shift(site.id, data, repeat_weeks=13)
    assert weeks.value.field == "Répéter"


def test_repeat_and_copy_a_week(app: Comptoir, site: SiteInfo) -> None:
    marie = _volunteer(app, site, "Marie", "Dubois")
    data = ShiftInput(
        on_date=MONDAY, starts_at=time(9), ends_at=time(12), role="accueil", person_id=marie
    )
    made = app.rota.create_shift(site.id, data, repeat_weeks=2)
    assert [s.on_date for s in made] == [MONDAY + timedelta(weeks=n) for n in range(3)]
    _shift(app, site, MONDAY + timedelta(days=2), 14, 18, "cafe")
    # Copying the first week onto the next two: the Monday shifts are there already.
    assert app.rota.copy_week(site.id, MONDAY + timedelta(days=3), weeks=2) == 2
    third = app.rota.shifts(
        site.id, MONDAY + timedelta(weeks=2), MONDAY + timedelta(weeks=2, days=6)
    )
    assert [(s.on_date.weekday(), s.role, s.person_name) for s in third] == [
        (0, "accueil", "Marie Dubois"),
        (2, "cafe", ""),
    ]
    with pytest.raises(ValidationError, match="aucun créneau"):
        app.rota.copy_week(site.id, MONDAY + timedelta(weeks=8))


def test_gaps_a_week_ahead_with_opening_hours(app: Comptoir, site: SiteInfo) -> None:
    for weekday in range(7):
        app.config.set_opening_hours(site.id, weekday, [])
    app.config.set_opening_hours(site.id, 0, [(time(9), time(12)), (time(14), time(18))])
    app.config.set_opening_hours(site.id, 2, [(time(9), time(12))])
    marie = _volunteer(app, site, "Marie", "Dubois")
    _shift(app, site, MONDAY, 9, 12, "accueil", marie)
    _shift(app, site, MONDAY, 14, 16, "accueil", marie)
    empty = _shift(app, site, MONDAY + timedelta(days=1), 17, 19, "amap")
    _shift(app, site, MONDAY + timedelta(days=8), 9, 12, "cafe")  # beyond the week
    gaps = app.rota.gaps(site.id, today=TODAY)
    assert [s.id for s in gaps.empty_shifts] == [empty.id]
    assert [(u.on_date, u.starts_at, u.ends_at) for u in gaps.uncovered] == [
        (MONDAY, time(16), time(18)),
        (MONDAY + timedelta(days=2), time(9), time(12)),
    ]
    assert gaps.count == 3
    # A closure on Wednesday: its hours need nobody.
    app.config.add_closure(
        site.id, start_date=MONDAY + timedelta(days=2), end_date=MONDAY + timedelta(days=2)
    )
    assert app.rota.gaps(site.id, today=TODAY).count == 2


def test_availability_orders_the_picker(app: Comptoir, site: SiteInfo) -> None:
    anne = _volunteer(app, site, "Anne", "Roux")
    marie = _volunteer(app, site, "Marie", "Dubois")
    app.rota.set_availability(site.id, marie, [AvailabilityRange(0, time(8), time(13), "accueil")])
    shift = _shift(app, site, MONDAY, 9, 12, "accueil")
    choices = app.rota.volunteers(site.id, shift_id=shift.id)
    assert [(c.name, c.available) for c in choices] == [
        ("Marie Dubois", True),
        ("Anne Roux", False),
    ]
    assert app.rota.availability(marie) == [AvailabilityRange(0, time(8), time(13), "accueil")]
    with pytest.raises(ValidationError) as bad:
        app.rota.set_availability(site.id, anne, [AvailabilityRange(0, time(13), time(8))])
    assert bad.value.field == "Fin"


def test_report_codes_in_csv_xlsx_and_pdf(app: Comptoir, site: SiteInfo, tmp_path: Path) -> None:
    marie = _volunteer(app, site, "Marie", "Dubois")
    _shift(app, site, MONDAY, 9, 12, "accueil", marie)
    _shift(app, site, MONDAY, 14, 18, "accueil", marie)
    _shift(app, site, MONDAY + timedelta(days=1), 9, 12, "cafe", marie)
    _shift(app, site, MONDAY + timedelta(days=2), 9, 12, "amap")
    data = _report(app, site, MONDAY, MONDAY + timedelta(days=6))
    assert data.value("rota.shifts") == 4
    assert data.value("rota.shifts_filled") == 75.0
    assert data.value("rota.gaps") == 1
    paths = {fmt: tmp_path / f"rapport.{fmt}" for fmt in ("csv", "xlsx", "pdf")}
    for fmt, path in paths.items():
        app.reports.write(data, fmt=fmt, path=path)  # type: ignore[arg-type]
    rows = list(csv.reader(io.StringIO(paths["csv"].read_text("utf-8-sig")), delimiter=";"))
    found = {code: value for code, _label, dimension, value in rows[1:] if not dimension}
    assert (found["rota.shifts"], found["rota.shifts_filled"], found["rota.gaps"]) == (
        "4",
        "75,0",
        "1",
    )
    sheet = load_workbook(paths["xlsx"])["Indicateurs"]
    cells = {r[0]: r[3] for r in sheet.iter_rows(min_row=2, values_only=True) if not r[2]}
    assert (cells["rota.shifts"], cells["rota.shifts_filled"], cells["rota.gaps"]) == (4, 75, 1)
    text = pdf_text(paths["pdf"])
    assert "Créneaux du planning bénévole 4" in text
    assert "Créneaux du planning pourvus 75,0 %" in text
    assert "Créneaux du planning sans bénévole 1" in text


def test_rota_is_refused_to_a_volunteer_account(app: Comptoir, site: SiteInfo) -> None:
    from tiers_lieu.models.enums import Role

    user = app.accounts.create_user(
        username="benevole",
        display_name="Bénévole",
        password="motdepasse-long-1",
        role=Role.VOLUNTEER,
    )
    app.access.sign_in(user)
    with pytest.raises(ComptoirError, match="Action refusée"):
        app.rota.shifts(site.id, MONDAY, MONDAY)


def test_monday_of() -> None:
    assert monday_of(date(2027, 3, 7)) == MONDAY


# -- the demo -------------------------------------------------------------------------------

DEMO_TODAY = date(2026, 11, 18)  # a Wednesday


@pytest.fixture(scope="module")
def demo_db(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    import shutil

    from tiers_lieu.app import build

    path = tmp_path_factory.mktemp("demo-rota") / "demo.sqlite"
    shutil.copyfile(template_db, path)
    with build(str(path)) as app:
        app.demo.generate(scale="small", seed=5, today=DEMO_TODAY)
    return path


def test_the_demo_rota_has_done_hours_and_gaps_ahead(demo_app: Comptoir) -> None:
    site = demo_app.sites.list_sites()[0]
    monday = monday_of(DEMO_TODAY)
    shifts = demo_app.rota.shifts(site.id, monday - timedelta(days=7), monday + timedelta(days=13))
    past = [s for s in shifts if s.on_date < DEMO_TODAY]
    assert past and {"accueil", "amap", "cafe"} <= {s.role for s in shifts}
    done = [s for s in past if s.status == "done"]
    assert done and all(s.volunteer_time_id is not None for s in done)
    assert all(s.status == "planned" for s in shifts if s.on_date > DEMO_TODAY)
    # Each done shift's hours are in the volunteer time, and those days hold no other entry.
    with Session(demo_app.engine) as s:
        entries = s.exec(
            select(VolunteerTime).where(
                VolunteerTime.on_date >= monday - timedelta(days=7),
                VolunteerTime.on_date < DEMO_TODAY,
            )
        ).all()
    assert {e.id for e in entries} == {s.volunteer_time_id for s in done}
    assert sum(e.minutes for e in entries) == sum(s.minutes for s in done)
    gaps = demo_app.rota.gaps(site.id, today=DEMO_TODAY)
    assert gaps.empty_shifts and gaps.uncovered
    data = _report(demo_app, site, monday - timedelta(days=7), monday + timedelta(days=13))
    assert data.value("rota.shifts") == len(shifts)
    assert data.value("rota.gaps") == sum(1 for s in shifts if s.person_id is None)
    assert 50 < data.value("rota.shifts_filled") < 100
    # The rota's volunteers have their usual availability.
    assert any(v.ranges for v in demo_app.rota.volunteers(site.id))


def test_the_demo_rota_is_the_same_for_the_same_seed(
    demo_db: Path, template_db: Path, tmp_path: Path
) -> None:
    import shutil

    from tiers_lieu.app import build

    def rota(path: Path) -> list[tuple[object, ...]]:
        with build(str(path)) as app, Session(app.engine) as s:
            rows = s.exec(select(RotaShift).order_by(RotaShift.on_date, RotaShift.starts_at)).all()
            return [(r.on_date, r.starts_at, r.role, r.person_id, r.status) for r in rows]

    again = tmp_path / "again.sqlite"
    shutil.copyfile(template_db, again)
    with build(str(again)) as app:
        app.demo.generate(scale="small", seed=5, today=DEMO_TODAY)
    assert rota(again) == rota(demo_db)


def test_the_printed_week_stays_on_one_page_however_full(
    app: Comptoir, site: SiteInfo, tmp_path: Path
) -> None:
    from pypdf import PdfReader

    from tiers_lieu.reports.documents.rota_sheet import write_rota_sheet

    data = ShiftInput(on_date=MONDAY, starts_at=time(9), ends_at=time(12), role="accueil")
    for _n in range(30):
        app.rota.create_shift(site.id, data)
    sheet = app.rota.week_sheet(site.id, MONDAY)
    monday_accueil = sheet.rows[0][1][0]
    assert len(monday_accueil) == 12 and monday_accueil[-1] == "… et 19 autres"
    assert sheet.gaps == 30
    pdf = write_rota_sheet(sheet, tmp_path / "planning.pdf")
    pages = PdfReader(str(pdf)).pages
    assert len(pages) == 1 and pages[0].mediabox.width > pages[0].mediabox.height
    text = pdf_text(pdf)
    assert "30 créneaux à pourvoir cette semaine." in text
    assert "Lundi 01/03" in text
