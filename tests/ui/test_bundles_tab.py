"""« Réseau de lieux » as a network uses it: the place makes its key and saves its public half,
the coordination adds it after confirming the fingerprint (a different key for the same place
is asked about again), a site's bundle written through the tab is taken in by a second
database (its visits appear, the bundle is listed), importing it twice says nothing new, a
tampered file is refused with a clear message, indicators travel alone as a CSV, the old
network key is said to be useless, and a host may do none of it."""

from __future__ import annotations

import re
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from otherkeys import other_place, write_new_key
from placetime import place_today
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select
from sqlmodel import col

from tiers_lieu.app import Comptoir, build
from tiers_lieu.models import BundleImport, PlaceKey, Visit
from tiers_lieu.models.enums import Role
from tiers_lieu.services.access import AccessDeniedError
from tiers_lieu.services.bundles.placekeys import PlaceKeyService
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


def make_tab(qtbot: QtBot, app: Comptoir, site: SiteInfo, legacy: Path) -> BundlesTab:
    tab = BundlesTab(app, site, None, legacy_key_path=legacy)
    qtbot.addWidget(tab)
    tab.resize(1180, 860)
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
                select(func.coalesce(func.sum(Visit.count), 0)).where(col(Visit.site_id) == site_id)
            ).scalar_one()
        )


@pytest.fixture
def site_tab(qtbot: QtBot, app: Comptoir, site: SiteInfo, tmp_path: Path) -> BundlesTab:
    service = app.config.list_services(site.id)[0]
    for _n in range(VISITS):
        app.visits.count(site_id=site.id, service_id=service.id)
    return make_tab(qtbot, app, site, tmp_path / "absent" / "cle-reseau.key")


def coordination_tab(qtbot: QtBot, coordination: Comptoir, tmp_path: Path) -> BundlesTab:
    site = coordination.sites.init_site(
        name="Coordination du réseau", commune_name="Aubusson", insee_code="23008"
    )
    return make_tab(qtbot, coordination, site, tmp_path / "absent" / "cle-reseau.key")


def create_key(qtbot: QtBot, tab: BundlesTab, message_boxes: list[Any]) -> str:
    """Make the place's key with the button; returns its fingerprint."""
    box = tab.key_box
    assert box.own_key() is None and box.create_button.isEnabled()
    assert "n'a pas encore de clé" in box.own_label.text()
    click(qtbot, box.create_button)
    own = box.own_key()
    assert own is not None and own.own
    assert own.fingerprint in box.own_label.text()
    assert own.fingerprint in message_boxes[-1][2]
    assert not box.create_button.isEnabled()
    return own.fingerprint


def save_public_key(qtbot: QtBot, tab: BundlesTab, files: dict[str, Any], target: Path) -> Path:
    files["save"] = target
    click(qtbot, tab.key_box.export_button)
    saved = target.with_name(target.name + ".cle-publique.txt")
    assert saved.exists()
    return saved


def export_bundle(qtbot: QtBot, tab: BundlesTab, files: dict[str, Any], target: Path) -> Path:
    files["save"] = target
    click(qtbot, tab.export_button)
    assert target.exists()
    return target


def add_key(qtbot: QtBot, tab: BundlesTab, files: dict[str, Any], public: Path) -> None:
    files["open"] = [public]
    click(qtbot, tab.key_box.add_button)


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
    spoken = create_key(qtbot, site_tab, message_boxes)
    (tmp_path / "usb").mkdir()  # the place's key goes to the coordination on a USB key
    public = save_public_key(qtbot, site_tab, files, tmp_path / "usb" / "felletin")
    assert spoken in public.read_text(encoding="utf-8")
    assert spoken in message_boxes[-1][2]

    files["save"] = tmp_path / "felletin"
    click(qtbot, site_tab.export_button)
    bundle = tmp_path / "felletin.paquet"  # the suffix is added when the name has none
    assert bundle.exists()
    assert files["suggested"][-1].endswith(default_bundle_name(site.name, "full", _today()))
    assert "paquet_le-comptoir-de-felletin_" in files["suggested"][-1]
    assert "lignes" in site_tab.export_status.text()
    assert "felletin.paquet" in site_tab.export_status.text()

    tab = coordination_tab(qtbot, coordination, tmp_path)
    add_key(qtbot, tab, files, public)
    # The question shows the fingerprint to compare with the one read out by the place.
    assert spoken in answers[-1] and "Le Comptoir de Felletin" in answers[-1]
    assert "par téléphone" in answers[-1]
    assert "seront acceptés" in message_boxes[-1][2]
    trusted = tab.key_box.model
    assert [(k.label, k.fingerprint, k.own) for k in trusted.rows()] == [
        ("Le Comptoir de Felletin", spoken, False)
    ]
    assert trusted.index(0, 2).data() == "paquets acceptés"
    qtmodeltester.check(trusted)

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


