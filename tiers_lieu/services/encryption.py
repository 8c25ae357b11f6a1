"""Encrypting a plain SQLite base in place, and changing its passphrase.

Encrypting never leaves the desk without a whole database: the encrypted copy is written
beside the plain file (``sqlcipher_export`` under an exclusive lock, so no other desk writes
meanwhile), verified (``integrity_check`` and the same row count in every table), its key
file written beside it, its recovery code shown, and only then swapped in atomically. The
plain file is then overwritten with zeros and removed, and so are its WAL and shared-memory
files. A journal beside the base records each step, so that a cut anywhere is finished or
undone at the next start or run (:mod:`tiers_lieu.services.encryption_swap`).

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

import dataclasses
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tiers_lieu import encryption
from tiers_lieu import encryption_keys as keys
from tiers_lieu.encryption import key_file_for
from tiers_lieu.encryption_keys import KeyFile
from tiers_lieu.errors import ComptoirError, os_reason
from tiers_lieu.i18n import _
from tiers_lieu.services import backup_folder, leftovers
from tiers_lieu.services import encryption_swap as swap
from tiers_lieu.services.backups import BackupService


@dataclass(frozen=True)
class EncryptionResult:
    """What ``encrypt`` did; ``recovery_code`` is empty when the base was already encrypted."""

    db_path: Path
    recovery_code: str
    reencrypted: list[Path] = field(default_factory=list)
    left_plain: list[Path] = field(default_factory=list)
    external_missing: Path | None = None
    notes: list[str] = field(default_factory=list)  # what an interrupted run left, and became


class EncryptionService:
    """Encryption at rest of one SQLite database file."""

    def __init__(self, backups: BackupService | None) -> None:
        """``backups``: those of the base to encrypt (``backups_for(url)`` of
        :mod:`tiers_lieu.services.backups`), re-made encrypted with it; ``None``, a
        PostgreSQL base, is refused."""
        if backups is None:
            raise ComptoirError(
                _(
                    "Le chiffrement de Comptoir concerne une base SQLite ; une base PostgreSQL "
                    "se protège sur le serveur (disque chiffré, accès restreint)."
                )
            )
        self.db_path = backups.db_path
        self.backups = backups

    # -- encrypting ----------------------------------------------------------------------
    def finish_interrupted(self) -> list[str]:
        """Finish or undo an encryption (of the base or of its backups) cut short; what was
        done, in French. Refused while another process is encrypting the base."""
        notes = swap.finish_interrupted(self.db_path, running_is_error=True)
        for folder in self.backups.folders():
            cleaned = leftovers.clean_backup_folder(folder)
            notes += [swap.plain_copy_wiped_message(path) for path in cleaned.wiped]
            if cleaned.removed:
                notes.append(leftovers.removed_message(cleaned))
        return notes

    def encrypt(
        self, passphrase: str, *, show_code: Callable[[str], None] | None = None
    ) -> EncryptionResult:
        """Encrypt the base in place. ``show_code`` is given the recovery code once the
        encrypted copy is verified, before the swap: a cut after it finishes the swap at the
        next start, so the code shown is the right one; a cut before it keeps the base plain.
        The result repeats the code (empty when the base was already encrypted)."""
        encryption.sqlcipher_module()
        path = self.db_path
        notes = self.finish_interrupted()
        if not path.is_file():
            raise ComptoirError(_("La base « {path} » n'existe pas.").format(path=path))
        if encryption.is_encrypted(path) and not encryption.has_plain_header(path):
            key = encryption.database_key(path)
            assert key is not None
            return self._reencrypt_backups(key, EncryptionResult(path, "", notes=notes))
        keys.check_new_passphrase(passphrase)
        # A key file beside a plain base, with no journal: an older Comptoir was cut short.
        key_file_for(path).unlink(missing_ok=True)
        key = secrets.token_bytes(keys.KEY_BYTES)
        code = keys.new_recovery_code()
        key_file = KeyFile.create(key, passphrase, code)
        partial = swap.partial_for(path)
        journal = swap.Journal.begin(key_file.key_id)
        journal.save(path)
        try:
            swap.crash_point("debut")
            self._export(path, partial, key)
            swap.crash_point("copie")
            self._verify(path, partial, key)
            key_file.save(key_file_for(partial))
            swap.crash_point("verifiee")
            if show_code is not None:
                show_code(code)
            swap.crash_point("code")
            journal = journal.at(swap.READY, swap.fingerprint(path))
            journal.save(path)
            swap.crash_point("prete")
            if swap.fingerprint(path) != journal.fingerprint:
                raise ComptoirError(
                    _(
                        "La base a été modifiée pendant son chiffrement (un autre poste l'a "
                        "ouverte ?) ; elle est restée telle quelle, en clair. Fermez Comptoir "
                        "partout, puis relancez le chiffrement."
                    )
                )
        except BaseException:
            swap.roll_back(path, key_file.key_id)
            swap.end_journal(path)
            raise
        try:
            swap.swap_in(partial, path)
        except OSError as exc:
            raise ComptoirError(
                _(
                    "La copie chiffrée est prête mais n'a pas pu prendre la place de la base "
                    "({detail}) ; le chiffrement sera terminé au prochain démarrage ou en "
                    "relançant « tiers-lieu encrypt ». Gardez le code de secours affiché."
                ).format(detail=os_reason(exc))
            ) from exc
        encryption.remember(key)
        journal.at(swap.BACKUPS).save(path)
        swap.crash_point("base-chiffree")
        result = self._reencrypt_backups(key, EncryptionResult(path, code, notes=notes))
        swap.end_journal(path)
        return result

    @staticmethod
    def _export(path: Path, partial: Path, key: bytes) -> None:
        """The encrypted copy, made under an exclusive lock: no other desk writes meanwhile."""
        module = encryption.sqlcipher_module()
        connection = module.connect(
            str(path), isolation_level=None, timeout=0, factory=encryption.connection_class(module)
        )
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
        missing = external if external is not None and not external.is_dir() else None
        done: list[Path] = []
        left: list[Path] = []
        for folder in self.backups.folders():
            if not folder.is_dir():
                continue
            for copy in sorted(folder.glob("*.sqlite")):
                if encryption.is_encrypted(copy):
                    continue
                with backup_folder.backup_under_way(folder):
                    reencrypted = self._reencrypt(copy, key)
                (done if reencrypted else left).append(copy)
        return dataclasses.replace(
            result, reencrypted=done, left_plain=left, external_missing=missing
        )

    def _reencrypt(self, copy: Path, key: bytes) -> bool:
        """Re-make a plain backup encrypted, in place: the encrypted copy and its key file
        are written beside it, then swapped in as the base is (:func:`swap.swap_in`)."""
        partial = swap.partial_for(copy)
        swap.remove_copy(partial)
        try:
            if encryption.integrity_problems(copy):
                return False
            encryption.copy_database(copy, partial, key=key)
            check = encryption.connect(partial, key=key)
            try:
                if check.execute("PRAGMA quick_check").fetchall() != [("ok",)]:
                    return False
            finally:
                check.close()
            encryption.copy_key_file(self.db_path, partial)
            swap.crash_point("sauvegarde-copiee")
            swap.swap_in(partial, copy, crash_label="-sauvegarde")
        except encryption.database_errors(OSError, ComptoirError):
            return False
        finally:
            swap.remove_copy(partial)
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
