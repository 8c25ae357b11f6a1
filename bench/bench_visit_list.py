"""Benchmark of the visits list on the large demo (5 sites × 3 years ≈ 250 000 visits).

It prints figures rather than asserting them. Budgets (issue 3): the list of one site-year
opens (totals + first page) in under 300 ms; a filter change in under 200 ms. It also times a
page read deep in the year (keyset pagination must cost the same as the first page) and the
« Visites et ateliers » section opened offscreen, then switched to a whole year.

The database is copied first, so that opening it (which applies pending migrations) never
changes the shared file.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_visit_list.py [--db FILE]``
(``/tmp/large.sqlite`` by default; generate it once with
``tiers-lieu --db /tmp/large.sqlite demo --scale large``).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlmodel import col

from tiers_lieu.app import Comptoir, build
from tiers_lieu.models import Visit
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.services.visit_log import VisitFilter

RUNS = 7


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


def busiest_site(app: Comptoir) -> tuple[SiteInfo, date]:
    with app.engine.connect() as conn:
        site_id, _rows = conn.execute(
            select(col(Visit.site_id), func.count())
            .group_by(col(Visit.site_id))
            .order_by(func.count().desc())
            .limit(1)
        ).one()
        last = conn.execute(
            select(func.max(col(Visit.activity_date))).where(col(Visit.site_id) == site_id)
        ).scalar_one()
    site = next(s for s in app.sites.list_sites() if s.id == site_id)
    return site, last


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=Path("/tmp/large.sqlite"))
    args = parser.parse_args(argv)
    if not args.db.exists():
        print(f"{args.db} is missing: tiers-lieu --db {args.db} demo --scale large")
        return 2

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.sqlite"
        shutil.copyfile(args.db, path)
        app = build(str(path))
        try:
            run(app)
        finally:
            app.close()
    return 0


def run(app: Comptoir) -> None:
    log = app.visit_log
    site, last = busiest_site(app)
    site_id = site.id
    year = VisitFilter(start=last - timedelta(days=364), end=last)
    totals = log.totals(site_id=site_id, filters=year)
    print(f"site={site.name!r} year={year.start}..{year.end}")
    print(f"rows={totals.rows} visits={totals.people} services={len(totals.by_service)}")

    def open_list(filters: VisitFilter) -> Callable[[], object]:
        def work() -> object:
            log.totals(site_id=site_id, filters=filters)
            return log.page(site_id=site_id, filters=filters, limit=200)

        return work

    first, median = timed(open_list(year))
    print(f"open_year_ms first={first:.1f} median={median:.1f} (budget 300)")

    grocery = next(s.service_id for s in totals.by_service if s.name == "Épicerie")
    some_page = log.page(site_id=site_id, filters=year, limit=200)
    commune = next(r.commune_id for r in some_page if r.commune_id is not None)
    band = next(r.age_band_id for r in some_page if r.age_band_id is not None)
    month = VisitFilter(start=last.replace(day=1), end=last)
    for label, filters in (
        ("service", VisitFilter(year.start, year.end, service_id=grocery)),
        ("commune", VisitFilter(year.start, year.end, commune_id=commune)),
        ("age_band", VisitFilter(year.start, year.end, age_band_id=band)),
        ("month", month),
    ):
        first, median = timed(open_list(filters))
        print(f"filter_{label}_ms first={first:.1f} median={median:.1f} (budget 200)")

    # A page deep in the year: keyset pagination costs what the first page costs.
    after = None
    for _ in range(60):
        page = log.page(site_id=site_id, filters=year, after=after, limit=200)
        after = page[-1].cursor
    first, median = timed(lambda: log.page(site_id=site_id, filters=year, after=after, limit=200))
    print(f"page_61_ms first={first:.1f} median={median:.1f}")

    bench_widget(app, site, last)


def bench_widget(app: Comptoir, site: SiteInfo, last: date) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    qapp = QApplication.instance() or QApplication(sys.argv[:1])
    from tiers_lieu.ui.visits import VisitsSection

    laps = []
    for _ in range(3):
        started = time.perf_counter()
        section = VisitsSection(app, site, today=last)
        section.resize(1280, 800)
        section.show()
        qapp.processEvents()
        laps.append((time.perf_counter() - started) * 1000)
        section.close()
        section.deleteLater()
        qapp.processEvents()
    print(f"widget_open_ms first={laps[0]:.1f} then={statistics.median(laps[1:]):.1f}")

    section = VisitsSection(app, site, today=last)
    section.resize(1280, 800)
    section.show()
    qapp.processEvents()
    started = time.perf_counter()
    section.visits_tab.period.set_range(last - timedelta(days=364), last)
    qapp.processEvents()
    print(f"widget_switch_to_year_ms={(time.perf_counter() - started) * 1000:.1f}")
    tab = section.visits_tab
    started = time.perf_counter()
    tab.service_combo.setCurrentIndex(1)
    qapp.processEvents()
    print(f"widget_service_filter_ms={(time.perf_counter() - started) * 1000:.1f}")
    started = time.perf_counter()
    tab.view.scrollToBottom()
    qapp.processEvents()
    print(
        f"widget_scroll_to_end_ms={(time.perf_counter() - started) * 1000:.1f} "
        f"rows_held={tab.model.rowCount()}"
    )
    section.close()


if __name__ == "__main__":
    sys.exit(main())
