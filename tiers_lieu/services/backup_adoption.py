"""Backups made when every base of a folder shared one ``sauvegardes`` folder, moved once
into the folder of the base they copy.

Up to 2026-12, the backups of ``lieu.sqlite`` went to ``sauvegardes/`` beside it, named
``comptoir-<date>.sqlite`` whatever the base: two bases kept side by side (a coordinator's
Documents) shared the folder, its settings and its thinning, so one base's thinning deleted
the other's copies and the encryption of one re-made the other's under a key it did not
have. Each base now has ``sauvegardes/<name>/`` (:func:`~.backup_folder.backup_folder_of`).

At each start, before anything else touches the backups, :func:`adopt_shared_backups` moves
the loose copies of the shared folder that are this base's into its own: all of them when no
other SQLite file sits beside the base (a desk's data folder), else those whose places (the
``site`` rows, read from plain copies) are this base's and no other base's. A copy that
cannot be told (encrypted, unreadable, holding another base's places too) stays where it is,
out of every thinning, and can still be restored by choosing its file. The shared settings
(the external folder chosen, the last copies) are copied to the base's folder the first time.
Copies found not to be this base's are listed in its folder and not read again at the next
starts. A copy moves before its key file: a start cut between the two finds the key file left
behind and moves it then.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from tiers_lieu import encryption
from tiers_lieu.encryption import key_file_for
from tiers_lieu.private_files import private_folder, write_whole
from tiers_lieu.services import encryption_swap as swap
from tiers_lieu.services.backup_folder import (
    FOLDER_NAME,
    MIGRATION_PREFIX,
    PREFIX,
    RESTORE_PREFIX,
    SETTINGS_NAME,
    backup_folder_of,
    no_backup_under_way,
)

log = logging.getLogger(__name__)

COPY_PREFIXES = (PREFIX, MIGRATION_PREFIX, RESTORE_PREFIX)
LEFT_NAME = ".laissees-dossier-commun"
"""In the base's own folder: the names of the shared folder's copies found not to be this
base's (or unreadable), one a line, so that a start does not open them all again."""

SiteIds = frozenset[str] | None
"""The places of a file, ``None`` when they cannot be read (encrypted, not a base)."""


def adopt_shared_backups(db_path: Path) -> list[Path]:
    """Move this base's loose copies from the shared ``sauvegardes`` folder into its own
    folder; returns the copies moved (where they now are)."""
    shared = db_path.parent / FOLDER_NAME
    own = backup_folder_of(db_path)
    if not shared.is_dir() or not db_path.is_file():
        return []
    _copy_settings(shared, own)
    loose = sorted(
        path
        for path in shared.glob("*.sqlite")
        if path.name.startswith(COPY_PREFIXES) and path.is_file()
    )
    moved: list[Path] = []
    with no_backup_under_way(shared) as free:
        if not free and os.name == "posix":
            return []  # an older Comptoir is writing there: the next start moves them
        _follow_key_files(shared, own)
        # Copies already found to be another base's (or unreadable) are not read again at
        # every start: only those an older Comptoir wrote since.
        left_before = _left_names(own)
        loose = [path for path in loose if path.name not in left_before]
        if not loose:
            return []
        others = [
            path
            for path in db_path.parent.glob("*.sqlite")
            if path.is_file() and path.resolve() != db_path.resolve()
        ]
        owner_sites = _site_ids(db_path) if others else frozenset()
        other_sites = [_site_ids(path) for path in others]
        for copy in loose:
            if others and not _belongs(_site_ids(copy), owner_sites, other_sites):
                continue
            private_folder(own)
            target = own / copy.name
            if target.exists():
                continue
            os.replace(copy, target)
            key_file = key_file_for(copy)
            if key_file.exists():
                os.replace(key_file, key_file_for(target))
            moved.append(target)
    if moved:
        log.info("%d sauvegarde(s) rangée(s) dans %s", len(moved), own)
    left = sorted({path.name for path in loose} - {path.name for path in moved})
    if left:
        log.info(
            "%d sauvegarde(s) d'une autre base (ou illisibles) laissée(s) dans %s",
            len(left),
            shared,
        )
        _remember_left(own, left_before | set(left))
    return moved


def _left_names(own: Path) -> set[str]:
    try:
        return set((own / LEFT_NAME).read_text(encoding="utf-8").split("\n")) - {""}
    except OSError:
        return set()


def _remember_left(own: Path, names: set[str]) -> None:
    try:
        private_folder(own)
        write_whole(own / LEFT_NAME, "\n".join(sorted(names)).encode("utf-8"))
    except OSError as exc:
        log.warning("Liste des sauvegardes laissées non écrite : %s", exc)


def _copy_settings(shared: Path, own: Path) -> None:
    source, target = shared / SETTINGS_NAME, own / SETTINGS_NAME
    if target.exists() or not source.is_file():
        return
    try:
        data = source.read_bytes()
        private_folder(own)
        write_whole(target, data)
    except OSError as exc:
        log.warning("Réglages des sauvegardes non copiés : %s", exc)


def _follow_key_files(shared: Path, own: Path) -> None:
    """Key files left behind by a start cut between a copy's move and its key file's."""
    if not own.is_dir():
        return
    for key_file in shared.glob("*.sqlite" + encryption.KEY_FILE_SUFFIX):
        copy_name = key_file.name[: -len(encryption.KEY_FILE_SUFFIX)]
        if (own / copy_name).is_file() and not (shared / copy_name).exists():
            os.replace(key_file, key_file_for(own / copy_name))


def _belongs(copy: SiteIds, owner: SiteIds, others: list[SiteIds]) -> bool:
    """The copy holds places of this base and of no other base of the folder (every other
    one read)."""
    if not copy or not owner or not copy & owner:
        return False
    return all(other is not None and not copy & other for other in others)


def _site_ids(path: Path) -> SiteIds:
    """The ids of the places in a plain SQLite file, read-only; ``None`` when unreadable.
    A plain SQLite file of another program has no place: an empty set."""
    if key_file_for(path).exists() or not swap.starts_plain(path):
        return None
    try:
        connection = encryption.connect(path, read_only=True, key=None)
        try:
            tables = connection.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'site'"
            ).fetchall()
            if not tables:
                return frozenset()
            return frozenset(str(row[0]) for row in connection.execute("SELECT id FROM site"))
        finally:
            connection.close()
    except encryption.database_errors(OSError):
        return None
