"""A full or read-only disk (issue 14, point 7): counting, importing and backing up say what
happened and what to do, in French, exit 2 on the command line, and write nothing by halves.

No root mount is needed. A full disk is SQLite's own ``PRAGMA max_page_count`` (it answers
SQLITE_FULL exactly as on a full disk) or, for the files a backup writes, a child process
whose file size limit (``RLIMIT_FSIZE``, with SIGXFSZ ignored) the copy runs into. Read-only
files and folders need a process the permission bits apply to: when the tests run as root
(CI), the command runs in a child process without root's two capabilities that ignore them.
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select

from tiers_lieu import db as db_module
from tiers_lieu.__main__ import main
from tiers_lieu.app import Comptoir, build
from tiers_lieu.errors import StorageError, storage_error
from tiers_lieu.models import Visit
from tiers_lieu.services.readmodels import SiteInfo

SERVICE = "Accueil / information"


def visits_in(db_path: Path) -> int:
    app = build(str(db_path))
    try:
        with app.uow() as uow:
            return int(uow.session.execute(select(func.count()).select_from(Visit)).scalar_one())
    finally:
        app.close()


def page_limiter(extra_pages: int) -> Callable[[Any, Any], None]:
    """A connection hook: the base may grow by ``extra_pages`` pages, then is "full"."""

    def limit(connection: Any, _record: Any) -> None:
        pages = connection.execute("PRAGMA page_count").fetchone()[0]
        connection.execute(f"PRAGMA max_page_count = {pages + extra_pages}")

    return limit


def write_csv(path: Path, rows: int) -> Path:
    lines = ["date;heure;service;nombre"]
    lines += [f"2025-03-{1 + i % 28:02d};10:{i % 60:02d};{SERVICE};1" for i in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# -- counting ------------------------------------------------------------------------------
def test_counting_on_a_full_disk_says_so_and_keeps_every_visit_counted_before(
    app: Comptoir, site: SiteInfo, db_path: Path
) -> None:
    service = app.config.list_services(site.id)[0]
    limit = page_limiter(2)
    event.listen(app.engine, "connect", limit)
    app.engine.dispose()  # the next connection is limited
    counted = 0
    with pytest.raises(StorageError) as refused:
        for _ in range(5000):
            app.visits.count(site_id=site.id, service_id=service.id)
            counted += 1
    assert counted > 0
    assert refused.value.kind == StorageError.FULL
    assert refused.value.message.startswith("Le disque est plein : rien n'a été enregistré.")
    assert "Libérez de la place" in refused.value.message
    event.remove(app.engine, "connect", limit)
    app.engine.dispose()
    assert visits_in_app(app) == counted  # the refused one is not half there
    app.visits.count(site_id=site.id, service_id=service.id)  # space freed: it works again
    assert visits_in_app(app) == counted + 1


def visits_in_app(app: Comptoir) -> int:
    with app.uow() as uow:
        return int(uow.session.execute(select(func.count()).select_from(Visit)).scalar_one())


# -- importing -----------------------------------------------------------------------------
def test_an_import_on_a_full_disk_exits_2_and_imports_nothing(
    app: Comptoir,
    site: SiteInfo,
    db_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    app.close()
    real_hook = db_module._on_sqlite_connect
    limit = page_limiter(3)

    def limited(connection: Any, record: Any) -> None:
        real_hook(connection, record)
        limit(connection, record)

    monkeypatch.setattr(db_module, "_on_sqlite_connect", limited)
    csv = write_csv(tmp_path / "visites.csv", 3000)

    assert main(["--db", str(db_path), "import", "visits", str(csv)]) == 2

    err = capsys.readouterr().err
    assert "Erreur : Le disque est plein" in err
    assert "Traceback" not in err
    monkeypatch.setattr(db_module, "_on_sqlite_connect", real_hook)
    assert visits_in(db_path) == 0


# -- backing up ----------------------------------------------------------------------------
LIMITED = """
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # write() then fails with EFBIG
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
from tiers_lieu.__main__ import main
sys.exit(main(sys.argv[2:]))
"""


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE est propre à POSIX")
def test_a_backup_on_a_full_disk_exits_2_and_leaves_no_partial_copy(
    app: Comptoir, site: SiteInfo, db_path: Path, tmp_path: Path
) -> None:
    app.close()
    out = tmp_path / "cle" / "copie.sqlite"
    out.parent.mkdir()
    limit = db_path.stat().st_size // 3  # the copy is larger than the disk has room for
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            LIMITED,
            str(limit),
            "--db",
            str(db_path),
            "backup",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2, done.stderr
    assert "Erreur : Le disque" in done.stderr and "plein" in done.stderr
    assert "Traceback" not in done.stderr
    assert sorted(p.name for p in out.parent.iterdir()) == []  # nothing half-written
    assert visits_in(db_path) == 0  # the base itself is untouched and readable


# -- read-only file or folder --------------------------------------------------------------
# Root reads and writes whatever the permission bits say through two capabilities; a child
# process without them (dropped from its bounding set before exec) obeys the bits as any user.
PR_CAPBSET_DROP, CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 24, 1, 2


def _drop_root_powers() -> None:
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


@pytest.fixture
def place(app: Comptoir, site: SiteInfo, db_path: Path, tmp_path: Path) -> Iterator[Path]:
    """A folder holding a copy of the test's base, closed."""
    app.close()
    folder = tmp_path / "lieu"
    folder.mkdir()
    shutil.copyfile(db_path, folder / "comptoir.sqlite")
    try:
        yield folder
    finally:
        os.chmod(folder, 0o755)


