"""The live database file belongs to SQLite alone (issue 14, point 1).

A real desk process counts visits and makes its automatic backup; another process then opens
and closes the same file (what ``tiers-lieu report`` or a database viewer does); the desk
counts more and is killed with SIGKILL. Every visit it reported saved must be in the file.

The defect this guards against: a check of the file's first bytes with Python's ``open()``
inside the desk's process. Closing that handle drops every POSIX lock the process holds on
the file, SQLite's included; the other process, finding no lock, takes its close for the last
one and deletes the WAL the desk is still writing to, so the desk's later commits went into a
deleted file and vanished at the crash.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tiers_lieu import encryption
from tiers_lieu import encryption_keys as keys
from tiers_lieu.app import Comptoir
from tiers_lieu.services.backups import backups_for
from tiers_lieu.services.encryption import EncryptionService
from tiers_lieu.services.readmodels import SiteInfo

sys.path.insert(0, str(Path(__file__).parent))
from kill_worker import Worker

ROUNDS = 20
BEFORE, AFTER = 3, 5
PASSPHRASE = "le lavoir de Felletin"

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="fork() est nécessaire")


def visit_ids(db_path: Path, key: bytes | None) -> set[str]:
    """What another program finds in the file: it opens it (for writing, as any program
    does), reads, and closes it."""
    connection = encryption.connect(db_path, key=key)
    try:
        rows = connection.execute("SELECT id FROM visit").fetchall()
    finally:
        connection.close()
    # SQLAlchemy stores UUIDs as 32 hex digits in SQLite.
    return {str(row[0]) for row in rows}


def hex_id(text: str) -> str:
    return text.replace("-", "")


@pytest.fixture(params=["en clair", "chiffrée"])
def desk(
    request: pytest.FixtureRequest,
    app: Comptoir,
    site: SiteInfo,
    db_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[tuple[Worker, Path, bytes | None]]:
    """The fork server of desks on the test's base, plain or encrypted, and the key."""
    service = app.config.list_services(site.id)[0]
    app.close()  # this process must hold nothing on the file: it plays the other program
    key = None
    if request.param == "chiffrée":
        if not encryption.available():
            pytest.skip("sqlcipher3 absent")
        # A cheap key derivation: the desks read its cost from the key file.
        monkeypatch.setattr(keys, "ARGON2_TIME_COST", 1)
        monkeypatch.setattr(keys, "ARGON2_MEMORY_KIB", 1024)
        EncryptionService(backups_for(f"sqlite:///{db_path}")).encrypt(PASSPHRASE)
        key = encryption.cached_key(db_path)
        monkeypatch.setenv(encryption.PASSPHRASE_ENV, PASSPHRASE)  # the desks inherit it
    worker = Worker([str(db_path), str(site.id), str(service.id), "1", str(tmp_path)])
    try:
        yield worker, db_path, key
    finally:
        worker.close()
        encryption.forget_keys()


def test_another_program_opening_the_file_loses_no_visit(
    desk: tuple[Worker, Path, bytes | None],
) -> None:
    worker, db_path, key = desk
    reported: set[str] = set()
    for round_ in range(1, ROUNDS + 1):
        pid, first = worker.desk_until_backup(BEFORE, AFTER)
        assert len(first) == BEFORE
        # The other program: opens the file, reads, closes (the last close checkpoints and
        # deletes the WAL when it believes no one else has the file open).
        assert {hex_id(i) for i in first} <= visit_ids(db_path, key)
        second = worker.resume_desk(pid)
        assert len(second) == AFTER
        reported |= {hex_id(i) for i in first + second}
        lost = reported - visit_ids(db_path, key)
        assert not lost, (
            f"tour {round_} : {len(lost)} visites enregistrées par le comptoir ont disparu"
        )
