"""Benchmark of the audit log's hash chain: writing lines and verifying every chain.

Writes ``--lines`` audit lines (default 100,000) through the ORM, so the chain listener gives
each its ``seq`` and hashes, spread over three places and the chain without a place, then
times :func:`tiers_lieu.services.audit_verify.verify` and reports the peak of Python memory
during it (tracemalloc): the walk streams, so the peak must not grow with the log. On SQLite
it also times the service's verification, which reads and writes the desk's witness file
(:mod:`tiers_lieu.services.audit_witness`).

Run: ``.venv/bin/python bench/bench_audit_chain.py [--lines 100000] [--db URL]``
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path

from tiers_lieu.app import build
from tiers_lieu.models import AuditEntry, utcnow
from tiers_lieu.models.enums import AuditAction
from tiers_lieu.services.audit_verify import verify


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--db", default=None, help="a PostgreSQL URL (default: a new SQLite file)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as folder:
        app = build(args.db or str(Path(folder) / "bench.sqlite"))
        try:
            sites = [
                app.sites.init_site(name=f"Lieu {n}", commune_name="Felletin", insee_code="23079")
                for n in range(3)
            ]
            chains = [s.id for s in sites] + [None]
            start = utcnow() - timedelta(days=300)
            batch = 1000
            started = time.perf_counter()
            for first in range(0, args.lines, batch):
                with app.uow() as uow:
                    for n in range(first, min(first + batch, args.lines)):
                        uow.session.add(
                            AuditEntry(
                                site_id=chains[n % len(chains)],
                                at=start + timedelta(seconds=n * 200),
                                action=AuditAction.READ,
                                entity="person",
                                details=json.dumps({"records": n % 17}),
                            )
                        )
                    uow.commit()
            written = time.perf_counter() - started
            started = time.perf_counter()
            report = verify(app.uow)
            checked = time.perf_counter() - started
            tracemalloc.start()  # a second run, for memory only (tracemalloc slows it down)
            verify(app.uow)
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            print(f"lines written: {args.lines:,} in {written:.1f} s (batches of {batch})")
            print(f"verify: {report.lines:,} lines in {checked:.2f} s")
            print(f"peak Python memory while verifying: {peak / 1e6:.1f} MB")
            if args.db is None:  # a server base's witness would go to the user's data folder
                started = time.perf_counter()
                app.audit_log.verify()  # as the desk does: writes what it saw…
                seen = app.audit_log.verify()  # …then checks the chains reach it
                each = (time.perf_counter() - started) / 2
                state = "intact" if seen.intact else "ALTÉRÉ"
                print(f"verify with this desk's witness file: {each:.2f} s ({state})")
            print(report.summary())
        finally:
            app.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
