"""What interrupted work leaves on the disk is gone after the next start, and nothing else:
backups killed mid-way (real processes, ``SIGKILL``), a restore cut short, stray journals —
while every real backup, a backup still being written by another process, and the WAL a
killed desk committed into stay as they are."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tiers_lieu.app import build
from tiers_lieu.services.backup_folder import restore_under_way
from tiers_lieu.services.backups import BackupService
from tiers_lieu.services.leftovers import clean_beside_base, tidy_at_start

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX")

ROOT = Path(__file__).resolve().parents[2]
# An automatic backup that stops once its partial copy is written (while it would verify
# it), so that the test can kill it there, or look at it while it runs.
STALLED_BACKUP = (
    "import sys\n"
    "from datetime import datetime\n"
    "from tiers_lieu.services import backups\n"
    "real = backups.integrity_problems\n"
    "def stalled(path, **kw):\n"
    "    if path.name.endswith('.partiel'):\n"
    "        print('copie écrite', flush=True)\n"
    "        sys.stdin.readline()\n"
    "    return real(path, **kw)\n"
    "backups.integrity_problems = stalled\n"
    "now = datetime.fromisoformat(sys.argv[2])\n"
    "backups.BackupService('sqlite:///' + sys.argv[1]).maybe_backup('import', now=now)\n"
)
# A desk that commits a place and dies before anything is checkpointed.
KILLED_DESK = (
    "import os, signal, sys\n"
    "from tiers_lieu.app import build\n"
    "app = build(sys.argv[1])\n"
    "app.sites.init_site(name='Commis avant la panne', commune_name='Aubusson', "
    "insee_code='23008')\n"
    "os.kill(os.getpid(), signal.SIGKILL)\n"
)


def stalled_backup(db: Path, stamp: str) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-c", STALLED_BACKUP, str(db), stamp],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "copie écrite"
    return process


def kill(process: subprocess.Popen[str]) -> None:
    process.kill()
    process.wait(timeout=30)  # reaped: its locks are gone with it


def folder_state(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def age(path: Path, seconds: float) -> None:
    past = time.time() - seconds
    os.utime(path, (past, past))


@pytest.fixture
def desk(db_path: Path) -> Path:
    app = build(str(db_path))
    app.sites.init_site(name="Le Comptoir de Felletin", commune_name="Felletin", insee_code="23079")
    app.close()
    service = BackupService(f"sqlite:///{db_path}")
    service.backup(service.folder / "comptoir-20260301-120000.sqlite")
    service.backup(service.folder / "avant-migration-0003-20260201-090000.sqlite")
    return db_path


def test_backups_killed_mid_way_leave_nothing_after_the_next_start(desk: Path) -> None:
    folder = desk.parent / "sauvegardes" / "comptoir"
    real = {name: data for name, data in folder_state(folder).items() if name.endswith(".sqlite")}
    # Three short starts, each killed while its backup was being verified.
    for minute in range(3):
        kill(stalled_backup(desk, f"2026-03-02T10:0{minute}:00"))
    partials = sorted(p.name for p in folder.glob("*.partiel"))
    assert len(partials) == 3
    size = sum(p.stat().st_size for p in folder.glob("*.partiel"))
    assert size >= 3 * desk.stat().st_size // 2

    build(str(desk)).close()  # the next start (any command, or the window)

    assert not list(folder.glob("*.partiel*"))
    after = folder_state(folder)
    assert {name: data for name, data in after.items() if name.endswith(".sqlite")} == real


def test_a_backup_being_written_by_another_process_is_left_alone(desk: Path) -> None:
    folder = desk.parent / "sauvegardes" / "comptoir"
    writing = stalled_backup(desk, "2026-03-02T11:00:00")
    try:
        tidy_at_start(f"sqlite:///{desk}")  # another desk starts meanwhile
        [partial] = folder.glob("*.partiel")
        assert partial.stat().st_size > 0
        assert writing.stdin is not None
        writing.stdin.write("suite\n")
        writing.stdin.flush()
        assert writing.wait(timeout=60) == 0
    finally:
        if writing.poll() is None:
            kill(writing)
    # The backup it was writing finished, verified, under its own name.
    assert (folder / "comptoir-20260302-110000.sqlite").is_file()
    assert not list(folder.glob("*.partiel*"))


def test_crafted_leftovers_go_and_real_files_stay(desk: Path) -> None:
    folder = desk.parent / "sauvegardes" / "comptoir"
    restore = desk.with_name(desk.name + ".restauration")
    shutil.copyfile(desk, restore)
    restore.with_name(restore.name + "-journal").write_bytes(b"j" * 512)
    for path in (restore, restore.with_name(restore.name + "-journal")):
        age(path, 3600)
    stray = folder / "comptoir-20251201-000000.sqlite-journal"  # its copy is gone
    stray.write_bytes(b"j" * 4096)
    orphan_key = folder / "comptoir-20251201-000000.sqlite.cle.json"
    orphan_key.write_text("{}", encoding="utf-8")
    beside_real = folder / "comptoir-20260301-120000.sqlite-journal"  # never: its copy exists
    beside_real.write_bytes(b"j" * 4096)
    key_partial = desk.with_name(desk.name + ".cle.json.partiel")
    key_partial.write_text("{", encoding="utf-8")
    age(key_partial, 3600)
    keep = folder_state(folder)
    other_base = desk.parent / "autre.sqlite.restauration"  # another base's: its own start's
    other_base.write_bytes(b"x" * 1024)
    age(other_base, 3600)

    notes = tidy_at_start(f"sqlite:///{desk}")

    assert not restore.exists() and not restore.with_name(restore.name + "-journal").exists()
    assert not stray.exists() and not orphan_key.exists() and not key_partial.exists()
    assert beside_real.exists()
    del keep[stray.name], keep[orphan_key.name]
    assert folder_state(folder) == keep
    assert other_base.exists()
    assert any("fichiers laissés par des sauvegardes" in note for note in notes)


def test_a_restore_still_running_keeps_its_file_and_a_dead_one_loses_it_at_once(
    desk: Path,
) -> None:
    restore = desk.with_name(desk.name + ".restauration")
    shutil.copyfile(desk, restore)
    with restore_under_way(
        desk, desk.parent / "sauvegardes" / "comptoir"
    ):  # a restore writing it now
        tidy_at_start(f"sqlite:///{desk}")
        assert restore.exists()
    tidy_at_start(f"sqlite:///{desk}")  # no restore runs: its file is a leftover
    assert not restore.exists()


def test_without_the_lock_a_restore_file_goes_once_old(desk: Path) -> None:
    restore = desk.with_name(desk.name + ".restauration")
    shutil.copyfile(desk, restore)
    assert clean_beside_base(desk, locked=False).removed == []  # perhaps a restore running
    age(restore, 3600)
    assert clean_beside_base(desk, locked=False).removed == [restore]


def test_the_wal_a_killed_desk_committed_into_survives_the_start(desk: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", KILLED_DESK, str(desk)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == -signal.SIGKILL, done.stderr
    wal = desk.with_name(desk.name + "-wal")
    assert wal.stat().st_size > 0
    before = wal.read_bytes()

    tidy_at_start(f"sqlite:///{desk}")

    assert wal.read_bytes() == before
    app = build(str(desk))
    try:
        names = [site.name for site in app.sites.list_sites()]
    finally:
        app.close()
    assert "Commis avant la panne" in names


# A copy stopped half-written (one page of SQLite's backup API done) when the name of the
# file it writes contains argv[1]; then argv[2] runs (the start, or the restore), killed there.
STALLED_COPY = (
    "import sys\n"
    "from pathlib import Path\n"
    "from tiers_lieu import held_files\n"
    "real = held_files.PlainConnection.backup\n"
    "def stalled(self, target, **kw):\n"
    "    if sys.argv[1] not in (target._held_as or ''):\n"
    "        return real(self, target, **kw)\n"
    "    def halfway(status, remaining, total):\n"
    "        print('copie à moitié écrite', flush=True)\n"
    "        sys.stdin.readline()\n"
    "    return real(self, target, pages=1, progress=halfway)\n"
    "held_files.PlainConnection.backup = stalled\n"
    "exec(sys.argv[2])\n"
)
START = "from tiers_lieu.app import build\nbuild(sys.argv[3])\n"
RESTORE = (
    "from tiers_lieu.services.backups import BackupService\n"
    "BackupService('sqlite:///' + sys.argv[3]).restore(Path(sys.argv[4]))\n"
)


def stalled_copy(writing: str, action: str, *args: str) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-c", STALLED_COPY, writing, action, *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert process.stdout is not None
    line = process.stdout.readline().strip()
    if line != "copie à moitié écrite":
        kill(process)
        pytest.fail(f"the copy of {writing} never started: {line!r}")
    return process


def site_names(db: Path) -> list[str]:
    app = build(str(db))
    try:
        return sorted(site.name for site in app.sites.list_sites())
    finally:
        app.close()


def one_schema_back(db: Path) -> str:
    """The base as the previous Comptoir left it; returns its revision."""
    from alembic import command

    from tiers_lieu.db import _alembic_config, _current_and_head, make_engine

    engine = make_engine(f"sqlite:///{db}")
    try:
        config = _alembic_config(engine)
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "-1")
        current, head = _current_and_head(engine)
    finally:
        engine.dispose()
    assert current is not None and current != head
    return current


def test_a_start_killed_while_copying_before_its_migration_leaves_no_false_backup(
    desk: Path,
) -> None:
    folder = desk.parent / "sauvegardes" / "comptoir"
    revision = one_schema_back(desk)
    kill(stalled_copy("avant-migration", START, str(desk)))

    # What was being written is not a backup: not listed, not under a backup's name.
    service = BackupService(f"sqlite:///{desk}")
    assert [b.path.name for b in service.list_backups() if "avant-migration-" + revision
            in b.path.name] == []  # fmt: skip
    assert list(folder.glob("*.partiel"))

    assert site_names(desk) == ["Le Comptoir de Felletin"]  # the next start migrates

    assert not list(folder.glob("*.partiel*"))
    [kept] = folder.glob(f"avant-migration-{revision}-*.sqlite")
    from tiers_lieu.services.backups import verify_comptoir_file

    verify_comptoir_file(kept)


def test_a_killed_restore_leaves_nothing_after_the_next_start(desk: Path) -> None:
    folder = desk.parent / "sauvegardes" / "comptoir"
    app = build(str(desk))
    app.sites.init_site(name="Ajouté ensuite", commune_name="Felletin", insee_code="23079")
    app.close()
    restoring = stalled_copy(
        "avant-restauration", RESTORE, str(desk), str(folder / "comptoir-20260301-120000.sqlite")
    )
    restore = desk.with_name(desk.name + ".restauration")
    try:
        assert restore.is_file()
        tidy_at_start(f"sqlite:///{desk}")  # another start meanwhile: the restore runs on
        assert restore.is_file() and list(folder.glob("avant-restauration-*"))
    finally:
        kill(restoring)

    # Nothing was replaced, and the half copy of the base is not offered as a backup.
    listed = [b.path.name for b in BackupService(f"sqlite:///{desk}").list_backups()]
    assert not [name for name in listed if name.startswith("avant-restauration-")]

    notes = tidy_at_start(f"sqlite:///{desk}")  # the next start, at once

    assert not restore.exists()
    assert [p.name for p in folder.glob("avant-restauration-*")] == []
    assert [p.name for p in desk.parent.glob("*.restauration*")] == []
    assert notes.freed is not None and "Mo libérés" in notes.freed
    assert site_names(desk) == ["Ajouté ensuite", "Le Comptoir de Felletin"]
