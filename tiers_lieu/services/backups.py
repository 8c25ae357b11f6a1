"""Backups of the SQLite file, their thinning, the restore, and the check at start.

Every copy goes through SQLite's online backup API (a file copy of an open WAL database can
miss committed pages) and is verified with ``PRAGMA integrity_check`` before any older copy
is dropped, so a failing disk never leaves the desk with only bad copies. A copy is written
as ``….partiel`` and renamed once verified; what a killed backup leaves is removed at the next
start and at each thinning (:mod:`tiers_lieu.services.leftovers`), so that the folder stays
bounded, but never while a backup holds the folder's lock. Copies live in the base's own
folder, ``sauvegardes/<name of the base>/`` beside it (for the default file,
``data_dir()/sauvegardes/comptoir``; bases kept side by side never share one, see
:mod:`~tiers_lieu.services.backup_adoption`) and, when a second folder (USB key, NAS) is
chosen and present, in the base's own folder there too. The same folder
holds the copy kept before a migration (:func:`keep_before_migration`, the same verified
path) and before a restore; :mod:`tiers_lieu.services.backup_thinning` says which stay.
The choice of that folder, the date of the last external copy and the fingerprint of the
file at the last copy are kept in a small JSON file in the backup folder: they belong to
this desk's file, not to the data that is backed up.

"Changes happened" is read from the size and modification time of the database file and its
WAL: a commit always writes one of them and reading never does, which costs two ``stat``
calls instead of a query.

An encrypted database (``tiers_lieu.encryption``) gives encrypted copies, made with the
same key, each with a copy of the key file beside it (``….sqlite.cle.json``): a copy on a USB
key can be restored on another laptop with the passphrase or the recovery code. A restore
never removes the encryption: the restored file takes the key of the current database.
"""

from __future__ import annotations

import json
from contextlib import AbstractContextManager, nullcontext, suppress
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from tiers_lieu import encryption
from tiers_lieu.db import MIGRATIONS_DIR, backup_sqlite, one_at_a_time, sqlite_path
from tiers_lieu.encryption import integrity_problems
from tiers_lieu.errors import ComptoirError
from tiers_lieu.i18n import _, ngettext
from tiers_lieu.private_files import private_folder, write_whole
from tiers_lieu.services import backup_folder, leftovers
from tiers_lieu.services.backup_thinning import (
    STAMP_FORMAT,
    stamp_of,
    thin_dated_copies,
    thin_kept_copies,
)
from tiers_lieu.services.encryption_swap import remove_copy

AUTO_INTERVAL = timedelta(minutes=30)
EXTERNAL_WARNING_AGE = timedelta(days=7)


@dataclass(frozen=True)
class BackupInfo:
    """One backup file."""

    path: Path
    taken_at: datetime
    size: int
    external: bool = False


# -- checks on a file ---------------------------------------------------------------------
def known_revisions() -> set[str]:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    script = ScriptDirectory.from_config(config)
    return {revision.revision for revision in script.walk_revisions()}


def verify_comptoir_file(path: Path) -> None:
    """Raise a French :class:`ComptoirError` unless ``path`` is a sound Comptoir database.
    Read without leaving anything beside it (a damaged file kept its -wal and -shm)."""
    if not path.is_file():
        raise ComptoirError(_("Le fichier « {path} » n'existe pas.").format(path=path))
    problems = integrity_problems(path, untouched=True)
    if problems:
        raise ComptoirError(
            _("Le fichier « {path} » est endommagé ({detail}) ; il n'a pas été utilisé.").format(
                path=path.name, detail=problems[0]
            )
        )
    try:
        with encryption.untouched_connection(path) as connection:
            rows = connection.execute("SELECT version_num FROM alembic_version").fetchall()
            connection.execute("SELECT count(*) FROM site").fetchone()
    except encryption.database_errors():
        rows = []
    if len(rows) != 1:
        raise ComptoirError(
            _("Le fichier « {path} » n'est pas une base de données Comptoir.").format(
                path=path.name
            )
        )
    if rows[0][0] not in known_revisions():
        raise ComptoirError(
            _(
                "Le fichier « {path} » vient d'une version plus récente de Comptoir "
                "(schéma {revision}) ; installez-la pour le restaurer."
            ).format(path=path.name, revision=rows[0][0])
        )


def postgresql_refusal() -> ComptoirError:
    """Why a PostgreSQL base has no backup or restore here (its server keeps its own)."""
    return ComptoirError(
        _(
            "Les sauvegardes de Comptoir concernent une base SQLite ; pour une base "
            "PostgreSQL, utilisez pg_dump et pg_restore."
        )
    )


