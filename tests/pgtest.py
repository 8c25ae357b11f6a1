"""PostgreSQL databases for the tests, on the server named by ``TIERS_LIEU_TEST_PG``.

``make test`` sets that variable from ``.ci/postgres.sh`` (which installs and starts a server
when it can, and otherwise says why in ``TIERS_LIEU_TEST_PG_WHY``). Each test gets a database
of its own, created under a unique name and dropped after it, so the two xdist workers never
share one. A name carries the pid of the process that made it: databases left behind by a run
that was killed are dropped by the next run on the same machine.
"""

from __future__ import annotations

import contextlib
import os
import re
import time
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ProgrammingError
from sqlalchemy.pool import NullPool

ENV = "TIERS_LIEU_TEST_PG"
WHY_ENV = "TIERS_LIEU_TEST_PG_WHY"
PREFIX = "comptoir_t_"
_cleaned: set[str] = set()


def missing_server() -> str | None:
    """Why there is no test server (the skip reason), or None when there is one."""
    if os.environ.get(ENV, "").strip():
        return None
    why = os.environ.get(WHY_ENV, "").strip() or (
        f"{ENV} n'est pas défini (lancez `make test`, ou donnez l'URL d'un serveur)"
    )
    return f"pas de serveur PostgreSQL pour les tests : {why}"


def server_url() -> str:
    """The URL of the test server's maintenance database; skips the test when there is none."""
    why = missing_server()
    if why is not None:
        pytest.skip(why)
    return os.environ[ENV].strip()


def url_of(server: str, database: str) -> str:
    return make_url(server).set(database=database).render_as_string(hide_password=False)


def _execute(server: str, statement: str) -> list[str]:
    """Runs one statement outside any transaction (CREATE/DROP DATABASE need that)."""
    engine = create_engine(server, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        with engine.connect() as connection:
            result = connection.execute(text(statement))
            return [str(row[0]) for row in result] if result.returns_rows else []
    finally:
        engine.dispose()


def _drop(server: str, name: str) -> None:
    """Drop a test database. ``WITH (FORCE)`` may not end a server process of another role
    (an autovacuum worker that happened to be on it): wait for it, and if it stays, leave the
    database to the next run's :func:`_drop_leftovers` rather than fail the test."""
    for _attempt in range(20):
        try:
            _execute(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            return
        except ProgrammingError as exc:
            if "pg_signal_backend" not in str(exc):
                raise
            time.sleep(0.25)


def _drop_leftovers(server: str) -> None:
    """The databases of test processes of this machine that no longer run."""
    if server in _cleaned:
        return
    _cleaned.add(server)
    # LIKE's "_" matches any character: the regular expression sorts the names out.
    names = _execute(server, f"SELECT datname FROM pg_database WHERE datname LIKE '{PREFIX}%'")
    for name in names:
        found = re.fullmatch(PREFIX + r"(\d+)_[0-9a-f]+", name)
        if found is None or _alive(int(found.group(1))):
            continue
        with contextlib.suppress(Exception):  # another worker may be dropping it too
            _drop(server, name)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


@contextlib.contextmanager
def new_database(server: str, *, template: str | None = None) -> Iterator[str]:
    """A new database (a copy of ``template`` if named), dropped on leaving; yields its URL.

    Every connection to the template must be closed (``engine.dispose()``) before copying.
    """
    _drop_leftovers(server)
    name = f"{PREFIX}{os.getpid()}_{uuid.uuid4().hex[:10]}"
    copy = f' TEMPLATE "{template}"' if template else ""
    _execute(server, f'CREATE DATABASE "{name}"{copy}')
    try:
        yield url_of(server, name)
    finally:
        _drop(server, name)


def database_name(url: str) -> str:
    name = make_url(url).database
    assert name is not None
    return name
