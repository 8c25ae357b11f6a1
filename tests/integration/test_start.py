"""A start does only what the first screen needs (issue 17): on a base already at the newest
schema, opening the services reads one revision and never imports Alembic (with Mako and
Pygments), and the public holidays load France's calendar alone, not 250 countries'."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import holidays
import pytest
from sqlalchemy import text

from tiers_lieu.app import build
from tiers_lieu.db import HEAD_REVISION, make_engine, resolve_db_url, stored_revision
from tiers_lieu.services.migration import migrate
from tiers_lieu.services.public_holidays import public_holidays


def test_head_revision_is_the_newest_migration(tmp_path: Path) -> None:
    """A new migration without updating ``HEAD_REVISION`` would let a start skip it."""
    from alembic.script import ScriptDirectory

    from tiers_lieu.db import _alembic_config

    engine = make_engine(resolve_db_url(str(tmp_path / "x.sqlite")))
    head = ScriptDirectory.from_config(_alembic_config(engine)).get_current_head()
    engine.dispose()
    assert head == HEAD_REVISION


def test_the_stored_revision_is_read_without_alembic(tmp_path: Path) -> None:
    engine = make_engine(resolve_db_url(str(tmp_path / "x.sqlite")))
    assert stored_revision(engine) is None  # a new base: no alembic_version yet
    migrate(engine)
    assert stored_revision(engine) == HEAD_REVISION
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO alembic_version VALUES ('autre')"))
    assert stored_revision(engine) is None  # two rows: Alembic decides
    engine.dispose()


START = r"""
import sys
from tiers_lieu.app import build
from tiers_lieu.services.public_holidays import public_holidays

app = build(sys.argv[1])
assert [s.name for s in app.sites.list_sites()] == ["Felletin"]
assert public_holidays(2026)[__import__("datetime").date(2026, 7, 14)] == "Fête nationale"
app.close()
loaded = sorted(
    name
    for name in sys.modules
    if name.split(".")[0] in {"alembic", "mako", "pygments"}
    or name.startswith("holidays.countries")
)
print(" ".join(loaded))
"""


def test_a_start_on_an_up_to_date_base_loads_neither_alembic_nor_other_countries(
    tmp_path: Path,
) -> None:
    path = tmp_path / "comptoir.sqlite"
    app = build(str(path))  # creates the base and brings it to the newest schema
    app.sites.init_site(name="Felletin")
    app.close()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", START, str(path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == []


@pytest.mark.parametrize("year", [1990, 2008, 2024, 2026, 2027, 2040])
def test_public_holidays_are_the_packages_french_ones(year: int) -> None:
    expected = dict(holidays.country_holidays("FR", years=year, language="fr"))
    assert public_holidays(year) == expected
    assert len(expected) >= 10


def test_a_holidays_package_laid_out_otherwise_still_gives_the_french_days(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tiers_lieu.services import public_holidays as calendar

    monkeypatch.setattr(holidays, "__file__", str(tmp_path / "__init__.py"))
    calendar._france.cache_clear()
    try:
        days = calendar._france()(years=2026, language="fr")
        assert dict(days) == dict(holidays.country_holidays("FR", years=2026, language="fr"))
    finally:
        calendar._france.cache_clear()
