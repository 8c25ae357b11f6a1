"""The AMAP of the demo: seasonal contracts with their basket types, households subscribed
(some at the solidarity price, funded by members, a subsidy or the network), instalments,
the weekly distribution calendar and what became of every basket.

Distributions fall on the contract's weekday and skip public holidays and closures, the way
the distribution calendar is generated in the application; a fortnight ahead is planned so
the next distribution sheet can be printed from the demo.
"""

from __future__ import annotations

import uuid
from datetime import date, time, timedelta
from typing import Any

from tiers_lieu.models import (
    AmapContract,
    AmapInstalment,
    AmapSubscription,
    BasketType,
    Distribution,
    Pickup,
    SolidarityFunding,
    Visit,
)
from tiers_lieu.models.enums import (
    FundingSource,
    PaymentMethod,
    PaymentSchedule,
    PickupStatus,
    ServiceKind,
    SubscriptionStatus,
    VisitSource,
)
from tiers_lieu.services.demo.common import DemoContext, PersonRef, daterange

AHEAD_DAYS = 14
WEEKDAY = 3  # Thursday evening, after work
PICKUP_WEIGHT = {
    PickupStatus.COLLECTED: 86,
    PickupStatus.ABSENT: 4,
    PickupStatus.GIVEN: 4,
    PickupStatus.DONATED: 3,
    PickupStatus.KEPT: 1,
    PickupStatus.UNCOLLECTED: 2,
}
FUNDING_SPLITS: list[list[tuple[str, int]]] = [
    [(FundingSource.MEMBERS, 50), (FundingSource.SUBSIDY, 50)],
    [(FundingSource.NETWORK, 100)],
    [(FundingSource.MEMBERS, 30), (FundingSource.SUBSIDY, 70)],
]
REFERRERS = ["CCAS d'Aubusson", "Secours populaire", "Assistante sociale du Département"]


Season = tuple[str, str, date, date, str, list[tuple[str, int, int | None]]]


def _seasons(ctx: DemoContext) -> list[Season]:
    """(kind, name, start, end, schedule, basket types) of contracts touching the period."""
    found: list[Season] = []
    for year in range(ctx.start.year - 1, ctx.today.year + 1):
        vegetables: list[tuple[str, int, int | None]] = [
            ("Petit panier", 1200, 600),
            ("Grand panier", 2000, 1000),
        ]
        found.append(
            (
                "légumes",
                f"Légumes bio — été {year}",
                date(year, 4, 1),
                date(year, 10, 31),
                PaymentSchedule.MONTHLY,
                vegetables,
            )
        )
        found.append(
            (
                "légumes",
                f"Légumes bio — hiver {year}-{year + 1}",
                date(year, 11, 1),
                date(year + 1, 3, 31),
                PaymentSchedule.MONTHLY,
                vegetables,
            )
        )
        found.append(
            (
                "pain",
                f"Pain au levain {year}",
                date(year, 1, 1),
                date(year, 12, 31),
                PaymentSchedule.ONCE,
                [("Pain 1 kg", 480, 240), ("Pain 2 kg", 900, None)],
            )
        )
    last = ctx.today + timedelta(days=AHEAD_DAYS)
    return [s for s in found if s[2] <= last and s[3] >= ctx.start]