class BackupService:
    """Backups of one SQLite database file (PostgreSQL is backed up with ``pg_dump``)."""

    def __init__(self, url: str, *, folder: Path | None = None) -> None:
        path = sqlite_path(url)
        if path is None:
            raise postgresql_refusal()
        self.db_path = path
        self.folder = folder or backup_folder.backup_folder_of(path)
        self._settings_path = self.folder / backup_folder.SETTINGS_NAME

    # -- settings ------------------------------------------------------------------------
    def _settings(self) -> dict[str, str]:
        return backup_folder.backup_settings(self.folder)

    def _save_settings(self, **values: str | None) -> None:
        data = self._settings()
        for key, value in values.items():
            if value is None:
                data.pop(key, None)
            else:
                data[key] = value
        private_folder(self.folder)
        write_whole(self._settings_path, json.dumps(data, indent=2).encode("utf-8"))

    def external_folder(self) -> Path | None:
        """The second folder chosen (a USB key, a NAS); the copies go to the base's own
        folder in it (:meth:`folders`)."""
        value = self._settings().get("external_folder")
        return Path(value) if value else None

    def folders(self) -> list[Path]:
        """Where this base's copies are: its backup folder and, when the external folder is
        plugged in, the base's own folder in it."""
        return backup_folder.backup_folders(self.db_path, self.folder)

    def set_external_folder(self, folder: Path | None) -> None:
        self._save_settings(external_folder=str(folder) if folder else None)

    def last_external_backup(self) -> datetime | None:
        value = self._settings().get("last_external")
        return datetime.fromisoformat(value) if value else None

    def external_backup_warning(self, now: datetime | None = None) -> str | None:
        """A French sentence for the status bar when the external copy is missing or old."""
        if self.external_folder() is None:
            return None
        last = self.last_external_backup()
        now = now or datetime.now()
        if last is None:
            return _(
                "Aucune sauvegarde externe n'a encore été faite : branchez la clé ou le disque."
            )
        if now - last > EXTERNAL_WARNING_AGE:
            days = (now - last).days
            return ngettext(
                "Dernière sauvegarde externe il y a {days} jour : branchez la clé ou le disque.",
                "Dernière sauvegarde externe il y a {days} jours : branchez la clé ou le disque.",
                days,
            ).format(days=days)
        return None

    # -- backups -------------------------------------------------------------------------
    def fingerprint(self) -> str:
        parts = []
        for path in (self.db_path, self.db_path.with_name(self.db_path.name + "-wal")):
            try:
                stat = path.stat()
                parts.append(f"{stat.st_size}:{stat.st_mtime_ns}")
            except OSError:
                parts.append("-")
        return "/".join(parts)

    def backup(self, target: Path | None = None, *, now: datetime | None = None) -> BackupInfo:
        """Copy the live database to ``target`` (or a new file of the backup folder), verify
        it, then thin the older automatic copies (and write the external folder if present)."""
        now = now or datetime.now()
        if not self.db_path.is_file():
            raise ComptoirError(_("La base « {path} » n'existe pas.").format(path=self.db_path))
        dated = target is None
        if target is None:
            target = self.folder / f"{backup_folder.PREFIX}{now.strftime(STAMP_FORMAT)}.sqlite"
        fingerprint = self.fingerprint()
        with one_at_a_time(self.db_path), self._under_way(target.parent):
            _write_verified_copy(self.db_path, target)
        info = BackupInfo(target, now, target.stat().st_size)
        if dated:
            self._save_settings(fingerprint=fingerprint, last_backup=now.isoformat())
            self._thin(self.folder, now)
            self._write_external(target, now)
        return info

    def _write_external(self, source: Path, now: datetime) -> None:
        folders = self.folders()
        if len(folders) < 2:
            return
        folder = folders[1]
        try:
            with backup_folder.backup_under_way(folder):
                _write_verified_copy(source, folder / source.name)
        except encryption.database_errors(OSError, ComptoirError):
            return
        self._save_settings(last_external=now.isoformat())
        self._thin(folder, now)

    def _under_way(self, folder: Path) -> AbstractContextManager[None]:
        """The lock that keeps the clean-up off a partial copy: in the backup folder (a
        copy given elsewhere, ``--out``, gets no lock file beside it)."""
        if folder.resolve() == self.folder.resolve():
            return backup_folder.backup_under_way(folder)
        return nullcontext()

    @staticmethod
    def _thin(folder: Path, now: datetime) -> leftovers.Cleanup:
        """Drop what interrupted backups left (partial copies no backup is writing), then
        the copies :mod:`~tiers_lieu.services.backup_thinning` does not keep; returns what
        went."""
        done = leftovers.clean_backup_folder(folder)
        done.merge(thin_dated_copies(folder, now))
        done.merge(thin_kept_copies(folder))
        return done

    def changed_since_last_backup(self) -> bool:
        return self._settings().get("fingerprint") != self.fingerprint()

    def maybe_backup(self, reason: str, *, now: datetime | None = None) -> BackupInfo | None:
        """``reason``: "start" (after a change), "timer" (every 30 minutes while changes
        happen) or "import"/"migration" (always). Returns the backup made, if any."""
        now = now or datetime.now()
        if not self.db_path.is_file():
            return None
        if reason in ("start", "timer"):
            if not self.changed_since_last_backup():
                return None
            last = self._settings().get("last_backup")
            if reason == "timer" and last and now - datetime.fromisoformat(last) < AUTO_INTERVAL:
                return None
        return self.backup(now=now)

    def list_backups(self) -> list[BackupInfo]:
        """Every copy of the backup folder and of the external folder, newest first."""
        found: list[BackupInfo] = []
        for index, folder in enumerate(self.folders()):
            if not folder.is_dir():
                continue
            is_external = index > 0
            for path in folder.glob("*.sqlite"):
                stat = path.stat()
                stamp = stamp_of(path) or datetime.fromtimestamp(stat.st_mtime)
                found.append(BackupInfo(path, stamp, stat.st_size, is_external))
        return sorted(found, key=lambda info: info.taken_at, reverse=True)

    def latest_good_backup(self) -> BackupInfo | None:
        for info in self.list_backups():
            try:
                verify_comptoir_file(info.path)
            except ComptoirError:
                continue
            return info
        return None

    # -- restore and check ---------------------------------------------------------------
    def restore(self, source: Path, *, now: datetime | None = None) -> Path | None:
        """Put ``source`` in place of the database, after verifying it; the current file is
        kept as ``avant-restauration-….sqlite`` in the backup folder (returned; ``None``
        when there was no base, as on a new computer).

        Refused, nothing changed, while another program has the base open
        (:mod:`tiers_lieu.services.restore`); this process's own connections must be closed
        first (the window disposes its engine), and a migration runs at the next opening.
        """
        from tiers_lieu.services.restore import restore_into

        now = now or datetime.now()
        verify_comptoir_file(source)
        kept = restore_into(self.db_path, self.folder, source, now)
        self._save_settings(fingerprint=self.fingerprint())
        thin_kept_copies(self.folder)
        return kept

    def quick_check(self) -> list[str]:
        """What is wrong with the database file at start (empty list: nothing)."""
        if not self.db_path.exists():
            return []
        return integrity_problems(self.db_path, quick=True)


