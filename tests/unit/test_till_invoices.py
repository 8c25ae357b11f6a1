"""Quotes, invoices and credit notes (issue 21): continuous numbers per place and year (a new
year starts again at 0001, a draft has none), an issued invoice that neither the service nor
raw SQL can change, credit notes and their totals, a quote turned into an invoice, the line of
a booking from its price, VAT per rate or the 293 B exemption, payments and what is still due,
and the legal mentions of the PDF read back."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select
from test_agenda_support import make_place, paris

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import ConflictError, ValidationError
from tiers_lieu.models import Invoice, TillJournal
from tiers_lieu.models.enums import InvoiceKind
from tiers_lieu.services.agenda.inputs import BookingRequest
from tiers_lieu.services.agenda.resources import ResourceFields
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.services.till.billing import BillingSettings
from tiers_lieu.services.till.clients import ClientInfo, ClientInput
from tiers_lieu.services.till.invoices import (
    OVERDUE,
    PAID,
    PARTLY_PAID,
    TO_PAY,
    DocumentInput,
    LineInput,
    PaymentInput,
)

SIRET = "73282932000074"
SELLER = BillingSettings(
    legal_name="Association Le Comptoir",
    legal_form="Association loi 1901",
    siret="44306184100047",
    address="2 place de la Mairie",
    postal_code="23500",
    city="Felletin",
)
DAY = date(2026, 3, 10)


@pytest.fixture
def seller(app: Comptoir, site: SiteInfo) -> BillingSettings:
    return app.billing.save(site.id, SELLER)


@pytest.fixture
def client(app: Comptoir, site: SiteInfo, seller: BillingSettings) -> ClientInfo:
    return app.clients.create(
        site.id,
        ClientInput(
            name="Atelier Terre et Bois",
            siret=SIRET,
            address="5 rue des Tanneurs",
            postal_code="23200",
            city="Aubusson",
        ),
    )


def desk_hire(cents: int = 10000, rate: int = 0) -> LineInput:
    return LineInput(
        description="Location de bureau",
        quantity_milli=1000,
        unit="mois",
        unit_price_cents=cents,
        vat_rate_bp=rate,
    )


def issued(app: Comptoir, site: SiteInfo, client: ClientInfo, day: date = DAY, **kw: object):
    draft = app.invoices.create(
        site.id, InvoiceKind.INVOICE, DocumentInput(client_id=client.id, lines=(desk_hire(**kw),))
    )
    return app.invoices.issue(draft.id, issued_on=day)


def test_a_draft_has_no_number_and_issued_invoices_follow_each_other_per_year(
    app: Comptoir, site: SiteInfo, client: ClientInfo
) -> None:
    draft = app.invoices.create(
        site.id, InvoiceKind.INVOICE, DocumentInput(client_id=client.id, lines=(desk_hire(),))
    )
    assert draft.row.number is None and draft.row.state_label == "brouillon"
    first = app.invoices.issue(draft.id, issued_on=DAY)
    second = issued(app, site, client, date(2026, 12, 31))
    assert (first.row.number, second.row.number) == ("F2026-0001", "F2026-0002")
    assert first.row.due_on == date(2026, 4, 9)  # 30 days, the default terms
    # A new year starts again at 0001; a quote and a credit note have their own series.
    assert issued(app, site, client, date(2027, 1, 2)).row.number == "F2027-0001"
    quote = app.invoices.create(
        site.id, InvoiceKind.QUOTE, DocumentInput(client_id=client.id, lines=(desk_hire(),))
    )
    assert app.invoices.send_quote(quote.id, issued_on=DAY).row.number == "D2026-0001"
    note = app.invoices.credit(first.id, issued_on=DAY)
    assert note.row.number == "A2026-0001"
    # A draft deleted leaves no hole: only issued documents have numbers.
    spare = app.invoices.create(
        site.id, InvoiceKind.INVOICE, DocumentInput(client_id=client.id, lines=(desk_hire(),))
    )
    app.invoices.delete(spare.id)
    assert issued(app, site, client, date(2027, 1, 3)).row.number == "F2027-0002"
    # Numbers follow dates: an invoice dated before the last one of its year is refused.
    with pytest.raises(ValidationError, match="numérotation suit les dates"):
        issued(app, site, client, date(2027, 1, 1))


def test_an_issued_invoice_is_never_changed_by_the_service_nor_by_sql(
    app: Comptoir, site: SiteInfo, client: ClientInfo
) -> None:
    invoice = issued(app, site, client)
    data = DocumentInput(client_id=client.id, lines=(desk_hire(5000),))
    with pytest.raises(ConflictError, match="F2026-0001 est émise"):
        app.invoices.update(invoice.id, data)
    with pytest.raises(ConflictError, match="avoir"):
        app.invoices.delete(invoice.id)
    with pytest.raises(ConflictError):
        app.invoices.issue(invoice.id)
    with Session(app.engine) as session:
        for statement in (
            "UPDATE invoice SET total_cents = 1 WHERE id = :id",
            "DELETE FROM invoice WHERE id = :id",
            "UPDATE invoice_line SET unit_price_cents = 1 WHERE invoice_id = :id",
            "DELETE FROM invoice_line WHERE invoice_id = :id",
        ):
            with pytest.raises(sa.exc.DatabaseError, match="issued invoice"):
                session.execute(sa.text(statement), {"id": invoice.id.hex})
            session.rollback()
    again = app.invoices.get(invoice.id)
    assert again.row.total_cents == 10000 and again.lines[0].unit_price_cents == 10000


def test_issuing_writes_the_seller_the_client_the_totals_and_a_journal_line(
    app: Comptoir, site: SiteInfo, client: ClientInfo
) -> None:
    invoice = issued(app, site, client)
    # The client moves: the issued invoice keeps the address it was issued to.
    app.clients.update(
        client.id, ClientInput(name=client.name, siret=SIRET, address="1 rue Neuve", city="Guéret")
    )
    info = app.invoices.get(invoice.id)
    assert info.buyer["address"] == "5 rue des Tanneurs" and info.buyer["siret"] == SIRET
    assert info.seller["legal_name"] == "Association Le Comptoir"
    assert info.seller["siret"] == "44306184100047"
    with Session(app.engine) as session:
        line = session.exec(select(TillJournal).where(TillJournal.kind == "invoice")).one()
    assert (line.number, line.amount_cents, line.ref_id) == ("F2026-0001", 10000, invoice.id)


def test_an_invoice_needs_the_seller_s_identity_and_the_client_s_address(
    app: Comptoir, site: SiteInfo
) -> None:
    someone = app.clients.create(site.id, ClientInput(name="Mme Durand"))
    draft = app.invoices.create(
        site.id, InvoiceKind.INVOICE, DocumentInput(client_id=someone.id, lines=(desk_hire(),))
    )
    with pytest.raises(ValidationError, match="Paramètres › Facturation : Raison sociale"):
        app.invoices.issue(draft.id)
    assert app.invoices.get(draft.id).row.number is None
    app.billing.save(site.id, SELLER)
    with pytest.raises(ValidationError, match="Client : l'adresse de « Mme Durand » manque"):
        app.invoices.issue(draft.id)
    app.clients.update(
        someone.id, ClientInput(name="Mme Durand", address="1 rue Basse", city="Felletin")
    )
    assert app.invoices.issue(draft.id).row.number is not None


def test_vat_per_rate_when_the_place_charges_vat_and_the_293_b_exemption_otherwise(
    app: Comptoir, site: SiteInfo, client: ClientInfo
) -> None:
    # Under the exemption a line with VAT is refused, naming the line.
    with pytest.raises(ValidationError, match="Ligne 1 : le lieu n'applique pas la TVA"):
        app.invoices.create(
            site.id,
            InvoiceKind.INVOICE,
            DocumentInput(client_id=client.id, lines=(desk_hire(rate=2000),)),
        )
    exempt = issued(app, site, client)
    assert (exempt.totals.vat_cents, exempt.totals.total_cents) == (0, 10000)
    app.billing.save(site.id, replace(SELLER, vat_regime="assujetti", vat_number="FR40443061841"))
    lines = (
        desk_hire(10000, 2000),
        LineInput(
            description="Café",
            quantity_milli=3000,
            unit="tasse",
            unit_price_cents=95,
            vat_rate_bp=550,
        ),
        desk_hire(2050, 2000),
    )
    draft = app.invoices.create(
        site.id, InvoiceKind.INVOICE, DocumentInput(client_id=client.id, lines=lines)
    )
    info = app.invoices.issue(draft.id, issued_on=DAY)
    rows = [(r.rate_bp, r.net_cents, r.vat_cents) for r in info.totals.by_rate]
    assert rows == [(2000, 12050, 2410), (550, 285, 16)]
    assert (info.row.total_cents, info.totals.net_cents) == (14761, 12335)


def test_credit_notes_cancel_all_or_part_of_an_invoice_and_no_more(
    app: Comptoir, site: SiteInfo, client: ClientInfo
) -> None:
    invoice = issued(app, site, client, cents=12000)
    part = app.invoices.credit(
        invoice.id,
        lines=(LineInput(description="Geste commercial", unit_price_cents=2000),),
        issued_on=DAY,
    )
    assert part.row.number == "A2026-0001" and part.row.total_cents == 2000
    assert part.credits_number == "F2026-0001"
    assert app.invoices.get(invoice.id).row.due_cents == 10000
    with pytest.raises(ValidationError, match="dépasse ce qui reste de la facture"):
        app.invoices.credit(invoice.id)  # the whole 120 € when 100 € are left
    rest = app.invoices.credit(
        invoice.id, lines=(LineInput(description="Annulation", unit_price_cents=10000),)
    )
    assert rest.row.number == "A2026-0002"
    assert app.invoices.get(invoice.id).row.state == PAID  # nothing left to pay
    with Session(app.engine) as session:
        credits = session.exec(select(TillJournal).where(TillJournal.kind == "credit")).all()
    assert [c.amount_cents for c in credits] == [-2000, -10000]
    with pytest.raises(ConflictError, match="émise"):
        app.invoices.update(part.id, DocumentInput(client_id=client.id, lines=(desk_hire(),)))


def test_a_quote_turned_into_an_invoice_keeps_its_lines_and_link(
    app: Comptoir, site: SiteInfo, client: ClientInfo
) -> None:
    quote = app.invoices.create(
        site.id,
        InvoiceKind.QUOTE,
        DocumentInput(client_id=client.id, subject="Résidence d'artistes", lines=(desk_hire(),)),
    )
    sent = app.invoices.send_quote(quote.id, issued_on=DAY)
    assert sent.row.due_on == date(2026, 4, 9)  # valid 30 days
    with pytest.raises(ConflictError, match="envoyé"):
        app.invoices.update(quote.id, DocumentInput(client_id=client.id, lines=()))
    invoice = app.invoices.invoice_quote(quote.id)
    assert invoice.quote_id == quote.id and invoice.quote_number == "D2026-0001"
    assert invoice.row.number is None and invoice.row.subject == "Résidence d'artistes"
    assert [x.description for x in invoice.lines] == ["Location de bureau"]
    assert app.invoices.get(quote.id).row.state_label == "facturé"
    with pytest.raises(ConflictError, match="déjà été facturé"):
        app.invoices.invoice_quote(quote.id)


def test_a_booking_becomes_a_line_with_its_price(
    app: Comptoir, site: SiteInfo, client: ClientInfo
) -> None:
    place = make_place(app, site)
    room = app.agenda.resources.update(
        place.room.id,
        ResourceFields(
            name=place.room.name,
            kind=place.room.kind,
            capacity=place.room.capacity,
            min_duration_min=place.room.min_duration_min,
            max_duration_min=place.room.max_duration_min,
            buffer_min=place.room.buffer_min,
            service_id=place.room.service_id,
            hourly_price_cents=1500,
        ),
    )
    two_hours = app.agenda.bookings.create(
        site.id,
        BookingRequest(
            resource_id=room.id,
            start=paris(2026, 3, 10, 14),
            end=paris(2026, 3, 10, 16),
            organisation="Atelier Terre et Bois",
        ),
    )
    billable = app.invoices.booking_line(two_hours.id)
    line = billable.line
    assert (line.quantity_milli, line.unit, line.unit_price_cents, line.vat_rate_bp) == (
        2000,
        "h",
        1500,
        0,
    )
    assert line.booking_id == two_hours.id and "10 mars 2026, 14:00–16:00" in line.description
    assert billable.client == client  # found by the booking's organisation
    agreed = app.agenda.bookings.create(
        site.id,
        BookingRequest(
            resource_id=room.id,
            start=paris(2026, 3, 11, 10),
            end=paris(2026, 3, 11, 12),
            organisation="Atelier Terre et Bois",
            price_cents=2550,
        ),
    )
    forfait = app.invoices.booking_line(agreed.id).line
    assert (forfait.quantity_milli, forfait.unit, forfait.unit_price_cents) == (
        1000,
        "forfait",
        2550,
    )
    found = app.invoices.billable_bookings(site.id, since=date(2026, 3, 1), until=date(2026, 3, 31))
    assert [b.line.booking_id for b in found] == [two_hours.id, agreed.id]
    draft = app.invoices.create(
        site.id, InvoiceKind.INVOICE, DocumentInput(client_id=client.id, lines=(line,))
    )
    app.invoices.issue(draft.id, issued_on=DAY)
    assert app.invoices.booking_line(two_hours.id).invoiced == "F2026-0001"
    # When the place charges VAT, the agreed price is what the client pays, VAT included.
    app.billing.save(site.id, replace(SELLER, vat_regime="assujetti", vat_number="FR40443061841"))
    taxed = app.invoices.booking_line(two_hours.id).line
    assert (taxed.unit_price_cents, taxed.vat_rate_bp) == (1250, 2000)


def test_payments_and_what_is_still_due(app: Comptoir, site: SiteInfo, client: ClientInfo) -> None:
    invoice = issued(app, site, client, cents=12000)
    assert app.invoices.get(invoice.id, today=DAY).row.state == TO_PAY
    paid = app.invoices.record_payment(
        invoice.id, PaymentInput(amount_cents=5000, method="transfer", paid_on=DAY)
    )
    assert (paid.row.paid_cents, paid.row.due_cents) == (5000, 7000)
    assert app.invoices.get(invoice.id, today=DAY).row.state == PARTLY_PAID
    assert app.invoices.get(invoice.id, today=date(2026, 5, 1)).row.state == OVERDUE
    assert app.invoices.get(invoice.id, today=DAY).row.state_label == "partiellement payée"
    with pytest.raises(ValidationError, match="il reste 70,00"):
        app.invoices.record_payment(
            invoice.id, PaymentInput(amount_cents=8000, method="cash", paid_on=DAY)
        )
    with pytest.raises(ValidationError, match="Moyen de paiement"):
        app.invoices.record_payment(
            invoice.id, PaymentInput(amount_cents=10, method="bitcoin", paid_on=DAY)
        )
    app.invoices.record_payment(
        invoice.id, PaymentInput(amount_cents=7000, method="cheque", paid_on=DAY)
    )
    rows = app.invoices.documents(site.id, today=date(2026, 6, 1))
    assert [(r.number, r.state_label) for r in rows] == [("F2026-0001", "payée")]
    # Each payment is a line of the till journal, and the chain still verifies.
    with app.uow(read_only=True) as uow:
        lines = uow.session.exec(
            select(TillJournal.number, TillJournal.amount_cents)
            .where(TillJournal.kind == "payment")
            .order_by(TillJournal.seq)
        ).all()
    assert [tuple(line) for line in lines] == [
        ("F2026-0001", 5000),
        ("F2026-0001", 7000),
    ]
    assert app.till_journal.verify().intact
    draft = app.invoices.create(
        site.id, InvoiceKind.INVOICE, DocumentInput(client_id=client.id, lines=(desk_hire(),))
    )
    with pytest.raises(ConflictError, match="facture émise"):
        app.invoices.record_payment(
            draft.id, PaymentInput(amount_cents=10, method="cash", paid_on=DAY)
        )


def test_the_list_searches_numbers_clients_and_subjects(
    app: Comptoir, site: SiteInfo, client: ClientInfo
) -> None:
    issued(app, site, client)
    other = app.clients.create(site.id, ClientInput(name="Mairie de Felletin"))
    app.invoices.create(
        site.id,
        InvoiceKind.QUOTE,
        DocumentInput(client_id=other.id, subject="Salle du conseil", lines=(desk_hire(),)),
    )
    assert [r.client_name for r in app.invoices.documents(site.id, search="mairie")] == [
        "Mairie de Felletin"
    ]
    assert [r.number for r in app.invoices.documents(site.id, search="F2026")] == ["F2026-0001"]
    assert [r.kind for r in app.invoices.documents(site.id, kind="quote")] == ["quote"]


def test_the_pdf_carries_the_legal_mentions(
    app: Comptoir, site: SiteInfo, client: ClientInfo, tmp_path: Path
) -> None:
    from pypdf import PdfReader

    from tiers_lieu.reports.documents.invoice import write_invoice

    invoice = issued(app, site, client)
    path = tmp_path / "facture.pdf"
    write_invoice(app.invoices.document(invoice.id), path)
    text = " ".join(page.extract_text() for page in PdfReader(path).pages)
    text = " ".join(text.split())
    for wanted in (
        "Facture F2026-0001",
        "Association Le Comptoir",
        "Association loi 1901",
        "443 061 841 00047",
        "Atelier Terre et Bois",
        "5 rue des Tanneurs",
        "732 829 320 00074",
        "10 mars 2026",
        "TVA non applicable, art. 293 B du CGI",
        "9 avril 2026",
        "Pas d'escompte pour paiement anticipé",
        "pénalités",
        "40,00 €",
        "L441-10",
        "100,00 €",
    ):
        assert wanted in text, wanted
    note = app.invoices.credit(invoice.id, issued_on=DAY)
    write_invoice(app.invoices.document(note.id), path)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(path).pages).split())
    assert "Avoir A2026-0001" in text and "Avoir sur la facture F2026-0001" in text


def test_the_pdf_shows_vat_per_rate_without_the_exemption(
    app: Comptoir, site: SiteInfo, client: ClientInfo, tmp_path: Path
) -> None:
    from pypdf import PdfReader

    from tiers_lieu.reports.documents.invoice import write_invoice

    app.billing.save(site.id, replace(SELLER, vat_regime="assujetti", vat_number="FR40443061841"))
    draft = app.invoices.create(
        site.id,
        InvoiceKind.INVOICE,
        DocumentInput(
            client_id=client.id,
            lines=(
                desk_hire(10000, 2000),
                LineInput(description="Repas", unit_price_cents=1000, vat_rate_bp=1000),
            ),
        ),
    )
    path = tmp_path / "brouillon.pdf"
    write_invoice(app.invoices.document(draft.id), path)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(path).pages).split())
    assert "Brouillon" in text and "293 B" not in text
    assert "TVA 20 %" in text and "TVA 10 %" in text and "FR40443061841" in text
    assert "131,00 €" in text  # 110 € + 20 € + 1 €


def test_issuing_twice_at_once_cannot_give_one_number_twice(
    app: Comptoir, site: SiteInfo, client: ClientInfo
) -> None:
    """The unique constraint is the last guard behind the chain's lock."""
    first = issued(app, site, client)
    with Session(app.engine) as session:
        row = session.get(Invoice, first.id)
        assert row is not None
        copy = Invoice(
            site_id=site.id,
            kind="invoice",
            status="issued",
            number="F2026-0001",
            year=2026,
            seq=1,
            client_id=client.id,
        )
        session.add(copy)
        with pytest.raises(sa.exc.IntegrityError):
            session.commit()