def run_as_user(*args: str) -> subprocess.CompletedProcess[str]:
    """``tiers-lieu ARGS`` in a child process that obeys the permission bits (root drops
    its two capabilities that ignore them)."""
    return subprocess.run(
        [sys.executable, "-m", "tiers_lieu", *args],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=_drop_root_powers if os.geteuid() == 0 else None,
    )


posix_only = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="droits POSIX et prctl de Linux"
)


@posix_only
def test_a_read_only_base_is_said_so_with_exit_2(place: Path) -> None:
    base = place / "comptoir.sqlite"
    csv = write_csv(place / "visites.csv", 5)
    os.chmod(base, 0o444)

    done = run_as_user("--db", str(base), "import", "visits", str(csv))

    assert done.returncode == 2, done.stderr
    assert "lecture seule" in done.stderr and "Vérifiez les droits" in done.stderr
    assert "Traceback" not in done.stderr
    os.chmod(base, 0o644)
    assert visits_in(base) == 0


@posix_only
def test_a_read_only_folder_is_said_so_with_exit_2(place: Path) -> None:
    base = place / "comptoir.sqlite"
    os.chmod(place, 0o555)  # SQLite cannot create the base's -wal and -shm

    done = run_as_user("--db", str(base), "init", "--site", "Autre lieu")

    assert done.returncode == 2, done.stderr
    assert "ne peut pas être ouvert" in done.stderr or "lecture seule" in done.stderr
    assert "Vérifiez les droits" in done.stderr
    assert "Traceback" not in done.stderr
    os.chmod(place, 0o755)
    connection = sqlite3.connect(base)
    try:
        names = [row[0] for row in connection.execute("SELECT name FROM site")]
    finally:
        connection.close()
    assert names == ["Le Comptoir de Felletin"]


# -- the mapping itself --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("exc", "kind"),
    [
        (OSError(errno.ENOSPC, "No space left on device", "/media/cle/copie.sqlite"), "full"),
        (OSError(errno.EFBIG, "File too large"), "full"),
        (OSError(errno.EROFS, "Read-only file system", "/media/cle"), "read-only"),
        (PermissionError(errno.EACCES, "Permission denied", "/srv/comptoir"), "read-only"),
        (sqlite3.OperationalError("database or disk is full"), "full"),
        (sqlite3.OperationalError("attempt to write a readonly database"), "read-only"),
        (sqlite3.OperationalError("unable to open database file"), "cannot-open"),
    ],
)
def test_disk_errors_become_french_messages(exc: BaseException, kind: str) -> None:
    found = storage_error(exc)
    assert found is not None and found.kind == kind
    assert "recommencez" in found.message


def test_wrapped_errors_are_found_and_others_are_not() -> None:
    from sqlalchemy.exc import OperationalError

    wrapped = OperationalError("INSERT …", {}, sqlite3.OperationalError("database or disk is full"))
    found = storage_error(wrapped)
    assert found is not None and found.kind == StorageError.FULL
    assert storage_error(sqlite3.OperationalError("no such table: visit")) is None
    assert storage_error(OSError(errno.ENOENT, "No such file")) is None
    assert storage_error(ValueError("database or disk is full")) is None  # not from SQLite
