"""``tiers-lieu report`` opens only what a report needs (issue 17): the base, the sites and
the report services, the writer of the asked format. Its export is still audited like any
other: the line it writes is chained, and the log checks out whole afterwards.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session, select

from tiers_lieu.app import build
from tiers_lieu.models import AuditEntry, Service, Visit
from tiers_lieu.services.audit_verify import verify

ROOT = Path(__file__).resolve().parents[2]

CHILD = r"""
import json, sys
from tiers_lieu.__main__ import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""

#: Never loaded by a report; the format's writer only when that format is asked.
NEVER = ("PySide6", "tiers_lieu.ui", "tiers_lieu.app", "alembic", "holidays.countries")
WRITERS = {"csv": (), "xlsx": ("openpyxl",), "pdf": ("reportlab",)}
OTHER_SERVICES = (
    "tiers_lieu.services.grocery",
    "tiers_lieu.services.agenda",
    "tiers_lieu.services.imports",
    "tiers_lieu.services.demo",
    "tiers_lieu.services.amap",
    "tiers_lieu.services.people",
    "tiers_lieu.services.people_search",
)


@pytest.fixture
def base(db_path: Path) -> Path:
    app = build(str(db_path))
    try:
        site = app.sites.init_site(name="Le Comptoir de Felletin")
        with app.uow() as uow:
            service = uow.session.exec(select(Service).where(Service.site_id == site.id)).first()
            assert service is not None
            uow.session.add(
                Visit(
                    site_id=site.id, service_id=service.id, activity_date=date(2026, 3, 2), count=3
                )
            )
            uow.commit()
    finally:
        app.close()
    return db_path


def report_args(db: Path, out: Path, fmt: str) -> list[str]:
    return [
        "--db", str(db), "report", "--from", "2026-03-01", "--to", "2026-03-31",
        "--format", fmt, "--out", str(out),
    ]  # fmt: skip


def loaded(name: str, modules: list[str]) -> bool:
    return any(m == name or m.startswith(name + ".") for m in modules)


def run_child(db: Path, out: Path, fmt: str) -> list[str]:
    """The report in a process of its own (listeners and imports are per process); the
    modules it loaded."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-c", CHILD, *report_args(db, out, fmt)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.splitlines()[-1])
    assert result["code"] == 0
    modules: list[str] = result["modules"]
    return modules


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "pdf"])
def test_a_report_loads_only_its_own_writer(base: Path, tmp_path: Path, fmt: str) -> None:
    modules = run_child(base, tmp_path / f"r.{fmt}", fmt)
    assert (tmp_path / f"r.{fmt}").stat().st_size > 0
    for name in (*NEVER, *OTHER_SERVICES):
        assert not loaded(name, modules), name
    for other, writers in WRITERS.items():
        for writer in writers:
            assert loaded(writer, modules) == (other == fmt), (writer, fmt)


def test_the_export_line_is_chained_and_the_log_whole(base: Path, tmp_path: Path) -> None:
    run_child(base, tmp_path / "r.csv", "csv")
    app = build(str(base))
    try:
        with Session(app.engine) as session:
            line = session.exec(select(AuditEntry).where(AuditEntry.entity == "report")).one()
        assert line.seq is not None and len(line.line_hash) == 64
        report = verify(app.uow)
        assert report.intact, report.problems()
    finally:
        app.close()
