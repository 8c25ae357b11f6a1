"""Benchmark of a start on an up-to-date base: imports and the opening of the services (issue 17).

Each run is a fresh interpreter (imports are what is measured): it imports the application,
builds its services on a base already at the newest schema (``tiers_lieu.app.build``) and
asks for this year's public holidays, as the home screen's « en un coup d'œil » does. It
prints the median wall time of each step and which heavy packages the start loaded
(Alembic, Mako, Pygments, the ``holidays`` countries' modules), then the ``-X importtime``
figures of those packages (with their submodules) in one extra run.

Run: ``.venv/bin/python bench/bench_start.py [--runs N]``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = r"""
import json, sys, time
t0 = time.perf_counter()
from tiers_lieu.app import build
from tiers_lieu.services.config import public_holidays
t1 = time.perf_counter()
app = build(sys.argv[1])
t2 = time.perf_counter()
public_holidays(2026)
t3 = time.perf_counter()
app.close()
countries = sorted(m for m in sys.modules if m.startswith("holidays.countries."))
print(json.dumps({
    "import_ms": (t1 - t0) * 1000,
    "build_ms": (t2 - t1) * 1000,
    "holidays_ms": (t3 - t2) * 1000,
    "total_ms": (t3 - t0) * 1000,
    "alembic": "alembic" in sys.modules,
    "mako": "mako" in sys.modules,
    "pygments": "pygments" in sys.modules,
    "countries": len(countries),
}))
"""

WATCHED = ("alembic", "mako", "pygments", "holidays", "holidays.countries")


def run_child(db: Path, *flags: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run(
        [sys.executable, *flags, "-c", CHILD, str(db)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )


def importtime(db: Path) -> dict[str, int]:
    """Import time (µs) of each watched package and its submodules (sum of their own
    times, from ``-X importtime``), wherever they were imported from."""
    figures = dict.fromkeys(WATCHED, 0)
    for line in run_child(db, "-X", "importtime").stderr.splitlines():
        parts = [p.strip() for p in line.removeprefix("import time:").split("|")]
        if len(parts) != 3 or not parts[0].isdigit():
            continue
        for name in WATCHED:
            if parts[2] == name or parts[2].startswith(name + "."):
                figures[name] += int(parts[0])
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "bench-start.sqlite"
        run_child(db)  # creates and migrates the base: later runs find it up to date
        results = [json.loads(run_child(db).stdout) for _ in range(max(1, args.runs))]
        for key in ("import_ms", "build_ms", "holidays_ms", "total_ms"):
            print(f"{key:12} median {statistics.median(r[key] for r in results):8.1f} ms")
        last = results[-1]
        print(
            f"loaded: alembic={last['alembic']} mako={last['mako']} "
            f"pygments={last['pygments']} holidays countries={last['countries']}"
        )
        for name, micros in sorted(importtime(db).items()):
            print(f"importtime {name:20} {micros / 1000:8.1f} ms")


if __name__ == "__main__":
    main()
