"""Two desks, two database connections, the last seat of the open space at the same moment:
the race both the SQLite and the PostgreSQL tests run (capacity is checked inside the
transaction, after the resource row is locked)."""

from __future__ import annotations

import contextlib
import threading
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from tiers_lieu.app import Comptoir, build
from tiers_lieu.models import Booking
from tiers_lieu.models.enums import ResourceKind
from tiers_lieu.services.agenda import rules
from tiers_lieu.services.agenda.errors import AgendaConflict
from tiers_lieu.services.agenda.inputs import BookingRequest
from tiers_lieu.services.agenda.resources import ResourceFields

PARIS = ZoneInfo("Europe/Paris")
FULL = "« Espace partagé » est complet sur ce créneau : 2 places prises sur 2."


def race_for_the_last_seat(
    app: Comptoir, site_id: Any, url: str, monkeypatch: pytest.MonkeyPatch
) -> tuple[list[str], int]:
    """Two desks (two engines on ``url``) book the last of two seats at once; returns what
    each desk was told, and the seats taken in the end."""
    space = app.agenda.resources.create(
        site_id, ResourceFields(name="Espace partagé", kind=ResourceKind.OPEN_SPACE, capacity=2)
    )
    start, end = datetime(2026, 3, 10, 9, tzinfo=PARIS), datetime(2026, 3, 10, 12, tzinfo=PARIS)
    app.agenda.bookings.create(
        site_id, BookingRequest(resource_id=space.id, start=start, end=end, organisation="Déjà là")
    )
    desks = [build(url), build(url)]
    # Both desks reach the count of seats before either commits: without the lock, both
    # would count one seat taken and both would book. The second desk is already waiting on
    # the lock, so the barrier breaks after a second, as expected.
    barrier = threading.Barrier(2, timeout=5)
    real_load = rules.load_bookings

    def slow_load(*args, **kwargs):  # type: ignore[no-untyped-def]
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=1)
        return real_load(*args, **kwargs)

    monkeypatch.setattr("tiers_lieu.services.agenda.common.load_bookings", slow_load)
    outcomes: list[str] = []

    def desk(comptoir: Comptoir, name: str) -> None:
        try:
            comptoir.agenda.bookings.create(
                site_id,
                BookingRequest(resource_id=space.id, start=start, end=end, organisation=name),
            )
            outcomes.append("booked")
        except AgendaConflict as refused:
            outcomes.append(refused.message)

    threads = [threading.Thread(target=desk, args=(d, f"Bureau {i}")) for i, d in enumerate(desks)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    for d in desks:
        d.close()
    with app.uow() as uow:
        taken = uow.session.execute(
            select(func.sum(Booking.seats)).where(Booking.resource_id == space.id)
        ).scalar_one()
    return sorted(outcomes, key=len), taken
