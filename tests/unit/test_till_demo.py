"""The demo closes its till as a real place does (issue 21): a Z every evening with sales
before its "today", each month and year once over, written in bulk
(:mod:`tiers_lieu.services.demo.till_closures`) exactly as the closures service writes them;
the journal chain stays whole and today stays open for the desk to sell."""

from __future__ import annotations

import json
import shutil
import uuid
from datetime import UTC, date, datetime, time
from itertools import groupby
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from tiers_lieu.app import Comptoir, build
from tiers_lieu.errors import ConflictError
from tiers_lieu.models import Payment, Sale, TillClosure, TillJournal
from tiers_lieu.models.enums import JournalKind
from tiers_lieu.services.demo.till_closures import DemoClosure, TillBook
from tiers_lieu.services.grocery import sales as sales_module
from tiers_lieu.services.grocery.products import ProductFields, ProductInfo
from tiers_lieu.services.grocery.sales import LineInput, PaymentInput, SaleInfo
from tiers_lieu.services.people import PersonInput
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.services.till import closures as closures_module
from tiers_lieu.services.till.chain import canonical
from tiers_lieu.services.till.closures import closure_payload
from tiers_lieu.services.till.tickets import ChainedTicket, TicketLine

_SALES = Sale.__table__  # type: ignore[attr-defined]
_PAYMENTS = Payment.__table__  # type: ignore[attr-defined]
_CLOSURES = TillClosure.__table__  # type: ignore[attr-defined]
_JOURNAL = TillJournal.__table__  # type: ignore[attr-defined]
PARIS = ZoneInfo("Europe/Paris")
FIGURES = (
    "kind",
    "number",
    "period_start",
    "period_end",
    "first_ticket",
    "last_ticket",
    "tickets",
    "reversals",
    "total_cents",
    "reversed_cents",
    "grand_total_cents",
    "totals",
)


def product(app: Comptoir, site: SiteInfo, name: str, price: int, **kw: Any) -> ProductInfo:
    made = app.grocery.products.create(site.id, ProductFields(name=name, price_cents=price, **kw))
    app.grocery.stock.receive(
        site_id=site.id, product_id=made.id, quantity_milli=100_000, unit_cost_cents=None
    )
    return made


def paris(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=PARIS).astimezone(UTC)


