"""The grocery corner of the demo: producers near and far, products with barcodes, and a
day-by-day simulation of receptions, sales and losses.

Stock is never stored, only summed from movements, so the simulation keeps a running level
per product and sells at most what is on the shelf: the sum of movements never goes below
zero, as the sale screen guarantees for real. Receptions carry a purchase price so that the
report's share of local purchases has something to weigh.

Sales are tickets as the till makes them: numbered in the order they were sold, continuing the
place's numbers, each with its till journal lines (ticket, then one per payment) chained after
the place's last line by :func:`~tiers_lieu.services.till.tickets.chain_tickets`, written in
bulk like the rest. No demo ticket is ever cancelled. The till is closed as a real place
closes it (:mod:`.till_closures`): a Z every evening with sales before the demo's today, each
month and year once over, their journal lines between the days' tickets.
"""

from __future__ import annotations

import uuid
from datetime import date, time, timedelta
from itertools import groupby
from operator import itemgetter
from typing import Any

from sqlmodel import col, select

from tiers_lieu.models import (
    Payment,
    Producer,
    Product,
    Sale,
    SaleLine,
    StockMovement,
    TillClosure,
    TillJournal,
)
from tiers_lieu.models.enums import PaymentMethod, ProductUnit, StockMovementKind
from tiers_lieu.services.amounts import line_total
from tiers_lieu.services.demo.activity import Clock
from tiers_lieu.services.demo.common import DemoContext, Weighted, poisson, uuid4_of
from tiers_lieu.services.demo.till_closures import (
    CLOSURE_COLUMNS,
    Z_AFTER_CLOSING,
    DemoClosure,
    TillBook,
)
from tiers_lieu.services.till.journal import Head
from tiers_lieu.services.till.tickets import (
    JOURNAL_COLUMNS,
    ChainedTicket,
    TicketLine,
    chain_start,
    chain_tickets,
)

# (name, commune, distance in km, what they supply, delivery weekday)
PRODUCERS: list[tuple[str, str, int, str, int]] = [
    ("GAEC des Combes", "Felletin", 3, "Légumes, œufs", 1),
    ("Ferme caprine du Mont", "Saint-Quentin-la-Chabanne", 8, "Fromages de chèvre", 2),
    ("Miellerie du plateau", "Gentioux-Pigerolles", 22, "Miel", 3),
    ("Brasserie de la Rozeille", "Moutier-Rozeille", 11, "Bières artisanales", 3),
    ("Fournil de la Creuse", "Felletin", 1, "Pain au levain", 0),
    ("Élevage limousin des Bordes", "Vallière", 15, "Viande bovine limousine", 4),
    ("Plateforme bio du Limousin", "Limoges", 95, "Épicerie sèche, produits d'hygiène", 2),
    ("Huilerie du Quercy", "Figeac", 190, "Huiles", 2),
]

