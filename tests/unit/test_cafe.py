"""The café (issue 22): open tabs whose lines change freely, settled as ONE numbered ticket
with the tab closed in the ticket's own transaction (an error or a SIGKILL between the two
leaves neither), café products that need no stock, and the café's turnover reported apart
from the grocery's (a mixed ticket split by line) in the CSV, the XLSX and the PDF."""

from __future__ import annotations

import csv
import io
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from pdftext import pdf_text
from sqlalchemy import func, select

from tiers_lieu.app import Comptoir, build
from tiers_lieu.errors import ConflictError, ValidationError
from tiers_lieu.models import Sale, SaleLine, TillJournal, utcnow
from tiers_lieu.models.proximity import CafeTab
from tiers_lieu.services import cafe as cafe_module
from tiers_lieu.services.grocery.products import ProductFields, ProductInfo
from tiers_lieu.services.grocery.sales import LineInput, PaymentInput, StockWarning
from tiers_lieu.services.people import PersonInput
from tiers_lieu.services.product_kinds import stock_tracked
from tiers_lieu.services.readmodels import SiteInfo


def product(app: Comptoir, site: SiteInfo, name: str, price: int, **kw: Any) -> ProductInfo:
    return app.grocery.products.create(site.id, ProductFields(name=name, price_cents=price, **kw))


@pytest.fixture
def menu(app: Comptoir, site: SiteInfo) -> dict[str, ProductInfo]:
    found = {
        "café": product(app, site, "Café", 120, category="Café", vat_rate_bp=1000),
        "thé": product(app, site, "Thé", 150, category="café", vat_rate_bp=1000),
        # A bottled beer is counted: the café category with an alert threshold.
        "bière": product(
            app, site, "Bière blonde", 350, category="Café", alert_threshold_milli=2000
        ),
        "pain": product(app, site, "Pain", 300, category="Boulangerie"),
    }
    for key in ("bière", "pain"):
        app.grocery.stock.receive(
            site_id=site.id,
            product_id=found[key].id,
            quantity_milli=20_000,
            unit_cost_cents=None,
        )
    return found


def tickets(app: Comptoir, site: SiteInfo) -> list[int]:
    with app.engine.connect() as connection:
        return sorted(
            connection.execute(
                select(Sale.__table__.c.ticket_number).where(  # type: ignore[attr-defined]
                    Sale.__table__.c.site_id == site.id  # type: ignore[attr-defined]
                )
            ).scalars()
        )


def test_a_tab_changes_freely_until_settled_as_one_ticket(
    app: Comptoir, site: SiteInfo, menu: dict[str, ProductInfo]
) -> None:
    tab = app.cafe.open(site_id=site.id, label="  Table   3 ")
    assert tab.label == "Table 3" and tab.total_cents == 0
    app.cafe.add(tab.id, menu["café"].id)
    app.cafe.add(tab.id, menu["café"].id)
    app.cafe.add(tab.id, menu["thé"].id)
    tab = app.cafe.add(tab.id, menu["bière"].id)
    assert [(line.product_name, line.quantity_milli) for line in tab.lines] == [
        ("Café", 2000),
        ("Thé", 1000),
        ("Bière blonde", 1000),
    ]
    assert tab.total_cents == 2 * 120 + 150 + 350
    # A line taken away, one unit at a time: a tab is not a ticket.
    tab = app.cafe.remove(tab.lines[0].id)
    tab = app.cafe.remove(tab.lines[2].id)
    assert [(line.product_name, line.quantity_milli) for line in tab.lines] == [
        ("Café", 1000),
        ("Thé", 1000),
    ]
    assert [t.total_cents for t in app.cafe.open_tabs(site_id=site.id)] == [270]
    assert tickets(app, site) == []  # nothing at the till while the tab is open

    sale = app.cafe.settle(tab.id, [PaymentInput("cash", 500)])
    assert sale.ticket_number == 1 and sale.total_cents == 270 and sale.change_cents == 230
    assert [(line.product_name, line.total_cents) for line in sale.lines] == [
        ("Café", 120),
        ("Thé", 150),
    ]
    settled = app.cafe.get(tab.id)
    assert settled.sale_id == sale.id and settled.closed_at == sale.sold_at
    assert app.cafe.open_tabs(site_id=site.id) == []
    # Closed for good: no more lines, no second ticket.
    with pytest.raises(ConflictError, match="déjà encaissée"):
        app.cafe.add(tab.id, menu["café"].id)
    with pytest.raises(ConflictError, match="déjà encaissée"):
        app.cafe.settle(tab.id, [PaymentInput("cash", 500)])
    assert tickets(app, site) == [1]
    report = app.till_journal.verify()
    assert report.intact and report.tickets == 1


