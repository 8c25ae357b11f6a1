"""Attendance sheets (« feuilles d'émargement ») as the facilitator prints them before a
workshop and the GAL reads them in a payment claim: the workshop, the people registered by
name, empty lines up to the capacity, a signature column, the head count to write by hand,
and the EU block only when an operation covers the workshop's day."""

from __future__ import annotations

import uuid
from datetime import date, time
from pathlib import Path

import pytest
from pdftext import pdf_pages, pdf_text
from pypdf import PdfReader

from tiers_lieu.__main__ import main
from tiers_lieu.app import Comptoir, build
from tiers_lieu.errors import ValidationError
from tiers_lieu.models import Event
from tiers_lieu.reports.documents.attendance_sheet import (
    BLANK_LINES,
    MIN_LINES,
    line_count,
    write_attendance_sheets,
)
from tiers_lieu.services.events import EventFields, HeadCountLine
from tiers_lieu.services.organisation import OperationFields
from tiers_lieu.services.people import PersonInput
from tiers_lieu.services.readmodels import SiteInfo

MM = 72 / 25.4
DAY = date(2026, 3, 10)  # a Tuesday
OPERATION = "Le Comptoir de Felletin : accueil et services au public"


def workshop(
    app: Comptoir, site: SiteInfo, title: str = "Premiers pas sur tablette", **fields: object
) -> uuid.UUID:
    values: dict[str, object] = {
        "event_date": DAY,
        "start_time": time(14),
        "duration_min": 90,
        "place": "Salle commune",
        "facilitator": "Sophie Lavaud",
        **fields,
    }
    return app.events.create(site.id, EventFields(title=title, **values)).id  # type: ignore[arg-type]


def register(app: Comptoir, site: SiteInfo, event_id: uuid.UUID, *names: str) -> None:
    people = [
        app.people.create(site.id, PersonInput(first_name=first, last_name=last)).id
        for first, last in (name.split(" ", 1) for name in names)
    ]
    app.events.set_registered(event_id, people)


def set_capacity(app: Comptoir, event_id: uuid.UUID, capacity: int) -> None:
    with app.uow() as uow:
        event = uow.session.get(Event, event_id)
        assert event is not None
        event.capacity = capacity
        uow.session.add(event)
        uow.commit()


def with_operation(
    app: Comptoir, site: SiteInfo, start: date | None = None, end: date | None = None, **more: str
) -> None:
    app.organisation.save_operation(
        site.id, OperationFields(title=OPERATION, start_date=start, end_date=end, **more)
    )


def table_lines(page: str) -> list[str]:
    """The sheet's numbered lines as read back: « 1 Aline Dubreuil », « 2 », …"""
    lines = page.splitlines()
    start = lines.index("Signature") + 1
    stop = lines.index("Nombre de participants présents :")
    return lines[start:stop]


def test_the_sheet_lists_the_registered_people_then_empty_lines_to_the_capacity(
    app: Comptoir, site: SiteInfo, tmp_path: Path
) -> None:
    event_id = workshop(app, site)
    register(app, site, event_id, "Marc Vidal", "Aline Dubreuil", "Élise Bonnet")
    set_capacity(app, event_id, 18)
    with_operation(app, site)
    sheet = app.events.attendance_sheet(event_id)
    assert sheet.names == ("Aline Dubreuil", "Élise Bonnet", "Marc Vidal")
    assert sheet.capacity == 18

    target = write_attendance_sheets([sheet], tmp_path / "emargement.pdf")
    [page] = pdf_pages(target)
    lines = table_lines(page)
    assert lines[:4] == ["1", "Aline Dubreuil", "2", "Élise Bonnet"]
    numbers = [line for line in lines if line.isdigit()]
    assert numbers == [str(n) for n in range(1, 19)]  # up to the capacity
    text = pdf_text(target)
    for expected in (
        "Cofinancé par l'Union européenne",
        f"Opération LEADER : {OPERATION}",
        "Le Comptoir de Felletin",
        "Feuille d'émargement",
        "Premiers pas sur tablette",
        "Mardi 10 mars 2026",
        "14:00 – 15:30",
        "Salle commune",
        "Animé par Sophie Lavaud",
        "N° Nom et prénom Signature",
        "Nombre de participants présents :",
        "Signature de l'animateur ou de l'animatrice :",
    ):
        assert expected in text, expected
    reader = PdfReader(str(target))
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / MM), round(float(box.height) / MM)) == (210, 297)
    contents = reader.pages[0].get_contents()
    assert contents is not None
    stream = contents.get_data().decode("latin-1")
    assert stream.count("1 .8 0 rg") == 12  # the emblem's twelve gold stars
    assert "0 .2 .6 rg" in stream  # on Reflex Blue


