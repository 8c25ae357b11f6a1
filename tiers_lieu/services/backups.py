"""Backups of the SQLite file, their thinning, the restore, and the check at start.

Every copy goes through SQLite's online backup API (a file copy of an open WAL database can
miss committed pages) and is verified with ``PRAGMA integrity_check`` before any older copy
is dropped, so a failing disk never leaves the desk with only bad copies. Copies live in a
``sauvegardes`` folder beside the database (for the default file, ``data_dir()/sauvegardes``,
where :func:`tiers_lieu.db.migrate` puts its own copies) and, when a second folder (USB key,
NAS) is chosen and present, there too. The choice of that folder, the date of the last
external copy and the fingerprint of the file at the last copy are kept in a small JSON file
in the backup folder: they belong to this desk's file, not to the data that is backed up.

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
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from tiers_lieu import encryption
from tiers_lieu.db import MIGRATIONS_DIR, backup_sqlite, sqlite_path
from tiers_lieu.errors import ComptoirError
from tiers_lieu.i18n import _, ngettext

PREFIX = "comptoir-"
STAMP_FORMAT = "%Y%m%d-%H%M%S"
STAMP_RE = re.compile(r"(\d{8}-\d{6})\.sqlite$")
SETTINGS_NAME = "sauvegardes.json"
AUTO_INTERVAL = timedelta(minutes=30)
EXTERNAL_WARNING_AGE = timedelta(days=7)
DAILY_DAYS = 14
WEEKLY_DAYS = 92


@dataclass(frozen=True)
class BackupInfo:
    """One backup file."""

    path: Path
    taken_at: datetime
    size: int
    external: bool = False


# -- thinning: a pure rule on dates ---------------------------------------------------------
def stamps_to_keep(stamps: Iterable[datetime], now: datetime) -> set[datetime]:
    """Which backup instants survive: all of today, the newest of each of the last 14 days,
    the newest of each ISO week for 3 months; the newest one always."""
    ordered = sorted(set(stamps), reverse=True)
    keep: set[datetime] = set(ordered[:1])
    seen_days: set[date] = set()
    seen_weeks: set[tuple[int, int]] = set()
    today = now.date()
    for stamp in ordered:
        day = stamp.date()
        age = (today - day).days
        if age <= 0:
            keep.add(stamp)
        elif age <= DAILY_DAYS:
            if day not in seen_days:
                keep.add(stamp)
        elif age <= WEEKLY_DAYS:
            week = day.isocalendar()[:2]
            if week not in seen_weeks:
                keep.add(stamp)
        seen_days.add(day)
        seen_weeks.add(day.isocalendar()[:2])
    return keep


# -- checks on a file ---------------------------------------------------------------------
def integrity_problems(path: Path, *, quick: bool = False) -> list[str]:
    """What SQLite finds wrong with ``path`` (empty list: sound)."""
    pragma = "quick_check" if quick else "integrity_check"
    try:
        connection = encryption.connect(path, read_only=True)
        try:
            rows = connection.execute(f"PRAGMA {pragma}").fetchall()
        finally:
            connection.close()
    except encryption.database_errors() as exc:
        if encryption.lacks_key_file(path):
            return [encryption.missing_key_file_message(path)]
        return [str(exc)]
    problems = [str(row[0]) for row in rows]
    return [] if problems == ["ok"] else problems


def known_revisions() -> set[str]:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    script = ScriptDirectory.from_config(config)
    return {revision.revision for revision in script.walk_revisions()}


def verify_comptoir_file(path: Path) -> None:
    """Raise a French :class:`ComptoirError` unless ``path`` is a sound Comptoir database."""
    if not path.is_file():
        raise ComptoirError(_("Le fichier « {path} » n'existe pas.").format(path=path))
    problems = integrity_problems(path)
    if problems:
        raise ComptoirError(
            _("Le fichier « {path} » est endommagé ({detail}) ; il n'a pas été utilisé.").format(
                path=path.name, detail=problems[0]
            )
        )
    try:
        connection = encryption.connect(path, read_only=True)
        try:
            rows = connection.execute("SELECT version_num FROM alembic_version").fetchall()
            connection.execute("SELECT count(*) FROM site").fetchone()
        finally:
            connection.close()
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


def _stamp_of(path: Path) -> datetime | None:
    """The instant written in a backup's name (``…-AAAAMMJJ-HHMMSS.sqlite``)."""
    match = STAMP_RE.search(path.name)
    if match is None:
        return None
    try:
        return datetime.strptime(match.group(1), STAMP_FORMAT)
    except ValueError:
        return None


