"""Encryption at rest of the SQLite file (SQLCipher): the passphrase, and every
connection or copy made straight on a file.

An encrypted database is keyed with 32 random bytes given to SQLCipher as a raw key
(``PRAGMA key = "x'…'"``), so opening a connection costs nothing. Those bytes are never
written in clear: the key file beside the database (``comptoir.sqlite.cle.json``) holds them
twice, sealed with AES-GCM under a key derived (argon2id, random salt) once from the
passphrase and once from the recovery code printed when the base was encrypted. Changing the
passphrase re-seals the same key, so backups stay readable. Without the key file an
encrypted database cannot be opened: backups carry a copy of it.

The key, once unsealed, is kept for the process (by its ``key_id``, a hash of it), so every
connection, backup and check of the session reuses it. It comes from the environment
(``TIERS_LIEU_DB_PASSPHRASE``), else from the prompt installed with :func:`set_prompt`, else
from a terminal; the windows unlock the base in their own dialog before anything opens it.

The module ``sqlcipher3`` comes from ``sqlcipher3-binary`` on Linux and from ``sqlcipher3``'s
own wheels on Windows and macOS; where it cannot be imported, plain databases work as before
and an encrypted one is refused with a French message. Plain files keep going through the
standard library's ``sqlite3``.

Every connection made here is counted in :mod:`tiers_lieu.held_files`; a base's bytes are read
(its header) or copied as they are only when no connection of this process holds it, since
closing any other handle on the file would drop SQLite's locks.
"""

from __future__ import annotations

import getpass
import os
import shutil
import sqlite3
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager, suppress
from pathlib import Path
from typing import Any

from tiers_lieu.encryption_keys import PASSPHRASE, KeyFile, key_id_of
from tiers_lieu.errors import ComptoirError, DatabaseInUseError
from tiers_lieu.held_files import PlainConnection, connection_class, raw_access, read_head
from tiers_lieu.i18n import _
from tiers_lieu.private_files import new_private_file, private_folder, write_whole

PASSPHRASE_ENV = "TIERS_LIEU_DB_PASSPHRASE"
KEY_FILE_SUFFIX = ".cle.json"
SQLITE_HEADER = b"SQLite format 3\x00"
SIDE_SUFFIXES = ("-wal", "-shm", "-journal")

Prompt = Callable[[Path], str]


# -- the SQLCipher module -----------------------------------------------------------------
def sqlcipher_module() -> Any:
    """``sqlcipher3.dbapi2``, or a French error where it is not installed."""
    try:
        from sqlcipher3 import dbapi2
    except ImportError:
        raise ComptoirError(
            _(
                "Cette base est chiffrée, mais le module SQLCipher (sqlcipher3) n'est pas "
                "installé sur cet ordinateur : Comptoir ne peut pas l'ouvrir ici."
            )
        ) from None
    return dbapi2


def available() -> bool:
    try:
        sqlcipher_module()
    except ComptoirError:
        return False
    return True


def database_errors(*also: type[Exception]) -> tuple[type[Exception], ...]:
    """What a failing query raises, plain or encrypted (two unrelated exception classes),
    with ``also`` for the caller's ``except``."""
    try:
        from sqlcipher3 import dbapi2
    except ImportError:
        return (sqlite3.Error, *also)
    return (sqlite3.Error, dbapi2.Error, *also)


# -- files ----------------------------------------------------------------------------------
def key_file_for(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + KEY_FILE_SUFFIX)


def is_encrypted(db_path: Path) -> bool:
    """Whether ``db_path`` is meant to be encrypted (its key file is beside it)."""
    return key_file_for(db_path).is_file()


def has_plain_header(db_path: Path) -> bool:
    """Whether the file starts like a plain SQLite database (an encrypted one starts with
    random bytes).

    The bytes are read only when no connection of this process has the file open
    (:func:`~tiers_lieu.held_files.read_head`). Otherwise the answer is the key file's: the
    file was checked when that connection opened it, and another desk cannot encrypt it while
    it is open here.
    """
    try:
        head = read_head(db_path, len(SQLITE_HEADER))
    except OSError:
        return False
    if head is None:  # held here: checked when that connection opened it
        return not is_encrypted(db_path)
    return head == SQLITE_HEADER


