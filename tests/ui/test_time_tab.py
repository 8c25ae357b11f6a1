"""« Temps passé » by keyboard (issue 20 § 2): a week typed in the grid (« 3h30 », Tab, « 4 »,
Ctrl+S) is saved and read back, with each day's and the week's totals; a cell that is not a
duration is named and nothing is saved; changing week with hours not saved asks first, and
nothing is lost without an answer."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot
from sqlmodel import Session, col, select

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import place_today
from tiers_lieu.models import TimeEntry
from tiers_lieu.services.organisation import JobInfo, OperationDetail, OperationFields
from tiers_lieu.services.people import PersonInput
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.services.time_sheet_models import WeekLine, monday_of
from tiers_lieu.ui.reports import ReportsSection
from tiers_lieu.ui.reports.time_grid import FIRST_DAY, OPERATION, TASK, TOTAL
from tiers_lieu.ui.reports.time_tab import TimeTab


@pytest.fixture
def operation(app: Comptoir, site: SiteInfo) -> OperationDetail:
    return app.organisation.save_operation(
        site.id, OperationFields(title="Accueil de proximité", file_number="LEADER-1")
    )


@pytest.fixture
def job(app: Comptoir, site: SiteInfo, operation: OperationDetail) -> JobInfo:
    person = app.people.create(site.id, PersonInput(first_name="Claire", last_name="Maury"))
    return app.organisation.save_job(
        site.id,
        post="Coordinatrice",
        contract_type="cdi",
        start_date=date(2020, 1, 1),
        person_id=person.id,
    )


@pytest.fixture
def tab(qtbot: QtBot, app: Comptoir, site: SiteInfo, job: JobInfo) -> Iterator[TimeTab]:
    widget = TimeTab(app, site)
    qtbot.addWidget(widget)
    widget.resize(1000, 520)
    widget.show()
    qtbot.waitUntil(lambda: widget.model.line_count > 0, timeout=10_000)
    yield widget


def press(qtbot: QtBot, tab: QWidget, key: Qt.Key, modifier: Any = None) -> None:
    target = tab.focusWidget() or tab
    if modifier is None:
        qtbot.keyClick(target, key)
    else:
        qtbot.keyClick(target, key, modifier)


def type_text(qtbot: QtBot, tab: QWidget, text: str) -> None:
    for character in text:
        qtbot.keyClicks(tab.focusWidget() or tab, character)


def saved(app: Comptoir) -> list[tuple[date, int, str]]:
    with Session(app.engine) as session:
        rows = session.exec(select(TimeEntry).order_by(col(TimeEntry.on_date))).all()
        return [(r.on_date, r.minutes, r.task) for r in rows]


def cell(tab: TimeTab, row: int, column: int) -> str:
    return str(tab.model.data(tab.model.index(row, column)) or "")


def test_hours_typed_with_tab_and_saved_with_ctrl_s(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, tab: TimeTab, operation: OperationDetail
) -> None:
    monday = monday_of(place_today(site.zone))
    assert tab.job_combo.currentText() == "Coordinatrice — Claire Maury"
    assert tab.view.currentIndex().row() == 0
    assert tab.view.currentIndex().column() == FIRST_DAY  # the cursor waits on Monday
    tab.view.setFocus()
    type_text(qtbot, tab, "3h30")
    press(qtbot, tab, Qt.Key.Key_Tab)
    type_text(qtbot, tab, "4")
    press(qtbot, tab, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)

    assert sorted(saved(app)) == [(monday, 210, ""), (monday + timedelta(days=1), 240, "")]
    assert not tab.model.dirty
    assert cell(tab, 0, OPERATION) == "Accueil de proximité"  # the operation of the week
    assert cell(tab, 0, FIRST_DAY) == "3 h 30" and cell(tab, 0, FIRST_DAY + 1) == "4 h"
    assert cell(tab, 0, TOTAL) == "7 h 30"
    totals = tab.model.line_count  # the totals line is under the lines typed in
    assert cell(tab, totals, FIRST_DAY) == "3 h 30" and cell(tab, totals, TOTAL) == "7 h 30"
    assert tab.total_label.text() == "Total de la semaine : 7 h 30"
    assert "enregistrée : 7 h 30" in tab.status.text()


def test_a_task_and_the_day_totals_follow_what_is_typed(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, tab: TimeTab
) -> None:
    monday = monday_of(place_today(site.zone))
    model = tab.model
    model.setData(model.index(0, TASK), "Accueil France Services")
    model.setData(model.index(0, FIRST_DAY), "3,5")
    model.setData(model.index(1, TASK), "Ateliers")  # the empty last line became a line
    model.setData(model.index(1, FIRST_DAY), "1:30")
    assert model.line_count == 3
    assert cell(tab, 3, FIRST_DAY) == "5 h"
    assert tab.total_label.text() == "Total de la semaine : 5 h — non enregistré"
    # Entrée moves on like Tab: from Monday of the first line to its Tuesday.
    tab.view.setFocus()
    tab.view.setCurrentIndex(model.index(0, FIRST_DAY))
    press(qtbot, tab, Qt.Key.Key_Return)
    assert tab.view.currentIndex().column() == FIRST_DAY + 1
    tab.save()
    assert sorted(saved(app)) == [
        (monday, 90, "Ateliers"),
        (monday, 210, "Accueil France Services"),
    ]


def test_a_cell_that_is_not_a_duration_is_named_and_nothing_is_saved(
    app: Comptoir, site: SiteInfo, tab: TimeTab, message_boxes: list[tuple[str, str, str]]
) -> None:
    monday = monday_of(place_today(site.zone))
    model = tab.model
    model.setData(model.index(0, FIRST_DAY), "4")
    model.setData(model.index(0, FIRST_DAY + 2), "trois")
    assert tab.save() is False
    [(kind, _title, text)] = message_boxes
    wednesday = monday + timedelta(days=2)
    assert kind == "warning"
    assert text.startswith(f"Mercredi {wednesday.day} ")
    assert "« trois » n'est pas une durée" in text
    assert saved(app) == []
    assert tab.view.currentIndex().column() == FIRST_DAY + 2  # the cell to fix


def test_changing_week_with_hours_not_saved_asks_first(
    qtbot: QtBot,
    app: Comptoir,
    site: SiteInfo,
    tab: TimeTab,
    message_boxes: list[tuple[str, str, str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monday = monday_of(place_today(site.zone))
    tab.model.setData(tab.model.index(0, FIRST_DAY), "2")
    tab.view.setFocus()
    # No answer (the box closed): the week and its hours stay on screen.
    press(qtbot, tab, Qt.Key.Key_PageDown)
    [(kind, title, text)] = message_boxes
    assert kind == "question" and title == "Heures non enregistrées"
    assert "ne sont pas enregistrées" in text
    assert tab.model.days[0] == monday and cell(tab, 0, FIRST_DAY) == "2 h"

    answers = iter([QMessageBox.StandardButton.Discard, QMessageBox.StandardButton.Save])
    monkeypatch.setattr(QMessageBox, "question", lambda *_a, **_k: next(answers))
    press(qtbot, tab, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)  # dropped: next week
    assert tab.model.days[0] == monday + timedelta(days=7)
    assert tab.focusWidget() is tab.view  # typing goes on in the new week
    assert saved(app) == [] and not tab.model.dirty

    tab.model.setData(tab.model.index(0, FIRST_DAY), "6")
    press(qtbot, tab, Qt.Key.Key_PageUp)  # saved, then the week before
    assert saved(app) == [(monday + timedelta(days=7), 360, "")]
    assert tab.model.days[0] == monday

    # Without changes, the weeks follow one another without a question.
    press(qtbot, tab, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert tab.model.days[0] == monday - timedelta(days=7)
    assert len(message_boxes) == 1


def test_another_post_is_read_and_the_tab_lives_in_rapports(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, job: JobInfo, operation: OperationDetail
) -> None:
    other = app.organisation.save_job(
        site.id, post="Agent France Services", contract_type="cdi", start_date=date(2020, 1, 1)
    )
    monday = monday_of(place_today(site.zone))
    app.time_sheets.save_week(
        site.id, other.id, monday, [WeekLine(operation.id, "Démarches", (0, 0, 300, 0, 0, 0, 0))]
    )
    section = ReportsSection(app, site)
    qtbot.addWidget(section)
    section.resize(1000, 560)
    section.show()
    section.tabs.setCurrentWidget(section.time_tab)
    tab = section.time_tab
    qtbot.waitUntil(lambda: tab.job_combo.count() == 2, timeout=10_000)
    assert section.tabs.tabText(section.tabs.currentIndex()) == "Temps passé"
    index = [tab.job_combo.itemText(i) for i in range(2)].index("Agent France Services")
    tab.job_combo.setCurrentIndex(index)
    tab.job_combo.activated.emit(index)
    assert cell(tab, 0, TASK) == "Démarches" and cell(tab, 0, FIRST_DAY + 2) == "5 h"
    assert tab.total_label.text() == "Total de la semaine : 5 h"


def test_the_month_sheet_of_the_post_shown_is_written_from_the_tab(
    qtbot: QtBot,
    app: Comptoir,
    site: SiteInfo,
    tab: TimeTab,
    tmp_path: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from pdftext import pdf_pages

    from tiers_lieu.ui.reports import time_tab

    tab.model.setData(tab.model.index(0, FIRST_DAY), "7")
    target = tmp_path / "feuille"
    monkeypatch.setattr(
        time_tab.QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(target), "")
    )
    answers = iter([QMessageBox.StandardButton.Save])
    monkeypatch.setattr(QMessageBox, "question", lambda *_a, **_k: next(answers))
    tab.sheet_button.click()  # the hours typed are saved first (asked), then written
    written = tmp_path / "feuille.pdf"
    [page] = pdf_pages(written)
    assert "Claire Maury" in page and "Signature de l'employeur" in page
    qtbot.waitUntil(lambda: "Feuille de temps écrite" in tab.status.text(), timeout=10_000)
