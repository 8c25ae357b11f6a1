"""Backups: verified copies that restore, the thinning rule, the refusal of bad files, the
external folder written only when it is there."""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tiers_lieu.app import build
from tiers_lieu.encryption import integrity_problems
from tiers_lieu.errors import ComptoirError
from tiers_lieu.services.backup_folder import backup_under_way
from tiers_lieu.services.backup_thinning import KEPT_BEFORE_CHANGES, stamps_to_keep
from tiers_lieu.services.backups import BackupService
from tiers_lieu.services.leftovers import clean_backup_folder

NOW = datetime(2026, 11, 22, 15, 0)


def site_names(path: Path) -> list[str]:
    connection = sqlite3.connect(path)
    try:
        return [row[0] for row in connection.execute("SELECT name FROM site ORDER BY name")]
    finally:
        connection.close()


def add_site(path: Path, name: str) -> None:
    app = build(str(path))
    try:
        app.sites.init_site(name=name, commune_name="Felletin", insee_code="23079")
    finally:
        app.close()


def garbage_copy(source: Path, target: Path) -> Path:
    shutil.copyfile(source, target)
    with target.open("r+b") as handle:
        handle.seek(4096)
        handle.write(b"\xde\xad\xbe\xef" * 2048)
    return target


def test_backup_is_verified_and_restores(db_path: Path, tmp_path: Path) -> None:
    add_site(db_path, "Avant")
    service = BackupService(f"sqlite:///{db_path}", folder=tmp_path / "sauv")
    info = service.backup(now=NOW)
    assert info.path.parent == tmp_path / "sauv"
    assert integrity_problems(info.path) == []
    add_site(db_path, "Après")
    assert site_names(db_path) == ["Après", "Avant"]

    kept = service.restore(info.path, now=NOW + timedelta(minutes=5))

    assert site_names(db_path) == ["Avant"]
    assert site_names(kept) == ["Après", "Avant"], "the replaced database is kept"
    assert [b.path for b in service.list_backups()][:1] == [kept]


def test_restore_refuses_non_comptoir_and_corrupted_files(db_path: Path, tmp_path: Path) -> None:
    add_site(db_path, "Intacte")
    service = BackupService(f"sqlite:///{db_path}", folder=tmp_path / "sauv")
    other = tmp_path / "autre.sqlite"
    connection = sqlite3.connect(other)
    connection.execute("CREATE TABLE t (x)")
    connection.commit()
    connection.close()
    with pytest.raises(ComptoirError, match="n'est pas une base de données Comptoir"):
        service.restore(other)
    damaged = garbage_copy(service.backup(now=NOW).path, tmp_path / "abimee.sqlite")
    with pytest.raises(ComptoirError, match="endommagé"):
        service.restore(damaged)
    assert site_names(db_path) == ["Intacte"]


def test_the_check_of_a_file_to_restore_leaves_nothing_beside_it(
    db_path: Path, tmp_path: Path
) -> None:
    """The check opened the file to restore read-only: a WAL-mode file so opened got a -wal
    and a -shm that stayed beside it when it was refused as damaged. Neither a damaged file
    nor a sound one leaves anything in its folder now, and a side file that was there before
    stays. A name holding « % » or « # » is the file's own, not a URI's (« %41 » was read
    « A », and a stray file made under that name)."""
    add_site(db_path, "Intacte")
    service = BackupService(f"sqlite:///{db_path}", folder=tmp_path / "sauv")
    backup = service.backup(now=NOW).path
    source = tmp_path / "apportees"
    source.mkdir()
    damaged = garbage_copy(backup, source / "abimee.sqlite")
    logged = garbage_copy(backup, source / "abimee avec journal.sqlite")
    (source / "abimee avec journal.sqlite-wal").write_bytes(b"")  # there before: it stays
    sound = Path(shutil.copyfile(backup, source / "copie %41 #1.sqlite"))
    before = sorted(os.listdir(source))
    for refused in (damaged, logged):
        with pytest.raises(ComptoirError, match="endommagé"):
            service.restore(refused)
        assert sorted(os.listdir(source)) == before
    service.restore(sound, now=NOW + timedelta(minutes=5))
    assert sorted(os.listdir(source)) == before
    assert site_names(db_path) == ["Intacte"]


