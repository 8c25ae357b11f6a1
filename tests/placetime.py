"""Running code as if the computer's clock were set to another zone than the place's.

A desk laptop is not always on Paris time (a volunteer's own machine, a Windows install left
on UTC); everything a user sees must still be on the place's clock. :func:`computer_zone`
sets ``TZ`` and calls ``time.tzset()`` (Python's ``datetime.now()``, ``date.today()`` and Qt's
``QTime.currentTime()`` all follow it), then puts the previous zone back.

The zone chosen is 12 to 14 hours away from Paris, on the side where *today* is another day
than in Paris at the moment the test runs: code that reads the computer's clock then shows
another hour *and* another date, so a test fails every time of day, not only near midnight.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

PLACE = ZoneInfo("Europe/Paris")
#: UTC+14 and UTC−11: whatever the hour in Paris, one of them is on another day.
FAR_ZONES = ("Pacific/Kiritimati", "Pacific/Pago_Pago")


def far_zone(place: ZoneInfo = PLACE) -> str:
    """The far zone whose date differs from the place's right now."""
    today = datetime.now(place).date()
    for name in FAR_ZONES:
        if datetime.now(ZoneInfo(name)).date() != today:
            return name
    raise AssertionError("one of the far zones is always on another day")  # pragma: no cover


@contextmanager
def computer_zone(name: str | None = None) -> Iterator[str]:
    """Within the block the computer's clock is set to ``name`` (a far zone by default)."""
    if not hasattr(time, "tzset"):
        pytest.skip("time.tzset() is POSIX only: the computer's zone cannot be changed here")
    zone = name or far_zone()
    before = os.environ.get("TZ")
    os.environ["TZ"] = zone
    time.tzset()
    try:
        yield zone
    finally:
        if before is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = before
        time.tzset()


def place_minutes(around: datetime | None = None) -> set[str]:
    """« HH:MM » on the place's clock now and a minute either side (a test may cross one)."""
    now = around or datetime.now(PLACE)
    return {(now + timedelta(minutes=d)).strftime("%H:%M") for d in (-1, 0, 1)}


def place_today() -> date:
    return datetime.now(PLACE).date()