def test_without_a_capacity_a_few_empty_lines_follow_the_registered(
    app: Comptoir, site: SiteInfo
) -> None:
    event_id = workshop(app, site)
    names = [f"Personne{n} Inscrite" for n in range(12)]
    register(app, site, event_id, *names)
    sheet = app.events.attendance_sheet(event_id)
    assert line_count(sheet) == 12 + BLANK_LINES
    bare = app.events.attendance_sheet(workshop(app, site, "Café réparation"))
    assert bare.names == () and line_count(bare) == MIN_LINES


def test_a_long_list_runs_on_with_its_heading(
    app: Comptoir, site: SiteInfo, tmp_path: Path
) -> None:
    event_id = workshop(app, site)
    register(app, site, event_id, *(f"Prénom{n:02} Nom{n:02}" for n in range(40)))
    target = write_attendance_sheets([app.events.attendance_sheet(event_id)], tmp_path / "long.pdf")
    pages = pdf_pages(target)
    assert len(pages) >= 2
    assert all("N°\nNom et prénom\nSignature" in page for page in pages)
    text = pdf_text(target)
    assert "Prénom00 Nom00" in text and "Prénom39 Nom39" in text
    assert text.count("Nombre de participants présents :") == 1  # once, at the end


def test_no_eu_block_when_no_operation_covers_the_day(
    app: Comptoir, site: SiteInfo, tmp_path: Path
) -> None:
    event_id = workshop(app, site)
    assert app.events.attendance_sheet(event_id).operation is None
    with_operation(app, site, date(2026, 4, 1), date(2028, 3, 31))  # starts after the workshop
    sheet = app.events.attendance_sheet(event_id)
    assert sheet.operation is None
    target = write_attendance_sheets([sheet], tmp_path / "sans.pdf")
    text = pdf_text(target)
    assert "Cofinancé" not in text and "Opération LEADER" not in text
    assert "Feuille d'émargement" in text

    with_operation(app, site, date(2026, 1, 1), None)  # open-ended, covering it
    assert app.events.attendance_sheet(event_id).operation is not None


def test_a_missing_emblem_image_is_refused_naming_the_field(
    app: Comptoir, site: SiteInfo, tmp_path: Path
) -> None:
    event_id = workshop(app, site)
    gone = str(tmp_path / "embleme.png")
    with_operation(app, site, emblem_path=gone)
    out = tmp_path / "sortie"
    out.mkdir()
    with pytest.raises(ValidationError) as raised:
        write_attendance_sheets([app.events.attendance_sheet(event_id)], out / "f.pdf")
    assert raised.value.field == "Emblème de l'Union européenne"
    assert gone in raised.value.message
    assert list(out.iterdir()) == []


def test_the_period_gives_one_sheet_per_workshop_in_date_order(
    app: Comptoir, site: SiteInfo, tmp_path: Path
) -> None:
    workshop(app, site, "Atelier du jeudi", event_date=date(2026, 3, 12))
    workshop(app, site)
    workshop(app, site, "Atelier du matin", start_time=time(9))
    workshop(app, site, "Atelier hors période", event_date=date(2026, 4, 2))
    sheets = app.events.attendance_sheets(site.id, date(2026, 3, 1), date(2026, 3, 31))
    assert [s.title for s in sheets] == [
        "Atelier du matin",
        "Premiers pas sur tablette",
        "Atelier du jeudi",
    ]
    pages = pdf_pages(write_attendance_sheets(sheets, tmp_path / "mars.pdf"))
    assert len(pages) == 3
    assert ["Atelier du matin" in pages[0], "Atelier du jeudi" in pages[2]] == [True, True]


