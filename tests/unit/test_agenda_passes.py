"""Coworking passes: sold with their payment, balances, validity, history."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select
from test_agenda_support import Place, make_place, paris

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import ValidationError
from tiers_lieu.models import Payment
from tiers_lieu.models.enums import PassKind, PaymentMethod
from tiers_lieu.services.agenda.inputs import BookingRequest
from tiers_lieu.services.people import PersonInput
from tiers_lieu.services.readmodels import SiteInfo


@pytest.fixture
def place(app: Comptoir, site: SiteInfo) -> Place:
    return make_place(app, site)


def desk_day(app: Comptoir, place: Place, person_id, day: date):  # type: ignore[no-untyped-def]
    booking = app.agenda.bookings.create(
        place.site.id,
        BookingRequest(
            resource_id=place.open_space.id,
            start=paris(day.year, day.month, day.day, 9),
            end=paris(day.year, day.month, day.day, 18),
            person_id=person_id,
        ),
    )
    return app.agenda.bookings.check_in(booking.id)


def test_ten_pass_card_goes_from_ten_to_nine(app: Comptoir, place: Place) -> None:
    lea = app.people.create(place.site.id, PersonInput(first_name="Léa", last_name="Martin"))
    card = app.agenda.passes.create_type(
        site_id=place.site.id, name="Carte 10 journées", kind=PassKind.TEN_PASS, price_cents=12000
    )
    sold = app.agenda.passes.sell(
        site_id=place.site.id,
        person_id=lea.id,
        pass_type_id=card.id,
        method=PaymentMethod.CHEQUE,
        paid_on=date(2026, 3, 2),
        reference="Chèque 0042",
    )
    assert (sold.units_total, sold.balance, sold.payment_method) == (10, 10, "cheque")
    with app.uow() as uow:
        payments = [
            (p.amount_cents, p.method, p.pass_id) for p in uow.session.exec(select(Payment))
        ]
    assert payments == [(12000, "cheque", sold.id)]
    assert desk_day(app, place, lea.id, date(2026, 3, 10)).pass_balance == 9
    history = app.agenda.passes.history(lea.id)
    assert history.passes[0].balance == 9
    assert [(u.used_on, u.type_name) for u in history.uses] == [
        (date(2026, 3, 10), "Carte 10 journées")
    ]


def test_monthly_pass_is_valid_for_its_month(app: Comptoir, place: Place) -> None:
    tom = app.people.create(place.site.id, PersonInput(first_name="Tom", last_name="Roux"))
    monthly = app.agenda.passes.create_type(
        site_id=place.site.id, name="Abonnement mensuel", kind=PassKind.MONTHLY, price_cents=9000
    )
    sold = app.agenda.passes.sell(
        site_id=place.site.id,
        person_id=tom.id,
        pass_type_id=monthly.id,
        method=PaymentMethod.TRANSFER,
        paid_on=date(2026, 3, 1),
    )
    assert (sold.valid_from, sold.valid_until) == (date(2026, 3, 1), date(2026, 3, 31))
    assert desk_day(app, place, tom.id, date(2026, 3, 31)).pass_id == sold.id
    # In April the March subscription no longer applies: the check-in takes no unit.
    assert desk_day(app, place, tom.id, date(2026, 4, 1)).pass_id is None
    assert app.agenda.passes.balance(tom.id, on=date(2026, 4, 1)) == 0


def test_unknown_payment_method_is_refused(app: Comptoir, place: Place) -> None:
    from tiers_lieu.errors import ValidationError

    lea = app.people.create(place.site.id, PersonInput(first_name="Léa", last_name="Martin"))
    day = app.agenda.passes.create_type(
        site_id=place.site.id, name="Journée", kind=PassKind.DAY, price_cents=1500
    )
    with pytest.raises(ValidationError, match="Paiement"):
        app.agenda.passes.sell(
            site_id=place.site.id, person_id=lea.id, pass_type_id=day.id, method="bitcoin"
        )


def test_an_offer_corrected_is_sold_anew_and_the_passes_sold_keep_theirs(
    app: Comptoir, place: Place
) -> None:
    lea = app.people.create(place.site.id, PersonInput(first_name="Léa", last_name="Martin"))
    passes = app.agenda.passes
    card = passes.create_type(
        site_id=place.site.id, name="Carte 10", kind=PassKind.TEN_PASS, price_cents=12000
    )

    def sell() -> tuple[int, int]:
        sold = passes.sell(
            site_id=place.site.id,
            person_id=lea.id,
            pass_type_id=card.id,
            method=PaymentMethod.CASH,
            paid_on=date(2026, 3, 2),
        )
        return sold.price_cents, sold.units_total

    assert sell() == (12000, 10)
    fixed = passes.update_type(
        card.id, name=" Carte 12 journées ", price_cents=13500, units=12, validity_days=365
    )
    assert (fixed.name, fixed.kind, fixed.price_cents, fixed.units, fixed.validity_days) == (
        "Carte 12 journées",
        PassKind.TEN_PASS,
        13500,
        12,
        365,
    )
    assert sell() == (13500, 12)
    held = passes.history(lea.id).passes
    assert sorted((p.price_cents, p.units_total) for p in held) == [(12000, 10), (13500, 12)]
    with pytest.raises(ValidationError, match="Unités"):
        passes.update_type(card.id, name="Carte", price_cents=13500, units=0, validity_days=None)
    passes.update_type(
        card.id,
        name="Carte 12 journées",
        price_cents=13500,
        units=12,
        validity_days=365,
        active=False,
    )
    assert passes.list_types(place.site.id) == []  # no longer offered at the desk
    assert [t.active for t in passes.list_types(place.site.id, include_inactive=True)] == [False]