def test_demo_closures_are_the_ones_the_service_writes(
    app: Comptoir, site: SiteInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    def now(moment: datetime) -> None:
        monkeypatch.setattr(sales_module, "utcnow", lambda: moment)
        monkeypatch.setattr(closures_module, "utcnow", lambda: moment)

    eggs = product(app, site, "Œufs « plein air »", 320, solidarity_price_cents=220)
    beer = product(app, site, "Bière blonde", 350, vat_rate_bp=2000)
    carrots = product(app, site, "Carottes", 280, unit="kg")
    buyer = app.people.create(site.id, PersonInput(first_name="Lucie", last_name="Aubert"))

    def sell(at: datetime, lines: list[LineInput], pay: list[PaymentInput], **kw: Any) -> SaleInfo:
        now(at)
        return app.grocery.sales.record(site_id=site.id, lines=lines, payments=pay, **kw)

    made: list[SaleInfo] = []
    day = date(2025, 12, 30)
    made.append(sell(paris(day, 10), [LineInput(eggs.id, 2000)], [PaymentInput("cash", 640)]))
    made.append(
        sell(
            paris(day, 18, 30),
            [LineInput(beer.id, 2000), LineInput(carrots.id, 1250)],
            [PaymentInput("voucher", 500), PaymentInput("cash", 550)],
        )
    )
    day = date(2025, 12, 31)
    made.append(
        sell(
            paris(day, 9, 15),
            [LineInput(eggs.id, 1000)],
            [PaymentInput("card", 220)],
            person_id=buyer.id,
            solidarity=True,
        )
    )
    now(paris(day, 11))
    made.append(app.grocery.sales.cancel(made[1].id))  # yesterday's basket handed back
    day = date(2026, 1, 2)
    made.append(
        sell(
            paris(day, 23, 30),  # late: the place's day, not UTC's
            [LineInput(beer.id, 3000), LineInput(eggs.id, 1000)],
            [PaymentInput("card", 1370)],
        )
    )
    day = date(2026, 1, 5)
    made.append(sell(paris(day, 10), [LineInput(beer.id, 1000)], [PaymentInput("cheque", 350)]))
    now(paris(day, 10, 5))
    made.append(app.grocery.sales.cancel(made[-1].id))  # the same day
    made.append(sell(paris(day, 16), [LineInput(carrots.id, 500)], [PaymentInput("cash", 140)]))
    made.append(
        sell(paris(date(2026, 2, 3), 12), [LineInput(eggs.id, 1000)], [PaymentInput("card", 320)])
    )
    today = date(2026, 2, 10)

    # The service, as a coordinator would close on the 10th of February: the year 2025 (its
    # days and December first), January, then the 3rd of February (the days that sold).
    now(paris(today, 12))
    app.till_closures.close_year(site_id=site.id, year=2025)
    app.till_closures.close_month(site_id=site.id, year=2026, month=1)
    app.till_closures.close_day(site_id=site.id, day=date(2026, 2, 3))
    with app.engine.connect() as connection:
        stored = {
            (row.kind, row.number): row
            for row in connection.execute(select(_CLOSURES).where(_CLOSURES.c.site_id == site.id))
        }
        lines = {
            row.ref_id: row
            for row in connection.execute(
                select(_JOURNAL).where(_JOURNAL.c.kind == str(JournalKind.CLOSURE))
            )
        }
        paid: dict[uuid.UUID, list[tuple[uuid.UUID, str, int, str]]] = {}
        for p in connection.execute(
            select(_PAYMENTS).order_by(_PAYMENTS.c.created_at, _PAYMENTS.c.id)
        ):
            paid.setdefault(p.sale_id, []).append((p.id, p.method, p.amount_cents, p.reference))
    assert sorted(stored) == [
        ("day", 1),
        ("day", 2),
        ("day", 3),
        ("day", 4),
        ("day", 5),
        ("month", 1),
        ("month", 2),
        ("year", 1),
    ]

    # The demo's book, fed the same tickets day by day.
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
            payments=paid[info.reverses_id or info.id],
            reverses_id=info.reverses_id,
            reversed_number=info.reverses_number,
        )
        for info in made
    ]
    book = TillBook(
        site.id,
        today=today,
        local=lambda d, t: datetime.combine(d, t, tzinfo=PARIS).astimezone(UTC),
        closing_time=lambda _d: time(19, 0),
    )
    written: list[DemoClosure] = []
    for local_day, of_day in groupby(tickets, key=lambda t: t.sold_at.astimezone(PARIS).date()):
        group = list(of_day)
        written += book.opening(local_day)
        written += book.closing(local_day, group)
    written += book.finish()

    assert [(c.kind, c.number) for c in written] == [
        ("day", 1),
        ("day", 2),
        ("month", 1),
        ("year", 1),
        ("day", 3),
        ("day", 4),
        ("month", 2),
        ("day", 5),
    ]
    for closure in written:
        row = stored[closure.kind, closure.number]
        assert {f: getattr(closure, f) for f in FIGURES} == {f: getattr(row, f) for f in FIGURES}
        line = lines[row.id]
        assert canonical(closure_payload(closure)) == line.payload
        assert closure.total_cents == line.amount_cents
    z4 = stored["day", 4]
    assert (z4.tickets, z4.reversals, z4.total_cents) == (2, 1, 140)
    year = json.loads(stored["year", 1].totals)
    assert year["by_method"] == {"card": 220, "cash": 640, "voucher": 0}  # handed back


# -- a demo base ----------------------------------------------------------------------------

TODAY = date(2026, 1, 20)  # the small demo's three months cross a year: 2025 closes


