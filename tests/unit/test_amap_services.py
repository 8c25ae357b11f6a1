"""AMAP services: payment schedules, the distribution calendar, absences, the waiting list,
solidarity funding and pick-up statuses, as a coordinator and a host would see them."""

from __future__ import annotations

from datetime import date, time

import pytest
from sqlmodel import select

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import ConflictError, ValidationError
from tiers_lieu.models import Visit
from tiers_lieu.models.enums import PaymentSchedule, PickupStatus, SubscriptionStatus
from tiers_lieu.services.amap import ContractInfo
from tiers_lieu.services.amap.contracts import ContractInput
from tiers_lieu.services.amap.distributions import planned_dates
from tiers_lieu.services.people import PersonInput
from tiers_lieu.services.readmodels import SiteInfo


def _contract(
    app: Comptoir,
    site: SiteInfo,
    *,
    start: date = date(2025, 4, 1),
    end: date = date(2025, 10, 31),
    weekday: int = 3,
    schedule: str = PaymentSchedule.MONTHLY,
    max_absences: int = 2,
    capacity: int | None = None,
    price: int = 1333,
    solidarity_price: int | None = 700,
) -> ContractInfo:
    producer = app.grocery.producers.create(site_id=site.id, name="GAEC des Combes")
    contract = app.amap.contracts.create_contract(
        site.id,
        ContractInput(
            producer_id=producer.id,
            name="Légumes",
            season_start=start,
            season_end=end,
            weekday=weekday,
            start_time=time(17, 0),
            end_time=time(19, 0),
            payment_schedule=schedule,
            max_absences=max_absences,
            capacity=capacity,
        ),
    )
    app.amap.contracts.add_basket_type(
        contract_id=contract.id,
        name="Petit panier",
        price_cents=price,
        solidarity_price_cents=solidarity_price,
    )
    return app.amap.contracts.get(contract.id)


def _household(app: Comptoir, site: SiteInfo, last: str) -> object:
    return app.people.create(site.id, PersonInput(first_name="Anne", last_name=last)).id


def test_monthly_schedule_sums_exactly_to_the_season_price(app: Comptoir, site: SiteInfo) -> None:
    contract = _contract(app, site)
    app.amap.distributions.generate(contract_id=contract.id)
    held = app.amap.distributions.list_distributions(contract_id=contract.id)
    sub = app.amap.subscriptions.subscribe(
        contract_id=contract.id,
        person_id=_household(app, site, "Martin"),
        basket_type_id=contract.basket_types[0].id,
        quantity=2,
        start_date=contract.season_start,
    )
    instalments = app.amap.payments.instalments(subscription_id=sub.id)
    amounts = [i.amount_cents for i in instalments]
    assert len(instalments) == 7  # April to October, one cheque a month
    assert sum(amounts) == 1333 * 2 * len(held) == sub.total_cents
    assert len(set(amounts[:-1])) == 1  # equal cheques, the remainder on the last one
    assert [i.due_date for i in instalments][:2] == [date(2025, 4, 1), date(2025, 5, 1)]


def test_once_schedule_is_one_payment(app: Comptoir, site: SiteInfo) -> None:
    contract = _contract(app, site, schedule=PaymentSchedule.ONCE, price=480, solidarity_price=240)
    sub = app.amap.subscriptions.subscribe(
        contract_id=contract.id,
        person_id=_household(app, site, "Martin"),
        basket_type_id=contract.basket_types[0].id,
        start_date=date(2025, 7, 1),
    )
    planned = [
        d
        for d in planned_dates(contract.season_start, contract.season_end, 3)
        if d >= date(2025, 7, 1)
    ]
    instalments = app.amap.payments.instalments(subscription_id=sub.id)
    assert [(i.due_date, i.amount_cents) for i in instalments] == [
        (date(2025, 7, 1), 480 * len(planned))
    ]


def test_calendar_skips_public_holidays_and_closures(app: Comptoir, site: SiteInfo) -> None:
    # 11 November 2025 is a Tuesday; the place closes the week of Christmas.
    app.config.add_closure(site.id, start_date=date(2025, 12, 22), end_date=date(2025, 12, 28))
    contract = _contract(app, site, start=date(2025, 11, 1), end=date(2025, 12, 31), weekday=1)
    assert app.amap.distributions.generate(contract_id=contract.id) == 7
    days = [d.on_date for d in app.amap.distributions.list_distributions(contract_id=contract.id)]
    assert date(2025, 11, 11) not in days
    assert date(2025, 12, 23) not in days
    assert days[:2] == [date(2025, 11, 4), date(2025, 11, 18)]
    assert all(d.weekday() == 1 for d in days)
    # Generating again adds nothing.
    assert app.amap.distributions.generate(contract_id=contract.id) == 0


