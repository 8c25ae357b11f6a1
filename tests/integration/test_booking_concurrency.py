"""Two desks, two database connections, the last seat of the open space at the same moment:
exactly one booking succeeds, the other is refused with the reason (capacity is checked
inside the transaction, after the resource row is locked)."""

from __future__ import annotations

from pathlib import Path

from lastseat import FULL, race_for_the_last_seat

from tiers_lieu.app import Comptoir


def test_two_desks_cannot_both_take_the_last_seat(
    app: Comptoir,
    site,
    db_path: Path,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    outcomes, taken = race_for_the_last_seat(app, site.id, str(db_path), monkeypatch)
    assert outcomes == ["booked", FULL]
    assert taken == 2
