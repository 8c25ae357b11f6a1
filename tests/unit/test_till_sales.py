"""The inalterable till's side of a sale (issue 21): ticket numbers continuous per place, a
cancellation as a reversing ticket, the database refusing any change to a numbered ticket,
numbers that survive SIGKILL without gap or double, the demo's tickets and journal, and
tickets travelling whole in a bundle."""

from __future__ import annotations

import json
import os
import queue
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DBAPIError

from tiers_lieu.app import Comptoir, build
from tiers_lieu.errors import ConflictError
from tiers_lieu.models import (
    AuditEntry,
    Payment,
    Person,
    Sale,
    SaleLine,
    StockMovement,
    TillJournal,
)
from tiers_lieu.models.enums import JournalKind, Role
from tiers_lieu.services.access import AccessDeniedError
from tiers_lieu.services.bundles import merge
from tiers_lieu.services.bundles.placekeys import PlaceKeyService, PublicKeyFile
from tiers_lieu.services.grocery.products import ProductFields, ProductInfo
from tiers_lieu.services.grocery.sales import LineInput, PaymentInput, SaleInfo
from tiers_lieu.services.people import PersonInput
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.services.till.chain import GENESIS, canonical, line_hash
from tiers_lieu.services.till.journal import Head
from tiers_lieu.services.till.tickets import ChainedTicket, TicketLine, chain_tickets

PASSWORD = "tilleul-2026"
_SALES = Sale.__table__  # type: ignore[attr-defined]
_LINES = SaleLine.__table__  # type: ignore[attr-defined]
_PAYMENTS = Payment.__table__  # type: ignore[attr-defined]
_JOURNAL = TillJournal.__table__  # type: ignore[attr-defined]


def shelf(app: Comptoir, site_id: uuid.UUID, name: str, price: int, **kw: Any) -> ProductInfo:
    product = app.grocery.products.create(
        site_id, ProductFields(name=name, price_cents=price, **kw)
    )
    app.grocery.stock.receive(
        site_id=site_id, product_id=product.id, quantity_milli=100_000, unit_cost_cents=None
    )
    return product


def sell(app: Comptoir, site_id: uuid.UUID, product: ProductInfo, units: int = 1) -> SaleInfo:
    total = product.price_cents * units
    return app.grocery.sales.record(
        site_id=site_id,
        lines=[LineInput(product.id, units * 1000)],
        payments=[PaymentInput("card", total)],
    )


def journal(app: Comptoir, site_id: uuid.UUID) -> list[Any]:
    with app.engine.connect() as connection:
        return list(
            connection.execute(
                select(_JOURNAL).where(_JOURNAL.c.site_id == site_id).order_by(_JOURNAL.c.seq)
            )
        )


def chain_problems(lines: list[Any]) -> list[str]:
    """Every line of a place's journal chained to the one before, from seq 1 (own check)."""
    problems = []
    previous = GENESIS
    for expected_seq, line in enumerate(lines, start=1):
        digest = line_hash(
            prev_hash=previous,
            seq=line.seq,
            line_id=line.id,
            site_id=line.site_id,
            kind=line.kind,
            occurred_at=line.occurred_at,
            actor=line.actor,
            ref_id=line.ref_id,
            number=line.number,
            amount_cents=line.amount_cents,
            payload=line.payload,
        )
        if line.seq != expected_seq or line.prev_hash != previous or line.line_hash != digest:
            problems.append(f"line {line.seq}")
        previous = line.line_hash
    return problems


# -- numbers ---------------------------------------------------------------------------------


