"""« Exporter le dossier de demande de paiement… » in Rapports › « Opération LEADER »: the pack
of the claim chosen in the list (the most recent one when none is), written off the GUI
thread into the folder picked, then the offer to open it; a refusal writes nothing."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from mnemonics import clashes
from pdftext import pdf_text
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot
from rolesdemo import make_demo

from tiers_lieu.app import Comptoir
from tiers_lieu.ui.reports import ReportsSection
from tiers_lieu.ui.reports.exports_tab import ExportsTab
from tiers_lieu.ui.reports.operation_tab import OperationTab
from tiers_lieu.ui.reports.period import PeriodKind

TODAY = date(2026, 6, 15)
FILES = [
    "00-sommaire.pdf",
    "01-rapport-activite.pdf",
    "02-rapport-activite.xlsx",
    "03-feuilles-de-temps.pdf",
    "04-feuilles-emargement.pdf",
    "05-affiche-A3.pdf",
    "06-notice-A4.pdf",
]


@pytest.fixture(scope="module")
def demo_db(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("claim-pack-button") / "demo.sqlite"
    return make_demo(template_db, path, seed=2, today=TODAY)


@pytest.fixture
def tab(qtbot: QtBot, demo_app: Comptoir) -> Iterator[OperationTab]:
    """The LEADER tab of the demo place, with a second claim after the demo's."""
    [site] = demo_app.sites.list_sites()
    demo_app.organisation.add_claim(
        site.id, number="DP2 avance", period_start=date(2026, 4, 1), period_end=date(2026, 5, 31)
    )
    section = ReportsSection(demo_app, site)
    qtbot.addWidget(section)
    section.resize(1024, 600)
    with qtbot.waitExposed(section):
        section.show()
    section.tabs.setCurrentWidget(section.operation_tab)
    yield section.operation_tab  # the section kept alive meanwhile


@pytest.fixture
def dialogs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, Any]:
    """The folder dialog answers ``tmp_path/dossiers`` (or nothing), « Ouvrir le dossier ? »
    answers Yes, and the URLs the computer would open are recorded."""
    seen: dict[str, Any] = {"folder": tmp_path / "dossiers", "asked": [], "opened": []}
    seen["folder"].mkdir()

    def pick(_parent: object, title: str, start: str) -> str:
        seen["asked"].append(title)
        return str(seen["folder"]) if seen["folder"] else ""

    def question(_parent: object, title: str, text: str, *_args: object) -> object:
        seen["asked"].append(text)
        return QMessageBox.StandardButton.Yes

    def open_url(url: QUrl) -> bool:
        seen["opened"].append(url)
        return True

    monkeypatch.setattr(QFileDialog, "getExistingDirectory", pick)
    monkeypatch.setattr(QMessageBox, "question", question)
    monkeypatch.setattr(QDesktopServices, "openUrl", open_url)
    return seen


def test_the_button_is_in_the_claims_box_with_a_letter_of_its_own(tab: OperationTab) -> None:
    button = tab.pack_button
    assert button.text() == "E&xporter le dossier de demande de paiement…"
    assert button.isVisible() and button.isEnabled()
    assert clashes(tab.window()) == {}
    assert tab.claims_model.rowCount() == 2


def test_the_chosen_claims_pack_is_written_and_its_folder_offered(
    qtbot: QtBot, tab: OperationTab, dialogs: dict[str, Any], message_boxes: list[Any]
) -> None:
    numbers = [tab.claims_model.row_at(n).number for n in range(2)]
    assert numbers == ["DP1", "DP2 avance"]
    tab.claims_view.selectRow(0)
    qtbot.mouseClick(tab.pack_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(dialogs["opened"]), timeout=30_000)

    folder = dialogs["folder"] / "Dossier-demande-paiement-DP1"
    assert dialogs["asked"][0] == "Où écrire le dossier de la demande n° DP1 ?"
    assert dialogs["opened"] == [QUrl.fromLocalFile(str(folder))]
    assert sorted(p.name for p in folder.iterdir()) == FILES
    with zipfile.ZipFile(folder.with_name(folder.name + ".zip")) as archive:
        assert archive.namelist() == [f"{folder.name}/{name}" for name in FILES]
    assert dialogs["asked"][1].startswith(
        f"Dossier de demande de paiement écrit dans {folder} (6 pièces et le sommaire)"
    )
    assert dialogs["asked"][1].endswith("Ouvrir le dossier ?")
    assert "Dossier de demande de paiement écrit" in tab.claims_status.text()
    assert message_boxes == []


def test_without_a_choice_the_latest_claim_is_packed_and_a_refusal_writes_nothing(
    qtbot: QtBot, tab: OperationTab, dialogs: dict[str, Any], message_boxes: list[Any]
) -> None:
    tab.claims_view.clearSelection()
    (dialogs["folder"] / "Dossier-demande-paiement-DP2-avance").mkdir()  # already there
    tab.pack_button.click()
    qtbot.waitUntil(lambda: bool(message_boxes), timeout=30_000)
    [(kind, _title, text)] = message_boxes
    assert kind == "warning" and "Dossier-demande-paiement-DP2-avance" in text
    assert "existe déjà" in text
    assert tab.claims_status.text() == "Rien n'a été écrit."
    assert [p.name for p in dialogs["folder"].iterdir()] == ["Dossier-demande-paiement-DP2-avance"]
    assert dialogs["opened"] == []

    # A folder dialog closed without a choice does nothing at all.
    message_boxes.clear()
    dialogs["folder"] = None
    tab.pack_button.click()
    assert message_boxes == [] and tab.claims_status.text() == "Rien n'a été écrit."


def test_the_exports_tab_writes_the_pack_of_the_claim_picked_as_its_period(
    qtbot: QtBot,
    demo_app: Comptoir,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    message_boxes: list[Any],
) -> None:
    """The same pack through Rapports › Exports: the kind is listed by itself, the claim
    chosen as the period gives its number to the contents page."""
    [site] = demo_app.sites.list_sites()
    monkeypatch.setattr(
        QFileDialog,
        "getSaveFileName",
        lambda *_args: (str(tmp_path / "pour-le-GAL"), "Archive ZIP (*.zip)"),
    )
    tab = ExportsTab(demo_app, site)
    qtbot.addWidget(tab)
    tab.resize(1000, 520)
    with qtbot.waitExposed(tab):
        tab.show()
    keys = [
        tab.kind_list.item(r).data(Qt.ItemDataRole.UserRole) for r in range(tab.kind_list.count())
    ]
    tab.kind_list.setCurrentRow(keys.index("dossier-paiement"))
    assert [tab.format_combo.itemText(i) for i in range(tab.format_combo.count())] == ["ZIP"]
    tab.period_picker.set_kind(PeriodKind.CLAIM)
    with qtbot.waitSignal(tab.exported, timeout=30_000):
        tab.save_button.click()

    folder = tmp_path / "pour-le-GAL"
    assert sorted(p.name for p in folder.iterdir()) == FILES
    assert (tmp_path / "pour-le-GAL.zip").is_file()
    assert tab.status_label.text().startswith(f"Dossier de demande de paiement écrit dans {folder}")
    assert "Dossier de demande de paiement n° DP1" in pdf_text(folder / "00-sommaire.pdf")
    assert message_boxes == []
