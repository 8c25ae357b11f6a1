"""Work typed and not saved is not lost when the window closes, the place changes or the desk
locks: hours typed in « Temps passé », the details typed for a visit at Accueil and a démarche
being typed in « Démarches ». Closing or
changing place asks (save, drop, or stay; no answer: stay); locking saves them while the
person who typed them is still signed in, since someone else unlocking gets every section
rebuilt."""

from __future__ import annotations

from datetime import date

import pytest
from desk_window import open_window
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from sqlmodel import Session, col, select

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import place_today
from tiers_lieu.models import AssistanceRecord, TimeEntry, Visit
from tiers_lieu.models.enums import CategoryKind, Role
from tiers_lieu.services.people import PersonInput
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.services.time_sheet_models import monday_of
from tiers_lieu.ui.demarches.form import RecordForm
from tiers_lieu.ui.main_window import MainWindow
from tiers_lieu.ui.reports.time_grid import FIRST_DAY
from tiers_lieu.ui.reports.time_tab import TimeTab


@pytest.fixture
def window(qtbot: QtBot, app: Comptoir, site: SiteInfo) -> MainWindow:
    person = app.people.create(site.id, PersonInput(first_name="Claire", last_name="Maury"))
    app.organisation.save_job(
        site.id,
        post="Coordinatrice",
        contract_type="cdi",
        start_date=date(2020, 1, 1),
        person_id=person.id,
    )
    admin = app.accounts.create_user(
        username="lea", display_name="Léa", role=Role.ADMIN, password="tilleul-2026"
    )
    return open_window(qtbot, app, site, admin)


def hours_typed(qtbot: QtBot, window: MainWindow) -> TimeTab:
    """Two hours typed on Monday in « Temps passé », not saved."""
    reports = window.show_section("rapports")
    tab = reports.time_tab  # type: ignore[attr-defined]
    assert isinstance(tab, TimeTab)
    reports.tabs.setCurrentWidget(tab)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: tab.model.line_count > 0, timeout=10_000)
    tab.model.setData(tab.model.index(0, FIRST_DAY), "2")
    assert tab.model.dirty
    return tab


def saved_minutes(app: Comptoir) -> list[tuple[date, int]]:
    with Session(app.engine) as session:
        rows = session.exec(select(TimeEntry).order_by(col(TimeEntry.on_date))).all()
        return [(r.on_date, r.minutes) for r in rows]


def answer(monkeypatch: pytest.MonkeyPatch, button: QMessageBox.StandardButton) -> list[str]:
    asked: list[str] = []

    def question(_parent: object, _title: str, text: str, *_args: object) -> object:
        asked.append(text)
        return button

    monkeypatch.setattr(QMessageBox, "question", question)
    return asked


