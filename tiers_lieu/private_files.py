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

A whole file that must never be seen half-written (a key file, a journal, a JSON list, an
export) is written by :func:`write_whole` or :func:`writing_whole`: to a partial file beside
it, synced to the disk, renamed over it (``os.replace``), then the folder synced, so that a
crash or a power cut leaves the old file or the new one; the partial file goes if the
writing fails. They refuse a base this process holds, never replacing it.
"""

from __future__ import annotations

import errno
import logging
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO

from tiers_lieu.held_files import held_here, raw_access

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


def write_private(path: Path, data: bytes) -> None:
    """``path`` holding ``data``, 0600, not atomically (:func:`write_whole` is)."""
    fd = open_private(path)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def sync_folder(folder: Path) -> None:
    """Make a rename or a removal in ``folder`` survive a power cut, where the system can:
    Windows has no such call and some file systems (network shares) refuse it."""
    if not POSIX:
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EBADF):
            raise
    finally:
        os.close(fd)


def partial_of(path: Path, *, hidden: bool = False) -> Path:
    """Where the whole of ``path`` is written before it takes its name: ``NAME.partiel``
    beside it (``.NAME.partiel``, hidden, in a folder the user chose)."""
    return path.with_name(f".{path.name}.partiel" if hidden else f"{path.name}.partiel")


def _open_partial(path: Path, mode: int | None, hidden: bool) -> tuple[Path, int]:
    """The partial file of ``path``, opened; refused in French when ``path`` is a base this
    process holds (or one of its side files), a folder or a device (the rename would put a
    file in its place), or when the system refuses the name."""
    from tiers_lieu.errors import ComptoirError, file_error
    from tiers_lieu.i18n import _

    if held_here(path):
        raise ComptoirError(
            _(
                "« {path} » est la base de données ouverte : choisissez un autre nom, sans "
                "quoi la base serait écrasée."
            ).format(path=path)
        )
    if path.exists() and not path.is_file():
        raise ComptoirError(
            _("« {path} » est un dossier ou un périphérique, pas un fichier.").format(path=path)
        )
    partial = partial_of(path, hidden=hidden)
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | BINARY
    try:
        fd = os.open(partial, flags, 0o666 if mode is None else mode)
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError) as exc:
        raise file_error(_("« {path} » ne peut pas être écrit : {reason}."), path, exc) from exc
    except OSError as exc:
        if exc.errno != errno.ENAMETOOLONG:
            raise  # a full or read-only disk: the callers say what to do
        raise file_error(_("« {path} » ne peut pas être écrit : {reason}."), path, exc) from exc
    if POSIX and mode is not None:
        with suppress(OSError):
            os.fchmod(fd, mode)  # a partial file a killed write left with other rights
    return partial, fd


def _put_in_place(partial: Path, path: Path) -> None:
    os.replace(partial, path)
    sync_folder(path.parent)


@contextmanager
def writing_whole(
    path: Path, *, mode: int | None = FILE_MODE, hidden: bool = False
) -> Iterator[IO[bytes]]:
    """A binary handle on the partial file of ``path`` (:func:`partial_of`); when the block
    ends, the bytes are synced to the disk and the file takes the name ``path``, replacing
    what was there, the folder synced; if the block raises, the partial file is removed
    and ``path`` is left as it was. ``mode`` is the file's mode (0600 by default); None
    for a document of the user's (0666 less the umask, as any program makes them).
    Refuses (``RuntimeError``) a base this process holds."""
    partial, fd = _open_partial(path, mode, hidden)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        _put_in_place(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


@contextmanager
def writing_whole_by_name(
    path: Path, *, mode: int | None = FILE_MODE, hidden: bool = False
) -> Iterator[Path]:
    """:func:`writing_whole` for a writer that takes a file name (reportlab, a report):
    the block writes the partial file it is given, created empty with ``mode``."""
    partial, fd = _open_partial(path, mode, hidden)
    os.close(fd)
    try:
        yield partial
        fd = os.open(partial, os.O_RDWR | BINARY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        _put_in_place(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def write_whole(
    path: Path, data: bytes, *, mode: int | None = FILE_MODE, hidden: bool = False
) -> None:
    """``path`` replaced by ``data`` whole or not at all (:func:`writing_whole`)."""
    with writing_whole(path, mode=mode, hidden=hidden) as handle:
        handle.write(data)


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
