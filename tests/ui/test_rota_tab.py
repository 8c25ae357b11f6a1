"""« Personnes › Planning bénévoles » as the desk uses it: the week's grid moved with the
arrows, Entrée opening the volunteer picker, Ctrl+N a new shift, « Fait » writing the hours
the « Bénévolat » tab and the report read, the gaps ahead counted in the tab's title."""

from __future__ import annotations

from datetime import time, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QTabWidget
from pytestqt.qtbot import QtBot
from rolesdemo import PASSWORD

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import place_today
from tiers_lieu.services.people import PersonInput
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.services.rota import ShiftInput, monday_of
from tiers_lieu.ui.main_window import MainWindow
from tiers_lieu.ui.people import PeopleSection
from tiers_lieu.ui.people import rota as rota_tab
from tiers_lieu.ui.people.rota_dialogs import ShiftDialog, VolunteerPicker

SHOT = Path("/work/coord/shots/22/rota.png")
PICKER_SHOT = Path("/tmp/rota-shots/picker.png")


def _section(qtbot: QtBot, app: Comptoir, site: SiteInfo) -> PeopleSection:
    section = PeopleSection(app, site)
    qtbot.addWidget(section)
    section.resize(1024, 560)
    section.show()
    return section


def _open_rota(section: PeopleSection) -> rota_tab.RotaTab:
    section.tabs.setCurrentWidget(section.rota)
    QApplication.processEvents()
    return section.rota


def _week_with_gaps(app: Comptoir, site: SiteInfo) -> tuple[Any, Any]:
    today = place_today(site.zone)
    marie = app.people.create(
        site.id, PersonInput(first_name="Marie", last_name="Dubois", kinds=["volunteer"])
    ).id
    for day in (today, today + timedelta(days=1)):
        app.rota.create_shift(
            site.id,
            ShiftInput(on_date=day, starts_at=time(9), ends_at=time(12), role="accueil"),
        )
    return marie, today


def test_the_gaps_are_counted_in_the_tab_title(qtbot: QtBot, app: Comptoir, site: SiteInfo) -> None:
    _week_with_gaps(app, site)
    section = _section(qtbot, app, site)
    index = section.tabs.indexOf(section.rota)
    gaps = app.rota.gaps(site.id).count
    assert gaps >= 2
    assert section.tabs.tabText(index) == f"Planning bénévoles ({gaps})"
    tab = _open_rota(section)
    assert tab.gaps_list.count() == gaps
    assert "à pourvoir" in tab.grid.item(0, place_today(site.zone).weekday()).text()


