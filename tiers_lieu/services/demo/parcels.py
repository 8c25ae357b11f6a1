"""Demo rows of the parcel and post relay (issue 22): a few parcels a week per place.

Four in five are handed over within a few days (identity checked), some go back to their carrier
past their date, the last days' still wait, and one or two are past their date this morning
(the « À retourner » list has something to show). A random generator of its own, seeded by
the place and the day, so the other generators draw as before.

No visit is written for a demo hand-over: the desk visits of the demo already count people
at « Relais colis / poste » (a hand-over made in Comptoir counts its own visit).
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from tiers_lieu.models import Parcel
from tiers_lieu.services.demo.common import DemoContext, poisson
from tiers_lieu.services.parcels import CARRIERS, KEEP_DAYS

PER_OPEN_DAY = 0.6
CARRIER_WEIGHTS = {
    "La Poste / Colissimo": 10,
    "Chronopost": 2,
    "Mondial Relay": 6,
    "DPD": 2,
    "GLS": 1,
    "UPS": 1,
    "Relais Colis": 2,
    "Autre": 1,
}
TYPED_NAMES = (
    "Famille Dupuis",
    "M. Lacroix",
    "Mme Chabrat",
    "Gîte des Bruyères",
    "Boulangerie Pradeau",
    "Camping municipal",
)
COLUMNS = (
    "carrier",
    "tracking",
    "person_id",
    "recipient",
    "arrived_at",
    "keep_until",
    "notified_at",
    "handed_at",
    "identity_checked",
    "returned_at",
    "created_at",
    "updated_at",
)


def add_parcels(ctx: DemoContext) -> None:
    rng = random.Random(f"comptoir-demo-parcels:{ctx.site_name}:{ctx.today.isoformat()}")
    carriers = [name for name, _days in CARRIERS]
    weights = [CARRIER_WEIGHTS[name] for name in carriers]
    people = [p for p in ctx.people if p.since <= ctx.today]
    open_days = ctx.open_days
    rows: list[tuple[Any, ...]] = []
    midnight = ctx.at(ctx.today, time(0, 0))
    for index, day in enumerate(open_days):
        if day >= ctx.today:  # nothing after this morning: no stamp in the future
            break
        for _ in range(poisson(rng, PER_OPEN_DAY)):
            carrier = rng.choices(carriers, weights)[0]
            arrived = _moment(ctx, rng, day)
            keep_until = day + timedelta(days=KEEP_DAYS[carrier])
            person = rng.choice(people) if people and rng.random() < 0.7 else None
            if person is not None and person.since > day:
                person = None
            recipient = (
                f"{person.first_name} {person.last_name}".strip()
                if person
                else rng.choice(TYPED_NAMES)
            )
            notified = arrived if rng.random() < 0.6 else None
            handed = returned = None
            fate = rng.random()
            later = [d for d in open_days[index : index + 12] if d <= keep_until]
            if fate < 0.8 and later:
                pick_up = later[min(len(later) - 1, int(rng.expovariate(0.3)))]
                # this week's often still wait: people come when they can
                recent = day >= ctx.today - timedelta(days=7) and rng.random() < 0.5
                if pick_up < ctx.today and not recent:
                    handed = _moment(ctx, rng, pick_up, after=arrived)
            elif keep_until < ctx.today - timedelta(days=3):
                back = next((d for d in open_days[index:] if d > keep_until), None)
                if back is not None and back < ctx.today:
                    returned = _moment(ctx, rng, back, after=arrived)
            rows.append(
                (
                    carrier,
                    _tracking(rng, carrier),
                    person.id if person else None,
                    recipient[:120],
                    arrived,
                    keep_until,
                    notified,
                    handed,
                    handed is not None,
                    returned,
                    arrived,
                    min(handed or returned or notified or arrived, midnight),
                )
            )
    ctx.insert_rows(Parcel, COLUMNS, rows)
    ctx.counts["parcel"] += len(rows)


def _moment(ctx: DemoContext, rng: random.Random, day: date, after: datetime | None = None) -> Any:
    ranges = ctx.hours.get(day.weekday()) or [(time(9, 0), time(17, 0))]
    opens, closes = rng.choice(ranges)
    start = opens.hour * 60 + opens.minute
    end = max(start + 1, closes.hour * 60 + closes.minute - 5)
    minute = rng.randrange(start, end)
    instant = ctx.at(day, time(minute // 60, minute % 60))
    if after is not None and instant <= after:
        return after + timedelta(minutes=rng.randint(5, 90))
    return instant


def _tracking(rng: random.Random, carrier: str) -> str:
    digits = "".join(rng.choice("0123456789") for _ in range(11))
    prefix = {"La Poste / Colissimo": "6A", "Chronopost": "XW", "Mondial Relay": "MR"}
    return prefix.get(carrier, "") + digits
