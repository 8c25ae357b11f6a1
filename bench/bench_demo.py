"""Benchmark of the demo-data generator at the large scale (5 sites × 3 years).

It prints figures rather than asserting them: the elapsed seconds of ``generate`` and the rows
of every table afterwards, read back from the database. The target on the front-desk class of
machine (2 cores) is under two minutes for about 250 000 visits.

Run: ``.venv/bin/python bench/bench_demo.py [--scale large] [--seed 1] [--keep FILE]``
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from tiers_lieu.app import build
from tiers_lieu.models import Visit, metadata


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="large", choices=["small", "medium", "large"])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--today", type=date.fromisoformat, default=None)
    parser.add_argument("--keep", type=Path, default=None, help="copy the database here")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.sqlite"
        app = build(str(path))
        try:
            started = time.perf_counter()
            summary = app.demo.generate(scale=args.scale, seed=args.seed, today=args.today)
            elapsed = time.perf_counter() - started
            with app.engine.connect() as conn:
                rows = {
                    table.name: conn.execute(select(func.count()).select_from(table)).scalar_one()
                    for table in metadata.sorted_tables
                }
                visitors = conn.execute(select(func.sum(Visit.count))).scalar_one()
        finally:
            app.close()
        size_mb = path.stat().st_size / 1e6
        if args.keep is not None:
            shutil.copyfile(path, args.keep)

    print(f"scale={args.scale} seed={args.seed} sites={len(summary.sites)}")
    print(f"elapsed_s={elapsed:.1f}")
    print(f"visits={rows['visit']} visitors={visitors} db_mb={size_mb:.1f}")
    print(f"rows_total={sum(rows.values())}")
    for name, count in sorted(rows.items()):
        print(f"  {name:<24} {count:>9}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
