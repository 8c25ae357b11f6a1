"""Times are the place's, never the computer's: with the computer set to a zone 12 hours or
more away from the place, what the services date "today" and what the report says it was
generated at are still read on the place's clock; and a scan of the package keeps the calls
that read the computer's clock from coming back."""

from __future__ import annotations

import dataclasses
import io
import re
import tokenize
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pdftext import pdf_pages, pdf_text
from placetime import PLACE, computer_zone, place_today
from sqlmodel import select

import tiers_lieu
from tiers_lieu.app import Comptoir
from tiers_lieu.errors import ValidationError
from tiers_lieu.i18n import format_datetime, format_instant, place_now, to_place_time
from tiers_lieu.models import Site, Visit
from tiers_lieu.models.enums import PaymentMethod, ServiceKind
from tiers_lieu.reports.model import ReportData
from tiers_lieu.services.people import PersonInput
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.services.visit_log import VisitCorrection

PACKAGE = Path(tiers_lieu.__file__).parent
#: 23:30 UTC on 10 January 2027: 00:30 on the 11th in Paris, 03:30 in La Réunion.
INSTANT = datetime(2027, 1, 10, 23, 30, tzinfo=UTC)


def set_zone(app: Comptoir, site: SiteInfo, name: str) -> None:
    with app.uow() as uow:
        row = uow.session.get(Site, site.id)
        assert row is not None
        row.timezone = name
        uow.commit()


# -- the helpers ---------------------------------------------------------------------------
def test_the_helpers_read_the_place_clock_whatever_the_computer_says() -> None:
    with computer_zone("Pacific/Pago_Pago"):
        assert format_datetime(INSTANT, PLACE) == "11/01/2027 00:30"
        assert format_instant(INSTANT, PLACE) == "11/01/2027 à 00:30"
        assert format_instant(INSTANT, ZoneInfo("Indian/Reunion")) == "11/01/2027 à 03:30"
        assert to_place_time(INSTANT, PLACE).hour == 0
        assert abs(place_now(PLACE) - datetime.now(UTC)) < timedelta(seconds=5)
        assert place_now(PLACE).date() == place_today()


def test_a_naive_datetime_is_refused_rather_than_guessed() -> None:
    with pytest.raises(ValueError, match="naive"):
        format_datetime(datetime(2027, 1, 10, 23, 30), PLACE)


def test_the_site_read_model_carries_its_zone(app: Comptoir, site: SiteInfo) -> None:
    assert site.zone == PLACE
    set_zone(app, site, "Indian/Reunion")
    (again,) = app.sites.list_sites()
    assert again.zone == ZoneInfo("Indian/Reunion")


# -- the report ----------------------------------------------------------------------------
@pytest.fixture
def report(app: Comptoir, site: SiteInfo) -> ReportData:
    data = app.reports.compute(
        period_start=date(2026, 1, 1), period_end=date(2026, 12, 31), site_ids=[site.id]
    )
    return dataclasses.replace(data, generated_at=INSTANT)


def test_the_report_pdf_says_when_it_was_made_on_the_place_clock(
    app: Comptoir, report: ReportData, tmp_path: Path
) -> None:
    with computer_zone("Pacific/Pago_Pago"):  # 12:30 on the 10th there
        path = app.reports.write(report, fmt="pdf", path=tmp_path / "rapport.pdf")
    text = pdf_text(path)
    assert "Document généré le : 11 janvier 2027 à 00:30" in text
    assert all("Généré le 11/01/2027" in page for page in pdf_pages(path))


