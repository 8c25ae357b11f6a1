"""The café's figures, reported apart from the grocery's (issue 22).

- A café line is a ticket line whose product's category is « Café »
  (:func:`tiers_lieu.services.product_kinds.is_cafe`, accents and case ignored).
- ``cafe.sales``: tickets holding at least one café line; ``cafe.sales_eur``: the sum of the
  café lines. ``grocery.sales``/``grocery.sales_eur`` (:mod:`.grocery_amap`) are the same
  for the other lines. **A mixed ticket** (a coffee and a loaf) **counts once in each
  count, and its amount is split by line**: the two turnovers add up to the till's, while
  the two ticket counts may add up to more than the tickets printed.
- As for the grocery, a reversing ticket counts −1 (in each side it has lines of) and its
  negative lines net the turnover, in the period each was recorded; sales cancelled before
  the inalterable till (``cancelled_at``) stay out.
- ``cafe.tabs``: tabs (« ardoises ») settled in the period, by their settlement instant; a
  tab whose ticket was later reversed still counts as settled.
- The day's Z stays one till: it covers every product.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, case, false, func, select

from tiers_lieu.models import Product, Sale, SaleLine
from tiers_lieu.models.proximity import CafeTab
from tiers_lieu.reports.indicators.common import Scope, table, total
from tiers_lieu.reports.model import Indicator
from tiers_lieu.services.product_kinds import is_cafe


def _sum(expression: Any) -> Any:
    return func.coalesce(func.sum(expression), 0)


def cafe_categories(scope: Scope) -> list[str]:
    """The categories, as spelt in the base, that are the café's (a few distinct values)."""
    product = table(Product)
    found = scope.session.execute(select(product.c.category).distinct()).scalars()
    return [category for category in found if is_cafe(category or "")]


def split_sales(scope: Scope) -> tuple[int, int, int, int]:
    """(café tickets, café cents, grocery tickets, grocery cents) of the scope's period."""
    sale, line, product = table(Sale), table(SaleLine), table(Product)
    categories = cafe_categories(scope)
    cafe_line = product.c.category.in_(categories) if categories else false()
    # Outer joins: a sale without lines (written by hand before the till) is the grocery's.
    per_sale = (
        select(
            sale.c.reverses_id.label("reverses_id"),
            func.max(case((cafe_line, 1), else_=0)).label("has_cafe"),
            func.max(case((cafe_line, 0), else_=1)).label("has_grocery"),
            func.max(sale.c.total_cents).label("total_cents"),
            _sum(case((cafe_line, line.c.total_cents), else_=0)).label("cafe_cents"),
        )
        .select_from(
            sale.outerjoin(line, line.c.sale_id == sale.c.id).outerjoin(
                product, product.c.id == line.c.product_id
            )
        )
        .where(sale.c.cancelled_at.is_(None), scope.in_period(sale.c.sold_at, sale.c.site_id))
        .group_by(sale.c.id, sale.c.reverses_id)
        .subquery()
    )
    sign = case((per_sale.c.reverses_id.is_(None), 1), else_=-1)
    row = scope.session.execute(
        select(
            _sum(per_sale.c.has_cafe * sign),
            _sum(per_sale.c.cafe_cents),
            _sum(per_sale.c.has_grocery * sign),
            _sum(per_sale.c.total_cents),
        )
    ).one()
    cafe_cents = int(row[1])
    return int(row[0]), cafe_cents, int(row[2]), int(row[3]) - cafe_cents


def compute(scope: Scope) -> list[Indicator]:
    tickets, cents, _grocery_tickets, _grocery_cents = split_sales(scope)
    tab = table(CafeTab)
    tabs = scope.session.execute(
        select(func.count()).where(
            and_(
                tab.c.sale_id.is_not(None),
                tab.c.closed_at.is_not(None),
                scope.in_period(tab.c.closed_at, tab.c.site_id),
            )
        )
    ).scalar()
    return [
        total("cafe.sales", tickets),
        total("cafe.sales_eur", cents / 100),
        total("cafe.tabs", tabs or 0),
    ]