def test_numbers_are_continuous_per_place_and_independent_between_places(
    app: Comptoir, site: SiteInfo
) -> None:
    other = app.sites.init_site(name="La Manufacture", commune_name="Aubusson")
    bread = shelf(app, site.id, "Pain", 480)
    honey = shelf(app, other.id, "Miel", 950)
    numbers: dict[uuid.UUID, list[int | None]] = {site.id: [], other.id: []}
    for place, product in [(site.id, bread), (other.id, honey)] * 3 + [(site.id, bread)]:
        numbers[place].append(sell(app, place, product).ticket_number)
    assert numbers == {site.id: [1, 2, 3, 4], other.id: [1, 2, 3]}
    for place, count in ((site.id, 4), (other.id, 3)):
        lines = journal(app, place)
        assert chain_problems(lines) == []
        tickets = [line.number for line in lines if line.kind == JournalKind.TICKET]
        assert tickets == [f"T{n:06d}" for n in range(1, count + 1)]
        assert [line.kind for line in lines[:2]] == ["ticket", "payment"]


# -- reversal --------------------------------------------------------------------------------


def test_a_reversing_ticket_negates_the_original_and_refunds_by_its_methods(
    app: Comptoir, site: SiteInfo
) -> None:
    beer = shelf(app, site.id, "Bière blonde", 350, vat_rate_bp=2000)
    carrots = shelf(app, site.id, "Carottes", 280, unit="kg", vat_rate_bp=550)
    buyer = app.people.create(site.id, PersonInput(first_name="Lucie", last_name="Aubert"))
    sale = app.grocery.sales.record(
        site_id=site.id,
        lines=[LineInput(beer.id, 2000), LineInput(carrots.id, 1250)],
        payments=[PaymentInput("voucher", 500), PaymentInput("cash", 1000)],
        person_id=buyer.id,
    )
    # 2 × 3,50 € + 1,25 kg × 2,80 € = 10,50 €; 5 € voucher, 10 € cash → 4,50 € back.
    assert (sale.ticket_number, sale.total_cents, sale.change_cents) == (1, 1050, 450)
    before = journal(app, site.id)

    reversal = app.grocery.sales.cancel(sale.id)

    assert (reversal.ticket_number, reversal.total_cents) == (2, -1050)
    assert (reversal.reverses_id, reversal.reverses_number) == (sale.id, 1)
    assert [
        (line.product_name, line.quantity_milli, line.unit_price_cents, line.vat_rate_bp)
        for line in reversal.lines
    ] == [("Bière blonde", -2000, 350, 2000), ("Carottes", -1250, 280, 550)]
    assert [line.total_cents for line in reversal.lines] == [-700, -350]
    assert [(p.method, p.amount_cents) for p in reversal.payments] == [
        ("voucher", -500),
        ("cash", -550),
    ]
    assert reversal.person_id == buyer.id
    assert app.grocery.sales.get(reversal.id) == reversal
    original = app.grocery.sales.get(sale.id)
    assert (original.total_cents, original.ticket_number, original.cancelled_at) == (1050, 1, None)
    assert (original.reversed_by_id, original.reversed_by_number) == (reversal.id, 2)
    assert app.grocery.stock.level(beer.id) == 100_000
    assert app.grocery.stock.level(carrots.id) == 100_000

    with app.engine.connect() as connection:
        assert (
            connection.execute(
                select(_PAYMENTS.c.id).where(_PAYMENTS.c.sale_id == reversal.id)
            ).all()
            == []
        )  # the refund is no payment row: the journal says it
        moves = connection.execute(
            select(StockMovement.quantity_milli).where(  # type: ignore[call-overload]
                StockMovement.sale_line_id.in_([line.id for line in reversal.lines])  # type: ignore[union-attr]
            )
        ).scalars()
        assert sorted(moves) == [1250, 2000]
        audit = connection.execute(
            select(AuditEntry.action, AuditEntry.details).where(  # type: ignore[call-overload]
                AuditEntry.entity == "sale", AuditEntry.entity_id == sale.id
            )
        ).all()
    assert [(a, json.loads(d)["reversal_ticket"]) for a, d in audit] == [("delete", 2)]

    lines = journal(app, site.id)
    assert lines[: len(before)] == before  # nothing written before changes
    added = lines[len(before) :]
    assert chain_problems(lines) == []
    assert [(line.kind, line.number, line.amount_cents) for line in added] == [
        ("reversal", "T000002", -1050),
        ("payment", "T000002", -500),
        ("payment", "T000002", -550),
    ]
    payload = json.loads(added[0].payload)
    assert (payload["reverses"], payload["reverses_ticket"], payload["total_cents"]) == (
        str(sale.id),
        1,
        -1050,
    )
    assert payload["lines"] == [
        ["Bière blonde", -2000, 350, 2000, -700],
        ["Carottes", -1250, 280, 550, -350],
    ]
    assert payload["vat"] == {"550": [-350, -18], "2000": [-700, -117]}
    assert [json.loads(line.payload)["method"] for line in added[1:]] == ["voucher", "cash"]


