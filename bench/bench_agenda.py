"""Benchmark of the agenda services on the large demo (5 sites, bookings over three years).

It prints figures rather than asserting them. Budgets (issue 4): the data of a week view of
all resources of a site in under 200 ms (the screens' engineer measures the rendering); the
availability search « next free 30-minute slot in any health room » in under 20 ms. It also
times a day view, a refused booking with its proposals (inside a rolled-back transaction is
not possible through the service, so on a copy), and the nearest free desk.

The database is copied first, so that opening it (which applies pending migrations) never
changes the shared file.

Run: ``.venv/bin/python bench/bench_agenda.py [--db FILE]`` (``/tmp/large.sqlite`` by
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
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from tiers_lieu.app import build
from tiers_lieu.models import Booking
from tiers_lieu.reports.documents.agenda_sheet import write_agenda_sheet
from tiers_lieu.services.agenda.availability import HEALTH_KINDS
from tiers_lieu.services.agenda.errors import AgendaConflict
from tiers_lieu.services.agenda.inputs import BookingRequest

RUNS = 15


def timed(work: Callable[[], object], runs: int = RUNS) -> tuple[float, float]:
    """Median and worst time in milliseconds (after one warm-up run)."""
    work()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), max(times)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="/tmp/large.sqlite")
    args = parser.parse_args()
    source = Path(args.db)
    if not source.exists():
        print(f"{source} absent: tiers-lieu --db {source} demo --scale large")
        return 1
    workdir = Path(tempfile.mkdtemp())
    db = workdir / "bench.sqlite"
    shutil.copyfile(source, db)
    app = build(str(db))
    try:
        with app.uow() as uow:
            site_id, total = uow.session.execute(
                select(Booking.site_id, func.count())
                .group_by(Booking.site_id)
                .order_by(func.count().desc())
            ).first()  # type: ignore[misc]
            first, last = uow.session.execute(
                select(func.min(Booking.start_at), func.max(Booking.start_at)).where(
                    Booking.site_id == site_id
                )
            ).one()
            everything = uow.session.execute(select(func.count()).select_from(Booking)).scalar()
        print(f"bookings: {everything} in the base, {total} for the busiest site")
        print(f"  from {first:%Y-%m-%d} to {last:%Y-%m-%d}")
        bookings = app.agenda.bookings
        middle = (first + (last - first) / 2).date()
        monday = middle - timedelta(days=middle.weekday())
        week = bookings.week(site_id, monday)
        shown = sum(len(r.bookings) for r in week.resources)
        slots = sum(len(r.permanence_slots) for r in week.resources)
        median, worst = timed(lambda: bookings.week(site_id, monday))
        print(
            f"week() all {len(week.resources)} resources, {shown} bookings + {slots} slots: "
            f"median {median:.1f} ms, worst {worst:.1f} ms (budget 200 ms)"
        )
        median, worst = timed(lambda: bookings.day(site_id, monday + timedelta(days=1)))
        print(f"day(): median {median:.1f} ms, worst {worst:.1f} ms")
        search = app.agenda.availability
        after = datetime.combine(monday, datetime.min.time()).astimezone()
        median, worst = timed(
            lambda: search.free_slots(
                site_id=site_id, duration_min=30, kind=HEALTH_KINDS, after=after, limit=1
            )
        )
        found = search.free_slots(
            site_id=site_id, duration_min=30, kind=HEALTH_KINDS, after=after, limit=1
        )
        when = found[0].start.strftime("%a %d/%m %H:%M") if found else "none"
        print(
            f"next free 30-min slot in any health room ({when}): median {median:.1f} ms, "
            f"worst {worst:.1f} ms (budget 20 ms)"
        )
        median, worst = timed(
            lambda: search.free_slots(site_id=site_id, duration_min=30, kind=HEALTH_KINDS)
        )
        print(f"next free health slots from now (5 proposals): median {median:.1f} ms")
        room = next(r.resource for r in week.resources if r.resource.kind == "open_space")
        taken = next(
            (b for r in week.resources for b in r.bookings if b.resource_id == room.id), None
        )
        if taken is not None:

            def refused() -> None:
                try:
                    for _ in range(room.capacity + 1):
                        bookings.create(
                            site_id,
                            BookingRequest(
                                resource_id=room.id,
                                start=taken.start,
                                end=taken.end,
                                organisation="Bench",
                            ),
                        )
                except AgendaConflict:
                    pass

            refused()  # fill the open space once; then each try is one refusal
            median, worst = timed(lambda: refused())
            print(f"refused booking with proposals: median {median:.1f} ms, worst {worst:.1f} ms")
        started = time.perf_counter()
        write_agenda_sheet(
            app.agenda.printing.day_sheet(site_id=site_id, day=monday + timedelta(days=1)),
            workdir / "door.pdf",
        )
        print(f"door PDF of a day: {(time.perf_counter() - started) * 1000:.0f} ms")
    finally:
        app.close()
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
