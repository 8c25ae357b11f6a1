"""Two desks on one SQLite file: two processes count visits at full speed for 10 s. Nothing
is lost (the commits each one reported add up to the rows in the table) and neither ever meets
"database is locked": SQLite makes the second writer wait (BEGIN IMMEDIATE + busy_timeout,
see tiers_lieu/db.py) instead of failing."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from tiers_lieu.app import Comptoir
from tiers_lieu.models import Visit

SECONDS = 10.0
DAY = date(2025, 6, 2)

DESK = """
import json, sys, time, uuid
from datetime import date
from tiers_lieu.app import build

db, seconds, day = sys.argv[1], float(sys.argv[4]), date.fromisoformat(sys.argv[5])
site, service = uuid.UUID(sys.argv[2]), uuid.UUID(sys.argv[3])
app = build(db)
print("ready", flush=True)
sys.stdin.readline()
committed, errors = 0, []
end = time.monotonic() + seconds
while time.monotonic() < end:
    try:
        app.visits.count(site_id=site, service_id=service, activity_date=day)
        committed += 1
    except Exception as error:
        errors.append(f"{type(error).__name__}: {error}"[:200])
print(json.dumps({"committed": committed, "errors": errors[:5]}), flush=True)
"""


def test_two_desks_counting_at_full_speed_lose_nothing_and_never_see_a_lock(
    app: Comptoir,
    site,
    db_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    service = app.config.list_services(site.id)[0]
    args = [str(db_path), str(site.id), str(service.id), str(SECONDS), DAY.isoformat()]
    desks = [
        subprocess.Popen(
            [sys.executable, "-c", DESK, *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    for desk in desks:
        assert desk.stdout is not None
        assert desk.stdout.readline().strip() == "ready", desk.stderr
    for desk in desks:  # both start together
        assert desk.stdin is not None
        desk.stdin.write("go\n")
        desk.stdin.flush()
    reports = []
    for desk in desks:
        out, err = desk.communicate(timeout=SECONDS + 60)
        assert desk.returncode == 0, err
        reports.append(json.loads(out.strip().splitlines()[-1]))

    assert [r["errors"] for r in reports] == [[], []]
    assert all(r["committed"] > 50 for r in reports), reports  # both really wrote
    with app.uow() as uow:
        rows = uow.session.execute(
            select(func.count()).select_from(Visit).where(Visit.activity_date == DAY)
        ).scalar_one()
    assert rows == sum(r["committed"] for r in reports)
