"""Two desks on one SQLite file: two processes count visits as fast as they can, started
together round after round. Nothing is lost (the commits each one reported add up to the rows
in the table) and neither ever meets "database is locked": SQLite makes the second writer wait
(BEGIN IMMEDIATE + busy_timeout, see tiers_lieu/db.py) instead of failing.

Each desk counts a fixed number of visits, not as many as it can in a time window: a loaded
machine makes the test slower, never wrong."""

from __future__ import annotations

import json
import select as io_select
import subprocess
import sys
from datetime import date
from pathlib import Path

from sqlalchemy import func
from sqlalchemy import select as sql_select

from tiers_lieu.app import Comptoir
from tiers_lieu.models import Visit

ROUNDS = 5
PER_ROUND = 30  # visits each desk counts in a round; both desks start each round together
WAIT = 120.0  # seconds a desk may take for one round before the test gives up on it
DAY = date(2025, 6, 2)

DESK = """
import json, sys, uuid
from datetime import date
from tiers_lieu.app import build

db, rounds, per_round = sys.argv[1], int(sys.argv[4]), int(sys.argv[5])
site, service, day = uuid.UUID(sys.argv[2]), uuid.UUID(sys.argv[3]), date.fromisoformat(sys.argv[6])
app = build(db)
print("ready", flush=True)
committed, errors = 0, []
for _round in range(rounds):
    sys.stdin.readline()  # "go": the other desk starts this round at the same moment
    for _visit in range(per_round):
        try:
            app.visits.count(site_id=site, service_id=service, activity_date=day)
            committed += 1
        except Exception as error:
            errors.append(f"{type(error).__name__}: {error}"[:200])
    print("done", flush=True)
print(json.dumps({"committed": committed, "errors": errors[:5]}), flush=True)
"""


def line_of(desk: subprocess.Popen[bytes]) -> str:
    """The desk's next line, or a clear failure if it says nothing for :data:`WAIT` s.
    (Its pipe is unbuffered: nothing read ahead hides from ``select``.)"""
    assert desk.stdout is not None
    ready, _, _ = io_select.select([desk.stdout], [], [], WAIT)
    assert ready, f"desk silent for {WAIT} s"
    return desk.stdout.readline().decode().strip()


def test_two_desks_counting_at_full_speed_lose_nothing_and_never_see_a_lock(
    app: Comptoir,
    site,
    db_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    service = app.config.list_services(site.id)[0]
    args = [
        str(db_path),
        str(site.id),
        str(service.id),
        str(ROUNDS),
        str(PER_ROUND),
        DAY.isoformat(),
    ]
    desks = [
        subprocess.Popen(
            [sys.executable, "-c", DESK, *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            bufsize=0,
        )
        for _ in range(2)
    ]
    try:
        for desk in desks:
            assert line_of(desk) == "ready", desk.stderr
        for _round in range(ROUNDS):
            for desk in desks:  # both start the round together
                assert desk.stdin is not None
                desk.stdin.write(b"go\n")
            for desk in desks:
                assert line_of(desk) == "done"
        reports = [json.loads(line_of(desk)) for desk in desks]
        for desk in desks:
            _out, err = desk.communicate(timeout=WAIT)
            assert desk.returncode == 0, err.decode()
    finally:
        for desk in desks:
            if desk.poll() is None:
                desk.kill()
                desk.wait()

    assert [r["errors"] for r in reports] == [[], []]
    assert [r["committed"] for r in reports] == [ROUNDS * PER_ROUND] * 2
    with app.uow() as uow:
        rows = uow.session.execute(
            sql_select(func.count()).select_from(Visit).where(Visit.activity_date == DAY)
        ).scalar_one()
    assert rows == 2 * ROUNDS * PER_ROUND