def test_quick_check_reports_a_damaged_database(db_path: Path, tmp_path: Path) -> None:
    add_site(db_path, "Intacte")
    assert BackupService(f"sqlite:///{db_path}").quick_check() == []
    damaged = garbage_copy(db_path, tmp_path / "abimee.sqlite")
    assert BackupService(f"sqlite:///{damaged}").quick_check() != []


def test_thinning_keeps_today_then_daily_then_weekly() -> None:
    stamps = [NOW - timedelta(hours=h) for h in range(0, 24 * 120, 6)]
    keep = stamps_to_keep(stamps, NOW)
    today = [s for s in stamps if s.date() == NOW.date()]
    assert set(today) <= keep
    for days in range(1, 15):
        day = (NOW - timedelta(days=days)).date()
        assert len([s for s in keep if s.date() == day]) == 1, day
    assert max(s for s in keep if s.date() == (NOW - timedelta(days=3)).date()).hour == 21, (
        "the newest of the day"
    )
    older = [s for s in keep if (NOW.date() - s.date()).days > 14]
    weeks = [s.isocalendar()[:2] for s in older]
    assert len(weeks) == len(set(weeks)), "one per week beyond two weeks"
    assert 9 <= len(older) <= 12
    assert not [s for s in keep if (NOW.date() - s.date()).days > 92]


def test_automatic_backup_thins_and_writes_external_folder_when_present(
    db_path: Path, tmp_path: Path
) -> None:
    service = BackupService(f"sqlite:///{db_path}", folder=tmp_path / "sauv")
    usb = tmp_path / "cle"
    service.set_external_folder(usb)
    assert service.maybe_backup("import", now=NOW - timedelta(days=30)) is not None
    assert service.last_external_backup() is None, "absent key skipped"
    assert service.external_backup_warning(NOW) is not None
    usb.mkdir()
    for days in (20, 19, 18):
        service.backup(now=NOW - timedelta(days=days))
    assert service.last_external_backup() == NOW - timedelta(days=18)
    assert "18 jours" in (service.external_backup_warning(NOW) or "")
    service.backup(now=NOW)
    assert service.external_backup_warning(NOW) is None
    local = sorted(p.name for p in (tmp_path / "sauv").glob("comptoir-*.sqlite"))
    # 20, 19 and 18 days ago are one ISO week (2 to 4 November): only the newest stays.
    assert local == [
        "comptoir-20261023-150000.sqlite",
        "comptoir-20261104-150000.sqlite",
        "comptoir-20261122-150000.sqlite",
    ]
    # On the key, in the base's own folder: two bases may share a key.
    assert (usb / "comptoir" / "comptoir-20261122-150000.sqlite").is_file()


def test_maybe_backup_only_after_changes(db_path: Path, tmp_path: Path) -> None:
    service = BackupService(f"sqlite:///{db_path}", folder=tmp_path / "sauv")
    assert service.maybe_backup("start", now=NOW) is not None
    assert service.maybe_backup("start", now=NOW + timedelta(minutes=1)) is None
    add_site(db_path, "Nouveau")
    assert service.maybe_backup("timer", now=NOW + timedelta(minutes=10)) is None, "30 min"
    assert service.maybe_backup("timer", now=NOW + timedelta(minutes=31)) is not None


def test_postgresql_is_refused_with_a_french_message() -> None:
    with pytest.raises(ComptoirError, match="pg_dump"):
        BackupService("postgresql+psycopg://u@localhost/comptoir")


def _leftover(path: Path, size: int, *, age_s: float = 0) -> Path:
    path.write_bytes(b"\x01" * size)
    if age_s:
        past = time.time() - age_s
        os.utime(path, (past, past))
    return path