def _write_verified_copy(source: Path, target: Path) -> None:
    """A copy of ``source`` written as ``target.partiel``, verified, then given its name;
    nothing of it is left when anything fails (a kill leaves the partial copy to the
    clean-up, :mod:`tiers_lieu.services.leftovers`)."""
    partial = target.with_name(target.name + backup_folder.PARTIAL_SUFFIX)
    remove_copy(partial)
    try:
        backup_sqlite(source, partial)
        problems = integrity_problems(partial)
        if problems:
            raise ComptoirError(
                _(
                    "La sauvegarde n'a pas pu être vérifiée ({detail}) ; "
                    "les anciennes sont gardées."
                ).format(detail=problems[0])
            )
        encryption.move_copy(partial, target)
    except BaseException:
        with suppress(OSError):  # the first failure is the one to tell
            remove_copy(partial)
        raise


def keep_before_migration(
    db_path: Path, revision: str, folder: Path | None = None, *, now: datetime | None = None
) -> Path:
    """The verified copy of the base at schema ``revision`` made before migrating it, as
    ``avant-migration-<revision>-….sqlite``, written like every backup (a partial copy under
    the folder's lock, renamed once verified: a start killed meanwhile leaves no half copy
    under a backup's name); the oldest such copies are then thinned."""
    folder = folder or backup_folder.backup_folder_of(db_path)
    stamp = (now or datetime.now()).strftime(STAMP_FORMAT)
    target = folder / f"{backup_folder.MIGRATION_PREFIX}{revision}-{stamp}.sqlite"
    with one_at_a_time(db_path), backup_folder.backup_under_way(folder):
        _write_verified_copy(db_path, target)
    thin_kept_copies(folder)
    return target


def backups_for(url: str) -> BackupService | None:
    """The backups of the base at ``url``, without opening the base; ``None`` on PostgreSQL,
    whose server keeps its own. What :func:`tiers_lieu.app.build` gives as ``app.backups``,
    and what ``backup``, ``restore`` and ``encrypt`` work on without an application: a
    backup must be possible when the base cannot be migrated, and a restore is refused while
    anything (this process too) holds the base. Defined here, not in :mod:`tiers_lieu.app`,
    so that these commands do not import every service (about 0.5 s)."""
    return BackupService(url) if sqlite_path(url) is not None else None
