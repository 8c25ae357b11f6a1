"""« Courriers » (Démarches) as the public writer's desk uses it: the two letter dates appear in
the form for the public writer's type of help and open the follow-up on the answer date;
Ctrl+Maj+E opens the letters, Entrée (then Entrée) notes an answer, Ctrl+R relaunches."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from placetime import place_today
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot
from rolesdemo import make_roles_demo
from sqlmodel import Session, select
from test_fits_small_screen import out_of_sight, small_window

from tiers_lieu.app import Comptoir
from tiers_lieu.models import AssistanceRecord, Person
from tiers_lieu.models.enums import CategoryKind
from tiers_lieu.services.assistance import AssistanceInput
from tiers_lieu.services.letters import ANSWER_DAYS, LetterStatus
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.common import to_qdate
from tiers_lieu.ui.demarches import DemarchesSection
from tiers_lieu.ui.demarches.letters import DatesDialog, LettersModel, LettersTab, RelaunchDialog

WRITER = "Écrivain public (courrier)"


def category(app: Comptoir, site: SiteInfo, kind: CategoryKind, label: str) -> uuid.UUID:
    return next(c.id for c in app.config.list_categories(site.id, kind) if c.label == label)


def add_letter(app: Comptoir, site: SiteInfo, *, days_ago: int, name: str = "") -> uuid.UUID:
    person_id = None
    if name:
        with app.uow() as uow:
            person = Person(
                site_id=site.id,
                first_name=name,
                last_name="Roux",
                consent_given_at=datetime(2025, 1, 5, tzinfo=UTC),
            )
            uow.session.add(person)
            uow.commit()
            person_id = person.id
    day = place_today() - timedelta(days=days_ago)
    return app.assistance.create(
        site.id,
        AssistanceInput(
            activity_date=day,
            operator_id=category(app, site, CategoryKind.OPERATOR, "CAF"),
            theme_id=category(app, site, CategoryKind.THEME, "Logement"),
            help_type_id=category(app, site, CategoryKind.HELP_TYPE, WRITER),
            duration_min=30,
            outcome_id=category(app, site, CategoryKind.OUTCOME, "Finalisée"),
            person_id=person_id,
            letter_sent_on=day,
            answer_expected_on=day + timedelta(days=ANSWER_DAYS),
        ),
    ).id


def open_section(qtbot: QtBot, app: Comptoir, site: SiteInfo) -> DemarchesSection:
    widget = DemarchesSection(app, site)
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    with qtbot.waitExposed(widget):
        widget.show()
    widget.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    return widget


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def record(app: Comptoir, record_id: uuid.UUID) -> Any:
    with Session(app.engine) as session:
        row = session.get(AssistanceRecord, record_id)
        assert row is not None
        return row.model_dump()


def test_the_form_shows_the_letter_dates_for_the_public_writer_only(
    qtbot: QtBot, app: Comptoir, site: SiteInfo
) -> None:
    section = open_section(qtbot, app, site)
    form = section.form
    for combo, text in ((form.operator, "CAF"), (form.theme, "Logement"), (form.help_type, "Info")):
        combo.select_text(text)
    assert not form.letter_row.isVisible()
    form.help_type.select_text("Ecrivain")
    assert form.letter_row.isVisible() and form.letter_label.isVisible()
    today = form.day.date()
    assert form.letter_sent.date() == today
    assert form.answer_expected.date() == today.addDays(ANSWER_DAYS)
    # Tab goes from « Issue » to the two dates (orientation and « À revoir le » are off).
    form.outcome.setFocus()
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    assert focused() is form.letter_sent or form.letter_sent.isAncestorOf(focused())
    form.letter_sent.setDate(today.addDays(1))
    assert form.answer_expected.date() == today.addDays(1 + ANSWER_DAYS)
    form.answer_expected.setDate(today.addDays(45))
    assert form.due.date() == today.addDays(45) and not form.due.isEnabled()

    form.on_save_clicked()

    with Session(app.engine) as session:
        saved = session.exec(select(AssistanceRecord)).one()
    start = place_today()
    assert saved.letter_sent_on == start + timedelta(days=1)
    assert saved.answer_expected_on == start + timedelta(days=45)
    assert saved.follow_up_due == start + timedelta(days=45)
    assert "À revoir le" in form.status.text()
    # Another type of help: the dates go away and nothing of a letter is sent.
    form.help_type.select_text("Info")
    assert not form.letter_row.isVisible()


def test_ctrl_shift_e_opens_the_letters_and_entree_notes_the_answer(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    late = add_letter(app, site, days_ago=40, name="Alice")
    waiting = add_letter(app, site, days_ago=2, name="Bruno")
    add_letter(app, site, days_ago=5)
    section = open_section(qtbot, app, site)

    qtbot.keyClick(
        focused(),
        Qt.Key.Key_E,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )

    tab = section.letters
    assert section.tabs.currentWidget() is tab
    assert section.tabs.tabText(section.tabs.indexOf(tab)) == "Courriers"
    model = tab.model
    names = [model.index(r, LettersModel.Columns.PERSON).data() for r in range(model.rowCount())]
    assert names == ["Alice Roux", "Bruno Roux", "anonyme"]
    status = LettersModel.Columns.STATUS
    assert model.index(0, status).data() == "en retard"
    assert model.index(0, 0).data(Qt.ItemDataRole.ForegroundRole) is not None
    assert model.index(1, status).data() == "en attente"
    assert "3 courriers en attente de réponse, dont 1 en retard" in tab.summary.text()

    asked: list[str] = []

    def yes(*args: Any) -> QMessageBox.StandardButton:
        asked.append(str(args[2]))
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", yes)
    assert tab.view.hasFocus()
    qtbot.keyClick(tab.view, Qt.Key.Key_Return)

    assert asked and "Alice" in asked[0]
    assert record(app, late)["follow_up_closed_at"] is not None
    assert model.index(0, status).data() == "réponse reçue"
    assert "Réponse reçue" in tab.status.text()
    assert [f.id for f in app.assistance.follow_ups(site.id)].count(late) == 0
    # The search narrows to a person; the answered ones can be hidden.
    tab.search.setText("bru")
    assert model.rowCount() == 1 and model.row_at(0).id == waiting
    tab.search.clear()
    tab.waiting_only.setChecked(True)
    assert model.rowCount() == 2


def test_ctrl_r_relaunches_with_a_new_follow_up_date(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    late = add_letter(app, site, days_ago=40, name="Alice")
    section = open_section(qtbot, app, site)
    section.show_letters()
    tab: LettersTab = section.letters
    proposed: list[QDate] = []

    def relaunch(dialog: RelaunchDialog) -> int:
        proposed.append(dialog.due.date())
        dialog.due.setDate(dialog.due.date().addDays(7))
        dialog.accept()
        return int(dialog.result())

    monkeypatch.setattr(RelaunchDialog, "exec", relaunch)
    qtbot.keyClick(tab.view, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)

    today = place_today()
    assert proposed == [QDate(today.year, today.month, today.day).addDays(14)]
    assert record(app, late)["follow_up_due"] == today + timedelta(days=21)
    letter = tab.model.row_at(0)
    assert letter.status is LetterStatus.RELAUNCHED
    assert tab.model.index(0, LettersModel.Columns.STATUS).data() == "relancé"
    assert "relancé : suivi le" in tab.status.text()


def test_a_letters_dates_typed_wrong_are_corrected_from_the_list(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    letter_id = add_letter(app, site, days_ago=5, name="Alice")
    section = open_section(qtbot, app, site)
    section.show_letters()
    tab: LettersTab = section.letters
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1)
    before = record(app, letter_id)
    offered: list[tuple[QDate, QDate]] = []

    def correct(dialog: DatesDialog) -> int:
        offered.append((dialog.sent.date(), dialog.answer.date()))
        dialog.answer.setDate(dialog.answer.date().addDays(10))
        dialog.accept()
        return int(dialog.result())

    monkeypatch.setattr(DatesDialog, "exec", correct)
    tab.view.selectRow(0)
    qtbot.keyClick(tab.view, Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: bool(offered))
    sent, answer = before["letter_sent_on"], before["answer_expected_on"]
    assert offered == [(to_qdate(sent), to_qdate(answer))]  # the dates to correct
    after = record(app, letter_id)
    assert after["answer_expected_on"] == answer + timedelta(days=10)
    assert after["follow_up_due"] == answer + timedelta(days=10)
    assert "corrigées" in tab.status.text()


@pytest.fixture(scope="module")
def demo_db(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_roles_demo(template_db, tmp_path_factory.mktemp("letters") / "demo.sqlite", seed=5)


def test_the_form_with_its_letter_dates_fits_1024x600(qtbot: QtBot, demo_app: Comptoir) -> None:
    window = small_window(qtbot, demo_app)
    section = window.show_section("demarches")
    assert isinstance(section, DemarchesSection)
    section.form.help_type.select_text("Ecrivain")
    QApplication.processEvents()
    assert section.form.letter_row.isVisible()
    assert out_of_sight(window) == []
    section.show_letters()
    QApplication.processEvents()
    assert out_of_sight(window) == []
