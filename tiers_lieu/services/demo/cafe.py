"""The café of the demo (issue 22): its products, its settled tabs and today's open ones.

The demo's tickets are written, numbered and journaled by :mod:`.commerce` alone (one chain
per place, Z closures after): this module adds no ticket. Instead it gives the category
« Café » to the two local beers that module already sells (bottled, counted in stock: an
alert threshold), so the café's turnover shows in the report out of those tickets, and:

- adds the café's products made to order (coffee, tea… no alert threshold: not
  stock-tracked), for the desk to sell from now on;
- makes a settled tab (« ardoise ») of about half the tickets that hold café lines only,
  its lines those of the ticket, opened 10 to 90 minutes before it;
- opens two tabs this morning (« Table 2 », « Terrasse ») with a few lines each.

Deterministic, from a generator of its own (the shared one would shift every later
generator's data).
"""

from __future__ import annotations

import random
from datetime import time, timedelta
from typing import Any

from sqlalchemy import case, func, select, update

from tiers_lieu.models import Product, Sale, SaleLine
from tiers_lieu.models.enums import ProductUnit
from tiers_lieu.models.proximity import CafeTab, CafeTabLine
from tiers_lieu.services.demo.common import DemoContext, uuid4_of
from tiers_lieu.services.product_kinds import CAFE_CATEGORY

BEERS = ("Bière blonde 33 cl", "Bière ambrée 33 cl")
"""Products of :mod:`.commerce` that the café sells (their tickets become café turnover)."""

# (name, price in cents, VAT in basis points: 10 % for what is consumed on the spot)
MENU: list[tuple[str, int, int]] = [
    ("Café", 120, 1000),
    ("Café allongé", 150, 1000),
    ("Thé ou infusion", 180, 1000),
    ("Chocolat chaud", 220, 1000),
    ("Jus de pomme du plateau", 250, 1000),
    ("Part de gâteau maison", 250, 1000),
]
TABLES = ("Table 1", "Table 2", "Table 3", "Table 4", "Terrasse", "Comptoir")


def add_cafe(ctx: DemoContext) -> None:
    rng = random.Random(f"comptoir-demo-cafe:{ctx.site_name}:{ctx.start}:{ctx.today}")

    def uid() -> Any:
        return uuid4_of(rng.getrandbits(128))

    product = Product.__table__  # type: ignore[attr-defined]
    ctx.conn.execute(
        update(product)
        .where(product.c.site_id == ctx.site_id, product.c.name.in_(BEERS))
        .values(category=CAFE_CATEGORY)
    )
    menu = [
        {
            "id": uid(),
            "name": name,
            "category": CAFE_CATEGORY,
            "unit": ProductUnit.PIECE,
            "price_cents": price,
            "vat_rate_bp": vat,
            "alert_threshold_milli": 0,
            "favourite": False,  # the cash desk's F-keys stay the grocery's
        }
        for name, price, vat in MENU
    ]
    ctx.insert(Product, menu)

    tabs: list[dict[str, Any]] = []
    lines: list[dict[str, Any]] = []
    for sale_id, sold_at, rows in _cafe_only_tickets(ctx):
        if rng.random() >= 0.5:
            continue
        opened = sold_at - timedelta(minutes=rng.randint(10, 90))
        tab_id = uid()
        tabs.append(
            {
                "id": tab_id,
                "created_at": opened,
                "updated_at": sold_at,
                "label": rng.choice(TABLES),
                "opened_at": opened,
                "closed_at": sold_at,
                "sale_id": sale_id,
            }
        )
        for index, (product_id, quantity) in enumerate(rows):
            added = opened + timedelta(minutes=index * 5)
            lines.append(
                {
                    "id": uid(),
                    "created_at": added,
                    "tab_id": tab_id,
                    "product_id": product_id,
                    "quantity_milli": quantity,
                    "added_at": added,
                }
            )
    for label, moment, picks in (
        ("Table 2", time(10, 15), (0, 0, 5)),
        ("Terrasse", time(11, 30), (2, 3, 4)),
    ):
        opened = ctx.at(ctx.today, moment)
        tab_id = uid()
        tabs.append(
            {
                "id": tab_id,
                "created_at": opened,
                "label": label,
                "opened_at": opened,
                "closed_at": None,
                "sale_id": None,
            }
        )
        counted: dict[int, int] = {}
        for pick in picks:
            counted[pick] = counted.get(pick, 0) + 1000
        for index, (pick, quantity) in enumerate(counted.items()):
            added = opened + timedelta(minutes=index * 3)
            lines.append(
                {
                    "id": uid(),
                    "created_at": added,
                    "tab_id": tab_id,
                    "product_id": menu[pick]["id"],
                    "quantity_milli": quantity,
                    "added_at": added,
                }
            )
    ctx.insert(CafeTab, tabs)
    ctx.insert(CafeTabLine, lines)


def _cafe_only_tickets(ctx: DemoContext) -> list[tuple[Any, Any, list[tuple[Any, int]]]]:
    """The place's tickets (not reversals) whose every line is a café product, by number,
    each with its lines (product, quantity)."""
    sale, line, product = (
        Sale.__table__,  # type: ignore[attr-defined]
        SaleLine.__table__,  # type: ignore[attr-defined]
        Product.__table__,  # type: ignore[attr-defined]
    )
    not_cafe = func.sum(case((product.c.category == CAFE_CATEGORY, 0), else_=1))
    chosen = (
        select(sale.c.id)
        .select_from(
            sale.join(line, line.c.sale_id == sale.c.id).join(
                product, product.c.id == line.c.product_id
            )
        )
        .where(sale.c.site_id == ctx.site_id, sale.c.reverses_id.is_(None))
        .group_by(sale.c.id)
        .having(not_cafe == 0)
        .subquery()
    )
    found: dict[Any, tuple[Any, Any, list[tuple[Any, int]]]] = {}
    for sale_id, sold_at, _number, product_id, quantity in ctx.conn.execute(
        select(
            sale.c.id,
            sale.c.sold_at,
            sale.c.ticket_number,
            line.c.product_id,
            line.c.quantity_milli,
        )
        .select_from(sale.join(line, line.c.sale_id == sale.c.id))
        .where(sale.c.id.in_(select(chosen.c.id)))
        .order_by(sale.c.ticket_number, line.c.created_at, line.c.id)
    ):
        entry = found.setdefault(sale_id, (sale_id, sold_at, []))
        entry[2].append((product_id, int(quantity)))
    return list(found.values())
