"""Importing a calendar from the agenda's « Imprimer et partager » menu, as a host moving the
place's own export into an emptied room: the events outside the opening hours are listed with
why, the window asks whether to import them anyway, and they land in the room; a broken file
is explained in French and nothing is written. (File and resource choosers are patched.)
The same menu prints the day's agenda and a practitioner's list on the printer chosen in Qt's
print dialog (``printer_double``), beside its « Enregistrer … en PDF… » entries."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from printer_double import fake_printer, printed_pages
from PySide6.QtWidgets import QFileDialog, QInputDialog, QWidget
from pytestqt.qtbot import QtBot
from sqlmodel import select

from tiers_lieu.app import Comptoir
from tiers_lieu.models import Booking
from tiers_lieu.models.enums import ResourceKind
from tiers_lieu.services.agenda.inputs import BookingRequest
from tiers_lieu.services.agenda.readmodels import ResourceInfo
from tiers_lieu.services.agenda.resources import ResourceFields
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.agenda import AgendaSection
from tiers_lieu.ui.agenda.share import ShareMenu

PARIS = ZoneInfo("Europe/Paris")


def titles_in(app: Comptoir, resource: ResourceInfo) -> list[str]:
    with app.uow() as uow:
        return list(
            uow.session.exec(
                select(Booking.title)
                .where(Booking.resource_id == resource.id)
                .order_by(Booking.start_at)
            )
        )


@pytest.fixture
def rooms(app: Comptoir, site: SiteInfo) -> tuple[ResourceInfo, ResourceInfo]:
    old = app.agenda.resources.create(
        site.id, ResourceFields(name="Salle de réunion", kind=ResourceKind.MEETING_ROOM)
    )
    new = app.agenda.resources.create(
        site.id, ResourceFields(name="Nouvelle salle", kind=ResourceKind.MEETING_ROOM)
    )
    with app.uow() as uow:
        for day, title in ((10, "Conseil du soir"), (12, "Comité du soir")):
            uow.session.add(
                Booking(
                    site_id=site.id,
                    resource_id=old.id,
                    start_at=datetime(2026, 3, day, 18, tzinfo=PARIS).astimezone(UTC),
                    end_at=datetime(2026, 3, day, 20, tzinfo=PARIS).astimezone(UTC),
                    title=title,
                )
            )
        uow.commit()
    app.agenda.bookings.create(
        site.id,
        BookingRequest(
            resource_id=old.id,
            start=datetime(2026, 3, 11, 10, tzinfo=PARIS),
            end=datetime(2026, 3, 11, 11, tzinfo=PARIS),
            title="Atelier",
        ),
    )
    return old, new


def menu_choosing(
    qtbot: QtBot,
    app: Comptoir,
    site: SiteInfo,
    monkeypatch: pytest.MonkeyPatch,
    path: Path,
    resource: ResourceInfo,
) -> ShareMenu:
    owner = QWidget()
    qtbot.addWidget(owner)
    menu = ShareMenu(app, site, owner)
    menu.set_resources([resource])
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(path), ""))
    monkeypatch.setattr(QInputDialog, "getItem", lambda *_a, **_k: (resource.name, True))
    return menu


def test_events_outside_hours_are_imported_when_the_host_says_so(
    qtbot: QtBot,
    app: Comptoir,
    site: SiteInfo,
    rooms: tuple[ResourceInfo, ResourceInfo],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    message_boxes: list[tuple[str, str, str]],
) -> None:
    old, new = rooms
    path = tmp_path / "salle.ics"
    path.write_bytes(app.agenda.ical.export_resource(old.id))
    menu = menu_choosing(qtbot, app, site, monkeypatch, path, new)
    imported: list[bool] = []
    menu.imported.connect(lambda: imported.append(True))
    menu.on_import_triggered()
    qtbot.waitUntil(lambda: menu.collisions is not None)
    assert not imported  # refused as a whole: nothing saved yet
    dialog = menu.collisions
    assert dialog is not None and dialog.isVisible()
    qtbot.addWidget(dialog)
    reasons = [event.reason for event in dialog.model.rows()]
    assert len(reasons) == 2
    assert all("la réservation doit tenir dans ces horaires" in r for r in reasons)
    assert titles_in(app, new) == []
    assert dialog.outside_button is not None
    dialog.outside_button.click()
    qtbot.waitUntil(lambda: imported == [True])
    assert titles_in(app, new) == ["Conseil du soir", "Atelier", "Comité du soir"]
    _kind, title, text = message_boxes[-1]
    assert title == "Calendrier importé"
    assert "3 réservations importées." in text
    assert "Dont 2 en dehors des horaires d'ouverture, comme demandé." in text


def test_a_broken_calendar_is_explained_and_nothing_written(
    qtbot: QtBot,
    app: Comptoir,
    site: SiteInfo,
    rooms: tuple[ResourceInfo, ResourceInfo],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    message_boxes: list[tuple[str, str, str]],
) -> None:
    _old, new = rooms
    path = tmp_path / "an1.ics"
    path.write_bytes(
        b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:1\r\nSUMMARY:Vieux\r\n"
        b"DTSTART:00010101T090000\r\nDTEND:00010101T100000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    menu = menu_choosing(qtbot, app, site, monkeypatch, path, new)
    menu.on_import_triggered()
    qtbot.waitUntil(lambda: bool(message_boxes))
    kind, _title, text = message_boxes[-1]
    assert kind == "warning"
    assert "« Vieux » (ligne 2) : DTSTART en l'an 1 : les dates vont de 1900 à 2100" in text
    assert titles_in(app, new) == []


def test_the_day_and_a_practitioner_list_go_to_the_chosen_printer(
    qtbot: QtBot,
    app: Comptoir,
    site: SiteInfo,
    rooms: tuple[ResourceInfo, ResourceInfo],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    app.agenda.practitioners.create(site_id=site.id, name="Claire Dumas", profession="Infirmière")
    section = AgendaSection(app, site)
    qtbot.addWidget(section)
    tab = section.agenda
    tab._day = datetime(2026, 3, 11).date()  # the day of the « Atelier »
    tab.refresh()
    entries = [a.text().replace("&", "") for a in tab.share.actions() if a.text()]
    assert entries[:4] == [
        "Imprimer l'agenda du jour (pour la porte)…",
        "Enregistrer l'agenda du jour en PDF…",
        "Imprimer la liste du jour d'un·e intervenant·e…",
        "Enregistrer la liste d'un·e intervenant·e en PDF…",
    ]
    paper = tmp_path / "imprimante.pdf"
    asked = fake_printer(monkeypatch, paper)
    tab.share.actions()[0].trigger()
    assert asked == ["Agenda du jour"]
    qtbot.waitUntil(lambda: "1 page envoyée à l'imprimante." in tab.status.text())
    assert printed_pages(paper) == 1

    paper.unlink()
    monkeypatch.setattr(
        QInputDialog, "getItem", lambda *_a, **_k: ("Claire Dumas (Infirmière)", True)
    )
    tab.share.actions()[2].trigger()
    assert asked[-1] == "Liste du jour d'un·e intervenant·e"
    qtbot.waitUntil(paper.exists)
    assert printed_pages(paper) == 1


def test_closing_the_print_dialog_prints_nothing_from_the_agenda(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    section = AgendaSection(app, site)
    qtbot.addWidget(section)
    paper = tmp_path / "imprimante.pdf"
    fake_printer(monkeypatch, paper, accept=False)
    section.agenda.share.on_day_print_triggered()
    qtbot.wait(50)
    assert not paper.exists()
    assert section.agenda.status.text() == ""