def test_a_tab_for_a_person_and_bad_input(
    app: Comptoir, site: SiteInfo, menu: dict[str, ProductInfo]
) -> None:
    person = app.people.create(site.id, PersonInput(first_name="Odile", last_name="Martin"))
    tab = app.cafe.open(site_id=site.id, person_id=person.id)
    assert tab.label == "Odile Martin"
    with pytest.raises(ValidationError) as empty:
        app.cafe.open(site_id=site.id, label="   ")
    assert empty.value.field == "Ardoise"
    with pytest.raises(ValidationError, match="60 caractères"):
        app.cafe.open(site_id=site.id, label="T" * 61)
    with pytest.raises(ValidationError, match="vide"):
        app.cafe.settle(tab.id, [PaymentInput("cash", 100)])
    app.cafe.add(tab.id, menu["café"].id)
    # The tab holds no copy of the name: erased with the person.
    kept = app.cafe.open(site_id=site.id, person_id=person.id)
    with app.engine.connect() as connection:
        assert (
            connection.execute(
                select(CafeTab.__table__.c.label).where(CafeTab.__table__.c.id == kept.id)  # type: ignore[attr-defined]
            ).scalar_one()
            == ""
        )
    sale = app.cafe.settle(tab.id, [PaymentInput("card", 120)])
    assert sale.person_id == person.id
    app.privacy.erase(person_id=person.id)
    assert app.cafe.get(kept.id).label == "Ardoise sans nom"
    app.cafe.discard(kept.id)
    # An empty tab opened by mistake can be dropped; a full one cannot.
    other = app.cafe.open(site_id=site.id, label="Terrasse")
    app.cafe.add(other.id, menu["thé"].id)
    with pytest.raises(ConflictError, match="n'est pas vide"):
        app.cafe.discard(other.id)
    app.cafe.remove(app.cafe.get(other.id).lines[0].id)
    app.cafe.discard(other.id)
    assert app.cafe.open_tabs(site_id=site.id) == []


def test_cafe_products_without_threshold_need_no_stock(
    app: Comptoir, site: SiteInfo, menu: dict[str, ProductInfo]
) -> None:
    assert not stock_tracked("Café", 0) and not stock_tracked(" CAFE ", 0)
    assert stock_tracked("Café", 1000) and stock_tracked("Boulangerie", 0)
    # 40 coffees, none ever received: no warning, no inventory correction.
    sale = app.grocery.sales.record(
        site_id=site.id,
        lines=[LineInput(menu["café"].id, 40_000)],
        payments=[PaymentInput("cash", 4800)],
    )
    assert sale.corrections == ()
    low = {p.name for p in app.grocery.stock.low_stock(site_id=site.id)}
    assert "Café" not in low and "Thé" not in low
    # A counted café product (the beer: 20 on the shelf) still warns beyond its stock.
    tab = app.cafe.open(site_id=site.id, label="Table 1")
    app.cafe.add(tab.id, menu["bière"].id, 25_000)
    with pytest.raises(StockWarning):
        app.cafe.settle(tab.id, [PaymentInput("card", 25 * 350)])
    assert app.cafe.get(tab.id).closed_at is None
    sale = app.cafe.settle(tab.id, [PaymentInput("card", 25 * 350)], confirm_beyond_stock=True)
    assert sale.corrections == ("Bière blonde",)
    assert app.cafe.products(site_id=site.id)[0].name in {"Bière blonde", "Café", "Thé"}
    assert {p.name for p in app.cafe.products(site_id=site.id)} == {"Bière blonde", "Café", "Thé"}


