"""Issue 21: prices that follow eligibility (``person.solidarity_until``).

The till applies the solidarity price up to the end date included and not after; a
solidarity basket cannot start after it; the register lists the households to review a
month ahead. Dates are relative to the place's today (``tests/placetime``), never fixed.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from datetime import date, time, timedelta

import pytest
from placetime import place_today

from tiers_lieu.app import Comptoir, build
from tiers_lieu.errors import ValidationError
from tiers_lieu.models import Person
from tiers_lieu.models.enums import PaymentSchedule
from tiers_lieu.services.amap.contracts import ContractInput
from tiers_lieu.services.grocery.products import ProductFields
from tiers_lieu.services.grocery.sales import LineInput, PaymentInput
from tiers_lieu.services.people import PersonInput
from tiers_lieu.services.readmodels import SiteInfo


def _household(
    app: Comptoir,
    site: SiteInfo,
    last: str,
    *,
    kinds: tuple[str, ...] = ("solidarity",),
    phone: str = "",
    consent: bool = False,
) -> uuid.UUID:
    data = PersonInput(first_name="Anne", last_name=last, kinds=kinds, phone=phone, consent=consent)
    return app.people.create(site.id, data).id


def _ends(app: Comptoir, person_id: uuid.UUID, until: date | None) -> None:
    """Write the end date as the days went by (the service refuses a past one)."""
    with app.uow() as uow:
        person = uow.session.get(Person, person_id)
        assert person is not None
        person.solidarity_until = until
        uow.commit()


def _sell(app: Comptoir, site: SiteInfo, person_id: uuid.UUID) -> int:
    eggs = app.grocery.products.create(
        site.id,
        ProductFields(
            name=f"Œufs {uuid.uuid4().hex[:6]}", price_cents=320, solidarity_price_cents=220
        ),
    )
    app.grocery.stock.receive(
        site_id=site.id, product_id=eggs.id, quantity_milli=5000, unit_cost_cents=None
    )
    sale = app.grocery.sales.record(
        site_id=site.id,
        lines=[LineInput(eggs.id, 1000)],
        payments=[PaymentInput("cash", 320)],
        person_id=person_id,
    )
    return sale.total_cents


def test_price_applies_up_to_the_end_date_and_not_after(app: Comptoir, site: SiteInfo) -> None:
    today = place_today()
    household = _household(app, site, "Martin")
    _ends(app, household, today + timedelta(days=1))  # the day before the end
    assert app.grocery.sales.eligible(household)
    assert app.grocery.sales.eligibility_ended(household) is None
    assert _sell(app, site, household) == 220
    _ends(app, household, today)  # the end day itself still counts
    assert _sell(app, site, household) == 220
    _ends(app, household, today - timedelta(days=1))  # the day after the end
    assert not app.grocery.sales.eligible(household)
    assert app.grocery.sales.eligibility_ended(household) == today - timedelta(days=1)
    assert _sell(app, site, household) == 320
    _ends(app, household, None)  # no end recorded: as before issue 21
    assert _sell(app, site, household) == 220


def test_a_past_end_date_is_refused_naming_the_field(app: Comptoir, site: SiteInfo) -> None:
    today = place_today()
    with pytest.raises(ValidationError, match="Solidaire jusqu'au"):
        app.people.create(
            site.id,
            PersonInput(first_name="Paul", last_name="Roy", solidarity_until=today - timedelta(1)),
        )
    person = _household(app, site, "Roy")
    with pytest.raises(ValidationError, match="Solidaire jusqu'au"):
        app.people.update(
            person_id=person,
            first_name="Anne",
            last_name="Roy",
            solidarity_until=today - timedelta(days=1),
        )
    app.people.update(person_id=person, first_name="Anne", last_name="Roy", solidarity_until=today)
    # An end already passed stays when the rest of the record is corrected.
    _ends(app, person, today - timedelta(days=3))
    app.people.update(
        person_id=person,
        first_name="Anne",
        last_name="Roy-Petit",
        solidarity_until=today - timedelta(days=3),
    )
    app.people.update(person_id=person, first_name="Anne", last_name="Roy")  # left as is
    with app.uow() as uow:
        row = uow.session.get(Person, person)
        assert row is not None and row.solidarity_until == today - timedelta(days=3)


def test_solidarity_basket_cannot_start_after_the_end(app: Comptoir, site: SiteInfo) -> None:
    today = place_today()
    producer = app.grocery.producers.create(site_id=site.id, name="GAEC des Combes")
    contract = app.amap.contracts.create_contract(
        site.id,
        ContractInput(
            producer_id=producer.id,
            name="Légumes",
            season_start=today,
            season_end=today + timedelta(days=180),
            weekday=3,
            start_time=time(17, 0),
            end_time=time(19, 0),
            payment_schedule=PaymentSchedule.MONTHLY,
            max_absences=2,
            capacity=None,
        ),
    )
    app.amap.contracts.add_basket_type(
        contract_id=contract.id, name="Petit", price_cents=1200, solidarity_price_cents=600
    )
    basket_id = app.amap.contracts.get(contract.id).basket_types[0].id
    ends = today + timedelta(days=10)
    late, on_time, full_price = (_household(app, site, n) for n in ("Late", "Tôt", "Plein"))
    for person in (late, on_time, full_price):
        app.people.update(person_id=person, first_name="Anne", last_name="X", solidarity_until=ends)
    with pytest.raises(ValidationError, match="Panier solidaire") as refused:
        app.amap.subscriptions.subscribe(
            contract_id=contract.id,
            person_id=late,
            basket_type_id=basket_id,
            start_date=ends + timedelta(days=1),
            solidarity=True,
        )
    assert ends.strftime("%d/%m/%Y") in str(refused.value)
    sub = app.amap.subscriptions.subscribe(
        contract_id=contract.id,
        person_id=on_time,
        basket_type_id=basket_id,
        start_date=ends,
        solidarity=True,
    )
    assert sub.unit_price_cents == 600
    plain = app.amap.subscriptions.subscribe(
        contract_id=contract.id,
        person_id=full_price,
        basket_type_id=basket_id,
        start_date=ends + timedelta(days=1),
    )
    assert plain.unit_price_cents == 1200


@pytest.fixture(params=["sqlite", "postgresql"])
def any_app(request: pytest.FixtureRequest, app: Comptoir) -> Iterator[Comptoir]:
    """The SQLite desk, and a PostgreSQL server when ``TIERS_LIEU_TEST_PG`` names one."""
    if request.param == "sqlite":
        yield app
        return
    url = request.getfixturevalue("pg_url")
    with contextlib.closing(build(url)) as pg_app:
        yield pg_app


def test_review_list_a_month_ahead(any_app: Comptoir) -> None:
    app = any_app
    site = app.sites.init_site(
        name="Le Comptoir de Felletin", commune_name="Felletin", insee_code="23079"
    )
    today = place_today()
    soon = _household(app, site, "Bientôt", phone="06 11 22 33 44", consent=True)
    ended = _household(app, site, "Échu", phone="06 55 66 77 88")  # no consent: no phone
    later = _household(app, site, "Tard")
    forever = _household(app, site, "Toujours")
    no_kind = _household(app, site, "Retiré", kinds=("amap",))
    _ends(app, soon, today + timedelta(days=30))
    _ends(app, ended, today - timedelta(days=2))
    _ends(app, later, today + timedelta(days=31))
    _ends(app, no_kind, today + timedelta(days=3))
    del forever  # no end recorded: never listed
    lines = app.people.solidarity_to_review(site.id)
    assert [(line.name, line.until, line.phone) for line in lines] == [
        ("Anne Échu", today - timedelta(days=2), ""),
        ("Anne Bientôt", today + timedelta(days=30), "06 11 22 33 44"),
    ]
    assert lines[0].ended(today) and not lines[1].ended(today)
