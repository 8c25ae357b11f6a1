"""The agenda of the demo: bookable resources, visiting practitioners with their weekly
permanences cut into slots, coworking bookings paid with passes, and the visits they bring.
The meeting room has an hourly price: the place's own meetings and the local associations'
are free (price 0), companies and authorities pay the hourly price × the duration (drawn
with a generator of their own, so the rest of the demo keeps its draws).

Bookings are placed through per-day tallies of the seats already taken, so no instant ever
holds more than a resource's capacity, cancelled bookings included. Health slots carry no
reason (GDPR art. 9), only who took them. A fortnight after ``today`` is booked too, so the
agenda of the demo is not empty when it opens.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Any

from tiers_lieu.models import (
    Booking,
    CoworkingPass,
    PassType,
    PassUse,
    Payment,
    Permanence,
    PermanenceCancellation,
    Practitioner,
    Resource,
    Visit,
)
from tiers_lieu.models.enums import (
    BookingStatus,
    PassKind,
    PaymentMethod,
    ResourceKind,
    ServiceKind,
    VisitSource,
)
from tiers_lieu.services.agenda.prices import price_for
from tiers_lieu.services.demo.agenda_data import (
    PASS_TYPES,
    PRACTITIONERS,
    ROOM_HIRE_SHARE,
    ROOM_HIRERS,
    ROOM_HOURLY_CENTS,
)
from tiers_lieu.services.demo.common import DemoContext, PersonRef, daterange
from tiers_lieu.services.demo.footfall import Footfall

AHEAD_DAYS = 14


@dataclass
class _Pass:
    id: uuid.UUID
    kind: str
    left: int
    until: date


def _status(ctx: DemoContext, day: date, no_show: float, cancelled: float) -> str:
    if day > ctx.today:
        return BookingStatus.CONFIRMED
    draw = ctx.rng.random()
    if draw < cancelled:
        return BookingStatus.CANCELLED
    if draw < cancelled + no_show:
        return BookingStatus.NO_SHOW
    return BookingStatus.CHECKED_IN


class AgendaBuilder:
    """Fills one site's agenda; keeps the rows and writes them in a few bulk inserts."""

    def __init__(self, ctx: DemoContext) -> None:
        self.ctx = ctx
        self.bookings: list[dict[str, Any]] = []
        self.visits: list[dict[str, Any]] = []
        self.passes: list[dict[str, Any]] = []
        self.uses: list[dict[str, Any]] = []
        self.payments: list[dict[str, Any]] = []
        self.footfall = Footfall(ctx, "bookings")  # their publics: a generator of its own
        self.days = [
            d
            for d in daterange(ctx.start, ctx.today + timedelta(days=AHEAD_DAYS))
            if ctx.is_open_cached(d)
        ]

    def run(self) -> None:
        ctx = self.ctx
        resources = self._resources()
        pass_types = self._pass_types()
        self._coworking(resources["open_space"], pass_types)
        self._meetings(resources["meeting_room"])
        self._permanences(resources["health_room"])
        self._teleconsultations(resources["teleconsultation"])
        ctx.insert(Booking, self.bookings)
        ctx.insert(CoworkingPass, self.passes)
        ctx.insert(PassUse, self.uses)
        ctx.insert(Payment, self.payments)
        ctx.insert(Visit, self.visits)

    # -- configuration ------------------------------------------------------------------
    def _resources(self) -> dict[str, tuple[uuid.UUID, int]]:
        ctx = self.ctx
        coworking = ctx.services.get(ServiceKind.COWORKING)
        health = ctx.services.get(ServiceKind.HEALTH)
        specs = [
            (
                "open_space",
                "Espace de coworking",
                ResourceKind.OPEN_SPACE,
                ctx.scale.coworking_seats,
                60,
                None,
                coworking,
            ),
            ("meeting_room", "Salle de réunion", ResourceKind.MEETING_ROOM, 1, 30, 480, coworking),
            ("health_room", "Cabinet de santé", ResourceKind.HEALTH_ROOM, 1, 15, 240, health),
            (
                "teleconsultation",
                "Cabine de téléconsultation",
                ResourceKind.TELECONSULTATION,
                1,
                15,
                60,
                health,
            ),
        ]
        rows: list[dict[str, Any]] = []
        found: dict[str, tuple[uuid.UUID, int]] = {}
        for key, name, kind, capacity, minimum, maximum, service in specs:
            rid = ctx.uid()
            found[key] = (rid, capacity)
            rows.append(
                {
                    "id": rid,
                    "name": name,
                    "kind": kind,
                    "capacity": capacity,
                    "min_duration_min": minimum,
                    "max_duration_min": maximum,
                    "buffer_min": 0,
                    "service_id": service,
                    "hourly_price_cents": ROOM_HOURLY_CENTS if key == "meeting_room" else None,
                }
            )
        ctx.insert(Resource, rows)
        return found

    def _pass_types(self) -> dict[str, tuple[uuid.UUID, int, int, int | None]]:
        rows: list[dict[str, Any]] = []
        found: dict[str, tuple[uuid.UUID, int, int, int | None]] = {}
        for name, kind, price, units, validity in PASS_TYPES:
            tid = self.ctx.uid()
            found[kind] = (tid, price, units, validity)
            rows.append(
                {
                    "id": tid,
                    "name": name,
                    "kind": kind,
                    "price_cents": price,
                    "units": units,
                    "validity_days": validity,
                }
            )
        self.ctx.insert(PassType, rows)
        return found

    # -- bookings -----------------------------------------------------------------------
    def _book(
        self,
        resource: uuid.UUID,
        day: date,
        first: time,
        last: time,
        status: str,
        person: PersonRef | None,
        *,
        seats: int = 1,
        title: str = "",
        organisation: str = "",
        permanence: uuid.UUID | None = None,
        service: str | None = None,
        public_label: str | None = None,
        price_cents: int | None = None,
    ) -> uuid.UUID:
        ctx = self.ctx
        bid = ctx.uid()
        made = ctx.at(day - timedelta(days=ctx.rng.randint(1, 12)), time(10, 0))
        start_at, end_at = ctx.at(day, first), ctx.at(day, last)
        public = (
            self.footfall.labels.get(public_label)
            if public_label is not None
            else self.footfall.booking(service, organisation, person)
        )
        self.bookings.append(
            {
                "id": bid,
                "created_at": made,
                "resource_id": resource,
                "start_at": start_at,
                "end_at": end_at,
                "seats": seats,
                "person_id": person.id if person else None,
                "organisation": organisation,
                "title": title,
                "status": status,
                "cancelled_at": made if status == BookingStatus.CANCELLED else None,
                "checked_in_at": start_at if status == BookingStatus.CHECKED_IN else None,
                "permanence_id": permanence,
                "public_id": public,
                "price_cents": price_cents,
            }
        )
        if status == BookingStatus.CHECKED_IN and service in ctx.services:
            self.visits.append(
                {
                    "created_at": start_at,
                    "service_id": ctx.services[service],
                    "activity_date": day,
                    "activity_time": first,
                    "count": seats,
                    "commune_id": person.commune_id if person else None,
                    "age_band_id": person.age_band_id if person else None,
                    "gender_id": person.gender_id if person else None,
                    "status_id": person.status_id if person else None,
                    "person_id": person.id if person else None,
                    "booking_id": bid,
                    "source": VisitSource.BOOKING,
                    "public_id": public,
                }
            )
        if person is not None and day <= ctx.today:
            ctx.touch(person.id, day)
        return bid

    def _coworking(
        self,
        resource: tuple[uuid.UUID, int],
        pass_types: dict[str, tuple[uuid.UUID, int, int, int | None]],
    ) -> None:
        ctx, rng = self.ctx, self.ctx.rng
        rid, capacity = resource
        coworkers = ctx.people_of("coworker")
        plans = {
            p.id: rng.choices([PassKind.TEN_PASS, PassKind.MONTHLY, PassKind.DAY], [5, 2, 3])[0]
            for p in coworkers
        }
        frequency = {PassKind.TEN_PASS: 0.3, PassKind.MONTHLY: 0.65, PassKind.DAY: 0.08}
        current: dict[uuid.UUID, _Pass] = {}
        for day in self.days:
            ranges = ctx.hours.get(day.weekday(), [])
            if day.weekday() >= 5 or not ranges:
                continue
            taken = [0, 0]  # seats taken in the morning and afternoon ranges
            for person in coworkers:
                plan = plans[person.id]
                if day < person.since or rng.random() >= frequency[plan]:
                    continue
                halves = rng.choices([(0, 1), (0,), (1,)], [5, 3, 2])[0]
                halves = tuple(h for h in halves if h < len(ranges))
                if not halves or any(taken[h] >= capacity for h in halves):
                    continue
                for h in halves:
                    taken[h] += 1
                first, last = ranges[halves[0]][0], ranges[halves[-1]][1]
                status = _status(ctx, day, 0.04, 0.08)
                bid = self._book(
                    rid, day, first, last, status, person, service=ServiceKind.COWORKING
                )
                if status == BookingStatus.CHECKED_IN:
                    kind = plan if plan != PassKind.DAY or len(halves) > 1 else PassKind.HALF_DAY
                    self._use_pass(person, day, bid, kind, pass_types, current)
            # Now and then a team books several seats for the day.
            if rng.random() < 0.04 and len(ranges) > 1:
                seats = min(rng.randint(2, 4), capacity - max(taken))
                if seats >= 1:
                    taken = [t + seats for t in taken]
                    self._book(
                        rid,
                        day,
                        ranges[0][0],
                        ranges[-1][1],
                        _status(ctx, day, 0, 0.1),
                        None,
                        seats=seats,
                        organisation="Coopérative Millevaches Ingénierie",
                        title="Journée de travail d'équipe",
                        service=ServiceKind.COWORKING,
                    )

    def _use_pass(
        self,
        person: PersonRef,
        day: date,
        booking: uuid.UUID,
        kind: str,
        pass_types: dict[str, tuple[uuid.UUID, int, int, int | None]],
        current: dict[uuid.UUID, _Pass],
    ) -> None:
        held = current.get(person.id)
        if held is None or held.kind != kind or held.left <= 0 or held.until < day:
            type_id, price, units, validity = pass_types[kind]
            until = day + timedelta(days=(validity or 1) - 1)
            held = _Pass(self.ctx.uid(), kind, units, until)
            current[person.id] = held
            stamp = self.ctx.at(day, time(9, 5))
            self.passes.append(
                {
                    "id": held.id,
                    "created_at": stamp,
                    "pass_type_id": type_id,
                    "person_id": person.id,
                    "purchased_on": day,
                    "valid_from": day,
                    "valid_until": until,
                    "units_total": units,
                    "price_cents": price,
                }
            )
            method = self.ctx.rng.choices(
                [
                    PaymentMethod.CARD,
                    PaymentMethod.TRANSFER,
                    PaymentMethod.CASH,
                    PaymentMethod.CHEQUE,
                ],
                [5, 2, 2, 1],
            )[0]
            self.payments.append(
                {
                    "created_at": stamp,
                    "amount_cents": price,
                    "method": method,
                    "paid_on": day,
                    "pass_id": held.id,
                }
            )
        held.left -= 1
        self.uses.append(
            {
                "created_at": self.ctx.at(day, time(9, 10)),
                "pass_id": held.id,
                "booking_id": booking,
                "used_on": day,
                "units": 1,
            }
        )

    def _meetings(self, resource: tuple[uuid.UUID, int]) -> None:
        ctx, rng = self.ctx, self.ctx.rng
        hire = random.Random(f"comptoir-demo-room-hire:{ctx.site_name}:{ctx.today}")
        topics = [
            "Conseil d'administration",
            "Réunion des producteurs",
            "Comité de pilotage",
            "Permanence d'élu",
            "Réunion de chantier",
            "Assemblée de l'AMAP",
        ]
        for day in self.days:
            if day.weekday() >= 5 or rng.random() >= 0.22:
                continue
            first, last = rng.choice(
                [
                    (time(9, 30), time(11, 30)),
                    (time(14, 0), time(16, 0)),
                    (time(18, 0), time(20, 0)),
                ]
            )
            status, title = _status(ctx, day, 0.0, 0.05), rng.choice(topics)
            organisation, public = ctx.site_name, "Association"
            price: int | None = 0
            if hire.random() < ROOM_HIRE_SHARE:
                organisation, public, titles = hire.choice(ROOM_HIRERS)
                title = hire.choice(titles)
                if public != "Association":
                    price = price_for(ROOM_HOURLY_CENTS, ctx.at(day, first), ctx.at(day, last))
            self._book(
                resource[0],
                day,
                first,
                last,
                status,
                None,
                title=title,
                organisation=organisation,
                public_label=public,
                price_cents=price,
            )

    def _permanences(self, resource: tuple[uuid.UUID, int]) -> None:
        ctx, rng = self.ctx, self.ctx.rng
        practitioners: list[dict[str, Any]] = []
        permanences: list[dict[str, Any]] = []
        cancellations: list[dict[str, Any]] = []
        patients = [p for p in ctx.people if "coworker" not in p.kinds]
        for name, job, specialty, org, weekday, first, last, slot, every in PRACTITIONERS:
            pid, perm = ctx.uid(), ctx.uid()
            opened = ctx.start - timedelta(days=(ctx.start.weekday() - weekday) % 7 + 7 * every)
            practitioners.append(
                {
                    "id": pid,
                    "name": name,
                    "profession": job,
                    "specialty": specialty,
                    "organisation": org,
                    "phone": f"05 55 {rng.randint(10, 99)} {rng.randint(10, 99)} "
                    f"{rng.randint(10, 99)}",
                }
            )
            permanences.append(
                {
                    "id": perm,
                    "practitioner_id": pid,
                    "resource_id": resource[0],
                    "weekday": weekday,
                    "start_time": first,
                    "end_time": last,
                    "slot_min": slot,
                    "interval_weeks": every,
                    "start_date": opened,
                    "end_date": None,
                }
            )
            for day in self.days:
                if day.weekday() != weekday or (day - opened).days % (7 * every):
                    continue
                if rng.random() < 0.04:
                    cancellations.append(
                        {
                            "permanence_id": perm,
                            "on_date": day,
                            "reason": "Absence de la praticienne"
                            if job != "Diététicien"
                            else "Absence du praticien",
                        }
                    )
                    continue
                moment = first
                while ctx.minutes(moment, slot) <= last:
                    end = ctx.minutes(moment, slot)
                    chance = 0.7 if day <= ctx.today else 0.4
                    if patients and rng.random() < chance:
                        self._book(
                            resource[0],
                            day,
                            moment,
                            end,
                            _status(ctx, day, 0.08, 0.07),
                            rng.choice(patients),
                            permanence=perm,
                            service=ServiceKind.HEALTH,
                        )
                    moment = end
        ctx.insert(Practitioner, practitioners)
        ctx.insert(Permanence, permanences)
        ctx.insert(PermanenceCancellation, cancellations)

    def _teleconsultations(self, resource: tuple[uuid.UUID, int]) -> None:
        ctx, rng = self.ctx, self.ctx.rng
        for day in self.days:
            ranges = ctx.hours.get(day.weekday(), [])
            wanted = min(len(ranges) * 3, rng.choice([0, 0, 1, 1, 2]))
            starts: list[time] = []
            for opens, closes in ranges:
                moment = opens
                while ctx.minutes(moment, 30) <= closes:
                    starts.append(moment)
                    moment = ctx.minutes(moment, 30)
            for moment in sorted(rng.sample(starts, min(wanted, len(starts)))):
                self._book(
                    resource[0],
                    day,
                    moment,
                    ctx.minutes(moment, 30),
                    _status(ctx, day, 0.05, 0.05),
                    rng.choice(ctx.people),
                    service=ServiceKind.HEALTH,
                )


def add_agenda(ctx: DemoContext) -> None:
    AgendaBuilder(ctx).run()
