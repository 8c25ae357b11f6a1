"""Rapports › « Exports » as a coordinator uses it: choose a kind of export, its period, the
place and the format, save, read the writer's line; a refusal shows its French message and
writes nothing. The kinds are fakes registered in ``cli.export.KINDS`` (the tab knows no
export by name); their writer lives in a module made up for the test, so the tab imports it
the way the command line does."""

from __future__ import annotations

import sys
import types
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from tiers_lieu.app import Comptoir
from tiers_lieu.cli import export
from tiers_lieu.cli.export import ExportKind, ExportRequest
from tiers_lieu.errors import ComptoirError
from tiers_lieu.i18n import place_today
from tiers_lieu.models.enums import Role
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.reports.exports_tab import ExportsTab, suggested_name
from tiers_lieu.ui.reports.period import Period

WRITER_MODULE = "exports_tab_fake_writers"
START, END = date(2025, 1, 1), date(2025, 3, 31)


class Writers:
    """The fake writers' module: what each call received."""

    def __init__(self) -> None:
        self.calls: list[ExportRequest] = []
        self.refusal: str | None = None

    def write(self, app: Comptoir, request: ExportRequest) -> str:
        assert isinstance(app, Comptoir)
        self.calls.append(request)
        if self.refusal is not None:
            raise ComptoirError(self.refusal)
        request.out.write_text("colonne\nvaleur\n", encoding="utf-8")
        return f"Export d'essai écrit : {request.out}"


@pytest.fixture
def writers(monkeypatch: pytest.MonkeyPatch) -> Writers:
    """Three fake kinds: « essai » (a period, XLSX or CSV), « fiche » (no period, CSV only)
    and « affiche » (a period, PDF), all written by :class:`Writers`."""
    found = Writers()
    module = types.ModuleType(WRITER_MODULE)
    module.write = found.write  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, WRITER_MODULE, module)
    writer = f"{WRITER_MODULE}:write"
    for key in list(export.KINDS):  # only the fakes: what other kinds exist does not matter
        monkeypatch.delitem(export.KINDS, key)
    kinds = {
        "essai": ExportKind("l'export d'essai du financeur", ("xlsx", "csv"), writer),
        "fiche": ExportKind("la fiche du lieu", ("csv",), writer, period=False),
        "affiche": ExportKind("l'affiche de l'opération", ("pdf",), writer),
    }
    for key, kind in kinds.items():
        monkeypatch.setitem(export.KINDS, key, kind)
    return found


@pytest.fixture
def dialog(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[str]:
    """The save dialog answers ``tmp_path/sortie`` (no suffix); records the name it offered."""
    offered: list[str] = []

    def answer(_parent: object, _title: str, suggested: str, *_args: Any) -> tuple[str, str]:
        offered.append(suggested)
        return str(tmp_path / "sortie"), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", answer)
    return offered


def open_tab(qtbot: QtBot, app: Comptoir, site: SiteInfo) -> ExportsTab:
    tab = ExportsTab(app, site)
    qtbot.addWidget(tab)
    tab.resize(1000, 520)
    with qtbot.waitExposed(tab):
        tab.show()
    return tab


def choose(tab: ExportsTab, key: str) -> None:
    for row in range(tab.kind_list.count()):
        if tab.kind_list.item(row).data(Qt.ItemDataRole.UserRole) == key:
            tab.kind_list.setCurrentRow(row)
            return
    raise AssertionError(key)


def choose_format(tab: ExportsTab, fmt: str) -> None:
    index = tab.format_combo.findData(fmt)
    assert index >= 0, fmt
    tab.format_combo.setCurrentIndex(index)
    tab.format_combo.activated.emit(index)  # as a user's choice does


def formats(tab: ExportsTab) -> list[str]:
    return [tab.format_combo.itemText(i) for i in range(tab.format_combo.count())]


def test_every_kind_is_listed_with_its_help_text(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, writers: Writers
) -> None:
    tab = open_tab(qtbot, app, site)
    shown = [tab.kind_list.item(row).text() for row in range(tab.kind_list.count())]
    assert shown == [
        "L'affiche de l'opération",
        "L'export d'essai du financeur",
        "La fiche du lieu",
    ]
    assert tab.site_combo.currentText() == "Le Comptoir de Felletin"
    assert tab.site_combo.itemText(0) == "Tous les lieux"


def test_saving_calls_the_writer_with_what_was_chosen_and_shows_its_line(
    qtbot: QtBot,
    app: Comptoir,
    site: SiteInfo,
    writers: Writers,
    dialog: list[str],
    tmp_path: Path,
    message_boxes: list[tuple[str, str, str]],
) -> None:
    tab = open_tab(qtbot, app, site)
    choose(tab, "essai")
    tab.period_picker.set_custom(START, END)
    choose_format(tab, "csv")

    with qtbot.waitSignal(tab.exported):
        qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)

    written = tmp_path / "sortie.csv"  # the suffix of the format is added
    assert writers.calls == [ExportRequest(start=START, end=END, site=site, fmt="csv", out=written)]
    assert written.read_text(encoding="utf-8") == "colonne\nvaleur\n"
    assert tab.status_label.text() == f"Export d'essai écrit : {written}"
    assert Path(dialog[0]).name == "essai_le-comptoir-de-felletin_2025-01-01_2025-03-31.csv"
    assert message_boxes == []


