"""The till's numbered closures (issue 21): the day's Z, months and years, a closed day that
can no longer change, the grand total, who may close what, and the Z's PDF with its
« Duplicata » on a reprint."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from pdftext import pdf_text
from rolesdemo import PASSWORD, add_role_accounts
from sqlmodel import select

from tiers_lieu.app import Comptoir, build
from tiers_lieu.errors import ConflictError
from tiers_lieu.models import TillJournal
from tiers_lieu.models.enums import Role
from tiers_lieu.reports.documents.z_report import write_z_pdf
from tiers_lieu.services.access import AccessDeniedError
from tiers_lieu.services.grocery import sales as sales_module
from tiers_lieu.services.grocery.products import ProductFields, ProductInfo
from tiers_lieu.services.grocery.sales import LineInput, PaymentInput
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.services.till import closures as closures_module

Clock = Callable[[datetime], None]


@pytest.fixture(params=["sqlite", "postgresql"])
def app(request: pytest.FixtureRequest, db_path: Path) -> Iterator[Comptoir]:
    """The SQLite desk, and a PostgreSQL server when ``TIERS_LIEU_TEST_PG`` names one."""
    url = str(db_path) if request.param == "sqlite" else request.getfixturevalue("pg_url")
    with contextlib.closing(build(url)) as comptoir:
        yield comptoir


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """Set the instant the sales and the closures see as now (UTC, noon by default)."""

    def set_now(moment: datetime) -> None:
        monkeypatch.setattr(sales_module, "utcnow", lambda: moment)
        monkeypatch.setattr(closures_module, "utcnow", lambda: moment)

    return set_now


def noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 11, 0, tzinfo=UTC)  # 12:00 or 13:00 Paris


def product(app: Comptoir, site: SiteInfo, name: str, price: int, vat: int = 550) -> ProductInfo:
    made = app.grocery.products.create(
        site.id, ProductFields(name=name, price_cents=price, vat_rate_bp=vat)
    )
    app.grocery.stock.receive(
        site_id=site.id, product_id=made.id, quantity_milli=100000, unit_cost_cents=None
    )
    return made


def sell(app: Comptoir, site: SiteInfo, item: ProductInfo, qty: int, method: str = "cash") -> int:
    total = item.price_cents * qty
    sale = app.grocery.sales.record(
        site_id=site.id,
        lines=[LineInput(item.id, qty * 1000)],
        payments=[PaymentInput(method, total)],
    )
    return sale.ticket_number or 0


def sign_in(app: Comptoir, role: Role) -> None:
    app.access.act_as_system()
    if not any(u.username == "compte.volunteer" for u in app.accounts.list_users()):
        add_role_accounts(app, "compte", "Compte")
    app.access.sign_in(app.accounts.authenticate(f"compte.{role.value}", PASSWORD))


def test_day_zs_are_numbered_continuously_with_totals_net_of_a_reversal(
    app: Comptoir, site: SiteInfo, clock: Clock
) -> None:
    eggs = product(app, site, "Œufs", 320)
    beer = product(app, site, "Bière", 350, vat=2000)
    clock(noon(date(2026, 3, 2)))
    sell(app, site, eggs, 2)  # 6,40 € cash
    sell(app, site, beer, 2, "card")  # 7,00 € card
    [z1] = app.till_closures.close_day(site_id=site.id, day=date(2026, 3, 2))
    assert (z1.number, z1.tickets, z1.total_cents, z1.grand_total_cents) == (1, 2, 1340, 1340)

    clock(noon(date(2026, 3, 3)))
    first = sell(app, site, eggs, 1)  # 3,20 € cash
    sale = app.grocery.sales.record(
        site_id=site.id,
        lines=[LineInput(beer.id, 3000)],
        payments=[PaymentInput("card", 1050)],
    )
    reversal = app.grocery.sales.cancel(sale.id)  # the card ticket is handed back
    [z2] = app.till_closures.close_day(site_id=site.id, day=date(2026, 3, 3))
    assert z2.number == 2
    assert (z2.first_ticket, z2.last_ticket) == (first, reversal.ticket_number)
    assert (z2.tickets, z2.reversals, z2.reversed_cents) == (2, 1, 1050)
    assert z2.total_cents == 320  # 3,20 + 10,50 − 10,50
    assert z2.grand_total_cents == 1340 + 320  # the perpetual grand total
    with app.uow() as uow:
        stored = json.loads(uow.session.get(closures_module.TillClosure, z2.id).totals)
        numbers = uow.session.exec(
            select(TillJournal.number).where(TillJournal.kind == "closure")
        ).all()
    assert stored["by_method"] == {"card": 0, "cash": 320}
    assert stored["by_vat"] == {"2000": [0, 0], "550": [320, 17]}
    assert list(numbers) == ["Z000001", "Z000002"]

    # The same figures on screen: the Z of the day, reversal-aware.
    z = app.grocery.closing.z_report(site_id=site.id, day=date(2026, 3, 3))
    assert (z.sales, z.reversals, z.reversed_cents, z.total_cents) == (2, 1, 1050, 320)
    assert {m.method: (m.amount_cents, m.refunds) for m in z.by_method} == {
        "card": (0, 1),
        "cash": (320, 0),
    }
    shown = app.grocery.closing.day_sales(site_id=site.id, day=date(2026, 3, 3))
    assert [(s.ticket_number, s.reverses_ticket, s.reversed_by) for s in shown] == [
        (reversal.ticket_number, sale.ticket_number, None),
        (sale.ticket_number, None, reversal.ticket_number),
        (first, None, None),
    ]


def test_a_closed_day_refuses_a_sale_and_a_reversal(
    app: Comptoir, site: SiteInfo, clock: Clock
) -> None:
    eggs = product(app, site, "Œufs", 320)
    clock(noon(date(2026, 3, 2)))
    sale = app.grocery.sales.record(
        site_id=site.id, lines=[LineInput(eggs.id, 1000)], payments=[PaymentInput("cash", 320)]
    )
    [z] = app.till_closures.close_day(site_id=site.id, day=date(2026, 3, 2))
    assert app.till_closures.day_closure(site_id=site.id, day=date(2026, 3, 2)) == z
    with pytest.raises(ConflictError) as refused:
        sell(app, site, eggs, 1)
    assert refused.value.message.startswith("La journée du 2 mars 2026 est clôturée (Z n° 1)")
    with pytest.raises(ConflictError) as refused:
        app.grocery.sales.cancel(sale.id)
    assert "(Z n° 1)" in refused.value.message
    with pytest.raises(ConflictError, match="déjà clôturée"):
        app.till_closures.close_day(site_id=site.id, day=date(2026, 3, 2))
    clock(noon(date(2026, 3, 3)))  # the next day the till opens again
    assert sell(app, site, eggs, 1) == 2


def test_closing_a_day_closes_the_earlier_open_days_first(
    app: Comptoir, site: SiteInfo, clock: Clock
) -> None:
    eggs = product(app, site, "Œufs", 320)
    for day, qty in ((date(2026, 3, 2), 1), (date(2026, 3, 4), 2), (date(2026, 3, 6), 3)):
        clock(noon(day))
        sell(app, site, eggs, qty)
    written = app.till_closures.close_day(site_id=site.id, day=date(2026, 3, 6))
    assert [(z.number, z.period_start.day, z.total_cents) for z in written] == [
        (1, 2, 320),
        (2, 4, 640),
        (3, 6, 960),
    ]
    assert [z.grand_total_cents for z in written] == [320, 960, 1920]
    with pytest.raises(ConflictError):  # a day before the last Z is closed too
        app.till_closures.close_day(site_id=site.id, day=date(2026, 3, 5))


def test_months_and_years_sum_their_closures_only_once_over(
    app: Comptoir, site: SiteInfo, clock: Clock
) -> None:
    eggs = product(app, site, "Œufs", 320)
    for day in (date(2026, 1, 10), date(2026, 1, 20), date(2026, 2, 5)):
        clock(noon(day))
        sell(app, site, eggs, 1)
    clock(noon(date(2026, 2, 20)))
    with pytest.raises(ConflictError) as refused:
        app.till_closures.close_month(site_id=site.id, year=2026, month=2)
    assert refused.value.message.startswith("Le mois de février 2026 n'est pas terminé")
    written = app.till_closures.close_month(site_id=site.id, year=2026, month=1)
    assert [(c.kind, c.number) for c in written] == [("day", 1), ("day", 2), ("month", 1)]
    month = written[-1]
    assert (month.tickets, month.total_cents, month.grand_total_cents) == (2, 640, 640)
    assert (month.first_ticket, month.last_ticket) == (1, 2)
    with pytest.raises(ConflictError, match="déjà clôturé"):
        app.till_closures.close_month(site_id=site.id, year=2026, month=1)
    with pytest.raises(ConflictError, match="n'est pas terminée"):
        app.till_closures.close_year(site_id=site.id, year=2026)

    clock(noon(date(2027, 1, 3)))
    written = app.till_closures.close_year(site_id=site.id, year=2026)
    assert [(c.kind, c.number) for c in written] == [("day", 3), ("month", 2), ("year", 1)]
    year = written[-1]
    assert (year.tickets, year.total_cents, year.grand_total_cents) == (3, 960, 960)
    report = app.till_closures.report(year.id)
    assert report.closure is not None and report.closure.days == 3
    history = app.till_closures.history(site_id=site.id)
    assert [(c.kind, c.number) for c in history][:3] == [("year", 1), ("month", 2), ("day", 3)]


def test_a_volunteer_closes_the_day_but_not_a_month(
    app: Comptoir, site: SiteInfo, clock: Clock
) -> None:
    eggs = product(app, site, "Œufs", 320)
    clock(noon(date(2026, 3, 2)))
    sell(app, site, eggs, 1)
    clock(noon(date(2026, 4, 2)))
    sign_in(app, Role.VOLUNTEER)
    with pytest.raises(AccessDeniedError):
        app.till_closures.close_month(site_id=site.id, year=2026, month=3)
    [z] = app.till_closures.close_day(site_id=site.id, day=date(2026, 3, 2))
    assert z.closed_by == "Compte volunteer"
    sign_in(app, Role.COORDINATOR)
    [month] = app.till_closures.close_month(site_id=site.id, year=2026, month=3)
    assert month.total_cents == 320


def test_the_z_pdf_carries_its_number_and_a_reprint_is_a_duplicate(
    app: Comptoir, site: SiteInfo, clock: Clock, tmp_path: Path
) -> None:
    eggs = product(app, site, "Œufs", 320)
    beer = product(app, site, "Bière", 350, vat=2000)
    clock(noon(date(2026, 3, 2)))
    sell(app, site, eggs, 1)
    clock(noon(date(2026, 3, 3)))
    sell(app, site, eggs, 2)
    sale = app.grocery.sales.record(
        site_id=site.id, lines=[LineInput(beer.id, 2000)], payments=[PaymentInput("card", 700)]
    )
    app.grocery.sales.cancel(sale.id)
    z = app.till_closures.close_day(site_id=site.id, day=date(2026, 3, 3))[-1]
    original = pdf_text(write_z_pdf(app.till_closures.print_report(z.id), tmp_path / "z.pdf"))
    assert "Z n° 2" in original and "Duplicata" not in original
    assert "Tickets T000002 à T000004" in original
    assert "Annulations 1 (7,00 €)" in original
    assert "Chiffre d'affaires net TTC 6,40 €" in original
    assert "Cumul du mois 9,60 €" in original and "Cumul de l'année 9,60 €" in original
    assert "Grand total perpétuel 9,60 €" in original
    assert "5,5 % 6,40 € 6,07 € 0,33 €" in original
    again = pdf_text(write_z_pdf(app.till_closures.print_report(z.id), tmp_path / "z2.pdf"))
    assert "Duplicata" in again and "Z n° 2" in again
    with app.uow() as uow:
        copies = uow.session.exec(
            select(TillJournal.number, TillJournal.ref_id).where(TillJournal.kind == "duplicate")
        ).all()
    assert [tuple(c) for c in copies] == [("Z000002", z.id)]
