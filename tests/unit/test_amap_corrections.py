"""Correcting an AMAP contract or one of its basket types, as a coordinator fixing a typo or
a price: what the rest of the AMAP derives from stays coherent (the calendar's dates, the
instalments of households already subscribed), and every change is audited."""

from __future__ import annotations

import dataclasses
from datetime import date, time

import pytest
from sqlmodel import Session, col, select
from test_amap_services import _contract, _household

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import ConflictError, NotFoundError, ValidationError
from tiers_lieu.models import AuditEntry, Distribution, Tombstone
from tiers_lieu.models.enums import PaymentSchedule
from tiers_lieu.services.amap import ContractInfo
from tiers_lieu.services.amap.contracts import ContractInput
from tiers_lieu.services.readmodels import SiteInfo


def as_input(contract: ContractInfo, **changes: object) -> ContractInput:
    data = ContractInput(
        producer_id=contract.producer_id,
        name=contract.name,
        season_start=contract.season_start,
        season_end=contract.season_end,
        weekday=contract.weekday,
        start_time=contract.start_time,
        end_time=contract.end_time,
        payment_schedule=contract.payment_schedule,
        max_absences=contract.max_absences,
        capacity=contract.capacity,
    )
    return dataclasses.replace(data, **changes)  # type: ignore[arg-type]


def audited(app: Comptoir, entity: str) -> list[tuple[str, object]]:
    with Session(app.engine) as session:
        rows = session.exec(
            select(AuditEntry)
            .where(AuditEntry.entity == entity, AuditEntry.action == "update")
            .order_by(col(AuditEntry.seq))
        ).all()
        return [(r.action, r.details) for r in rows]


def test_a_contract_before_its_calendar_is_corrected_whole(app: Comptoir, site: SiteInfo) -> None:
    contract = _contract(app, site)
    fixed = app.amap.contracts.update_contract(
        contract.id,
        as_input(
            contract,
            name="  Légumes bio — été ",
            weekday=1,
            start_time=time(18, 0),
            end_time=time(19, 30),
            season_end=date(2025, 11, 30),
            max_absences=4,
            capacity=20,
            payment_schedule=PaymentSchedule.ONCE,
        ),
    )
    assert (fixed.name, fixed.weekday, fixed.start_time, fixed.end_time) == (
        "Légumes bio — été",
        1,
        time(18, 0),
        time(19, 30),
    )
    assert (fixed.season_end, fixed.max_absences, fixed.capacity) == (date(2025, 11, 30), 4, 20)
    assert app.amap.contracts.get(contract.id) == fixed
    app.amap.distributions.generate(contract_id=contract.id)
    days = app.amap.distributions.list_distributions(contract_id=contract.id)
    assert {d.on_date.weekday() for d in days} == {1}  # the calendar follows the new day
    assert days[-1].on_date.month == 11
    [(_action, details)] = audited(app, "amap_contract")
    assert "name" in str(details) and "Légumes" not in str(details)  # names of fields only


def test_once_its_calendar_has_dates_the_day_and_season_hold_them(
    app: Comptoir, site: SiteInfo
) -> None:
    contract = _contract(app, site)
    app.amap.distributions.generate(contract_id=contract.id)
    days = app.amap.distributions.list_distributions(contract_id=contract.id)
    with pytest.raises(ValidationError, match="déjà des dates") as refused:
        app.amap.contracts.update_contract(contract.id, as_input(contract, weekday=1))
    assert refused.value.field == "Jour et horaires"
    with pytest.raises(ValidationError, match="en sortirait") as refused:
        app.amap.contracts.update_contract(
            contract.id, as_input(contract, season_end=date(2025, 9, 30))
        )
    assert refused.value.field == "Saison"
    assert app.amap.contracts.get(contract.id) == contract  # nothing half-changed

    # Lengthened, the season takes more dates; its name changes as ever.
    longer = app.amap.contracts.update_contract(
        contract.id, as_input(contract, season_end=date(2025, 11, 30), name="Légumes d'automne")
    )
    assert longer.name == "Légumes d'automne"
    added = app.amap.distributions.generate(contract_id=contract.id)
    assert added > 0
    assert (
        len(app.amap.distributions.list_distributions(contract_id=contract.id)) == len(days) + added
    )