@pytest.mark.usefixtures("answers")
def test_rows_deleted_here_are_counted_and_not_brought_back(
    qtbot: QtBot,
    app: Comptoir,
    site_tab: BundlesTab,
    site: SiteInfo,
    coordination: Comptoir,
    tmp_path: Path,
    files: dict[str, Any],
) -> None:
    """An older bundle taken in after a newer one that deleted a visit: the visit stays away,
    and the summary says how many rows were not brought back."""
    public = save_public_key(qtbot, site_tab, files, tmp_path / "felletin")
    older = export_bundle(qtbot, site_tab, files, tmp_path / "ancien.paquet")
    with app.uow() as uow:
        visit = uow.session.execute(select(Visit).where(col(Visit.site_id) == site.id)).scalars()
        uow.session.delete(next(iter(visit)))  # leaves a tombstone
        uow.commit()
    newer = export_bundle(qtbot, site_tab, files, tmp_path / "nouveau.paquet")
    tab = coordination_tab(qtbot, coordination, tmp_path)
    add_key(qtbot, tab, files, public)
    files["open"] = [newer]
    click(qtbot, tab.import_button)
    assert visits_of(coordination, site.id) == VISITS - 1
    files["open"] = [older]
    click(qtbot, tab.import_button)
    said = (
        "ancien.paquet : paquet de « Le Comptoir de Felletin » importé — ajouts : 0, mises à "
        "jour : 0, suppressions : 0, conflits : 0, déjà supprimées ici (non réimportées) : 1."
    )
    assert re.fullmatch(re.escape(said) + r" \(\d\d:\d\d\)", tab.import_status.text())
    assert visits_of(coordination, site.id) == VISITS - 1


