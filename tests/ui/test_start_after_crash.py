"""The window's start after ``tiers-lieu encrypt`` was killed: the encryption is finished
(cut after its copy was verified) or undone (cut before), before the passphrase is asked and
said so, and the desk opens on a whole base with no plaintext left beside it. After backups
killed mid-copy, the space their leftovers took is freed and said in the status bar."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path

import crashing
import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tiers_lieu import encryption
from tiers_lieu import encryption_keys as keys
from tiers_lieu.app import Comptoir, build
from tiers_lieu.encryption import PASSPHRASE_ENV, SQLITE_HEADER, key_file_for
from tiers_lieu.models.enums import Role
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui import application
from tiers_lieu.ui import passphrase as passphrase_module
from tiers_lieu.ui.main_window import MainWindow

PASSPHRASE = "la halle aux grains"


@pytest.fixture(autouse=True)
def clean_process(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(keys, "ARGON2_TIME_COST", 1)
    monkeypatch.setattr(keys, "ARGON2_MEMORY_KIB", 1024)
    monkeypatch.delenv(PASSPHRASE_ENV, raising=False)
    encryption.forget_keys()
    yield
    encryption.forget_keys()


@pytest.mark.skipif(not encryption.available(), reason="sqlcipher3 absent")
@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX")
@pytest.mark.parametrize(("step", "encrypted"), [("verifiee", False), ("prete", True),
                                                 ("echange", True)])  # fmt: skip
def test_the_window_opens_on_a_whole_base_after_a_killed_encryption(
    db_path: Path,
    step: str,
    encrypted: bool,
    monkeypatch: pytest.MonkeyPatch,
    message_boxes: list[tuple[str, str, str]],
) -> None:
    app = build(str(db_path))
    app.sites.init_site(name="La Halle", commune_name="Felletin", insee_code="23079")
    app.close()
    crashing.killed_encrypt(db_path, step, PASSPHRASE)
    asked: list[Path] = []
    opened: list[list[str]] = []
    told_before_asked: list[int] = []

    def typed_in_the_dialog(path: Path, _refusal: str | None) -> bool:
        asked.append(path)
        told_before_asked.append(len(message_boxes))
        encryption.unlock(path, PASSPHRASE)
        return True

    def desk(_qapp: object, comptoir: Comptoir, **_notes: object) -> int:
        opened.append([site.name for site in comptoir.sites.list_sites()])
        return 0

    monkeypatch.setattr(passphrase_module, "_ask", typed_in_the_dialog)
    monkeypatch.setattr(application, "_run_desk", desk)

    assert application.run_gui(db=str(db_path)) == 0

    # Finished before the passphrase was asked: asked once, for the encrypted base.
    assert asked == ([db_path] if encrypted else [])
    assert opened == [["La Halle"]]
    assert db_path.read_bytes().startswith(SQLITE_HEADER) is not encrypted
    assert key_file_for(db_path).exists() is encrypted
    # Said once, calmly, before the passphrase is asked (it explains why it is asked).
    [(kind, _title, text)] = message_boxes
    assert kind == "information"
    assert ("a été terminé" if encrypted else "a été annulé") in text
    assert told_before_asked == ([1] if encrypted else [])
    left = [p.name for p in db_path.parent.iterdir() if ".en-clair" in p.name or
            ".chiffrement" in p.name]  # fmt: skip
    assert left == []


def test_leftovers_removed_at_start_are_said_in_the_status_bar(
    qtbot: QtBot,
    app: Comptoir,
    site: SiteInfo,
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    message_boxes: list[tuple[str, str, str]],
    shown_main_windows: list[MainWindow],
) -> None:
    user = app.accounts.create_user(
        username="lea", display_name="Léa", password="tilleul-2026", role=Role.COORDINATOR
    )
    app.close()
    folder = db_path.parent / "sauvegardes" / "comptoir"
    folder.mkdir(parents=True, exist_ok=True)
    for minute in range(2):  # two backups killed while writing their copy
        (folder / f"comptoir-2026112{minute}-0900.sqlite.partiel").write_bytes(b"\x01" * 3_000_000)
    shown: list[str] = []

    def signed_in(comptoir: Comptoir, **_shown: object) -> application.DeskSession:
        comptoir.access.sign_in(user)
        return application.DeskSession(site, user)

    def event_loop(_qapp: object) -> int:
        [window] = shown_main_windows
        qtbot.addWidget(window)
        shown.append(window.statusBar().currentMessage())
        return 0

    monkeypatch.setattr(application, "start_session", signed_in)
    monkeypatch.setattr(QApplication, "exec", event_loop)

    assert application.run_gui(db=str(db_path)) == 0

    assert shown == [
        "2 fichiers laissés par des sauvegardes ou des restaurations interrompues ont été "
        "supprimés (6 Mo libérés)."
    ]
    # (the window's own start-up backup may be writing its copy meanwhile, in its thread)
    assert not list(folder.glob("comptoir-2026112?-0900.sqlite.partiel"))
    assert message_boxes == []  # nothing to click through
