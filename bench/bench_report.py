"""Benchmark of the activity report, each figure beside its floor measured in the same run.

Issue 17's rows:

- **calculation, all places × 3 years** (the last three years of the base): the report's
  computation (``ReportService.compute``) beside *the same SELECTs* issued with plain
  ``sqlite3`` on the same file (captured while the report ran, replayed with ``fetchall``),
  and their ratio (target ≤ 1.5×). It also prints how many statements read ``visit`` (target:
  one pass).
- **CSV of one place-year, whole process:** ``tiers-lieu --db COPY report … --format csv
  --out F`` in a child process, beside a child ``python -c`` that runs the same SELECTs with
  ``sqlite3`` (every row fetched) and writes the report's rows with the ``csv`` module, and
  the ratio (target ≤ 4×).
  Each ratio is printed for wall time (the issue's figure) and for CPU time (user + system),
  which other work on a shared machine disturbs less.
  Then one ``-X importtime`` run of the report child: its import time and whether it loaded
  what a CSV does not need (PySide6, reportlab, openpyxl, other countries' holidays, the GUI).

It keeps the older figures (issue 6): one site-year's indicators, CSV and XLSX in process,
the all-sites computation and PDF over the whole base, and the computation without the
covering index ``ix_visit_report``.

The base is copied first with SQLite's online backup (``encryption.copy_database``), so that
opening it (which applies pending migrations) never changes the shared file. Children run
with bytecode caching on (``PYTHONDONTWRITEBYTECODE`` removed), as an installed Comptoir does;
a warm-up run of each comes first. On a shared machine only the ratios hold: repeat and take
medians.

Run: ``.venv/bin/python bench/bench_report.py [--db FILE] [--runs N]`` (``/tmp/large.sqlite``
by default; ``/tmp/scale10.sqlite`` from ``bench/scale.py`` for 10 places × 10 years).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, func, select, text

from tiers_lieu.app import Comptoir, build
from tiers_lieu.encryption import copy_database
from tiers_lieu.models import Visit

RUNS = 5
ROOT = Path(__file__).resolve().parents[1]

#: The floor of the whole-process CSV: the report's SELECTs with sqlite3 (every row fetched),
#: then the report's rows written with the csv module.
FLOOR_CHILD = r"""
import csv, json, sqlite3, sys
work = json.load(open(sys.argv[1], encoding="utf-8"))
connection = sqlite3.connect(sys.argv[2])
for sql in work["statements"]:
    connection.execute(sql).fetchall()
connection.close()
with open(sys.argv[3], "w", newline="", encoding="utf-8-sig") as out:
    csv.writer(out, delimiter=";").writerows(work["rows"])
