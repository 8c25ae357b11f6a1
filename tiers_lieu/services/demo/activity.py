"""What the desk logs in the demo: visits with believable rhythms, and workshops and events
with their attendance (the administrative assistance records, drawn in the same rhythms, are
:mod:`.assistance`).

Visits follow the shapes a coordinator recognises in a real year: fewer in August and around
Christmas, more on market day, busier mid-morning and late afternoon, Saturday mornings
quieter, and an audience that grows as the place becomes known. Visitor details are only
partly filled, as at a real desk (most unknowns stay NULL, reported as "Non communiqué").
The per-weekday time tables are built once, because the large scale draws 250 000 times.
"""

from __future__ import annotations

import uuid
from datetime import date, time
from itertools import accumulate
from typing import Any

from tiers_lieu.models import Event, EventAttendance, Visit
from tiers_lieu.models.enums import AttendanceMode, CategoryKind, ServiceKind, VisitSource
from tiers_lieu.services.demo.common import BATCH, DemoContext, PersonRef, Weighted, poisson
from tiers_lieu.services.demo.coop import CoopDraw
from tiers_lieu.services.demo.footfall import Footfall, public_of

MONTH_FACTOR = {
    1: 0.85,
    2: 0.9,
    3: 1.0,
    4: 1.0,
    5: 1.05,
    6: 1.05,
    7: 0.9,
    8: 0.55,
    9: 1.1,
    10: 1.1,
    11: 1.0,
    12: 0.85,
}
WEEKDAY_FACTOR = {0: 0.9, 1: 1.0, 2: 1.05, 3: 1.0, 4: 1.05, 5: 0.6, 6: 0.5}
HOUR_WEIGHT = {
    8: 0.4,
    9: 0.8,
    10: 1.3,
    11: 1.4,
    12: 0.7,
    13: 0.5,
    14: 0.8,
    15: 1.0,
    16: 1.4,
    17: 1.2,
    18: 0.6,
    19: 0.4,
}
SERVICE_WEIGHT = {
    ServiceKind.WELCOME: 20,
    ServiceKind.CAFE: 14,
    ServiceKind.GROCERY: 16,
    ServiceKind.PARCEL: 10,
    ServiceKind.DIGITAL: 8,
    ServiceKind.ASSISTANCE: 5,
    ServiceKind.COWORKING: 3,
    ServiceKind.HEALTH: 2,
    ServiceKind.AMAP: 2,
    ServiceKind.WORKSHOP: 2,
    ServiceKind.PUBLIC_WRITER: 2,
    ServiceKind.OTHER: 2,
}
AGE_WEIGHT = {"<12": 3, "12-17": 4, "18-24": 6, "25-39": 16, "40-59": 24, "60-69": 20, "70+": 27}
GENDER_WEIGHT = {"Féminin": 56, "Masculin": 44}
STATUS_WEIGHT = {"Scolarisé": 8, "En emploi": 35, "Sans emploi": 17, "Retraité": 40}

EVENTS: list[tuple[str, str, str, int]] = [
    ("Atelier smartphone : premiers pas", "Atelier numérique", "Numérique", 120),
    ("Café numérique : sécuriser ses comptes", "Atelier numérique", "Numérique", 90),
    ("Créer son espace sur ameli.fr", "Atelier numérique", "Accès aux droits", 120),
    ("Repair café", "Animation", "Réemploi", 180),
    ("Atelier cuisine de saison", "Animation", "Alimentation", 150),
    ("Soirée jeux", "Animation", "Convivialité", 180),
    ("Projection-débat : vivre sur le plateau", "Conférence / projection", "Culture", 120),
    ("Réunion publique mobilité", "Réunion", "Mobilité", 120),
    ("Atelier CV et lettre de motivation", "Formation", "Emploi", 120),
    ("Initiation aux premiers secours", "Formation", "Santé", 180),
    ("Tricot-thé", "Animation", "Convivialité", 120),
    ("Atelier généalogie en ligne", "Atelier numérique", "Numérique", 120),
]

