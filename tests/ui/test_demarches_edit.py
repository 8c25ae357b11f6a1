"""Correcting and deleting a démarche from « Historique », and putting a follow-up off from
« Suivis », as the desk does it: F2 or Entrée opens the démarche's own form filled in,
Ctrl+Entrée saves the correction, Échap leaves it; Suppr asks (naming the record) and deletes
it with the visit it counted; Ctrl+R in « Suivis » gives a new date. The list, its totals and
the « Suivis (n) » title follow; the status line says what was done; the form and the
buttons fit a 1024×600 screen."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from placetime import place_today
from PySide6.QtCore import QDate, QItemSelectionModel, Qt
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QTableView, QWidget
from pytestqt.qtbot import QtBot
from rolesdemo import make_roles_demo
from sqlmodel import func, select
from test_fits_small_screen import DialogCheck, out_of_sight, small_window

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import format_date
from tiers_lieu.models import AssistanceRecord, Person, Visit
from tiers_lieu.models.enums import CategoryKind
from tiers_lieu.services.assistance import AssistanceInput
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.common import to_qdate
from tiers_lieu.ui.demarches import DemarchesSection
from tiers_lieu.ui.demarches.edit import EditRecordDialog
from tiers_lieu.ui.demarches.follow_ups import RescheduleDialog
from tiers_lieu.ui.demarches.table_models import HistoryModel

TEN_DAYS_AGO = place_today() - timedelta(days=10)


def category(app: Comptoir, site: SiteInfo, kind: CategoryKind, label: str) -> uuid.UUID:
    return next(c.id for c in app.config.list_categories(site.id, kind) if c.label == label)


def count(app: Comptoir, model: Any) -> int:
    with app.uow() as uow:
        return int(uow.session.exec(select(func.count()).select_from(model)).one())


def saved(app: Comptoir, record_id: uuid.UUID) -> Any:
    with app.uow() as uow:
        row = uow.session.get(AssistanceRecord, record_id)
        return None if row is None else row.model_dump()


def add_record(app: Comptoir, site: SiteInfo, outcome: str, **values: Any) -> Any:
    data = AssistanceInput(
        activity_date=values.pop("activity_date", TEN_DAYS_AGO),
        operator_id=category(app, site, CategoryKind.OPERATOR, values.pop("operator", "CAF")),
        theme_id=category(app, site, CategoryKind.THEME, "Logement"),
        help_type_id=category(app, site, CategoryKind.HELP_TYPE, "Information / orientation"),
        duration_min=values.pop("duration_min", 20),
        outcome_id=category(app, site, CategoryKind.OUTCOME, outcome),
        **values,
    )
    return app.assistance.create(site.id, data)


def add_person(app: Comptoir, site: SiteInfo) -> uuid.UUID:
    with app.uow() as uow:
        person = Person(
            site_id=site.id,
            first_name="Lucie",
            last_name="Marchand",
            consent_given_at=datetime(2025, 1, 5, tzinfo=UTC),
        )
        uow.session.add(person)
        uow.commit()
        return person.id


def open_history(qtbot: QtBot, app: Comptoir, site: SiteInfo) -> DemarchesSection:
    section = DemarchesSection(app, site)
    qtbot.addWidget(section)
    section.resize(1280, 800)
    with qtbot.waitExposed(section):
        section.show()
    section.activateWindow()
    qtbot.waitUntil(section.isActiveWindow)
    qtbot.keyClick(focused(), Qt.Key.Key_H, Qt.KeyboardModifier.AltModifier)
    assert section.tabs.currentWidget() is section.history
    return section


def choose(view: QTableView, row: int) -> None:
    """Select ``row`` whatever modifier keys an earlier test left pressed (``selectRow``
    toggles a selected row when Ctrl is down)."""
    flags = QItemSelectionModel.SelectionFlag.ClearAndSelect
    flags |= QItemSelectionModel.SelectionFlag.Rows
    view.selectionModel().setCurrentIndex(view.model().index(row, 0), flags)


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def show_dialog(qtbot: QtBot, dialog: QDialog) -> None:
    with qtbot.waitExposed(dialog):
        dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)


def back_to(qtbot: QtBot, window: QWidget) -> None:
    """The offscreen platform leaves the window inactive after a modal dialog."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def test_f2_opens_the_filled_form_and_ctrl_entree_saves_the_correction(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    lucie = add_person(app, site)
    aubusson = app.communes.add_commune(site.id, name="Aubusson", insee_code="23008").id
    info = add_record(app, site, "Finalisée", note="CERFA", person_id=lucie, commune_id=aubusson)
    section = open_history(qtbot, app, site)
    tab = section.history
    assert tab.model.rowCount() == 1
    shown: dict[str, Any] = {}

    def correct(dialog: EditRecordDialog) -> int:
        form = dialog.form
        shown.update(
            title=dialog.windowTitle(),
            operator=form.operator.currentText(),
            duration=form.duration.value(),
            note=form.note.text(),
            commune=form.commune.text(),
            person=form.person.text(),
            day=form.day.date(),
            save=form.save_button.text(),
        )
        show_dialog(qtbot, dialog)
        assert form.operator.hasFocus() or form.operator.isAncestorOf(focused())
        qtbot.keyClicks(focused(), "msa")
        form.duration.set_value(45)
        qtbot.keyClick(focused(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        return int(dialog.result())

    monkeypatch.setattr(EditRecordDialog, "exec", correct)
    choose(tab.view, 0)
    tab.view.setFocus()
    qtbot.keyClick(tab.view, Qt.Key.Key_F2)

    assert shown == {
        "title": f"Modifier la démarche du {format_date(TEN_DAYS_AGO)}",
        "operator": "CAF",
        "duration": 20,
        "note": "CERFA",
        "commune": "Aubusson (23008)",
        "person": "Lucie Marchand",
        "day": to_qdate(TEN_DAYS_AGO),
        "save": "Enregistrer les modifications",
    }
    row = saved(app, info.id)
    assert row["operator_id"] == category(app, site, CategoryKind.OPERATOR, "MSA")
    assert (row["duration_min"], row["note"], row["person_id"]) == (45, "CERFA", lucie)
    assert count(app, Visit) == 1 and count(app, AssistanceRecord) == 1
    assert tab.model.index(0, HistoryModel.Columns.OPERATOR).data() == "MSA"
    assert "45 min au total" in tab.total_label.text()
    assert "modifiée" in tab.status.text() and "MSA" in tab.status.text()
    assert tab.view.selectionModel().selectedRows()[0].row() == 0  # still on it


def test_entree_opens_the_form_and_echap_leaves_the_record_as_it_was(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    info = add_record(app, site, "Finalisée")
    before = saved(app, info.id)
    section = open_history(qtbot, app, site)
    tab = section.history
    opened: list[EditRecordDialog] = []

    def leave(dialog: EditRecordDialog) -> int:
        opened.append(dialog)
        show_dialog(qtbot, dialog)
        qtbot.keyClicks(focused(), "msa")
        qtbot.keyClick(focused(), Qt.Key.Key_Escape)
        return int(dialog.result())

    monkeypatch.setattr(EditRecordDialog, "exec", leave)
    choose(tab.view, 0)
    tab.view.setFocus()
    qtbot.keyClick(tab.view, Qt.Key.Key_Return)

    assert len(opened) == 1 and opened[0].result() == QDialog.DialogCode.Rejected
    assert saved(app, info.id) == before
    assert tab.status.text() == ""


def test_a_refused_correction_is_explained_and_the_form_stays_open(
    qtbot: QtBot,
    app: Comptoir,
    site: SiteInfo,
    monkeypatch: pytest.MonkeyPatch,
    message_boxes: list[tuple[str, str, str]],
) -> None:
    info = add_record(app, site, "Finalisée")
    section = open_history(qtbot, app, site)
    tab = section.history

    def orient_without_orientation(dialog: EditRecordDialog) -> int:
        dialog.form.outcome.select_text("Orient")
        dialog.form.on_save_clicked()
        assert dialog.isVisible() or dialog.result() != QDialog.DialogCode.Accepted
        return int(dialog.result())

    monkeypatch.setattr(EditRecordDialog, "exec", orient_without_orientation)
    choose(tab.view, 0)
    tab.edit_button.click()

    assert message_boxes[0][1] == "Démarche non modifiée"
    assert message_boxes[0][2].startswith("Orientation")
    assert saved(app, info.id)["outcome_id"] == category(
        app, site, CategoryKind.OUTCOME, "Finalisée"
    )


def test_suppr_asks_naming_the_record_then_deletes_it_with_its_visit(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    lucie = add_person(app, site)
    add_record(app, site, "Finalisée", operator="MSA", activity_date=place_today())
    duplicate = add_record(app, site, "Doit revenir", person_id=lucie)
    section = open_history(qtbot, app, site)
    tab = section.history
    assert section.tabs.tabText(1) == "&Suivis (1)"
    asked: list[str] = []

    def yes(*args: Any) -> QMessageBox.StandardButton:
        asked.append(str(args[2]))
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", yes)
    choose(tab.view, tab.model.find_row(duplicate.id))
    tab.view.setFocus()
    qtbot.keyClick(tab.view, Qt.Key.Key_Delete)

    assert len(asked) == 1
    for named in (format_date(TEN_DAYS_AGO), "CAF", "Logement", "Lucie Marchand", "visite"):
        assert named in asked[0]
    assert saved(app, duplicate.id) is None
    assert count(app, AssistanceRecord) == 1 and count(app, Visit) == 1
    assert tab.model.rowCount() == 1
    assert tab.total_label.text().startswith("1 démarche,")
    assert "supprimée" in tab.status.text()
    assert section.tabs.tabText(1) == "&Suivis"  # its follow-up went with it
    assert tab.view.selectionModel().selectedRows()  # Suppr again works on the next one


def test_no_to_the_question_deletes_nothing_and_a_refusal_is_explained(
    qtbot: QtBot,
    app: Comptoir,
    site: SiteInfo,
    monkeypatch: pytest.MonkeyPatch,
    message_boxes: list[tuple[str, str, str]],
) -> None:
    info = add_record(app, site, "Finalisée")
    section = open_history(qtbot, app, site)
    tab = section.history
    choose(tab.view, 0)
    monkeypatch.setattr(QMessageBox, "question", lambda *_a: QMessageBox.StandardButton.No)
    tab.delete_button.click()
    assert count(app, AssistanceRecord) == 1

    app.assistance_edit.delete(info.id)  # another desk was quicker
    monkeypatch.setattr(QMessageBox, "question", lambda *_a: QMessageBox.StandardButton.Yes)
    tab.delete_button.click()

    assert message_boxes[-1][1] == "Démarche non supprimée"
    assert "n'existe plus" in message_boxes[-1][2]
    assert tab.model.rowCount() == 0  # the list is read again


def test_ctrl_r_in_suivis_puts_a_follow_up_off(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    late = add_record(app, site, "Doit revenir")  # due three days ago
    section = open_history(qtbot, app, site)
    qtbot.keyClick(focused(), Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    tab = section.follow_ups
    assert tab.model.rowCount() == 1 and tab.model.is_overdue(tab.model.row_at(0))
    today = place_today()
    proposed: list[QDate] = []

    def put_off(dialog: RescheduleDialog) -> int:
        proposed.append(dialog.due.date())
        dialog.due.setDate(to_qdate(today + timedelta(days=5)))
        dialog.accept()
        return int(dialog.result())

    monkeypatch.setattr(RescheduleDialog, "exec", put_off)
    choose(tab.view, 0)
    tab.view.setFocus()
    qtbot.keyClick(tab.view, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)

    assert proposed == [to_qdate(today + timedelta(days=7))]
    assert saved(app, late.id)["follow_up_due"] == today + timedelta(days=5)
    assert not tab.model.is_overdue(tab.model.row_at(0))
    assert "reporté au" in tab.status.text()
    back_to(qtbot, section)
    assert tab.reschedule_button.isEnabled()


@pytest.fixture(scope="module")
def demo_db(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_roles_demo(template_db, tmp_path_factory.mktemp("edit") / "demo.sqlite", seed=5)


def test_the_history_buttons_and_the_correction_form_fit_1024x600(
    qtbot: QtBot,
    demo_app: Comptoir,
    monkeypatch: pytest.MonkeyPatch,
    message_boxes: list[tuple[str, str, str]],
) -> None:
    window = small_window(qtbot, demo_app)
    section = window.show_section("demarches")
    assert isinstance(section, DemarchesSection)
    section.tabs.setCurrentWidget(section.history)
    QApplication.processEvents()
    tab = section.history
    qtbot.waitUntil(lambda: tab.model.rowCount() > 0)
    assert tab.edit_button.isVisible() and tab.delete_button.isVisible()
    assert out_of_sight(window) == []
    check = DialogCheck()
    monkeypatch.setattr(QDialog, "exec", lambda dialog, *_a: check(dialog))
    choose(tab.view, 0)
    tab.edit_button.click()
    assert message_boxes == []
    section.tabs.setCurrentWidget(section.follow_ups)
    QApplication.processEvents()
    qtbot.waitUntil(lambda: section.follow_ups.model.rowCount() > 0)
    choose(section.follow_ups.view, 0)
    section.follow_ups.reschedule_button.click()
    names = " ".join(check.seen)
    assert "EditRecordDialog" in names and "RescheduleDialog" in names
    assert {name: cut for name, cut in check.seen.items() if cut} == {}