def test_calendar_is_editable(app: Comptoir, site: SiteInfo) -> None:
    contract = _contract(app, site, start=date(2025, 11, 1), end=date(2025, 11, 30), weekday=1)
    app.amap.distributions.generate(contract_id=contract.id)
    first = app.amap.distributions.list_distributions(contract_id=contract.id)[0]
    with pytest.raises(ValidationError, match="fermé"):
        app.amap.distributions.move(distribution_id=first.id, on_date=date(2025, 11, 11))
    moved = app.amap.distributions.move(distribution_id=first.id, on_date=date(2025, 11, 5))
    assert moved.on_date == date(2025, 11, 5) and "Déplacée" in moved.note
    cancelled = app.amap.distributions.set_cancelled(
        distribution_id=first.id, cancelled=True, note="route enneigée"
    )
    assert cancelled.cancelled
    added = app.amap.distributions.add(contract_id=contract.id, on_date=date(2025, 11, 13))
    with pytest.raises(ConflictError):
        app.amap.distributions.add(contract_id=contract.id, on_date=added.on_date)


def test_absences_beyond_the_contract_are_refused(app: Comptoir, site: SiteInfo) -> None:
    contract = _contract(app, site, max_absences=1)
    app.amap.distributions.generate(contract_id=contract.id)
    first, second = app.amap.distributions.list_distributions(contract_id=contract.id)[:2]
    sub = app.amap.subscriptions.subscribe(
        contract_id=contract.id,
        person_id=_household(app, site, "Martin"),
        basket_type_id=contract.basket_types[0].id,
        start_date=contract.season_start,
    )
    line = app.amap.pickups.set_status(
        distribution_id=first.id, subscription_id=sub.id, status=PickupStatus.ABSENT
    )
    assert line.status == PickupStatus.ABSENT and line.absences_used == 1
    with pytest.raises(ConflictError, match="Absence refusée"):
        app.amap.pickups.set_status(
            distribution_id=second.id, subscription_id=sub.id, status=PickupStatus.ABSENT
        )
    sheet = app.amap.pickups.sheet(distribution_id=second.id)
    assert sheet.lines[0].status == PickupStatus.EXPECTED


def test_waiting_list_and_promotion(app: Comptoir, site: SiteInfo) -> None:
    contract = _contract(app, site, capacity=2, start=date(2025, 4, 1), end=date(2027, 10, 31))
    basket = contract.basket_types[0].id
    subs = [
        app.amap.subscriptions.subscribe(
            contract_id=contract.id, person_id=_household(app, site, name), basket_type_id=basket
        )
        for name in ("Alard", "Blanc", "Cazal", "Dumas")
    ]
    assert [s.status for s in subs] == ["active", "active", "waiting", "waiting"]
    assert [s.waitlist_position for s in subs[2:]] == [1, 2]
    assert app.amap.contracts.get(contract.id).is_full
    assert subs[2].total_cents == 0  # no cheques asked while waiting
    promoted = app.amap.subscriptions.end(subscription_id=subs[0].id)
    assert promoted is not None and promoted.id == subs[2].id
    assert promoted.status == SubscriptionStatus.ACTIVE and promoted.total_cents > 0
    waiting = app.amap.subscriptions.waiting_list(contract_id=contract.id)
    assert [(w.household, w.waitlist_position) for w in waiting] == [("DUMAS Anne", 1)]
    with pytest.raises(ConflictError):
        app.amap.subscriptions.subscribe(
            contract_id=contract.id, person_id=subs[1].person_id, basket_type_id=basket
        )


def test_payments_ticked_and_handed_to_the_producer(app: Comptoir, site: SiteInfo) -> None:
    contract = _contract(app, site)
    sub = app.amap.subscriptions.subscribe(
        contract_id=contract.id,
        person_id=_household(app, site, "Martin"),
        basket_type_id=contract.basket_types[0].id,
        start_date=contract.season_start,
    )
    first, second = app.amap.payments.instalments(subscription_id=sub.id)[:2]
    with pytest.raises(ConflictError):
        app.amap.payments.hand_to_producer(instalment_ids=[first.id])
    paid = app.amap.payments.record_payment(instalment_id=first.id, cheque_number="1234567")
    assert paid.received_at is not None and paid.cheque_number == "1234567"
    assert app.amap.payments.hand_to_producer(instalment_ids=[first.id]) == 1
    again = app.amap.subscriptions.list_subscriptions(contract_id=contract.id)[0]
    assert again.received_cents == first.amount_cents
    assert second.received_at is None