def test_a_key_not_confirmed_is_not_added_and_a_bundle_of_that_place_is_refused(
    qtbot: QtBot,
    site_tab: BundlesTab,
    coordination: Comptoir,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    files: dict[str, Any],
    message_boxes: list[tuple[str, str, str]],
) -> None:
    public = save_public_key(qtbot, site_tab, files, tmp_path / "felletin")
    bundle = export_bundle(qtbot, site_tab, files, tmp_path / "a.paquet")
    tab = coordination_tab(qtbot, coordination, tmp_path)
    monkeypatch.setattr(
        QMessageBox, "question", lambda *_a: QMessageBox.StandardButton.No
    )  # the fingerprints differ: « Non »
    add_key(qtbot, tab, files, public)
    assert tab.key_box.model.rowCount() == 0
    files["open"] = [bundle]
    click(qtbot, tab.import_button)
    kind, title, text = message_boxes[-1]
    assert (kind, title) == ("warning", "Paquets refusés")
    assert "dont la clé n'est pas enregistrée dans cette base" in text
    with coordination.uow() as uow:
        assert uow.session.execute(select(func.count()).select_from(BundleImport)).scalar() == 0


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
    public = save_public_key(qtbot, site_tab, files, tmp_path / "felletin")
    bundle = export_bundle(qtbot, site_tab, files, tmp_path / "a.paquet")
    raw = bytearray(bundle.read_bytes())
    raw[-40] ^= 0x01  # one bit changed in the payload
    tampered = tmp_path / "abime.paquet"
    tampered.write_bytes(bytes(raw))

    tab = coordination_tab(qtbot, coordination, tmp_path)
    add_key(qtbot, tab, files, public)
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
    radio = site_tab.mode_radios["aggregates"]
    qtbot.mouseClick(radio, Qt.MouseButton.LeftButton, pos=QPoint(6, radio.height() // 2))
    assert site_tab.mode() == "aggregates"
    bundle = export_bundle(qtbot, site_tab, files, tmp_path / "indic.paquet")
    assert "Indicateurs seuls" in site_tab.export_status.text()
    # The export made the place's key: the tab shows it now.
    assert site_tab.key_box.own_key() is not None
    public = save_public_key(qtbot, site_tab, files, tmp_path / "felletin")

    tab = coordination_tab(qtbot, coordination, tmp_path)
    add_key(qtbot, tab, files, public)
    files["open"] = [bundle]
    click(qtbot, tab.import_button)
    csv_file = tmp_path / "indic.indicateurs.csv"
    assert str(csv_file) in tab.import_status.text()
    lines = csv_file.read_text(encoding="utf-8-sig").splitlines()
    assert any(line.startswith("visits.total;") and line.endswith(f";{VISITS}") for line in lines)
    assert visits_of(coordination, site.id) == 0
    assert tab.imports_model.index(0, BundleImportsModel.Columns.SITE).data().startswith("Lieu ")


def test_another_key_for_a_known_place_is_asked_about_again_and_can_be_removed(
    qtbot: QtBot,
    site_tab: BundlesTab,
    coordination: Comptoir,
    tmp_path: Path,
    answers: list[str],
    files: dict[str, Any],
    message_boxes: list[tuple[str, str, str]],
) -> None:
    public = save_public_key(qtbot, site_tab, files, tmp_path / "felletin")
    tab = coordination_tab(qtbot, coordination, tmp_path)
    add_key(qtbot, tab, files, public)
    asked = len(answers)
    add_key(qtbot, tab, files, public)  # the same key again: asked once, nothing changes
    assert len(answers) == asked + 1
    assert "rien n'a changé" in message_boxes[-1][2]

    first = site_tab.key_box.own_key()
    assert first is not None
    other = tmp_path / "nouvelle.cle-publique.txt"
    new_print = write_new_key(first, other)
    add_key(qtbot, tab, files, other)
    assert new_print in answers[-2]  # the fingerprint question, then the replacement one
    assert first.fingerprint in answers[-1] and "Remplacer la clé ?" in answers[-1]
    trusted = {k.site_id: k.fingerprint for k in tab.key_box.model.rows()}
    assert trusted[first.site_id] == new_print

    row = tab.key_box.model.find_row(first.site_id)
    tab.key_box.view.selectRow(row)
    assert tab.key_box.remove_button.isEnabled()
    click(qtbot, tab.key_box.remove_button)
    assert "Ne plus accepter les paquets de « Le Comptoir de Felletin »" in answers[-1]
    assert first.site_id not in {k.site_id for k in tab.key_box.model.rows()}
    with coordination.uow() as uow:
        assert uow.session.execute(select(func.count()).select_from(PlaceKey)).scalar() == 0


def test_the_old_network_key_is_said_to_be_useless(
    qtbot: QtBot, app: Comptoir, site: SiteInfo, tmp_path: Path
) -> None:
    old = tmp_path / "cle-reseau.key"
    old.write_text("ab" * 32 + "\n", encoding="ascii")
    tab = make_tab(qtbot, app, site, old)
    assert tab.key_box.legacy_label.isVisible()
    assert "ne sert plus" in tab.key_box.legacy_label.text()
    assert str(old) in tab.key_box.legacy_label.text()


def test_a_host_may_neither_list_nor_export_bundles_nor_trust_keys(
    app: Comptoir, site: SiteInfo, tmp_path: Path
) -> None:
    host = UserInfo(uuid.uuid4(), "accueil", "Accueil", Role.HOST.value, site.id)
    app.access.sign_in(host)
    service = app.bundles
    with pytest.raises(AccessDeniedError):
        service.list_imports()
    with pytest.raises(AccessDeniedError):
        service.export_bundle(site.id, tmp_path / "x", since=None, mode="full")
    with pytest.raises(AccessDeniedError):
        service.import_bundle(tmp_path / "x")
    keys = PlaceKeyService(app.uow)
    _signer, key = other_place("Ailleurs")
    with pytest.raises(AccessDeniedError):
        keys.trust(key)
    with pytest.raises(AccessDeniedError):
        keys.own_key(site.id)
    app.access.act_as_system()
    with app.uow() as uow:
        assert uow.session.execute(select(func.count()).select_from(BundleImport)).scalar() == 0
        assert uow.session.execute(select(func.count()).select_from(PlaceKey)).scalar() == 0
    assert not (tmp_path / "x").exists()


def _today() -> Any:

    return place_today()