def test_numbers_and_guards_on_postgresql_with_two_desks_issuing_at_once(pg_url: str) -> None:
    """Two desks issuing at the same moment get two numbers that follow each other (the
    chain's advisory lock); the triggers refuse changing or deleting an issued invoice."""
    import contextlib
    from concurrent.futures import ThreadPoolExecutor

    from tiers_lieu.app import build

    with contextlib.closing(build(pg_url)) as app, contextlib.closing(build(pg_url)) as other:
        site = app.sites.init_site(name="Le Relais", commune_name="Felletin")
        app.billing.save(site.id, SELLER)
        buyer = app.clients.create(
            site.id, ClientInput(name="Mairie de Felletin", address="Place", city="Felletin")
        )
        drafts = [
            app.invoices.create(
                site.id,
                InvoiceKind.INVOICE,
                DocumentInput(client_id=buyer.id, lines=(desk_hire(),)),
            )
            for _ in range(6)
        ]
        desks = [app, other] * 3
        with ThreadPoolExecutor(max_workers=2) as pool:
            numbers = list(
                pool.map(
                    lambda pair: pair[0].invoices.issue(pair[1].id, issued_on=DAY).row.number,
                    zip(desks, drafts, strict=True),
                )
            )
        assert sorted(numbers) == [f"F2026-000{n}" for n in range(1, 7)]
        first = drafts[0].id
        with Session(app.engine) as session:
            for statement in (
                "UPDATE invoice SET total_cents = 1 WHERE id = :id",
                "DELETE FROM invoice WHERE id = :id",
                "UPDATE invoice_line SET unit_price_cents = 1 WHERE invoice_id = :id",
            ):
                with pytest.raises(sa.exc.DatabaseError, match="issued invoice"):
                    session.execute(sa.text(statement), {"id": first})
                session.rollback()
        assert app.invoices.credit(first, issued_on=DAY).row.number == "A2026-0001"


