"""Shared fixtures: a migrated template database built once per run and copied per test
(migrating for every test would dominate the suite's time), and the wired application."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher, profiles

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from tiers_lieu.app import Comptoir, build
from tiers_lieu.i18n import set_language
from tiers_lieu.services import account_secrets
from tiers_lieu.services.readmodels import SiteInfo

DESK_HASHER = account_secrets._hasher
"""The argon2 parameters of the desk (about 0.2 s a hash or a check here)."""
QUICK_HASHER = PasswordHasher.from_parameters(profiles.CHEAPEST)


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite"
    app = build(str(path))
    app.close()
    return path


@pytest.fixture
def db_path(template_db: Path, tmp_path: Path) -> Path:
    target = tmp_path / "comptoir.sqlite"
    shutil.copyfile(template_db, target)
    return target


@pytest.fixture(scope="session", autouse=True)
def _journal_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The journal (tiers_lieu/journal.py) of every test, and of the processes they start,
    in a temporary folder rather than the user's log folder."""
    folder = tmp_path_factory.mktemp("journal")
    before = os.environ.get("TIERS_LIEU_LOG_DIR")
    os.environ["TIERS_LIEU_LOG_DIR"] = str(folder)
    yield folder
    if before is None:
        os.environ.pop("TIERS_LIEU_LOG_DIR", None)
    else:
        os.environ["TIERS_LIEU_LOG_DIR"] = before


@pytest.fixture(scope="session", autouse=True)
def _quick_secret_hashes() -> Iterator[None]:
    """Passwords and PINs hashed and checked with argon2id's cheapest parameters in the
    tests' own process: at the desk's, the suite's 750-odd hashes and checks took a fifth of
    its time. Still argon2id, through the same code; the tests marked
    ``desk_secret_hashes`` use the desk's parameters, and so does every command a test starts
    in a process of its own (where a quick hash is rehashed at the next sign-in)."""
    account_secrets._hasher = QUICK_HASHER
    yield
    account_secrets._hasher = DESK_HASHER


@pytest.fixture(autouse=True)
def _desk_secret_hashes(request: pytest.FixtureRequest) -> Iterator[None]:
    if request.node.get_closest_marker("desk_secret_hashes") is None:
        yield
        return
    account_secrets._hasher = DESK_HASHER
    yield
    account_secrets._hasher = QUICK_HASHER


@pytest.fixture(autouse=True)
def _french() -> Iterator[None]:
    set_language("fr")
    yield
    set_language("fr")


@pytest.fixture
def app(db_path: Path) -> Iterator[Comptoir]:
    comptoir = build(str(db_path))
    yield comptoir
    comptoir.close()


@pytest.fixture
def pg_empty_url() -> Iterator[str]:
    """A new, empty PostgreSQL database of its own (dropped after the test), on the server of
    ``TIERS_LIEU_TEST_PG``; the test is skipped, saying why, when there is none."""
    from pgtest import new_database, server_url

    with new_database(server_url()) as url:
        yield url


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    """The name of a PostgreSQL database at the newest schema, migrated once per worker and
    copied by :func:`pg_url` (migrating took 1.5–2 s a test, a copy takes a tenth of it)."""
    from pgtest import database_name, new_database, server_url

    with new_database(server_url()) as url:
        build(url).close()
        yield database_name(url)


@pytest.fixture
def pg_url(pg_template: str) -> Iterator[str]:
    """A PostgreSQL database of its own at the newest schema (a copy of :func:`pg_template`,
    dropped after the test); skipped, saying why, when there is no test server."""
    from pgtest import new_database, server_url

    with new_database(server_url(), template=pg_template) as url:
        yield url


@pytest.fixture
def site(app: Comptoir) -> SiteInfo:
    return app.sites.init_site(
        name="Le Comptoir de Felletin", commune_name="Felletin", insee_code="23079"
    )


def _opened_copy(source: Path, folder: Path) -> Iterator[Comptoir]:
    """The application on a copy of ``source`` in ``folder``: each test changes its own."""
    copy = folder / source.name
    shutil.copyfile(source, copy)
    comptoir = build(str(copy))
    yield comptoir
    comptoir.close()


@pytest.fixture
def demo_app(demo_db: Path, tmp_path: Path) -> Iterator[Comptoir]:
    """The application on a copy of ``demo_db``, a fixture of the test's module (a demo
    database built once for the module, e.g. by ``rolesdemo.make_demo``)."""
    yield from _opened_copy(demo_db, tmp_path)


@pytest.fixture(scope="module")
def two_sites_db(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two places and their accounts (``twosites.make_two_sites``), built once per module."""
    from twosites import make_two_sites

    return make_two_sites(template_db, tmp_path_factory.mktemp("two-sites") / "two.sqlite")


@pytest.fixture
def two(two_sites_db: Path, tmp_path: Path) -> Iterator[Comptoir]:
    """The application on a copy of :func:`two_sites_db`."""
    yield from _opened_copy(two_sites_db, tmp_path)