class BackupService:
    """Backups of one SQLite database file (PostgreSQL is backed up with ``pg_dump``)."""

    def __init__(self, url: str, *, folder: Path | None = None) -> None:
        path = sqlite_path(url)
        if path is None:
            raise ComptoirError(
                _(
                    "Les sauvegardes de Comptoir concernent une base SQLite ; pour une base "
                    "PostgreSQL, utilisez pg_dump et pg_restore."
                )
            )
        self.db_path = path
        self.folder = folder or path.parent / "sauvegardes"
        self._settings_path = self.folder / SETTINGS_NAME

    # -- settings ------------------------------------------------------------------------
    def _settings(self) -> dict[str, str]:
        try:
            data = json.loads(self._settings_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}

    def _save_settings(self, **values: str | None) -> None:
        data = self._settings()
        for key, value in values.items():
            if value is None:
                data.pop(key, None)
            else:
                data[key] = value
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self._settings_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=2), encoding="utf-8")
        os.replace(tmp, self._settings_path)

    def external_folder(self) -> Path | None:
        value = self._settings().get("external_folder")
        return Path(value) if value else None

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
            target = self.folder / f"{PREFIX}{now.strftime(STAMP_FORMAT)}.sqlite"
        fingerprint = self.fingerprint()
        partial = target.with_name(target.name + ".partiel")
        partial.unlink(missing_ok=True)
        backup_sqlite(self.db_path, partial)
        problems = integrity_problems(partial)
        if problems:
            partial.unlink(missing_ok=True)
            raise ComptoirError(
                _(
                    "La sauvegarde n'a pas pu être vérifiée ({detail}) ; "
                    "les anciennes sont gardées."
                ).format(detail=problems[0])
            )
        encryption.move_copy(partial, target)
        info = BackupInfo(target, now, target.stat().st_size)
        if dated:
            self._save_settings(fingerprint=fingerprint, last_backup=now.isoformat())
            self._thin(self.folder, now)
            self._write_external(target, now)
        return info

    def _write_external(self, source: Path, now: datetime) -> None:
        folder = self.external_folder()
        if folder is None or not folder.is_dir():
            return
        try:
            copy = backup_sqlite(source, folder / (source.name + ".partiel"))
            if integrity_problems(copy):
                copy.unlink(missing_ok=True)
                return
            encryption.move_copy(copy, folder / source.name)
        except encryption.database_errors(OSError, ComptoirError):
            return
        self._save_settings(last_external=now.isoformat())
        self._thin(folder, now)

    @staticmethod
    def _thin(folder: Path, now: datetime) -> None:
        dated = {
            stamp: path for path in folder.glob(f"{PREFIX}*.sqlite") if (stamp := _stamp_of(path))
        }
        keep = stamps_to_keep(dated, now)
        for stamp, path in dated.items():
            if stamp not in keep:
                path.unlink(missing_ok=True)
                encryption.key_file_for(path).unlink(missing_ok=True)

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
        external = self.external_folder()
        for folder, is_external in ((self.folder, False), (external, True)):
            if folder is None or not folder.is_dir():
                continue
            for path in folder.glob("*.sqlite"):
                stat = path.stat()
                stamp = _stamp_of(path) or datetime.fromtimestamp(stat.st_mtime)
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
    def restore(self, source: Path, *, now: datetime | None = None) -> Path:
        """Swap ``source`` in as the database, after verifying it; the current file is kept
        as ``avant-restauration-….sqlite`` in the backup folder (returned).

        Every connection to the database must be closed first (``engine.dispose()``); the
        windows then start again on the restored file.
        """
        now = now or datetime.now()
        verify_comptoir_file(source)
        kept = self.folder / f"avant-restauration-{now.strftime(STAMP_FORMAT)}.sqlite"
        if self.db_path.is_file():
            if integrity_problems(self.db_path, quick=True):
                # A damaged file cannot go through the backup API reliably: keep its bytes.
                self.folder.mkdir(parents=True, exist_ok=True)
                kept.write_bytes(self.db_path.read_bytes())
                encryption.copy_key_file(self.db_path, kept)
            else:
                backup_sqlite(self.db_path, kept)
        partial = self.db_path.with_name(self.db_path.name + ".restauration")
        # The current key when the base is encrypted (an old plain copy comes back
        # encrypted), else the copy's own: a restore never takes the encryption away.
        keyed_like = self.db_path if encryption.is_encrypted(self.db_path) else source
        encryption.copy_database(source, partial, key=encryption.database_key(keyed_like))
        for suffix in ("-wal", "-shm", "-journal"):
            self.db_path.with_name(self.db_path.name + suffix).unlink(missing_ok=True)
        # The key file first: a cut between the two is reported as an interrupted
        # encryption, never leaves encrypted bytes without their key.
        encryption.copy_key_file(keyed_like, self.db_path)
        os.replace(partial, self.db_path)
        self._save_settings(fingerprint=self.fingerprint())
        return kept

    def quick_check(self) -> list[str]:
        """What is wrong with the database file at start (empty list: nothing)."""
        if not self.db_path.exists():
            return []
        return integrity_problems(self.db_path, quick=True)


def backup_before_import(url: str) -> None:
    """A verified copy of the database before an import writes anything (SQLite only; a
    PostgreSQL server keeps its own backups)."""
    try:
        service = BackupService(url)
    except ComptoirError:
        return
    service.maybe_backup("import")