# (name, category, unit, price, solidarity price, VAT bp, producer index, popularity)
PRODUCTS: list[tuple[str, str, str, int, int | None, int, int | None, int]] = [
    ("Œufs fermiers, boîte de 6", "Frais", ProductUnit.PIECE, 320, 220, 550, 0, 10),
    ("Pommes de terre", "Légumes", ProductUnit.KG, 250, 150, 550, 0, 8),
    ("Carottes", "Légumes", ProductUnit.KG, 280, 180, 550, 0, 6),
    ("Salade batavia", "Légumes", ProductUnit.PIECE, 150, None, 550, 0, 5),
    ("Crottin de chèvre", "Fromages", ProductUnit.PIECE, 280, None, 550, 1, 6),
    ("Tomme de chèvre", "Fromages", ProductUnit.KG, 2400, None, 550, 1, 2),
    ("Miel de bruyère 500 g", "Épicerie sucrée", ProductUnit.PIECE, 950, None, 550, 2, 3),
    ("Miel toutes fleurs 250 g", "Épicerie sucrée", ProductUnit.PIECE, 590, None, 550, 2, 3),
    ("Bière blonde 33 cl", "Boissons", ProductUnit.PIECE, 350, None, 2000, 3, 5),
    ("Bière ambrée 33 cl", "Boissons", ProductUnit.PIECE, 370, None, 2000, 3, 3),
    ("Pain de campagne 1 kg", "Boulangerie", ProductUnit.PIECE, 480, 300, 550, 4, 10),
    ("Baguette de tradition", "Boulangerie", ProductUnit.PIECE, 120, None, 550, 4, 12),
    ("Steak haché limousin ×2", "Boucherie", ProductUnit.PIECE, 690, None, 550, 5, 4),
    ("Colis pot-au-feu", "Boucherie", ProductUnit.KG, 1450, None, 550, 5, 1),
    ("Pâtes complètes 500 g", "Épicerie salée", ProductUnit.PIECE, 240, 150, 550, 6, 6),
    ("Riz long 1 kg", "Épicerie salée", ProductUnit.PIECE, 310, 200, 550, 6, 4),
    ("Lentilles vertes 500 g", "Épicerie salée", ProductUnit.PIECE, 290, 180, 550, 6, 3),
    ("Café moulu 250 g", "Épicerie sucrée", ProductUnit.PIECE, 490, None, 550, 6, 5),
    ("Chocolat noir 100 g", "Épicerie sucrée", ProductUnit.PIECE, 260, None, 550, 6, 4),
    ("Lait demi-écrémé", "Frais", ProductUnit.LITRE, 115, 80, 550, 6, 7),
    ("Savon de Marseille", "Hygiène", ProductUnit.PIECE, 350, None, 2000, 6, 2),
    ("Huile de tournesol", "Épicerie salée", ProductUnit.LITRE, 320, None, 550, 7, 2),
    ("Huile de noix 50 cl", "Épicerie salée", ProductUnit.PIECE, 890, None, 550, 7, 1),
    ("Sac cabas réutilisable", "Divers", ProductUnit.PIECE, 100, None, 2000, None, 2),
]
PERISHABLE = {"Frais", "Légumes", "Fromages", "Boulangerie", "Boucherie"}
METHODS = [PaymentMethod.CASH, PaymentMethod.CARD, PaymentMethod.CHEQUE, PaymentMethod.VOUCHER]
METHOD_WEIGHT = [45, 45, 3, 7]

# The columns of the simulation's rows, in the order it gives them (ids of movements and
# payments are drawn when they are written, as ``DemoContext.insert`` does).
SALE = ("id", "created_at", "sold_at", "total_cents", "person_id", "solidarity", "ticket_number")
SALE_LINE = (
    "id",
    "created_at",
    "sale_id",
    "product_id",
    "quantity_milli",
    "unit_price_cents",
    "vat_rate_bp",
    "total_cents",
)
MOVE = (
    "created_at",
    "product_id",
    "kind",
    "quantity_milli",
    "unit_cost_cents",
    "occurred_at",
    "sale_line_id",
    "note",
)
PAYMENT = ("id", "created_at", "amount_cents", "method", "paid_on", "sale_id", "reference")
# A journal line's id from the row it records (the sale's or the payment's): drawing them from
# the seeded generator would change every row the later generators make.
_JOURNAL_IDS = 0x7469_6C6C_2D6A_6F75_726E_616C_2D64_656D


def ean13(body: str) -> str:
    """``body`` (12 digits) followed by its EAN-13 check digit."""
    total = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(body))
    return body + str((10 - total % 10) % 10)


class _Shelf:
    """One product's running stock and what it takes to refill it."""

    def __init__(
        self,
        pid: uuid.UUID,
        spec: tuple[str, str, str, int, int | None, int, int | None, int],
        target: int,
        cost: int,
        delivery: int,
    ) -> None:
        self.id = pid
        self.name, self.category, self.unit, self.price, self.solidarity_price = spec[:5]
        self.vat = spec[5]
        self.popularity = spec[7]
        self.target = target
        self.cost = cost
        self.delivery = delivery
        self.stock = 0


