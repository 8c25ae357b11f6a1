"""Where the data lives and how it is written: engine, SQLite pragmas, unit of work, migrations.

The database is a SQLite file in the user's data directory unless ``--db`` or
``TIERS_LIEU_DB`` names another file or a ``postgresql+psycopg://`` URL. SQLite runs in WAL
mode with ``synchronous=FULL`` so a commit survives a power cut, ``foreign_keys=ON`` and a busy
timeout for a second desk reading while the first writes; a thread's outermost transaction
starts with ``BEGIN IMMEDIATE`` so two desks writing at once wait for each other instead of
failing with "database is locked". A file with a key file beside it is opened through
SQLCipher, keyed first on every connection (``tiers_lieu.encryption``).
Migrations (Alembic, batch mode on SQLite) are applied at start by
:mod:`tiers_lieu.services.migration`, after a verified copy of the file is kept when there is
anything to migrate; a base already at :data:`HEAD_REVISION` is read with one SELECT
(:func:`stored_revision`) and Alembic is not imported.

This module knows no service: who acts through a unit of work is an :class:`Actor`, the
composition root's :class:`~tiers_lieu.services.access.Access`.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from tiers_lieu import encryption, held_files

# Light, re-exported: the window's start reads them before SQLAlchemy is imported.
from tiers_lieu.db_location import APP_DIR_NAME as APP_DIR_NAME
from tiers_lieu.db_location import ENV_VAR as ENV_VAR
from tiers_lieu.db_location import data_dir as data_dir
from tiers_lieu.db_location import resolve_db_url as resolve_db_url
from tiers_lieu.db_location import sqlite_path
from tiers_lieu.errors import ComptoirError, storage_error
from tiers_lieu.i18n import _
from tiers_lieu.private_files import new_private_file, private_folder

if TYPE_CHECKING:
    import uuid

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
MIGRATION_LOCK = 0x436F6D70  # "Comp": the PostgreSQL advisory lock one migration holds
# The newest migration's revision, known without importing Alembic (and Mako, Pygments), so
# that a start on an up-to-date base never loads them. tests/integration/test_storage.py
# checks it is Alembic's head: a new migration must update it.
HEAD_REVISION = "0013"


class Actor(Protocol):
    """Who acts through the units of work: what this module and the services ask of the
    :class:`~tiers_lieu.services.access.Access` the composition root gives the factory."""

    @property
    def user_id(self) -> uuid.UUID | None: ...

    def place_filter(self) -> tuple[Any, ...]: ...

    def allows(self, permission: Any) -> bool: ...


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _keyed_connect(module: Any, key: bytes) -> Any:
    """SQLCipher connections keyed before SQLAlchemy (or anyone) runs a statement."""

    def do_connect(_dialect: Any, _record: Any, cargs: Any, cparams: Any) -> Any:
        connection = module.connect(*cargs, **cparams)
        encryption.apply_key(connection, key)
        return connection

    return do_connect


_open_here = threading.local()


def _transactions_open_here() -> set[int]:
    if not hasattr(_open_here, "connections"):
        _open_here.connections = set()
    connections: set[int] = _open_here.connections
    return connections


def _on_sqlite_begin(connection: Any) -> None:
    # Take the write lock at BEGIN, where SQLite waits for it (busy_timeout). A deferred
    # transaction that reads and then writes cannot wait: when another desk committed in
    # between, SQLite answers "database is locked" at once, and the desk would see it.
    # A transaction opened while this thread already holds one (a read inside a unit of
    # work) stays deferred: waiting for our own lock would never end.
    # A read-only unit of work (a report over three years) stays deferred too, so that it
    # never keeps a desk's key press waiting.
    open_here = _transactions_open_here()
    deferred = open_here or getattr(_open_here, "read_only", 0) > 0
    connection.exec_driver_sql("BEGIN" if deferred else "BEGIN IMMEDIATE")
    open_here.add(id(connection))


def _on_sqlite_end(connection: Any) -> None:
    _transactions_open_here().discard(id(connection))


def make_engine(url: str) -> Engine:
    path = sqlite_path(url)
    if path is not None:
        private_folder(path.parent)
        key = encryption.engine_key(path)  # None for a plain file
        # A new base is created 0600 before SQLite opens it: its WAL, shared-memory and
        # journal files take the same mode (issue 15, point 8).
        with suppress(OSError):  # a folder that refuses it: SQLite says why, as before
            new_private_file(path)
        # isolation_level=None stops pysqlite from opening transactions on its own, so that
        # the "begin" listener decides how each one starts (SQLAlchemy's pysqlite recipe).
        # The factory counts the connection as holding the file, so that nothing in this
        # process reads the file's bytes with open() meanwhile (held_files.raw_access).
        module = sqlite3 if key is None else encryption.sqlcipher_module()
        connect_args: dict[str, Any] = {
            "timeout": 10,
            "isolation_level": None,
            "factory": held_files.connection_class(module),
        }
        if key is None:
            engine = create_engine(url, connect_args=connect_args)
        else:
            engine = create_engine(url, module=module, connect_args=connect_args)
            event.listen(engine, "do_connect", _keyed_connect(module, key))
        event.listen(engine, "connect", _on_sqlite_connect)
        event.listen(engine, "begin", _on_sqlite_begin)
        event.listen(engine, "commit", _on_sqlite_end)
        event.listen(engine, "rollback", _on_sqlite_end)
        return engine
    server_args: dict[str, Any] = {}
    if make_url(url).get_backend_name() == "postgresql":
        # A server that stops answering must not freeze the desk for the system's TCP timeout:
        # give up after a few seconds, and the status bar says the server is unreachable.
        server_args["connect_timeout"] = 5
    return create_engine(url, pool_pre_ping=True, connect_args=server_args)


class UnitOfWork:
    """One transaction: ``with uow:`` opens it (the ORM session, or the Core connection, is
    made at first use); only ``commit()`` makes work durable.

    Leaving the block without committing (or by an exception) rolls everything back. A
    disk that refuses the write (full, read-only) leaves it as a French
    :class:`~tiers_lieu.errors.StorageError`.
    """

    def __init__(
        self, engine: Engine, *, read_only: bool = False, access: Actor | None = None
    ) -> None:
        self._engine = engine
        self._read_only = read_only
        self.access = access
        self._session: Session | None = None
        self._connection: Connection | None = None

    @property
    def session(self) -> Session:
        """The ORM session of this transaction, made at first use (a unit of work that
        writes through :meth:`connection` only never builds one)."""
        if self._session is None:
            # After connection(): the session joins its transaction (one lock, one commit).
            bind = self._engine if self._connection is None else self._connection
            self._session = Session(bind, expire_on_commit=False)
            options = () if self.access is None else self.access.place_filter()
            if options:
                # An account bound to one place: other places' rows are left out of every
                # query.
                event.listen(self._session, "do_orm_execute", _with_options(options))
        return self._session

    def connection(self) -> Connection:
        """The transaction's Core connection, without an ORM session when none is used yet
        (issue 17: the desk's key press, one read and two inserts, skips the session's
        bookkeeping). Core statements skip the place filter and the ``before_flush``
        listeners: their caller checks the place and calls ``validation.check_row``, and
        never writes audit lines this way (they would get no hash)."""
        if self._session is not None:
            return self._session.connection()
        if self._connection is None:
            self._connection = self._engine.connect()
        return self._connection

    @property
    def actor_id(self) -> uuid.UUID | None:
        """Who makes this change: the account signed in, ``None`` for the system (command
        line, demo, migrations). The only source of audit lines' and ``created_by_id``'s
        author — services never take it from their caller."""
        return None if self.access is None else self.access.user_id

    def __enter__(self) -> UnitOfWork:
        if self._read_only:
            _open_here.read_only = getattr(_open_here, "read_only", 0) + 1
        self._session = self._connection = None
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session, connection = self._session, self._connection
        try:
            if session is not None:
                session.rollback()
                session.close()
            if connection is not None:
                connection.close()  # rolls back what was not committed
        finally:
            if self._read_only:
                _open_here.read_only -= 1
        if exc is not None and not isinstance(exc, ComptoirError):
            # A full or read-only disk: the transaction was rolled back, nothing is half
            # written; the user gets what happened and what to do, in French.
            storage = storage_error(exc, sqlite_path(str(self._engine.url)))
            if storage is not None:
                raise storage from exc

    def commit(self) -> None:
        if self._session is not None or self._connection is None:
            self.session.commit()  # after connection(): flushed into its transaction
        if self._connection is not None:
            self._connection.commit()

    def rollback(self) -> None:
        if self._session is not None or self._connection is None:
            self.session.rollback()
        if self._connection is not None:
            self._connection.rollback()


def _with_options(options: tuple[Any, ...]) -> Any:
    def add(state: Any) -> None:
        if state.is_select or state.is_update or state.is_delete:
            state.statement = state.statement.options(*options)

    return add


class UowFactory:
    """Makes the units of work of one application; ``access`` says who acts through them."""

    def __init__(self, engine: Engine, access: Actor) -> None:
        self.engine = engine
        self.access = access

    def __call__(self, *, read_only: bool = False) -> UnitOfWork:
        return UnitOfWork(self.engine, read_only=read_only, access=self.access)


def _alembic_config(engine: Engine) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # Alembic's settings are a ConfigParser, where « % » starts a substitution: a file named
    # « 100%.sqlite » or a password holding « % » would not be read back.
    url = engine.url.render_as_string(hide_password=False)
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def _current_and_head(engine: Engine) -> tuple[str | None, str | None]:
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from alembic.util.exc import CommandError

    script = ScriptDirectory.from_config(_alembic_config(engine))
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    if current is not None:
        try:
            script.get_revision(current)
        except CommandError:
            # Written by a newer Comptoir: migrating would fail half-way, so refuse up front.
            raise ComptoirError(
                _(
                    "Cette base de données a été créée par une version plus récente de "
                    "Comptoir (schéma {revision}). Installez la dernière version de Comptoir "
                    "pour l'ouvrir ; la base n'a pas été modifiée."
                ).format(revision=current)
            ) from None
    return current, script.get_current_head()


_file_locks: dict[str, threading.Lock] = {}
_file_locks_guard = threading.Lock()


@contextmanager
def one_at_a_time(db_path: Path) -> Iterator[None]:
    """One backup or restore of a base at a time in this process: the window's restore
    waits for the automatic backup running in its thread, and a backup due meanwhile waits
    for the restore (then copies the restored file)."""
    name = os.path.realpath(db_path)
    with _file_locks_guard:
        lock = _file_locks.setdefault(name, threading.Lock())
    with lock:
        yield


def backup_sqlite(source: Path, target: Path) -> Path:
    """A consistent copy of a live SQLite file, through SQLite's online backup API; the copy
    of an encrypted file is encrypted with the same key and gets a copy of its key file."""
    private_folder(target.parent)
    encryption.copy_database(source, target)
    encryption.copy_key_file(source, target)
    return target


def stored_revision(engine: Engine) -> str | None:
    """The one revision ``alembic_version`` holds, read with one SELECT; ``None`` when the
    table is missing (a new base), unreadable or not a single row: Alembic then decides."""
    # A read that must not wait for a desk's write lock (SQLite: a deferred transaction).
    _open_here.read_only = getattr(_open_here, "read_only", 0) + 1
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    except DBAPIError:
        return None
    finally:
        _open_here.read_only -= 1
    return str(rows[0][0]) if len(rows) == 1 else None