def test_a_buyers_page_names_the_cancellation(app: Comptoir, site: SiteInfo) -> None:
    bread = shelf(app, site.id, "Pain", 480)
    buyer = app.people.create(site.id, PersonInput(first_name="Lucie", last_name="Aubert"))
    sale = app.grocery.sales.record(
        site_id=site.id,
        lines=[LineInput(bread.id, 1000)],
        payments=[PaymentInput("cash", 480)],
        person_id=buyer.id,
    )
    app.grocery.sales.cancel(sale.id)
    page = app.people.person_page(buyer.id, include_assistance=False)
    assert sorted((line.what, line.detail) for line in page.purchases) == [
        ("Achat", "4,80\u00a0€"),
        ("Annulation d'achat", "-4,80\u00a0€"),
    ]


def test_a_reversal_and_a_reversed_sale_are_not_cancelled_again(
    app: Comptoir, site: SiteInfo
) -> None:
    bread = shelf(app, site.id, "Pain", 480)
    sale = sell(app, site.id, bread)
    reversal = app.grocery.sales.cancel(sale.id)
    lines = len(journal(app, site.id))
    with pytest.raises(ConflictError, match="déjà annulée par le ticket T000002"):
        app.grocery.sales.cancel(sale.id)
    with pytest.raises(ConflictError, match="déjà une annulation"):
        app.grocery.sales.cancel(reversal.id)
    assert len(journal(app, site.id)) == lines
    assert sell(app, site.id, bread).ticket_number == 3  # no number was used up


def test_a_sale_cancelled_before_the_inalterable_till_is_not_reversed(
    app: Comptoir, site: SiteInfo
) -> None:
    """Sales cancelled the old way (``cancelled_at``, before migration 0012) stay so."""
    bread = shelf(app, site.id, "Pain", 480)
    sale = sell(app, site.id, bread)
    with app.engine.begin() as connection:  # what 0012 found: a legacy cancelled sale
        connection.execute(text("DROP TRIGGER sale_ticket_no_update"))
        connection.execute(
            update(_SALES).where(_SALES.c.id == sale.id).values(cancelled_at=sale.sold_at)
        )
    with pytest.raises(ConflictError, match="déjà annulée"):
        app.grocery.sales.cancel(sale.id)


def test_a_volunteer_may_sell_but_not_cancel(app: Comptoir, site: SiteInfo) -> None:
    bread = shelf(app, site.id, "Pain", 480)
    volunteer = app.accounts.create_user(
        username="benevole", display_name="Bénévole", password=PASSWORD, role=Role.VOLUNTEER
    )
    host = app.accounts.create_user(
        username="hote", display_name="Hôte", password=PASSWORD, role=Role.HOST
    )
    app.access.sign_in(volunteer)
    sale = sell(app, site.id, bread)
    with pytest.raises(AccessDeniedError):
        app.grocery.sales.cancel(sale.id)
    assert app.grocery.sales.get(sale.id).reversed_by_id is None
    app.access.sign_in(host)
    reversal = app.grocery.sales.cancel(sale.id)
    assert journal(app, site.id)[-2].actor == "Hôte"
    assert reversal.ticket_number == 2


# -- guards ----------------------------------------------------------------------------------


@pytest.fixture(params=["sqlite", "postgresql"])
def any_app(request: pytest.FixtureRequest, db_path: Path) -> Iterator[Comptoir]:
    url = str(db_path) if request.param == "sqlite" else request.getfixturevalue("pg_url")
    app = build(url)
    yield app
    app.close()


