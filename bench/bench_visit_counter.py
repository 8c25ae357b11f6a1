"""Benchmark of the desk's visit counter, beside its floor measured in the same run.

Issue 17's row: key press → visit committed (widget), beside the **floor**: one visit row
inserted and committed with plain ``sqlite3`` on the same file, with the desk's settings
(WAL, ``synchronous=FULL``, foreign keys, ``BEGIN IMMEDIATE``), and their ratio (target
≤ 2×). The floor and the key press are timed in turns, so that a busy disk or processor
weighs on both alike.

For the busiest site of the database it prints: ``VisitService.count`` alone and followed by
``counts_for_day`` (the service-level cost), each beside the floor, ``counts_for_day`` and the
today summary the Accueil screen reads each minute, then — offscreen — the construction of
the Accueil section and one number key pressed through the widget (visit committed, figures
on screen updated, repaint) beside the floor. The database is copied first, so the shared
file is left as it was.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_visit_counter.py
[--db /tmp/large.sqlite] [--iterations 200] [--presses 100]``; make the database once with
``tiers-lieu --db /tmp/large.sqlite demo --scale large`` (or ``bench/scale.py`` for 10 × 10).
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlmodel import col

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


def beside_floor(name: str, turns: Turns) -> None:
    """The figure, its floor (timed in turns with it), their ratio, and the processor time
    of each (the floor's wall-clock time is mostly the disk's flush, which varies from 0.3 to
    8 ms on a shared machine; the processor time does not wait for it)."""
    samples, floor, cpu, floor_cpu = turns
    figure, base = statistics.median(samples), statistics.median(floor)
    figures(name, samples)
    figures("  floor: INSERT + COMMIT, sqlite3", floor)
    print(
        f"  ratio {figure / base:4.2f}x (target <= 2x); {(figure - base) * 1000:5.2f} ms above"
        f" the floor; processor {statistics.median(cpu) * 1000:5.2f} ms,"
        f" floor's {statistics.median(floor_cpu) * 1000:5.2f} ms"
    )


def timed(action: Callable[[], object], iterations: int) -> list[float]:
    samples = []
    for _ in range(iterations):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return samples


Turns = tuple[list[float], list[float], list[float], list[float]]
"""Wall-clock seconds of each action and of each floor, then their processor seconds."""


def in_turns(action: Callable[[], object], floor: Callable[[], object], iterations: int) -> Turns:
    """``action`` and ``floor`` timed one after the other, ``iterations`` times each."""
    turns: Turns = ([], [], [], [])
    for _ in range(iterations):
        for work, wall, cpu in ((floor, turns[1], turns[3]), (action, turns[0], turns[2])):
            started, processor = time.perf_counter(), time.process_time()
            work()
            wall.append(time.perf_counter() - started)
            cpu.append(time.process_time() - processor)
    return turns


class Floor:
    """One visit row inserted and committed with plain ``sqlite3``, as the desk's engine
    does it (same file, same pragmas, ``BEGIN IMMEDIATE``), no SQLAlchemy, no service."""

    def __init__(self, path: Path, site_id: uuid.UUID, service_id: uuid.UUID) -> None:
        self.conn = sqlite3.connect(path, isolation_level=None, timeout=10)
        for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON"):
            self.conn.execute(f"PRAGMA {pragma}")
        self.site, self.service = site_id.hex, service_id.hex

    def __call__(self) -> None:
        now = datetime.now(UTC)
        stamp = now.strftime("%Y-%m-%d %H:%M:%S.%f")
        self.conn.execute("BEGIN IMMEDIATE")
        self.conn.execute(
            "INSERT INTO visit (id, created_at, updated_at, site_id, service_id, activity_date,"
            " activity_time, count, source) VALUES (?, ?, ?, ?, ?, ?, ?, 1, 'desk')",
            (
                uuid.uuid4().hex,
                stamp,
                stamp,
                self.site,
                self.service,
                now.date().isoformat(),
                now.strftime("%H:%M:00.000000"),
            ),
        )
        self.conn.execute("COMMIT")

    def close(self) -> None:
        self.conn.close()


def busiest_site(app: Comptoir) -> tuple[object, int]:
    with app.engine.connect() as conn:
        site_id, visits = conn.execute(
            select(col(Visit.site_id), func.count())
            .group_by(col(Visit.site_id))
            .order_by(func.count().desc())
            .limit(1)
        ).one()
    return site_id, visits


def service_level(app: Comptoir, path: Path, iterations: int) -> None:
    raw_site, visits = busiest_site(app)
    site = next(s for s in app.sites.list_sites() if s.id == raw_site)
    services = app.config.list_services(site.id)
    today = datetime.now(ZoneInfo("Europe/Paris")).date()
    with app.engine.connect() as conn:
        busiest_day = conn.execute(
            select(col(Visit.activity_date))
            .where(col(Visit.site_id) == site.id)
            .group_by(col(Visit.activity_date))
            .order_by(func.count().desc())
            .limit(1)
        ).scalar_one()
    print(f"site={site.name!r} visits_of_site={visits} services={len(services)}")

    turn = iter(range(10**9))

    def key_press() -> None:
        service = services[next(turn) % len(services)]
        app.visits.count(site_id=site.id, service_id=service.id)
        app.visits.counts_for_day(site.id, today)

    floor = Floor(path, site.id, services[0].id)
    key_press()  # warm the connection pool and the statement cache
    floor()
    beside_floor("count + counts_for_day", in_turns(key_press, floor, iterations))

    def count_only() -> None:
        service = services[next(turn) % len(services)]
        # An id made at the key press, as the desk does (a kept visit retried keeps it).
        app.visits.count(site_id=site.id, service_id=service.id, visit_id=uuid.uuid4())

    beside_floor("count alone", in_turns(count_only, floor, iterations))
    floor.close()
    figures(
        "counts_for_day alone",
        timed(lambda: app.visits.counts_for_day(site.id, today), iterations),
    )
    figures(
        f"counts_for_day of the busiest day ({busiest_day})",
        timed(lambda: app.visits.counts_for_day(site.id, busiest_day), iterations),
    )
    figures("today.summary", timed(lambda: app.today.summary(site.id, today), iterations))


def widget_level(app: Comptoir, path: Path, presses: int) -> None:
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
    floor = Floor(path, site.id, app.config.list_services(site.id)[0].id)
    floor()
    turn = iter(range(10**9))

    def press(shown: AccueilSection = section) -> None:
        target = shown.focusWidget() or shown
        QTest.keyClick(target, keys[next(turn) % len(keys)])
        qapp.processEvents()  # the repaint of the button and the chart

    turns = in_turns(press, floor, presses)
    floor.close()
    counted = len(section.undo_stack())
    if counted != presses:
        print(f"warning: {counted} visits counted for {presses} key presses")
    beside_floor("key press through the widget (offscreen)", turns)
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
            service_level(app, copy, args.iterations)
            widget_level(app, copy, args.presses)
        finally:
            app.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