"""

#: Modules a CSV report must not load (issue 17): the GUI, PDF, XLSX, other countries.
UNWANTED = ("PySide6", "reportlab", "openpyxl", "tiers_lieu.ui", "alembic", "mako")


def timed(work: Callable[[], object], runs: int = RUNS) -> tuple[float, float]:
    """(first, median of the following) in milliseconds."""
    started = time.perf_counter()
    work()
    first = (time.perf_counter() - started) * 1000
    laps = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        laps.append((time.perf_counter() - started) * 1000)
    return first, statistics.median(laps)


def show(label: str, figures: tuple[float, float], budget_ms: float | None = None) -> None:
    first, median = figures
    verdict = ""
    if budget_ms is not None:
        verdict = "  OK" if median <= budget_ms else f"  OVER BUDGET ({budget_ms:.0f} ms)"
    print(f"{label:<52} first {first:8.0f} ms   median {median:8.0f} ms{verdict}")


Lap = tuple[float, float]
"""(wall, CPU) milliseconds of one run."""


def once(work: Callable[[], object]) -> Lap:
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def ratio_line(label: str, figures: list[Lap], floors: list[Lap], target: float) -> None:
    """Medians of wall time (the issue's figure) and, less disturbed by other work on a
    shared machine, of CPU time (user + system), each beside its floor."""
    parts = []
    for index, kind in ((0, "wall"), (1, "CPU")):
        figure = statistics.median(f[index] for f in figures)
        floor = statistics.median(f[index] for f in floors)
        ratio = figure / floor if floor else float("inf")
        verdict = "OK" if ratio <= target else f"OVER {target:g}×"
        parts.append(f"{kind} {figure:6.0f} / {floor:5.0f} ms = {ratio:5.2f}× {verdict}")
    print(f"{label:<44} " + "   ".join(parts))


@contextmanager
def captured(engine: Engine) -> Iterator[list[str]]:
    """Every SELECT run on the engine's SQLite connections inside the block, as SQLite ran
    it (parameters expanded), including those read from the DB-API cursor directly."""
    found: list[str] = []

    def keep(statement: str) -> None:
        if statement.lstrip()[:6].upper() in ("SELECT", "WITH"):
            found.append(statement)

    def checkout(dbapi_connection: Any, *_: Any) -> None:
        dbapi_connection.set_trace_callback(keep)

    def checkin(dbapi_connection: Any, *_: Any) -> None:
        dbapi_connection.set_trace_callback(None)

    event.listen(engine, "checkout", checkout)
    event.listen(engine, "checkin", checkin)
    try:
        yield found
    finally:
        event.remove(engine, "checkout", checkout)
        event.remove(engine, "checkin", checkin)


def over_visit(statements: list[str]) -> int:
    return sum(1 for sql in statements if re.search(r"\b(FROM|JOIN)\s+visit\b", sql, re.IGNORECASE))


def replay(path: Path, statements: list[str]) -> Callable[[], object]:
    """The floor: the same statements with plain sqlite3, every row fetched."""

    def run() -> object:
        connection = sqlite3.connect(path)
        try:
            return [connection.execute(sql).fetchall() for sql in statements]
        finally:
            connection.close()

    return run


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def years_before(day: date, years: int) -> date:
    """The same day ``years`` earlier (28 February for a 29th that year lacks)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def run_child(command: list[str]) -> Lap:
    """Wall and CPU (user + system of the child) milliseconds of ``command``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=child_env(), cwd=ROOT)
    wall = (time.perf_counter() - started) * 1000
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{command[:3]}… exited {done.returncode}:\n{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000
    return wall, cpu


def imports_of(command: list[str]) -> tuple[float, list[str], int]:
    """Total import time (ms), the unwanted packages loaded and the number of holiday
    countries loaded, from one ``-X importtime`` run of ``command``."""
    done = subprocess.run(
        [command[0], "-X", "importtime", *command[1:]],
        check=True,
        capture_output=True,
        text=True,
        env=child_env(),
        cwd=ROOT,
    )
    total = 0
    names: set[str] = set()
    for line in done.stderr.splitlines():
        parts = [p.strip() for p in line.removeprefix("import time:").split("|")]
        if len(parts) != 3 or not parts[0].isdigit():
            continue
        total += int(parts[0])
        names.add(parts[2])
    unwanted = sorted({u for u in UNWANTED for n in names if n == u or n.startswith(u + ".")})
    countries = sum(1 for n in names if n.startswith("holidays.countries."))
    return total / 1000, unwanted, countries


def whole_process(
    app: Comptoir, copy: Path, folder: Path, site: Any, start: date, end: date, runs: int
) -> None:
    """The CSV of one place-year as a whole ``tiers-lieu`` process, beside its floor."""
    with captured(app.engine) as statements:
        app.reports.compute(period_start=start, period_end=end, site_ids=[site.id])
    report = [
        sys.executable, "-m", "tiers_lieu", "--db", str(copy), "report",
        "--from", start.isoformat(), "--to", end.isoformat(), "--site", site.name,
        "--format", "csv", "--out", str(folder / "report.csv"),
    ]  # fmt: skip
    run_child(report)  # warm-up: bytecode written, file in the page cache
    with (folder / "report.csv").open(encoding="utf-8-sig", newline="") as written:
        rows = list(csv.reader(written, delimiter=";"))
    stored = folder / "floor.json"
    stored.write_text(json.dumps({"statements": statements, "rows": rows}), encoding="utf-8")
    floor = [sys.executable, "-c", FLOOR_CHILD, str(stored), str(copy), str(folder / "f.csv")]
    run_child(floor)
    figures, floors = [], []
    for _ in range(runs):  # interleaved: both see the same load
        figures.append(run_child(report))
        floors.append(run_child(floor))
    print(f"one place-year = {site.name}, {start} → {end}; {len(statements)} SELECTs")
    ratio_line("report CSV, one place-year, whole process", figures, floors, 4)
    total, unwanted, countries = imports_of(report)
    loaded = ", ".join(unwanted) or "nothing unwanted"
    print(
        f"report CSV child imports {total:.0f} ms; loaded: {loaded}; holiday countries: {countries}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default="/tmp/large.sqlite")
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument(
        "--only-ratios", action="store_true", help="only issue 17's two rows (faster)"
    )
    args = parser.parse_args()
    source = Path(args.db)
    if not source.exists():
        print(f"{source} is missing: tiers-lieu --db {source} demo --scale large", file=sys.stderr)
        return 1
    runs = max(1, args.runs)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        copy = folder / "bench.sqlite"
        started = time.perf_counter()
        copy_database(source, copy)
        print(f"copy (online backup): {(time.perf_counter() - started) * 1000:.0f} ms")
        started = time.perf_counter()
        app = build(str(copy))
        print(f"opening + pending migrations: {(time.perf_counter() - started) * 1000:.0f} ms")
        try:
            with app.engine.connect() as conn:
                visits = conn.execute(select(func.count()).select_from(Visit)).scalar()
                first_day, last_day = conn.execute(
                    select(func.min(Visit.activity_date), func.max(Visit.activity_date))
                ).one()
            sites = app.sites.list_sites()
            print(f"{visits} visit rows, {len(sites)} sites, {first_day} → {last_day}")
            year = last_day.year - 1
            one = [sites[0].id]
            start, end = date(year, 1, 1), date(year, 12, 31)
            three_start = max(first_day, years_before(last_day, 3) + timedelta(1))

            # -- issue 17: the calculation beside the same SELECTs in sqlite3 -------------
            def all_three_years() -> object:
                return app.reports.compute(period_start=three_start, period_end=last_day)

            all_three_years()  # statements prepared, file in the page cache
            with captured(app.engine) as statements:
                all_three_years()
            floor = replay(copy, statements)
            figures, floors = [], []
            for _ in range(runs):
                figures.append(once(all_three_years))
                floors.append(once(floor))
            print(
                f"all places × 3 years = {three_start} → {last_day}; {len(statements)} SELECTs, "
                f"{over_visit(statements)} over visit"
            )
            ratio_line("report, all places × 3 years, calculation", figures, floors, 1.5)

            # -- issue 17: the CSV of one place-year, whole process ------------------------
            whole_process(app, copy, folder, sites[0], start, end, runs)
            if args.only_ratios:
                return 0

            # -- issue 6's figures ----------------------------------------------------------
            def site_year() -> object:
                return app.reports.compute(period_start=start, period_end=end, site_ids=one)

            def site_year_file(fmt: str) -> Callable[[], object]:
                def export() -> object:
                    return app.reports.export(
                        period_start=start,
                        period_end=end,
                        site_ids=one,
                        fmt=fmt,  # type: ignore[arg-type]
                        path=folder / f"r.{fmt}",
                    )

                return export

            def everything() -> object:
                return app.reports.compute(period_start=first_day, period_end=last_day)

            def everything_pdf() -> object:
                return app.reports.export(
                    period_start=first_day, period_end=last_day, fmt="pdf", path=folder / "r.pdf"
                )

            print(f"one site-year = {sites[0].name}, {year}")
            show("indicators, one site-year", timed(site_year), 1000)
            show("CSV, one site-year (computation included)", timed(site_year_file("csv")), 1000)
            show("XLSX, one site-year (computation included)", timed(site_year_file("xlsx")))
            show("indicators, all sites, whole period", timed(everything, 3))
            show("PDF, all sites, whole period", timed(everything_pdf, 3), 5000)
            with app.engine.begin() as conn:
                conn.execute(text("DROP INDEX IF EXISTS ix_visit_report"))
            show("indicators, all sites, without ix_visit_report", timed(everything, 3))
        finally:
            app.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
