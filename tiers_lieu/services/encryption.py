"""Encrypting a plain SQLite base in place, and changing its passphrase.

Encrypting never leaves the desk without a whole database: the encrypted copy is written
beside the plain file (``sqlcipher_export`` under an exclusive lock, so no other desk writes
meanwhile), verified (``integrity_check`` and the same row count in every table), its key
file written, and only then swapped in atomically. The plain file is then overwritten with
zeros and removed, and so are its WAL and shared-memory files.

The plain backups already made would defeat the purpose, and deleting them would lose the
history a damaged disk needs: they are re-made encrypted, with the same key, in the backup
folder and in the external folder when it is plugged in. A copy that cannot be read is left
as it is and named in the result. Running the command again on an encrypted base re-makes
the plain copies still found (the USB key plugged in later).

Changing the passphrase (or setting a new one with the recovery code) re-seals the same key:
the database and its backups are not rewritten, and the key files beside the backups get the
new seal too, so that the new passphrase opens them.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from tiers_lieu import encryption
from tiers_lieu import encryption_keys as keys
from tiers_lieu.db import sqlite_path
from tiers_lieu.encryption import key_file_for
from tiers_lieu.encryption_keys import KeyFile
from tiers_lieu.errors import ComptoirError
from tiers_lieu.i18n import _
from tiers_lieu.services.backups import BackupService, integrity_problems


@dataclass(frozen=True)
class EncryptionResult:
    """What ``encrypt`` did; ``recovery_code`` is empty when the base was already encrypted."""

    db_path: Path
    recovery_code: str
    reencrypted: list[Path] = field(default_factory=list)
    left_plain: list[Path] = field(default_factory=list)
    external_missing: Path | None = None


class EncryptionService:
    """Encryption at rest of one SQLite database file."""

    def __init__(self, url: str) -> None:
        path = sqlite_path(url)
        if path is None:
            raise ComptoirError(
                _(
                    "Le chiffrement de Comptoir concerne une base SQLite ; une base PostgreSQL "
                    "se protège sur le serveur (disque chiffré, accès restreint)."
                )
            )
        self.db_path = path
        self.backups = BackupService(url)

    # -- encrypting ----------------------------------------------------------------------
    def encrypt(self, passphrase: str) -> EncryptionResult:
        """Encrypt the base in place; returns the recovery code to print, once."""
        encryption.sqlcipher_module()
        path = self.db_path
        if not path.is_file():
            raise ComptoirError(_("La base « {path} » n'existe pas.").format(path=path))
        if encryption.is_encrypted(path) and not encryption.has_plain_header(path):
            key = encryption.database_key(path)
            assert key is not None
            return self._reencrypt_backups(key, EncryptionResult(path, ""))
        keys.check_new_passphrase(passphrase)
        # A key file beside a plain base: an earlier run stopped before the swap.
        key_file_for(path).unlink(missing_ok=True)
        key = secrets.token_bytes(keys.KEY_BYTES)
        code = keys.new_recovery_code()
        key_file = KeyFile.create(key, passphrase, code)
        partial = path.with_name(path.name + ".chiffrement")
        try:
            self._export(path, partial, key)
            self._verify(path, partial, key)
            key_file.save(key_file_for(path))
            _swap(partial, path)
        except BaseException:
            if encryption.has_plain_header(path):  # not swapped: the base stays plain
                key_file_for(path).unlink(missing_ok=True)
            raise
        finally:
            for suffix in ("", "-wal", "-shm", "-journal"):
                partial.with_name(partial.name + suffix).unlink(missing_ok=True)
        encryption.remember(key)
        return self._reencrypt_backups(key, EncryptionResult(path, code))

    @staticmethod
    def _export(path: Path, partial: Path, key: bytes) -> None:
        """The encrypted copy, made under an exclusive lock: no other desk writes meanwhile."""
        module = encryption.sqlcipher_module()
        connection = module.connect(str(path), isolation_level=None, timeout=0)
        try:
            try:
                connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                connection.execute("PRAGMA locking_mode = EXCLUSIVE")
                connection.execute("BEGIN EXCLUSIVE")
                connection.execute("COMMIT")  # the lock stays until the connection closes
            except module.OperationalError:
                raise ComptoirError(
                    _(
                        "La base est ouverte ailleurs : fermez Comptoir sur ce poste et sur "
                        "les autres postes, puis relancez le chiffrement."
                    )
                ) from None
            encryption.export(connection, partial, key, begin="BEGIN EXCLUSIVE")
        finally:
            connection.close()

    @staticmethod
    def _verify(plain: Path, encrypted: Path, key: bytes) -> None:
        connection = encryption.connect(encrypted, key=key)
        try:
            check = connection.execute("PRAGMA integrity_check").fetchall()
            counts = _row_counts(connection)
        finally:
            connection.close()
        source = encryption.connect(plain, key=None, read_only=True)
        try:
            expected = _row_counts(source)
        finally:
            source.close()
        if check != [("ok",)] or counts != expected:
            raise ComptoirError(
                _(
                    "La copie chiffrée n'a pas pu être vérifiée ; la base est restée telle "
                    "quelle, en clair."
                )
            )

    def _reencrypt_backups(self, key: bytes, result: EncryptionResult) -> EncryptionResult:
        external = self.backups.external_folder()
        folders = [self.backups.folder]
        missing = None
        if external is not None:
            if external.is_dir():
                folders.append(external)
            else:
                missing = external
        done: list[Path] = []
        left: list[Path] = []
        for folder in folders:
            if not folder.is_dir():
                continue
            for copy in sorted(folder.glob("*.sqlite")):
                if encryption.is_encrypted(copy):
                    continue
                if self._reencrypt(copy, key):
                    done.append(copy)
                else:
                    left.append(copy)
        return EncryptionResult(result.db_path, result.recovery_code, done, left, missing)

    def _reencrypt(self, copy: Path, key: bytes) -> bool:
        partial = copy.with_name(copy.name + ".chiffrement")
        try:
            if integrity_problems(copy):
                return False
            encryption.copy_database(copy, partial, key=key)
            check = encryption.connect(partial, key=key)
            try:
                if check.execute("PRAGMA quick_check").fetchall() != [("ok",)]:
                    return False
            finally:
                check.close()
            encryption.copy_key_file(self.db_path, copy)
            _swap(partial, copy)
        except encryption.database_errors(OSError, ComptoirError):
            return False
        finally:
            partial.unlink(missing_ok=True)
        return True

    # -- passphrases ---------------------------------------------------------------------
    def change_passphrase(self, current: str, new: str) -> None:
        self._reseal(keys.PASSPHRASE, current, new)

    def recover(self, recovery_code: str, new: str) -> None:
        """A new passphrase from the recovery code printed when the base was encrypted."""
        self._reseal(keys.RECOVERY, recovery_code, new)

    def _reseal(self, kind: str, secret: str, new: str) -> None:
        path = self.db_path
        if not encryption.is_encrypted(path):
            raise ComptoirError(
                _(
                    "La base « {path} » n'est pas chiffrée : lancez d'abord « tiers-lieu encrypt »."
                ).format(path=path)
            )
        keys.check_new_passphrase(new)
        key_file = KeyFile.load(key_file_for(path))
        key = key_file.open(kind, secret, name=path.name)
        resealed = key_file.with_passphrase(key, new)
        resealed.save(key_file_for(path))
        for folder in (self.backups.folder, self.backups.external_folder()):
            if folder is None or not folder.is_dir():
                continue
            for copy_key in folder.glob("*" + encryption.KEY_FILE_SUFFIX):
                try:
                    same = KeyFile.load(copy_key).key_id == key_file.key_id
                except ComptoirError:
                    continue
                if same:
                    resealed.save(copy_key)


def _row_counts(connection: object) -> dict[str, int]:
    execute = connection.execute  # type: ignore[attr-defined]
    tables = [
        row[0]
        for row in execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    return {name: execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in tables}


def _swap(encrypted: Path, plain: Path) -> None:
    """Put ``encrypted`` in place of ``plain`` in one step, then wipe the plain bytes.

    A hard link keeps the plain file reachable after the swap, so its blocks can be
    overwritten; ``plain`` always names a whole database meanwhile.
    """
    for suffix in ("-wal", "-shm", "-journal"):
        # Left over, a plain WAL would be replayed into the encrypted file.
        encryption.overwrite_and_remove(plain.with_name(plain.name + suffix))
    old = plain.with_name(plain.name + ".en-clair")
    old.unlink(missing_ok=True)
    try:
        os.link(plain, old)
    except OSError:
        # No hard links on this file system (a FAT key): the plain blocks are only freed.
        os.replace(encrypted, plain)
    else:
        os.replace(encrypted, plain)
        encryption.overwrite_and_remove(old)
    keys.sync_folder(plain.parent)
