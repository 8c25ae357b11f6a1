"""The « Paramètres » section as a coordinator uses it: what is typed and clicked, then what
the services hold afterwards and what the screen shows. Dialogs are patched so that nothing
blocks; imports run on a synchronous pool.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path
from typing import Any, TypeVar

import pytest
from PySide6.QtCore import QDate, Qt, QTime
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from tiers_lieu.app import Comptoir
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.models import ID_ROLE, ReadModelTable
from tiers_lieu.ui.ops import SynchronousPool, set_pool
from tiers_lieu.ui.settings import SettingsSection
from tiers_lieu.ui.settings.table_models import (
    ClosuresModel,
    CommunesModel,
    HolidaysModel,
    ServicesModel,
    SitesModel,
)

SATURDAY = 5


@dataclass
class Dialogs:
    """What the patched message boxes were asked to show, and how ``question`` answers."""

    shown: list[tuple[str, str, str]] = field(default_factory=list)
    answer: QMessageBox.StandardButton = QMessageBox.StandardButton.Yes

    def texts(self, kind: str | None = None) -> list[str]:
        return [text for k, _title, text in self.shown if kind is None or k == kind]


@pytest.fixture
def dialogs(monkeypatch: pytest.MonkeyPatch) -> Dialogs:
    record = Dialogs()

    def fake(kind: str) -> Any:
        def show(parent: QWidget | None, title: str, text: str, *args: object) -> object:
            record.shown.append((kind, title, text))
            return record.answer if kind == "question" else QMessageBox.StandardButton.Ok

        return show

    for kind in ("warning", "critical", "information", "question"):
        monkeypatch.setattr(QMessageBox, kind, fake(kind))
    return record


@pytest.fixture
def sync_pool() -> Iterator[None]:
    set_pool(SynchronousPool())
    yield
    set_pool(None)


@pytest.fixture
def section(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, dialogs: Dialogs, sync_pool: None
) -> SettingsSection:
    widget = SettingsSection(app, site)
    qtbot.addWidget(widget)
    widget.resize(1100, 700)
    with qtbot.waitExposed(widget):
        widget.show()
    return widget


TabT = TypeVar("TabT", bound=QWidget)


def on_screen(section: SettingsSection, tab: TabT) -> TabT:
    """``tab`` shown, as the user opens it: each tab reads when it is first shown."""
    section.tabs.setCurrentWidget(tab)
    return tab


def column_texts(model: ReadModelTable[Any], column: int) -> list[str]:
    return [model.index(row, column).data() for row in range(model.rowCount())]


def select_row_named(section_view: Any, model: ReadModelTable[Any], column: int, text: str) -> None:
    row = column_texts(model, column).index(text)
    section_view.selectRow(row)


# -- Lieu -------------------------------------------------------------------------------
def test_saving_the_place_persists_the_new_name(
    qtbot: QtBot, app: Comptoir, section: SettingsSection
) -> None:
    tab = section.place_tab
    tab.name_edit.clear()
    qtbot.keyClicks(tab.name_edit, "Le Comptoir du plateau")
    tab.address_edit.setText("2 place de la Halle")
    tab.distance_spin.setValue(50)
    with qtbot.waitSignal(section.site_updated) as saved:
        qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)

    [stored] = app.sites.list_sites()
    assert stored.name == "Le Comptoir du plateau"
    assert stored.address == "2 place de la Halle"
    assert stored.local_distance_km == 50
    assert saved.args == [stored]
    assert section.site == stored
    assert "Le Comptoir du plateau" in tab.status.text()


def test_ctrl_s_saves_the_tab_on_screen(
    qtbot: QtBot, app: Comptoir, section: SettingsSection
) -> None:
    section.activateWindow()
    qtbot.waitUntil(section.isActiveWindow)
    tab = section.place_tab
    tab.name_edit.setFocus()
    tab.name_edit.setText("Le Comptoir au clavier")
    qtbot.keyClick(tab.name_edit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert app.sites.list_sites()[0].name == "Le Comptoir au clavier"


def test_a_bad_insee_code_is_named_and_nothing_is_written(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, section: SettingsSection, dialogs: Dialogs
) -> None:
    tab = section.place_tab
    tab.name_edit.setText("Autre nom")
    tab.insee_edit.setText("2307")
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)

    [message] = dialogs.texts("warning")
    assert "Code INSEE" in message
    assert app.sites.list_sites() == [site]
    assert tab.status.text() == ""


def test_several_sites_are_listed_read_only(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, dialogs: Dialogs
) -> None:
    app.sites.init_site(name="La Fabrique d'Aubusson", commune_name="Aubusson")
    widget = SettingsSection(app, site)
    qtbot.addWidget(widget)
    with qtbot.waitExposed(widget):
        widget.show()
    tab = widget.place_tab
    assert tab.sites_box.isVisible()
    assert column_texts(tab.sites_model, SitesModel.Columns.NAME) == [
        "La Fabrique d'Aubusson",
        "Le Comptoir de Felletin",
    ]


# -- Horaires ---------------------------------------------------------------------------
def test_closing_saturday_removes_its_hours(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, section: SettingsSection
) -> None:
    before = [r for r in app.config.opening_hours(site.id) if r.weekday != SATURDAY]
    assert any(r.weekday == SATURDAY for r in app.config.opening_hours(site.id))
    tab = on_screen(section, section.hours_tab)
    qtbot.mouseClick(tab.days[SATURDAY].closed, Qt.MouseButton.LeftButton)
    assert not tab.days[SATURDAY].opens[0].isEnabled()
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)

    after = app.config.opening_hours(site.id)
    assert [r for r in after if r.weekday == SATURDAY] == []
    assert [r for r in after if r.weekday != SATURDAY] == before
    assert "samedi" in tab.status.text()


def test_ctrl_s_on_the_hours_tab_saves_hours_not_the_place(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, section: SettingsSection
) -> None:
    section.activateWindow()
    qtbot.waitUntil(section.isActiveWindow)
    section.place_tab.name_edit.setText("Pas enregistré")
    section.tabs.setCurrentWidget(section.hours_tab)
    section.hours_tab.days[SATURDAY].closed.setChecked(True)
    section.tabs.tabBar().setFocus()
    qtbot.keyClick(section.tabs.tabBar(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)

    assert [r for r in app.config.opening_hours(site.id) if r.weekday == SATURDAY] == []
    assert app.sites.list_sites() == [site]


def test_two_ranges_are_saved_for_a_day(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, section: SettingsSection
) -> None:
    sunday = on_screen(section, section.hours_tab).days[6]
    sunday.closed.setChecked(False)
    sunday.opens[0].setTime(QTime(10, 0))
    sunday.closes[0].setTime(QTime(12, 0))
    sunday.second.setChecked(True)
    sunday.opens[1].setTime(QTime(15, 0))
    sunday.closes[1].setTime(QTime(17, 30))
    qtbot.mouseClick(section.hours_tab.save_button, Qt.MouseButton.LeftButton)

    stored = [
        (r.opens_at, r.closes_at) for r in app.config.opening_hours(site.id) if r.weekday == 6
    ]
    assert stored == [(time(10, 0), time(12, 0)), (time(15, 0), time(17, 30))]


def test_an_overlapping_range_is_refused_naming_the_day_and_saves_no_day(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, section: SettingsSection, dialogs: Dialogs
) -> None:
    before = app.config.opening_hours(site.id)
    tab = on_screen(section, section.hours_tab)
    tab.days[SATURDAY].closed.setChecked(True)  # a valid change, listed before Monday's error
    monday = tab.days[0]
    monday.second.setChecked(True)
    monday.opens[1].setTime(QTime(11, 0))
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)

    [message] = dialogs.texts("warning")
    assert "lundi" in message
    assert "chevauchent" in message
    assert app.config.opening_hours(site.id) == before


# -- Fermetures et jours fériés ---------------------------------------------------------
def test_adding_then_deleting_a_closure(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, section: SettingsSection, dialogs: Dialogs
) -> None:
    tab = on_screen(section, section.closures_tab)
    tab.start_edit.setDate(QDate(2026, 8, 3))
    tab.end_edit.setDate(QDate(2026, 8, 21))
    tab.reason_edit.insert("Congés d'été")  # QTest only types ASCII keys
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)

    [closure] = app.config.list_closures(site.id)
    assert (closure.start_date, closure.end_date, closure.reason) == (
        date(2026, 8, 3),
        date(2026, 8, 21),
        "Congés d'été",
    )
    model = tab.closures_model
    assert column_texts(model, ClosuresModel.Columns.START) == ["lundi 3 août 2026"]
    assert column_texts(model, ClosuresModel.Columns.REASON) == ["Congés d'été"]
    assert tab.reason_edit.text() == ""

    dialogs.answer = QMessageBox.StandardButton.No
    qtbot.mouseClick(tab.delete_button, Qt.MouseButton.LeftButton)
    assert app.config.list_closures(site.id) == [closure]

    dialogs.answer = QMessageBox.StandardButton.Yes
    qtbot.mouseClick(tab.delete_button, Qt.MouseButton.LeftButton)
    assert app.config.list_closures(site.id) == []
    assert model.rowCount() == 0
    assert "3 août 2026" in dialogs.texts("question")[0]


def test_a_closure_ending_before_it_starts_is_refused(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, section: SettingsSection, dialogs: Dialogs
) -> None:
    tab = on_screen(section, section.closures_tab)
    tab.start_edit.setDate(QDate(2026, 8, 3))
    tab.end_edit.setDate(QDate(2026, 8, 1))
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    assert app.config.list_closures(site.id) == []
    assert "Fin" in dialogs.texts("warning")[0]


def test_public_holidays_of_2026(section: SettingsSection) -> None:
    tab = on_screen(section, section.closures_tab)
    tab.year_spin.setValue(2026)
    model = tab.holidays_model
    days = dict(
        zip(
            column_texts(model, HolidaysModel.Columns.NAME),
            column_texts(model, HolidaysModel.Columns.DAY),
            strict=True,
        )
    )
    assert days["Noël"] == "vendredi 25 décembre 2026"
    assert "mardi 14 juillet 2026" in days.values()
    tab.year_spin.setValue(2027)
    assert "samedi 25 décembre 2027" in column_texts(model, HolidaysModel.Columns.DAY)


# -- Services ---------------------------------------------------------------------------
def test_adding_and_deactivating_a_service_keeps_its_history(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, section: SettingsSection
) -> None:
    tab = on_screen(section, section.services_tab)
    with qtbot.waitSignal(section.changes.changed):
        tab.name_edit.insert("Repair café")  # QTest only types ASCII keys
        qtbot.keyClick(tab.name_edit, Qt.Key.Key_Return)
    names = column_texts(tab.model, ServicesModel.Columns.NAME)
    assert names[-1] == "Repair café"
    assert app.config.list_services(site.id)[-1].name == "Repair café"

    select_row_named(tab.view, tab.model, ServicesModel.Columns.NAME, "Repair café")
    assert tab.toggle_button.text().replace("&", "") == "Désactiver"
    qtbot.mouseClick(tab.toggle_button, Qt.MouseButton.LeftButton)

    assert "Repair café" not in [s.name for s in app.config.list_services(site.id)]
    kept = [s for s in app.config.list_services(site.id, include_inactive=True)]
    assert [s.active for s in kept if s.name == "Repair café"] == [False]
    row = column_texts(tab.model, ServicesModel.Columns.NAME).index("Repair café")
    assert tab.model.index(row, ServicesModel.Columns.STATE).data() == "Désactivé"
    assert tab.toggle_button.text().replace("&", "") == "Réactiver"

    qtbot.mouseClick(tab.toggle_button, Qt.MouseButton.LeftButton)
    assert app.config.list_services(site.id)[-1].name == "Repair café"


def test_the_first_nine_active_services_show_their_desk_key(section: SettingsSection) -> None:
    keys = column_texts(on_screen(section, section.services_tab).model, ServicesModel.Columns.KEY)
    assert keys[:10] == [str(n) for n in range(1, 10)] + ["0"]
    assert set(keys[10:]) == {""}


def test_moving_a_service_down_changes_the_desk_order(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, section: SettingsSection
) -> None:
    first, second = app.config.list_services(site.id)[:2]
    tab = on_screen(section, section.services_tab)
    tab.view.selectRow(0)
    assert not tab.up_button.isEnabled()
    qtbot.mouseClick(tab.down_button, Qt.MouseButton.LeftButton)

    assert [s.id for s in app.config.list_services(site.id)[:2]] == [second.id, first.id]
    assert column_texts(tab.model, ServicesModel.Columns.NAME)[:2] == [second.name, first.name]
    selected = tab.view.selectionModel().selectedRows()
    assert [index.data(ID_ROLE) for index in selected] == [first.id]
    assert tab.up_button.isEnabled()


def test_renaming_a_service(
    qtbot: QtBot,
    app: Comptoir,
    site: SiteInfo,
    section: SettingsSection,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(QInputDialog, "getText", lambda *args, **kwargs: ("Bureau de poste", True))
    tab = on_screen(section, section.services_tab)
    select_row_named(tab.view, tab.model, ServicesModel.Columns.NAME, "Relais colis / poste")
    qtbot.mouseClick(tab.rename_button, Qt.MouseButton.LeftButton)
    names = [s.name for s in app.config.list_services(site.id)]
    assert "Bureau de poste" in names
    assert "Relais colis / poste" not in names


def test_a_duplicate_service_is_refused(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, section: SettingsSection, dialogs: Dialogs
) -> None:
    count = len(app.config.list_services(site.id, include_inactive=True))
    tab = on_screen(section, section.services_tab)
    tab.name_edit.setText("Coworking")
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    assert "existe déjà" in dialogs.texts("warning")[0]
    assert len(app.config.list_services(site.id, include_inactive=True)) == count


# -- Communes ---------------------------------------------------------------------------
def write_csv(path: Path, lines: list[str]) -> Path:
    path.write_bytes(("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8"))
    return path


def choose_file(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(path), ""))


def test_importing_a_good_csv_lists_the_communes(
    qtbot: QtBot,
    app: Comptoir,
    site: SiteInfo,
    section: SettingsSection,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    choose_file(
        monkeypatch,
        write_csv(
            tmp_path / "communes.csv",
            [
                "code_insee;nom;population",
                "23079;Felletin;1650",
                "23096;Guéret;1234",
                "23176;Saint-Quentin-la-Chabanne;412",
            ],
        ),
    )
    tab = on_screen(section, section.communes_tab)
    qtbot.mouseClick(tab.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 3)

    rows = dict(
        zip(
            column_texts(tab.model, CommunesModel.Columns.NAME),
            column_texts(tab.model, CommunesModel.Columns.POPULATION),
            strict=True,
        )
    )
    assert rows["Guéret"] == "1\u202f234"
    assert rows["Felletin"] == "1\u202f650"
    assert tab.status.text().startswith("2 communes ajoutées, 1 mise à jour.")
    assert "3 communes, 3\u202f296 habitants" in tab.totals_label.text()
    assert len(app.communes.list_communes(site.id)) == 3


def test_a_bad_csv_names_its_line_and_imports_nothing(
    qtbot: QtBot,
    app: Comptoir,
    site: SiteInfo,
    section: SettingsSection,
    dialogs: Dialogs,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    before = app.communes.list_communes(site.id)
    choose_file(
        monkeypatch,
        write_csv(
            tmp_path / "communes.csv",
            ["code_insee;nom;population", "23096;Guéret;12345", "2309;Faux;10"],
        ),
    )
    tab = on_screen(section, section.communes_tab)
    qtbot.mouseClick(tab.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(dialogs.shown))

    [message] = dialogs.texts("warning")
    assert "Ligne 3" in message
    assert app.communes.list_communes(site.id) == before
    assert tab.model.rowCount() == len(before)


def test_cancelling_the_file_dialog_imports_nothing(
    qtbot: QtBot, section: SettingsSection, dialogs: Dialogs, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kwargs: ("", ""))
    qtbot.mouseClick(
        on_screen(section, section.communes_tab).import_button, Qt.MouseButton.LeftButton
    )
    assert dialogs.shown == []


def test_adding_a_commune_by_hand(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, section: SettingsSection, dialogs: Dialogs
) -> None:
    tab = on_screen(section, section.communes_tab)
    qtbot.keyClicks(tab.name_edit, "Croze")
    qtbot.keyClicks(tab.insee_edit, "23069")
    qtbot.keyClicks(tab.population_edit, "180")
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)

    assert dialogs.shown == []
    stored = {c.name: c for c in app.communes.list_communes(site.id)}
    assert (stored["Croze"].insee_code, stored["Croze"].population) == ("23069", 180)
    assert "Croze" in column_texts(tab.model, CommunesModel.Columns.NAME)
    assert tab.name_edit.text() == ""

    tab.name_edit.setText("Ailleurs")
    tab.insee_edit.setText("99")
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    assert "Code INSEE" in dialogs.texts("warning")[0]
    assert "Ailleurs" not in {c.name for c in app.communes.list_communes(site.id)}


def test_a_territory_commune_is_picked_from_the_official_list(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, section: SettingsSection, dialogs: Dialogs
) -> None:
    tab = on_screen(section, section.communes_tab)
    qtbot.keyClicks(tab.name_edit, "st sulpice les ch")
    labels = tab.name_suggestions.labels()
    assert labels[0] == "Saint-Sulpice-les-Champs — 23480, Creuse (23)"  # the place's department
    tab.name_suggestions.choose(0)
    assert (tab.name_edit.text(), tab.insee_edit.text()) == ("Saint-Sulpice-les-Champs", "23246")
    assert int(tab.population_edit.text()) > 100
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    stored = {c.name: c for c in app.communes.list_communes(site.id)}
    assert stored["Saint-Sulpice-les-Champs"].insee_code == "23246"
    assert stored["Saint-Sulpice-les-Champs"].in_territory
    assert dialogs.shown == []


def test_a_commune_name_typed_whole_is_added_with_its_insee_code(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, section: SettingsSection, dialogs: Dialogs
) -> None:
    tab = on_screen(section, section.communes_tab)
    qtbot.keyClicks(tab.name_edit, "croze")
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    stored = {c.name: c for c in app.communes.list_communes(site.id)}
    assert stored["Croze"].insee_code == "23071" and (stored["Croze"].population or 0) > 0
    assert dialogs.shown == []


def test_an_unknown_territory_commune_is_asked_about(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, section: SettingsSection, dialogs: Dialogs
) -> None:
    tab = on_screen(section, section.communes_tab)
    dialogs.answer = QMessageBox.StandardButton.No
    qtbot.keyClicks(tab.name_edit, "Zzzville")
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    [question] = dialogs.texts("question")
    assert "« Zzzville »" in question
    assert "Zzzville" not in {c.name for c in app.communes.list_communes(site.id)}
    assert tab.name_edit.text() == "Zzzville"  # left to correct

    dialogs.answer = QMessageBox.StandardButton.Yes
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    stored = {c.name: c for c in app.communes.list_communes(site.id)}
    assert stored["Zzzville"].insee_code is None


# -- models and section ---------------------------------------------------------------
def test_table_models_pass_the_model_tester(
    qtmodeltester: Any, app: Comptoir, site: SiteInfo, section: SettingsSection
) -> None:
    app.config.add_closure(site.id, start_date=date(2026, 5, 2), end_date=date(2026, 5, 3))
    app.communes.add_commune(site.id, name="Sans code")
    section.refresh()
    for tab in (section.closures_tab, section.services_tab, section.communes_tab):
        on_screen(section, tab)
    models: list[ReadModelTable[Any]] = [
        section.place_tab.sites_model,
        section.closures_tab.closures_model,
        section.closures_tab.holidays_model,
        section.services_tab.model,
        section.communes_tab.model,
    ]
    for model in models:
        assert model.rowCount() > 0
        qtmodeltester.check(model, force_py=True)


def test_rows_carry_their_id(section: SettingsSection, app: Comptoir, site: SiteInfo) -> None:
    model = on_screen(section, section.services_tab).model
    ids = [model.index(row, 0).data(ID_ROLE) for row in range(model.rowCount())]
    assert all(isinstance(i, uuid.UUID) for i in ids)
    assert ids == [s.id for s in app.config.list_services(site.id, include_inactive=True)]
