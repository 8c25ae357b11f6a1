"""Benchmark of the till's type-ahead (``ProductService.search``) on the large demo, beside
the scanner's look-up (``by_barcode``), its floor: one product read plus the stock of that
one product.

It prints figures rather than asserting them (target, issue 17: under 10 ms per letter, the
same with more stock history). A product name is typed letter by letter; each letter is one
``search`` call; the median per letter is printed with the ``by_barcode`` median and their
ratio. Then the stock history is grown to 4× its movements (three more for each one: a
reception, a loss of the same quantity and an inventory that found the level right, so every
stock level stays the same) and both are timed
again: a per-letter time that grows with the history means the search still sums movements
it does not show. ``list`` and ``favourites`` are timed too.

The database is copied first, so that opening it (which applies pending migrations) never
changes the shared file.

Run: ``.venv/bin/python bench/bench_till_search.py [--db FILE]`` (``/tmp/large.sqlite`` by
default; generate it once with ``tiers-lieu --db /tmp/large.sqlite demo --scale large``).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, insert, select
from sqlmodel import col

from tiers_lieu.app import Comptoir, build
from tiers_lieu.models import Product, StockMovement, utcnow
from tiers_lieu.models.enums import StockMovementKind
from tiers_lieu.services.grocery.products import match_key

RUNS = 15


def median_ms(work: Callable[[], object], runs: int = RUNS) -> float:
    work()  # the first call prepares the statements; not counted
    laps = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        laps.append((time.perf_counter() - started) * 1000)
    return statistics.median(laps)


def busiest_product_site(app: Comptoir) -> tuple[uuid.UUID, list[str], list[str]]:
    """The place with the most stock movements, some of its product names and barcodes."""
    with app.engine.connect() as conn:
        site_id = conn.execute(
            select(col(StockMovement.site_id))
            .group_by(col(StockMovement.site_id))
            .order_by(func.count().desc())
            .limit(1)
        ).scalar_one()
        rows = conn.execute(
            select(col(Product.name), col(Product.barcode))
            .where(col(Product.site_id) == site_id, col(Product.active).is_(True))
            .order_by(col(Product.name))
        ).all()
    names = [name for name, _code in rows]
    codes = [code for _name, code in rows if code]
    return uuid.UUID(str(site_id)), names, codes


def per_letter(app: Comptoir, site_id: uuid.UUID, names: list[str]) -> tuple[float, int]:
    """Median time of one letter typed (over a few names typed in full), letters timed."""
    products = app.grocery.products
    laps: list[float] = []
    words = [match_key(name).split("_")[0] for name in names[:: max(1, len(names) // 4)][:4]]
    for _ in range(3):
        for word in words:
            for end in range(1, len(word) + 1):
                started = time.perf_counter()
                products.search(site_id=site_id, text=word[:end])
                laps.append((time.perf_counter() - started) * 1000)
    return statistics.median(laps), len(laps)


def report(app: Comptoir, label: str) -> None:
    site_id, names, codes = busiest_product_site(app)
    products = app.grocery.products
    with app.engine.connect() as conn:
        moves = conn.execute(select(func.count()).select_from(StockMovement)).scalar_one()
    products.search(site_id=site_id, text="a")  # statements prepared, caches warm
    letter, letters = per_letter(app, site_id, names)
    code_index = iter(range(10**9))
    floor = median_ms(
        lambda: products.by_barcode(site_id=site_id, barcode=codes[next(code_index) % len(codes)]),
        runs=50,
    )
    listed = median_ms(lambda: products.list(site_id=site_id))
    favourites = median_ms(lambda: products.favourites(site_id=site_id))
    print(f"[{label}] {moves:,} mouvements de stock, {len(names)} produits actifs dans le lieu")
    print(f"  recherche par lettre : médiane {letter:.2f} ms ({letters} lettres)")
    print(f"  by_barcode (plancher) : médiane {floor:.2f} ms")
    print(f"  rapport recherche / plancher : {letter / floor:.1f}×")
    print(f"  list : {listed:.2f} ms, favourites : {favourites:.2f} ms")


def grow_history(app: Comptoir, times: int) -> None:
    """``times`` more movements for each one there is, summing to zero: levels unchanged.

    For each movement of quantity q: a reception of |q|, a loss of |q|, then inventories
    that found the level right (0)."""
    now = utcnow()
    with app.engine.begin() as conn:
        rows = conn.execute(
            select(
                col(StockMovement.site_id),
                col(StockMovement.product_id),
                col(StockMovement.quantity_milli),
                col(StockMovement.occurred_at),
            )
        ).all()
        plan = [
            (StockMovementKind.RECEPTION, 1),
            (StockMovementKind.LOSS, -1),
        ] + [(StockMovementKind.INVENTORY, 0)] * max(0, times - 2)
        copies = [
            {
                "id": uuid.uuid4(),
                "site_id": site_id,
                "product_id": product_id,
                "kind": kind,
                "quantity_milli": sign * abs(quantity),
                "occurred_at": occurred_at,
                "note": "bench",
                "created_at": now,
                "updated_at": now,
            }
            for site_id, product_id, quantity, occurred_at in rows
            for kind, sign in plan[:times]
        ]
        conn.execute(insert(StockMovement), copies)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=Path("/tmp/large.sqlite"))
    args = parser.parse_args(argv)
    if not args.db.exists():
        print(f"{args.db} is missing: tiers-lieu --db {args.db} demo --scale large")
        return 2

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.sqlite"
        shutil.copyfile(args.db, path)
        app = build(str(path))
        try:
            report(app, "démo large")
            grow_history(app, 3)
            report(app, "historique ×4")
        finally:
            app.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