def refused(app: Comptoir, statement: Any) -> str:
    """The database's refusal of ``statement`` (nothing changed), as its message."""
    with pytest.raises(DBAPIError) as caught, app.engine.begin() as connection:
        connection.execute(statement)
    return str(caught.value.orig)


def test_the_database_refuses_to_change_or_delete_a_numbered_ticket(any_app: Comptoir) -> None:
    app = any_app
    site = app.sites.init_site(name="Le Comptoir", commune_name="Felletin")
    bread = shelf(app, site.id, "Pain", 480)
    buyer = app.people.create(site.id, PersonInput(first_name="Jean", last_name="Rigaud"))
    sale = app.grocery.sales.record(
        site_id=site.id,
        lines=[LineInput(bread.id, 1000)],
        payments=[PaymentInput("cash", 480)],
        person_id=buyer.id,
    )
    reversal = app.grocery.sales.cancel(sale.id)
    line_id = sale.lines[0].id
    with app.engine.connect() as connection:
        payment_id = connection.execute(
            select(_PAYMENTS.c.id).where(_PAYMENTS.c.sale_id == sale.id)
        ).scalar_one()
    changed = "a numbered ticket is never changed"
    deleted = "a numbered ticket is never deleted"
    for ticket, other in ((sale.id, reversal.id), (reversal.id, None)):
        where = _SALES.c.id == ticket
        assert changed in refused(app, update(_SALES).where(where).values(total_cents=1))
        assert changed in refused(app, update(_SALES).where(where).values(ticket_number=99))
        assert changed in refused(app, update(_SALES).where(where).values(reverses_id=other))
        assert deleted in refused(app, delete(_SALES).where(where))
    line = _LINES.c.id == line_id
    assert changed in refused(app, update(_LINES).where(line).values(quantity_milli=1))
    assert changed in refused(app, update(_LINES).where(line).values(total_cents=0))
    assert deleted in refused(app, delete(_LINES).where(line))
    paid = _PAYMENTS.c.id == payment_id
    assert changed in refused(app, update(_PAYMENTS).where(paid).values(amount_cents=1))
    assert changed in refused(app, update(_PAYMENTS).where(paid).values(method="card"))
    assert deleted in refused(app, delete(_PAYMENTS).where(paid))
    assert "append-only" in refused(app, delete(_JOURNAL).where(_JOURNAL.c.site_id == site.id))
    assert app.grocery.sales.get(sale.id).total_cents == 480

    # The buyer's erasure anonymises them and keeps the link; a merge moves it; the link
    # itself may be emptied (what the person row's deletion does by ON DELETE SET NULL).
    app.privacy.erase(person_id=buyer.id)
    assert app.grocery.sales.get(sale.id).person_id == buyer.id
    with app.uow() as uow:
        person = uow.session.get(Person, buyer.id)
        assert person is not None and person.anonymized_at is not None
    anne = app.people.create(site.id, PersonInput(first_name="Anne", last_name="Rigaud"))
    again = app.grocery.sales.record(
        site_id=site.id,
        lines=[LineInput(bread.id, 1000)],
        payments=[PaymentInput("cash", 480)],
        person_id=anne.id,
    )
    kept = app.people.create(site.id, PersonInput(first_name="Anne", last_name="RIGAUD"))
    app.people.merge(keep_id=kept.id, merge_id=anne.id)
    assert app.grocery.sales.get(again.id).person_id == kept.id
    with app.engine.begin() as connection:
        connection.execute(update(_SALES).where(_SALES.c.site_id == site.id).values(person_id=None))
    assert app.grocery.sales.get(sale.id).person_id is None
    assert app.grocery.sales.get(sale.id).total_cents == 480


# -- SIGKILL ---------------------------------------------------------------------------------