def add_amap(ctx: DemoContext, producers: dict[str, uuid.UUID]) -> None:
    rng = ctx.rng
    households = ctx.people_of("amap")
    if not households:
        return
    rows: dict[str, list[dict[str, Any]]] = {
        k: []
        for k in (
            "contract",
            "basket",
            "sub",
            "funding",
            "instalment",
            "distribution",
            "pickup",
            "visit",
        )
    }
    service = ctx.services.get(ServiceKind.AMAP)
    last_day = ctx.today + timedelta(days=AHEAD_DAYS)
    for kind, name, first, last, schedule, baskets in _seasons(ctx):
        producer = producers["GAEC des Combes" if kind == "légumes" else "Fournil de la Creuse"]
        cid = ctx.uid()
        rows["contract"].append(
            {
                "id": cid,
                "created_at": ctx.at(first - timedelta(days=30), time(18, 0)),
                "producer_id": producer,
                "name": name,
                "season_start": first,
                "season_end": last,
                "weekday": WEEKDAY,
                "start_time": time(17, 0),
                "end_time": time(19, 0),
                "payment_schedule": schedule,
                "max_absences": 3,
                "capacity": ctx.scale.amap_households + 4,
            }
        )
        types: list[tuple[uuid.UUID, int, int | None]] = []
        for label, price, solidarity in baskets:
            tid = ctx.uid()
            types.append((tid, price, solidarity))
            rows["basket"].append(
                {
                    "id": tid,
                    "name": label,
                    "price_cents": price,
                    "solidarity_price_cents": solidarity,
                    "contract_id": cid,
                }
            )
        planned = [
            d for d in daterange(first, last) if d.weekday() == WEEKDAY and ctx.is_open_cached(d)
        ]
        share = 0.9 if kind == "légumes" else 0.5
        subs: list[tuple[uuid.UUID, PersonRef, date, int, int]] = []
        for person in households:
            joined = max(first, person.since)
            if joined > last or joined > ctx.today or rng.random() >= share:
                continue
            type_index = rng.choices([0, 1], [3, 2])[0]
            tid, price, solidarity_price = types[type_index]
            # One household in eight is referred for a solidarity basket (the third one
            # always is, so that even a short demo shows how they are funded).
            solidarity = solidarity_price is not None and (len(subs) == 2 or rng.random() < 0.12)
            unit = solidarity_price if solidarity and solidarity_price is not None else price
            quantity = 2 if kind == "pain" and rng.random() < 0.2 else 1
            sid = ctx.uid()
            subs.append((sid, person, joined, unit * quantity, quantity))
            rows["sub"].append(
                {
                    "id": sid,
                    "created_at": ctx.at(joined, time(18, 0)),
                    "contract_id": cid,
                    "basket_type_id": tid,
                    "person_id": person.id,
                    "quantity": quantity,
                    "start_date": joined,
                    "status": SubscriptionStatus.ENDED
                    if last < ctx.today
                    else SubscriptionStatus.ACTIVE,
                    "waitlist_position": None,
                    "solidarity": solidarity,
                    "referred_by": rng.choice(REFERRERS) if solidarity else "",
                    "eligible_until": last if solidarity else None,
                }
            )
            if solidarity:
                for source, percent in rng.choice(FUNDING_SPLITS):
                    rows["funding"].append(
                        {"subscription_id": sid, "source": source, "share_percent": percent}
                    )
            _instalments(
                ctx,
                rows["instalment"],
                sid,
                schedule,
                joined,
                [d for d in planned if d >= joined],
                unit * quantity,
            )
        if first <= ctx.today <= last:
            others = [p for p in ctx.people if "amap" not in p.kinds][:2]
            for position, person in enumerate(others, start=1):
                rows["sub"].append(
                    {
                        "id": ctx.uid(),
                        "created_at": ctx.at(ctx.today, time(18, 0)),
                        "contract_id": cid,
                        "basket_type_id": types[0][0],
                        "person_id": person.id,
                        "quantity": 1,
                        "start_date": ctx.today,
                        "status": SubscriptionStatus.WAITING,
                        "waitlist_position": position,
                        "solidarity": False,
                        "referred_by": "",
                        "eligible_until": None,
                    }
                )
        _distributions(ctx, rows, cid, [d for d in planned if d <= last_day], subs, service)
    ctx.insert(AmapContract, rows["contract"])
    ctx.insert(BasketType, rows["basket"])
    ctx.insert(AmapSubscription, rows["sub"])
    ctx.insert(SolidarityFunding, rows["funding"])
    ctx.insert(AmapInstalment, rows["instalment"])
    ctx.insert(Distribution, rows["distribution"])
    ctx.insert(Pickup, rows["pickup"])
    ctx.insert(Visit, rows["visit"])


