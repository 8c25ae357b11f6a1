"""Benchmark of the desk's visit counter on a database holding the `large` demo.

Budget (issue 3): key press → visit committed and count updated, under 50 ms median. The
figures printed are, for the busiest site of the database: ``VisitService.count`` followed by
``counts_for_day`` (the service-level cost of one key press), each part alone, the today
summary the Accueil screen reloads after each press, then — offscreen — the construction of
the Accueil section and one number key pressed through the widget (count, figures reloaded,
repaint). The database is copied first, so the shared file is left as it was.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_visit_counter.py
[--db /tmp/large.sqlite] [--iterations 200]``; make the database once with
``tiers-lieu --db /tmp/large.sqlite demo --scale large``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from tiers_lieu.app import Comptoir, build
from tiers_lieu.db import backup_sqlite
from tiers_lieu.models import Visit


def figures(name: str, samples: list[float]) -> None:
    ordered = sorted(samples)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    print(
        f"{name:<44} median={statistics.median(ordered) * 1000:7.2f} ms"
        f"  p95={p95 * 1000:7.2f} ms  max={ordered[-1] * 1000:7.2f} ms  n={len(ordered)}"
    )


def timed(action: Callable[[], object], iterations: int) -> list[float]:
    samples = []
    for _ in range(iterations):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return samples


def busiest_site(app: Comptoir) -> tuple[object, int]:
    with app.engine.connect() as conn:
        site_id, visits = conn.execute(
            select(Visit.site_id, func.count())
            .group_by(Visit.site_id)
            .order_by(func.count().desc())
            .limit(1)
        ).one()
    return site_id, visits


def service_level(app: Comptoir, iterations: int) -> None:
    raw_site, visits = busiest_site(app)
    site = next(s for s in app.sites.list_sites() if s.id == raw_site)
    services = app.config.list_services(site.id)
    today = datetime.now(ZoneInfo("Europe/Paris")).date()
    with app.engine.connect() as conn:
        busiest_day = conn.execute(
            select(Visit.activity_date)
            .where(Visit.site_id == site.id)
            .group_by(Visit.activity_date)
            .order_by(func.count().desc())
            .limit(1)
        ).scalar_one()
    print(f"site={site.name!r} visits_of_site={visits} services={len(services)}")

    turn = iter(range(10**9))

    def key_press() -> None:
        service = services[next(turn) % len(services)]
        app.visits.count(site_id=site.id, service_id=service.id)
        app.visits.counts_for_day(site.id, today)

    key_press()  # warm the connection pool and the statement cache
    figures("count + counts_for_day (one key press)", timed(key_press, iterations))

    def count_only() -> None:
        service = services[next(turn) % len(services)]
        app.visits.count(site_id=site.id, service_id=service.id)

    figures("count alone", timed(count_only, iterations))
    figures(
        "counts_for_day alone",
        timed(lambda: app.visits.counts_for_day(site.id, today), iterations),
    )
    figures(
        f"counts_for_day of the busiest day ({busiest_day})",
        timed(lambda: app.visits.counts_for_day(site.id, busiest_day), iterations),
    )
    figures("today.summary", timed(lambda: app.today.summary(site.id, today), iterations))


def widget_level(app: Comptoir, presses: int) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from tiers_lieu.ui.accueil import AccueilSection

    qapp = QApplication.instance() or QApplication(sys.argv[:1])
    raw_site, _visits = busiest_site(app)
    site = next(s for s in app.sites.list_sites() if s.id == raw_site)

    started = time.perf_counter()
    section = AccueilSection(app, site)
    built = time.perf_counter() - started
    section.resize(1280, 800)
    section.show()
    section.activateWindow()
    qapp.processEvents()
    print(f"{'AccueilSection construction':<44} {built * 1000:7.2f} ms")

    keys = [Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_3, Qt.Key.Key_4, Qt.Key.Key_6]
    samples = []
    for index in range(presses):
        target = section.focusWidget() or section
        started = time.perf_counter()
        QTest.keyClick(target, keys[index % len(keys)])
        qapp.processEvents()  # the repaint of the button and the chart
        samples.append(time.perf_counter() - started)
    counted = len(section.undo_stack())
    if counted != presses:
        print(f"warning: {counted} visits counted for {presses} key presses")
    figures("key press through the widget (offscreen)", samples)
    section.close()
    # Deleted while the application exists: left to the interpreter's shutdown, PySide
    # crashed tearing it down.
    section.deleteLater()
    qapp.processEvents()
    del section


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=Path("/tmp/large.sqlite"))
    parser.add_argument("--iterations", type=int, default=200)
    parser.add_argument("--presses", type=int, default=100)
    args = parser.parse_args(argv)
    if not args.db.exists():
        print(
            f"{args.db} is missing: make it with `tiers-lieu --db {args.db} demo --scale large`",
            file=sys.stderr,
        )
        return 2

    with tempfile.TemporaryDirectory() as folder:
        copy = backup_sqlite(args.db, Path(folder) / "bench.sqlite")
        app = build(str(copy))
        try:
            service_level(app, args.iterations)
            widget_level(app, args.presses)
        finally:
            app.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
