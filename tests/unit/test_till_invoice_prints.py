"""An issued invoice or credit note printed again is a « Duplicata » (issue 21): the first PDF
is the original, every later one says « Duplicata » in its title block; each print is a line
of the till journal (PRINT for the original, DUPLICATE after, in the signed-in account's
name), so the original stays known once the audit log is purged. A draft and a quote are
never duplicates and leave no line. A closure's first print is known the same way."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from pdftext import pdf_text
from sqlmodel import Session, col, select

from tiers_lieu.app import Comptoir, build
from tiers_lieu.errors import ComptoirError
from tiers_lieu.models import TillJournal
from tiers_lieu.models.enums import InvoiceKind, Role
from tiers_lieu.reports.documents.invoice import write_invoice
from tiers_lieu.reports.documents.z_report import write_z_pdf
from tiers_lieu.services.grocery.products import ProductFields
from tiers_lieu.services.grocery.sales import LineInput as SaleLine
from tiers_lieu.services.grocery.sales import PaymentInput as SalePayment
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.services.till.billing import BillingSettings
from tiers_lieu.services.till.clients import ClientInfo, ClientInput
from tiers_lieu.services.till.invoices import DocumentInput, LineInput

DAY = date(2026, 3, 10)
PASSWORD = "correct horse battery"


@pytest.fixture
def client(app: Comptoir, site: SiteInfo) -> ClientInfo:
    return client_of(app, site)


def client_of(app: Comptoir, site: SiteInfo) -> ClientInfo:
    app.billing.save(
        site.id,
        BillingSettings(
            legal_name="Association Le Comptoir",
            siret="44306184100047",
            address="2 place de la Mairie",
            postal_code="23500",
            city="Felletin",
        ),
    )
    return app.clients.create(
        site.id,
        ClientInput(
            name="Atelier Terre et Bois",
            address="5 rue des Tanneurs",
            postal_code="23200",
            city="Aubusson",
        ),
    )


def draft(app: Comptoir, site: SiteInfo, client: ClientInfo, kind: str = InvoiceKind.INVOICE):
    line = LineInput(description="Location de bureau", unit_price_cents=10000, unit="mois")
    return app.invoices.create(site.id, kind, DocumentInput(client_id=client.id, lines=(line,)))


def printed(app: Comptoir, document_id: uuid.UUID, path: Path) -> str:
    """The document written as its PDF through the service's print, read back."""
    app.invoices.print_document(document_id, write=lambda doc: write_invoice(doc, path))
    return pdf_text(path)


def prints(app: Comptoir, ref_id: uuid.UUID) -> list[tuple[str, str, str, int | None]]:
    """The journal's print lines of ``ref_id``: (kind, number, actor, reprint)."""
    with Session(app.engine) as session:
        lines = session.exec(
            select(TillJournal)
            .where(
                TillJournal.ref_id == ref_id,
                col(TillJournal.kind).in_(["print", "duplicate"]),
            )
            .order_by(col(TillJournal.seq))
        ).all()
    return [(x.kind, x.number, x.actor, json.loads(x.payload).get("reprint")) for x in lines]


def journal_size(app: Comptoir) -> int:
    with Session(app.engine) as session:
        return session.exec(select(sa.func.count()).select_from(TillJournal)).one()


def test_an_issued_invoice_is_the_original_once_then_a_duplicate(
    app: Comptoir, site: SiteInfo, client: ClientInfo, tmp_path: Path
) -> None:
    host = app.accounts.create_user(
        username="hote", display_name="Hôte", password=PASSWORD, role=Role.HOST
    )
    app.access.sign_in(host)
    invoice = app.invoices.issue(draft(app, site, client).id, issued_on=DAY)
    assert not app.invoices.document(invoice.id).duplicate  # never printed yet
    original = printed(app, invoice.id, tmp_path / "original.pdf")
    assert "Facture F2026-0001" in original and "Duplicata" not in original
    again = printed(app, invoice.id, tmp_path / "again.pdf")
    assert "Duplicata" in again and "Facture F2026-0001" in again
    assert "Duplicata n° 1" in again and "édité le" in again
    third = printed(app, invoice.id, tmp_path / "third.pdf")
    assert "Duplicata n° 2" in third
    assert prints(app, invoice.id) == [
        ("print", "F2026-0001", "Hôte", None),
        ("duplicate", "F2026-0001", "Hôte", 1),
        ("duplicate", "F2026-0001", "Hôte", 2),
    ]
    # Read without printing, a document already printed is never an unmarked second original.
    assert app.invoices.document(invoice.id).duplicate


def test_a_credit_note_printed_again_is_a_duplicate(
    app: Comptoir, site: SiteInfo, client: ClientInfo, tmp_path: Path
) -> None:
    invoice = app.invoices.issue(draft(app, site, client).id, issued_on=DAY)
    note = app.invoices.credit(invoice.id, issued_on=DAY)
    original = printed(app, note.id, tmp_path / "avoir.pdf")
    assert "Avoir A2026-0001" in original and "Duplicata" not in original
    assert "Duplicata" in printed(app, note.id, tmp_path / "avoir-2.pdf")
    # The invoice has its own count: its first print is still the original.
    assert "Duplicata" not in printed(app, invoice.id, tmp_path / "facture.pdf")
    assert [kind for kind, *_rest in prints(app, note.id)] == ["print", "duplicate"]
    assert [kind for kind, *_rest in prints(app, invoice.id)] == ["print"]