def _instalments(
    ctx: DemoContext,
    out: list[dict[str, Any]],
    sid: uuid.UUID,
    schedule: str,
    joined: date,
    dates: list[date],
    basket_cents: int,
) -> None:
    """Cheques handed over at signing, cashed month by month (or all at once)."""
    if not dates:
        return
    rng = ctx.rng
    signed = ctx.at(joined, time(18, 15))
    if schedule == PaymentSchedule.ONCE:
        groups = {(dates[0].year, dates[0].month): len(dates)}
    else:
        groups = {}
        for day in dates:
            groups[(day.year, day.month)] = groups.get((day.year, day.month), 0) + 1
    for (year, month), count in groups.items():
        due = max(date(year, month, 1), joined)
        method = PaymentMethod.CHEQUE if rng.random() < 0.85 else PaymentMethod.TRANSFER
        out.append(
            {
                "subscription_id": sid,
                "due_date": due,
                "amount_cents": basket_cents * count,
                "method": method,
                "cheque_number": f"{rng.randint(1000000, 9999999)}" if method == "cheque" else "",
                "received_at": signed if joined <= ctx.today else None,
                "handed_to_producer_at": ctx.at(due + timedelta(days=7), time(18, 0))
                if due + timedelta(days=7) <= ctx.today
                else None,
            }
        )


def _distributions(
    ctx: DemoContext,
    rows: dict[str, list[dict[str, Any]]],
    cid: uuid.UUID,
    dates: list[date],
    subs: list[tuple[uuid.UUID, PersonRef, date, int, int]],
    service: uuid.UUID | None,
) -> None:
    rng = ctx.rng
    statuses = list(PICKUP_WEIGHT)
    weights = list(PICKUP_WEIGHT.values())
    absences: dict[uuid.UUID, int] = {}
    for day in dates:
        if day < ctx.start:
            continue
        did = ctx.uid()
        cancelled = day <= ctx.today and rng.random() < 0.01
        rows["distribution"].append(
            {
                "id": did,
                "created_at": ctx.at(day - timedelta(days=7), time(9, 0)),
                "contract_id": cid,
                "on_date": day,
                "start_time": time(17, 0),
                "end_time": time(19, 0),
                "cancelled": cancelled,
                "note": "Annulée : route enneigée" if cancelled else "",
            }
        )
        if cancelled:
            continue
        for sid, person, joined, _cents, _quantity in subs:
            if joined > day:
                continue
            status: str = PickupStatus.EXPECTED
            collected_by, collected_at = "", None
            if day <= ctx.today:
                status = rng.choices(statuses, weights)[0]
                if status == PickupStatus.ABSENT:
                    absences[sid] = absences.get(sid, 0) + 1
                    if absences[sid] > 3:
                        status = PickupStatus.COLLECTED
                if status in (PickupStatus.COLLECTED, PickupStatus.GIVEN):
                    collected_at = ctx.at(day, time(17, rng.randint(0, 59)))
                if status == PickupStatus.GIVEN:
                    other = rng.choice(ctx.people)
                    collected_by = f"{other.first_name} {other.last_name}"
                if status == PickupStatus.COLLECTED:
                    ctx.touch(person.id, day)
                    if service is not None:
                        rows["visit"].append(
                            {
                                "created_at": collected_at,
                                "service_id": service,
                                "activity_date": day,
                                "activity_time": time(17, 30),
                                "count": 1,
                                "commune_id": person.commune_id,
                                "age_band_id": person.age_band_id,
                                "gender_id": person.gender_id,
                                "status_id": person.status_id,
                                "person_id": person.id,
                                "event_id": None,
                                "booking_id": None,
                                "source": VisitSource.DEMO,
                            }
                        )
            rows["pickup"].append(
                {
                    "created_at": ctx.at(day, time(16, 0)),
                    "distribution_id": did,
                    "subscription_id": sid,
                    "status": status,
                    "collected_by": collected_by,
                    "collected_at": collected_at,
                }
            )
