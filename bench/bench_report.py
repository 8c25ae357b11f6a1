"""Benchmark of the activity report on the large demo (5 sites × 3 years ≈ 250 000 visits).

It prints figures rather than asserting them. Budgets (issue 6): every indicator of one
site-year in under 1 s; the CSV (computation included) in under 1 s; the PDF of all sites
over three years in under 5 s. It also times the XLSX, the all-sites computation alone, and
the same computation without the covering index of migration 0003, to show what it buys.

The database is copied first, so that opening it (which applies pending migrations) never
changes the shared file; the migration's own time is printed.

Run: ``.venv/bin/python bench/bench_report.py [--db FILE]`` (``/tmp/large.sqlite`` by
default; generate it once with ``tiers-lieu --db /tmp/large.sqlite demo --scale large``).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from sqlalchemy import func, select, text

from tiers_lieu.app import build
from tiers_lieu.models import Visit

RUNS = 5


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
    print(f"{label:<48} first {first:8.0f} ms   median {median:8.0f} ms{verdict}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default="/tmp/large.sqlite")
    args = parser.parse_args()
    source = Path(args.db)
    if not source.exists():
        print(f"{source} is missing: tiers-lieu --db {source} demo --scale large", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "large.sqlite"
        shutil.copyfile(source, copy)
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
            out = Path(folder)

            def site_year() -> object:
                return app.reports.compute(period_start=start, period_end=end, site_ids=one)

            def site_year_csv() -> object:
                return app.reports.export(
                    period_start=start,
                    period_end=end,
                    site_ids=one,
                    fmt="csv",
                    path=out / "r.csv",
                )

            def site_year_xlsx() -> object:
                return app.reports.export(
                    period_start=start,
                    period_end=end,
                    site_ids=one,
                    fmt="xlsx",
                    path=out / "r.xlsx",
                )

            def everything() -> object:
                return app.reports.compute(period_start=first_day, period_end=last_day)

            def everything_pdf() -> object:
                return app.reports.export(
                    period_start=first_day, period_end=last_day, fmt="pdf", path=out / "r.pdf"
                )

            print(f"one site-year = {sites[0].name}, {year}")
            show("indicators, one site-year", timed(site_year), 1000)
            show("CSV, one site-year (computation included)", timed(site_year_csv), 1000)
            show("XLSX, one site-year (computation included)", timed(site_year_xlsx))
            show("indicators, all sites, whole period", timed(everything, 3))
            try:
                import tiers_lieu.reports.pdf  # noqa: F401
            except ImportError:
                print("PDF: tiers_lieu.reports.pdf is not there yet")
            else:
                show("PDF, all sites, whole period", timed(everything_pdf, 3), 5000)
            with app.engine.begin() as conn:
                conn.execute(text("DROP INDEX IF EXISTS ix_visit_report"))
            show("indicators, all sites, without ix_visit_report", timed(everything, 3))
        finally:
            app.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
