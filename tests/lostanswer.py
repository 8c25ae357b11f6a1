"""A visit the database server committed but whose answer never reached the desk, kept on this
computer and retried: the scenario the SQLite and the PostgreSQL tests both run
(:func:`retry_after_lost_answer`, one visit whatever the number of tries).

The lost answer is simulated where it happens: the unit of work's ``COMMIT`` goes through,
then the call raises what SQLAlchemy raises when the connection drops (the desk cannot tell
this from a commit that never arrived, so it keeps the visit and tries again later).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import exc as sa_exc
from sqlalchemy import func, select

from tiers_lieu.app import Comptoir
from tiers_lieu.db import UnitOfWork
from tiers_lieu.models import Visit
from tiers_lieu.services.pending_visits import (
    PendingVisit,
    PendingVisitQueue,
    is_connection_lost,
    save_pending,
)

PARIS = ZoneInfo("Europe/Paris")


def lose_answers(monkeypatch: pytest.MonkeyPatch, times: int) -> None:
    """The next ``times`` commits are made, then reported as a lost connection."""
    real_commit = UnitOfWork.commit
    left = [times]

    def commit(self: UnitOfWork) -> None:
        real_commit(self)
        if left[0] > 0:
            left[0] -= 1
            raise sa_exc.OperationalError(
                "COMMIT",
                {},
                Exception("server closed the connection unexpectedly"),
                connection_invalidated=True,
            )

    monkeypatch.setattr(UnitOfWork, "commit", commit)


def people_counted(app: Comptoir, site_id: uuid.UUID, day: date) -> tuple[int, int]:
    """(rows, people) of the site's visits on ``day``."""
    with app.uow(read_only=True) as uow:
        rows, people = uow.session.execute(
            select(func.count(), func.coalesce(func.sum(Visit.count), 0)).where(
                Visit.site_id == site_id,  # type: ignore[arg-type]
                Visit.activity_date == day,  # type: ignore[arg-type]
            )
        ).one()
    return int(rows), int(people)


def retry_after_lost_answer(
    app: Comptoir, site_id: uuid.UUID, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[int, int]:
    """One key press whose commit is made but unacknowledged, kept, then retried twice (the
    second retry finds nothing left to do); returns (rows, people) counted that day."""
    service = app.config.list_services(site_id)[0]
    day = datetime.now(PARIS).date() - timedelta(days=1)
    visit = PendingVisit(site_id, service.id, service.name, day, time(10, 42))
    queue = PendingVisitQueue.for_database(app.url, folder)
    lose_answers(monkeypatch, times=1)
    try:
        save_pending(app.visits, visit)  # the key press
    except Exception as exc:
        assert is_connection_lost(exc), exc
        queue.add(visit)
    assert len(queue) == 1
    retried = queue.flush(lambda kept: save_pending(app.visits, kept))
    assert retried.stopped_by is None and [v.id for v, _info in retried.saved] == [visit.id]
    assert retried.saved[0][1].id == visit.id  # the row saved by the first commit
    assert len(queue) == 0
    # The same visit tried once more (a copy of the queue restored, a second desk…).
    assert save_pending(app.visits, visit).id == visit.id
    return people_counted(app, site_id, day)