def test_a_coworking_pass_becomes_a_line_with_its_price_and_its_person_s_client(
    app: Comptoir, site: SiteInfo, seller: BillingSettings
) -> None:
    from tiers_lieu.models.enums import PaymentMethod
    from tiers_lieu.services.people import PersonInput

    person = app.people.create(site.id, PersonInput(first_name="Aline", last_name="Dubreuil"))
    linked = app.clients.create(
        site.id,
        ClientInput(
            name="Aline Dubreuil", address="3 rue Haute", city="Felletin", person_id=person.id
        ),
    )
    assert not linked.business  # a private person: no 40 € indemnity on her invoices
    card = app.agenda.passes.create_type(
        site_id=site.id, name="Carte 10 journées", kind="ten_pass", price_cents=12000
    )
    sold = app.agenda.passes.sell(
        site_id=site.id,
        person_id=person.id,
        pass_type_id=card.id,
        method=PaymentMethod.CARD,
        paid_on=DAY,
    )
    billable = app.invoices.pass_line(sold.id)
    assert billable.client == linked and billable.service_on == DAY
    line = billable.line
    assert (line.quantity_milli, line.unit, line.unit_price_cents, line.pass_id) == (
        1000,
        "forfait",
        12000,
        sold.id,
    )
    assert line.description.startswith("Carte 10 journées")
    draft = app.invoices.create(
        site.id, InvoiceKind.INVOICE, DocumentInput(client_id=linked.id, lines=(line,))
    )
    mentions = app.invoices.document(app.invoices.issue(draft.id, issued_on=DAY).id).mentions
    assert not any("L441-10" in m for m in mentions)
    assert "Pas d'escompte pour paiement anticipé." in mentions