def test_solidarity_funding_split_and_cost(app: Comptoir, site: SiteInfo) -> None:
    contract = _contract(app, site, price=1200, solidarity_price=600)
    app.amap.distributions.generate(contract_id=contract.id)
    days = app.amap.distributions.list_distributions(contract_id=contract.id)[:3]
    sub = app.amap.subscriptions.subscribe(
        contract_id=contract.id,
        person_id=_household(app, site, "Martin"),
        basket_type_id=contract.basket_types[0].id,
        quantity=2,
        start_date=contract.season_start,
        solidarity=True,
        referred_by="CCAS",
        eligible_until=date(2025, 10, 31),
    )
    assert sub.unit_price_cents == 600
    with pytest.raises(ValidationError, match="100"):
        app.amap.solidarity.set_funding(
            subscription_id=sub.id, shares={"members": 40, "subsidy": 35}
        )
    app.amap.solidarity.set_funding(
        subscription_id=sub.id, shares={"members": 33, "subsidy": 33, "network": 34}
    )
    for day, status in zip(
        days,
        (PickupStatus.COLLECTED, PickupStatus.DONATED, PickupStatus.UNCOLLECTED),
        strict=True,
    ):
        app.amap.pickups.set_status(distribution_id=day.id, subscription_id=sub.id, status=status)
    summary = app.amap.solidarity.summary(
        site_id=site.id, start=date(2025, 1, 1), end=date(2025, 12, 31)
    )
    assert summary.baskets == 4  # two baskets, collected once and donated once
    assert summary.cost_cents == 4 * 600
    assert dict(summary.by_source) == {"members": 792, "subsidy": 792, "network": 816}
    eligible = app.amap.solidarity.eligible(site_id=site.id)
    assert eligible[0].referred_by == "CCAS"
    assert eligible[0].funding == (("members", 33), ("subsidy", 33), ("network", 34))


def test_pickup_statuses(app: Comptoir, site: SiteInfo) -> None:
    contract = _contract(app, site)
    app.amap.distributions.generate(contract_id=contract.id)
    day = app.amap.distributions.list_distributions(contract_id=contract.id)[0]
    sub = app.amap.subscriptions.subscribe(
        contract_id=contract.id,
        person_id=_household(app, site, "Martin"),
        basket_type_id=contract.basket_types[0].id,
        start_date=contract.season_start,
    )

    def visits() -> int:
        with app.uow() as uow:
            return len(uow.session.exec(select(Visit)).all())

    line = app.amap.pickups.set_status(
        distribution_id=day.id, subscription_id=sub.id, status=PickupStatus.COLLECTED
    )
    assert line.status == PickupStatus.COLLECTED and visits() == 1
    with pytest.raises(ValidationError):
        app.amap.pickups.set_status(
            distribution_id=day.id, subscription_id=sub.id, status=PickupStatus.GIVEN
        )
    line = app.amap.pickups.set_status(
        distribution_id=day.id,
        subscription_id=sub.id,
        status=PickupStatus.GIVEN,
        collected_by="Paul Voisin",
    )
    assert line.collected_by == "Paul Voisin" and visits() == 0
    app.amap.pickups.set_status(
        distribution_id=day.id, subscription_id=sub.id, status=PickupStatus.KEPT
    )
    sheet = app.amap.pickups.sheet(distribution_id=day.id)
    assert [(line.household, line.status) for line in sheet.lines] == [("MARTIN Anne", "kept")]


def test_outcomes_wait_for_the_distribution_day(app: Comptoir, site: SiteInfo) -> None:
    contract = _contract(app, site, start=date(2099, 4, 1), end=date(2099, 5, 31))
    app.amap.distributions.generate(contract_id=contract.id)
    day = app.amap.distributions.list_distributions(contract_id=contract.id)[0]
    sub = app.amap.subscriptions.subscribe(
        contract_id=contract.id,
        person_id=_household(app, site, "Martin"),
        basket_type_id=contract.basket_types[0].id,
    )
    with pytest.raises(ConflictError, match="pas encore eu lieu"):
        app.amap.pickups.set_status(
            distribution_id=day.id, subscription_id=sub.id, status=PickupStatus.COLLECTED
        )
    line = app.amap.pickups.set_status(
        distribution_id=day.id, subscription_id=sub.id, status=PickupStatus.ABSENT
    )
    assert line.status == PickupStatus.ABSENT
