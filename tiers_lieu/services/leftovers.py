"""What interrupted work leaves on the disk, and its removal at start and when backups thin.

A backup killed mid-copy leaves a full-size ``….sqlite.partiel`` (and its SQLite journal); a
restore, ``….sqlite.restauration``; an encryption or the re-encryption of a backup, an
encrypted ``….chiffrement`` and, worse, plain bytes under ``….en-clair``. Nothing else ever
removes them: :func:`tidy_at_start` runs once at start, before the engine exists (the window
and every command go through it), and :func:`clean_backup_folder` again each time backups
are thinned, so the backup folder stays bounded.

Never removed: a backup itself, and the journal, WAL or shared-memory file of a base that
exists — a ``-journal`` beside a live base may be the hot journal SQLite needs to roll back.
Only the side files of a leftover, or of a file that is gone, are strays.

A file that another process may be writing right now is left alone: every backup, the copy
a migration keeps first and every restore hold a shared lock on ``.verrou-sauvegardes`` in
the backup folder while their partial copy exists (a restore: also its ``.restauration``
beside the base), and the clean-up removes those only when it gets that lock exclusively
(nothing under way anywhere), or when they are older than :data:`STALE_AFTER` (where there
is no such lock: Windows, some network shares, the external folder).

:func:`tidy_at_start` returns what it did as :class:`StartNotes`, for the user: the window
shows an encryption finished or undone in a dialog and the space freed in its status bar, the
command line prints both; the log only keeps a trace.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from sqlalchemy.exc import ArgumentError

from tiers_lieu import encryption
from tiers_lieu.db import sqlite_path
from tiers_lieu.encryption import KEY_FILE_SUFFIX, key_file_for
from tiers_lieu.errors import ComptoirError
from tiers_lieu.i18n import format_number, ngettext
from tiers_lieu.private_files import tighten
from tiers_lieu.services import encryption_swap as swap
from tiers_lieu.services.backup_adoption import adopt_shared_backups
from tiers_lieu.services.backup_folder import (
    LOCK_NAME,
    MIGRATION_PREFIX,
    PARTIAL_SUFFIX,
    PREFIX,
    RESTORE_PREFIX,
    RESTORE_SUFFIX,
    SETTINGS_NAME,
    backup_folder_of,
    backup_folders,
    no_backup_under_way,
)

log = logging.getLogger(__name__)

STALE_AFTER = timedelta(minutes=15)


@dataclass
class Cleanup:
    """What a clean-up removed."""

    removed: list[Path] = field(default_factory=list)
    freed: int = 0
    wiped: list[Path] = field(default_factory=list)

    def remove(self, path: Path) -> None:
        """Remove ``path`` if it is there; one that cannot be removed (a read-only key) is
        logged and left: a clean-up never stops a backup or a start."""
        try:
            size = path.stat().st_size
            path.unlink()
        except FileNotFoundError:
            return
        except OSError as exc:
            log.warning("Reste non supprimé : %s (%s)", path, exc.strerror)
            return
        self.removed.append(path)
        self.freed += size

    def merge(self, other: Cleanup) -> None:
        self.removed += other.removed
        self.freed += other.freed
        self.wiped += other.wiped


@dataclass(frozen=True)
class StartNotes:
    """What the start found and did, in French. ``alerts``: an encryption finished, undone or
    still running, plain bytes wiped, backups left plain — the user must read them (a
    dialog). ``freed``: the leftovers removed and the space freed (a status bar line).
    Iterating gives every message, alerts first."""

    alerts: tuple[str, ...] = ()
    freed: str | None = None

    def __iter__(self) -> Iterator[str]:
        yield from self.alerts
        if self.freed:
            yield self.freed

    def __bool__(self) -> bool:
        return bool(self.alerts or self.freed)


# -- the clean-up ---------------------------------------------------------------------------
def _old(path: Path, now: float) -> bool:
    """Untouched for :data:`STALE_AFTER`, its side files included."""
    newest = 0.0
    for suffix in ("", *swap.SIDE_FILES):
        try:
            newest = max(newest, path.with_name(path.name + suffix).stat().st_mtime)
        except FileNotFoundError:
            continue
    return now - newest > STALE_AFTER.total_seconds()


def _remove_copy(path: Path, done: Cleanup) -> None:
    for suffix in ("", *swap.SIDE_FILES):
        done.remove(path.with_name(path.name + suffix))
    done.remove(key_file_for(path))


def _main_of(side_file: Path) -> Path:
    for suffix in swap.SIDE_FILES:
        if side_file.name.endswith(suffix):
            return side_file.with_name(side_file.name[: -len(suffix)])
    return side_file


def clean_backup_folder(folder: Path, *, locked: bool | None = None) -> Cleanup:
    """Remove from a backup folder what interrupted work left: partial copies, what a cut
    re-encryption left (plain bytes under a second name, a key file beside a plain copy),
    side files and key files of copies that are gone. Only files no backup is writing:
    ``locked`` says whether none is under way (``None``: ask the lock); otherwise only
    files untouched for :data:`STALE_AFTER` go."""
    done = Cleanup()
    if not folder.is_dir():
        return done
    if locked is None:
        with no_backup_under_way(folder) as free:
            return clean_backup_folder(folder, locked=free)
    now = time.time()

    def idle(path: Path) -> bool:
        return locked or _old(path, now)

    # Only names Comptoir gives (``….sqlite…``): a folder may hold other programs' files.
    for suffix in (PARTIAL_SUFFIX, KEY_FILE_SUFFIX + PARTIAL_SUFFIX, swap.PARTIAL_SUFFIX):
        for partial in sorted(folder.glob("*.sqlite" + suffix)):
            # A key file is re-sealed (new passphrase) outside any backup: its age decides.
            sealing = partial.name.endswith(KEY_FILE_SUFFIX + PARTIAL_SUFFIX)
            if _old(partial, now) if sealing else idle(partial):
                _remove_copy(partial, done)
    for old in sorted(folder.glob("*.sqlite" + swap.PLAIN_SUFFIX)):
        main = old.with_name(old.name[: -len(swap.PLAIN_SUFFIX)])
        try:
            if idle(old) and swap.wipe_plain_copy(old, main):
                done.wiped.append(old)
        except OSError as exc:
            log.warning("Copie en clair non effacée : %s (%s)", old, exc.strerror)
    for side in sorted(folder.glob("*.sqlite*-journal")) + sorted(folder.glob("*.sqlite*-wal")):
        main = _main_of(side)
        if not main.exists() and idle(side):
            done.remove(side)
            done.remove(side.with_name(main.name + "-shm"))
    for key_file in sorted(folder.glob("*.sqlite" + KEY_FILE_SUFFIX)):
        copy = key_file.with_name(key_file.name[: -len(KEY_FILE_SUFFIX)])
        # Beside a plain copy, a key file would make it look encrypted, never re-made.
        if idle(key_file) and (not copy.exists() or swap.starts_plain(copy)):
            done.remove(key_file)
    return done


def plain_copies(folder: Path) -> list[Path]:
    """The backups of ``folder`` still in clear."""
    if not folder.is_dir():
        return []
    return [
        copy
        for copy in sorted(folder.glob("*.sqlite"))
        if not key_file_for(copy).exists() and swap.starts_plain(copy)
    ]


def clean_beside_base(db_path: Path, *, locked: bool | None = None) -> Cleanup:
    """A restore or a key file written when the process died (never the base's own side
    files). A ``.restauration`` goes at once when no restore holds the lock of the base's
    backup folder (``locked``: known free; ``None``: ask), else once it is old."""
    done = Cleanup()
    now = time.time()
    restore = db_path.with_name(db_path.name + RESTORE_SUFFIX)
    if restore.exists():
        if locked is None:
            folder = backup_folder_of(db_path)
            # No folder: no restore ever ran here (one makes it first); the age decides.
            if folder.is_dir():
                with no_backup_under_way(folder) as free:
                    return clean_beside_base(db_path, locked=free)
            locked = False
        if locked or _old(restore, now):
            _remove_copy(restore, done)
    for partial in (
        key_file_for(db_path).with_name(key_file_for(db_path).name + PARTIAL_SUFFIX),
        swap.journal_for(db_path).with_name(swap.journal_for(db_path).name + PARTIAL_SUFFIX),
    ):
        if partial.exists() and _old(partial, now):
            done.remove(partial)
    return done


def tidy_at_start(url: str) -> StartNotes:
    """Finish or undo what a crash cut short, and remove the leftovers, before anything
    opens the base; returns what was done, in French, for the caller to tell the user (it is
    only logged here). Never raises for a file it cannot remove: the start goes on and says
    why it cannot, if it cannot."""
    try:
        db_path = sqlite_path(url)
    except ArgumentError:
        return StartNotes()  # not a database address: the command says so itself
    if db_path is None:
        return StartNotes()
    alerts: list[str] = []
    done = Cleanup()
    try:
        adopt_shared_backups(db_path)
        journal = swap.Journal.load(db_path)
        alerts += swap.finish_interrupted(db_path)
        done.merge(clean_beside_base(db_path))
        folders = backup_folders(db_path)
        for folder in folders:
            done.merge(clean_backup_folder(folder))
        if (
            journal is not None
            and encryption.is_encrypted(db_path)
            and not swap.starts_plain(db_path)
        ):
            # Encrypted now, but cut before (or while) its backups were re-made encrypted.
            left = sum(len(plain_copies(folder)) for folder in folders)
            if left:
                alerts.append(plain_backups_message(left))
    except OSError as exc:
        log.warning("Nettoyage au démarrage incomplet : %s", exc)
    alerts += [swap.plain_copy_wiped_message(path) for path in done.wiped]
    tighten_at_start(db_path)
    notes = StartNotes(tuple(alerts), removed_message(done) if done.removed else None)
    for note in notes:
        log.info("%s", note)
    return notes


def tighten_at_start(db_path: Path) -> int:
    """The base, its side files, key file and journal, its backup folder and the backups
    in it (and in the external folder) made this account's only — 0600 files, 0700
    folders — where an older Comptoir left them readable by every account of the computer;
    the default data folder too. A folder the user chose for the base is left as it is.
    Only logged; returns how many paths changed."""
    from tiers_lieu.db import data_dir

    copy_prefixes = (PREFIX, MIGRATION_PREFIX, RESTORE_PREFIX)

    own = (SETTINGS_NAME, LOCK_NAME, "sauvegardes.tmp")
    files = [db_path.with_name(db_path.name + suffix) for suffix in ("", *swap.SIDE_FILES)]
    files += [key_file_for(db_path), swap.journal_for(db_path)]
    folders: list[Path] = []
    try:
        if db_path.parent.resolve() == data_dir().resolve():
            folders.append(db_path.parent)
        for index, folder in enumerate(backup_folders(db_path)):
            if not folder.is_dir():
                continue
            if index == 0:  # the backup folder beside the base; the external one is the user's
                folders.append(folder)
                files += [p for p in folder.iterdir() if ".sqlite" in p.name or p.name in own]
            else:  # only our copies among the user's files
                files += [p for p in folder.iterdir() if p.name.startswith(copy_prefixes)]
        changed = tighten(files, folders=folders)
    except (OSError, ComptoirError) as exc:
        log.warning("Droits des fichiers non vérifiés : %s", exc)
        return 0
    if changed:
        log.info(
            "Fichiers de Comptoir lisibles par les autres comptes de l'ordinateur : %d "
            "remis en 0600 (dossiers en 0700), autour de %s",
            changed,
            db_path,
        )
    return changed


def removed_message(done: Cleanup) -> str:
    return ngettext(
        "{n} fichier laissé par une sauvegarde ou une restauration interrompue a été supprimé "
        "({size} Mo libérés).",
        "{n} fichiers laissés par des sauvegardes ou des restaurations interrompues ont été "
        "supprimés ({size} Mo libérés).",
        len(done.removed),
    ).format(n=len(done.removed), size=format_number(round(done.freed / 1e6, 1)))


def plain_backups_message(count: int) -> str:
    return ngettext(
        "{n} sauvegarde reste en clair : relancez « tiers-lieu encrypt » pour la chiffrer.",
        "{n} sauvegardes restent en clair : relancez « tiers-lieu encrypt » pour les chiffrer.",
        count,
    ).format(n=count)
