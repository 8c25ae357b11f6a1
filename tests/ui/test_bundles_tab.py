"""« Réseau de lieux » as a coordinator uses it: the key is created once and copied to the
other site, a site's bundle written through the tab is taken in by a second database (its
visits appear, the bundle is listed), importing it twice says nothing new, a tampered file is
refused with a clear message, indicators travel alone as a CSV, and a host may do none of it."""

from __future__ import annotations

import gzip
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from tiers_lieu.app import Comptoir, build
from tiers_lieu.models import BundleImport, Visit
from tiers_lieu.models.enums import Role
from tiers_lieu.services.access import AccessDeniedError
from tiers_lieu.services.bundles import BundleService
from tiers_lieu.services.readmodels import SiteInfo, UserInfo
from tiers_lieu.ui.reports.bundle_jobs import default_bundle_name
from tiers_lieu.ui.reports.bundle_models import BundleImportsModel
from tiers_lieu.ui.reports.bundles_tab import BundlesTab

VISITS = 5


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every question is answered « Oui »; the texts asked are kept."""
    asked: list[str] = []

    def question(_parent: object, _title: str, text: str, *_args: object) -> object:
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", question)
    return asked


@pytest.fixture
def files(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """What the file dialogs answer, and the file names they suggested."""
    state: dict[str, Any] = {"save": "", "open": [], "suggested": []}

    def save(_parent: object, _title: str, suggested: str, *_args: object) -> tuple[str, str]:
        state["suggested"].append(suggested)
        return str(state["save"]), ""

    def open_many(*_args: object) -> tuple[list[str], str]:
        return [str(p) for p in state["open"]], ""

    def open_one(*_args: object) -> tuple[str, str]:
        return str(state["open"][0]) if state["open"] else "", ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save)
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", open_many)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", open_one)
    return state


@pytest.fixture
def coordination(template_db: Path, tmp_path: Path) -> Iterator[Comptoir]:
    target = tmp_path / "coordination.sqlite"
    shutil.copyfile(template_db, target)
    app = build(str(target))
    yield app
    app.close()


def make_tab(qtbot: QtBot, app: Comptoir, site: SiteInfo, key: Path) -> BundlesTab:
    tab = BundlesTab(app, site, None, key_path=key)
    qtbot.addWidget(tab)
    tab.resize(1180, 760)
    tab.show()
    qtbot.waitExposed(tab)
    return tab


def click(qtbot: QtBot, button: object) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    QApplication.processEvents()


def visits_of(app: Comptoir, site_id: uuid.UUID) -> int:
    with app.uow() as uow:
        return int(
            uow.session.execute(
                select(func.coalesce(func.sum(Visit.count), 0)).where(Visit.site_id == site_id)
            ).scalar_one()
        )


@pytest.fixture
def site_tab(qtbot: QtBot, app: Comptoir, site: SiteInfo, tmp_path: Path) -> BundlesTab:
    service = app.config.list_services(site.id)[0]
    for _n in range(VISITS):
        app.visits.count(site_id=site.id, service_id=service.id)
    return make_tab(qtbot, app, site, tmp_path / "site" / "cle-reseau.key")


def create_key(qtbot: QtBot, tab: BundlesTab, answers: list[str]) -> None:
    assert not tab.key_box.has_key()
    assert tab.key_box.create_button.isEnabled()
    click(qtbot, tab.key_box.create_button)
    assert "un seul lieu" in answers[-1]
    assert tab.key_box.has_key()
    assert not tab.key_box.create_button.isEnabled()


def export_bundle(qtbot: QtBot, tab: BundlesTab, files: dict[str, Any], target: Path) -> Path:
    files["save"] = target
    click(qtbot, tab.export_button)
    assert target.exists()
    return target


def test_export_then_import_into_a_second_database(
    qtbot: QtBot,
    site_tab: BundlesTab,
    site: SiteInfo,
    coordination: Comptoir,
    tmp_path: Path,
    answers: list[str],
    files: dict[str, Any],
    message_boxes: list[tuple[str, str, str]],
    qtmodeltester: ModelTester,
) -> None:
    create_key(qtbot, site_tab, answers)
    # The key goes to the coordination on a USB key.
    files["save"] = tmp_path / "usb" / "cle-reseau.key"
    click(qtbot, site_tab.key_box.export_button)
    assert (tmp_path / "usb" / "cle-reseau.key").exists()

    files["save"] = tmp_path / "felletin"
    click(qtbot, site_tab.export_button)
    bundle = tmp_path / "felletin.paquet"  # the suffix is added when the name has none
    assert bundle.exists()
    assert files["suggested"][-1].endswith(default_bundle_name(site.name, "full", _today()))
    assert "paquet_le-comptoir-de-felletin_" in files["suggested"][-1]
    assert "lignes" in site_tab.export_status.text()
    assert "felletin.paquet" in site_tab.export_status.text()

    coordination_site = coordination.sites.init_site(
        name="Coordination du réseau", commune_name="Aubusson", insee_code="23008"
    )
    tab = make_tab(qtbot, coordination, coordination_site, tmp_path / "coord" / "cle.key")
    files["open"] = [tmp_path / "usb" / "cle-reseau.key"]
    click(qtbot, tab.key_box.import_button)
    assert tab.key_box.has_key()
    assert "installée" in message_boxes[-1][2]

    files["open"] = [bundle]
    click(qtbot, tab.import_button)
    assert visits_of(coordination, site.id) == VISITS
    assert "importé" in tab.import_status.text()
    assert "ajouts" in tab.import_status.text()
    assert tab.imports_model.rowCount() == 1
    shown = tab.imports_model.index(0, BundleImportsModel.Columns.SITE).data()
    assert shown == "Le Comptoir de Felletin"
    assert tab.imports_model.index(0, BundleImportsModel.Columns.MODE).data() == (
        "Toutes les données"
    )
    assert " à " in tab.imports_model.index(0, BundleImportsModel.Columns.IMPORTED).data()
    assert tab.history_tabs.tabText(0) == "Paquets déjà importés (1)"
    qtmodeltester.check(tab.imports_model)
    qtmodeltester.check(tab.conflicts_model)

    # Twice is once: the tab says nothing new came, and nothing did (Ctrl+O this time).
    tab.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is tab)
    qtbot.keyClick(tab, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    QApplication.processEvents()
    assert "déjà importé, rien n'a changé" in tab.import_status.text()
    assert visits_of(coordination, site.id) == VISITS
    assert tab.imports_model.rowCount() == 1
    assert not [box for box in message_boxes if box[0] in ("warning", "critical")]


def test_a_tampered_bundle_is_refused_with_a_message(
    qtbot: QtBot,
    site_tab: BundlesTab,
    site: SiteInfo,
    coordination: Comptoir,
    tmp_path: Path,
    answers: list[str],
    files: dict[str, Any],
    message_boxes: list[tuple[str, str, str]],
) -> None:
    create_key(qtbot, site_tab, answers)
    bundle = export_bundle(qtbot, site_tab, files, tmp_path / "a.paquet")
    raw = bytearray(gzip.decompress(bundle.read_bytes()))
    raw[-5] ^= 0x01  # one bit changed in the last row
    tampered = tmp_path / "abime.paquet"
    tampered.write_bytes(gzip.compress(bytes(raw)))

    coordination_site = coordination.sites.init_site(
        name="Coordination", commune_name="Aubusson", insee_code="23008"
    )
    key = site_tab.key_box.key_path
    tab = make_tab(qtbot, coordination, coordination_site, key)
    files["open"] = [tampered, bundle]
    click(qtbot, tab.import_button)

    kind, title, text = message_boxes[-1]
    assert (kind, title) == ("warning", "Paquets refusés")
    assert "abime.paquet" in text and "signature" in text and "Rien n'a été importé" in text
    # The good file of the same batch is merged all the same.
    assert "a.paquet" not in text
    assert visits_of(coordination, site.id) == VISITS
    assert tab.imports_model.rowCount() == 1


def test_indicators_only_travel_as_a_csv_beside_the_bundle(
    qtbot: QtBot,
    site_tab: BundlesTab,
    site: SiteInfo,
    coordination: Comptoir,
    tmp_path: Path,
    answers: list[str],
    files: dict[str, Any],
) -> None:
    create_key(qtbot, site_tab, answers)
    radio = site_tab.mode_radios["aggregates"]
    qtbot.mouseClick(radio, Qt.MouseButton.LeftButton, pos=QPoint(6, radio.height() // 2))
    assert site_tab.mode() == "aggregates"
    bundle = export_bundle(qtbot, site_tab, files, tmp_path / "indic.paquet")
    assert "Indicateurs seuls" in site_tab.export_status.text()

    coordination_site = coordination.sites.init_site(
        name="Coordination", commune_name="Aubusson", insee_code="23008"
    )
    tab = make_tab(qtbot, coordination, coordination_site, site_tab.key_box.key_path)
    files["open"] = [bundle]
    click(qtbot, tab.import_button)
    csv_file = tmp_path / "indic.indicateurs.csv"
    assert str(csv_file) in tab.import_status.text()
    lines = csv_file.read_text(encoding="utf-8-sig").splitlines()
    assert any(line.startswith("visits.total;") and line.endswith(f";{VISITS}") for line in lines)
    assert visits_of(coordination, site.id) == 0
    assert tab.imports_model.index(0, BundleImportsModel.Columns.SITE).data().startswith("Lieu ")


def test_taking_a_different_key_asks_first(
    qtbot: QtBot,
    site_tab: BundlesTab,
    tmp_path: Path,
    answers: list[str],
    files: dict[str, Any],
    message_boxes: list[tuple[str, str, str]],
) -> None:
    create_key(qtbot, site_tab, answers)
    other = tmp_path / "autre.key"
    other.write_text("ab" * 32 + "\n", encoding="ascii")
    files["open"] = [other]
    click(qtbot, site_tab.key_box.import_button)
    assert "Les paquets signés avec l'ancienne clé seront refusés" in answers[-1]
    assert site_tab.key_box.key_path.read_text(encoding="ascii").strip() == "ab" * 32
    asked = len(answers)
    click(qtbot, site_tab.key_box.import_button)
    assert len(answers) == asked  # the same key again: nothing to ask
    assert "rien n'a changé" in message_boxes[-1][2]


def test_without_a_key_nothing_is_exported(
    qtbot: QtBot,
    site_tab: BundlesTab,
    tmp_path: Path,
    files: dict[str, Any],
    message_boxes: list[tuple[str, str, str]],
) -> None:
    files["save"] = tmp_path / "x.paquet"
    site_tab.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is site_tab)
    qtbot.keyClick(site_tab, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    QApplication.processEvents()
    assert not (tmp_path / "x.paquet").exists()
    assert "Clé du réseau introuvable" in message_boxes[-1][2]


def test_a_host_may_neither_list_nor_export_bundles(
    app: Comptoir, site: SiteInfo, tmp_path: Path
) -> None:
    host = UserInfo(uuid.uuid4(), "accueil", "Accueil", Role.HOST.value, site.id)
    app.access.sign_in(host)
    service = BundleService(app.uow)
    with pytest.raises(AccessDeniedError):
        service.list_imports()
    with pytest.raises(AccessDeniedError):
        service.export_bundle(site.id, tmp_path / "x", since=None, mode="full", key=b"k" * 32)
    with pytest.raises(AccessDeniedError):
        service.import_bundle(tmp_path / "x", key=b"k" * 32)
    with app.uow() as uow:
        assert uow.session.execute(select(func.count()).select_from(BundleImport)).scalar() == 0
    assert not (tmp_path / "x").exists()


def _today() -> Any:
    from datetime import date

    return date.today()