def add_grocery(ctx: DemoContext) -> dict[str, uuid.UUID]:
    """Producers, products and the whole life of the shelves; returns producers by name."""
    rng = ctx.rng
    producers: dict[str, uuid.UUID] = {}
    producer_ids: list[uuid.UUID] = []
    rows: list[dict[str, Any]] = []
    for name, commune, distance, supplies, _weekday in PRODUCERS:
        pid = ctx.uid()
        producers[name] = pid
        producer_ids.append(pid)
        rows.append(
            {
                "id": pid,
                "name": name,
                "commune_name": commune,
                "distance_km": distance,
                "contact": name.split(" ")[0],
                "supplies": supplies,
                "phone": f"05 55 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
            }
        )
    ctx.insert(Producer, rows)

    shelves: list[_Shelf] = []
    products: list[dict[str, Any]] = []
    for index, spec in enumerate(PRODUCTS):
        name, category, unit, price, solidarity, vat, producer, popularity = spec
        pid = ctx.uid()
        local = producer is not None and PRODUCERS[producer][2] < 80
        barcode = ean13(
            f"2{index + 1:05d}{rng.randint(0, 999999):06d}"
            if local
            else f"376{rng.randint(0, 999999999):09d}"
        )
        target = (rng.randint(8, 25) if unit == ProductUnit.KG else rng.randint(12, 40)) * 1000
        delivery = PRODUCERS[producer][4] if producer is not None else 2
        shelves.append(_Shelf(pid, spec, target, round(price * rng.uniform(0.55, 0.7)), delivery))
        products.append(
            {
                "id": pid,
                "name": name,
                "category": category,
                "unit": unit,
                "price_cents": price,
                "solidarity_price_cents": solidarity,
                "vat_rate_bp": vat,
                "barcode": barcode,
                "producer_id": producer_ids[producer] if producer is not None else None,
                "alert_threshold_milli": target // 5,
                "favourite": popularity >= 8,
            }
        )
    ctx.insert(Product, products)
    _simulate(ctx, shelves)
    return producers


