"""« Services de proximité », home delivery (portage, issue 22).

Codes: ``deliveries.orders`` orders whose delivery date falls in the period (whatever became
of them), ``deliveries.delivered`` those ticked « Livré », ``deliveries.absent`` those ticked
« Absent », ``deliveries.people`` distinct people delivered at least once (an order whose
person was removed from the register counts in the orders, not in the people). An order is
not a sale: the grocery it carries is counted by the till's figures when paid.
"""

from __future__ import annotations

from sqlalchemy import case, distinct, func, select

from tiers_lieu.models.proximity import DeliveryOrder
from tiers_lieu.reports.indicators.common import Scope, table, total
from tiers_lieu.reports.model import Indicator


def compute(scope: Scope) -> list[Indicator]:
    order = table(DeliveryOrder)
    delivered = order.c.status == "delivered"
    orders, done, absent, people = scope.session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(case((delivered, 1), else_=0)), 0),
            func.coalesce(func.sum(case((order.c.status == "absent", 1), else_=0)), 0),
            func.count(distinct(case((delivered, order.c.person_id)))),
        ).where(scope.on_sites(order.c.site_id) & scope.on_dates(order.c.for_date))
    ).one()
    return [
        total("deliveries.orders", orders),
        total("deliveries.delivered", done),
        total("deliveries.absent", absent),
        total("deliveries.people", people),
    ]