# A fork server (Comptoir imported once): for each « run » line it forks a till that records
# sales (and cancels every fifth one) on the file base until it is killed, saying each
# committed ticket number with one unbuffered write.
_TILL = textwrap.dedent(
    """
    import os, sys, uuid
    db, site, product = sys.argv[1], uuid.UUID(sys.argv[2]), uuid.UUID(sys.argv[3])
    import tiers_lieu.app

    def say(line):
        os.write(1, (line + "\\n").encode())

    say("ready")
    for command in sys.stdin:
        if command.strip() != "run":
            break
        pid = os.fork()
        if pid == 0:
            try:
                from tiers_lieu.services.grocery.sales import LineInput, PaymentInput
                app = tiers_lieu.app.build(db)
                step = 0
                while True:
                    step += 1
                    sale = app.grocery.sales.record(
                        site_id=site,
                        lines=[LineInput(product, 1000)],
                        payments=[PaymentInput("cash", 100)],
                        confirm_beyond_stock=True,
                    )
                    say(f"sold {sale.ticket_number}")
                    if step % 5 == 0:
                        say(f"sold {app.grocery.sales.cancel(sale.id).ticket_number}")
            except BaseException as error:
                say(f"error {type(error).__name__}: {error}")
            finally:
                os._exit(1)
        say(f"started {pid}")
        os.waitpid(pid, 0)
        say(f"ended {pid}")
    """
)
ROUNDS = 8


class _Till:
    def __init__(self, args: list[str]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", _TILL, *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        assert self.next_line(120) == "ready"

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def next_line(self, timeout: float = 60) -> str:
        return self.lines.get(timeout=timeout)

    def run_and_kill(self, after: int) -> list[int]:
        """A till killed as soon as it said ``after`` numbers: every number it said."""
        assert self.process.stdin is not None
        self.process.stdin.write("run\n")
        self.process.stdin.flush()
        started = self.next_line()
        assert started.startswith("started "), started
        pid = int(started.split()[1])
        said: list[int] = []
        while len(said) < after:
            line = self.next_line()
            assert line.startswith("sold "), line
            said.append(int(line.split()[1]))
        os.kill(pid, signal.SIGKILL)  # in the middle of the next sale, wherever it is
        while (line := self.next_line()) != f"ended {pid}":
            assert line.startswith("sold "), line
            said.append(int(line.split()[1]))
        return said

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=30)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork() est nécessaire")
def test_numbers_survive_sigkill_without_gap_or_double(
    app: Comptoir, site: SiteInfo, db_path: Path
) -> None:
    product = shelf(app, site.id, "Pain", 100)
    app.close()  # this process only reads between the kills
    till = _Till([str(db_path), str(site.id), str(product.id)])
    rng = random.Random(21)
    said: set[int] = set()
    try:
        for round_ in range(1, ROUNDS + 1):
            said |= set(till.run_and_kill(rng.randint(1, 12)))
            with build(str(db_path)) as reader, reader.engine.connect() as connection:
                numbers = sorted(
                    connection.execute(
                        select(_SALES.c.ticket_number).where(_SALES.c.site_id == site.id)
                    ).scalars()
                )
                assert numbers == list(range(1, len(numbers) + 1)), f"tour {round_}"
                assert said <= set(numbers), f"tickets perdus au tour {round_}"
                # The sale in flight at the kill may have committed before saying so.
                assert len(set(numbers) - said) <= 1, f"tour {round_}"
                said |= set(numbers)
                tickets = {
                    row.ref_id: row.number
                    for row in connection.execute(
                        select(_JOURNAL.c.ref_id, _JOURNAL.c.number).where(
                            _JOURNAL.c.site_id == site.id,
                            _JOURNAL.c.kind.in_([JournalKind.TICKET, JournalKind.REVERSAL]),
                        )
                    )
                }
                sales: dict[uuid.UUID, int] = dict(
                    connection.execute(
                        select(_SALES.c.id, _SALES.c.ticket_number).where(
                            _SALES.c.site_id == site.id
                        )
                    ).all()
                )
                assert tickets == {i: f"T{n:06d}" for i, n in sales.items()}, f"tour {round_}"
                assert chain_problems(journal(reader, site.id)) == [], f"tour {round_}"
    finally:
        till.close()
    assert len(said) > ROUNDS


# -- the demo and the bulk chain ---------------------------------------------------------


