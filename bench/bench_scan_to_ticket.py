"""Benchmark of a sale at the counter from the scanner to the printed ticket (issue 21), on a
copy of the large demo, beside its floor.

It prints figures rather than asserting them. One run: three barcodes scanned (the till's
look-up, ``ProductService.by_barcode``), the sale recorded (``SaleService.record``: ticket
number, lines, stock movements, payment and the till journal's chained lines, one
transaction), the ticket read (``ReceiptService.receipt``), laid out at 42 columns and encoded
as ESC/POS bytes (``printer.render``), the bytes written to ``escpos.printer.Dummy``.

The floor is what no implementation can skip, through ``sqlite3`` on the same file: the same
three barcode look-ups and the raw INSERT of the same rows (sale, lines, movements, payment,
two journal lines) after reading the last ticket number and the journal's head, in one
``BEGIN IMMEDIATE`` transaction. Median of ``--runs`` each, interleaved, and the ratio.

The database is copied first (``encryption.copy_database``), so that opening it (which
applies pending migrations) never changes the shared file.

Run: ``.venv/bin/python bench/bench_scan_to_ticket.py [--db FILE] [--runs 50]``
(``/tmp/large.sqlite`` by default; make it once with
``tiers-lieu --db /tmp/large.sqlite demo --scale large``).
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlmodel import col

from tiers_lieu import encryption
from tiers_lieu.app import Comptoir, build
from tiers_lieu.models import Product, Sale, utcnow
from tiers_lieu.services.grocery.sales import LineInput, PaymentInput
from tiers_lieu.services.till import printer

LINES = 3


def busiest_till(app: Comptoir) -> tuple[uuid.UUID, list[str]]:
    """The place with the most sales and the barcodes of its active products."""
    with app.engine.connect() as conn:
        site_id = (
            conn.execute(
                select(col(Sale.site_id)).group_by(col(Sale.site_id)).order_by(func.count().desc())
            )
            .scalars()
            .first()
        )
        codes = [
            str(code)
            for code in conn.execute(
                select(col(Product.barcode)).where(
                    col(Product.site_id) == site_id,
                    col(Product.active).is_(True),
                    col(Product.barcode).is_not(None),
                    col(Product.unit) == "piece",
                )
            ).scalars()
        ]
    return uuid.UUID(str(site_id)), codes


STAGES: dict[str, list[float]] = {"scan": [], "record": [], "ticket": [], "bytes": []}


def scan_to_ticket(app: Comptoir, site_id: uuid.UUID, codes: list[str]) -> bytes:
    from escpos.printer import Dummy

    laps = [time.perf_counter()]
    products = app.grocery.products
    found = [products.by_barcode(site_id=site_id, barcode=code) for code in codes]
    lines = [LineInput(p.id, 1000) for p in found if p is not None]
    laps.append(time.perf_counter())
    sale = app.grocery.sales.record(
        site_id=site_id,
        lines=lines,
        payments=[PaymentInput("cash", 100_000)],
        confirm_beyond_stock=True,
    )
    laps.append(time.perf_counter())
    receipt = app.receipts.receipt(sale.id, change_cents=sale.change_cents)
    laps.append(time.perf_counter())
    device = Dummy()
    device._raw(printer.render(receipt, 42))
    laps.append(time.perf_counter())
    for name, start, end in zip(STAGES, laps, laps[1:], strict=False):
        STAGES[name].append((end - start) * 1000)
    return bytes(device.output)


def floor_sale(conn: Any, site_hex: str, codes: list[str]) -> None:
    """The same look-ups and rows, raw (``sqlite3``), one transaction."""
    now = utcnow().replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
    today = now[:10]
    conn.execute("BEGIN IMMEDIATE")
    rows = []
    for code in codes:
        row = conn.execute(
            "SELECT id, price_cents, vat_rate_bp FROM product WHERE site_id = ? AND barcode = ?",
            (site_hex, code),
        ).fetchone()
        rows.append(row)
    number = conn.execute(
        "SELECT COALESCE(MAX(ticket_number), 0) + 1 FROM sale WHERE site_id = ?", (site_hex,)
    ).fetchone()[0]
    head = conn.execute(
        "SELECT seq, line_hash FROM till_journal WHERE site_id = ? ORDER BY seq DESC LIMIT 1",
        (site_hex,),
    ).fetchone() or (0, "0" * 64)
    sale_id = uuid.uuid4().hex
    total = sum(price for _pid, price, _vat in rows)
    conn.execute(
        "INSERT INTO sale (id, created_at, updated_at, site_id, sold_at, total_cents, "
        "solidarity, ticket_number) VALUES (?, ?, ?, ?, ?, ?, 0, ?)",
        (sale_id, now, now, site_hex, now, total, number),
    )
    for pid, price, vat in rows:
        line_id = uuid.uuid4().hex
        conn.execute(
            "INSERT INTO sale_line (id, created_at, updated_at, site_id, sale_id, product_id, "
            "quantity_milli, unit_price_cents, vat_rate_bp, total_cents) "
            "VALUES (?, ?, ?, ?, ?, ?, 1000, ?, ?, ?)",
            (line_id, now, now, site_hex, sale_id, pid, price, vat, price),
        )
        conn.execute(
            "INSERT INTO stock_movement (id, created_at, updated_at, site_id, product_id, kind, "
            "quantity_milli, occurred_at, sale_line_id, note) "
            "VALUES (?, ?, ?, ?, ?, 'sale', -1000, ?, ?, '')",
            (uuid.uuid4().hex, now, now, site_hex, pid, now, line_id),
        )
    payment_id = uuid.uuid4().hex
    conn.execute(
        "INSERT INTO payment (id, created_at, updated_at, site_id, amount_cents, method, "
        "paid_on, reference, sale_id) VALUES (?, ?, ?, ?, ?, 'cash', ?, '', ?)",
        (payment_id, now, now, site_hex, total, today, sale_id),
    )
    seq = head[0]
    for kind, ref in (("ticket", sale_id), ("payment", payment_id)):
        seq += 1
        conn.execute(
            "INSERT INTO till_journal (id, created_at, updated_at, site_id, seq, kind, "
            "occurred_at, actor, ref_id, number, amount_cents, payload, prev_hash, line_hash) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?, '{}', ?, ?)",
            (
                uuid.uuid4().hex,
                now,
                now,
                site_hex,
                seq,
                kind,
                now,
                ref,
                f"T{number:06d}",
                total,
                "0" * 64,
                "1" * 64,
            ),
        )
    conn.execute("COMMIT")


def interleaved(
    runs: int, work: Callable[[int], object], floor: Callable[[int], object]
) -> tuple[float, float]:
    work(-1)
    floor(-1)  # statements prepared, caches warm: not counted
    mine: list[float] = []
    base: list[float] = []
    for run in range(runs):
        for action, laps in ((floor, base), (work, mine)):
            started = time.perf_counter()
            action(run)
            laps.append((time.perf_counter() - started) * 1000)
    return statistics.median(mine), statistics.median(base)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, default=Path("/tmp/large.sqlite"))
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args(argv)
    if not args.db.exists():
        print(f"{args.db} absent : tiers-lieu --db {args.db} demo --scale large")
        return 2
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "scan-to-ticket.sqlite"
        started = time.perf_counter()
        encryption.copy_database(args.db, copy)
        print(f"copie de la base : {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        with build(str(copy)) as app:
            print(f"ouverture (migrations) : {time.perf_counter() - started:.1f} s")
            site_id, codes = busiest_till(app)
            with app.engine.connect() as conn:
                sales = conn.execute(select(func.count()).select_from(Sale)).scalar_one()
            print(f"{sales:,} ventes, {len(codes)} produits à code-barres dans le lieu")
            rng = random.Random(21)
            picks = [rng.sample(codes, LINES) for _ in range(args.runs + 1)]
            size = len(scan_to_ticket(app, site_id, picks[0]))
            print(f"ticket ESC/POS : {size} octets ({LINES} lignes, 42 colonnes)")
            raw = encryption.connect(copy)
            raw.isolation_level = None  # BEGIN/COMMIT written by hand
            try:
                mine, floor = interleaved(
                    args.runs,
                    lambda i: scan_to_ticket(app, site_id, picks[i + 1]),
                    lambda i: floor_sale(raw, site_id.hex, picks[i + 1]),
                )
            finally:
                raw.close()
            print(
                f"scan → vente → ticket ESC/POS (Dummy) : médiane {mine:.2f} ms "
                f"({args.runs} ventes)"
            )
            print(f"  plancher (sqlite3 : recherche par code-barres + INSERT) : {floor:.2f} ms")
            print(f"  rapport : {mine / floor:.1f}×")
            labels = {
                "scan": f"{LINES} × by_barcode",
                "record": "record (vente + journal)",
                "ticket": "lecture du ticket",
                "bytes": "mise en page + octets ESC/POS",
            }
            for name, label in labels.items():
                print(f"  dont {label} : {statistics.median(STAGES[name][1:]):.2f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