MINUTES = [time(minute // 60, minute % 60) for minute in range(24 * 60)]  # the clock's times
NOON = time(12, 0)
# The columns of a desk visit, in the order ``add_desk_visits`` gives them.
DESK_VISIT = (
    "id",
    "created_at",
    "service_id",
    "activity_date",
    "activity_time",
    "count",
    "commune_id",
    "age_band_id",
    "gender_id",
    "status_id",
    "person_id",
    "source",
    "public_id",
    "passage_id",
)


class Clock:
    """Weighted visit times per weekday, drawn in five-minute steps within opening hours."""

    def __init__(self, ctx: DemoContext) -> None:
        self.tables: dict[int, Weighted] = {}
        # ``rng.randrange(n)`` is ``rng._randbelow(n)`` after checking its arguments.
        self._below = ctx.rng._randbelow  # type: ignore[attr-defined]
        for weekday, ranges in ctx.hours.items():
            minutes: list[int] = []
            cumulative: list[float] = []
            total = 0.0
            for opens, closes in ranges:
                start = opens.hour * 60 + opens.minute
                end = closes.hour * 60 + closes.minute
                for minute in range(start, end, 5):
                    total += HOUR_WEIGHT.get(minute // 60, 0.3)
                    minutes.append(minute)
                    cumulative.append(total)
            if minutes:
                self.tables[weekday] = Weighted(ctx.rng, minutes, cumulative)

    def draw(self, ctx: DemoContext, weekday: int) -> time | None:
        table = self.tables.get(weekday)
        if table is None:
            return None
        return MINUTES[table() + self._below(5)]


def _day_factor(ctx: DemoContext, day: date) -> float:
    factor = MONTH_FACTOR[day.month] * WEEKDAY_FACTOR[day.weekday()]
    if day.weekday() == ctx.market_weekday:
        factor *= 1.35
    if (day.month == 12 and day.day >= 18) or (day.month == 1 and day.day <= 4):
        factor *= 0.6
    return factor * (0.8 + 0.35 * ctx.progress_of(day))


def _weighted(ctx: DemoContext, kind: str, weights: dict[str, int]) -> Weighted | None:
    """A weighted draw among the categories of ``kind``, ``None`` if the site has none."""
    options = ctx.categories.get(kind, [])
    if not options:
        return None
    ids = [cid for cid, _label in options]
    cumulative: list[float] = []
    total = 0.0
    for _cid, label in options:
        total += weights.get(label, 1)
        cumulative.append(total)
    return Weighted(ctx.rng, ids, cumulative)


def add_desk_visits(ctx: DemoContext) -> None:
    """The one-keystroke counts of the desk, a few with details or a known person."""
    rng = ctx.rng
    clock = Clock(ctx)
    kinds = [k for k in SERVICE_WEIGHT if k in ctx.services]
    extra = [k for k in ctx.services if k not in SERVICE_WEIGHT]
    services = [ctx.services[k] for k in kinds] + [ctx.services[k] for k in extra]
    service_cw = list(accumulate([float(SERVICE_WEIGHT[k]) for k in kinds] + [1.0] * len(extra)))
    pick_service = Weighted(rng, services, service_cw)
    amap_service = ctx.services.get(ServiceKind.AMAP)
    # Each draw as ``rng.choices(…)[0]`` would make it; ``None`` when there is nothing to draw.
    pick_age = _weighted(ctx, CategoryKind.AGE_BAND, AGE_WEIGHT)
    pick_gender = _weighted(ctx, CategoryKind.GENDER, GENDER_WEIGHT)
    pick_status = _weighted(ctx, CategoryKind.STATUS, STATUS_WEIGHT)
    pick_commune = (
        Weighted(rng, ctx.communes, list(accumulate(ctx.commune_weights))) if ctx.communes else None
    )
    known = [p for p in ctx.people if p.since <= ctx.today]
    rows: list[tuple[Any, ...]] = []
    random = rng.random
    door = Footfall(ctx)  # publics and shared passages: a generator of its own
    for day in ctx.open_days:
        n = poisson(rng, ctx.scale.visits_per_day * _day_factor(ctx, day))
        weekday = day.weekday()
        first = len(rows)
        for _ in range(n):
            moment = clock.draw(ctx, weekday)
            service = pick_service()
            if service is amap_service and weekday != 3:  # the same object: no UUID.__eq__
                service = services[0]
            count = 1 if random() >= 0.04 else rng.randint(2, 12)
            person: PersonRef | None = None
            if known and count == 1 and random() < 0.08:
                person = rng.choice(known)
                if person.since > day:
                    person = None
            if person is not None:
                commune, age, gender, status = (
                    person.commune_id,
                    person.age_band_id,
                    person.gender_id,
                    person.status_id,
                )
                ctx.touch(person.id, day)
            else:
                commune = pick_commune() if pick_commune and random() < 0.55 else None
                age = pick_age() if pick_age and random() < 0.3 else None
                gender = pick_gender() if pick_gender and random() < 0.35 else None
                status = pick_status() if pick_status and random() < 0.25 else None
            visit_id = ctx.uid()
            created, passage = ctx.at(day, moment or NOON), None
            if person is None and count == 1 and door.second_service(rows, first, day):
                created, moment, passage = door.share(rows, ctx)
            rows.append(
                (
                    visit_id,
                    created,
                    service,
                    day,
                    moment,
                    count,
                    commune,
                    age,
                    gender,
                    status,
                    person.id if person else None,
                    VisitSource.DEMO,
                    door.public(person),
                    passage,
                )
            )
        if len(rows) >= BATCH:  # written as they come: memory stays bounded
            door.write(ctx)
            ctx.insert_rows(Visit, DESK_VISIT, rows)
            rows = []
    door.write(ctx)
    ctx.insert_rows(Visit, DESK_VISIT, rows)


def add_events(ctx: DemoContext) -> None:
    """Workshops and events, with head counts or registered people, and their visits."""
    rng = ctx.rng
    service = ctx.services.get(ServiceKind.WORKSHOP) or ctx.services.get(ServiceKind.OTHER)
    events: list[dict[str, Any]] = []
    lines: list[dict[str, Any]] = []
    visits: list[dict[str, Any]] = []
    chance = ctx.scale.events_per_week / 5.5
    coop = CoopDraw(ctx)
    for day in ctx.open_days:
        if rng.random() >= chance * MONTH_FACTOR[day.month]:
            continue
        title, type_label, theme, duration = rng.choice(EVENTS)
        start = rng.choice([time(10, 0), time(14, 0), time(14, 30), time(17, 30)])
        eid = ctx.uid()
        registered = rng.random() < 0.45
        stamp = ctx.at(day, start)
        events.append(
            {
                "id": eid,
                "created_at": stamp,
                "title": title,
                "event_type_id": ctx.category(CategoryKind.EVENT_TYPE, type_label),
                "theme": theme,
                "service_id": service,
                "event_date": day,
                "start_time": start,
                "duration_min": duration,
                "place": "Salle commune",
                "facilitator": rng.choice(
                    ["Conseiller numérique", "Bénévole", "Intervenant extérieur", "Coordinatrice"]
                ),
                "partner_id": rng.choice(ctx.partners)
                if ctx.partners and rng.random() < 0.4
                else None,
                "attendance_mode": AttendanceMode.REGISTERED
                if registered
                else AttendanceMode.ANONYMOUS,
                **coop.workshop(title),
            }
        )
        if registered:
            seen = [p for p in ctx.people if p.since <= day]
            chosen = rng.sample(seen, min(len(seen), rng.randint(3, 10)))
            for person in chosen:
                lines.append(
                    {
                        "created_at": stamp,
                        "event_id": eid,
                        "person_id": person.id,
                        "count": 1,
                        "age_band_id": person.age_band_id,
                        "gender_id": person.gender_id,
                        "status_id": person.status_id,
                    }
                )
                visits.append(
                    _event_visit(
                        ctx,
                        service,
                        day,
                        start,
                        eid,
                        1,
                        person.id,
                        person.commune_id,
                        person.age_band_id,
                        person.gender_id,
                        person.status_id,
                    )
                )
                ctx.touch(person.id, day)
        else:
            for _ in range(rng.randint(1, 3)):
                count = rng.randint(2, 9)
                age = ctx.pick_category(CategoryKind.AGE_BAND, AGE_WEIGHT, 0.6)
                gender = ctx.pick_category(CategoryKind.GENDER, GENDER_WEIGHT, 0.5)
                lines.append(
                    {
                        "created_at": stamp,
                        "event_id": eid,
                        "person_id": None,
                        "count": count,
                        "age_band_id": age,
                        "gender_id": gender,
                        "status_id": None,
                    }
                )
                visits.append(
                    _event_visit(
                        ctx, service, day, start, eid, count, None, None, age, gender, None
                    )
                )
    ctx.insert(Event, events)
    ctx.insert(EventAttendance, lines)
    if service is not None:
        ctx.insert(Visit, visits)


def _event_visit(
    ctx: DemoContext,
    service: uuid.UUID | None,
    day: date,
    start: time,
    event: uuid.UUID,
    count: int,
    person: uuid.UUID | None,
    commune: uuid.UUID | None,
    age: uuid.UUID | None,
    gender: uuid.UUID | None,
    status: uuid.UUID | None,
) -> dict[str, Any]:
    return {
        "created_at": ctx.at(day, start),
        "service_id": service,
        "activity_date": day,
        "activity_time": start,
        "count": count,
        "commune_id": commune,
        "age_band_id": age,
        "gender_id": gender,
        "status_id": status,
        "person_id": person,
        "event_id": event,
        "booking_id": None,
        "source": VisitSource.EVENT,
        "public_id": public_of(ctx, "Particulier"),
    }
