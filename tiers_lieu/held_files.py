"""Which database files this process holds open, so that nothing in it reads their bytes
with ``open()`` meanwhile.

POSIX gives a process one set of locks per file, whoever took them: closing ANY handle on a
base drops every lock SQLite holds on it, and another program, seeing none, takes its own
close for the last one and deletes the WAL the desk still writes to (SQLite's "How To
Corrupt", 2.2; issue 14 lost every visit counted after the desk's automatic backup so).

Every connection Comptoir opens is counted here, from just before the file is opened until
the connection is closed: the engines' (``db.make_engine`` gives :func:`connection_class` as
the DB-API ``factory``) and the direct ones (``tiers_lieu.encryption.connect``). Input files
(spreadsheets, calendars, bundles) pass :func:`refuse_held` before they are opened, so that
the base itself cannot be picked as one. Code that must read a base's bytes (its header, say)
does it inside :func:`raw_access`, which says
whether the file is free and keeps new connections waiting until the block ends.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import unquote

_held: dict[str, int] = {}
_held_lock = threading.Lock()
_SIDE_FILES = ("-wal", "-shm", "-journal")


def _held_name(database: object) -> str:
    """The base a connection target names: a path, or a ``file:`` URI with its query (its
    « %xx » decoded, as SQLite does: ``encryption.read_only_uri``)."""
    text = os.fspath(database) if isinstance(database, (str, os.PathLike)) else str(database)
    if text.startswith("file:"):
        text = unquote(text[len("file:") :].split("?", 1)[0])
    for suffix in _SIDE_FILES:
        if text.endswith(suffix):
            text = text[: -len(suffix)]
    return os.path.realpath(text)


def same_base(path: str | os.PathLike[str], database: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is the base ``database`` or one of its side files."""
    return _held_name(path) == _held_name(database)


def open_input(path: Path) -> BinaryIO:
    """Open an input file (a spreadsheet, a calendar, a bundle) for reading, after
    :func:`refuse_held`: the one way Comptoir opens a file it was given."""
    refuse_held(path)
    return open(path, "rb")


def refuse_held(path: Path) -> None:
    """Refuse, in French, to read ``path`` as an input file (a spreadsheet, a calendar, a
    bundle) when it is a base this process holds: reading and closing it would drop SQLite's
    locks under the running desk."""
    if held_here(path):
        from tiers_lieu.errors import ComptoirError
        from tiers_lieu.i18n import _

        raise ComptoirError(
            _(
                "« {name} » est la base de données ouverte par Comptoir, pas un fichier à "
                "importer : choisissez le fichier exporté ou le tableur."
            ).format(name=path.name)
        )


def held_here(path: Path) -> bool:
    """Whether a connection of this process has ``path`` (or the base it belongs to) open."""
    with _held_lock:
        return _held.get(_held_name(path), 0) > 0


@contextmanager
def raw_access(path: Path) -> Iterator[bool]:
    """Yields whether ``path`` may be opened as a plain file (no connection of this process
    holds it); no connection opens it until the block ends. Keep the block short."""
    with _held_lock:
        yield _held.get(_held_name(path), 0) == 0


def read_head(path: Path, size: int) -> bytes | None:
    """The first ``size`` bytes of ``path`` read as a plain file, or ``None`` when a
    connection of this process holds it (reading and closing would drop SQLite's locks):
    the one way Comptoir looks inside a base without SQLite. ``OSError`` when unreadable."""
    with raw_access(path) as free:
        if not free:
            return None
        with open(path, "rb") as handle:
            return handle.read(size)


class _Counted:
    """Mixed into the DB-API connection classes: the file is counted from just before it is
    opened until the connection is closed (or collected)."""

    _held_as: str | None = None

    def __init__(self, database: Any, *args: Any, **kwargs: Any) -> None:
        name = _held_name(database)
        with _held_lock:
            _held[name] = _held.get(name, 0) + 1
        try:
            super().__init__(database, *args, **kwargs)  # type: ignore[call-arg]
        except BaseException:
            _release(name)
            raise
        self._held_as = name

    def close(self) -> None:
        try:
            super().close()  # type: ignore[misc]
        finally:
            self._release_hold()

    def _release_hold(self) -> None:
        name, self._held_as = self._held_as, None
        if name is not None:
            _release(name)

    def __del__(self) -> None:
        with suppress(Exception):  # at interpreter exit the module may be half gone
            self._release_hold()


def _release(name: str) -> None:
    with _held_lock:
        left = _held.get(name, 0) - 1
        if left > 0:
            _held[name] = left
        else:
            _held.pop(name, None)


class PlainConnection(_Counted, sqlite3.Connection):
    """The standard library's connection, counted in :data:`_held`."""


_cipher_class: Any = None


def connection_class(module: Any) -> Any:
    """The counted connection class for ``module`` (``sqlite3`` or SQLCipher's ``dbapi2``):
    give it as ``factory`` to every ``connect``."""
    global _cipher_class
    if module is sqlite3:
        return PlainConnection
    if _cipher_class is None:
        _cipher_class = type("CipherConnection", (_Counted, module.Connection), {})
    return _cipher_class
