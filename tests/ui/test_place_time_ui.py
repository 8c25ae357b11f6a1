"""What the desk shows with the computer set to a zone 12 hours or more away from the place:
confirmations carry the place's time, the démarche's visit lands in the place's hour of the
chart, the forms and the agenda open on the place's today, and the backup list reads its
instants on the place's clock."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from placetime import PLACE, computer_zone, place_minutes, place_today
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from sqlmodel import select

from tiers_lieu.app import Comptoir
from tiers_lieu.models import Visit
from tiers_lieu.models.enums import ResourceKind
from tiers_lieu.services.agenda.resources import ResourceFields
from tiers_lieu.services.amap.contracts import ContractInput
from tiers_lieu.services.backups import BackupService
from tiers_lieu.services.people import PersonInput
from tiers_lieu.services.public_holidays import public_holidays
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.agenda import AgendaSection
from tiers_lieu.ui.amap import AmapPanel
from tiers_lieu.ui.common import to_date
from tiers_lieu.ui.demarches import DemarchesSection
from tiers_lieu.ui.settings.backups_tab import BackupsModel, BackupsTab

TIME_AT_END = re.compile(r"\((\d\d:\d\d)\)$")


@pytest.fixture
def elsewhere() -> Iterator[str]:
    """The computer's clock set far from Paris, for the whole test."""
    with computer_zone() as zone:
        yield zone


def shown_time(text: str) -> str:
    match = TIME_AT_END.search(text)
    assert match, repr(text)
    return match.group(1)


def show(qtbot: QtBot, widget: object) -> None:
    qtbot.addWidget(widget)  # type: ignore[arg-type]
    widget.resize(1280, 800)  # type: ignore[attr-defined]
    with qtbot.waitExposed(widget):  # type: ignore[arg-type]
        widget.show()  # type: ignore[attr-defined]


def test_a_demarche_confirms_at_the_place_time_and_counts_its_visit_in_the_place_hour(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, elsewhere: str
) -> None:
    section = DemarchesSection(app, site)
    show(qtbot, section)
    form = section.form
    assert to_date(form.day.date()) == place_today()
    assert form.day_hint.text() == "(aujourd'hui)"
    form.operator.select_text("CAF")
    form.theme.select_text("Logement")
    form.help_type.select_text("Information")
    form.on_save_clicked()

    assert "Démarche enregistrée" in form.status.text()
    assert shown_time(form.status.text()) in place_minutes()
    with app.uow() as uow:
        visit = uow.session.exec(select(Visit)).one()
        day, moment = visit.activity_date, visit.activity_time
    assert day == place_today()
    assert moment is not None and moment.strftime("%H:%M") in place_minutes()


def test_an_amap_pickup_confirms_at_the_place_time(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, elsewhere: str
) -> None:
    today = place_today()
    producer = app.grocery.producers.create(site_id=site.id, name="GAEC des Combes")
    contract = app.amap.contracts.create_contract(
        site.id,
        ContractInput(
            producer_id=producer.id,
            name="Légumes bio",
            season_start=today - timedelta(days=7),
            season_end=today + timedelta(days=7),
            weekday=today.weekday(),
            start_time=time(17, 0),
            end_time=time(19, 0),
            max_absences=0,
        ),
    )
    basket = app.amap.contracts.add_basket_type(
        contract_id=contract.id, name="Petit panier", price_cents=1200
    )
    for day in (today - timedelta(days=7), today, today + timedelta(days=7)):
        app.amap.distributions.add(contract_id=contract.id, on_date=day)
    person = app.people.create(site.id, PersonInput(first_name="Bruno", last_name="Blanc"))
    app.amap.subscriptions.subscribe(
        contract_id=contract.id, person_id=person.id, basket_type_id=basket.id
    )
    panel = AmapPanel(app, site)
    show(qtbot, panel)
    tab = panel.distributions_tab
    assert tab.sheet is not None and tab.sheet.on_date == today, "today's sheet comes first"
    tab.view.setFocus()
    tab.view.selectRow(0)
    qtbot.keyClick(tab.view, Qt.Key.Key_Space)
    assert "BLANC Bruno" in tab.status.text()
    assert shown_time(tab.status.text()) in place_minutes()


def test_a_booking_confirms_at_the_place_time_and_the_agenda_opens_on_the_place_today(
    qtbot: QtBot,
    app: Comptoir,
    site: SiteInfo,
    elsewhere: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for weekday in range(7):
        app.config.set_opening_hours(site.id, weekday, [(time(0, 0), time(23, 59))])
    coworking = next(s.id for s in app.config.list_services(site.id) if s.kind == "coworking")
    app.agenda.resources.create(
        site.id,
        ResourceFields(
            name="Bureau 1", kind=ResourceKind.DESK, min_duration_min=30, service_id=coworking
        ),
    )
    section = AgendaSection(app, site)
    show(qtbot, section)
    tab = section.agenda
    assert tab._day == place_today()
    today_columns = [c.day for c in tab.grid.columns() if c.today]
    assert today_columns == [place_today()]

    # A public holiday is closed whatever the opening hours: book on a working day of the week.
    day = next(c.day for c in tab.grid.columns() if c.day not in public_holidays(c.day.year))
    # That day may be over already: the desk confirms it is keyed in afterwards.
    monkeypatch.setattr(QMessageBox, "question", lambda *_args: QMessageBox.StandardButton.Yes)
    tab.grid.go_to(day, time(10, 0))
    tab.grid.setFocus()
    QTest.keyClick(tab.grid, Qt.Key.Key_Return)
    dialog = tab.dialog
    assert dialog is not None and dialog.isVisible()
    QTest.keyClicks(dialog.organisation, "Mairie de Felletin")
    QTest.keyClick(dialog.organisation, Qt.Key.Key_Return)
    assert "Mairie de Felletin" in tab.status.text()
    assert shown_time(tab.status.text()) in place_minutes()


def test_the_backup_list_reads_its_instants_on_the_place_clock(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, tmp_path: Path
) -> None:
    service = BackupService(app.url, folder=tmp_path / "sauv")
    with computer_zone("America/New_York"):
        # 9:00 on the computer's clock in New York is 15:00 in Paris.
        service.backup(now=datetime(2026, 11, 22, 9, 0))
        tab = BackupsTab(app, site, service=service)
        show(qtbot, tab)
        shown = tab.model.index(0, BackupsModel.Columns.DATE).data()
        assert shown == "22/11/2026 à 15:00"
        tab.on_backup_clicked()
        qtbot.waitUntil(lambda: tab.status.text() != "")  # the result comes back by signal
        assert shown_time(tab.status.text()) in place_minutes()
        newest = tab.model.index(0, BackupsModel.Columns.DATE).data()
        assert newest.startswith(datetime.now(PLACE).strftime("%d/%m/%Y à "))