def test_an_error_between_ticket_and_tab_leaves_neither(
    app: Comptoir, site: SiteInfo, menu: dict[str, ProductInfo], monkeypatch: pytest.MonkeyPatch
) -> None:
    tab = app.cafe.open(site_id=site.id, label="Table 2")
    app.cafe.add(tab.id, menu["café"].id)

    def crash(*_args: Any, **_kw: Any) -> None:
        raise RuntimeError("panne entre le ticket et l'ardoise")

    monkeypatch.setattr(cafe_module.audit, "record", crash)
    with pytest.raises(RuntimeError):
        app.cafe.settle(tab.id, [PaymentInput("cash", 120)])
    monkeypatch.undo()
    assert tickets(app, site) == []
    assert app.cafe.get(tab.id).closed_at is None
    with app.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(TillJournal)).scalar() == 0
    assert app.cafe.settle(tab.id, [PaymentInput("cash", 120)]).ticket_number == 1


def test_two_desks_settling_one_tab_make_one_ticket(
    app: Comptoir, site: SiteInfo, menu: dict[str, ProductInfo], db_path: Path
) -> None:
    tab = app.cafe.open(site_id=site.id, label="Table 4")
    app.cafe.add(tab.id, menu["thé"].id)
    record = app.cafe._sales.record
    with build(str(db_path)) as other:

        def late(**kw: Any) -> Any:
            # The other desk settles while this one was reading the tab.
            other.cafe.settle(tab.id, [PaymentInput("card", 150)])
            return record(**kw)

        app.cafe._sales.record = late  # type: ignore[method-assign]
        with pytest.raises(ConflictError, match="déjà encaissée"):
            app.cafe.settle(tab.id, [PaymentInput("cash", 150)])
    assert tickets(app, site) == [1]
    assert app.till_journal.verify().intact


def test_a_line_added_during_the_settlement_refuses_it(
    app: Comptoir, site: SiteInfo, menu: dict[str, ProductInfo]
) -> None:
    tab = app.cafe.open(site_id=site.id, label="Table 5")
    app.cafe.add(tab.id, menu["thé"].id)
    record = app.cafe._sales.record

    def late(**kw: Any) -> Any:
        app.cafe.add(tab.id, menu["café"].id)  # another desk, a second before
        return record(**kw)

    app.cafe._sales.record = late  # type: ignore[method-assign]
    with pytest.raises(ConflictError, match="vient de changer"):
        app.cafe.settle(tab.id, [PaymentInput("cash", 150)])
    del app.cafe._sales.record
    assert tickets(app, site) == []
    assert app.cafe.settle(tab.id, [PaymentInput("cash", 270)]).total_cents == 270


# A till killed in the middle of a settlement: after the ticket is journaled and the tab's
# row updated, before the commit (the hook's audit line waits forever).
_KILLED = textwrap.dedent(
    """
    import os, sys, time, uuid
    import tiers_lieu.app
    from tiers_lieu.services import cafe
    from tiers_lieu.services.grocery.sales import PaymentInput

    def hang(*args, **kw):
        os.write(1, b"between\\n")
        time.sleep(120)

    app = tiers_lieu.app.build(sys.argv[1])
    cafe.audit.record = hang
    app.cafe.settle(uuid.UUID(sys.argv[2]), [PaymentInput("cash", 500)])
    os.write(1, b"settled\\n")
    """
)