def test_thinning_removes_what_interrupted_backups_left(db_path: Path, tmp_path: Path) -> None:
    folder = tmp_path / "sauv"
    service = BackupService(f"sqlite:///{db_path}", folder=folder)
    service.backup(now=NOW - timedelta(days=1))
    folder_usb = tmp_path / "cle" / "comptoir"
    folder_usb.mkdir(parents=True)
    service.set_external_folder(folder_usb.parent)
    for where in (folder, folder_usb):
        for minute in range(3):  # three starts cut while their copy was being written
            partial = _leftover(where / f"comptoir-2026112{minute}-0900.sqlite.partiel", 1 << 20)
            _leftover(partial.with_name(partial.name + "-journal"), 4096)
        _leftover(where / "comptoir-20261101-090000.sqlite-journal", 4096)  # copy gone

    service.maybe_backup("import", now=NOW)

    for where in (folder, folder_usb):
        assert not list(where.glob("*.partiel*")) and not list(where.glob("*-journal"))
    assert sorted(p.name for p in folder.glob("*.sqlite")) == [
        "comptoir-20261121-150000.sqlite",
        "comptoir-20261122-150000.sqlite",
    ]
    assert [p.name for p in folder_usb.glob("*.sqlite")] == ["comptoir-20261122-150000.sqlite"]


def test_without_the_lock_only_old_leftovers_go(tmp_path: Path) -> None:
    """Where no lock says that no backup is under way (Windows, a share, a backup running
    now), a partial copy goes only once it has not been touched for a quarter of an hour."""
    folder = tmp_path / "sauv"
    folder.mkdir()
    fresh = _leftover(folder / "comptoir-20261122-150000.sqlite.partiel", 1024)
    old = _leftover(folder / "comptoir-20261121-150000.sqlite.partiel", 1024, age_s=3600)
    # A partial copy whose journal is still being written is not old.
    busy = _leftover(folder / "comptoir-20261120-150000.sqlite.partiel", 1024, age_s=3600)
    _leftover(busy.with_name(busy.name + "-journal"), 512)

    done = clean_backup_folder(folder, locked=False)

    assert [p.name for p in done.removed] == [old.name]
    assert fresh.exists() and busy.exists()
    with backup_under_way(folder):  # a backup writing now, in this process or another
        assert clean_backup_folder(folder).removed == []
    assert {p.name for p in clean_backup_folder(folder).removed} == {
        fresh.name,
        busy.name,
        busy.name + "-journal",
    }


def test_copies_kept_before_a_restore_or_a_migration_stay_bounded(
    db_path: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "sauv"
    service = BackupService(f"sqlite:///{db_path}", folder=folder)
    add_site(db_path, "Felletin")
    copy = service.backup(now=NOW - timedelta(days=1)).path
    # Copies an older Comptoir kept before its migrations, one with its key file.
    for days in range(8):
        stamp = (NOW - timedelta(days=40 + days)).strftime("%Y%m%d-%H%M%S")
        shutil.copyfile(copy, folder / f"avant-migration-000{days % 4}-{stamp}.sqlite")
    oldest = folder / "avant-migration-0003-20261006-150000.sqlite"
    oldest.with_name(oldest.name + ".cle.json").write_text("{}", encoding="utf-8")
    # A desk that restored again and again.
    for minute in range(KEPT_BEFORE_CHANGES + 3):
        service.restore(copy, now=NOW + timedelta(minutes=minute))

    service.backup(now=NOW + timedelta(hours=1))

    restored = sorted(p.name for p in folder.glob("avant-restauration-*.sqlite"))
    assert restored == [
        f"avant-restauration-20261122-15{minute:02d}00.sqlite"
        for minute in range(3, KEPT_BEFORE_CHANGES + 3)
    ]
    migrated = sorted(p.name[-22:-7] for p in folder.glob("avant-migration-*.sqlite"))
    assert migrated == [f"202610{day:02d}-150000" for day in range(9, 14)], "the newest"
    assert not oldest.exists() and not list(folder.glob("avant-migration-*.cle.json"))
    # The regular copies follow their own rule.
    assert sorted(p.name for p in folder.glob("comptoir-*.sqlite")) == [
        "comptoir-20261121-150000.sqlite",
        "comptoir-20261122-160000.sqlite",
    ]
