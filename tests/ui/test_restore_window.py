"""Restoring from the window (Paramètres › Sauvegardes) while the desk is open: the desk's
own connections are closed, the backup is restored, a new engine opens the restored base,
every section is rebuilt and the desk locks (the restored base has its own accounts). A
visit counted afterwards lands in the restored base, never in the file replaced."""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
from desk_window import open_window
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot
from sqlmodel import select

from tiers_lieu import encryption
from tiers_lieu.app import Comptoir, build
from tiers_lieu.errors import ComptoirError
from tiers_lieu.models import Visit
from tiers_lieu.models.enums import Role
from tiers_lieu.services.backups import BackupService, backups_for
from tiers_lieu.services.readmodels import SiteInfo, UserInfo
from tiers_lieu.ui.accueil import AccueilSection
from tiers_lieu.ui.main_window import MainWindow
from tiers_lieu.ui.settings import SettingsSection

PASSWORD = "tilleul-2026"


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> None:
    def question(*_args: object) -> object:
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", question)


@pytest.fixture
def coordinator(app: Comptoir) -> UserInfo:
    return app.accounts.create_user(
        username="lea", display_name="Léa Dupont", password=PASSWORD, role=Role.COORDINATOR
    )


def count(window: MainWindow, service_id: uuid.UUID) -> uuid.UUID:
    section = window.show_section("accueil")
    assert isinstance(section, AccueilSection)
    visit = section.count_visit(service_id)
    assert visit is not None
    return visit.id


def visit_ids(db: Path) -> set[uuid.UUID]:
    other = build(str(db))
    try:
        with other.uow() as uow:
            return set(uow.session.exec(select(Visit.id)).all())
    finally:
        other.close()


def test_a_visit_counted_after_a_restore_lands_in_the_restored_base(
    qtbot: QtBot,
    app: Comptoir,
    site: SiteInfo,
    coordinator: UserInfo,
    db_path: Path,
    answers: None,
    message_boxes: list[tuple[str, str, str]],
) -> None:
    service = app.config.list_services(site.id)[0]
    window = open_window(qtbot, app, site, coordinator)
    before = count(window, service.id)
    settings = window.show_section("parametres")
    assert isinstance(settings, SettingsSection)
    tab = settings.backups_tab
    qtbot.mouseClick(tab.backup_button, Qt.MouseButton.LeftButton)
    QApplication.processEvents()
    typed_since = count(window, service.id)

    settings = window.show_section("parametres")
    assert isinstance(settings, SettingsSection)
    tab = settings.backups_tab
    tab.view.selectRow(0)
    with qtbot.waitSignal(tab.database_restored, timeout=10000):  # off the GUI thread
        qtbot.mouseClick(tab.restore_button, Qt.MouseButton.LeftButton)

    assert message_boxes[-1][1] == "Base restaurée", message_boxes[-1]
    assert window.desk_lock.is_locked  # the restored base's accounts sign in again
    screen = window.desk_lock.screen
    assert screen is not None
    window.desk_lock.on_screen_unlock_requested(coordinator.id, PASSWORD)
    assert not window.desk_lock.is_locked
    after = count(window, service.id)

    with app.uow() as uow:
        assert set(uow.session.exec(select(Visit.id)).all()) == {before, after}
    app.close()  # the file read as another program would
    assert visit_ids(db_path) == {before, after}
    [kept] = (db_path.parent / "sauvegardes" / "comptoir").glob("avant-restauration-*.sqlite")
    assert visit_ids(kept) == {before, typed_since}


def test_the_window_rebuilds_its_sections_on_the_restored_base(
    qtbot: QtBot,
    app: Comptoir,
    site: SiteInfo,
    coordinator: UserInfo,
    answers: None,
) -> None:
    window = open_window(qtbot, app, site, coordinator)
    settings = window.show_section("parametres")
    assert isinstance(settings, SettingsSection)
    qtbot.mouseClick(settings.backups_tab.backup_button, Qt.MouseButton.LeftButton)
    QApplication.processEvents()
    app.sites.update_site(site.id, name="Nouveau nom", commune_name="Felletin", insee_code=None)
    settings.backups_tab.view.selectRow(0)
    with qtbot.waitSignal(settings.backups_tab.database_restored, timeout=10000):
        qtbot.mouseClick(settings.backups_tab.restore_button, Qt.MouseButton.LeftButton)
    assert window.section_widget("parametres") is not settings  # rebuilt
    assert window.site is not None and window.site.name == "Le Comptoir de Felletin"