def test_all_places_sends_no_place(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, writers: Writers, dialog: list[str]
) -> None:
    other = app.sites.init_site(name="La Fabrique d'Aubusson", commune_name="Aubusson")
    tab = open_tab(qtbot, app, site)
    assert [tab.site_combo.itemText(i) for i in range(tab.site_combo.count())] == [
        "Tous les lieux",
        "La Fabrique d'Aubusson",
        "Le Comptoir de Felletin",
    ]
    choose(tab, "essai")
    tab.period_picker.set_custom(START, END)
    tab.site_combo.setCurrentIndex(tab.site_combo.findText("Tous les lieux"))
    with qtbot.waitSignal(tab.exported):
        tab.save_button.click()
    assert writers.calls[-1].site is None
    assert Path(dialog[-1]).name == "essai_tous-les-lieux_2025-01-01_2025-03-31.xlsx"

    tab.site_combo.setCurrentIndex(tab.site_combo.findText("La Fabrique d'Aubusson"))
    with qtbot.waitSignal(tab.exported):
        tab.save_button.click()
    assert writers.calls[-1].site == other


def test_a_refusal_shows_the_french_message_and_writes_nothing(
    qtbot: QtBot,
    app: Comptoir,
    site: SiteInfo,
    writers: Writers,
    dialog: list[str],
    tmp_path: Path,
    message_boxes: list[tuple[str, str, str]],
) -> None:
    writers.refusal = "Lieu : cet export porte sur un seul lieu ; choisissez-le."
    tab = open_tab(qtbot, app, site)
    choose(tab, "essai")
    with qtbot.assertNotEmitted(tab.exported):
        tab.save_button.click()
        qtbot.waitUntil(lambda: bool(message_boxes))

    assert message_boxes == [("warning", "Impossible de continuer", writers.refusal)]
    assert len(writers.calls) == 1
    assert list(tmp_path.glob("sortie*")) == []
    assert tab.status_label.text() == "Rien n'a été enregistré."


def test_a_period_ending_before_it_starts_is_refused_before_asking_where(
    qtbot: QtBot,
    app: Comptoir,
    site: SiteInfo,
    writers: Writers,
    dialog: list[str],
    message_boxes: list[tuple[str, str, str]],
) -> None:
    tab = open_tab(qtbot, app, site)
    choose(tab, "essai")
    tab.period_picker.set_custom(END, START)
    tab.save_button.click()
    assert message_boxes == [
        ("warning", "Impossible de continuer", "Période : la date de fin précède la date de début")
    ]
    assert dialog == [] and writers.calls == []


def test_a_kind_without_a_period_hides_the_period_and_sends_none(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, writers: Writers, dialog: list[str]
) -> None:
    tab = open_tab(qtbot, app, site)
    choose(tab, "essai")
    assert tab.period_picker.isVisible()
    assert not tab.no_period_label.isVisible()

    choose(tab, "fiche")
    assert not tab.period_picker.isVisible()
    assert tab.no_period_label.isVisible()
    with qtbot.waitSignal(tab.exported):
        tab.save_button.click()

    request = writers.calls[-1]
    assert (request.start, request.end, request.fmt) == (None, None, "csv")
    today = place_today(site.zone).isoformat()
    assert Path(dialog[-1]).name == f"fiche_le-comptoir-de-felletin_{today}.csv"


