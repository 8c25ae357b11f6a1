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

A « desk <before> <after> » line forks a desk instead (``tests/integration/test_live_database.py``):
it counts ``before`` visits, makes the automatic backup of a running desk, says « backed-up »
and waits for SIGUSR1 (meanwhile the test opens and closes the file from another process),
then counts ``after`` visits, says « counted » and waits to be killed.

Usage: ``python kill_worker.py DB_FILE SITE_ID SERVICE_ID ROWS_PER_BATCH TMPDIR``
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
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


def desk(db: str, site_id: uuid.UUID, service_id: uuid.UUID, before: int, after: int) -> None:
    from tiers_lieu.app import build
    from tiers_lieu.services.backups import BackupService

    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})  # kept until sigwait takes it
    app = build(db)
    say("open")

    def count(n: int) -> None:
        for _ in range(n):
            visit = app.visits.count(
                site_id=site_id, service_id=service_id, activity_date=DESK_DATE
            )
            say(f"committed visit {visit.id}")

    count(before)
    # The window's automatic backup (at start, then on its timer), the engine open meanwhile.
    assert BackupService(app.url).maybe_backup("start") is not None
    say("backed-up")
    signal.sigwait({signal.SIGUSR1})
    count(after)
    say("counted")
    while True:
        signal.pause()


class Worker:
    """The fork server of this script, driven line by line by the test process."""

    def __init__(self, args: list[str]) -> None:
        script = Path(__file__).with_name("kill_worker.py")
        self.process = subprocess.Popen(
            [sys.executable, str(script), *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        assert self.next_line(60) == "ready"

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def next_line(self, timeout: float = 30) -> str:
        return self.lines.get(timeout=timeout)

    def run_and_kill(self, first_batch: int, delay: float) -> list[str]:
        """One worker from ``first_batch``, killed ``delay`` s after its first commit:
        its report lines."""
        assert self.process.stdin is not None
        self.process.stdin.write(f"run {first_batch}\n")
        self.process.stdin.flush()
        started = self.next_line()
        assert started.startswith("started "), started
        pid = int(started.split()[1])
        opened = self.next_line()
        assert opened == "open", opened
        report = [self.next_line()]  # the first commit: the worker is warm
        time.sleep(delay)
        os.kill(pid, signal.SIGKILL)
        while (line := self.next_line()) != f"ended {pid}":
            report.append(line)
        return report

    def desk_until_backup(self, before: int, after: int) -> tuple[int, list[str]]:
        """A desk that counted ``before`` visits and made its automatic backup: its pid and
        the ids it reported committed. It waits for :meth:`resume_desk`."""
        assert self.process.stdin is not None
        self.process.stdin.write(f"desk {before} {after}\n")
        self.process.stdin.flush()
        started = self.next_line()
        assert started.startswith("started "), started
        pid = int(started.split()[1])
        return pid, self._committed_until("backed-up", pid)

    def resume_desk(self, pid: int) -> list[str]:
        """Let the desk count its second visits, then kill it: the ids it reported."""
        os.kill(pid, signal.SIGUSR1)
        ids = self._committed_until("counted", pid)
        os.kill(pid, signal.SIGKILL)
        line = self.next_line()
        assert line == f"ended {pid}", line
        return ids

    def _committed_until(self, last: str, pid: int) -> list[str]:
        ids: list[str] = []
        while (line := self.next_line()) != last:
            if line == "open":
                continue
            assert line.startswith("committed visit "), line
            ids.append(line.split()[2])
        return ids

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=10)


def main(argv: list[str]) -> int:
    db, site, service, rows, tmp = argv
    import tiers_lieu.app  # noqa: F401  (imported once, before any fork)

    say("ready")
    for line in sys.stdin:
        command, _, first = line.strip().partition(" ")
        if command not in ("run", "desk"):
            break
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                if command == "desk":
                    before, after = first.split()
                    desk(db, uuid.UUID(site), uuid.UUID(service), int(before), int(after))
                else:
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
