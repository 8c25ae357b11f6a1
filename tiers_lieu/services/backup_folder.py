"""A base's backup folder: its place and names, its small settings file, and the lock that
tells the clean-up a copy is being written there.

Each base has its own folder, ``sauvegardes/<name>/`` beside it (``lieu`` for
``lieu.sqlite``), and the same under the external folder chosen (USB key, NAS): bases kept
side by side never thin, encrypt or list each other's copies
(:mod:`~tiers_lieu.services.backup_adoption` moves, once, the copies older versions left in a
shared folder). Used by the backups (:mod:`~tiers_lieu.services.backups`), their thinning, the
restore and the clean-up of what interrupted work left (:mod:`~tiers_lieu.services.leftovers`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import IO

from tiers_lieu.private_files import private_folder

try:
    import fcntl
except ImportError:  # Windows: the age of a file decides alone
    fcntl = None  # type: ignore[assignment]

LOCK_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_APPEND

# -- the names in and beside a backup folder (the backups, their thinning and the restore
# use them too; the clean-up must know them to tell leftovers from copies) ------------------
FOLDER_NAME = "sauvegardes"
LOCK_NAME = ".verrou-sauvegardes"
SETTINGS_NAME = "sauvegardes.json"
"""The backup folder's small JSON file: the external folder chosen, the last copies, the
base's fingerprint at the last one (written by :class:`~.backups.BackupService`)."""
PARTIAL_SUFFIX = ".partiel"
RESTORE_SUFFIX = ".restauration"
PREFIX = "comptoir-"
"""Automatic copies: ``comptoir-AAAAMMJJ-HHMMSS.sqlite``."""
MIGRATION_PREFIX = "avant-migration-"
RESTORE_PREFIX = "avant-restauration-"


def base_folder_name(db_path: Path) -> str:
    """The name of a base's own folder among backups: ``lieu`` for ``lieu.sqlite``."""
    return db_path.stem if db_path.suffix == ".sqlite" else db_path.name


def backup_folder_of(db_path: Path) -> Path:
    """Where the backups of ``db_path`` go, and the lock of the work under way on it:
    ``sauvegardes/<name>/`` beside it, one folder per base, so that bases kept side by side
    never thin, encrypt or list each other's copies."""
    return db_path.parent / FOLDER_NAME / base_folder_name(db_path)


def backup_settings(folder: Path) -> dict[str, str]:
    """What the backup folder's :data:`SETTINGS_NAME` holds (nothing when it is missing or
    unreadable)."""
    try:
        data = json.loads((folder / SETTINGS_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def backup_folders(db_path: Path, folder: Path | None = None) -> list[Path]:
    """The backup folder of the base at ``db_path`` (``folder`` when given) and, when the
    external folder chosen is plugged in, the base's own folder in it."""
    folder = folder or backup_folder_of(db_path)
    value = backup_settings(folder).get("external_folder")
    external = Path(value) if value else None
    if external is None or not external.is_dir():
        return [folder]
    return [folder, external / base_folder_name(db_path)]


# -- the lock of a backup under way ---------------------------------------------------------
def _lock(handle: IO[bytes], *, exclusive: bool, wait: bool) -> bool:
    if fcntl is None:
        return False
    flags = (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | (0 if wait else fcntl.LOCK_NB)
    try:
        fcntl.flock(handle.fileno(), flags)
    except OSError:
        return False
    return True


@contextmanager
def backup_under_way(folder: Path) -> Iterator[None]:
    """Held (shared) by a backup while its partial copy exists in ``folder``."""
    private_folder(folder)
    try:  # a lock file, never a database; empty, 0600 as everything in the folder
        handle = os.fdopen(os.open(folder / LOCK_NAME, LOCK_FLAGS, 0o600), "ab")
    except OSError:
        yield
        return
    with handle:
        _lock(handle, exclusive=False, wait=True)
        yield


@contextmanager
def restore_under_way(db_path: Path, folder: Path) -> Iterator[None]:
    """Held by a restore from before its ``.restauration`` exists beside ``db_path`` until
    its copy of the base as it was has its name in ``folder``: the lock of the base's
    backup folder (which :func:`clean_beside_base` asks) and of ``folder`` if another."""
    folders = {backup_folder_of(db_path).resolve(), folder.resolve()}
    with ExitStack() as stack:
        for each in sorted(folders):
            stack.enter_context(backup_under_way(each))
        yield


@contextmanager
def no_backup_under_way(folder: Path) -> Iterator[bool]:
    """Yields ``True`` when no backup is writing in ``folder`` (and none starts until the
    block ends); ``False`` when one is, or when it cannot be known."""
    try:
        handle = os.fdopen(os.open(folder / LOCK_NAME, LOCK_FLAGS, 0o600), "ab")
    except OSError:
        yield False
        return
    with handle:
        yield _lock(handle, exclusive=True, wait=False)
