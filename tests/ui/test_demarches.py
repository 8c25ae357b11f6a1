"""The « Démarches » section as a mediator uses it: a record typed with the keyboard only, the
orientation field following the outcome, a follow-up closed, the history and its exports.

Keys go to whichever widget has the focus, so the tests also check the tab order. Only ASCII
is typed (QTest aborts on accented characters): the lists accept a few letters anyway.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from placetime import place_today
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QWidget
from pytestqt.qtbot import QtBot
from sqlmodel import func, select

from tiers_lieu.app import Comptoir
from tiers_lieu.models import AssistanceRecord, Person, Visit
from tiers_lieu.models.enums import CategoryKind
from tiers_lieu.services.assistance import AssistanceInput
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.demarches import DemarchesSection
from tiers_lieu.ui.demarches.follow_ups import CloseFollowUpDialog
from tiers_lieu.ui.models import PAGE_SIZE


def category(app: Comptoir, site: SiteInfo, kind: CategoryKind, label: str) -> uuid.UUID:
    return next(c.id for c in app.config.list_categories(site.id, kind) if c.label == label)


def count(app: Comptoir, model: Any) -> int:
    with app.uow() as uow:
        return int(uow.session.exec(select(func.count()).select_from(model)).one())


def add_record(app: Comptoir, site: SiteInfo, outcome: str, **values: Any) -> Any:
    count_visit = values.pop("count_visit", True)
    data = AssistanceInput(
        activity_date=values.pop("activity_date", place_today() - timedelta(days=10)),
        operator_id=category(app, site, CategoryKind.OPERATOR, values.pop("operator", "CAF")),
        theme_id=category(app, site, CategoryKind.THEME, "Logement"),
        help_type_id=category(app, site, CategoryKind.HELP_TYPE, "Information / orientation"),
        duration_min=values.pop("duration_min", 20),
        outcome_id=category(app, site, CategoryKind.OUTCOME, outcome),
        **values,
    )
    return app.assistance.create(site.id, data, count_visit=count_visit)


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


def has_focus(widget: QWidget) -> bool:
    """The focus is in ``widget`` (an editable list reports itself or its line)."""
    current = focused()
    return current is widget or widget.isAncestorOf(current)


def type_and_tab(qtbot: QtBot, text: str = "") -> None:
    if text:
        qtbot.keyClicks(focused(), text)
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)


@pytest.fixture
def aubusson(app: Comptoir, site: SiteInfo) -> uuid.UUID:
    return app.communes.add_commune(site.id, name="Aubusson", insee_code="23008").id


def test_a_record_typed_with_the_keyboard_only_is_stored_with_its_visit(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, aubusson: uuid.UUID
) -> None:
    section = open_section(qtbot, app, site)
    form = section.form
    assert has_focus(form.operator)

    type_and_tab(qtbot, "caf")
    type_and_tab(qtbot, "loge")
    type_and_tab(qtbot, "en ligne")
    type_and_tab(qtbot, "30")  # the duration spin box, its text selected on entry
    type_and_tab(qtbot)  # lieu: « Sur place » already chosen
    type_and_tab(qtbot, "final")  # issue; orientation and date are skipped (disabled)
    type_and_tab(qtbot)  # bénéficiaire: anonymous
    type_and_tab(qtbot, "Aubusson")
    type_and_tab(qtbot, "60-6")
    type_and_tab(qtbot, "fem")
    type_and_tab(qtbot, "retr")
    qtbot.keyClicks(focused(), "Carte grise")
    assert focused() is form.note.edit
    qtbot.keyClick(focused(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    rows = app.assistance.page(site.id, start=place_today(), end=place_today())
    assert len(rows) == 1
    row = rows[0]
    assert (row.operator, row.theme, row.help_type) == (
        "CAF",
        "Logement",
        "Aide à une démarche en ligne",
    )
    assert (row.duration_min, row.outcome, row.commune) == (30, "Finalisée", "Aubusson (23008)")
    assert count(app, Visit) == 1
    with app.uow() as uow:
        saved = uow.session.exec(select(AssistanceRecord)).one()
        assert saved.note == "Carte grise"
        assert saved.age_band_id == category(app, site, CategoryKind.AGE_BAND, "60-69")
        assert saved.gender_id == category(app, site, CategoryKind.GENDER, "Féminin")
        assert saved.status_id == category(app, site, CategoryKind.STATUS, "Retraité")
    assert "Démarche enregistrée" in form.status.text()
    assert "Une visite comptée en « Aide aux démarches »" in form.status.text()
    # Ready for the next person: per-person fields cleared, the desk's choices kept.
    assert form.commune.text() == "" and form.note.text() == ""
    assert form.age_band.currentText() == "Non communiqué"
    assert (form.operator.currentText(), form.theme.currentText()) == ("CAF", "Logement")
    assert form.duration.value() == 30
    assert has_focus(form.operator)
    # The other tabs follow (read when shown).
    section.tabs.setCurrentWidget(section.history)
    assert section.history.model.rowCount() == 1


def test_a_new_form_remembers_the_desk_choices(qtbot: QtBot, app: Comptoir, site: SiteInfo) -> None:
    section = open_section(qtbot, app, site)
    first = section.form
    first.operator.select_text("MSA")
    first.theme.select_text("Logement")
    first.help_type.select_text("Information")
    first.duration.set_value(45)
    first.on_save_clicked()
    assert count(app, AssistanceRecord) == 1

    again = DemarchesSection(app, site)
    qtbot.addWidget(again)
    later = again.form
    assert later.operator.currentText() == "MSA"
    assert later.help_type.currentText() == "Information / orientation"
    assert later.duration.value() == 45
    assert later.place.currentText() == "Sur place"


def test_orientation_and_due_date_follow_the_outcome(
    qtbot: QtBot, app: Comptoir, site: SiteInfo
) -> None:
    section = open_section(qtbot, app, site)
    form = section.form
    assert not form.orientation.isEnabled() and not form.due.isEnabled()

    form.outcome.setFocus()
    qtbot.keyClick(focused(), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    type_and_tab(qtbot, "orient")
    assert form.outcome.currentText() == "Orientée"
    assert form.orientation.isEnabled()
    assert has_focus(form.orientation)  # next in the tab order now

    form.outcome.select_text("Doit revenir")
    assert not form.orientation.isEnabled()
    assert form.due.isEnabled()
    assert form.due.date().toPython() == place_today() + timedelta(days=7)
    form.outcome.select_text("finaliser")
    assert form.due.date().toPython() == place_today() + timedelta(days=14)


def test_an_oriented_record_without_orientation_is_refused(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, message_boxes: list[tuple[str, str, str]]
) -> None:
    section = open_section(qtbot, app, site)
    form = section.form
    for combo, text in (
        (form.operator, "CAF"),
        (form.theme, "Logement"),
        (form.help_type, "Information"),
        (form.outcome, "Orient"),
    ):
        combo.select_text(text)
    form.on_save_clicked()

    assert count(app, AssistanceRecord) == 0
    assert [kind for kind, _title, _text in message_boxes] == ["warning"]
    assert message_boxes[0][2].startswith("Orientation")

    form.orientation.select_text("CCAS")
    form.on_save_clicked()
    assert count(app, AssistanceRecord) == 1


def test_a_missing_organisme_is_named(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, message_boxes: list[tuple[str, str, str]]
) -> None:
    section = open_section(qtbot, app, site)
    form = section.form
    qtbot.keyClick(focused(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert count(app, AssistanceRecord) == 0
    assert message_boxes and message_boxes[0][2].startswith("Organisme")
    assert has_focus(form.operator)


def test_escape_clears_the_form(qtbot: QtBot, app: Comptoir, site: SiteInfo) -> None:
    section = open_section(qtbot, app, site)
    form = section.form
    form.note.set_text("Brouillon")
    form.gender.select_text("Masc")
    form.note.edit.setFocus()
    qtbot.keyClick(focused(), Qt.Key.Key_Escape)
    assert form.note.text() == "" and form.gender.currentText() == "Non communiqué"
    assert has_focus(form.operator)


def test_alt_digits_pick_the_usual_durations(qtbot: QtBot, app: Comptoir, site: SiteInfo) -> None:
    section = open_section(qtbot, app, site)
    duration = section.form.duration
    qtbot.keyClick(focused(), Qt.Key.Key_4, Qt.KeyboardModifier.AltModifier)
    assert duration.value() == 30
    qtbot.keyClick(focused(), Qt.Key.Key_8, Qt.KeyboardModifier.AltModifier)
    assert duration.value() == 120
    checked = [b.text() for b in duration.presets.buttons() if b.isChecked()]
    assert checked == ["120"]


def test_the_note_is_cut_at_280_characters(qtbot: QtBot, app: Comptoir, site: SiteInfo) -> None:
    section = open_section(qtbot, app, site)
    form = section.form
    form.note.set_text("a" * 300)
    assert len(form.note.text()) == 280
    assert form.note.counter.text() == "280 / 280"
    assert "mot de passe" in form.note.reminder.text() and form.note.reminder.isVisible()


def test_a_person_without_consent_cannot_be_attached(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, message_boxes: list[tuple[str, str, str]]
) -> None:
    with app.uow() as uow:
        person = Person(site_id=site.id, first_name="Paul", last_name="Durand")
        uow.session.add(person)
        uow.commit()
        person_id = person.id
    section = open_section(qtbot, app, site)
    form = section.form
    for combo, text in ((form.operator, "CAF"), (form.theme, "Logement"), (form.help_type, "Info")):
        combo.select_text(text)
    form.person.set_value(person_id)
    form.on_person_changed(person_id)
    assert form.consent_label.isVisible()
    assert "consentement" in form.consent_label.text()

    form.on_save_clicked()
    assert count(app, AssistanceRecord) == 0
    assert "consentement" in message_boxes[-1][2]


def test_a_follow_up_is_closed_from_the_suivis_tab(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    late = add_record(app, site, "Doit revenir")
    add_record(app, site, "À finaliser en autonomie", activity_date=place_today())
    section = open_section(qtbot, app, site)
    assert section.tabs.tabText(1) == "&Suivis (2)"
    qtbot.keyClick(focused(), Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    tab = section.follow_ups
    assert section.tabs.currentWidget() is tab
    model = tab.model
    assert model.rowCount() == 2
    assert model.index(0, 0).data(Qt.ItemDataRole.ForegroundRole) is not None  # overdue: red
    assert model.index(1, 0).data(Qt.ItemDataRole.ForegroundRole) is None
    assert "dont 1 en retard" in tab.summary.text()

    def answer(dialog: CloseFollowUpDialog) -> int:
        labels = [dialog.outcome.itemText(i) for i in range(dialog.outcome.count())]
        assert labels == ["Finalisée", "Orientée"]
        dialog.outcome.select_text("Orient")
        assert dialog.orientation.isEnabled()
        dialog.orientation.select_text("Organisme en charge")
        dialog.accept()
        return int(dialog.result())

    monkeypatch.setattr(CloseFollowUpDialog, "exec", answer)
    tab.view.selectRow(0)
    tab.view.setFocus()
    qtbot.keyClick(tab.view, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)

    assert [f.id for f in app.assistance.follow_ups(site.id)] != [late.id]
    assert len(app.assistance.follow_ups(site.id)) == 1
    assert model.rowCount() == 1
    assert "clos : Orientée" in tab.status.text()
    assert section.tabs.tabText(1) == "&Suivis (1)"


def test_closing_dialog_refuses_orientee_without_orientation(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, message_boxes: list[tuple[str, str, str]]
) -> None:
    add_record(app, site, "Doit revenir")
    follow_up = app.assistance.follow_ups(site.id)[0]
    dialog = CloseFollowUpDialog(app, site, follow_up)
    qtbot.addWidget(dialog)
    assert not dialog.orientation.isEnabled()
    dialog.outcome.select_text("Orient")
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert message_boxes and message_boxes[0][2].startswith("Orientation")
    assert len(app.assistance.follow_ups(site.id)) == 1


def test_history_filters_totals_and_lazy_pages(qtbot: QtBot, app: Comptoir, site: SiteInfo) -> None:
    for number in range(PAGE_SIZE + 50):
        add_record(
            app,
            site,
            "Finalisée",
            operator="MSA" if number % 5 == 0 else "CAF",
            activity_date=place_today() - timedelta(days=number % 40),
            count_visit=False,
        )
    section = open_section(qtbot, app, site)
    history = section.history
    section.tabs.setCurrentWidget(history)
    history.start.setDate(history.start.date().addYears(-1))
    model = history.model
    assert model.rowCount() == PAGE_SIZE and model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == PAGE_SIZE + 50 and not model.canFetchMore()
    assert "250 démarches" in history.total_label.text()
    totals = {
        history.totals_model.index(r, 0).data(): history.totals_model.index(r, 1).data()
        for r in range(history.totals_model.rowCount())
    }
    assert totals == {"CAF": "200", "MSA": "50"}

    history.operator.select_text("MSA")
    assert model.rowCount() == 50
    assert {model.row_at(r).operator for r in range(50)} == {"MSA"}
    assert "50 démarches" in history.total_label.text()


def test_history_exports_csv_and_france_services(
    qtbot: QtBot,
    app: Comptoir,
    site: SiteInfo,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    add_record(app, site, "Finalisée", activity_date=place_today(), note="Secret")
    section = open_section(qtbot, app, site)
    history = section.history
    answers = iter(
        [
            (str(tmp_path / "activite.csv"), "Tableur CSV (*.csv)"),
            (str(tmp_path / "fs"), "Classeur Excel (*.xlsx)"),
        ]
    )
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: next(answers))

    history.export_button.click()  # the Coop's activity export of the place
    qtbot.waitUntil(lambda: "1" in history.status.text())
    text = (tmp_path / "activite.csv").read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("Date;Enregistré le;Dernière modification le;Type")
    assert "Secret" not in text
    assert "1 démarche et 0 atelier (1 accompagnement)" in history.status.text()
    assert "activite.csv" in history.status.text()

    history.france_services_button.click()
    qtbot.waitUntil(lambda: "France Services" in history.status.text())
    import openpyxl

    sheet = openpyxl.load_workbook(tmp_path / "fs.xlsx").worksheets[0]
    last = list(sheet.iter_rows(values_only=True))[-1]
    assert last[0] == "Total" and last[-1] == 1


def test_models_pass_the_model_tester(
    qtbot: QtBot, qtmodeltester: Any, app: Comptoir, site: SiteInfo
) -> None:
    add_record(app, site, "Doit revenir", person_id=None)
    section = open_section(qtbot, app, site)
    section.tabs.setCurrentWidget(section.follow_ups)
    qtmodeltester.check(section.follow_ups.model)
    section.tabs.setCurrentWidget(section.history)
    qtmodeltester.check(section.history.model)
    qtmodeltester.check(section.history.totals_model)


def _consenting(app: Comptoir, site: SiteInfo) -> uuid.UUID:
    with app.uow() as uow:
        person = Person(
            site_id=site.id,
            first_name="Lucie",
            last_name="Marchand",
            consent_given_at=datetime(2026, 1, 1, tzinfo=UTC),
        )
        uow.session.add(person)
        uow.commit()
        return person.id


def test_a_consenting_person_is_attached_and_named_in_the_follow_ups(
    qtbot: QtBot, app: Comptoir, site: SiteInfo
) -> None:
    person_id = _consenting(app, site)
    section = open_section(qtbot, app, site)
    form = section.form
    for combo, text in (
        (form.operator, "CAF"),
        (form.theme, "Logement"),
        (form.help_type, "Info"),
        (form.outcome, "Doit"),
    ):
        combo.select_text(text)
    form.person.set_value(person_id)
    form.on_person_changed(person_id)
    assert not form.consent_label.isVisible()
    form.on_save_clicked()

    assert section.tabs.tabText(section.tabs.indexOf(section.follow_ups)) == "&Suivis (1)"
    section.tabs.setCurrentWidget(section.follow_ups)
    assert section.follow_ups.model.rowCount() == 1
    assert section.follow_ups.model.row_at(0).person_name == "Lucie Marchand"
    assert "À revoir le" in form.status.text()