def test_chain_tickets_writes_the_lines_the_service_writes(app: Comptoir, site: SiteInfo) -> None:
    eggs = shelf(app, site.id, "Œufs « plein air »", 320)
    beer = shelf(app, site.id, 'Bière "IPA"', 350, vat_rate_bp=2000)
    recorded = [
        app.grocery.sales.record(
            site_id=site.id,
            lines=[LineInput(eggs.id, 1000 * (n + 1)), LineInput(beer.id, 1000)],
            payments=[
                PaymentInput("voucher", 300, reference=f"Bon n°{n}"),
                PaymentInput("cash", 2000),
            ],
        )
        for n in range(3)
    ]
    reversal = app.grocery.sales.cancel(recorded[1].id)
    written = journal(app, site.id)
    ids = iter([line.id for line in written])  # a reversal's payment lines share refs
    with app.engine.connect() as connection:
        payments = {
            sale_id: [(p.id, p.method, p.amount_cents, p.reference) for p in rows]
            for sale_id in (s.id for s in recorded)
            if (
                rows := connection.execute(
                    select(_PAYMENTS)
                    .where(_PAYMENTS.c.sale_id == sale_id)
                    .order_by(_PAYMENTS.c.created_at, _PAYMENTS.c.id)
                ).all()
            )
        }
    tickets = [
        ChainedTicket(
            sale_id=info.id,
            number=info.ticket_number or 0,
            sold_at=info.sold_at,
            lines=[
                TicketLine(
                    line.product_name,
                    line.quantity_milli,
                    line.unit_price_cents,
                    line.vat_rate_bp,
                    line.total_cents,
                )
                for line in info.lines
            ],
            total_cents=info.total_cents,
            solidarity=info.solidarity,
            payments=payments[info.reverses_id or info.id],
            reverses_id=info.reverses_id,
            reversed_number=info.reverses_number,
        )
        for info in (*recorded, reversal)
    ]
    built = list(
        chain_tickets(
            site.id,
            tickets,
            after=Head(0, GENESIS),
            line_id=lambda _ref: next(ids),
        )
    )
    assert [(row[2], row[3], row[7], row[8], row[9], row[10], row[11]) for row in built] == [
        (w.seq, w.kind, w.number, w.amount_cents, w.payload, w.prev_hash, w.line_hash)
        for w in written
    ]
    assert {row[5] for row in built} == {w.actor for w in written} == {"Système"}
    assert all(w.payload == canonical(json.loads(w.payload)) for w in written)


@pytest.fixture(scope="module")
def demo_db(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from datetime import date

    path = tmp_path_factory.mktemp("demo-till") / "demo.sqlite"
    shutil.copyfile(template_db, path)
    with build(str(path)) as app:
        app.demo.generate(scale="small", seed=4, today=date(2026, 11, 30))
    return path


def test_demo_tickets_are_numbered_in_sale_order_with_their_journal(demo_app: Comptoir) -> None:
    from tiers_lieu.services.till.verify import verify

    site = demo_app.sites.list_sites()[0]
    with demo_app.engine.connect() as connection:
        sales = connection.execute(
            select(_SALES.c.id, _SALES.c.ticket_number, _SALES.c.sold_at, _SALES.c.total_cents)
            .where(_SALES.c.site_id == site.id)
            .order_by(_SALES.c.ticket_number)
        ).all()
        reversals = connection.execute(
            select(_SALES.c.id).where(_SALES.c.reverses_id.is_not(None))
        ).all()
        paid = connection.execute(
            select(_PAYMENTS.c.id, _PAYMENTS.c.amount_cents).where(_PAYMENTS.c.sale_id.is_not(None))
        ).all()
    assert len(sales) > 300 and reversals == []  # no demo ticket is cancelled
    assert [s.ticket_number for s in sales] == list(range(1, len(sales) + 1))
    assert [s.sold_at for s in sales] == sorted(s.sold_at for s in sales)
    lines = journal(demo_app, site.id)
    assert chain_problems(lines) == []
    tickets = [line for line in lines if line.kind == JournalKind.TICKET]
    assert [(t.ref_id, t.number, t.amount_cents, t.occurred_at) for t in tickets] == [
        (s.id, f"T{s.ticket_number:06d}", s.total_cents, s.sold_at) for s in sales
    ]
    payments = {line.ref_id: line.amount_cents for line in lines if line.kind == "payment"}
    assert payments == dict(paid)
    closures = sum(line.kind == JournalKind.CLOSURE for line in lines)  # test_till_demo.py
    assert len(lines) == len(sales) + len(paid) + closures
    assert verify(demo_app.uow).intact


def test_the_demo_continues_a_place_that_already_sold(app: Comptoir, site: SiteInfo) -> None:
    from datetime import date

    bread = shelf(app, site.id, "Pain", 480)
    sell(app, site.id, bread)
    app.demo.generate(scale="small", seed=2, site_name=site.name, today=date(2026, 11, 30))
    lines = journal(app, site.id)
    assert chain_problems(lines) == []
    with app.engine.connect() as connection:
        numbers = sorted(
            connection.execute(
                select(_SALES.c.ticket_number).where(_SALES.c.site_id == site.id)
            ).scalars()
        )
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) > 100