def test_the_head_count_is_keyed_after_in_the_workshop_attendance(
    app: Comptoir, site: SiteInfo
) -> None:
    """What the signed sheet says is keyed back into the workshop: the registered list
    corrected, or anonymous head counts; the participants then count as visits."""
    event_id = workshop(app, site)
    register(app, site, event_id, "Marc Vidal", "Aline Dubreuil")
    detail = app.events.set_head_counts(event_id, [HeadCountLine(7)])
    assert detail.event.participants == 7
    assert app.events.attendance_sheet(event_id).names == ()


def test_the_sheets_read_the_same_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    app = build(pg_url)
    try:
        site = app.sites.init_site(name="Le Comptoir de Felletin", commune_name="Felletin")
        event_id = workshop(app, site)
        register(app, site, event_id, "Marc Vidal", "Élise Bonnet")
        workshop(app, site, "Atelier sans heure", start_time=None)
        with_operation(app, site, date(2026, 1, 1), date(2026, 12, 31))
        sheets = app.events.attendance_sheets(site.id, DAY, DAY)
        assert [s.title for s in sheets] == ["Atelier sans heure", "Premiers pas sur tablette"]
        assert sheets[1].names == ("Élise Bonnet", "Marc Vidal")
        assert all(s.operation is not None for s in sheets)
        text = pdf_text(write_attendance_sheets(sheets, tmp_path / "pg.pdf"))
        assert "Élise Bonnet" in text and OPERATION in text
    finally:
        app.close()


# -- the command line -------------------------------------------------------------------------
@pytest.fixture
def db(db_path: Path) -> Path:
    app = build(str(db_path))
    try:
        site = app.sites.init_site(name="Le Comptoir de Felletin", commune_name="Felletin")
        event_id = workshop(app, site)
        register(app, site, event_id, "Aline Dubreuil")
        workshop(app, site, "Atelier du jeudi", event_date=date(2026, 3, 12))
        with_operation(app, site)
        grange = app.sites.init_site(name="La Grange")
        workshop(app, grange, "Atelier à la Grange", event_date=date(2026, 3, 20))
    finally:
        app.close()
    return db_path


def export(db: Path, out: Path, *extra: str) -> list[str]:
    return ["--db", str(db), "export", "emargement", "--out", str(out), *extra]


def test_the_command_writes_the_sheets_of_the_period(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "emargement.pdf"
    period = ("--from", "2026-03-01", "--to", "2026-03-31")
    assert main(export(db, out, *period, "--site", "Le Comptoir de Felletin")) == 0
    assert "2 feuilles d'émargement écrites" in capsys.readouterr().out
    pages = pdf_pages(out)
    assert len(pages) == 2
    assert "Aline Dubreuil" in pages[0] and "Atelier du jeudi" in pages[1]
    assert OPERATION in pages[0]

    every = tmp_path / "tous.pdf"
    assert main(export(db, every, *period)) == 0  # every place
    assert "Atelier à la Grange" in pdf_text(every)
    assert len(pdf_pages(every)) == 3


def test_the_command_refuses_a_period_without_workshops(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "vide.pdf"
    assert main(export(db, out, "--from", "2026-05-01", "--to", "2026-05-31")) == 2
    err = capsys.readouterr().err
    assert "--from/--to : aucun atelier du 1er mai 2026 au 31 mai 2026" in err
    assert not out.exists()


def test_the_command_needs_the_period(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "f.pdf"
    assert main(export(db, out)) == 2
    assert "--from et --to" in capsys.readouterr().err
    assert not out.exists()