def _simulate(ctx: DemoContext, shelves: list[_Shelf]) -> None:
    rng = ctx.rng
    clock = Clock(ctx)
    # Tuples of the columns named below (SALE, SALE_LINE, MOVE, PAYMENT): no dict per row.
    # A sale: (id, sold_at, total, person, solidarity, ticket lines, payments' index range,
    # day on the place's clock).
    sales: list[tuple[Any, ...]] = []
    lines: list[tuple[Any, ...]] = []
    moves: list[tuple[Any, ...]] = []
    payments: list[tuple[Any, ...]] = []
    pick_shelves = Weighted.of(rng, shelves, [s.popularity for s in shelves]).many
    pick_size = Weighted.of(rng, [1, 2, 3, 4, 5], [35, 30, 18, 10, 7])
    pick_method = Weighted.of(rng, METHODS, METHOD_WEIGHT)
    buyers = [p for p in ctx.people if "coworker" not in p.kinds]
    opening = ctx.start - timedelta(days=1)
    for shelf in shelves:
        _receive(ctx, moves, shelf, opening, shelf.target)
    for day in ctx.open_days:
        for shelf in shelves:
            low = shelf.stock < shelf.target * 0.4
            if low and (day.weekday() == shelf.delivery or shelf.stock < shelf.target * 0.1):
                _receive(ctx, moves, shelf, day, shelf.target - shelf.stock)
        for _draw in range(poisson(rng, ctx.scale.sales_per_day * _season(day))):
            moment = clock.draw(ctx, day.weekday()) or time(11, 0)
            sold_at = ctx.at(day, moment)
            person = rng.choice(buyers) if buyers and rng.random() < 0.15 else None
            if person is not None and person.since > day:
                person = None
            solidarity = person is not None and rng.random() < 0.3
            sale_id = ctx.uid()
            total = 0
            size = pick_size()
            picked: list[_Shelf] = []
            ticket: list[TicketLine] = []
            for shelf in pick_shelves(size):
                if shelf not in picked:
                    picked.append(shelf)
            for shelf in picked:
                quantity = _quantity(rng, shelf)
                if shelf.unit == ProductUnit.KG:
                    quantity = min(quantity, shelf.stock)
                else:
                    quantity = min(quantity, shelf.stock // 1000 * 1000)
                if quantity <= 0:
                    continue
                shelf.stock -= quantity
                price = (
                    shelf.solidarity_price if solidarity and shelf.solidarity_price else shelf.price
                )
                amount = line_total(price, quantity)
                total += amount
                line_id = ctx.uid()
                lines.append(
                    (line_id, sold_at, sale_id, shelf.id, quantity, price, shelf.vat, amount)
                )
                ticket.append(TicketLine(shelf.name, quantity, price, shelf.vat, amount))
                moves.append(
                    (
                        sold_at,
                        shelf.id,
                        StockMovementKind.SALE,
                        -quantity,
                        None,
                        sold_at,
                        line_id,
                        "",
                    )
                )
            if total == 0:
                continue
            if person is not None:
                ctx.touch(person.id, day)
            first = len(payments)
            method = pick_method()
            if method == PaymentMethod.VOUCHER and total > 500:
                # A food voucher rarely covers the whole basket: the rest in cash.
                payments.append(_payment(sale_id, 500, PaymentMethod.VOUCHER, day, sold_at))
                payments.append(_payment(sale_id, total - 500, PaymentMethod.CASH, day, sold_at))
            else:
                payments.append(_payment(sale_id, total, method, day, sold_at))
            sales.append(
                (
                    sale_id,
                    sold_at,
                    total,
                    person.id if person else None,
                    solidarity,
                    ticket,
                    (first, len(payments)),
                    day,
                )
            )
        for shelf in shelves:
            if shelf.category in PERISHABLE and shelf.stock > 0 and rng.random() < 0.02:
                lost = min(shelf.stock, 1000 if shelf.unit != ProductUnit.KG else 500)
                shelf.stock -= lost
                stamp = ctx.at(day, time(18, 30))
                note = rng.choice(["Date dépassée", "Abîmé", "Casse"])
                moves.append(
                    (stamp, shelf.id, StockMovementKind.LOSS, -lost, shelf.cost, stamp, None, note)
                )
    _write_tickets(ctx, sales, lines, moves, payments)


def _write_tickets(
    ctx: DemoContext,
    sales: list[tuple[Any, ...]],
    lines: list[tuple[Any, ...]],
    moves: list[tuple[Any, ...]],
    payments: list[tuple[Any, ...]],
) -> None:
    """The sales numbered in the order they were sold (a day's were drawn in any order), then
    their lines, movements, payments and journal lines, in bulk; and the till's closures
    (:mod:`.till_closures`) between the days' tickets in the journal, when the place had no
    ticket before (a place that already sold has its own days to close, through the
    service)."""
    head, last_number = chain_start(ctx.conn, ctx.site_id)
    sales.sort(key=itemgetter(1))  # stable: one instant keeps the order drawn
    ctx.insert_rows(
        Sale,
        SALE,
        [
            (sale_id, sold_at, sold_at, total, person, solidarity, number)
            for number, (sale_id, sold_at, total, person, solidarity, _t, _p, _d) in enumerate(
                sales, start=last_number + 1
            )
        ],
    )
    ctx.insert_rows(SaleLine, SALE_LINE, lines)
    ctx.insert_rows(StockMovement, MOVE, moves)
    # Drawn here, in the payments' order, as the writer drew them when it made them itself.
    paid = [(ctx.uid(), *payment) for payment in payments]
    ctx.insert_rows(Payment, PAYMENT, paid)
    book = _till_book(ctx) if last_number == 0 else None
    journal: list[tuple[Any, ...]] = []
    closures: list[DemoClosure] = []

    def close(written: list[DemoClosure], after: Head) -> Head:
        """Their rows and journal lines, chained after ``after``; the new head."""
        for closure in written:
            line = closure.journal_line(ctx.site_id, after, uuid4_of(closure.id.int ^ _JOURNAL_IDS))
            journal.append(line)
            after = Head(line[2], line[11])
        closures.extend(written)
        return after

    numbered = enumerate(sales, start=last_number + 1)
    for day, of_day in groupby(numbered, key=lambda item: item[1][7]):
        tickets = [
            ChainedTicket(
                sale_id=sale_id,
                number=number,
                sold_at=sold_at,
                lines=ticket,
                total_cents=total,
                solidarity=solidarity,
                payments=[(p[0], p[3], p[2], p[6]) for p in paid[first:end]],
            )
            for number, (
                sale_id,
                sold_at,
                total,
                _person,
                solidarity,
                ticket,
                (first, end),
                _d,
            ) in of_day
        ]
        if book is not None:
            head = close(book.opening(day), head)
        journal.extend(
            chain_tickets(
                ctx.site_id,
                tickets,
                after=head,
                line_id=lambda ref: uuid4_of(ref.int ^ _JOURNAL_IDS),
            )
        )
        head = Head(journal[-1][2], journal[-1][11])
        if book is not None:
            head = close(book.closing(day, tickets), head)
    if book is not None:
        close(book.finish(), head)
    ctx.insert_rows(TillClosure, CLOSURE_COLUMNS, [c.row() for c in closures])
    ctx.insert_rows(TillJournal, JOURNAL_COLUMNS, journal)


def _till_book(ctx: DemoContext) -> TillBook | None:
    """The place's closures to come, ``None`` when it already has some (its numbers and grand
    total would have to follow them: its days are the service's to close)."""
    closed = ctx.conn.execute(
        select(TillClosure.id).where(col(TillClosure.site_id) == ctx.site_id).limit(1)
    ).first()
    if closed is not None:
        return None

    def closing_time(day: date) -> time:
        last = max((closes for _opens, closes in ctx.hours.get(day.weekday(), [])), default=None)
        return ctx.minutes(last or time(19, 0), Z_AFTER_CLOSING)

    return TillBook(ctx.site_id, today=ctx.today, local=ctx.at, closing_time=closing_time)


def _season(day: date) -> float:
    return {8: 0.7, 12: 1.15, 7: 1.1}.get(day.month, 1.0)


def _quantity(rng: Any, shelf: _Shelf) -> int:
    if shelf.unit == ProductUnit.KG:
        return rng.randint(2, 20) * 100
    if shelf.unit == ProductUnit.LITRE:
        return rng.choice([1000, 1000, 2000])
    return rng.choice([1000, 1000, 1000, 2000, 3000])


def _receive(
    ctx: DemoContext, moves: list[tuple[Any, ...]], shelf: _Shelf, day: date, quantity: int
) -> None:
    if shelf.unit != ProductUnit.KG:
        quantity = quantity // 1000 * 1000
    if quantity <= 0:
        return
    shelf.stock += quantity
    stamp = ctx.at(day, time(8, 30))
    moves.append(
        (
            stamp,
            shelf.id,
            StockMovementKind.RECEPTION,
            quantity,
            shelf.cost,
            stamp,
            None,
            "Livraison",
        )
    )


def _payment(
    sale_id: uuid.UUID, amount: int, method: str, day: date, stamp: Any
) -> tuple[Any, ...]:
    return (stamp, amount, method, day, sale_id, "")