# -- bundles ---------------------------------------------------------------------------------


@pytest.fixture(params=["sqlite", "postgresql"])
def coordination(
    request: pytest.FixtureRequest, template_db: Path, tmp_path: Path
) -> Iterator[Comptoir]:
    if request.param == "sqlite":
        target = tmp_path / "coordination.sqlite"
        shutil.copyfile(template_db, target)
        url = str(target)
    else:
        url = request.getfixturevalue("pg_url")
    app = build(url)
    yield app
    app.close()


def rows_of(app: Comptoir, site_id: uuid.UUID) -> dict[str, list[tuple[Any, ...]]]:
    found: dict[str, list[tuple[Any, ...]]] = {}
    with app.engine.connect() as connection:
        for table in (_SALES, _LINES, _PAYMENTS, _JOURNAL):
            found[table.name] = sorted(
                tuple(row)
                for row in connection.execute(select(table).where(table.c.site_id == site_id))
            )
    return found


def test_tickets_and_reversals_travel_whole_in_a_bundle(
    coordination: Comptoir,
    template_db: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    desk_file = tmp_path / "felletin.sqlite"
    shutil.copyfile(template_db, desk_file)
    with build(str(desk_file)) as desk:
        place = desk.sites.init_site(name="Le Comptoir", commune_name="Felletin")
        bread = shelf(desk, place.id, "Pain", 480)
        # A reversal whose id sorts before its original's: by id, it would come first.
        for _attempt in range(30):
            sale = sell(desk, place.id, bread, 2)
            reversal = desk.grocery.sales.cancel(sale.id)
            if reversal.id < sale.id:
                break
        assert reversal.id < sale.id
        sell(desk, place.id, bread)
        bundle = tmp_path / "felletin.bundle"
        desk.bundles.export_bundle(place.id, bundle, since=None, mode="full")
        key = PlaceKeyService(desk.uow).own_key(place.id)
        expected = rows_of(desk, place.id)
        later = sell(desk, place.id, bread)
        last = desk.grocery.sales.cancel(later.id)
        second = tmp_path / "felletin-2.bundle"
        desk.bundles.export_bundle(place.id, second, since=None, mode="full")
        expected_after = rows_of(desk, place.id)

    PlaceKeyService(coordination.uow).trust(
        PublicKeyFile(place.id, key.label, key.public_key, key.fingerprint)
    )
    monkeypatch.setattr(merge, "BATCH", 3)  # originals and reversals in separate batches
    coordination.bundles.import_bundle(bundle)
    assert rows_of(coordination, place.id) == expected
    coordination.bundles.import_bundle(second)  # the same rows again, and two more tickets
    assert rows_of(coordination, place.id) == expected_after
    assert coordination.grocery.sales.get(last.id).reverses_number == later.ticket_number
    assert chain_problems(journal(coordination, place.id)) == []
