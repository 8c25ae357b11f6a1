"""The programme as a passer-by gets it: the poster read back with pypdf (A4 and A3, the EU
block only with an operation), the .ics parsed back with icalendar, the web page parsed with
html.parser (no script, a hostile title escaped), the command line's refusals, and the
report's programme figures in the CSV, the XLSX and the PDF."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import date, datetime, time
from html.parser import HTMLParser
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from openpyxl import load_workbook
from pdftext import pdf_text
from pypdf import PdfReader
from test_agenda_support import make_place

from tiers_lieu.__main__ import main
from tiers_lieu.app import Comptoir, build
from tiers_lieu.services.events import EventFields
from tiers_lieu.services.organisation import OperationFields
from tiers_lieu.services.people import PersonInput
from tiers_lieu.services.readmodels import SiteInfo

HOSTILE = '<script>alert("x")</script> & Cie'
OPERATION = "Le Comptoir : accueil et services au public"
PARIS = ZoneInfo("Europe/Paris")


def workshop(app: Comptoir, site: SiteInfo, title: str, day: date, **more: object) -> uuid.UUID:
    values: dict[str, object] = {
        "title": title,
        "event_date": day,
        "start_time": time(14),
        "duration_min": 90,
        "capacity": 2,
    }
    values.update(more)
    return app.events.create(site.id, EventFields(**values)).id  # type: ignore[arg-type]


def fill(app: Comptoir, site: SiteInfo) -> None:
    """Week of 9 March 2026: a full workshop with one waiting in the room, a hostile title,
    one without limit and no time; one in April."""
    place = make_place(app, site)
    tablet = workshop(app, site, "Premiers pas sur tablette", date(2026, 3, 10))
    app.programme.book_room(tablet, place.room.id)
    for name in ("Ana", "Béa", "Cyr"):
        person = app.people.create(site.id, PersonInput(first_name=name, last_name="Roux"))
        app.programme.register(tablet, person.id)
    workshop(app, site, HOSTILE, date(2026, 3, 11), capacity=10, facilitator="Léa")
    workshop(app, site, "Fête du jeu", date(2026, 3, 13), capacity=None, start_time=None)
    workshop(app, site, "Atelier d'avril", date(2026, 4, 2))


@pytest.fixture
def db(db_path: Path) -> Path:
    app = build(str(db_path))
    try:
        site = app.sites.init_site(name="Le Comptoir de Felletin", commune_name="Felletin")
        fill(app, site)
    finally:
        app.close()
    return db_path


def export(db: Path, out: Path, fmt: str, kind: str = "programme") -> list[str]:
    return [
        "--db", str(db), "export", kind, "--from", "2026-03-09", "--to", "2026-03-15",
        "--format", fmt, "--out", str(out),
    ]  # fmt: skip


def test_the_poster_a4_and_a3(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "programme.pdf"
    assert main(export(db, out, "pdf")) == 0
    assert "Programme de 3 ateliers écrit" in capsys.readouterr().out
    reader = PdfReader(str(out))
    assert len(reader.pages) == 1
    assert round(float(reader.pages[0].mediabox.width)) == 595  # A4
    text = pdf_text(out)
    assert "Le Comptoir de Felletin" in text
    assert "Programme du 9 mars 2026 au 15 mars 2026" in text
    assert "Mardi 10 mars" in text and "14:00 – 15:30" in text
    assert "Premiers pas sur tablette" in text and "Salle de réunion" in text
    assert "Complet – liste d'attente" in text
    assert "Places non limitées" in text and "Toute la journée" in text
    assert HOSTILE in text  # drawn as text, not markup
    assert "avril" not in text
    assert "Cofinancé par l'Union européenne" not in text  # no operation yet

    app = build(str(db))
    try:
        site = app.sites.resolve(None)
        app.organisation.save_operation(site.id, OperationFields(title=OPERATION))
    finally:
        app.close()
    big = tmp_path / "programme-a3.pdf"
    assert main(export(db, big, "pdf", "programme-a3")) == 0
    reader = PdfReader(str(big))
    assert round(float(reader.pages[0].mediabox.height)) == 1191  # A3
    text = pdf_text(big)
    assert "Cofinancé par l'Union européenne" in text
    assert OPERATION in text


def test_the_ics_file_reads_back(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "programme.ics"
    assert main(export(db, out, "ics")) == 0
    calendar = Calendar.from_ical(out.read_bytes())
    events = {str(e["summary"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {"Premiers pas sur tablette", HOSTILE, "Fête du jeu"}
    tablet = events["Premiers pas sur tablette"]
    assert tablet.decoded("dtstart") == datetime(2026, 3, 10, 14, tzinfo=PARIS)
    assert tablet.decoded("dtend") == datetime(2026, 3, 10, 15, 30, tzinfo=PARIS)
    assert str(tablet["location"]) == "Salle de réunion"
    assert str(tablet["description"]) == "Complet – liste d'attente"
    assert str(tablet["uid"]).endswith("@comptoir")
    assert events["Fête du jeu"].decoded("dtstart") == date(2026, 3, 13)  # a whole day
    assert calendar.walk("VTIMEZONE")[0]["tzid"] == "Europe/Paris"


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.text.append(data.strip())


def test_the_web_page_is_static_and_escaped(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "programme.html"
    assert main(export(db, out, "html")) == 0
    page = _Page()
    page.feed(out.read_text("utf-8"))
    assert "script" not in page.tags  # no JavaScript, the hostile title included
    assert HOSTILE in page.text  # shown as the text it is
    assert "Programme du 9 mars 2026 au 15 mars 2026" in page.text
    assert "Complet – liste d'attente" in page.text
    assert "link" not in page.tags and "img" not in page.tags  # one self-contained file


def test_the_command_refuses_an_empty_period_and_a_bad_format(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "rien.pdf"
    args = export(db, out, "pdf")
    args[args.index("2026-03-09")] = "2026-05-01"
    args[args.index("2026-03-15")] = "2026-05-31"
    assert main(args) == 2
    assert "--from/--to : aucun atelier du 1er mai 2026 au 31 mai 2026" in capsys.readouterr().err
    assert main(export(db, out, "xlsx")) == 2
    assert "--format" in capsys.readouterr().err
    assert not out.exists()


def test_the_report_carries_the_programme_figures(
    app: Comptoir, site: SiteInfo, tmp_path: Path
) -> None:
    fill(app, site)
    data = app.reports.compute(
        period_start=date(2026, 3, 1), period_end=date(2026, 3, 31), site_ids=[site.id]
    )
    totals = {i.code: i.value for i in data.indicators if not i.dimension}
    # 3 workshops; Ana and Béa registered, Cyr waiting; 2 of 2 + 0 of 10 places taken.
    assert totals["programme.events"] == 3
    assert totals["programme.registrations"] == 2
    assert totals["programme.waiting"] == 1
    assert totals["programme.fill_rate"] == pytest.approx(100 * 2 / 12, abs=0.05)
    assert totals["events.participants"] == 2  # the waiting list is not counted present
    paths = {fmt: tmp_path / f"rapport.{fmt}" for fmt in ("csv", "xlsx", "pdf")}
    for fmt, path in paths.items():
        app.reports.write(data, fmt=fmt, path=path)  # type: ignore[arg-type]
    rows = list(csv.reader(io.StringIO(paths["csv"].read_text("utf-8-sig")), delimiter=";"))
    csv_totals = {code: value for code, _label, dimension, value in rows[1:] if not dimension}
    sheet = load_workbook(paths["xlsx"])["Indicateurs"]
    xlsx_totals = {
        code: value
        for code, _label, dimension, value, _unit in sheet.iter_rows(min_row=2, values_only=True)
        if not dimension
    }
    for code in ("programme.events", "programme.registrations", "programme.waiting"):
        assert float(csv_totals[code].replace(",", ".")) == totals[code]
        assert xlsx_totals[code] == totals[code]
    text = pdf_text(paths["pdf"])
    assert "Ateliers au programme 3" in text
    assert "Personnes en liste d'attente des ateliers 1" in text
    assert "Taux de remplissage des ateliers (places prises) 16,7 %" in text


def test_the_programme_and_its_figures_on_postgresql(pg_url: str) -> None:
    """The places counted under a row lock, the room's booking, the fill rate's SQL."""
    with build(pg_url) as app:
        site = app.sites.init_site(name="Le Comptoir de Felletin", commune_name="Felletin")
        fill(app, site)
        week = app.programme.programme(site.id, date(2026, 3, 9), date(2026, 3, 15))
        assert [line.places_left for line in week.lines] == [0, 10, None]
        assert week.lines[0].room == "Salle de réunion" and week.lines[0].waiting == 1
        data = app.reports.compute(
            period_start=date(2026, 3, 1), period_end=date(2026, 3, 31), site_ids=[site.id]
        )
        assert data.value("programme.waiting") == 1
        assert data.value("programme.fill_rate") == pytest.approx(100 * 2 / 12, abs=0.05)
