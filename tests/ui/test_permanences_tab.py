"""« Permanences » as the coordinator uses it: a permanence typed wrong is corrected with F2
(the dialog shows it as it is, the list shows it corrected) and one added by mistake is
deleted with Suppr after a question; once a slot is booked, both are refused in French and
the way out is named (end it at a date)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from PySide6.QtCore import QDate, Qt, QTime
from PySide6.QtWidgets import QDialog, QMessageBox
from pytestqt.qtbot import QtBot
from questions import Questions

from tiers_lieu.app import Comptoir
from tiers_lieu.models.enums import ResourceKind
from tiers_lieu.services.agenda.permanences import PermanenceInput
from tiers_lieu.services.agenda.readmodels import PermanenceInfo
from tiers_lieu.services.agenda.resources import ResourceFields
from tiers_lieu.services.people import PersonInput
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.agenda import AgendaSection
from tiers_lieu.ui.agenda.permanence_form import PermanenceDialog
from tiers_lieu.ui.leaving import pending, save_quietly


@pytest.fixture
def place(site: SiteInfo, signed_in_coordinator: object) -> SiteInfo:
    return site


def nurse(app: Comptoir, site: SiteInfo) -> PermanenceInfo:
    """Tuesdays 9:00–12:00 in 20-minute slots, in the health room, from 3 March 2026."""
    room = app.agenda.resources.create(
        site.id, ResourceFields(name="Bureau santé", kind=ResourceKind.HEALTH_ROOM)
    )
    who = app.agenda.practitioners.create(
        site_id=site.id, name="Sophie Lavaud", profession="Infirmière"
    )
    return app.agenda.permanences.create(
        site.id,
        PermanenceInput(
            practitioner_id=who.id,
            resource_id=room.id,
            weekday=1,
            start_time=time(9),
            end_time=time(12),
            start_date=date(2026, 3, 3),
        ),
    )


def open_tab(qtbot: QtBot, app: Comptoir, site: SiteInfo) -> AgendaSection:
    section = AgendaSection(app, site)
    qtbot.addWidget(section)
    section.resize(1024, 600)
    with qtbot.waitExposed(section):
        section.show()
    section.tabs.setCurrentWidget(section.permanences)
    tab = section.permanences
    tab.practitioners_view.selectRow(0)
    tab.permanences_view.selectRow(0)
    tab.permanences_view.setFocus()
    return section


def test_f2_corrects_a_permanence_typed_wrong(
    qtbot: QtBot,
    app: Comptoir,
    place: SiteInfo,
    monkeypatch: pytest.MonkeyPatch,
    message_boxes: list[tuple[str, str, str]],
) -> None:
    nurse(app, place)
    section = open_tab(qtbot, app, place)
    tab = section.permanences
    seen: list[tuple[str, str, str]] = []

    def fill(dialog: PermanenceDialog) -> int:
        fields = dialog.fields
        seen.append(
            (
                fields.weekday.currentText(),
                fields.start.time().toString("HH:mm"),
                fields.resource.currentText(),
            )
        )
        fields.weekday.setCurrentIndex(3)  # Thursday
        fields.start.setTime(QTime(14, 0))
        fields.end.setTime(QTime(16, 0))
        return QDialog.DialogCode.Accepted.value

    monkeypatch.setattr(PermanenceDialog, "exec", fill)
    qtbot.keyClick(tab.permanences_view, Qt.Key.Key_F2)
    assert seen == [("mardi", "09:00", "Bureau santé")]
    assert not message_boxes
    assert "Permanence corrigée." in tab.status.text()
    [fixed] = app.agenda.permanences.list(place.id)
    assert (fixed.weekday, fixed.start_time, fixed.end_time) == (3, time(14), time(16))
    when = tab.permanences.index(0, tab.permanences.Columns.WHEN).data()
    assert when == "chaque jeudi, 14:00–16:00"


def test_suppr_deletes_a_permanence_added_by_mistake_after_asking(
    qtbot: QtBot, app: Comptoir, place: SiteInfo, questions: Questions
) -> None:
    nurse(app, place)
    section = open_tab(qtbot, app, place)
    tab = section.permanences
    questions.answers.append(QMessageBox.StandardButton.No)
    qtbot.keyClick(tab.permanences_view, Qt.Key.Key_Delete)
    assert "mardi (09:00–12:00)" in questions.asked[0]
    assert len(app.agenda.permanences.list(place.id)) == 1  # « Non » keeps it
    qtbot.keyClick(tab.permanences_view, Qt.Key.Key_Delete)
    assert app.agenda.permanences.list(place.id) == []
    assert tab.permanences.rowCount() == 0
    assert "Permanence supprimée." in tab.status.text()


def test_a_booked_permanence_is_not_rewritten_and_the_way_out_is_named(
    qtbot: QtBot,
    app: Comptoir,
    place: SiteInfo,
    monkeypatch: pytest.MonkeyPatch,
    message_boxes: list[tuple[str, str, str]],
) -> None:
    perm = nurse(app, place)
    lea = app.people.create(place.id, PersonInput(first_name="Léa", last_name="Martin"))
    nine = datetime(2026, 3, 10, 8, tzinfo=UTC)  # 9:00 in Paris
    app.agenda.permanences.book_slot(perm.id, nine, person_id=lea.id)
    section = open_tab(qtbot, app, place)
    tab = section.permanences
    tries: list[int] = []

    def accept_then_give_up(dialog: PermanenceDialog) -> int:
        tries.append(1)
        dialog.fields.start.setTime(QTime(10, 0))
        return (
            QDialog.DialogCode.Accepted if len(tries) == 1 else QDialog.DialogCode.Rejected
        ).value

    monkeypatch.setattr(PermanenceDialog, "exec", accept_then_give_up)
    qtbot.keyClick(tab.permanences_view, Qt.Key.Key_F2)
    assert len(tries) == 2  # refused: the dialog stays open with what was typed
    assert "Terminez-la à une date" in message_boxes[-1][2]
    assert app.agenda.permanences.list(place.id)[0].start_time == time(9)


def test_a_practitioners_card_typed_is_not_lost_when_the_desk_locks(
    qtbot: QtBot, app: Comptoir, place: SiteInfo, message_boxes: list[tuple[str, str, str]]
) -> None:
    """Typed and not saved: the window's question names it, the desk locking saves it (a
    card it cannot save stays on screen, without a dialog)."""
    nurse(app, place)
    section = open_tab(qtbot, app, place)
    tab = section.permanences
    assert pending(section) == []  # a card as it was shown holds nothing
    tab.on_new_practitioner_clicked()
    tab.profession.setText("Podologue")
    assert tab.unsaved_work() == ("Permanences : la fiche de l'intervenant·e « sans nom »")
    assert save_quietly(section) == 1  # no name: refused, kept, nobody asked
    assert not message_boxes and tab.profession.text() == "Podologue"
    tab.name.setText("Marc Chabrat")
    assert pending(section) == [tab]
    assert save_quietly(section) == 0
    names = [p.name for p in app.agenda.practitioners.list(place.id)]
    assert sorted(names) == ["Marc Chabrat", "Sophie Lavaud"]
    assert tab.unsaved_work() is None


def test_a_place_without_practitioners_holds_nothing_unsaved(
    qtbot: QtBot, app: Comptoir, place: SiteInfo
) -> None:
    section = open_tab(qtbot, app, place)
    assert pending(section) == []


def test_cancelling_a_date_already_cancelled_offers_to_restore_it(
    qtbot: QtBot,
    app: Comptoir,
    place: SiteInfo,
    questions: Questions,
    message_boxes: list[tuple[str, str, str]],
) -> None:
    perm = nurse(app, place)
    tuesday = date(2026, 3, 10)
    app.agenda.permanences.cancel_date(perm.id, tuesday)
    section = open_tab(qtbot, app, place)
    tab = section.permanences
    tab.on_date.setDate(QDate(2026, 3, 10))
    tab.cancel_date_button.click()  # « Oui »
    [asked] = questions.asked
    assert "La permanence du mardi 10 mars 2026 est annulée. La rétablir ?" in asked
    slots = app.agenda.permanences.slots(place.id, tuesday, tuesday)
    assert slots and not any(s.cancelled for s in slots)
    assert "Permanence du mardi 10 mars 2026 rétablie." in tab.status.text()
    assert not message_boxes