def lacks_key_file(db_path: Path) -> bool:
    """A file without key file whose bytes are not a plain SQLite base: encrypted with its
    key file lost, or damaged."""
    try:
        size = db_path.stat().st_size
    except OSError:
        return False
    return (
        size >= len(SQLITE_HEADER) and not is_encrypted(db_path) and not has_plain_header(db_path)
    )


def missing_key_file_message(db_path: Path) -> str:
    return _(
        "La base « {path} » n'est pas lisible : soit elle est chiffrée et son fichier de clé "
        "« {key_file} » manque (sans lui, une base chiffrée ne peut pas être ouverte ; une "
        "copie accompagne chaque sauvegarde), soit elle est endommagée."
    ).format(path=db_path, key_file=key_file_for(db_path).name)


def overwrite_and_remove(path: Path) -> None:
    """Write zeros over ``path`` before removing it. On a flash disk or a journalling file
    system older copies of the blocks may survive: only full-disk encryption rules that out.

    Refused (``RuntimeError``) for a base, or its WAL, shared-memory or journal file, that a
    connection of this process has open: closing the handle would drop SQLite's locks.
    """
    with raw_access(path) as free:
        if not free:
            raise RuntimeError(f"{path} est ouvert par une connexion de ce processus")
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            return
        with path.open("r+b") as handle:
            chunk = b"\x00" * (1 << 20)
            left = size
            while left > 0:
                handle.write(chunk[: min(left, len(chunk))])
                left -= len(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        path.unlink()


def keep_bytes(db_path: Path, target: Path) -> None:
    """``target`` made a copy of ``db_path``'s bytes as they are (a damaged base, which the
    backup API cannot read): a hard link where the file system allows it, else a copy, made
    only when no connection of this process has the file open."""
    private_folder(target.parent)
    target.unlink(missing_ok=True)
    try:
        os.link(db_path, target)
        return
    except OSError:
        pass
    new_private_file(target)  # copyfile keeps the mode of the file it writes into
    with raw_access(db_path) as free:
        if not free:
            raise RuntimeError(f"{db_path} est ouvert par une connexion de ce processus")
        shutil.copyfile(db_path, target)


# -- the keys of this process ---------------------------------------------------------------
_keys: dict[str, bytes] = {}
_keys_lock = threading.Lock()
_prompt: Prompt | None = None


def remember(key: bytes) -> None:
    with _keys_lock:
        _keys[key_id_of(key)] = key


def forget_keys() -> None:
    with _keys_lock:
        _keys.clear()


def set_prompt(prompt: Prompt | None) -> None:
    """How to ask for a passphrase when the environment gives none (``None``: the terminal)."""
    global _prompt
    _prompt = prompt


def _terminal_prompt(db_path: Path) -> str:
    if sys.stdin is None or not sys.stdin.isatty():
        raise ComptoirError(
            _(
                "La base « {name} » est chiffrée : donnez sa phrase de passe dans la variable "
                "d'environnement {env} (aucun terminal pour la demander)."
            ).format(name=db_path.name, env=PASSPHRASE_ENV)
        )
    return getpass.getpass(_("Phrase de passe de la base « {name} » : ").format(name=db_path.name))


def cached_key(db_path: Path) -> bytes | None:
    """The key of ``db_path`` if this process unlocked it already."""
    key_file = KeyFile.load(key_file_for(db_path))
    with _keys_lock:
        return _keys.get(key_file.key_id)


def unlock(db_path: Path, passphrase: str) -> bytes:
    """Unseal the key of ``db_path`` with ``passphrase`` and keep it for the process."""
    key = KeyFile.load(key_file_for(db_path)).open(PASSPHRASE, passphrase, name=db_path.name)
    remember(key)
    return key


def key_from_environment(db_path: Path) -> bytes | None:
    """The key through ``TIERS_LIEU_DB_PASSPHRASE`` (``None`` when it is not set)."""
    passphrase = os.environ.get(PASSPHRASE_ENV)
    if not passphrase:
        return None
    return unlock(db_path, passphrase)


def check_not_interrupted(db_path: Path) -> None:
    """A key file beside a plain file is an encryption cut short before its swap."""
    if is_encrypted(db_path) and has_plain_header(db_path):
        raise ComptoirError(
            _(
                "La base « {path} » n'est pas chiffrée, mais un fichier de clé est à côté : un "
                "chiffrement a été interrompu. Relancez « tiers-lieu encrypt »."
            ).format(path=db_path)
        )


def database_key(db_path: Path) -> bytes | None:
    """The key of ``db_path`` (``None`` for a plain file): remembered, else from the
    environment, else asked. An interrupted encryption is said so, rather than SQLCipher's
    "file is not a database"."""
    if not is_encrypted(db_path):
        return None
    check_not_interrupted(db_path)
    key = cached_key(db_path)
    if key is None:
        key = key_from_environment(db_path)
    if key is None:
        key = unlock(db_path, (_prompt or _terminal_prompt)(db_path))
    return key


def engine_key(db_path: Path) -> bytes | None:
    """The key the engine of ``db_path`` needs, after the checks that explain, in French,
    why a file cannot be opened: no key file beside encrypted bytes, a key file without its
    base, no SQLCipher here."""
    if lacks_key_file(db_path):
        raise ComptoirError(missing_key_file_message(db_path))
    if not is_encrypted(db_path):
        return None
    if not db_path.exists():
        raise ComptoirError(
            _(
                "La base chiffrée « {path} » est introuvable (seul son fichier de clé est là)."
            ).format(path=db_path)
        )
    sqlcipher_module()
    return database_key(db_path)


# -- connections and copies -----------------------------------------------------------------
_AUTO: Any = object()


def apply_key(connection: Any, key: bytes) -> None:
    """Key a fresh SQLCipher connection; must come before any other statement."""
    connection.execute("PRAGMA cipher_log_level = NONE")  # a wrong key is our message, not a log
    connection.execute(f"PRAGMA key = \"x'{key.hex()}'\"")


def connect(
    path: Path, *, read_only: bool = False, key: bytes | None = _AUTO, immutable: bool = False
) -> Any:
    """A DB-API connection on ``path``, keyed when the file is encrypted; ``immutable``
    (read-only only): a file nobody writes, read without any lock or side file."""
    if key is _AUTO:
        key = database_key(path)
    target = read_only_uri(path, immutable=immutable) if read_only else str(path)
    if not read_only:
        with suppress(OSError):  # a folder that refuses it: SQLite says why
            new_private_file(path)  # a new file (a copy): 0600, as its side files then
    if key is None:
        return sqlite3.connect(target, uri=read_only, factory=PlainConnection)
    module = sqlcipher_module()
    connection = module.connect(target, uri=read_only, factory=connection_class(module))
    apply_key(connection, key)
    return connection


def read_only_uri(path: Path, *, immutable: bool = False) -> str:
    """The ``file:`` URI SQLite opens ``path`` read-only by. « % », « ? » and « # » mean
    something in a URI: escaped, a name holding them is the file's own (« %41 » was read
    « A », and a new file made under that name)."""
    name = str(path).replace("%", "%25").replace("?", "%3F").replace("#", "%23")
    return f"file:{name}?mode=ro" + ("&immutable=1" if immutable else "")


def side_files(path: Path) -> set[Path]:
    """The side files of ``path`` (-wal, -shm, -journal) there now."""
    beside = (path.with_name(path.name + suffix) for suffix in SIDE_SUFFIXES)
    return {side for side in beside if side.exists()}


@contextmanager
def untouched_connection(path: Path) -> Iterator[Any]:
    """A read-only connection on ``path``, a file nobody writes (a backup, a file to
    restore), that leaves nothing beside it: a WAL-mode file opened read-only gets a -wal and
    a -shm, which stay after the connection (it may not remove them). Alone, the file is
    opened ``immutable`` (SQLite makes no side file); with a side file (a base copied with
    its -wal), read through it, then the side files this connection made are removed, never
    one that was there before."""
    before = side_files(path)
    try:
        connection = connect(path, read_only=True, immutable=not before)
        try:
            yield connection
        finally:
            connection.close()
    finally:
        if before:
            for made in side_files(path) - before:
                made.unlink(missing_ok=True)


def integrity_problems(path: Path, *, quick: bool = False, untouched: bool = False) -> list[str]:
    """What SQLite finds wrong with ``path`` (empty list: sound); a file without its key
    file says so. ``untouched``: a file nobody writes, checked without leaving any side file
    beside it (:func:`untouched_connection`)."""
    pragma = "quick_check" if quick else "integrity_check"
    try:
        with (
            untouched_connection(path) if untouched else closing(connect(path, read_only=True))
        ) as connection:
            rows = connection.execute(f"PRAGMA {pragma}").fetchall()
    except database_errors() as exc:
        if lacks_key_file(path):
            return [missing_key_file_message(path)]
        return [str(exc)]
    problems = [str(row[0]) for row in rows]
    return [] if problems == ["ok"] else problems


@contextmanager
def exclusive_connection(db_path: Path, *, key: bytes | None = _AUTO) -> Iterator[Any]:
    """A connection (autocommit) that holds ``db_path`` alone until the block ends: no other
    process, and no other connection of this one, can read or write it meanwhile.

    Raises :class:`DatabaseInUseError` at once when anyone has the file open: a desk keeps a
    shared lock on its base as long as it runs, even idle (the same test ``encrypt`` makes).
    Closing the connection checkpoints the WAL into the file and removes it.
    """
    if key is _AUTO:
        key = database_key(db_path)
    module = sqlite3 if key is None else sqlcipher_module()
    connection = module.connect(
        str(db_path), timeout=0, isolation_level=None, factory=connection_class(module)
    )
    try:
        if key is not None:
            apply_key(connection, key)
        try:
            connection.execute("PRAGMA locking_mode = EXCLUSIVE")
            connection.execute("BEGIN EXCLUSIVE")
            connection.execute("COMMIT")  # the lock stays until the connection closes
        except module.OperationalError as exc:
            text = str(exc).lower()
            if "locked" in text or "busy" in text:
                raise DatabaseInUseError() from None
            raise
        yield connection
    finally:
        connection.close()


def _sql_key(key: bytes | None) -> str:
    return "''" if key is None else f"\"x'{key.hex()}'\""


def copy_database(source: Path, target: Path, *, key: bytes | None = _AUTO) -> None:
    """A consistent copy of ``source`` (live or not) into ``target``, encrypted with ``key``
    (by default the source's own key: an encrypted base gives encrypted copies).

    Same key on both sides: SQLite's online backup API. Otherwise (encrypting a plain file,
    re-keying): ``sqlcipher_export`` inside one read transaction.
    """
    source_key = database_key(source)
    if source_key is None and lacks_key_file(source):
        raise ComptoirError(missing_key_file_message(source))
    target_key = source_key if key is _AUTO else key
    for suffix in ("", "-wal", "-shm", "-journal"):
        target.with_name(target.name + suffix).unlink(missing_ok=True)
    if source_key == target_key:
        src = connect(source, key=source_key)
        try:
            dst = connect(target, key=target_key)
            try:
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()
        return
    module = sqlcipher_module()
    src = module.connect(str(source), isolation_level=None, factory=connection_class(module))
    try:
        if source_key is not None:
            apply_key(src, source_key)
        export(src, target, target_key)
    finally:
        src.close()


def export(connection: Any, target: Path, key: bytes | None, *, begin: str = "BEGIN") -> None:
    """``sqlcipher_export`` of ``connection`` (SQLCipher, autocommit) into the new file
    ``target``, keyed with ``key`` (``None``: plain), in one read transaction."""
    with suppress(OSError):
        new_private_file(target)  # 0600 before SQLite creates it
    connection.execute(f"ATTACH DATABASE ? AS copie KEY {_sql_key(key)}", (str(target),))
    try:
        connection.execute(begin)
        connection.execute("SELECT sqlcipher_export('copie')")
        version = connection.execute("PRAGMA main.user_version").fetchone()[0]
        connection.execute(f"PRAGMA copie.user_version = {int(version)}")
        connection.execute("COMMIT")
    finally:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        connection.execute("DETACH DATABASE copie")


def copy_key_file(source_db: Path, target_db: Path) -> None:
    """Give ``target_db`` the key file of ``source_db`` (or none, as ``source_db``)."""
    source_file, target_file = key_file_for(source_db), key_file_for(target_db)
    if source_file.resolve() == target_file.resolve():
        return
    if source_file.is_file():
        private_folder(target_file.parent)
        write_whole(target_file, source_file.read_bytes())
    else:
        target_file.unlink(missing_ok=True)


def move_copy(partial: Path, target: Path) -> None:
    """Give a verified copy its final name, with its key file (moved first: an encrypted
    file never stands without its key). The empty WAL and shared-memory files the check of
    a WAL-mode copy leaves behind go too."""
    copy_key_file(partial, target)
    key_file_for(partial).unlink(missing_ok=True)
    os.replace(partial, target)
    for suffix in ("-wal", "-shm"):
        leftover = partial.with_name(partial.name + suffix)
        if suffix == "-shm" or (leftover.is_file() and leftover.stat().st_size == 0):
            leftover.unlink(missing_ok=True)
