"""The Accueil screen as a host uses it: number keys count visits (the button and the
database follow), Ctrl+Z takes the last one back, the details panel completes the last
visit, typing in a text field never counts, and the paper tally sheet is saved."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from accueil_window import shown_accueil
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QWidget
from pytestqt.qtbot import QtBot
from sqlmodel import select

from tiers_lieu.app import Comptoir
from tiers_lieu.models import AuditEntry, Visit
from tiers_lieu.models.enums import AuditAction, CategoryKind
from tiers_lieu.services.readmodels import ServiceInfo, SiteInfo
from tiers_lieu.ui.accueil import AccueilSection

PARIS = ZoneInfo("Europe/Paris")


def today() -> date:
    return datetime.now(PARIS).date()


@pytest.fixture
def services(app: Comptoir, site: SiteInfo) -> list[ServiceInfo]:
    return app.config.list_services(site.id)


@pytest.fixture
def section(qtbot: QtBot, app: Comptoir, site: SiteInfo) -> AccueilSection:
    return shown_accueil(qtbot, app, site)


def press(
    qtbot: QtBot,
    section: AccueilSection,
    key: Qt.Key,
    *,
    into: QWidget | None = None,
    modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
) -> None:
    target = into or section.focusWidget() or section
    qtbot.keyClick(target, key, modifier)


def shown_count(section: AccueilSection, service: ServiceInfo) -> str:
    button = section.pad.button(service.id)
    assert button is not None
    return button.count_label.text()


def stored_visits(app: Comptoir) -> list[tuple[uuid.UUID, date, int, uuid.UUID | None]]:
    with app.uow() as uow:
        return [
            (v.service_id, v.activity_date, v.count, v.commune_id)
            for v in uow.session.exec(select(Visit).order_by(Visit.created_at))
        ]


def test_number_keys_count_visits_on_the_buttons_and_in_the_database(
    qtbot: QtBot, app: Comptoir, section: AccueilSection, services: list[ServiceInfo]
) -> None:
    welcome, grocery = services[0], services[5]
    assert grocery.name == "Épicerie"
    assert shown_count(section, welcome) == "0"

    press(qtbot, section, Qt.Key.Key_1)
    press(qtbot, section, Qt.Key.Key_6)
    press(qtbot, section, Qt.Key.Key_6)

    assert shown_count(section, welcome) == "1"
    assert shown_count(section, grocery) == "2"
    assert app.visits.counts_for_day(section.site.id, today()) == {welcome.id: 1, grocery.id: 2}
    assert "Visite comptée : Épicerie" in section.status_label.text()
    # Today's total follows once the keys rest (its repaint is not part of a key press).
    qtbot.waitUntil(lambda: section.today_panel.total_label.text() == "3 personnes accueillies")


def test_the_tenth_service_has_key_zero_and_later_ones_are_clicked(
    qtbot: QtBot, app: Comptoir, section: AccueilSection, services: list[ServiceInfo]
) -> None:
    tenth, last = services[9], services[11]
    assert section.pad.button(tenth.id).key_label.text() == "0"  # type: ignore[union-attr]
    assert section.pad.button(last.id).key is None  # type: ignore[union-attr]

    press(qtbot, section, Qt.Key.Key_0)
    button = section.pad.button(last.id)
    assert button is not None
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    assert shown_count(section, tenth) == "1"
    assert shown_count(section, last) == "1"
    assert app.visits.counts_for_day(section.site.id, today()) == {tenth.id: 1, last.id: 1}


def test_ctrl_z_removes_the_last_visit_counted_at_this_desk(
    qtbot: QtBot, app: Comptoir, section: AccueilSection, services: list[ServiceInfo]
) -> None:
    press(qtbot, section, Qt.Key.Key_2)
    press(qtbot, section, Qt.Key.Key_2)
    last = section.undo_stack()[-1]

    press(qtbot, section, Qt.Key.Key_Z, modifier=Qt.KeyboardModifier.ControlModifier)

    assert shown_count(section, services[1]) == "1"
    assert app.visits.counts_for_day(section.site.id, today()) == {services[1].id: 1}
    assert "Visite annulée : Coworking" in section.status_label.text()
    with app.uow() as uow:
        actions = [
            e.action
            for e in uow.session.exec(select(AuditEntry).where(AuditEntry.entity_id == last.id))
        ]
    assert actions == [AuditAction.DELETE]

    press(qtbot, section, Qt.Key.Key_Z, modifier=Qt.KeyboardModifier.ControlModifier)
    press(qtbot, section, Qt.Key.Key_Z, modifier=Qt.KeyboardModifier.ControlModifier)
    assert stored_visits(app) == []
    assert not section.undo_button.isEnabled()
    assert "Aucune visite à annuler" in section.status_label.text()


def test_completing_the_details_changes_the_stored_visit(
    qtbot: QtBot, app: Comptoir, section: AccueilSection, services: list[ServiceInfo]
) -> None:
    press(qtbot, section, Qt.Key.Key_5)
    # The details share the column beside the buttons with today's figures: Alt+V shows them.
    press(qtbot, section, Qt.Key.Key_V, modifier=Qt.KeyboardModifier.AltModifier)
    panel = section.details
    assert panel.isVisible() and not section.today_panel.isVisible()
    assert panel.commune_edit.isEnabled()

    panel.commune_edit.setFocus()
    qtbot.keyClicks(panel.commune_edit, "Aubusson")
    panel.age_combo.setCurrentIndex(panel.age_combo.findText("25-39"))
    panel.count_spin.setValue(3)
    press(qtbot, section, Qt.Key.Key_Return, into=panel.commune_edit)

    aubusson = next(c for c in app.communes.list_communes(section.site.id) if c.name == "Aubusson")
    band = next(
        c.id
        for c in app.config.list_categories(section.site.id, CategoryKind.AGE_BAND)
        if c.label == "25-39"
    )
    with app.uow() as uow:
        visit = uow.session.exec(select(Visit)).one()
        assert (visit.commune_id, visit.age_band_id, visit.count) == (aubusson.id, band, 3)
    assert shown_count(section, services[4]) == "3"
    assert "Détails enregistrés" in section.status_label.text()
    # Back on the buttons: the next key counts again.
    press(qtbot, section, Qt.Key.Key_5)
    assert shown_count(section, services[4]) == "4"


def test_keys_typed_in_the_commune_field_do_not_count_visits(
    qtbot: QtBot, app: Comptoir, section: AccueilSection
) -> None:
    press(qtbot, section, Qt.Key.Key_1)
    press(qtbot, section, Qt.Key.Key_V, modifier=Qt.KeyboardModifier.AltModifier)
    field = section.details.commune_edit
    field.setFocus()
    assert field.hasFocus()
    qtbot.keyClicks(field, "23008")
    qtbot.keyClicks(section.details.count_spin, "4")

    assert field.text() == "23008"
    assert len(stored_visits(app)) == 1


def test_details_left_in_the_panel_are_saved_before_the_next_visit(
    qtbot: QtBot, app: Comptoir, section: AccueilSection, services: list[ServiceInfo]
) -> None:
    press(qtbot, section, Qt.Key.Key_1)
    first = section.undo_stack()[-1]
    combo = section.details.gender_combo
    combo.setCurrentIndex(combo.findText("Féminin"))

    press(qtbot, section, Qt.Key.Key_2)

    with app.uow() as uow:
        saved = uow.session.get(Visit, first.id)
        assert saved is not None and saved.gender_id == combo.itemData(combo.findText("Féminin"))
    assert section.details.visit is not None
    assert section.details.visit.service_id == services[1].id
    assert section.details.gender_combo.value() is None  # the new visit starts blank


def test_a_past_date_is_kept_on_the_visit_and_shown_as_a_warning(
    qtbot: QtBot, app: Comptoir, section: AccueilSection, services: list[ServiceInfo]
) -> None:
    day = today() - timedelta(days=2)
    section.date_bar.set_fixed(day, time(10, 15))
    assert "pas pour aujourd'hui" in section.date_bar.note.text()
    assert section.date_bar.date_edit.property("warning") is True

    press(qtbot, section, Qt.Key.Key_3)

    assert stored_visits(app) == [(services[2].id, day, 1, None)]
    assert shown_count(section, services[2]) == "1"  # the buttons show the chosen day
    assert section.today_panel.total_label.text() == "Aucune visite comptée"

    qtbot.mouseClick(section.date_bar.now_button, Qt.MouseButton.LeftButton)
    assert section.date_bar.is_live()
    assert shown_count(section, services[2]) == "0"
    assert section.date_bar.date_edit.property("warning") is False


def test_the_tally_sheet_is_saved_where_the_host_chooses(
    qtbot: QtBot,
    section: AccueilSection,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    target = tmp_path / "feuille-de-comptage.pdf"
    asked: list[str] = []

    def choose(_parent: object, _title: str, proposed: str, _filter: str) -> tuple[str, str]:
        asked.append(proposed)
        return str(target), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", choose)
    assert section.pdf_button.text().replace("&", "") == "Enregistrer la feuille en PDF…"
    section.pdf_button.click()  # beside « Imprimer… » (Ctrl+P), which prints

    assert Path(asked[0]).name == "feuille-de-comptage.pdf"
    qtbot.waitUntil(lambda: "Feuille de comptage enregistrée" in section.status_label.text())
    assert target.read_bytes().startswith(b"%PDF-")
