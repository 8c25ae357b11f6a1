"""The volunteers' rota of the demo (issue 22): last week, this week and next week.

Each open day gets an « Accueil » shift per opening range, the AMAP distribution (Thursday
17:00–19:00, as :mod:`.amap`) an « AMAP » shift, Wednesday and Saturday afternoons a « Café »
shift. Volunteers are put on the shifts their usual availability covers (each volunteer gets
one or two ranges). A few shifts of the coming days have nobody (two at least) and one
opening range of the next week has no « Accueil » shift: the gaps the tab shows.

Shifts before today are done (a few absent); each done shift has its volunteer-time entry, as
the service writes it: the random volunteer time :mod:`.organisation` wrote for those days is
removed first, so the report counts those days' hours once, from the rota.

A random generator of its own, seeded from the demo's without drawing from it: the same seed
gives the same rota, and the other generators' rows (but those volunteer-time entries) stay
the same with or without this module.
"""

from __future__ import annotations

import random
import uuid
from datetime import date, time, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlmodel import col

from tiers_lieu.models import VolunteerTime
from tiers_lieu.models.proximity import RotaAvailability, RotaShift
from tiers_lieu.services.demo.amap import WEEKDAY as AMAP_WEEKDAY
from tiers_lieu.services.demo.common import DemoContext, PersonRef, uuid4_of
from tiers_lieu.services.rota import ROLES, monday_of

CAFE_WEEKDAYS = (2, 5)
GAP_SHARE = 0.12
ABSENT_SHARE = 0.08


def _covers(
    ranges: list[tuple[int, time, time, str]], day: date, start: time, end: time, role: str
) -> bool:
    return any(
        w == day.weekday() and a <= start and end <= b and r in ("", role) for w, a, b, r in ranges
    )


def add_rota(ctx: DemoContext) -> None:
    # Seeded by the demo's generator without drawing from it (its state hashes the same
    # in every run: a tuple of integers).
    rng = random.Random(hash(ctx.rng.getstate()))

    def uid() -> uuid.UUID:
        return uuid4_of(rng.getrandbits(128))

    volunteers = ctx.people_of("volunteer")
    if not volunteers or not ctx.hours:
        return
    first = monday_of(ctx.today) - timedelta(days=7)
    last = monday_of(ctx.today) + timedelta(days=13)
    planned_at = ctx.at(min(first - timedelta(days=3), ctx.today), time(18, 0))

    availability: dict[uuid.UUID, list[tuple[int, time, time, str]]] = {}
    open_weekdays = sorted(ctx.hours)
    rows_available: list[dict[str, Any]] = []
    for person in volunteers:
        own: list[tuple[int, time, time, str]] = []
        for weekday in rng.sample(open_weekdays, k=min(len(open_weekdays), rng.randint(1, 2))):
            start, end = rng.choice(ctx.hours[weekday])
            role = rng.choice(["", "", "accueil", "cafe"])
            if weekday == AMAP_WEEKDAY and rng.random() < 0.5:
                start, end, role = time(16, 30), time(19, 30), "amap"
            own.append((weekday, start, end, role))
            rows_available.append(
                {
                    "id": uid(),
                    "created_at": planned_at,
                    "person_id": person.id,
                    "weekday": weekday,
                    "starts_at": start,
                    "ends_at": end,
                    "role": role,
                }
            )
        availability[person.id] = own

    def pick(day: date, start: time, end: time, role: str) -> PersonRef:
        able = [p for p in volunteers if _covers(availability[p.id], day, start, end, role)]
        return rng.choice(able or volunteers)

    shifts: list[dict[str, Any]] = []
    times: list[dict[str, Any]] = []
    uncovered_left = 1  # one opening range of next week without any « Accueil » shift
    gaps_left = {"accueil", "other"}
    day = first
    while day <= last:
        if not ctx.is_open_cached(day):
            day += timedelta(days=1)
            continue
        wanted: list[tuple[time, time, str]] = [
            (a, b, "accueil") for a, b in ctx.hours[day.weekday()]
        ]
        if day.weekday() == AMAP_WEEKDAY:
            wanted.append((time(17, 0), time(19, 0), "amap"))
        if day.weekday() in CAFE_WEEKDAYS:
            wanted.append((time(14, 0), time(17, 0), "cafe"))
        for start, end, role in wanted:
            future = day > ctx.today
            if (
                future
                and role == "accueil"
                and uncovered_left
                and day >= ctx.today + timedelta(days=2)
            ):
                uncovered_left -= 1
                continue
            # Two shifts of the coming week with nobody (the first café or AMAP one, and an
            # « Accueil » from the third day on), and a few more by chance.
            forced = (
                future
                and day <= ctx.today + timedelta(days=6)
                and (
                    (role != "accueil" and "other" in gaps_left)
                    or (
                        role == "accueil"
                        and day >= ctx.today + timedelta(days=3)
                        and "accueil" in gaps_left
                    )
                )
            )
            if forced:
                gaps_left.discard("accueil" if role == "accueil" else "other")
            on_shift: PersonRef | None = (
                None
                if forced or rng.random() < (GAP_SHARE if future else 0.04)
                else pick(day, start, end, role)
            )
            row: dict[str, Any] = {
                "id": uid(),
                "created_at": planned_at,
                "on_date": day,
                "starts_at": start,
                "ends_at": end,
                "role": role,
                "person_id": on_shift.id if on_shift else None,
                "status": "planned",
                "volunteer_time_id": None,
            }
            if on_shift is not None and day < ctx.today:
                row["updated_at"] = ctx.at(day, time(19, 30))
                if rng.random() < ABSENT_SHARE:
                    row["status"] = "absent"
                else:
                    entry = uid()
                    row["status"], row["volunteer_time_id"] = "done", entry
                    minutes = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
                    times.append(
                        {
                            "id": entry,
                            "created_at": ctx.at(day, time(19, 30)),
                            "person_id": on_shift.id,
                            "on_date": day,
                            "minutes": minutes,
                            "activity": ROLES[role],
                        }
                    )
                    ctx.touch(on_shift.id, day)
            shifts.append(row)
        day += timedelta(days=1)

    # The days the rota covers count its hours, not the random ones written before.
    where = (
        (col(VolunteerTime.site_id) == ctx.site_id)
        & (col(VolunteerTime.on_date) >= first)
        & (col(VolunteerTime.on_date) < ctx.today)
    )
    removed = ctx.conn.execute(
        select(func.count()).select_from(VolunteerTime).where(where)
    ).scalar_one()
    ctx.conn.execute(delete(VolunteerTime).where(where))
    ctx.counts["volunteer_time"] -= int(removed)
    ctx.insert(VolunteerTime, times)
    ctx.insert(RotaAvailability, rows_available)
    ctx.insert(RotaShift, shifts)
