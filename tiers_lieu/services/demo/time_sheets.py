"""The team's time sheets: the people holding the demo's posts, and their last weeks of time
on the place's LEADER operation (and a little outside it), as the « Temps passé » tab, the
monthly time sheets and the report's XLSX show them.

Run last, with a random generator of its own: the rest of the demo is the same with or
without it.
"""

from __future__ import annotations

import random
from datetime import date, time, timedelta
from typing import Any

from sqlalchemy import select, update

from tiers_lieu.models import Job, Operation, Person, TimeEntry
from tiers_lieu.models.enums import ContractType
from tiers_lieu.services.demo.common import DemoContext, uuid4_of

WEEKS = 8
"""Weeks of time before today (the current one included, up to yesterday)."""

# Post (its first word) → the holder's name and the tasks on the operation.
TEAM: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "Coordinatrice": (
        "Claire",
        "Maury",
        (
            "Coordination de l'opération",
            "Animation des partenaires",
            "Suivi administratif et financier",
        ),
    ),
    "Agent": (
        "Nadia",
        "Besson",
        ("Accueil France Services", "Accompagnement aux démarches"),
    ),
    "Conseiller": (
        "Julien",
        "Fayolle",
        ("Ateliers numériques", "Accompagnement numérique individuel"),
    ),
    "Volontaire": ("Léa", "Chabrat", ("Accueil du public", "Aide aux ateliers")),
    "Apprentie": ("Manon", "Aubert", ("Vente à l'épicerie",)),
}
OUTSIDE = ("Gestion de l'épicerie", "Vie associative", "Formation")
"""Tasks outside the operation (kept, so the sheets show the operation's share)."""


def add_time_sheets(ctx: DemoContext) -> None:
    """Name the holder of each post and fill its last :data:`WEEKS` weeks, Monday to Friday:
    about 7 h a day at full time (less at part time), on one or two of its tasks, with now
    and then an hour outside the operation."""
    rng = random.Random(f"comptoir-demo-time:{ctx.site_name}:{ctx.today.isoformat()}")
    conn = ctx.conn
    operation = conn.execute(
        select(Operation.id)  # type: ignore[call-overload]
        .where(Operation.site_id == ctx.site_id)
        .order_by(Operation.created_at.desc())  # type: ignore[attr-defined]
    ).first()
    jobs = conn.execute(
        select(  # type: ignore[call-overload]
            Job.id,
            Job.post,
            Job.contract_type,
            Job.start_date,
            Job.end_date,
            Job.working_time_percent,
        ).where(Job.site_id == ctx.site_id, Job.contract_type != ContractType.VOLUNTEER.value)
    ).all()
    if not jobs:
        return
    people: list[dict[str, Any]] = []
    entries: list[dict[str, Any]] = []
    holders: list[tuple[Any, Any]] = []
    first_day = ctx.today - timedelta(days=ctx.today.weekday() + 7 * (WEEKS - 1))
    for job_id, post, _contract, start, end, percent in jobs:
        first_name, last_name, tasks = TEAM.get(post.split()[0], ("Camille", "Roux", ("Accueil",)))
        person_id = uuid4_of(rng.getrandbits(128))
        people.append(
            {
                "id": person_id,
                "created_at": ctx.at(min(start, ctx.today), time(9, 0)),
                "first_name": first_name,
                "last_name": last_name,
                "kinds": "",
                "last_activity_on": ctx.today,
            }
        )
        holders.append((job_id, person_id))
        daily = round(7 * 60 * percent / 100 / 15) * 15
        day = first_day
        while day < ctx.today:
            working = day.weekday() < 5 and start <= day and (end is None or day <= end)
            if working and rng.random() < 0.93:  # leave, sick days, a public holiday
                entries += _day_entries(rng, ctx, job_id, operation, day, daily, tasks)
            day += timedelta(days=1)
    ctx.insert(Person, people)
    stamp = ctx.at(ctx.today, time(0, 0))  # never after today's midnight (bundles)
    for job_id, person_id in holders:
        conn.execute(
            update(Job)
            .where(Job.id == job_id)  # type: ignore[arg-type]
            .values(person_id=person_id, updated_at=stamp)
        )
    ctx.insert(TimeEntry, entries)


def _day_entries(
    rng: random.Random,
    ctx: DemoContext,
    job_id: Any,
    operation: Any,
    day: date,
    daily: int,
    tasks: tuple[str, ...],
) -> list[dict[str, Any]]:
    operation_id = operation[0] if operation is not None else None
    minutes = max(60, daily + rng.choice((-30, 0, 0, 0, 15, 30)))
    outside = 60 if rng.random() < 0.2 else 0
    split = [minutes - outside]
    if len(tasks) > 1 and split[0] >= 180 and rng.random() < 0.5:
        first = round(split[0] * rng.uniform(0.3, 0.7) / 15) * 15
        split = [first, split[0] - first]
    chosen = rng.sample(tasks, len(split))
    stamp = ctx.at(day, time(18, 0))
    rows = [
        {
            "id": uuid4_of(rng.getrandbits(128)),
            "created_at": stamp,
            "job_id": job_id,
            "operation_id": operation_id,
            "on_date": day,
            "minutes": part,
            "task": task,
        }
        for part, task in zip(split, chosen, strict=True)
    ]
    if outside:
        rows.append(
            {
                "id": uuid4_of(rng.getrandbits(128)),
                "created_at": stamp,
                "job_id": job_id,
                "operation_id": None,
                "on_date": day,
                "minutes": outside,
                "task": rng.choice(OUTSIDE),
            }
        )
    return rows
