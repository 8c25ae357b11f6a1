"""« Feuille d'émargement… » in Visites et ateliers › Ateliers et animations: the chosen
workshop's sheet goes to the printer chosen in Qt's print dialog, or is saved as a PDF,
with the names of the people registered."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date, time
from pathlib import Path
from typing import Any

import pytest
from pdftext import pdf_text
from printer_double import fake_printer, printed_pages
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from tiers_lieu.app import Comptoir
from tiers_lieu.models.enums import Role
from tiers_lieu.services.events import EventFields
from tiers_lieu.services.organisation import OperationFields
from tiers_lieu.services.people import PersonInput
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.visits import VisitsSection
from tiers_lieu.ui.visits.events_tab import EventsTab

TODAY = date(2026, 11, 20)


@pytest.fixture
def tab(qtbot: QtBot, app: Comptoir, site: SiteInfo) -> Iterator[EventsTab]:
    """The workshops tab, as a volunteer at the desk sees it, with one workshop tomorrow
    and two people registered."""
    user = app.accounts.create_user(
        username="benevole",
        display_name="Bénévole",
        pin="482613",
        role=Role.VOLUNTEER,
        site_id=site.id,
    )
    event = app.events.create(
        site.id,
        EventFields(
            title="Premiers pas sur tablette",
            event_date=date(2026, 11, 21),
            start_time=time(14),
            place="Salle commune",
        ),
    )
    people = [
        app.people.create(site.id, PersonInput(first_name=first, last_name=last)).id
        for first, last in (("Aline", "Dubreuil"), ("Marc", "Vidal"))
    ]
    app.events.set_registered(event.id, people)
    app.organisation.save_operation(site.id, OperationFields(title="Accueil et services au public"))
    app.access.sign_in(user)
    section = VisitsSection(app, site, today=TODAY)
    qtbot.addWidget(section)
    section.resize(1024, 600)
    with qtbot.waitExposed(section):
        section.show()
    section.tabs.setCurrentWidget(section.events_tab)
    yield section.events_tab  # the section kept alive meanwhile


def choose_first(tab: EventsTab) -> uuid.UUID:
    tab.view.setFocus()
    tab.view.selectRow(0)
    return tab.model.row_at(0).id


def test_the_button_waits_for_a_workshop_and_has_its_mnemonic(tab: EventsTab) -> None:
    assert tab.sheet_button.text() == "Feuille d'émar&gement…"
    assert tab.sheet_button.isVisible()
    tab.view.clearSelection()
    assert not tab.sheet_button.isEnabled()
    choose_first(tab)
    assert tab.sheet_button.isEnabled()
    texts = [a.text() for a in tab.sheet_menu.actions()]
    assert texts == ["&Imprimer…", "Enregistrer en &PDF…"]


def test_the_sheet_is_printed_on_the_chosen_printer(
    qtbot: QtBot, tab: EventsTab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paper = tmp_path / "imprimante.pdf"
    asked = fake_printer(monkeypatch, paper)
    choose_first(tab)
    tab.sheet_menu.actions()[0].trigger()
    assert asked == ["Feuille d'émargement"]
    qtbot.waitUntil(lambda: "1 page envoyée à l'imprimante" in tab.status.text(), timeout=10_000)
    assert printed_pages(paper) == 1


def test_the_sheet_is_saved_as_a_pdf_with_the_registered_names(
    qtbot: QtBot, tab: EventsTab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chosen = tmp_path / "feuille"  # the suffix is added
    offered: list[str] = []

    def save_name(_parent: Any, _title: str, suggested: str, _pattern: str) -> tuple[str, str]:
        offered.append(suggested)
        return str(chosen), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_name)
    choose_first(tab)
    tab.sheet_menu.actions()[1].trigger()
    written = chosen.with_suffix(".pdf")
    qtbot.waitUntil(lambda: "Feuille d'émargement enregistrée" in tab.status.text(), timeout=10_000)
    assert offered[0].endswith("emargement-2026-11-21.pdf")
    text = pdf_text(written)
    for expected in (
        "Feuille d'émargement",
        "Premiers pas sur tablette",
        "Aline Dubreuil",
        "Marc Vidal",
        "Cofinancé par l'Union européenne",
        "Opération LEADER : Accueil et services au public",
        "Samedi 21 novembre 2026",
    ):
        assert expected in text, expected
