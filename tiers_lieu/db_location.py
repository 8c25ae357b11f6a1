"""Where the database is, known without SQLAlchemy: the start of the window reads it before
anything heavy is imported (issue 17), and so do the command line's sub-commands.

``--db`` first, then ``TIERS_LIEU_DB``, then ``comptoir.sqlite`` in the user's data
directory. :mod:`tiers_lieu.db` re-exports these names; the rest of the code may import them
from either module.
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_path

APP_DIR_NAME = "comptoir"
ENV_VAR = "TIERS_LIEU_DB"
_PLAIN_SQLITE = "sqlite:///"


def data_dir() -> Path:
    return user_data_path(APP_DIR_NAME, appauthor=False)


def resolve_db_url(db: str | None = None) -> str:
    """``--db`` first, then ``TIERS_LIEU_DB``, then the file in the user's data directory."""
    value = db or os.environ.get(ENV_VAR) or str(data_dir() / "comptoir.sqlite")
    if "://" in value:
        return value
    path = Path(value).expanduser().resolve()
    return f"{_PLAIN_SQLITE}{path}"


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL (``None`` for another database or an in-memory one).

    The URLs :func:`resolve_db_url` makes (``sqlite:///`` and a path, without ``%`` or
    ``?``) are read here; any other is parsed by SQLAlchemy, which may raise its
    ``ArgumentError`` for a malformed one.
    """
    if url.startswith(_PLAIN_SQLITE) and "?" not in url and "%" not in url:
        database = url[len(_PLAIN_SQLITE) :]
        return None if database in ("", ":memory:") else Path(database)
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    if parsed.database == ":memory:":
        return None
    return Path(parsed.database)
