"""Benchmark of the demo-data generator, beside its floor measured in the same run.

- **generation:** the seconds of ``DemoService.generate`` (``--scale large``: 5 places ×
  3 years, about 250 000 visits) into a new base, from the creation of the places to the
  last commit.
- **floor:** *the same rows* inserted by plain ``sqlite3`` ``executemany`` into a fresh base
  with the same schema, indexes and settings (WAL, ``synchronous=FULL``, foreign keys on), in
  one transaction. The rows are captured where the generator hands them to the driver
  (``DemoContext.send``, already tuples), spooled to a temporary file; the floor's base is a
  copy of the generation's base taken just before its first demo row (the places, their
  services and categories, which the rows point at).
- **ratio** generation / floor: issue 17's target is ≤ 1.5× on ``--scale large``.

The time spent capturing (pickling the batches, copying the base) is measured and taken out
of the generation's figure. It also prints the rows of every table afterwards. On a shared
machine only the ratio holds: repeat and take medians.

Run: ``.venv/bin/python bench/bench_demo.py [--scale large] [--seed 1] [--today YYYY-MM-DD]
[--keep FILE]`` (``--keep`` copies the generated base there).
"""

from __future__ import annotations

import argparse
import pickle
import shutil
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import func, select

from tiers_lieu.app import build
from tiers_lieu.encryption import copy_database
from tiers_lieu.models import Visit, metadata
from tiers_lieu.services.demo import SCALES
from tiers_lieu.services.demo.bulk import TablePlan
from tiers_lieu.services.demo.common import DemoContext


class Capture:
    """Wraps ``DemoContext.send``: spools each batch, copies the base before the first one."""

    def __init__(self, base: Path, spool: BinaryIO, floor_base: Path) -> None:
        self.base = base
        self.spool = spool
        self.floor_base = floor_base
        self.seconds = 0.0  # spent here, not by the generator
        self.cpu = 0.0
        self.batches = 0
        self.rows: Counter[str] = Counter()
        self._send = DemoContext.send

    def __enter__(self) -> Capture:
        capture = self

        def send(ctx: DemoContext, plan: TablePlan, rows: list[tuple[Any, ...]]) -> None:
            started, cpu = time.perf_counter(), time.process_time()
            if capture.batches == 0:
                # The places and their configuration are committed; the demo rows are not.
                copy_database(capture.base, capture.floor_base)
            pickle.dump((plan.sql, rows), capture.spool, pickle.HIGHEST_PROTOCOL)
            capture.batches += 1
            capture.rows[plan.table] += len(rows)
            capture.seconds += time.perf_counter() - started
            capture.cpu += time.process_time() - cpu
            capture._send(ctx, plan, rows)

        DemoContext.send = send  # type: ignore[method-assign]
        return self

    def __exit__(self, *_exc: object) -> None:
        DemoContext.send = self._send  # type: ignore[method-assign]


def floor(base: Path, spool: BinaryIO) -> tuple[float, float]:
    """Seconds (wall, processor) to insert the spooled batches with plain sqlite3, in one
    transaction."""
    connection = sqlite3.connect(base, isolation_level=None)
    try:
        for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON"):
            connection.execute(f"PRAGMA {pragma}")
        spool.seek(0)
        batches = []
        elapsed = cpu = 0.0
        while True:
            # Read a few batches outside the clock, then insert them on it.
            batches.clear()
            try:
                for _ in range(20):
                    batches.append(pickle.load(spool))
            except EOFError:
                pass
            if not batches:
                break
            started, processor = time.perf_counter(), time.process_time()
            if elapsed == 0.0:
                connection.execute("BEGIN IMMEDIATE")
            for sql, rows in batches:
                connection.executemany(sql, rows)
            elapsed += time.perf_counter() - started
            cpu += time.process_time() - processor
        started, processor = time.perf_counter(), time.process_time()
        connection.execute("COMMIT")
        elapsed += time.perf_counter() - started
        cpu += time.process_time() - processor
    finally:
        connection.close()
    return elapsed, cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="large", choices=list(SCALES))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--today", type=date.fromisoformat, default=None)
    parser.add_argument("--keep", type=Path, default=None, help="copy the database here")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.sqlite"
        floor_path = Path(folder) / "floor.sqlite"
        with open(Path(folder) / "rows.pickle", "w+b") as spool:
            app = build(str(path))
            try:
                with Capture(path, spool, floor_path) as capture:
                    started, processor = time.perf_counter(), time.process_time()
                    summary = app.demo.generate(scale=args.scale, seed=args.seed, today=args.today)
                    elapsed = time.perf_counter() - started - capture.seconds
                    cpu = time.process_time() - processor - capture.cpu
                with app.engine.connect() as conn:
                    rows = {
                        table.name: conn.execute(
                            select(func.count()).select_from(table)
                        ).scalar_one()
                        for table in metadata.sorted_tables
                    }
                    visitors = conn.execute(select(func.sum(Visit.count))).scalar_one()
            finally:
                app.close()
            size_mb = path.stat().st_size / 1e6
            spool_mb = spool.tell() / 1e6
            floor_s, floor_cpu = floor(floor_path, spool)
        if args.keep is not None:
            shutil.copyfile(path, args.keep)

    print(f"scale={args.scale} seed={args.seed} sites={len(summary.sites)}")
    print(
        f"generation_s={elapsed:.1f} floor_s={floor_s:.1f} (plain sqlite3 executemany, "
        f"same rows) ratio={elapsed / floor_s:.2f}x (target on --scale large: <= 1.5x)"
    )
    print(
        f"processor time: generation_cpu_s={cpu:.1f} floor_cpu_s={floor_cpu:.1f} "
        f"ratio={cpu / floor_cpu:.2f}x (the waits of a shared machine left out)"
    )
    print(
        f"captured: {sum(capture.rows.values())} rows in {capture.batches} batches "
        f"({spool_mb:.0f} MB), {capture.seconds:.1f} s taken out of the generation"
    )
    print(f"visits={rows['visit']} visitors={visitors} db_mb={size_mb:.1f}")
    print(f"rows_total={sum(rows.values())}")
    for name, count in sorted(rows.items()):
        print(f"  {name:<24} {count:>9}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
