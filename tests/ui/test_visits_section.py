"""« Visites et ateliers » as a host and a coordinator use it: the list opens with its totals,
filters change them, a visit is corrected or deleted from the keyboard, and a workshop's head
count shows up as visits of the workshop service."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from sqlmodel import select

from tiers_lieu.app import Comptoir
from tiers_lieu.models import AuditEntry
from tiers_lieu.models.enums import Role
from tiers_lieu.services.events import EventFields, HeadCountLine
from tiers_lieu.services.readmodels import SiteInfo, UserInfo
from tiers_lieu.services.visit_log import VisitFilter
from tiers_lieu.ui.models import ID_ROLE, PAGE_SIZE
from tiers_lieu.ui.visits import VisitsSection
from tiers_lieu.ui.visits.table_models import VisitsModel

TODAY = date(2026, 11, 20)
NOVEMBER = VisitFilter(start=date(2026, 11, 1), end=date(2026, 11, 30))


@pytest.fixture
def user(app: Comptoir, site: SiteInfo) -> UserInfo:
    return app.accounts.create_user(
        username="claire",
        display_name="Claire",
        password="motdepasse-solide",
        role=Role.COORDINATOR,
        site_id=site.id,
    )


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> list[QMessageBox.StandardButton]:
    """How ``QMessageBox.question`` answers, in turn (Oui unless told otherwise)."""
    queue: list[QMessageBox.StandardButton] = []

    def question(*_args: Any, **_kwargs: Any) -> QMessageBox.StandardButton:
        return queue.pop(0) if queue else QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", question)
    return queue


def open_section(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, user: UserInfo | None
) -> VisitsSection:
    if user is not None:
        app.access.sign_in(user)  # as the window does: the services act for this account
    section = VisitsSection(app, site, today=TODAY)
    qtbot.addWidget(section)
    section.resize(1280, 800)
    with qtbot.waitExposed(section):
        section.show()
    section.activateWindow()
    return section


@pytest.fixture
def demo_section(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, user: UserInfo
) -> Iterator[VisitsSection]:
    app.demo.generate(scale="small", seed=1, today=TODAY)
    yield open_section(qtbot, app, site, user)


def test_the_list_opens_on_this_month_with_its_totals(
    demo_section: VisitsSection, app: Comptoir, site: SiteInfo, qtmodeltester: Any
) -> None:
    tab = demo_section.visits_tab
    totals = app.visit_log.totals(site_id=site.id, filters=NOVEMBER)
    assert totals.rows > PAGE_SIZE  # enough for the list to be lazy
    assert tab.model.rowCount() == PAGE_SIZE
    assert tab.model.canFetchMore()
    first = tab.model.index(0, VisitsModel.Columns.DATE).data()
    assert first.endswith("/11/2026")
    text = tab.totals_label.text().replace("\u202f", " ")
    assert f"{totals.people:,}".replace(",", " ") + " visites" in text
    assert "Épicerie" in tab.by_service_label.text()

    tab.model.fetchMore()
    assert tab.model.rowCount() == min(2 * PAGE_SIZE, totals.rows)
    qtmodeltester.check(tab.model)


def test_choosing_a_service_changes_the_rows_and_the_totals(
    demo_section: VisitsSection, app: Comptoir, site: SiteInfo
) -> None:
    tab = demo_section.visits_tab
    before = tab.totals_label.text()
    tab.service_combo.setCurrentIndex(tab.service_combo.findText("Épicerie"))
    grocery = tab.service_combo.currentData()
    only = app.visit_log.totals(
        site_id=site.id,
        filters=VisitFilter(NOVEMBER.start, NOVEMBER.end, service_id=grocery),
    )
    assert tab.totals_label.text() != before
    text = tab.totals_label.text().replace("\u202f", " ")
    assert f"{only.people:,} visites".replace(",", " ") in text
    services = {
        tab.model.index(row, VisitsModel.Columns.SERVICE).data()
        for row in range(tab.model.rowCount())
    }
    assert services == {"Épicerie"}
    assert tab.by_service_label.text().startswith("Par service : Épicerie")

    tab.period.choice.setCurrentIndex(tab.period.choice.findText("Aujourd'hui"))
    assert tab.period.range() == (TODAY, TODAY)
    days = {
        tab.model.index(row, VisitsModel.Columns.DATE).data() for row in range(tab.model.rowCount())
    }
    assert days <= {"20/11/2026"}


def test_deleting_a_visit_asks_then_removes_it(
    demo_section: VisitsSection,
    app: Comptoir,
    site: SiteInfo,
    user: UserInfo,
    qtbot: QtBot,
    answers: list[QMessageBox.StandardButton],
) -> None:
    tab = demo_section.visits_tab
    before = app.visit_log.totals(site_id=site.id, filters=NOVEMBER)
    tab.view.setFocus()
    tab.view.selectRow(0)
    visit_id = tab.view.currentIndex().data(ID_ROLE)
    assert isinstance(visit_id, uuid.UUID)

    answers.append(QMessageBox.StandardButton.No)
    qtbot.keyClick(tab.view, Qt.Key.Key_Delete)
    assert tab.model.find_row(visit_id) == 0  # « Non » keeps it

    qtbot.keyClick(tab.view, Qt.Key.Key_Delete)
    assert tab.model.find_row(visit_id) == -1
    after = app.visit_log.totals(site_id=site.id, filters=NOVEMBER)
    assert after.rows == before.rows - 1
    assert "supprimée" in tab.status.text()
    with app.uow() as uow:
        entry = uow.session.exec(select(AuditEntry).where(AuditEntry.entity_id == visit_id)).one()
        assert (entry.action, entry.user_id) == ("delete", user.id)


def test_correcting_a_visit_from_the_keyboard(
    demo_section: VisitsSection, app: Comptoir, site: SiteInfo, qtbot: QtBot
) -> None:
    tab = demo_section.visits_tab
    tab.view.setFocus()
    tab.view.selectRow(1)
    visit_id = tab.view.currentIndex().data(ID_ROLE)
    qtbot.keyClick(tab.view, Qt.Key.Key_Return)
    dialog = tab.dialog
    assert dialog is not None and dialog.isVisible()
    dialog.count_spin.setValue(7)
    retired = dialog.status_combo.findText("Retraité")
    dialog.status_combo.setCurrentIndex(retired)
    dialog.save_button.click()

    assert not dialog.isVisible()
    row = tab.model.find_row(visit_id)
    assert tab.model.index(row, VisitsModel.Columns.COUNT).data() == "7"
    assert tab.model.index(row, VisitsModel.Columns.STATUS).data() == "Retraité"
    assert app.visit_log.get(visit_id).count == 7


def test_a_workshop_head_count_becomes_visits_of_the_workshop_service(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, user: UserInfo, qtmodeltester: Any
) -> None:
    section = open_section(qtbot, app, site, user)
    assert section.visits_tab.model.rowCount() == 0
    events = section.events_tab
    section.tabs.setCurrentWidget(events)
    events.new_button.click()
    dialog = events.dialog
    assert dialog is not None
    dialog.title_edit.setText("Premiers pas sur tablette")
    assert dialog.service_combo.currentText() == "Atelier / animation"
    editor = dialog.attendance
    editor.gender_combo.setCurrentIndex(editor.gender_combo.findText("Féminin"))
    # Typed as at the desk: the number, then Entrée adds the line (and does not save).
    editor.count_spin.setFocus()
    editor.count_spin.selectAll()
    qtbot.keyClicks(editor.count_spin, "5")
    qtbot.keyClick(editor.count_spin, Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert editor.lines_model.rowCount() == 1
    qtbot.keyClicks(editor.count_spin, "3")
    qtbot.keyClick(editor.count_spin, Qt.Key.Key_Return)
    assert editor.total_label.text() == "8 participants"
    qtmodeltester.check(editor.lines_model)
    dialog.save_button.click()

    assert events.model.rowCount() == 1
    assert events.totals_label.text() == "Total : 1 atelier, 8 participants, 1 h 30"
    qtmodeltester.check(events.model)

    visits = section.visits_tab
    visits.service_combo.setCurrentIndex(visits.service_combo.findText("Atelier / animation"))
    assert visits.totals_label.text() == "Total : 8 visites en 2 lignes"
    sources = {
        visits.model.index(row, VisitsModel.Columns.SOURCE).data()
        for row in range(visits.model.rowCount())
    }
    assert sources == {"Atelier"}


def test_changing_a_workshop_attendance_updates_its_visits(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, user: UserInfo
) -> None:
    event = app.events.create(site.id, EventFields(title="Repair café", event_date=TODAY))
    app.events.set_head_counts(event.id, [HeadCountLine(4), HeadCountLine(2)])
    section = open_section(qtbot, app, site, user)
    assert section.visits_tab.totals_label.text() == "Total : 6 visites en 2 lignes"

    events = section.events_tab
    section.tabs.setCurrentWidget(events)
    events.view.setFocus()
    events.view.selectRow(0)
    qtbot.keyClick(events.view, Qt.Key.Key_F2)
    dialog = events.dialog
    assert dialog is not None and dialog.title_edit.text() == "Repair café"
    editor = dialog.attendance
    editor.lines_view.selectRow(0)
    editor.on_remove_line_clicked()
    dialog.save_button.click()
    section.tabs.setCurrentWidget(section.visits_tab)  # read again when shown
    assert section.visits_tab.totals_label.text() == "Total : 2 visites en 1 ligne"


def test_a_refused_workshop_names_the_field_and_stays_open(
    qtbot: QtBot,
    app: Comptoir,
    site: SiteInfo,
    user: UserInfo,
    message_boxes: list[tuple[str, str, str]],
) -> None:
    section = open_section(qtbot, app, site, user)
    events = section.events_tab
    events.new_button.click()
    dialog = events.dialog
    assert dialog is not None
    dialog.save_button.click()  # no title
    assert dialog.isVisible()
    assert message_boxes[-1][0] == "warning"
    assert message_boxes[-1][2].startswith("Titre :")
    assert app.events.list(site.id, date(2000, 1, 1), date(2100, 1, 1)) == []


def test_the_filters_offer_unknown_values(demo_section: VisitsSection) -> None:
    tab = demo_section.visits_tab
    labels = [tab.age_combo.itemText(i) for i in range(tab.age_combo.count())]
    assert labels[:3] == ["Toutes", "Non communiqué", "<12"]
    tab.age_combo.setCurrentIndex(1)
    bands = {
        tab.model.index(row, VisitsModel.Columns.AGE_BAND).data()
        for row in range(tab.model.rowCount())
    }
    assert bands == {""}
