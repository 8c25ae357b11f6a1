"""Benchmark of the agenda screen on the ``large`` demo (5 sites × 3 years of bookings).

It prints figures rather than asserting them: the time to build the « Agenda » tab on the
week view of all resources of the busiest site and paint it once offscreen at 1280×800
(the budget of issue 4 is 200 ms), then a page turn (PgDn: the next week read and painted),
a switch to the day view, and one paint alone. The database is copied first (SQLite online
backup) so the shared demo file is not changed.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_agenda_view.py
[--db /tmp/large.sqlite] [--runs 20]``
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication
from sqlmodel import func, select

from tiers_lieu.app import build
from tiers_lieu.db import backup_sqlite
from tiers_lieu.models import Booking


def timed(runs: int, work: Callable[[int], object]) -> tuple[float, float]:
    """Median and worst milliseconds of ``runs`` calls."""
    times: list[float] = []
    for run in range(runs):
        started = time.perf_counter()
        work(run)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), max(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=Path("/tmp/large.sqlite"))
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args(argv)
    qapp = QApplication.instance() or QApplication([])

    from tiers_lieu.ui.agenda.agenda_tab import AgendaTab  # after QApplication exists

    with tempfile.TemporaryDirectory() as folder:
        path = backup_sqlite(args.db, Path(folder) / "bench.sqlite")
        app = build(str(path))
        try:
            with app.uow() as uow:
                total = uow.session.exec(select(func.count()).select_from(Booking)).one()
                busiest = uow.session.exec(
                    select(Booking.site_id).group_by(Booking.site_id).order_by(func.count().desc())
                ).first()
            if busiest is None:
                print("no bookings in", args.db)
                return 1
            site = next(s for s in app.sites.list_sites() if s.id == busiest)
            print(f"{total} bookings in the database; site « {site.name} »")

            def open_and_paint(_run: int) -> None:
                tab = AgendaTab(app, site)
                tab.resize(1280, 800)
                tab.grab()
                tab.deleteLater()
                qapp.processEvents()

            cold, _same = timed(1, open_and_paint)
            print(f"first opening (cold: fonts, SQLite cache): {cold:.1f} ms")
            median, worst = timed(args.runs, open_and_paint)
            print(
                f"week view, all resources, built + first paint: "
                f"median {median:.1f} ms, worst {worst:.1f} ms (budget 200 ms)"
            )

            tab = AgendaTab(app, site)
            tab.resize(1280, 800)
            tab.grab()
            columns, blocks = len(tab.grid.columns()), len(tab.grid.blocks())
            print(f"  ({columns} columns, {blocks} blocks this week)")

            def page(run: int) -> None:
                tab.on_page_requested(1 if run % 2 == 0 else -1)
                tab.grab()

            median, worst = timed(args.runs, page)
            print(
                f"page turn (PgDn/PgUp, read + paint): median {median:.1f} ms, worst {worst:.1f} ms"
            )

            median, worst = timed(args.runs, lambda _run: tab.grid.grab())
            print(f"one paint of the grid alone: median {median:.1f} ms, worst {worst:.1f} ms")

            tab.mode.setCurrentIndex(0)
            median, worst = timed(args.runs, page)
            print(f"day view page turn: median {median:.1f} ms, worst {worst:.1f} ms")
            tab.deleteLater()
            qapp.processEvents()
        finally:
            app.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
