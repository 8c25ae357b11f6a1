"""The passphrase dialog at start: a wrong passphrase is said on the dialog, which stays open
for another try; the right one opens the base; a smoke test never waits for anyone."""

from __future__ import annotations

import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from tiers_lieu import encryption
from tiers_lieu import encryption_keys as keys
from tiers_lieu.app import build
from tiers_lieu.encryption import PASSPHRASE_ENV
from tiers_lieu.services.backups import backups_for
from tiers_lieu.services.encryption import EncryptionService
from tiers_lieu.ui import passphrase as passphrase_module
from tiers_lieu.ui.passphrase import PassphraseDialog, unlock_database

pytestmark = pytest.mark.skipif(not encryption.available(), reason="sqlcipher3 absent")

PASSPHRASE = "la halle aux grains"


@pytest.fixture(autouse=True)
def clean_process(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(keys, "ARGON2_TIME_COST", 1)
    monkeypatch.setattr(keys, "ARGON2_MEMORY_KIB", 1024)
    monkeypatch.delenv(PASSPHRASE_ENV, raising=False)
    encryption.forget_keys()
    yield
    encryption.forget_keys()


@pytest.fixture
def encrypted(db_path: Path) -> Path:
    app = build(str(db_path))
    app.sites.init_site(name="La Halle", commune_name="Felletin", insee_code="23079")
    app.close()
    EncryptionService(backups_for(f"sqlite:///{db_path}")).encrypt(PASSPHRASE)
    encryption.forget_keys()
    return db_path


def test_a_wrong_passphrase_is_said_on_the_dialog(qtbot: QtBot, encrypted: Path) -> None:
    dialog = PassphraseDialog(encrypted)
    qtbot.addWidget(dialog)
    with qtbot.waitExposed(dialog):
        dialog.show()
    assert dialog.windowTitle() == "Phrase de passe de la base"

    dialog.passphrase_edit.setText("pas la bonne phrase")
    qtbot.keyClick(dialog.passphrase_edit, Qt.Key.Key_Return)

    assert dialog.isVisible()
    assert dialog.error_label.isVisible()
    assert "Phrase de passe incorrecte" in dialog.error_label.text()
    assert dialog.passphrase_edit.text() == ""

    dialog.passphrase_edit.setText(PASSPHRASE)
    qtbot.keyClick(dialog.passphrase_edit, Qt.Key.Key_Return)

    assert dialog.result() == QDialog.DialogCode.Accepted
    app = build(str(encrypted))  # the key stays for the session
    try:
        assert [site.name for site in app.sites.list_sites()] == ["La Halle"]
    finally:
        app.close()


def test_start_asks_again_after_a_wrong_passphrase_in_the_environment(
    encrypted: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(PASSPHRASE_ENV, "une vieille phrase")
    shown: list[str] = []

    def exec_typing_the_right_one(dialog: PassphraseDialog) -> int:
        shown.append(dialog.error_label.text())
        dialog.passphrase_edit.setText(PASSPHRASE)
        dialog.on_buttons_accepted()
        return dialog.result()

    monkeypatch.setattr(PassphraseDialog, "exec", exec_typing_the_right_one)

    assert unlock_database(str(encrypted)) is True
    assert len(shown) == 1 and "Phrase de passe incorrecte" in shown[0]
    assert encryption.cached_key(encrypted) is not None


def test_leaving_the_dialog_stops_the_start(
    encrypted: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(PassphraseDialog, "exec", lambda _self: QDialog.DialogCode.Rejected)
    assert unlock_database(str(encrypted)) is False
    assert encryption.cached_key(encrypted) is None


def test_a_plain_base_and_the_smoke_test_never_show_the_dialog(
    encrypted: Path,
    tmp_path: Path,
    template_db: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def no_dialog(*_args: object) -> bool:
        raise AssertionError("dialog shown")

    monkeypatch.setattr(passphrase_module, "_ask", no_dialog)
    plain = tmp_path / "plain.sqlite"
    shutil.copyfile(template_db, plain)
    assert unlock_database(str(plain)) is True

    assert unlock_database(str(encrypted), quiet=True) is False
    assert PASSPHRASE_ENV in capsys.readouterr().err
    monkeypatch.setenv(PASSPHRASE_ENV, PASSPHRASE)
    assert unlock_database(str(encrypted), quiet=True) is True


def test_keys_do_not_leak_between_bases(encrypted: Path, tmp_path: Path) -> None:
    other = tmp_path / "autre" / "comptoir.sqlite"
    other.parent.mkdir()
    shutil.copyfile(encrypted, other)
    keys.KeyFile.create(secrets.token_bytes(32), PASSPHRASE, keys.new_recovery_code()).save(
        encryption.key_file_for(other)
    )
    encryption.unlock(encrypted, PASSPHRASE)
    assert encryption.cached_key(other) is None


def test_an_interrupted_encryption_is_said_before_any_dialog(
    encrypted: Path,
    tmp_path: Path,
    template_db: Path,
    message_boxes: list[tuple[str, str, str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(PassphraseDialog, "exec", lambda _self: pytest.fail("dialog shown"))
    plain = tmp_path / "coupee.sqlite"
    shutil.copyfile(template_db, plain)
    shutil.copyfile(encryption.key_file_for(encrypted), encryption.key_file_for(plain))

    assert unlock_database(str(plain)) is False

    [(kind, _title, text)] = message_boxes
    assert kind == "warning"
    assert "chiffrement a été interrompu" in text