def test_passes_to_invoice_leave_out_those_on_an_issued_invoice(
    app: Comptoir, site: SiteInfo, seller: BillingSettings
) -> None:
    from tiers_lieu.models.enums import PaymentMethod
    from tiers_lieu.services.people import PersonInput

    aline = app.people.create(site.id, PersonInput(first_name="Aline", last_name="Dubreuil"))
    marc = app.people.create(site.id, PersonInput(first_name="Marc", last_name="Lenoir"))
    linked = app.clients.create(
        site.id,
        ClientInput(
            name="Aline Dubreuil", address="3 rue Haute", city="Felletin", person_id=aline.id
        ),
    )
    card = app.agenda.passes.create_type(
        site_id=site.id, name="Carte 10 journées", kind="ten_pass", price_cents=12000
    )
    free = app.agenda.passes.create_type(
        site_id=site.id, name="Journée découverte", kind="day", price_cents=0
    )
    day = app.agenda.passes.create_type(
        site_id=site.id, name="Journée", kind="day", price_cents=1500
    )

    def sell(person_id, kind_id, day):  # type: ignore[no-untyped-def]
        return app.agenda.passes.sell(
            site_id=site.id,
            person_id=person_id,
            pass_type_id=kind_id,
            method=PaymentMethod.CARD,
            paid_on=day,
        )

    first = sell(aline.id, card.id, DAY)
    second = sell(aline.id, card.id, date(2026, 3, 20))
    sell(aline.id, free.id, DAY)  # nothing to invoice
    theirs = sell(marc.id, card.id, DAY)
    sell(marc.id, card.id, date(2025, 1, 6))  # before the window
    since = date(2026, 1, 1)
    found = app.invoices.billable_passes(site.id, since=since)
    assert [b.line.pass_id for b in found] == [second.id, theirs.id, first.id]  # latest first
    assert [b.holder for b in found] == ["Aline Dubreuil", "Marc Lenoir", "Aline Dubreuil"]
    assert [b.client for b in found] == [linked, None, linked]
    assert found[0].line == app.invoices.pass_line(second.id).line
    draft = app.invoices.create(
        site.id, InvoiceKind.INVOICE, DocumentInput(client_id=linked.id, lines=(found[2].line,))
    )
    mine = app.invoices.billable_passes(site.id, since=since, person_id=aline.id)
    assert [b.line.pass_id for b in mine] == [second.id, first.id]  # a draft bills nothing yet
    app.invoices.issue(draft.id, issued_on=DAY)
    mine = app.invoices.billable_passes(site.id, since=since, person_id=aline.id)
    assert [b.line.pass_id for b in mine] == [second.id]
    one_day = app.invoices.pass_line(sell(marc.id, day.id, DAY).id)
    assert one_day.label == "Journée — le 10/03/2026"  # not « du 10/03 au 10/03 »


