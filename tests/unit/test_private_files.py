"""Issue 15, point 8: what Comptoir writes about people (the base, its side files, backups,
key files, visits waiting for the server) is readable by the desk's account only — files
0600, folders 0700 — even under the usual umask 022, which would give 0644/0755 to every
other account of the computer. A base and its backups left 0644 by an older Comptoir are
tightened when Comptoir opens them."""

from __future__ import annotations

import logging
import os
import stat
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from tiers_lieu import encryption
from tiers_lieu import encryption_keys as keys
from tiers_lieu.__main__ import main
from tiers_lieu.app import build
from tiers_lieu.private_files import write_whole
from tiers_lieu.services.backups import BackupService, backups_for
from tiers_lieu.services.pending_visits import PendingVisit, PendingVisitQueue, queue_path

pytestmark = pytest.mark.skipif(os.name != "posix", reason="Unix permissions")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def loose(paths: list[Path]) -> list[str]:
    """The paths another account of the computer could read or enter."""
    return [f"{path.name} {mode(path):o}" for path in paths if mode(path) & 0o077]


@pytest.fixture(autouse=True)
def umask_022() -> Iterator[None]:
    previous = os.umask(0o022)
    yield
    os.umask(previous)


@pytest.fixture
def cheap_keys(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(keys, "ARGON2_TIME_COST", 1)
    monkeypatch.setattr(keys, "ARGON2_MEMORY_KIB", 1024)
    yield
    encryption.forget_keys()


def test_a_new_desk_in_the_default_place_is_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    monkeypatch.delenv("TIERS_LIEU_DB", raising=False)
    assert main(["init", "--site", "Le Comptoir", "--insee", "23079"]) == 0
    folder = tmp_path / "share" / "comptoir"
    base = folder / "comptoir.sqlite"
    assert base.is_file()
    assert loose([folder, base]) == []
    # While the desk works, SQLite's WAL and shared-memory files hold the latest visits.
    app = build()
    try:
        app.sites.init_site(name="Deuxième lieu")
        sides = [base.with_name(base.name + suffix) for suffix in ("-wal", "-shm")]
        assert all(side.exists() for side in sides)
        assert loose(sides) == []
    finally:
        app.close()


def test_a_base_named_with_db_gets_a_private_file_and_new_folders(tmp_path: Path) -> None:
    os.chmod(tmp_path, 0o755)
    base = tmp_path / "nouveau" / "dossier" / "base.sqlite"
    assert main(["--db", str(base), "init", "--site", "X"]) == 0
    assert loose([base, base.parent, base.parent.parent]) == []
    assert mode(tmp_path) == 0o755  # a folder that was there: the user's, left as it is


def test_backups_and_their_folder_are_private(db_path: Path, tmp_path: Path) -> None:
    app = build(str(db_path))
    app.sites.init_site(name="Le Comptoir")
    app.close()
    service = BackupService(f"sqlite:///{db_path}")
    info = service.backup()
    folder = service.folder
    assert info.path.parent == folder
    assert loose([folder, info.path, *folder.iterdir()]) == []
    given = service.backup(tmp_path / "ailleurs" / "copie.sqlite")  # tiers-lieu backup --out
    assert loose([given.path, given.path.parent]) == []


def test_a_restore_leaves_a_private_base_and_copy(db_path: Path) -> None:
    app = build(str(db_path))
    app.close()
    service = BackupService(f"sqlite:///{db_path}")
    copy = service.backup().path
    db_path.unlink()  # restored by swapping the file in
    kept = service.restore(copy)
    assert loose([db_path]) == []
    kept = service.restore(copy)  # in place, the base as it was kept first
    assert loose([db_path, kept]) == []


@pytest.mark.skipif(not encryption.available(), reason="sqlcipher3 absent")
def test_encrypting_writes_private_key_files_base_and_backups(
    db_path: Path, cheap_keys: None
) -> None:
    from tiers_lieu.services.encryption import EncryptionService

    app = build(str(db_path))
    app.close()
    service = BackupService(f"sqlite:///{db_path}")
    service.backup()
    os.chmod(db_path, 0o644)  # as an older Comptoir left it
    EncryptionService(backups_for(f"sqlite:///{db_path}")).encrypt("le lavoir de Felletin")
    key_file = encryption.key_file_for(db_path)
    assert key_file.is_file()
    backups = list(service.folder.iterdir())
    assert any(path.name.endswith(".cle.json") for path in backups)
    assert loose([db_path, key_file, *backups]) == []


def test_a_key_file_in_a_new_folder_is_private(tmp_path: Path, cheap_keys: None) -> None:
    target = tmp_path / "cles" / "base.sqlite.cle.json"
    keys.KeyFile.create(b"k" * 32, "le lavoir de Felletin", keys.new_recovery_code()).save(target)
    assert loose([target, target.parent]) == []
    # A partial file left readable by a killed write does not pass its mode on.
    partial = target.with_name(target.name + ".partiel")
    partial.write_text("{}")
    os.chmod(partial, 0o644)
    write_whole(target, b"{}")
    assert loose([target]) == []


def test_visits_waiting_for_the_server_are_private(tmp_path: Path) -> None:
    path = queue_path("postgresql+psycopg://comptoir@serveur/comptoir", tmp_path / "en-attente")
    queue = PendingVisitQueue(path)
    queue.add(
        PendingVisit(
            site_id=uuid.uuid4(),
            service_id=uuid.uuid4(),
            service_name="Accueil",
            activity_date=date(2025, 3, 4),
            activity_time=None,
        )
    )
    assert path.is_file()
    assert loose([path, path.parent]) == []


def test_an_older_readable_base_is_tightened_at_start(
    db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = build(str(db_path))
    app.close()
    service = BackupService(f"sqlite:///{db_path}")
    copy = service.backup().path
    side = db_path.with_name(db_path.name + "-journal")
    side.write_bytes(b"")  # a hot journal would be kept: only its mode changes
    for path in (db_path, copy, side, service.folder / "sauvegardes.json"):
        os.chmod(path, 0o644)
    os.chmod(service.folder, 0o755)
    other = service.folder / "notes.txt"  # not Comptoir's: left as it is
    other.write_text("à moi")
    os.chmod(other, 0o644)
    with caplog.at_level(logging.INFO, logger="tiers_lieu"):
        app = build(str(db_path))
    app.close()
    assert loose([db_path, side, service.folder, copy, service.folder / "sauvegardes.json"]) == []
    assert mode(other) == 0o644
    assert any("0600" in record.getMessage() for record in caplog.records)
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="tiers_lieu"):
        build(str(db_path)).close()
    assert not any("0600" in record.getMessage() for record in caplog.records)  # once


def test_the_default_data_folder_is_tightened_at_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    monkeypatch.delenv("TIERS_LIEU_DB", raising=False)
    build().close()
    folder = tmp_path / "share" / "comptoir"
    os.chmod(folder, 0o755)
    os.chmod(folder / "comptoir.sqlite", 0o644)
    build().close()
    assert loose([folder, folder / "comptoir.sqlite"]) == []


def test_a_base_in_a_folder_of_the_users_choice_leaves_that_folder_alone(
    db_path: Path,
) -> None:
    os.chmod(db_path.parent, 0o755)
    build(str(db_path)).close()
    assert mode(db_path.parent) == 0o755  # the user's own folder (shared on purpose, maybe)
    assert loose([db_path]) == []


def test_nothing_is_changed_where_permissions_do_not_apply(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Windows: ``chmod`` only sets the read-only bit there; the helpers must not call it."""
    from tiers_lieu import private_files

    monkeypatch.setattr(private_files, "POSIX", False)
    calls: list[object] = []
    monkeypatch.setattr(os, "chmod", lambda *args, **kwargs: calls.append(args))
    monkeypatch.setattr(os, "fchmod", lambda *args, **kwargs: calls.append(args), raising=False)
    folder = private_files.private_folder(tmp_path / "a" / "b")
    private_files.write_private(folder / "f.json", b"{}")
    private_files.write_whole(folder / "g.json", b"{}")
    assert private_files.new_private_file(folder / "base.sqlite")
    assert private_files.tighten([folder / "f.json"], folders=[folder]) == 0
    assert calls == []
    assert (folder / "f.json").read_bytes() == b"{}"


def test_the_desk_settings_file_is_private(tmp_path: Path) -> None:
    """QSettings keeps the last user's name and the report's summary text."""
    from PySide6.QtCore import QSettings

    from tiers_lieu.ui import options

    path = tmp_path / "Comptoir" / "Comptoir.conf"
    settings = QSettings(str(path), QSettings.Format.IniFormat)
    options.keep_private(settings)
    options.LAST_USERNAME.set("camille", settings)
    settings.sync()
    assert settings.status() == QSettings.Status.NoError
    assert loose([path, path.parent]) == []
    os.chmod(path, 0o644)  # as an older Comptoir left it
    options.keep_private(settings)
    assert loose([path]) == []
    assert options.LAST_USERNAME.get(QSettings(str(path), QSettings.Format.IniFormat)) == "camille"
