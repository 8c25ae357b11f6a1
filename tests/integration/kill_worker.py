"""Child process of the kill test: counts visits and imports small CSV files through the
real services, in a loop, until it is killed with SIGKILL.

Starting Python and importing Comptoir takes about a second, too long to do 50 times, so this
script is a small fork server: it imports the application once, says « ready », then for each
« run <first batch> » line on stdin forks a worker, prints « started <pid> », waits for it to
die and prints « ended <pid> ». The worker opens the database itself (no connection crosses the
fork), says « open », and prints « committed visit <id> » or « committed import <batch> »
after each service call returns, that is after its commit, with one unbuffered write, so the
parent knows exactly which transactions must survive. Each import uses its own activity date,
so the parent can count an import's rows by date and see whether it landed whole or not at all.

Usage: ``python kill_worker.py DB_FILE SITE_ID SERVICE_ID ROWS_PER_BATCH TMPDIR``
"""

from __future__ import annotations

import os
import sys
import uuid
from datetime import date, timedelta
from pathlib import Path

BATCH_EPOCH = date(2020, 1, 1)
# A run imports at most this many batches, then only counts visits: a fast machine must not
# run into the next run's batch ids.
BATCHES_PER_RUN = 20
DESK_DATE = date(2025, 6, 1)
IMPORT_TODAY = date(2026, 1, 1)
SERVICE_NAME = "Accueil / information"


def batch_date(batch: int) -> date:
    return BATCH_EPOCH + timedelta(days=batch)


def say(line: str) -> None:
    os.write(1, (line + "\n").encode())


def write_csv(path: Path, batch: int, rows: int) -> None:
    day = batch_date(batch).isoformat()
    lines = ["date;heure;service;nombre"]
    lines += [f"{day};{9 + i % 8:02d}:{i % 60:02d};{SERVICE_NAME};1" for i in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def work(db: str, site_id: uuid.UUID, service_id: uuid.UUID, batch: int, rows: int, tmp: Path):  # type: ignore[no-untyped-def]
    from tiers_lieu.app import build

    app = build(db)
    say("open")
    step = 0
    last_batch = batch + BATCHES_PER_RUN - 1  # ids of the next run start after it
    while True:
        step += 1
        if step % 4 == 0 and batch <= last_batch:
            csv = tmp / f"lot-{batch}.csv"
            write_csv(csv, batch, rows)
            app.imports.import_visits(site_id, csv, today=IMPORT_TODAY)
            say(f"committed import {batch}")
            batch += 1
        else:
            visit = app.visits.count(
                site_id=site_id, service_id=service_id, activity_date=DESK_DATE
            )
            say(f"committed visit {visit.id}")


def main(argv: list[str]) -> int:
    db, site, service, rows, tmp = argv
    import tiers_lieu.app  # noqa: F401  (imported once, before any fork)

    say("ready")
    for line in sys.stdin:
        command, _, first = line.strip().partition(" ")
        if command != "run":
            break
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                work(db, uuid.UUID(site), uuid.UUID(service), int(first), int(rows), Path(tmp))
            except BaseException as error:
                say(f"error {type(error).__name__}: {error}")
            finally:
                os._exit(code)
        say(f"started {pid}")
        os.waitpid(pid, 0)
        say(f"ended {pid}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
