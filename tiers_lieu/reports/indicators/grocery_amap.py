"""« Épicerie et AMAP »: sales, the local share of purchases, AMAP baskets and producers.

- Sales are those not cancelled, dated by their instant in the site's time zone; turnover is
  in euros with two decimals. The café's lines are left out (reported apart by
  :mod:`.cafe`: a ticket mixing both counts once on each side, its amount split by line).
- The local share is the percent of the purchase value (receptions: quantity × unit cost)
  bought from producers whose distance is at most the site's « local » distance. A product
  with no producer, or a producer with no distance, is not local.
- A basket is distributed when its pick-up at a distribution that took place ended
  « collected », « given » (to someone else) or « donated »; absences, baskets kept and
  baskets left uncollected did not reach anyone. ``amap.baskets`` sums the subscription
  quantities of those pick-ups, by basket type in ``amap.baskets_by_type``.
- Households are the distinct subscribers with a pick-up in the period. The solidarity
  amount is (full price − solidarity price) × solidarity baskets distributed.
- Producers are those who supplied the site in the period: a reception of their products or
  an AMAP contract whose season overlaps the period.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, false, func, select, true, union

from tiers_lieu.models import (
    AmapContract,
    AmapSubscription,
    BasketType,
    Distribution,
    Pickup,
    Producer,
    Product,
    Site,
    StockMovement,
)
from tiers_lieu.models.enums import PickupStatus, StockMovementKind
from tiers_lieu.reports.indicators.cafe import split_sales
from tiers_lieu.reports.indicators.common import Scope, breakdown, merge, table, total
from tiers_lieu.reports.model import Indicator

DISTRIBUTED = (PickupStatus.COLLECTED.value, PickupStatus.GIVEN.value, PickupStatus.DONATED.value)


def _sum(expression: Any) -> Any:
    return func.coalesce(func.sum(expression), 0)


def grocery(scope: Scope) -> list[Indicator]:
    movement = table(StockMovement)
    product, producer, site = table(Product), table(Producer), table(Site)
    # A reversing ticket (issue 21) takes back one sale and its money: it counts −1, and its
    # negative lines net the turnover, in the period each was recorded. The café's lines are
    # reported apart (issue 22, :mod:`.cafe`: a mixed ticket counts on both sides, its
    # amount split by line).
    _cafe_sales, _cafe_cents, sales, cents = split_sales(scope)
    value = movement.c.quantity_milli * func.coalesce(movement.c.unit_cost_cents, 0)
    is_local = producer.c.distance_km <= site.c.local_distance_km
    bought, local = scope.session.execute(
        select(_sum(value), _sum(case((is_local, value), else_=0)))
        .select_from(
            movement.join(product, product.c.id == movement.c.product_id)
            .outerjoin(producer, producer.c.id == product.c.producer_id)
            .join(site, site.c.id == movement.c.site_id)
        )
        .where(
            movement.c.kind == StockMovementKind.RECEPTION.value,
            scope.in_period(movement.c.occurred_at, movement.c.site_id),
        )
    ).one()
    share = float(local) / float(bought) * 100 if bought else 0.0
    return [
        total("grocery.sales", sales),
        total("grocery.sales_eur", (cents or 0) / 100),
        total("grocery.local_share", share),
    ]


def amap(scope: Scope) -> list[Indicator]:
    distribution, pickup = table(Distribution), table(Pickup)
    subscription, basket = table(AmapSubscription), table(BasketType)
    held = scope.on_sites(distribution.c.site_id) & scope.on_dates(distribution.c.on_date)
    held = held & (distribution.c.cancelled == false())
    distributions = scope.session.execute(select(func.count()).where(held)).scalar()
    joined = (
        pickup.join(distribution, distribution.c.id == pickup.c.distribution_id)
        .join(subscription, subscription.c.id == pickup.c.subscription_id)
        .join(basket, basket.c.id == subscription.c.basket_type_id)
    )
    given = pickup.c.status.in_(DISTRIBUTED)
    quantity = subscription.c.quantity
    solidarity = given & (subscription.c.solidarity == true())
    gap = basket.c.price_cents - func.coalesce(
        basket.c.solidarity_price_cents, basket.c.price_cents
    )
    baskets, households, solidarity_baskets, solidarity_cents = scope.session.execute(
        select(
            _sum(case((given, quantity), else_=0)),
            func.count(func.distinct(subscription.c.person_id)),
            _sum(case((solidarity, quantity), else_=0)),
            _sum(case((solidarity, quantity * gap), else_=0)),
        )
        .select_from(joined)
        .where(held)
    ).one()
    by_type = scope.session.execute(
        select(basket.c.name, func.sum(quantity))
        .select_from(joined)
        .where(held, given)
        .group_by(basket.c.name)
    ).all()
    return [
        total("amap.distributions", distributions),
        total("amap.baskets", baskets),
        *breakdown("amap.baskets_by_type", merge((r[0], r[1]) for r in by_type)),
        total("amap.households", households),
        total("amap.solidarity_baskets", solidarity_baskets),
        total("amap.solidarity_eur", (solidarity_cents or 0) / 100),
    ]


def producers(scope: Scope) -> list[Indicator]:
    movement, product, contract = table(StockMovement), table(Product), table(AmapContract)
    producer, site = table(Producer), table(Site)
    supplied = union(
        select(product.c.producer_id.label("producer_id"))
        .select_from(movement.join(product, product.c.id == movement.c.product_id))
        .where(
            movement.c.kind == StockMovementKind.RECEPTION.value,
            product.c.producer_id.is_not(None),
            scope.in_period(movement.c.occurred_at, movement.c.site_id),
        ),
        select(contract.c.producer_id.label("producer_id")).where(
            scope.on_sites(contract.c.site_id),
            contract.c.season_start <= scope.end,
            contract.c.season_end >= scope.start,
        ),
    ).subquery()
    is_local = producer.c.distance_km <= site.c.local_distance_km
    count, local = scope.session.execute(
        select(func.count(), _sum(case((is_local, 1), else_=0))).select_from(
            producer.join(site, site.c.id == producer.c.site_id).join(
                supplied, supplied.c.producer_id == producer.c.id
            )
        )
    ).one()
    return [total("producers.total", count), total("producers.local", local)]


def compute(scope: Scope) -> list[Indicator]:
    return [*grocery(scope), *amap(scope), *producers(scope)]
