"""Indicator computation on a dataset whose figures are known by construction.

The period is March 2026, which ends two days after the switch to summer time: a sale at
00:00 on 1 April in Paris is 22:00 UTC on 31 March, so a filter on UTC dates would count
it. Every expected figure below is worked out by hand in the comments of ``build_dataset``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from tiers_lieu.app import Comptoir
from tiers_lieu.models import (
    AmapContract,
    AmapSubscription,
    AssistanceRecord,
    BasketType,
    Booking,
    Category,
    Commune,
    Distribution,
    Event,
    EventAttendance,
    Job,
    Partner,
    Permanence,
    PermanenceCancellation,
    Person,
    Pickup,
    Practitioner,
    Producer,
    Product,
    Resource,
    Sale,
    Service,
    StockMovement,
    Visit,
    VolunteerTime,
)
from tiers_lieu.reports.model import INDICATORS, SECTIONS, ReportData
from tiers_lieu.services.readmodels import SiteInfo

PARIS = ZoneInfo("Europe/Paris")
MARCH = (date(2026, 3, 1), date(2026, 3, 31))
SECRETS = ("Zoéprivé", "Secretnom", "Bénédicteprivée", "NOTE-CONFIDENTIELLE", "Dr Houseprivé")


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=PARIS)


@dataclass
class Dataset:
    a: SiteInfo
    b: SiteInfo


class Builder:
    """Adds rows for one site inside one unit of work, looking up its lists by label."""

    def __init__(self, session: Any, site_id: uuid.UUID) -> None:
        self.session, self.site_id = session, site_id

    def add(self, model: Any, **values: Any) -> Any:
        row = model(site_id=self.site_id, **values)
        self.session.add(row)
        self.session.flush()
        return row

    def category(self, kind: str, label: str) -> uuid.UUID:
        return self.session.exec(
            select(Category.id).where(
                Category.site_id == self.site_id, Category.kind == kind, Category.label == label
            )
        ).one()

    def service(self, name: str) -> uuid.UUID:
        return self.session.exec(
            select(Service.id).where(Service.site_id == self.site_id, Service.name == name)
        ).one()


def build_dataset(app: Comptoir, site: SiteInfo) -> Dataset:
    """Site A (``site``) with every kind of activity in March 2026; site B with 5 visits."""
    weekdays = [(time(9, 0), time(12, 0)), (time(14, 0), time(18, 0))]  # 7 h a day
    for weekday in range(7):
        app.config.set_opening_hours(site.id, weekday, weekdays if weekday < 5 else [])
    # March 2026 has 22 weekdays; closed 16 and 17 March → 20 open days, 140 hours.
    app.config.add_closure(site.id, start_date=date(2026, 3, 16), end_date=date(2026, 3, 17))
    b = app.sites.init_site(name="La Grange", commune_name="Felletin", insee_code="23079")
    with app.uow() as uow:
        s = uow.session
        x = Builder(s, site.id)
        cat = x.category
        felletin = s.exec(select(Commune).where(Commune.site_id == site.id)).one()
        felletin.population = 1800
        aubusson = x.add(Commune, name="Aubusson", insee_code="23008", population=3500)
        paris = x.add(Commune, name="Paris", in_territory=False)
        p1 = x.add(Person, first_name="Zoéprivé", last_name="Secretnom")
        p2 = x.add(Person, first_name="Bénédicteprivée", last_name="Coworkeuse")
        p3 = x.add(Person, first_name="Albert", last_name="Secretnom")
        p4 = x.add(Person, first_name="Jean", last_name="Panier")
        p5 = x.add(Person, first_name="Vol", last_name="Un")
        p6 = x.add(Person, first_name="Vol", last_name="Deux")
        accueil, cowork, epicerie = (
            x.service("Accueil / information"),
            x.service("Coworking"),
            x.service("Épicerie"),
        )

        # -- visits: 1 + 8 + 1 + 2 + 1 = 13 in March ------------------------------------
        def visit(service: uuid.UUID, day: date, count: int = 1, **kw: Any) -> None:
            x.add(Visit, service_id=service, activity_date=day, count=count, **kw)

        visit(
            accueil,
            date(2026, 3, 2),
            commune_id=felletin.id,
            age_band_id=cat("age_band", "25-39"),
            gender_id=cat("gender", "Féminin"),
            status_id=cat("status", "En emploi"),
            person_id=p1.id,
        )
        visit(accueil, date(2026, 3, 10), 8)  # a group of 8, nothing known
        visit(
            epicerie,
            date(2026, 3, 31),
            activity_time=time(23, 59),
            commune_id=aubusson.id,
            age_band_id=cat("age_band", "70+"),
            gender_id=cat("gender", "Masculin"),
            status_id=cat("status", "Retraité"),
            person_id=p1.id,
        )
        visit(cowork, date(2026, 3, 15), 2, commune_id=felletin.id, person_id=p2.id)
        visit(cowork, date(2026, 3, 20), commune_id=paris.id)
        visit(epicerie, date(2026, 4, 1), activity_time=time(0, 0))  # next day: out
        visit(accueil, date(2026, 2, 28), 4)  # the day before: out

        # -- coworking: 4 seats × 140 h = 560 bookable; 3 + 18 + 2 = 23 h booked ----------
        space = x.add(Resource, name="Open space", kind="open_space", capacity=4)
        room = x.add(Resource, name="Salle", kind="meeting_room", capacity=10)
        d = date(2026, 3, 3)
        x.add(
            Booking,
            resource_id=space.id,
            start_at=at(d, 9),
            end_at=at(d, 12),
            person_id=p2.id,
            status="checked_in",
        )
        d = date(2026, 3, 4)
        x.add(Booking, resource_id=space.id, start_at=at(d, 9), end_at=at(d, 18), seats=2)
        d = date(2026, 3, 5)
        x.add(
            Booking,
            resource_id=space.id,
            start_at=at(d, 9),
            end_at=at(d, 12),
            person_id=p2.id,
            status="cancelled",
        )
        d = date(2026, 3, 6)
        x.add(
            Booking,
            resource_id=space.id,
            start_at=at(d, 14),
            end_at=at(d, 16),
            person_id=p2.id,
            status="no_show",
        )
        x.add(Booking, resource_id=room.id, start_at=at(d, 9), end_at=at(d, 11))
        d = date(2026, 4, 1)
        x.add(Booking, resource_id=space.id, start_at=at(d, 9), end_at=at(d, 12), person_id=p2.id)

        # -- health: nurse on Tuesdays 9–12 in 20 min slots (9 slots): 3, 10, 17 (closed),
        # 24 (cancelled), 31 → 3 held, 27 slots; a second practitioner every other Thursday
        # 14–15 in 30 min slots from 5 March: 5 and 19 → 2 held, 4 slots. Taken: 3 + 1.
        health_room = x.add(Resource, name="Cabinet", kind="health_room")
        nurse = x.add(
            Practitioner,
            name="Dr Houseprivé",
            profession="Infirmière",
            specialty="Soins infirmiers",
        )
        other = x.add(Practitioner, name="Claire", profession="Assistante sociale")
        tuesday = x.add(
            Permanence,
            practitioner_id=nurse.id,
            resource_id=health_room.id,
            weekday=1,
            start_time=time(9),
            end_time=time(12),
            slot_min=20,
            start_date=date(2026, 1, 6),
        )
        thursday = x.add(
            Permanence,
            practitioner_id=other.id,
            resource_id=health_room.id,
            weekday=3,
            start_time=time(14),
            end_time=time(15),
            slot_min=30,
            interval_weeks=2,
            start_date=date(2026, 3, 5),
        )
        x.add(PermanenceCancellation, permanence_id=tuesday.id, on_date=date(2026, 3, 24))
        for day, hour, minute, status, perm in [
            (date(2026, 3, 3), 9, 0, "checked_in", tuesday),
            (date(2026, 3, 3), 9, 20, "no_show", tuesday),
            (date(2026, 3, 3), 9, 40, "cancelled", tuesday),
            (date(2026, 3, 10), 9, 0, "confirmed", tuesday),
            (date(2026, 3, 5), 14, 0, "checked_in", thursday),
        ]:
            x.add(
                Booking,
                resource_id=health_room.id,
                start_at=at(day, hour, minute),
                end_at=at(day, hour, minute) + timedelta(minutes=20),
                status=status,
                permanence_id=perm.id,
                person_id=p3.id,
            )

        # -- assistance: 4 records, 235 minutes --------------------------------------------
        def record(
            day: date, op: str, theme: str, kind: str, outcome: str, minutes: int, **kw: Any
        ) -> None:
            x.add(
                AssistanceRecord,
                activity_date=day,
                operator_id=cat("operator", op),
                theme_id=cat("theme", theme),
                help_type_id=cat("help_type", kind),
                outcome_id=cat("outcome", outcome),
                duration_min=minutes,
                **kw,
            )

        record(
            date(2026, 3, 2),
            "CAF",
            "Famille - Scolarité",
            "Information / orientation",
            "Finalisée",
            10,
            person_id=p1.id,
            note="NOTE-CONFIDENTIELLE",
        )
        record(
            date(2026, 3, 3),
            "CAF",
            "Logement",
            "Aide à une démarche en ligne",
            "Orientée",
            45,
            person_id=p3.id,
            orientation_id=cat("orientation", "Organisme en charge"),
        )
        record(
            date(2026, 3, 4),
            "France Travail",
            "Logement",
            "Aide à une démarche en ligne",
            "Orientée",
            60,
        )
        record(
            date(2026, 3, 31),
            "MSA",
            "Social - Santé",
            "Accompagnement numérique",
            "Doit revenir",
            120,
        )
        record(date(2026, 4, 1), "MSA", "Logement", "Accompagnement numérique", "Finalisée", 5)

        # -- events: 2 in March, 7 + 4 participants, 90 + 120 minutes ----------------------
        e1 = x.add(Event, title="Atelier", event_date=date(2026, 3, 12), duration_min=90)
        e2 = x.add(Event, title="Repair café", event_date=date(2026, 3, 20), duration_min=120)
        e3 = x.add(Event, title="Avril", event_date=date(2026, 4, 2), duration_min=60)
        x.add(EventAttendance, event_id=e1.id, count=6)
        x.add(EventAttendance, event_id=e1.id, person_id=p3.id)
        x.add(EventAttendance, event_id=e2.id, count=4)
        x.add(EventAttendance, event_id=e3.id, count=9)

        # -- grocery: sales 12,50 + 10,00 + 2,51 = 25,01 €; purchases 2 000 local of 5 000 -
        farm = x.add(Producer, name="Ferme locale", distance_km=20)
        wholesaler = x.add(Producer, name="Grossiste", distance_km=300)
        old_farm = x.add(Producer, name="Ferme de février", distance_km=10)
        market = x.add(Producer, name="Maraîcher", distance_km=15)
        x.add(Producer, name="Jamais livré", distance_km=5)
        eggs = x.add(Product, name="Œufs", price_cents=300, producer_id=farm.id)
        rice = x.add(Product, name="Riz", price_cents=250, producer_id=wholesaler.id)
        honey = x.add(Product, name="Miel", price_cents=900, producer_id=old_farm.id)
        for product, quantity, cost, moment in [
            (eggs, 10_000, 200, at(date(2026, 3, 2), 8)),
            (rice, 30_000, 100, at(date(2026, 3, 9), 8)),
            (honey, 50_000, 700, at(date(2026, 2, 27), 8)),
        ]:
            x.add(
                StockMovement,
                product_id=product.id,
                kind="reception",
                quantity_milli=quantity,
                unit_cost_cents=cost,
                occurred_at=moment,
            )
        for moment, cents, cancelled in [
            (at(date(2026, 3, 5), 12), 1250, False),
            (at(date(2026, 3, 31), 23, 59), 1000, False),
            (at(date(2026, 4, 1), 0, 0), 999, False),
            (at(date(2026, 3, 1), 0, 0), 251, False),
            (at(date(2026, 3, 6), 10), 500, True),
        ]:
            x.add(
                Sale, sold_at=moment, total_cents=cents, cancelled_at=moment if cancelled else None
            )
        # A ticket cancelled by a reversing ticket (issue 21): neither counts, nor their money.
        mistaken = x.add(Sale, sold_at=at(date(2026, 3, 10), 11), total_cents=700)
        x.add(Sale, sold_at=at(date(2026, 3, 10), 12), total_cents=-700, reverses_id=mistaken.id)

        # -- AMAP: 2 distributions held; 6 baskets (4 large, 2 small), 2 solidarity ---------
        contract = x.add(
            AmapContract,
            producer_id=market.id,
            name="Légumes",
            season_start=date(2026, 1, 1),
            season_end=date(2026, 12, 31),
            weekday=1,
            start_time=time(17),
            end_time=time(19),
        )
        small = x.add(
            BasketType,
            contract_id=contract.id,
            name="Petit panier",
            price_cents=1000,
            solidarity_price_cents=500,
        )
        large = x.add(BasketType, contract_id=contract.id, name="Grand panier", price_cents=1800)
        s1 = x.add(
            AmapSubscription,
            contract_id=contract.id,
            basket_type_id=small.id,
            person_id=p1.id,
            start_date=date(2026, 1, 1),
            solidarity=True,
        )
        s2 = x.add(
            AmapSubscription,
            contract_id=contract.id,
            basket_type_id=large.id,
            person_id=p2.id,
            quantity=2,
            start_date=date(2026, 1, 1),
        )
        s3 = x.add(
            AmapSubscription,
            contract_id=contract.id,
            basket_type_id=small.id,
            person_id=p4.id,
            start_date=date(2026, 1, 1),
        )
        days = [date(2026, 3, 3), date(2026, 3, 10), date(2026, 3, 17), date(2026, 4, 7)]
        d1, d2, _d3, d4 = (
            x.add(
                Distribution,
                contract_id=contract.id,
                on_date=day,
                start_time=time(17),
                end_time=time(19),
                cancelled=day == date(2026, 3, 17),
            )
            for day in days
        )
        for dist, sub, status in [
            (d1, s1, "collected"),
            (d1, s2, "collected"),
            (d1, s3, "absent"),
            (d2, s1, "given"),
            (d2, s2, "donated"),
            (d2, s3, "uncollected"),
            (d4, s1, "collected"),
        ]:
            x.add(Pickup, distribution_id=dist.id, subscription_id=sub.id, status=status)

        # -- partners: 2 active in March, 1 new -------------------------------------------
        for name, started, ended in [
            ("Mairie", date(2020, 1, 1), None),
            ("Nouveau partenaire", date(2026, 3, 10), None),
            ("Ancien partenaire", date(2019, 1, 1), date(2025, 12, 31)),
            ("Futur partenaire", date(2026, 5, 1), None),
        ]:
            x.add(Partner, name=name, started_on=started, ended_on=ended)

        # -- jobs: new 1 + 0.5 + 0.5 = 2 FTE; maintained 0.8 ------------------------------
        for post, contract_type, start, end, percent, new in [
            ("Agent", "cdi", date(2026, 1, 1), None, 100, True),
            ("Conseiller", "cdd", date(2026, 1, 1), date(2026, 6, 30), 100, True),
            ("Coordinatrice", "cdi", date(2015, 9, 1), None, 80, False),
            ("Bénévole", "volunteer", date(2026, 1, 1), None, 100, True),
            ("Graphiste", "self_employed", date(2026, 2, 1), date(2027, 1, 31), 50, True),
            ("Ancien", "cdd", date(2024, 1, 1), date(2025, 6, 30), 100, True),
        ]:
            x.add(
                Job,
                post=post,
                contract_type=contract_type,
                start_date=start,
                end_date=end,
                working_time_percent=percent,
                is_new=new,
            )

        # -- volunteers: 2 named + 1 unnamed entry = 3; 120 + 60 + 90 + 30 min = 5 h ------
        for person, day, minutes in [
            (p5, date(2026, 3, 2), 120),
            (p5, date(2026, 3, 9), 60),
            (p6, date(2026, 3, 10), 90),
            (None, date(2026, 3, 11), 30),
            (p6, date(2026, 4, 2), 100),
        ]:
            x.add(
                VolunteerTime, person_id=person.id if person else None, on_date=day, minutes=minutes
            )

        # -- site B: one group of 5 from its own « Felletin » row ---------------------------
        y = Builder(s, b.id)
        felletin_b = s.exec(select(Commune).where(Commune.site_id == b.id)).one()
        felletin_b.population = 1800
        y.add(
            Visit,
            service_id=y.service("Accueil / information"),
            activity_date=date(2026, 3, 5),
            count=5,
            commune_id=felletin_b.id,
        )
        uow.commit()
    return Dataset(a=site, b=b)


@pytest.fixture
def dataset(app: Comptoir, site: SiteInfo) -> Dataset:
    return build_dataset(app, site)


def march(app: Comptoir, site_ids: list[uuid.UUID] | None) -> ReportData:
    return app.reports.compute(period_start=MARCH[0], period_end=MARCH[1], site_ids=site_ids)


EXPECTED_TOTALS: dict[str, int | float] = {
    "opening.days": 20,
    "opening.hours": 140.0,
    # No passage anywhere (data of before issue 20): each visit is its own, its count people.
    "visits.people": 13,
    "visits.total": 13,
    "people.distinct": 2,
    "coworking.bookings": 3,
    "coworking.hours_booked": 23.0,
    "coworking.hours_bookable": 560.0,
    "coworking.occupancy_rate": 4.1,
    "coworking.distinct_users": 1,
    "health.permanences": 5,
    "health.slots_offered": 31,
    "health.slots_taken": 4,
    "health.practitioners": 2,
    "assistance.total": 4,
    "assistance.minutes": 235,
    "events.total": 2,
    "events.participants": 11,
    "events.hours": 3.5,
    "grocery.sales": 3,
    "grocery.sales_eur": 25.01,
    "grocery.local_share": 40.0,
    "amap.distributions": 2,
    "amap.baskets": 6,
    "amap.households": 3,
    "amap.solidarity_baskets": 2,
    "amap.solidarity_eur": 10.0,
    "producers.total": 3,
    "producers.local": 2,
    "deliveries.orders": 0,  # tests/unit/test_deliveries.py counts them
    "deliveries.delivered": 0,
    "deliveries.absent": 0,
    "deliveries.people": 0,
    "rota.shifts": 0,  # tests/unit/test_rota.py counts them
    "rota.shifts_filled": 0,
    "rota.gaps": 0,
    "cafe.sales": 0,  # tests/unit/test_cafe.py counts them
    "cafe.sales_eur": 0.0,
    "cafe.tabs": 0,
    "letters.written": 0,  # tests/unit/test_letters.py counts them
    "letters.answered": 0,
    "letters.pending": 0,
    "programme.events": 2,  # tests/unit/test_programme_documents.py: waiting, fill rate
    "programme.registrations": 1,
    "programme.waiting": 0,
    "programme.fill_rate": 0.0,  # no workshop gives a capacity
    "reminders.calls": 0,  # tests/unit/test_reminders.py and test_satisfaction.py count them
    "reminders.reached": 0,
    "satisfaction.answers": 0,
    "satisfaction.rate": 0,
    "parcels.received": 0,  # tests/unit/test_parcels.py counts them
    "parcels.handed_over": 0,
    "parcels.returned": 0,
    "partners.total": 2,
    "partners.new": 1,
    "jobs.fte_new": 2.0,
    "jobs.fte_maintained": 0.8,
    "volunteers.count": 3,
    "volunteers.hours": 5.0,
    "results.people_reached": 2,
    # R.41: Felletin 1 800 + Aubusson 3 500 (Paris is outside the territory).
    "results.population_served": 5300,
    "results.communes_served": 2,
    "results.communes_outside_territory": 1,
    # R.42: p1, p2, p3 once each; unnamed: visits 8 + 1, p2's companion 1, the anonymous
    # heads of the two March workshops (no service: they count no visits) 6 + 4.
    "results.people_covered": 23,
    "results.people_covered_named": 3,
    "results.people_covered_unnamed": 20,
}

EXPECTED_SERIES: dict[str, list[tuple[str, int | float]]] = {
    "visits.by_month": [("2026-03", 13)],
    "visits.by_commune": [("Felletin", 3), ("Aubusson", 1), ("Paris", 1), ("Non communiqué", 8)],
    "health.by_specialty": [("Soins infirmiers", 3), ("Non communiqué", 1)],
    "assistance.by_duration_bucket": [("0-29", 1), ("30-59", 1), ("60-119", 1), ("120+", 1)],
    "amap.baskets_by_type": [("Grand panier", 4), ("Petit panier", 2)],
}

EXPECTED_NONZERO: dict[str, dict[str, int]] = {
    "visits.by_service": {"Accueil / information": 9, "Coworking": 3, "Épicerie": 1},
    "visits.by_age_band": {"25-39": 1, "70+": 1, "Non communiqué": 11},
    "visits.by_gender": {"Féminin": 1, "Masculin": 1, "Non communiqué": 11},
    "visits.by_status": {"En emploi": 1, "Retraité": 1, "Non communiqué": 11},
    "assistance.by_operator": {"CAF": 2, "France Travail": 1, "MSA": 1},
    "assistance.by_theme": {"Logement": 2, "Famille - Scolarité": 1, "Social - Santé": 1},
    "assistance.by_type": {
        "Aide à une démarche en ligne": 2,
        "Information / orientation": 1,
        "Accompagnement numérique": 1,
    },
    "assistance.by_outcome": {"Orientée": 2, "Finalisée": 1, "Doit revenir": 1},
    "assistance.by_orientation": {"Organisme en charge": 1, "Non communiqué": 1},
}

SUMS_TO = {
    "visits.by_month": "visits.total",
    "visits.by_service": "visits.total",
    "visits.by_commune": "visits.total",
    "visits.by_age_band": "visits.total",
    "visits.by_gender": "visits.total",
    "visits.by_status": "visits.total",
    "visits.by_public": "visits.total",
    "coworking.by_public": "coworking.bookings",
    "health.by_specialty": "health.slots_taken",
    "assistance.by_operator": "assistance.total",
    "assistance.by_theme": "assistance.total",
    "assistance.by_type": "assistance.total",
    "assistance.by_outcome": "assistance.total",
    "assistance.by_duration_bucket": "assistance.total",
    "amap.baskets_by_type": "amap.baskets",
    "satisfaction.by_score": "satisfaction.answers",
    "letters.by_operator": "letters.written",
    "parcels.by_carrier": "parcels.received",
}


def test_the_map_of_codes_covers_every_section_once() -> None:
    codes = [code for _key, _title, section in SECTIONS for code in section]
    assert codes == list(INDICATORS)
    lists = {"assistance.by_orientation", "results.communes_unknown_population"}
    assert set(EXPECTED_TOTALS) | set(SUMS_TO) | lists == set(INDICATORS)


def test_each_total_matches_the_constructed_data(app: Comptoir, dataset: Dataset) -> None:
    data = march(app, [dataset.a.id])
    found = {code: data.value(code) for code in EXPECTED_TOTALS}
    assert found == pytest.approx(EXPECTED_TOTALS)


def test_breakdowns_in_their_order(app: Comptoir, dataset: Dataset) -> None:
    data = march(app, [dataset.a.id])
    for code, expected in EXPECTED_SERIES.items():
        assert data.series(code) == expected, code
    for code, expected in EXPECTED_NONZERO.items():
        series = data.series(code)
        assert {k: v for k, v in series if v} == expected, code
        values = [v for k, v in series if k != "Non communiqué"]
        assert values == sorted(values, reverse=True), code
        if "Non communiqué" in dict(series):
            assert series[-1][0] == "Non communiqué", code


def test_zero_categories_are_listed_so_tables_are_complete(app: Comptoir, dataset: Dataset) -> None:
    data = march(app, [dataset.a.id])
    bands = dict(data.series("visits.by_age_band"))
    assert bands["<12"] == 0 and bands["18-24"] == 0
    assert dict(data.series("visits.by_service"))["AMAP"] == 0


def test_every_breakdown_sums_to_its_total(app: Comptoir, dataset: Dataset) -> None:
    data = march(app, [dataset.a.id])
    for code, total in SUMS_TO.items():
        assert sum(v for _k, v in data.series(code)) == data.value(total), code
    oriented = dict(data.series("assistance.by_outcome"))["Orientée"]
    assert sum(v for _k, v in data.series("assistance.by_orientation")) == oriented


def test_each_site_alone_several_sites_and_all_sites(app: Comptoir, dataset: Dataset) -> None:
    only_b = march(app, [dataset.b.id])
    assert only_b.site_names == ["La Grange"]
    assert only_b.value("visits.total") == 5
    assert only_b.value("assistance.total") == 0
    both = march(app, [dataset.a.id, dataset.b.id])
    everything = march(app, None)
    for data in (both, everything):
        assert sorted(data.site_names) == ["La Grange", "Le Comptoir de Felletin"]
        assert data.value("visits.total") == 18
        # The two sites' « Felletin » rows merge into one line and one population.
        assert dict(data.series("visits.by_commune"))["Felletin"] == 8
        assert data.value("results.population_served") == 5300
        assert dict(data.series("visits.by_service"))["Accueil / information"] == 14
        assert data.value("assistance.total") == 4


def test_an_empty_period_gives_zeros_and_every_code(app: Comptoir, site: SiteInfo) -> None:
    data = app.reports.compute(period_start=date(2030, 1, 1), period_end=date(2030, 1, 31))
    assert data.codes() == list(INDICATORS)
    calendar = {"opening.days", "opening.hours"}
    assert {i.code for i in data.indicators if i.value} == calendar
    # Default hours: Monday–Friday 7.5 h, Saturday 3 h. January 2030 has 23 weekdays (less
    # New Year's Day, a Tuesday) and 4 Saturdays.
    assert data.value("opening.days") == 22 + 4
    assert data.value("opening.hours") == 22 * 7.5 + 4 * 3


def test_without_activity_only_standing_facts_remain(app: Comptoir, dataset: Dataset) -> None:
    """Partners, jobs and the practitioners' schedule are not activity: they carry on."""
    data = app.reports.compute(
        period_start=date(2030, 1, 1), period_end=date(2030, 1, 31), site_ids=[dataset.a.id]
    )
    standing = {
        "opening.days",
        "opening.hours",
        "coworking.hours_bookable",
        "health.permanences",
        "health.slots_offered",
        "health.practitioners",
        "partners.total",
        "jobs.fte_new",
        "jobs.fte_maintained",
    }
    assert {i.code for i in data.indicators if i.value} == standing
    assert data.value("jobs.fte_new") == pytest.approx(1.0)  # only the open-ended CDI