def test_a_draft_and_a_quote_are_never_duplicates_and_leave_no_line(
    app: Comptoir, site: SiteInfo, client: ClientInfo, tmp_path: Path
) -> None:
    invoice = draft(app, site, client)
    quote = draft(app, site, client, InvoiceKind.QUOTE)
    before = journal_size(app)
    for attempt in range(2):
        text = printed(app, invoice.id, tmp_path / f"brouillon-{attempt}.pdf")
        assert "Brouillon" in text and "Duplicata" not in text
        assert "Duplicata" not in printed(app, quote.id, tmp_path / f"devis-{attempt}.pdf")
    app.invoices.send_quote(quote.id, issued_on=DAY)
    for attempt in range(2):
        text = printed(app, quote.id, tmp_path / f"devis-envoye-{attempt}.pdf")
        assert "Devis D2026-0001" in text and "Duplicata" not in text
    assert journal_size(app) == before


def purge_audit(app: Comptoir) -> None:
    """The audit log emptied as its retention purge would leave it past the retention (the
    trigger refusing recent deletions set aside for the test)."""
    with app.engine.begin() as connection:
        connection.execute(sa.text("DROP TRIGGER IF EXISTS audit_entry_no_recent_delete"))
        connection.execute(sa.text("DELETE FROM audit_entry"))


def test_the_original_is_known_once_the_audit_log_is_purged(
    app: Comptoir, site: SiteInfo, client: ClientInfo, tmp_path: Path
) -> None:
    invoice = app.invoices.issue(draft(app, site, client).id, issued_on=DAY)
    assert "Duplicata" not in printed(app, invoice.id, tmp_path / "facture.pdf")
    purge_audit(app)
    assert "Duplicata" in printed(app, invoice.id, tmp_path / "facture-2.pdf")


def test_a_closure_printed_again_after_the_audit_purge_is_still_a_duplicate(
    app: Comptoir, site: SiteInfo, tmp_path: Path
) -> None:
    """Its first print used to be known from its EXPORT audit line alone."""
    z = closed_day(app, site)
    assert "Duplicata" not in z_printed(app, z, tmp_path / "z.pdf")
    purge_audit(app)
    assert app.till_closures.report(z).closure.duplicate  # type: ignore[union-attr]
    assert "Duplicata" in z_printed(app, z, tmp_path / "z-2.pdf")
    assert [kind for kind, *_rest in prints(app, z)] == ["print", "duplicate"]


def z_printed(app: Comptoir, closure_id: uuid.UUID, path: Path) -> str:
    app.till_closures.print_report(closure_id, write=lambda z: write_z_pdf(z, path))
    return pdf_text(path)


def closed_day(app: Comptoir, site: SiteInfo) -> uuid.UUID:
    """Today's Z after one sale."""
    product = app.grocery.products.create(
        site.id, ProductFields(name="Pain", price_cents=480, vat_rate_bp=550)
    )
    app.grocery.stock.receive(
        site_id=site.id, product_id=product.id, quantity_milli=5000, unit_cost_cents=None
    )
    app.grocery.sales.record(
        site_id=site.id,
        lines=[SaleLine(product.id, 1000)],
        payments=[SalePayment("cash", 480)],
    )
    today = datetime.now(UTC).astimezone(site.zone).date()
    return app.till_closures.close_day(site_id=site.id, day=today)[-1].id


def test_a_pdf_that_cannot_be_written_is_not_a_print_and_the_next_is_the_original(
    app: Comptoir, site: SiteInfo, client: ClientInfo, tmp_path: Path
) -> None:
    """A folder gone (a USB key pulled out): nothing recorded, no folder made, and the PDF
    written next is still the original, for an invoice as for a closure."""
    invoice = app.invoices.issue(draft(app, site, client).id, issued_on=DAY)
    z = closed_day(app, site)
    gone = tmp_path / "cle-usb"
    before = journal_size(app)
    with pytest.raises(ComptoirError, match="ne peut pas être écrit"):
        app.invoices.print_document(
            invoice.id, write=lambda doc: write_invoice(doc, gone / "f.pdf")
        )
    with pytest.raises(ComptoirError, match="ne peut pas être écrit"):
        app.till_closures.print_report(z, write=lambda report: write_z_pdf(report, gone / "z.pdf"))
    assert journal_size(app) == before
    assert not gone.exists()
    assert "Duplicata" not in printed(app, invoice.id, tmp_path / "facture.pdf")
    assert "Duplicata" not in z_printed(app, z, tmp_path / "z.pdf")
    assert [kind for kind, *_rest in prints(app, invoice.id)] == ["print"]
    assert [kind for kind, *_rest in prints(app, z)] == ["print"]


def test_the_prints_are_the_same_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    pg = build(pg_url)
    try:
        site = pg.sites.init_site(name="Le Comptoir", commune_name="Felletin", insee_code="23079")
        invoice = pg.invoices.issue(draft(pg, site, client_of(pg, site)).id, issued_on=DAY)
        assert "Duplicata" not in printed(pg, invoice.id, tmp_path / "facture.pdf")
        assert "Duplicata n° 1" in printed(pg, invoice.id, tmp_path / "facture-2.pdf")
        assert [kind for kind, *_rest in prints(pg, invoice.id)] == ["print", "duplicate"]
    finally:
        pg.close()