def test_sigkill_between_ticket_and_tab_leaves_the_tab_open_and_no_ticket(
    app: Comptoir, site: SiteInfo, menu: dict[str, ProductInfo], db_path: Path
) -> None:
    tab = app.cafe.open(site_id=site.id, label="Table 6")
    app.cafe.add(tab.id, menu["café"].id)
    app.close()
    process = subprocess.Popen(
        [sys.executable, "-c", _KILLED, str(db_path), str(tab.id)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "between"
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait(30)
    with build(str(db_path)) as after:
        assert tickets(after, site) == []
        assert after.cafe.get(tab.id).closed_at is None
        assert after.till_journal.verify().intact
        sale = after.cafe.settle(tab.id, [PaymentInput("cash", 120)])
        assert sale.ticket_number == 1  # the number the killed till held is free again
        with after.engine.connect() as connection:
            row = connection.execute(
                select(CafeTab.__table__).where(  # type: ignore[attr-defined]
                    CafeTab.__table__.c.id == tab.id  # type: ignore[attr-defined]
                )
            ).one()
        assert row.sale_id == sale.id


def _figures(app: Comptoir, site: SiteInfo) -> dict[str, float]:
    today = utcnow().date()
    data = app.reports.compute(
        period_start=today - timedelta(days=1),
        period_end=today + timedelta(days=1),
        site_ids=[site.id],
    )
    return {i.code: i.value for i in data.indicators if not i.dimension}


def test_cafe_turnover_is_reported_apart_and_in_the_three_formats(
    app: Comptoir, site: SiteInfo, menu: dict[str, ProductInfo], tmp_path: Path
) -> None:
    tab = app.cafe.open(site_id=site.id, label="Table 7")
    app.cafe.add(tab.id, menu["café"].id, 3000)
    app.cafe.settle(tab.id, [PaymentInput("cash", 360)])  # café only: 3,60 €
    # A mixed ticket (a tea and a loaf): one ticket on each side, its amount split by line.
    mixed = app.grocery.sales.record(
        site_id=site.id,
        lines=[LineInput(menu["thé"].id, 1000), LineInput(menu["pain"].id, 1000)],
        payments=[PaymentInput("card", 450)],
    )
    app.grocery.sales.record(  # grocery only
        site_id=site.id,
        lines=[LineInput(menu["pain"].id, 2000)],
        payments=[PaymentInput("card", 600)],
    )
    figures = _figures(app, site)
    assert figures["cafe.sales"] == 2 and figures["cafe.sales_eur"] == 5.10
    assert figures["cafe.tabs"] == 1
    assert figures["grocery.sales"] == 2 and figures["grocery.sales_eur"] == 9.00
    # The till is still one: café and grocery add up to every ticket.
    with app.engine.connect() as connection:
        till = connection.execute(select(func.sum(SaleLine.__table__.c.total_cents))).scalar()  # type: ignore[attr-defined]
    assert till == 510 + 900

    # A reversed mixed ticket takes one ticket and its lines back on each side.
    app.grocery.sales.cancel(mixed.id)
    figures = _figures(app, site)
    assert figures["cafe.sales"] == 1 and figures["cafe.sales_eur"] == 3.60
    assert figures["grocery.sales"] == 1 and figures["grocery.sales_eur"] == 6.00
    assert app.till_journal.verify().intact

    today = utcnow().date()
    data = app.reports.compute(
        period_start=today - timedelta(days=1),
        period_end=today + timedelta(days=1),
        site_ids=[site.id],
    )
    paths = {fmt: tmp_path / f"rapport.{fmt}" for fmt in ("csv", "xlsx", "pdf")}
    for fmt, path in paths.items():
        app.reports.write(data, fmt=fmt, path=path)  # type: ignore[arg-type]
    rows = list(
        csv.reader(io.StringIO(paths["csv"].read_bytes().decode("utf-8-sig")), delimiter=";")
    )
    csv_totals = {code: value for code, _label, dimension, value in rows[1:] if not dimension}
    assert float(csv_totals["cafe.sales_eur"].replace(",", ".")) == 3.60
    assert float(csv_totals["cafe.sales"].replace(",", ".")) == 1
    assert float(csv_totals["cafe.tabs"].replace(",", ".")) == 1
    sheet = load_workbook(paths["xlsx"])["Indicateurs"]
    xlsx = {
        code: value
        for code, _label, dimension, value, _unit in sheet.iter_rows(min_row=2, values_only=True)
        if not dimension
    }
    assert xlsx["cafe.sales_eur"] == 3.60 and xlsx["cafe.tabs"] == 1
    text = pdf_text(paths["pdf"])
    assert "Chiffre d'affaires du café 3,60 €" in text
    assert "Ardoises du café encaissées 1" in text


# -- PostgreSQL: the same rules, and a line added while a settlement holds the tab --------


@pytest.fixture(params=["sqlite", "postgresql"])
def any_app(request: pytest.FixtureRequest, db_path: Path) -> Iterator[Comptoir]:
    url = str(db_path) if request.param == "sqlite" else request.getfixturevalue("pg_url")
    app = build(url)
    yield app
    app.close()


def test_settling_on_either_base(any_app: Comptoir) -> None:
    app = any_app
    site = app.sites.init_site(name="Le Comptoir", commune_name="Felletin")
    coffee = product(app, site, "Café", 120, category="Café")
    tab = app.cafe.open(site_id=site.id, label="Table 1")
    app.cafe.add(tab.id, coffee.id, 2000)
    sale = app.cafe.settle(tab.id, [PaymentInput("cash", 240)])
    assert app.cafe.get(tab.id).sale_id == sale.id
    with pytest.raises(ConflictError):
        app.cafe.settle(tab.id, [PaymentInput("cash", 240)])
    assert tickets(app, site) == [1]
    assert app.till_journal.verify().intact


def test_a_line_added_while_the_tab_is_being_settled_waits_and_is_refused(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with build(pg_url) as app, build(pg_url) as other:
        site = app.sites.init_site(name="Le Comptoir", commune_name="Felletin")
        coffee = product(app, site, "Café", 120, category="Café")
        tab = app.cafe.open(site_id=site.id, label="Table 1")
        app.cafe.add(tab.id, coffee.id)
        holding, original = threading.Event(), cafe_module.audit.record

        def slow(uow: Any, **kw: Any) -> None:
            if "settled_by" in (kw.get("details") or {}):
                holding.set()  # the tab's row is updated, not yet committed
                time.sleep(1.0)
            original(uow, **kw)

        monkeypatch.setattr(cafe_module.audit, "record", slow)
        refused: list[BaseException] = []

        def add_meanwhile() -> None:
            holding.wait(30)
            try:
                other.cafe.add(tab.id, coffee.id)
            except ConflictError as error:
                refused.append(error)

        thread = threading.Thread(target=add_meanwhile)
        thread.start()
        sale = app.cafe.settle(tab.id, [PaymentInput("cash", 120)])
        thread.join(30)
        assert refused and "déjà encaissée" in str(refused[0])
        assert [line.quantity_milli for line in app.cafe.get(tab.id).lines] == [1000]
        assert sale.total_cents == 120


def test_the_demo_has_a_cafe_reported_apart(app: Comptoir) -> None:
    summary = app.demo.generate(scale="small", seed=1)
    site = app.sites.list_sites()[0]
    assert [t.label for t in app.cafe.open_tabs(site_id=site.id)] == ["Table 2", "Terrasse"]
    assert {"Café", "Bière blonde 33 cl"} <= {p.name for p in app.cafe.products(site_id=site.id)}
    data = app.reports.compute(
        period_start=summary.start, period_end=summary.end, site_ids=[site.id]
    )
    figures = {i.code: i.value for i in data.indicators if not i.dimension}
    assert figures["cafe.sales"] > 0 and figures["cafe.tabs"] > 0
    with app.engine.connect() as connection:
        till = connection.execute(select(func.sum(Sale.__table__.c.total_cents))).scalar()  # type: ignore[attr-defined]
    assert round((figures["cafe.sales_eur"] + figures["grocery.sales_eur"]) * 100) == till
    with app.engine.connect() as connection:
        settled = (
            connection.execute(
                select(CafeTab.__table__.c.sale_id).where(  # type: ignore[attr-defined]
                    CafeTab.__table__.c.sale_id.is_not(None)  # type: ignore[attr-defined]
                )
            )
            .scalars()
            .all()
        )
    assert len(settled) == figures["cafe.tabs"]
    assert app.till_journal.verify().intact