@pytest.fixture(scope="module")
def demo_db(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo-z") / "demo.sqlite"
    shutil.copyfile(template_db, path)
    with build(str(path)) as app:
        app.demo.generate(scale="small", seed=3, today=TODAY)
    return path


def _local_day(moment: datetime) -> date:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(PARIS).date()


def test_the_demo_closes_every_past_day_month_and_year_and_its_journal_is_whole(
    demo_app: Comptoir,
) -> None:
    with demo_app.engine.connect() as connection:
        sales = connection.execute(
            select(_SALES.c.ticket_number, _SALES.c.sold_at, _SALES.c.total_cents).order_by(
                _SALES.c.ticket_number
            )
        ).all()
        closures = connection.execute(
            select(_CLOSURES).order_by(_CLOSURES.c.kind, _CLOSURES.c.number)
        ).all()
        journal = connection.execute(select(_JOURNAL).order_by(_JOURNAL.c.seq)).all()
    by_day: dict[date, list[Any]] = {}
    for sale in sales:
        by_day.setdefault(_local_day(sale.sold_at), []).append(sale)
    days = [c for c in closures if c.kind == "day"]
    past = sorted(d for d in by_day if d < TODAY)
    assert TODAY in by_day  # today sold, and stays open
    assert [(z.number, z.period_start) for z in days] == list(enumerate(past, start=1))
    grand = 0
    for z in days:
        sold = by_day[z.period_start]
        grand += sum(s.total_cents for s in sold)
        assert (z.first_ticket, z.last_ticket, z.tickets) == (
            sold[0].ticket_number,
            sold[-1].ticket_number,
            len(sold),
        )
        assert (z.total_cents, z.grand_total_cents) == (sum(s.total_cents for s in sold), grand)
    months = [(c.number, c.period_start, c.period_end) for c in closures if c.kind == "month"]
    assert months == [
        (1, date(2025, 10, 1), date(2025, 10, 31)),
        (2, date(2025, 11, 1), date(2025, 11, 30)),
        (3, date(2025, 12, 1), date(2025, 12, 31)),
    ]  # January is not over
    [year] = [c for c in closures if c.kind == "year"]
    assert (year.number, year.period_start, year.period_end) == (
        1,
        date(2025, 1, 1),
        date(2025, 12, 31),
    )
    december = [z for z in days if z.period_start.year == 2025]
    assert year.total_cents == sum(z.total_cents for z in december)
    assert year.grand_total_cents == december[-1].grand_total_cents

    # The journal in time order, closures between the days' tickets, and whole.
    moments = [line.occurred_at for line in journal]
    assert moments == sorted(moments)
    assert [line.number for line in journal if line.kind == "closure"][:3] == [
        "Z000001",
        "Z000002",
        "Z000003",
    ]
    assert demo_app.till_journal.verify().intact


def test_after_the_demo_the_desk_sells_today_and_the_service_continues_its_numbers(
    demo_app: Comptoir, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = demo_app.sites.list_sites()[0]
    noon = paris(TODAY, 12)
    monkeypatch.setattr(sales_module, "utcnow", lambda: noon)
    monkeypatch.setattr(closures_module, "utcnow", lambda: noon)
    before = demo_app.till_closures.history(site_id=site.id, kind="day", limit=1)[0]
    assert before.period_start < TODAY
    assert demo_app.till_closures.day_closure(site_id=site.id, day=TODAY) is None
    with pytest.raises(ConflictError, match="déjà clôturée"):
        demo_app.till_closures.close_day(site_id=site.id, day=before.period_start)
    with pytest.raises(ConflictError, match="déjà clôturé"):
        demo_app.till_closures.close_month(site_id=site.id, year=2025, month=12)

    bread = product(demo_app, site, "Pain", 480)
    demo_app.grocery.sales.record(
        site_id=site.id, lines=[LineInput(bread.id, 1000)], payments=[PaymentInput("cash", 480)]
    )
    [z] = demo_app.till_closures.close_day(site_id=site.id, day=TODAY)
    assert z.number == before.number + 1
    assert z.grand_total_cents == before.grand_total_cents + z.total_cents
    assert demo_app.till_journal.verify().intact


def test_a_place_that_already_sold_keeps_its_days_for_the_service(app: Comptoir) -> None:
    """The demo leaves the closures of a place with earlier tickets to the service (its
    numbers and grand total would have to follow them)."""
    site = app.sites.init_site(name="Le Relais", commune_name="Felletin", insee_code="23079")
    bread = product(app, site, "Pain", 480)
    app.grocery.sales.record(
        site_id=site.id, lines=[LineInput(bread.id, 1000)], payments=[PaymentInput("cash", 480)]
    )
    app.demo.generate(scale="small", seed=2, site_name=site.name, today=TODAY)
    with app.engine.connect() as connection:
        assert connection.execute(select(_CLOSURES.c.id)).first() is None
    assert app.till_journal.verify().intact