def test_enter_opens_the_picker_and_done_counts_the_hours(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    marie, today = _week_with_gaps(app, site)
    section = _section(qtbot, app, site)
    tab = _open_rota(section)
    tab.grid.setFocus()
    tab.grid.setCurrentCell(0, today.weekday())
    opened: list[VolunteerPicker] = []

    def pick(dialog: QDialog, *_a: object) -> int:
        assert isinstance(dialog, VolunteerPicker)
        opened.append(dialog)
        # The volunteer is listed; typing filters, Entrée picks.
        dialog.show()
        qtbot.keyClicks(dialog.filter, "mar")
        assert dialog.chosen() == marie
        qtbot.keyClick(dialog.filter, Qt.Key.Key_Return)
        return int(dialog.result())

    monkeypatch.setattr(QDialog, "exec", pick)
    qtbot.keyClick(tab.grid, Qt.Key.Key_Return)
    assert opened
    assert "Marie Dubois" in tab.grid.item(0, today.weekday()).text()

    # After the day (today counts), « Fait » writes the volunteer time.
    tab.done_button.click()
    assert "✓ Marie Dubois" in tab.grid.item(0, today.weekday()).text()
    entries = app.organisation.list_volunteer_time(site.id)
    assert [(e.person_id, e.minutes, e.activity) for e in entries] == [(marie, 180, "Accueil")]
    report = app.reports.compute(period_start=today, period_end=today, site_ids=[site.id])
    assert report.value("volunteers.hours") == 3.0
    # « Remettre à venir » takes the hours back.
    tab.planned_button.click()
    assert app.organisation.list_volunteer_time(site.id) == []


def test_ctrl_n_and_the_week_keys(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    _marie, today = _week_with_gaps(app, site)
    section = _section(qtbot, app, site)
    tab = _open_rota(section)
    tab.grid.setFocus()
    seen: list[ShiftDialog] = []

    def new_shift(dialog: QDialog, *_a: object) -> int:
        assert isinstance(dialog, ShiftDialog)
        seen.append(dialog)
        dialog.role.setCurrentIndex(dialog.role.findData("cafe"))
        dialog.repeat.setValue(1)
        dialog.on_save()
        return int(dialog.result())

    monkeypatch.setattr(QDialog, "exec", new_shift)
    qtbot.keyClick(tab.grid, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert seen
    made = app.rota.shifts(site.id, today, today + timedelta(days=13))
    assert sum(1 for s in made if s.role == "cafe") == 2
    assert any(label.startswith("Café") for label in _row_labels(tab))
    # PgDn / PgUp move by week.
    monday = tab.monday
    qtbot.keyClick(tab.grid, Qt.Key.Key_PageDown)
    assert tab.monday == monday + timedelta(days=7)
    qtbot.keyClick(tab.grid, Qt.Key.Key_PageUp)
    assert tab.monday == monday == monday_of(today)


def _row_labels(tab: rota_tab.RotaTab) -> list[str]:
    return [tab.grid.verticalHeaderItem(r).text() for r in range(tab.grid.rowCount())]


def test_print_writes_the_week_landscape(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pdftext import pdf_text
    from pypdf import PdfReader

    _week_with_gaps(app, site)
    section = _section(qtbot, app, site)
    tab = _open_rota(section)
    target = tmp_path / "planning.pdf"
    monkeypatch.setattr(rota_tab, "ask_pdf_path", lambda *_a: target)
    tab.pdf_button.click()
    qtbot.waitUntil(target.exists, timeout=10_000)
    page = PdfReader(str(target)).pages[0]
    assert page.mediabox.width > page.mediabox.height  # landscape
    text = pdf_text(target)
    assert "Planning des bénévoles" in text and "à pourvoir" in text


# -- the window at 1024×600, on the demo ------------------------------------------------------
@pytest.fixture(scope="module")
def demo_db(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from zoneinfo import ZoneInfo

    from rolesdemo import make_demo

    # Today's demo: the rota is built around the week on screen.
    today = place_today(ZoneInfo("Europe/Paris"))
    path = tmp_path_factory.mktemp("rota") / "demo.sqlite"
    return make_demo(template_db, path, seed=5, today=today, roles=True)


def test_the_rota_at_1024x600_on_the_demo(qtbot: QtBot, demo_app: Comptoir) -> None:
    user = demo_app.accounts.authenticate("compte.admin", PASSWORD)
    window = MainWindow(demo_app, demo_app.sites.list_sites()[0], user, remember_geometry=False)
    qtbot.addWidget(window)
    window.setWindowState(Qt.WindowState.WindowNoState)
    window.resize(1024, 600)
    window.show()
    section = window.show_section("personnes")
    assert isinstance(section, PeopleSection)
    tabs: QTabWidget = section.tabs
    index = tabs.indexOf(section.rota)
    assert tabs.tabText(index).startswith("Planning bénévoles (")
    tabs.setCurrentIndex(index)
    QApplication.processEvents()
    tab = section.rota
    assert tab.grid.rowCount() >= 3  # accueil ranges, AMAP, café
    assert tab.gaps_list.count() >= 2
    tab.grid.setFocus()
    QApplication.processEvents()
    SHOT.parent.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(SHOT))
    # Last week: its shifts are done (✓) or absent, never planned.
    qtbot.keyClick(tab.grid, Qt.Key.Key_PageUp)
    texts = [
        tab.grid.item(r, c).text()
        for r in range(tab.grid.rowCount())
        for c in range(7)
        if tab.grid.item(r, c).text()
    ]
    assert any(t.startswith("✓ ") for t in texts)
    PICKER_SHOT.parent.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(PICKER_SHOT.with_name("last-week.png")))


def test_the_picker_on_the_demo_shows_availability(
    qtbot: QtBot, demo_app: Comptoir, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = demo_app.sites.list_sites()[0]
    section = _section(qtbot, demo_app, site)
    tab = _open_rota(section)
    row, column = next(key for key, shifts in tab.cells.items() if any(s.is_gap for s in shifts))
    tab.grid.setCurrentCell(row, column)
    seen: list[str] = []

    def look(dialog: QDialog, *_a: object) -> int:
        assert isinstance(dialog, VolunteerPicker)
        dialog.show()
        QApplication.processEvents()
        PICKER_SHOT.parent.mkdir(parents=True, exist_ok=True)
        dialog.grab().save(str(PICKER_SHOT))
        seen.extend(dialog.choices.item(n).text() for n in range(dialog.choices.count()))
        return 0

    monkeypatch.setattr(QDialog, "exec", look)
    qtbot.keyClick(tab.grid, Qt.Key.Key_Return)
    assert seen[0].startswith("— Personne")
    # Each volunteer with the state of their usual availability, and their ranges under it.
    assert all("disponibilités" in line or "— disponible" in line for line in seen[1:])
    assert any("\n    " in line for line in seen[1:])


def test_the_keyboard_path_from_the_window(
    qtbot: QtBot, demo_app: Comptoir, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl+6 (Personnes), Ctrl+Pg préc. (the last tab: the rota), → a day, Entrée: the
    picker for that cell's shift."""
    user = demo_app.accounts.authenticate("compte.admin", PASSWORD)
    window = MainWindow(demo_app, demo_app.sites.list_sites()[0], user, remember_geometry=False)
    qtbot.addWidget(window)
    with qtbot.waitExposed(window):
        window.show()
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_6, Qt.KeyboardModifier.ControlModifier)
    section = window.show_section("personnes")
    assert isinstance(section, PeopleSection)
    qtbot.keyClick(
        QApplication.focusWidget() or window, Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier
    )
    qtbot.waitUntil(lambda: section.tabs.currentWidget() is section.rota)
    tab = section.rota
    qtbot.waitUntil(lambda: QApplication.focusWidget() is tab.grid)
    filled = next(key for key, shifts in tab.cells.items() if shifts)
    tab.grid.setCurrentCell(filled[0], 0)
    for _step in range(filled[1]):
        qtbot.keyClick(tab.grid, Qt.Key.Key_Right)
    assert tab.grid.currentColumn() == filled[1]
    opened: list[QDialog] = []
    monkeypatch.setattr(QDialog, "exec", lambda dialog, *_a: opened.append(dialog) or 0)
    qtbot.keyClick(tab.grid, Qt.Key.Key_Return)
    assert len(opened) == 1 and isinstance(opened[0], VolunteerPicker)