def test_closing_with_hours_not_saved_asks_and_saves_them(
    qtbot: QtBot,
    app: Comptoir,
    site: SiteInfo,
    window: MainWindow,
    message_boxes: list[tuple[str, str, str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window.show_section("accueil")  # the hours wait in a section not on screen
    hours_typed(qtbot, window)
    window.show_section("accueil")

    assert window.close() is False  # no answer: the window stays, the hours too
    [(kind, title, text)] = message_boxes
    assert (kind, title) == ("question", "Saisie non enregistrée")
    assert "Temps passé : les heures de la semaine du" in text
    assert "Coordinatrice — Claire Maury" in text
    assert saved_minutes(app) == []

    answer(monkeypatch, QMessageBox.StandardButton.Save)
    assert window.close() is True
    assert saved_minutes(app) == [(monday_of(place_today(site.zone)), 120)]


def test_changing_place_may_stay_or_drop_the_hours(
    qtbot: QtBot,
    app: Comptoir,
    site: SiteInfo,
    window: MainWindow,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app.sites.init_site(name="La Grange", commune_name="Aubusson", insee_code="23008")
    window._reload_sites()  # as the place's creation from Paramètres does
    tab = hours_typed(qtbot, window)
    other = next(i for i, s in enumerate(window._sites) if s.name == "La Grange")

    asked = answer(monkeypatch, QMessageBox.StandardButton.Cancel)
    window.site_combo.setCurrentIndex(other)
    window.site_combo.activated.emit(other)
    assert len(asked) == 1
    assert window.site is not None and window.site.id == site.id
    assert window.site_combo.currentText() == site.name  # the list shows the place open
    assert tab.model.dirty

    answer(monkeypatch, QMessageBox.StandardButton.Discard)
    window.site_combo.activated.emit(other)
    assert window.site is not None and window.site.name == "La Grange"
    assert saved_minutes(app) == []


def test_the_desk_locking_saves_the_hours_and_a_visits_details(
    qtbot: QtBot,
    app: Comptoir,
    site: SiteInfo,
    window: MainWindow,
    message_boxes: list[tuple[str, str, str]],
) -> None:
    hours_typed(qtbot, window)
    accueil = window.show_section("accueil")
    visit = accueil.count_visit(app.config.list_services(site.id)[0].id)  # type: ignore[attr-defined]
    assert visit is not None
    accueil.details.count_spin.setValue(3)  # type: ignore[attr-defined]
    assert accueil.unsaved_work() is not None  # type: ignore[attr-defined]

    window.desk_lock.lock()

    assert saved_minutes(app) == [(monday_of(place_today(site.zone)), 120)]
    with Session(app.engine) as session:
        assert session.get(Visit, visit.id).count == 3  # type: ignore[union-attr]
    assert message_boxes == []  # nothing asked of a desk nobody is at


def demarche_typed(window: MainWindow, app: Comptoir, site: SiteInfo) -> RecordForm:
    """A démarche typed in « Nouvelle démarche », not recorded."""
    form = window.show_section("demarches").form  # type: ignore[attr-defined]
    assert isinstance(form, RecordForm)
    assert form.unsaved_work() is None  # the lists pre-filled are not typing
    for combo, kind, label in (
        (form.operator, CategoryKind.OPERATOR, "CAF"),
        (form.theme, CategoryKind.THEME, "Logement"),
        (form.help_type, CategoryKind.HELP_TYPE, "Information / orientation"),
    ):
        combo.set_value(
            next(c.id for c in app.config.list_categories(site.id, kind) if c.label == label)
        )
    form.note.set_text("Dossier APL à compléter")
    return form


def records(app: Comptoir) -> list[str]:
    with Session(app.engine) as session:
        return [r.note for r in session.exec(select(AssistanceRecord)).all()]


def test_a_demarche_being_typed_is_asked_about_and_kept_until_saved_or_cleared(
    app: Comptoir,
    site: SiteInfo,
    window: MainWindow,
    message_boxes: list[tuple[str, str, str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    form = demarche_typed(window, app, site)
    assert form.unsaved_work() == "Démarches : la démarche en cours de saisie"

    assert window.close() is False  # no answer: the window and the démarche stay
    [(_kind, title, text)] = message_boxes
    assert title == "Saisie non enregistrée"
    assert "Démarches : la démarche en cours de saisie" in text
    assert form.note.text() == "Dossier APL à compléter"

    form.on_clear_clicked()  # « Effacer le formulaire »: nothing left to ask about
    assert form.unsaved_work() is None
    demarche_typed(window, app, site)
    answer(monkeypatch, QMessageBox.StandardButton.Save)
    assert window.close() is True
    assert records(app) == ["Dossier APL à compléter"]


def test_the_desk_locking_records_a_demarche_typed_or_keeps_one_it_refuses(
    app: Comptoir,
    site: SiteInfo,
    window: MainWindow,
    message_boxes: list[tuple[str, str, str]],
) -> None:
    form = demarche_typed(window, app, site)
    form.theme.clear_choice()  # a required list left empty: refused, kept on screen, silent
    window.desk_lock.lock()
    assert records(app) == []
    assert form.note.text() == "Dossier APL à compléter"
    assert form.unsaved_work() is not None
    assert message_boxes == []

    window.desk_lock.on_screen_unlock_requested(window.user.id, "tilleul-2026")  # type: ignore[union-attr]
    assert not window.desk_lock.is_locked
    form.theme.set_value(form.theme.itemData(0))
    window.desk_lock.lock()
    assert records(app) == ["Dossier APL à compléter"]
    assert form.unsaved_work() is None  # the form is ready for the next person
    assert message_boxes == []
