"""Files and folders readable by the desk's own account only (issue 15, point 8).

The base, its SQLite side files, backups, key files, the encryption journal and the visits
waiting for the server name people: under the usual umask 022 they would be created 0644 in
0755 folders, readable by every account of the computer. Everything Comptoir writes about
people is therefore created here with an explicit mode — files 0600, folders 0700 — rather
than through a process-wide ``os.umask``, which would also apply to what the user saves in
a place of their choosing (a report PDF for a funder, a spreadsheet to share) and to other
threads' files.

SQLite creates the ``-wal``, ``-shm`` and ``-journal`` files with the base's own mode, so a
base file created 0600 before SQLite opens it (:func:`new_private_file`) is enough for its
side files. Folders are made level by level with ``mkdir(0o700)`` then ``chmod`` (``mkdir``'s
mode passes through the umask); a folder that exists already is the user's and is left.

:func:`tighten` brings files an older Comptoir left readable back to 0600/0700: only paths
Comptoir names itself, only when this account owns them, never raising (a FAT key refuses
``chmod``). On Windows ``chmod`` only sets the read-only bit: nothing here changes modes
there (:data:`POSIX`).

A database file is never opened here once it exists: :func:`new_private_file` checks that
the name is free first and creates it with ``O_EXCL``, under :func:`held_files.raw_access`
so that no connection of this process opens it meanwhile.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from contextlib import suppress
from pathlib import Path

from tiers_lieu.held_files import raw_access

log = logging.getLogger(__name__)

POSIX = os.name == "posix"
FILE_MODE = 0o600
FOLDER_MODE = 0o700
# Windows opens descriptors in text mode (\n written as \r\n) unless told otherwise.
BINARY = getattr(os, "O_BINARY", 0)


def private_folder(folder: Path) -> Path:
    """``folder``, created with its missing parents 0700; existing levels are left as they
    are (the user's home, a folder they chose). Returns ``folder``."""
    missing: list[Path] = []
    level = folder
    while not level.exists() and level.parent != level:
        missing.append(level)
        level = level.parent
    for each in reversed(missing):
        try:
            os.mkdir(each, FOLDER_MODE)
        except FileExistsError:
            continue  # made meanwhile by another desk: it is theirs to set
        if POSIX:
            with suppress(OSError):
                os.chmod(each, FOLDER_MODE)
    if not folder.is_dir():
        folder.mkdir(parents=True, exist_ok=True)  # raises the reason (a file in the way)
    return folder


def new_private_file(path: Path) -> bool:
    """Create ``path`` empty and 0600 if nothing has that name (``True`` when created), so
    that SQLite, opening it next, finds a private file and gives its side files the same
    mode. An existing file is not touched, nor opened."""
    if os.path.lexists(path):
        return False
    with raw_access(path) as free:
        if not free:
            return False  # a connection of this process has it: it exists already
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | BINARY, FILE_MODE)
        except FileExistsError:
            return False
        try:
            if POSIX:
                with suppress(OSError):
                    os.fchmod(fd, FILE_MODE)
        finally:
            os.close(fd)
    return True


def open_private(path: Path) -> int:
    """A descriptor writing ``path`` from empty, the file 0600 even if it existed (a
    partial file a killed write left readable). Never for a database file."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | BINARY, FILE_MODE)
    if POSIX:
        with suppress(OSError):
            os.fchmod(fd, FILE_MODE)
    return fd


def write_private(path: Path, data: bytes, *, sync: bool = False) -> None:
    """``path`` holding ``data``, 0600 (not atomic: write a partial file, then replace)."""
    fd = open_private(path)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        if sync:
            handle.flush()
            os.fsync(handle.fileno())


def _owned_and_loose(path: Path, allowed: int) -> bool:
    try:
        info = path.lstat()
    except OSError:
        return False
    if os.path.islink(path) or info.st_uid != os.geteuid():
        return False
    return bool(info.st_mode & 0o777 & ~allowed)


def tighten(files: Iterable[Path], *, folders: Iterable[Path] = ()) -> int:
    """Take away the other accounts' rights on ``files`` (to 0600) and ``folders`` (to
    0700) that this account owns; returns how many changed. Absent paths, links, other
    owners' files and refusals (a FAT key) are skipped silently."""
    if not POSIX:
        return 0
    changed = 0
    for paths, allowed in ((folders, FOLDER_MODE), (files, FILE_MODE)):
        for path in paths:
            if not _owned_and_loose(path, allowed):
                continue
            try:
                os.chmod(path, path.lstat().st_mode & allowed)
            except OSError as exc:
                log.debug("Droits inchangés sur %s (%s)", path, exc.strerror)
                continue
            changed += 1
    return changed