def test_the_formats_follow_the_kind_and_each_kind_remembers_its_own(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, writers: Writers
) -> None:
    tab = open_tab(qtbot, app, site)
    choose(tab, "essai")
    assert formats(tab) == ["XLSX", "CSV"]
    choose_format(tab, "csv")
    choose(tab, "affiche")
    assert formats(tab) == ["PDF"]
    choose(tab, "fiche")
    assert formats(tab) == ["CSV"]
    choose(tab, "essai")
    assert tab.format_combo.currentData() == "csv"

    again = open_tab(qtbot, app, site)  # the next day: the last kind and its format
    assert again.kind_key() == "essai"
    assert again.format_combo.currentData() == "csv"


def test_enter_on_a_kind_starts_the_save(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, writers: Writers, dialog: list[str]
) -> None:
    tab = open_tab(qtbot, app, site)
    tab.activateWindow()
    tab.kind_list.setFocus()
    qtbot.keyClick(tab.kind_list, Qt.Key.Key_Down)  # « L'export d'essai… » (second)
    assert tab.kind_key() == "essai"
    with qtbot.waitSignal(tab.exported):
        qtbot.keyClick(tab.kind_list, Qt.Key.Key_Return)
    assert len(dialog) == 1
    assert writers.calls[-1].fmt == "xlsx"


def test_the_list_is_reached_by_tab_and_its_mnemonic(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, writers: Writers
) -> None:
    tab = open_tab(qtbot, app, site)
    tab.activateWindow()
    tab.save_button.setFocus()
    qtbot.waitUntil(tab.save_button.hasFocus)
    qtbot.keyClick(tab.save_button, Qt.Key.Key_Tab)  # past the end of the tab: first again
    assert tab.kind_list.hasFocus()
    tab.format_combo.setFocus()
    qtbot.keyClick(tab.format_combo, Qt.Key.Key_G, Qt.KeyboardModifier.AltModifier)
    assert tab.kind_list.hasFocus()


def test_an_account_of_one_place_exports_that_place_only(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, writers: Writers
) -> None:
    app.sites.init_site(name="La Fabrique d'Aubusson", commune_name="Aubusson")
    user = app.accounts.create_user(
        username="coord.felletin",
        display_name="Coordination Felletin",
        role=Role.COORDINATOR,
        password="correct horse battery",
        site_id=site.id,
    )
    app.access.sign_in(user)
    tab = open_tab(qtbot, app, site)
    assert [tab.site_combo.itemText(i) for i in range(tab.site_combo.count())] == [
        "Le Comptoir de Felletin"
    ]
    assert tab.save_button.isEnabled()


def test_a_volunteer_cannot_export(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, writers: Writers
) -> None:
    user = app.accounts.create_user(
        username="benevole", display_name="Bénévole", role=Role.VOLUNTEER, pin="482915"
    )
    app.access.sign_in(user)
    tab = open_tab(qtbot, app, site)
    assert not tab.save_button.isEnabled()
    assert tab.status_label.text() == "Les exports sont réservés à la coordination."


def test_without_any_kind_the_tab_says_so(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key in list(export.KINDS):
        monkeypatch.delitem(export.KINDS, key)
    tab = open_tab(qtbot, app, site)
    assert tab.kind_list.count() == 0
    assert not tab.save_button.isEnabled()
    assert tab.status_label.text() == "Aucun export n'est disponible dans cette version."


def test_the_suggested_name_holds_no_character_a_file_system_refuses() -> None:
    name = suggested_name(
        "coop",
        "xlsx",
        place='L\'Atelier : « 3/4 » *Tiers-lieu?* <Creuse> | "Nord"\\ .',
        period=Period(START, END),
        today=END,
    )
    assert name == "coop_l-atelier-3-4-tiers-lieu-creuse-nord_2025-01-01_2025-03-31.xlsx"
