"""The desk's satisfaction key: answers after most démarches, after the workshops (a few per
workshop) and now and then after a visit at the desk; mostly « content ».

Run last, with a random generator of its own: the rest of the demo is the same with or
without it.
"""

from __future__ import annotations

import random
from datetime import time
from typing import Any

from sqlalchemy import select

from tiers_lieu.models import AssistanceRecord, Event, Satisfaction
from tiers_lieu.services.demo.common import DemoContext, uuid4_of

ANSWERED_SHARE = 0.6
"""The share of the démarches after which the person answered."""

WEIGHTS = (78, 17, 5)
"""Content, moyen, pas content."""

COLUMNS = ("id", "at", "activity_date", "score", "context", "assistance_id", "event_id")


def _score(rng: random.Random) -> int:
    return rng.choices((3, 2, 1), weights=WEIGHTS)[0]


def add_satisfaction(ctx: DemoContext) -> int:
    """Answers over the demo's period; returns how many were written."""
    rng = random.Random(f"comptoir-demo-satisfaction:{ctx.site_name}:{ctx.today.isoformat()}")
    rows: list[tuple[Any, ...]] = []
    for record_id, day in ctx.conn.execute(
        select(AssistanceRecord.id, AssistanceRecord.activity_date)  # type: ignore[call-overload]
        .where(AssistanceRecord.site_id == ctx.site_id, AssistanceRecord.activity_date <= ctx.today)
        .order_by(AssistanceRecord.activity_date, AssistanceRecord.id)
    ):
        if rng.random() < ANSWERED_SHARE:
            at = ctx.at(day, time(rng.randrange(9, 17), rng.randrange(0, 60, 5)))
            rows.append(
                (uuid4_of(rng.getrandbits(128)), at, day, _score(rng), "demarche", record_id, None)
            )
    for event_id, day in ctx.conn.execute(
        select(Event.id, Event.event_date)  # type: ignore[call-overload]
        .where(Event.site_id == ctx.site_id, Event.event_date <= ctx.today)
        .order_by(Event.event_date, Event.id)
    ):
        for _ in range(rng.randrange(0, 5)):
            at = ctx.at(day, time(rng.randrange(10, 18), rng.randrange(0, 60, 5)))
            rows.append(
                (uuid4_of(rng.getrandbits(128)), at, day, _score(rng), "atelier", None, event_id)
            )
    for day in ctx.open_days:
        if day <= ctx.today and rng.random() < 0.3:
            at = ctx.at(day, time(rng.randrange(9, 17), rng.randrange(0, 60, 5)))
            rows.append(
                (uuid4_of(rng.getrandbits(128)), at, day, _score(rng), "accueil", None, None)
            )
    ctx.insert_rows(Satisfaction, COLUMNS, rows)
    return len(rows)