def test_passes_to_invoice_on_postgresql(pg_url: str) -> None:
    import contextlib

    from tiers_lieu.app import build
    from tiers_lieu.models.enums import PaymentMethod
    from tiers_lieu.services.people import PersonInput

    with contextlib.closing(build(pg_url)) as app:
        site = app.sites.init_site(name="Le Relais", commune_name="Felletin")
        app.billing.save(site.id, SELLER)
        person = app.people.create(site.id, PersonInput(first_name="Aline", last_name="Dubreuil"))
        buyer = app.clients.create(
            site.id,
            ClientInput(
                name="Aline Dubreuil", address="Place", city="Felletin", person_id=person.id
            ),
        )
        card = app.agenda.passes.create_type(
            site_id=site.id, name="Carte 10 journées", kind="ten_pass", price_cents=12000
        )
        sold = app.agenda.passes.sell(
            site_id=site.id,
            person_id=person.id,
            pass_type_id=card.id,
            method=PaymentMethod.CARD,
            paid_on=DAY,
        )
        found = app.invoices.billable_passes(site.id, since=DAY, person_id=person.id)
        assert [(b.line.pass_id, b.client) for b in found] == [(sold.id, buyer)]
        draft = app.invoices.create(
            site.id, InvoiceKind.INVOICE, DocumentInput(client_id=buyer.id, lines=(found[0].line,))
        )
        app.invoices.issue(draft.id, issued_on=DAY)
        assert app.invoices.billable_passes(site.id, since=DAY) == []
