"""Two desks, two database connections, the last seat of the open space at the same moment:
exactly one booking succeeds, the other is refused with the reason (capacity is checked
inside the transaction, after the resource row is locked)."""

from __future__ import annotations

import contextlib
import threading
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from tiers_lieu.app import Comptoir, build
from tiers_lieu.models import Booking
from tiers_lieu.models.enums import ResourceKind
from tiers_lieu.services.agenda import AgendaConflict, rules

PARIS = ZoneInfo("Europe/Paris")


def test_two_desks_cannot_both_take_the_last_seat(
    app: Comptoir,
    site,
    db_path: Path,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    space = app.agenda.resources.create(
        site_id=site.id, name="Espace partagé", kind=ResourceKind.OPEN_SPACE, capacity=2
    )
    start, end = datetime(2026, 3, 10, 9, tzinfo=PARIS), datetime(2026, 3, 10, 12, tzinfo=PARIS)
    app.agenda.bookings.create(
        site_id=site.id, resource_id=space.id, start=start, end=end, organisation="Déjà là"
    )
    desks = [build(str(db_path)), build(str(db_path))]  # two engines on the same file
    # Both desks reach the count of seats before either commits: without the lock, both
    # would count one seat taken and both would book.
    barrier = threading.Barrier(2, timeout=5)
    real_load = rules.load_bookings

    def slow_load(*args, **kwargs):  # type: ignore[no-untyped-def]
        # The second desk is already waiting on the lock: the barrier breaks, as expected.
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=1)
        return real_load(*args, **kwargs)

    monkeypatch.setattr("tiers_lieu.services.agenda.common.load_bookings", slow_load)
    outcomes: list[str] = []

    def desk(comptoir: Comptoir, name: str) -> None:
        try:
            comptoir.agenda.bookings.create(
                site_id=site.id, resource_id=space.id, start=start, end=end, organisation=name
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
    assert sorted(outcomes, key=len) == [
        "booked",
        "« Espace partagé » est complet sur ce créneau : 2 places prises sur 2.",
    ]
    with app.uow() as uow:
        taken = uow.session.execute(
            select(func.sum(Booking.seats)).where(Booking.resource_id == space.id)
        ).scalar_one()
    assert taken == 2
