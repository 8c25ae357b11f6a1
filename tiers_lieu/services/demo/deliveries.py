"""Home delivery (portage): one round a week (Thursday) over the last twelve weeks and the
next one, a handful of regulars each time, past rounds ticked delivered or absent.

A random generator of its own: the rest of the demo is the same with or without it.
"""

from __future__ import annotations

import random
from datetime import time, timedelta
from typing import Any

from tiers_lieu.models.proximity import DeliveryOrder, DeliveryRound
from tiers_lieu.services.demo.common import DemoContext, uuid4_of

WEEKS = 12
WEEKDAY = 3  # Thursday
DRIVERS = ("Gérard Vialle", "Monique Teyssier", "Alain Roche")
STREETS = (
    "rue de l'Église",
    "route de la Gare",
    "chemin des Vignes",
    "place du Marché",
    "lieu-dit Les Granges",
    "impasse des Tilleuls",
    "rue du Moulin",
)
GROCERIES = (
    "1 pain de campagne",
    "6 œufs",
    "1 l de lait",
    "500 g de beurre",
    "1 kg de pommes",
    "1 paquet de café",
    "2 yaourts nature",
    "1 kg de pommes de terre",
    "1 savon",
)


def add_deliveries(ctx: DemoContext) -> None:
    rng = random.Random(f"comptoir-demo-portage:{ctx.site_name}:{ctx.today.isoformat()}")
    if not ctx.people:
        return
    regulars = rng.sample(ctx.people, min(8, len(ctx.people)))
    addresses = {p.id: f"{rng.randint(1, 40)} {rng.choice(STREETS)}" for p in regulars}
    this_week = ctx.today + timedelta(days=(WEEKDAY - ctx.today.weekday()) % 7)
    rounds: list[dict[str, Any]] = []
    orders: list[dict[str, Any]] = []
    for week in range(WEEKS, -1, -1):
        day = this_week - timedelta(weeks=week)
        if day < ctx.start:
            continue
        round_id = uuid4_of(rng.getrandbits(128))
        rounds.append(
            {
                "id": round_id,
                "created_at": ctx.at(day - timedelta(days=2), time(9, 0)),
                "day": day,
                "label": "Tournée du jeudi",
                "driver": DRIVERS[week % len(DRIVERS)],
            }
        )
        chosen = rng.sample(regulars, rng.randint(3, min(6, len(regulars))))
        for position, person in enumerate(chosen, start=1):
            past = day < ctx.today
            status = "planned"
            if past:
                status = "absent" if rng.random() < 0.1 else "delivered"
            items = "\n".join(rng.sample(GROCERIES, rng.randint(0, 3)))
            basket = rng.random() < 0.4
            prescription = rng.random() < 0.25
            if not items and not basket and not prescription:
                basket = True
            orders.append(
                {
                    "id": uuid4_of(rng.getrandbits(128)),
                    "created_at": ctx.at(day - timedelta(days=3), time(9, 0)),
                    "person_id": person.id,
                    "recipient": f"{person.first_name} {person.last_name}".strip() or "—",
                    "address": addresses[person.id],
                    "for_date": day,
                    "round_id": round_id,
                    "position": position,
                    "items": items,
                    "amap_basket": basket,
                    "prescription": prescription,
                    "status": status,
                    "done_at": ctx.at(day, time(12, 0)) if past else None,
                }
            )
    ctx.insert(DeliveryRound, rounds)
    ctx.insert(DeliveryOrder, orders)