def test_public_holidays_close_the_place(app: Comptoir, dataset: Dataset) -> None:
    # 1 to 10 May 2026: weekdays 1, 4–8; 1 May and 8 May are public holidays.
    data = app.reports.compute(
        period_start=date(2026, 5, 1), period_end=date(2026, 5, 10), site_ids=[dataset.a.id]
    )
    assert data.value("opening.days") == 4
    assert data.value("opening.hours") == 28


def test_a_period_ending_before_it_starts_is_refused(app: Comptoir, site: SiteInfo) -> None:
    from tiers_lieu.errors import ValidationError

    with pytest.raises(ValidationError, match="la fin précède le début"):
        app.reports.compute(period_start=date(2026, 3, 2), period_end=date(2026, 3, 1))


def test_the_report_holds_no_name_and_no_note(app: Comptoir, dataset: Dataset) -> None:
    data = march(app, None)
    text = repr(data)
    for secret in SECRETS:
        assert secret not in text


def test_fte_follows_the_r37_rules() -> None:
    from tiers_lieu.reports.indicators.partners_results import contract_months, fte

    assert fte(100, date(2026, 1, 1), date(2026, 12, 31)) == pytest.approx(1.0)
    assert fte(100, date(2026, 1, 1), date(2027, 6, 30)) == pytest.approx(1.0)
    assert fte(100, date(2026, 1, 1), date(2026, 6, 30)) == pytest.approx(0.5)
    assert fte(50, date(2026, 1, 1), None) == pytest.approx(0.5)
    assert contract_months(date(2026, 1, 15), date(2026, 2, 14)) == pytest.approx(1.0)