def test_a_restore_is_refused_while_this_desk_still_holds_the_base(
    app: Comptoir, site: SiteInfo, db_path: Path, tmp_path: Path
) -> None:
    service = BackupService(app.url)
    copy = service.backup().path
    app.close()
    held: Any = encryption.connect(db_path)  # an operation of this desk, still running
    try:
        with pytest.raises(ComptoirError, match="utilise encore la base"):
            service.restore(copy)
    finally:
        held.close()
    assert list(service.folder.glob("avant-restauration-*")) == []
    service.restore(copy)


def test_the_window_refuses_while_another_desk_has_the_base_open(
    qtbot: QtBot,
    app: Comptoir,
    site: SiteInfo,
    coordinator: UserInfo,
    db_path: Path,
    answers: None,
    message_boxes: list[tuple[str, str, str]],
) -> None:
    service = app.config.list_services(site.id)[0]
    window = open_window(qtbot, app, site, coordinator)
    settings = window.show_section("parametres")
    assert isinstance(settings, SettingsSection)
    qtbot.mouseClick(settings.backups_tab.backup_button, Qt.MouseButton.LeftButton)
    QApplication.processEvents()
    typed_since = count(window, service.id)
    other_desk = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db_path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert other_desk.stdout is not None
        assert other_desk.stdout.readline().strip() == "ready"
        settings = window.show_section("parametres")
        assert isinstance(settings, SettingsSection)
        settings.backups_tab.view.selectRow(0)
        boxes = len(message_boxes)
        qtbot.mouseClick(settings.backups_tab.restore_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: len(message_boxes) > boxes, timeout=10000)  # the refusal
    finally:
        other_desk.kill()
        other_desk.wait()
    kind, title, text = message_boxes[-1]
    assert (kind, title) == ("warning", "Restauration impossible")
    assert "ouverte par un autre programme" in text
    assert not window.desk_lock.is_locked
    later = count(window, service.id)  # the desk goes on, on its own base
    with app.uow() as uow:
        assert set(uow.session.exec(select(Visit.id)).all()) == {typed_since, later}
    assert list((db_path.parent / "sauvegardes" / "comptoir").glob("avant-restauration-*")) == []


HOLDER = """
import sys, time
from tiers_lieu.app import build
app = build(sys.argv[1])
app.sites.list_sites()
print("ready", flush=True)
time.sleep(60)
"""


@pytest.mark.skipif(not encryption.available(), reason="sqlcipher3 absent")
def test_an_encrypted_copy_restored_into_a_plain_base_reopens_with_its_key(
    qtbot: QtBot,
    app: Comptoir,
    site: SiteInfo,
    coordinator: UserInfo,
    db_path: Path,
    tmp_path: Path,
    answers: None,
    monkeypatch: pytest.MonkeyPatch,
    message_boxes: list[tuple[str, str, str]],
) -> None:
    from tiers_lieu import encryption_keys as keys
    from tiers_lieu.services.encryption import EncryptionService

    monkeypatch.setattr(keys, "ARGON2_TIME_COST", 1)
    monkeypatch.setattr(keys, "ARGON2_MEMORY_KIB", 1024)
    service = app.config.list_services(site.id)[0]
    elsewhere = tmp_path / "autre-poste" / "comptoir.sqlite"
    BackupService(app.url).backup(elsewhere)
    EncryptionService(backups_for(f"sqlite:///{elsewhere}")).encrypt("le lavoir de Felletin")
    try:
        window = open_window(qtbot, app, site, coordinator)
        settings = window.show_section("parametres")
        assert isinstance(settings, SettingsSection)
        with qtbot.waitSignal(settings.backups_tab.database_restored, timeout=10000):
            settings.backups_tab.restore(elsewhere, "autre poste")
        assert message_boxes[-1][1] == "Base restaurée", message_boxes[-1]
        assert encryption.is_encrypted(db_path)  # the copy came with its key
        window.desk_lock.on_screen_unlock_requested(coordinator.id, PASSWORD)
        visit = count(window, service.id)  # through the new, keyed engine
        with app.uow() as uow:
            assert visit in set(uow.session.exec(select(Visit.id)).all())
        app.close()
        assert not encryption.has_plain_header(db_path)
    finally:
        encryption.forget_keys()