def test_the_report_xlsx_says_when_it_was_made_on_the_place_clock(
    app: Comptoir, site: SiteInfo, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    set_zone(app, site, "Indian/Reunion")
    data = app.reports.compute(
        period_start=date(2026, 1, 1), period_end=date(2026, 12, 31), site_ids=[site.id]
    )
    data = dataclasses.replace(data, generated_at=INSTANT)
    with computer_zone("Pacific/Pago_Pago"):
        path = app.reports.write(data, fmt="xlsx", path=tmp_path / "rapport.xlsx")
        pdf = app.reports.write(data, fmt="pdf", path=tmp_path / "rapport.pdf")
    sheet = load_workbook(path).worksheets[0]
    generated = next(row[1].value for row in sheet.iter_rows() if row[0].value == "Généré le")
    assert generated == datetime(2027, 1, 11, 3, 30)
    assert "Document généré le : 11 janvier 2027 à 03:30" in pdf_text(pdf)


# -- "today" in the services ---------------------------------------------------------------
def test_a_pass_sold_without_a_date_is_paid_today_at_the_place(
    app: Comptoir, site: SiteInfo
) -> None:
    kind = app.agenda.passes.create_type(
        site_id=site.id, name="Journée", kind="day", price_cents=1000
    )
    person = app.people.create(site.id, PersonInput(first_name="Anne", last_name="Alard"))
    with computer_zone():
        sold = app.agenda.passes.sell(
            site_id=site.id,
            person_id=person.id,
            pass_type_id=kind.id,
            method=PaymentMethod.CASH,
        )
        assert sold.purchased_on == place_today()
        assert app.agenda.passes.balance(person.id) == 1
        assert app.agenda.passes.history(person.id).balance == 1


def test_a_visit_corrected_to_today_at_the_place_is_not_in_the_future(
    app: Comptoir, site: SiteInfo
) -> None:
    service = next(s for s in app.config.list_services(site.id) if s.kind == ServiceKind.WELCOME)
    visit = app.visits.count(site_id=site.id, service_id=service.id)
    today = place_today()
    with computer_zone():
        app.visit_log.update(
            visit.id,
            VisitCorrection(
                service_id=service.id, activity_date=today, activity_time=time(10, 0), count=2
            ),
        )
        with pytest.raises(ValidationError, match="futur"):
            app.visit_log.update(
                visit.id,
                VisitCorrection(
                    service_id=service.id,
                    activity_date=today + timedelta(days=1),
                    activity_time=None,
                    count=2,
                ),
            )
    with app.uow() as uow:
        stored = uow.session.exec(select(Visit).where(Visit.id == visit.id)).one()
        assert (stored.activity_date, stored.count) == (today, 2)


# -- the scan that keeps the computer's clock out ------------------------------------------
#: A call that reads the computer's clock or zone: what a user sees must use the place's.
CLOCK_CALLS = re.compile(
    r"\bdatetime\.now\(\s*\)"
    r"|\bdatetime\.today\(\s*\)"
    r"|\bdate\.today\(\s*\)"
    r"|\.astimezone\(\s*\)"
    r"|\btime\.localtime\("
    r"|\bdatetime\.fromtimestamp\([^,()]*(\([^()]*\))?[^,()]*\)"
    r"|\bQDate\.currentDate\(\s*\)"
    r"|\bQTime\.currentTime\(\s*\)"
    r"|\bQDateTime\.currentDateTime\(\s*\)"
)

#: file (relative to the package) → how many such calls it may hold, and why they are right.
ALLOWED: dict[str, tuple[int, str]] = {
    "services/backups.py": (
        6,
        "backup names (regular, before a migration, before a restore) and the backup settings "
        "are written on this computer's clock; the list "
        "shows them on the place's clock (ui/settings/backups_tab.backup_instant)",
    ),
    "ui/settings/backups_tab.py": (1, "reads a backup name back as the instant it means"),
}


def code_only(text: str) -> str:
    """``text`` with its strings and comments blanked out (docstrings may name the calls)."""
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    chars = list(text)
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type in (tokenize.STRING, tokenize.COMMENT):
            begin = starts[token.start[0] - 1] + token.start[1]
            end = starts[token.end[0] - 1] + token.end[1]
            for i in range(begin, end):
                if chars[i] != "\n":
                    chars[i] = " "
    return "".join(chars)


def clock_calls() -> dict[str, int]:
    found: dict[str, int] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if relative.startswith("migrations/"):
            continue
        text = path.read_text(encoding="utf-8")
        if CLOCK_CALLS.search(text) is None:  # blanking strings only removes matches
            continue
        n = len(CLOCK_CALLS.findall(code_only(text)))
        if n:
            found[relative] = n
    return found


def test_no_code_reads_the_computer_clock_where_the_place_clock_is_meant() -> None:
    allowed = {path: n for path, (n, _why) in ALLOWED.items()}
    found = clock_calls()
    assert {p: n for p, n in found.items() if n > allowed.get(p, 0)} == {}, (
        "use tiers_lieu.i18n.place_now / place_today / format_datetime with the site's zone"
    )


def test_the_scan_would_see_each_clock_call() -> None:
    samples = [
        "datetime.now()",
        "date.today()",
        "value.astimezone()",
        "time.localtime()",
        "datetime.fromtimestamp(stat.st_mtime)",
        "QDate.currentDate().addMonths(3)",
        "QTime.currentTime()",
        "QDateTime.currentDateTime()",
    ]
    for sample in samples:
        assert CLOCK_CALLS.search(sample), sample
    for fine in ("datetime.now(zone)", "value.astimezone(UTC)", "datetime.fromtimestamp(t, UTC)"):
        assert not CLOCK_CALLS.search(fine), fine
    source = '"""Never ``date.today()``."""\nx = 1  # nor datetime.now()\ny = date.today()\n'
    assert len(CLOCK_CALLS.findall(code_only(source))) == 1
