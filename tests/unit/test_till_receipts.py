"""The customer's ticket: what it says, its text layout at each printer width, its PDF, the
ESC/POS bytes, the « Duplicata » of a reprint and its journal line, and a printer failure
that leaves the sale recorded."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from sqlmodel import Session, func, select

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import ValidationError
from tiers_lieu.models import Sale, TillJournal
from tiers_lieu.models.enums import JournalKind, ProductUnit
from tiers_lieu.reports.documents.receipt import write_receipt_pdf
from tiers_lieu.services.grocery.products import ProductFields, ProductInfo
from tiers_lieu.services.grocery.sales import LineInput, PaymentInput, SaleInfo
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.services.till import printer
from tiers_lieu.services.till.printer import PrinterConfig, PrinterError, check_config
from tiers_lieu.services.till.receipts import WIDTHS, receipt_text

LONG_NAME = "Confiture extra de myrtilles sauvages du plateau de Millevaches, pot de 350 g"


def product(app: Comptoir, site: SiteInfo, name: str, price: int, **kwargs: Any) -> ProductInfo:
    created = app.grocery.products.create(
        site.id, ProductFields(name=name, price_cents=price, **kwargs)
    )
    app.grocery.stock.receive(
        site_id=site.id, product_id=created.id, quantity_milli=20000, unit_cost_cents=None
    )
    return created


def a_sale(app: Comptoir, site: SiteInfo) -> SaleInfo:
    jam = product(app, site, LONG_NAME, 650, vat_rate_bp=550)
    carrots = product(app, site, "Carottes", 280, unit=ProductUnit.KG, vat_rate_bp=550)
    soap = product(app, site, "Savon au lait d'ânesse", 450, vat_rate_bp=2000)
    return app.grocery.sales.record(
        site_id=site.id,
        lines=[
            LineInput(jam.id, 2000),
            LineInput(carrots.id, 625),
            LineInput(soap.id, 1000),
        ],
        payments=[PaymentInput("card", 1000), PaymentInput("cash", 2000)],
    )


def test_the_ticket_says_what_was_sold_and_paid(app: Comptoir, site: SiteInfo) -> None:
    sale = a_sale(app, site)
    receipt = app.receipts.receipt(sale.id, change_cents=sale.change_cents)
    # 2 × 6,50 + 0,625 kg × 2,80 (1,75) + 4,50 = 19,25 €; 10 € card + 20 € cash → 10,75 back.
    assert receipt.total_cents == 1925
    assert receipt.ticket == f"T{sale.ticket_number:06d}"
    assert receipt.place_name == "Le Comptoir de Felletin"
    assert [(v.code, v.rate_bp, v.including_cents) for v in receipt.vat] == [
        ("A", 550, 1475),
        ("B", 2000, 450),
    ]
    assert all(v.excluding_cents + v.vat_cents == v.including_cents for v in receipt.vat)
    assert receipt.vat[1].vat_cents == 75  # 4,50 TTC at 20 %: 0,75 of VAT
    assert [line.quantity for line in receipt.lines] == ["2", "0,625 kg", "1"]
    assert [(p.label, p.amount_cents) for p in receipt.payments] == [
        ("Carte bancaire", 1000),
        ("Espèces", 2000),
    ]
    assert receipt.change_cents == 1075
    assert not receipt.duplicate
    text = "\n".join(receipt_text(receipt, 42))
    assert "Rendu" in text and "10,75 €" in text
    assert "TOTAL TTC" in text and "19,25 €" in text
    assert "Merci de votre visite" in text
    assert receipt.ticket in text


@pytest.mark.parametrize("width", WIDTHS)
def test_no_line_is_wider_than_the_roll_and_long_names_wrap(
    app: Comptoir, site: SiteInfo, width: int
) -> None:
    sale = a_sale(app, site)
    receipt = app.receipts.receipt(sale.id, change_cents=sale.change_cents)
    lines = receipt_text(receipt, width)
    assert max(len(line) for line in lines) <= width
    # The long name is whole, over several lines, and nothing of it is cut.
    joined = " ".join(line.strip() for line in lines)
    assert LONG_NAME in joined
    assert sum(1 for line in lines if "Millevaches" in line or "myrtilles" in line) >= 1
    duplicate = app.receipts.duplicate(sale.id)
    assert max(len(line) for line in receipt_text(duplicate, width)) <= width


def test_a_reprint_is_a_duplicate_counted_in_the_journal(app: Comptoir, site: SiteInfo) -> None:
    sale = a_sale(app, site)
    first = app.receipts.duplicate(sale.id)
    second = app.receipts.duplicate(sale.id)
    assert (first.duplicate, first.reprint) == (True, 1)
    assert second.reprint == 2
    assert "DUPLICATA" in receipt_text(second, 32)[0]
    assert "édité le" in "\n".join(receipt_text(second, 32))
    assert first.change_cents is None  # the change given is not kept: not on a duplicate
    with Session(app.engine) as session:
        lines = session.exec(
            select(TillJournal)
            .where(TillJournal.kind == JournalKind.DUPLICATE)
            .order_by(TillJournal.seq)
        ).all()
    assert [(line.ref_id, line.number) for line in lines] == [
        (sale.id, first.ticket),
        (sale.id, first.ticket),
    ]
    assert [json.loads(line.payload)["reprint"] for line in lines] == [1, 2]
    assert app.receipts.reprints(sale.id) == 2


def test_the_original_writes_nothing(app: Comptoir, site: SiteInfo) -> None:
    sale = a_sale(app, site)
    with Session(app.engine) as session:
        before = session.exec(select(func.count()).select_from(TillJournal)).one()
    app.receipts.receipt(sale.id)
    with Session(app.engine) as session:
        assert session.exec(select(func.count()).select_from(TillJournal)).one() == before


def test_the_pdf_reads_back(app: Comptoir, site: SiteInfo, tmp_path: Path) -> None:
    sale = a_sale(app, site)
    receipt = app.receipts.duplicate(sale.id)
    path = write_receipt_pdf(receipt, tmp_path / "ticket.pdf")
    reader = PdfReader(path)
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert receipt.ticket in text
    assert "Duplicata" in text
    assert "Merci de votre visite" in text
    assert "19,25" in text
    box = reader.pages[0].mediabox
    assert round(float(box.width) / 72 * 25.4) == 80  # an 80 mm roll


def test_the_printer_bytes(app: Comptoir, site: SiteInfo) -> None:
    sale = a_sale(app, site)
    original = printer.render(app.receipts.receipt(sale.id), 42)
    assert f"T{sale.ticket_number:06d}".encode() in original
    assert b"19,25" in original
    assert b"Duplicata" not in original
    assert original.endswith(b"\x1dV\x00")  # GS V 0: cut the paper
    duplicate = printer.render(app.receipts.duplicate(sale.id), 32)
    assert b"Duplicata" in duplicate and b"DUPLICATA" in duplicate


def test_printer_settings_are_checked() -> None:
    assert check_config(PrinterConfig("network", " 192.168.1.50:9100 ", 48)).address == (
        "192.168.1.50:9100"
    )
    assert check_config(PrinterConfig("usb", "04b8:0202", 42)).address == "04b8:0202"
    with pytest.raises(ValidationError, match="Adresse de l'imprimante"):
        check_config(PrinterConfig("network", "imprimante:99999", 42))
    with pytest.raises(ValidationError, match="Adresse de l'imprimante"):
        check_config(PrinterConfig("usb", "epson", 42))
    with pytest.raises(ValidationError, match="Largeur"):
        check_config(PrinterConfig("serial", "/dev/ttyUSB0", 40))


def test_a_printer_off_gives_a_french_message_and_the_sale_stays(
    app: Comptoir, site: SiteInfo
) -> None:
    sale = a_sale(app, site)
    # A port nobody listens on: the connection is refused at once.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = PrinterConfig("network", f"127.0.0.1:{port}", 42)
    with pytest.raises(PrinterError, match="ne répond pas") as caught:
        printer.print_receipt(config, app.receipts.receipt(sale.id))
    assert "La vente est bien enregistrée" in caught.value.message
    with Session(app.engine) as session:
        assert session.get(Sale, sale.id) is not None


def test_paper_out_is_said(monkeypatch: pytest.MonkeyPatch) -> None:
    class NoPaper:
        device = None
        sent = b""

        def open(self) -> None:
            pass

        def paper_status(self) -> int:
            return 0

        def _raw(self, data: bytes) -> None:
            self.sent += data

        def close(self) -> None:
            pass

    device = NoPaper()
    monkeypatch.setattr(printer, "_open", lambda config: device)
    with pytest.raises(PrinterError, match="plus de papier"):
        printer.print_test(PrinterConfig("network", "10.0.0.9", 42))
    assert device.sent == b""


def test_no_printer_set(app: Comptoir, site: SiteInfo) -> None:
    with pytest.raises(PrinterError, match="Aucune imprimante"):
        printer.print_test(PrinterConfig())


def test_the_billing_settings_name_the_seller(app: Comptoir, site: SiteInfo) -> None:
    from tiers_lieu.services.till.billing import BillingSettings

    sale = a_sale(app, site)
    before = app.receipts.receipt(sale.id)
    assert before.siret == "" and before.vat_mention == ""
    app.billing.save(
        site.id,
        BillingSettings(
            legal_name="Association La Fabrique",
            legal_form="Association loi 1901",
            siret="732 829 320 00074",
            address="2 place du Marché",
            postal_code="23500",
            city="Felletin",
        ),
    )
    receipt = app.receipts.receipt(sale.id)
    assert receipt.siret == "73282932000074"
    text = "\n".join(receipt_text(receipt, 32))
    assert "SIRET 732 829 320 00074" in text
    assert "2 place du Marché" in text and "23500 Felletin" in text
    assert "TVA non applicable, art. 293 B du CGI" in " ".join(text.split())


def test_a_reversing_ticket_names_the_ticket_it_cancels(app: Comptoir, site: SiteInfo) -> None:
    sale = a_sale(app, site)
    reversal = app.grocery.sales.cancel(sale.id)
    receipt = app.receipts.receipt(reversal.id)
    assert receipt.reverses == f"T{sale.ticket_number:06d}"
    assert receipt.total_cents == -1925
    assert sum(p.amount_cents for p in receipt.payments) == -1925  # refunded
    text = "\n".join(receipt_text(receipt, 42))
    assert f"Annulation du ticket T{sale.ticket_number:06d}" in text
    assert "-19,25 €" in text


def test_duplicates_on_postgresql(pg_url: str) -> None:
    from tiers_lieu.app import build

    with build(pg_url) as app:
        site = app.sites.init_site(name="Le Comptoir", commune_name="Felletin")
        sale = a_sale(app, site)
        assert [app.receipts.duplicate(sale.id).reprint for _ in range(2)] == [1, 2]
        assert app.receipts.receipt(sale.id).total_cents == 1925