def test_the_capacity_never_goes_below_the_households_subscribed(
    app: Comptoir, site: SiteInfo
) -> None:
    contract = _contract(app, site, capacity=5)
    for last in ("Martin", "Roux"):
        app.amap.subscriptions.subscribe(
            contract_id=contract.id,
            person_id=_household(app, site, last),
            basket_type_id=contract.basket_types[0].id,
            start_date=contract.season_start,
        )
    with pytest.raises(ValidationError, match="2 foyers sont déjà inscrits"):
        app.amap.contracts.update_contract(contract.id, as_input(contract, capacity=1))
    assert app.amap.contracts.update_contract(contract.id, as_input(contract, capacity=2)).is_full


def test_a_basket_types_new_price_is_for_the_subscriptions_made_afterwards(
    app: Comptoir, site: SiteInfo
) -> None:
    contract = _contract(app, site, schedule=PaymentSchedule.ONCE, price=1000)
    app.amap.distributions.generate(contract_id=contract.id)
    basket = contract.basket_types[0]
    before = app.amap.subscriptions.subscribe(
        contract_id=contract.id,
        person_id=_household(app, site, "Martin"),
        basket_type_id=basket.id,
        start_date=contract.season_start,
    )
    paid = app.amap.payments.instalments(subscription_id=before.id)

    fixed = app.amap.contracts.update_basket_type(
        basket.id, name=" Grand panier ", price_cents=1500, solidarity_price_cents=None
    )
    assert (fixed.name, fixed.price_cents, fixed.solidarity_price_cents) == (
        "Grand panier",
        1500,
        None,
    )
    assert app.amap.contracts.get(contract.id).basket_types == (fixed,)
    assert app.amap.payments.instalments(subscription_id=before.id) == paid
    after = app.amap.subscriptions.subscribe(
        contract_id=contract.id,
        person_id=_household(app, site, "Roux"),
        basket_type_id=basket.id,
        start_date=contract.season_start,
    )
    assert after.total_cents == before.total_cents * 3 // 2
    with pytest.raises(ValidationError, match="entre zéro et le prix"):
        app.amap.contracts.update_basket_type(
            basket.id, name="Grand panier", price_cents=1500, solidarity_price_cents=2000
        )
    [(_action, details)] = audited(app, "basket_type")
    assert details is not None and "price_cents" in str(details)


def test_a_contract_created_by_mistake_goes_with_its_baskets_and_calendar(
    app: Comptoir, site: SiteInfo
) -> None:
    """Deleted whole, each row leaving its tombstone (a coordinator's base must lose it too),
    with one audit line; the other contracts stay."""
    kept = _contract(app, site)
    wrong = _contract(app, site)
    app.amap.distributions.generate(contract_id=wrong.id)
    app.amap.contracts.delete_contract(wrong.id)
    assert [c.id for c in app.amap.contracts.list_contracts(site_id=site.id)] == [kept.id]
    with Session(app.engine) as session:
        gone = session.exec(select(Distribution).where(Distribution.contract_id == wrong.id))
        assert gone.all() == []
        stones = session.exec(select(Tombstone.table_name).where(Tombstone.site_id == site.id))
        assert sorted(set(stones)) == ["amap_contract", "basket_type", "distribution"]
        deleted = session.exec(select(AuditEntry.entity).where(AuditEntry.action == "delete")).all()
    assert deleted == ["amap_contract"]
    with pytest.raises(NotFoundError, match="n'existe plus"):
        app.amap.contracts.delete_contract(wrong.id)


def test_once_a_household_subscribed_the_contract_and_its_basket_stay(
    app: Comptoir, site: SiteInfo
) -> None:
    contract = _contract(app, site)
    spare = app.amap.contracts.add_basket_type(
        contract_id=contract.id, name="Petit panier", price_cents=800
    )
    app.amap.subscriptions.subscribe(
        contract_id=contract.id,
        person_id=_household(app, site, "Martin"),
        basket_type_id=contract.basket_types[0].id,
        start_date=contract.season_start,
    )
    with pytest.raises(ConflictError, match="Des foyers se sont inscrits à ce contrat"):
        app.amap.contracts.delete_contract(contract.id)
    with pytest.raises(ConflictError, match="Corrigez plutôt son nom ou ses prix"):
        app.amap.contracts.delete_basket_type(contract.basket_types[0].id)
    app.amap.contracts.delete_basket_type(spare.id)  # nobody took that one
    assert app.amap.contracts.get(contract.id).basket_types == contract.basket_types
