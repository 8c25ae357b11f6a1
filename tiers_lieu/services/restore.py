"""Putting a verified backup in place of the base (``tiers-lieu restore``, Paramètres ›
Sauvegardes, the offer made at start when the base is damaged).

A restore must never run under a desk that is writing: that desk would go on committing
into a file that is no longer the base, and lose what it acknowledged. So the base is taken
with an exclusive lock first (:func:`tiers_lieu.encryption.exclusive_connection`, the test
``encrypt`` makes too): when any other program has it open, the restore is refused, in
French, before anything is changed. This process's own connections must be closed by the
caller (the window disposes its engine and waits for its background work).

Under that lock, the usual case copies the backup's pages INTO the base through SQLite's
backup API: the file keeps its inode, its WAL is SQLite's business, and a program opening
the base meanwhile waits for the lock, then reads the restored data. Only when that cannot
work — no base yet, a damaged one, or a plain base getting back an encrypted copy (the key
changes) — is the file swapped with ``os.replace`` after the lock is released.

The base as it was is kept first, as ``avant-restauration-….sqlite`` in the backup folder,
written as ``….partiel`` and renamed once whole, as backups are: a restore killed there
leaves no half copy under a backup's name. The whole restore holds the backup folder's lock
(:func:`tiers_lieu.services.backup_folder.restore_under_way`), so that the next start removes
what a killed one left (``.restauration``, the partial copy) at once, and never the files of
a restore still running.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Any

from tiers_lieu import encryption, held_files
from tiers_lieu.db import one_at_a_time
from tiers_lieu.errors import ComptoirError, DatabaseInUseError
from tiers_lieu.i18n import _
from tiers_lieu.private_files import private_folder
from tiers_lieu.services import audit_witness, backup_folder
from tiers_lieu.services.backup_folder import RESTORE_PREFIX
from tiers_lieu.services.backup_thinning import STAMP_FORMAT
from tiers_lieu.services.encryption_swap import remove_copy

RESTORE_SUFFIX = backup_folder.RESTORE_SUFFIX
SIDE_FILES = ("-wal", "-shm", "-journal")


def restore_into(db_path: Path, folder: Path, source: Path, now: datetime) -> Path | None:
    """Put ``source`` (verified by the caller) in place of ``db_path``; returns where the
    base as it was is kept (``None``: there was none, a new computer). Refused with
    :class:`DatabaseInUseError` while another program has the base open, nothing changed."""
    kept = folder / f"{RESTORE_PREFIX}{now.strftime(STAMP_FORMAT)}.sqlite"
    was_there = db_path.is_file()
    # The current key when the base is encrypted (an old plain copy comes back encrypted),
    # else the copy's own: a restore never takes the encryption away.
    keyed_like = db_path if encryption.is_encrypted(db_path) else source
    key = encryption.database_key(keyed_like)
    partial = db_path.with_name(db_path.name + RESTORE_SUFFIX)
    # An automatic backup under way ends first; a start meanwhile leaves our files alone.
    with one_at_a_time(db_path), backup_folder.restore_under_way(db_path, folder):
        if held_files.held_here(db_path):
            raise ComptoirError(
                _(
                    "Comptoir utilise encore la base sur ce poste (une opération en cours) : "
                    "réessayez dans un instant. Rien n'a été modifié."
                )
            )
        _remove(partial)
        try:
            encryption.copy_database(source, partial, key=key)
            if _in_place_possible(db_path, key):
                _restore_in_place(db_path, partial, kept, key)
            else:
                _swap_in(db_path, partial, kept, keyed_like)
        finally:
            _remove(partial)
        # The log went back with the base: what this desk saw of it no longer holds.
        audit_witness.forget_beside(db_path)
    return kept if was_there else None


def _in_place_possible(db_path: Path, key: bytes | None) -> bool:
    if not db_path.is_file():
        return False
    same_key = encryption.is_encrypted(db_path) or key is None
    return same_key and not encryption.integrity_problems(db_path, quick=True)


def _restore_in_place(db_path: Path, partial: Path, kept: Path, key: bytes | None) -> None:
    with encryption.exclusive_connection(db_path, key=key) as live:
        _keep_through(live, kept, key, db_path)
        restored = encryption.connect(partial, key=key)
        try:
            # One write transaction on the base: all the pages or, on failure, none.
            restored.backup(live)
        finally:
            restored.close()


def _swap_in(db_path: Path, partial: Path, kept: Path, keyed_like: Path) -> None:
    if db_path.is_file():
        _keep_before_swap(db_path, kept)
        for suffix in SIDE_FILES:
            db_path.with_name(db_path.name + suffix).unlink(missing_ok=True)
    # The key file first: a cut between the two is reported as an interrupted encryption,
    # never leaves encrypted bytes without their key.
    encryption.copy_key_file(keyed_like, db_path)
    os.replace(partial, db_path)


def _keep_before_swap(db_path: Path, kept: Path) -> None:
    """Refuse if the base is in use; keep it through SQLite when it can be read, else its
    bytes as they are (a damaged file)."""
    try:
        live_key = encryption.database_key(db_path)
    except ComptoirError:
        live_key = None  # its key file is lost: its bytes are kept below
    try:
        with encryption.exclusive_connection(db_path, key=live_key) as live:
            _keep_through(live, kept, live_key, db_path)
            return
    except DatabaseInUseError:
        raise  # a ComptoirError too, but the base is sound: refused, nothing kept
    except encryption.database_errors(ComptoirError):
        pass  # damaged: SQLite cannot read it, nor can any desk
    partial = _partial(kept)
    remove_copy(partial)
    encryption.keep_bytes(db_path, partial)
    encryption.copy_key_file(db_path, partial)
    encryption.move_copy(partial, kept)


def _partial(kept: Path) -> Path:
    return kept.with_name(kept.name + backup_folder.PARTIAL_SUFFIX)


def _keep_through(live: Any, kept: Path, key: bytes | None, keyed_like: Path) -> None:
    """A copy of the base through the connection that holds it (the backup API), with
    ``keyed_like``'s key file, written as ``….partiel`` and named once whole."""
    partial = _partial(kept)
    private_folder(partial.parent)
    remove_copy(partial)
    copy = encryption.connect(partial, key=key)
    try:
        live.backup(copy)
    except BaseException:
        copy.close()
        remove_copy(partial)
        raise
    copy.close()
    encryption.copy_key_file(keyed_like, partial)
    encryption.move_copy(partial, kept)


def _remove(path: Path) -> None:
    for suffix in ("", *SIDE_FILES):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
