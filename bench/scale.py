"""Build the 10 places × 10 years base the benchmarks run on (issue 17): the demo's
``network`` scale, about 1.7 million visits.

Every benchmark that reads a base takes ``--db FILE``: give it the file this script wrote to
see a figure at the size of a regional network, beside the same figure on the ``large`` demo
(5 places × 3 years). The base is built once; an existing file is kept unless ``--force``.

It prints the seconds the generation took, the file's size and the rows of the busiest tables.

Run: ``.venv/bin/python bench/scale.py [--db /tmp/scale10.sqlite] [--force]``
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from tiers_lieu.app import build
from tiers_lieu.models import metadata

DEFAULT_DB = Path("/tmp/scale10.sqlite")
SHOWN = ("visit", "person", "booking", "sale", "stock_movement", "assistance_record", "pickup")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=DEFAULT_DB)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--today", type=date.fromisoformat, default=date(2026, 11, 30))
    parser.add_argument("--force", action="store_true", help="rebuild an existing file")
    args = parser.parse_args(argv)

    if args.db.exists():
        if not args.force:
            print(f"{args.db} exists ({args.db.stat().st_size / 1e6:.0f} MB): kept (--force)")
            return 0
        for suffix in ("", "-wal", "-shm"):
            Path(f"{args.db}{suffix}").unlink(missing_ok=True)
    app = build(str(args.db))
    try:
        started = time.perf_counter()
        summary = app.demo.generate(scale="network", seed=args.seed, today=args.today)
        elapsed = time.perf_counter() - started
        with app.engine.connect() as conn:
            rows = {
                table.name: conn.execute(select(func.count()).select_from(table)).scalar_one()
                for table in metadata.sorted_tables
            }
    finally:
        app.close()
    print(f"places={len(summary.sites)} from={summary.start} to={summary.end}")
    print(f"elapsed_s={elapsed:.1f} db_mb={args.db.stat().st_size / 1e6:.0f}")
    for name in SHOWN:
        print(f"  {name:<20} {rows[name]:>10}")
    print(f"  {'all tables':<20} {sum(rows.values()):>10}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
