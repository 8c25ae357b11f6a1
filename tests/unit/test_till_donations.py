"""Donations and their tax receipts (Cerfa 11580*05), membership receipts (issue 21)."""

from __future__ import annotations

import json
import uuid
from datetime import date
from pathlib import Path

import pytest
from pdftext import fonts_not_embedded, pdf_text
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlmodel import Session, col, select

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import ValidationError
from tiers_lieu.models import Donation, Payment, TillJournal
from tiers_lieu.reports.documents.tax_receipt import (
    TICKED,
    write_membership_receipt,
    write_tax_receipt,
)
from tiers_lieu.services.memberships import MembershipService
from tiers_lieu.services.people import PersonInput
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.services.till.billing import BillingService, BillingSettings
from tiers_lieu.services.till.donations import (
    KIND,
    DonationInput,
    DonorInput,
    amount_in_words,
)

ADDRESS = DonorInput(
    last_name="Martin",
    first_name="Jeanne",
    address="3 rue des Forges",
    postal_code="23500",
    city="Felletin",
)


def entitled(app: Comptoir, site: SiteInfo, *, receipts: bool = True) -> None:
    BillingService(app.uow).save(
        site.id,
        BillingSettings(
            legal_name="Association Le Comptoir",
            rna="W231000123",
            address="1 place du Marché",
            postal_code="23500",
            city="Felletin",
            receipts_entitled=receipts,
            receipts_quality="Œuvre ou organisme d'intérêt général" if receipts else "",
            receipts_object="Tiers-lieu rural : accueil, médiation numérique, épicerie",
        ),
    )


def gift(app: Comptoir, site: SiteInfo, cents: int = 12345, **changes: object) -> uuid.UUID:
    data = {
        "donor": ADDRESS,
        "amount_cents": cents,
        "received_on": date(2026, 3, 10),
        "method": "cheque",
        **changes,
    }
    return app.donations.record(site.id, DonationInput(**data)).id  # type: ignore[arg-type]


def test_amount_in_words() -> None:
    assert amount_in_words(12345) == "cent vingt-trois euros et quarante-cinq centimes"
    assert amount_in_words(100) == "un euro"
    assert amount_in_words(8000) == "quatre-vingts euros"
    assert amount_in_words(45) == "quarante-cinq centimes"
    assert amount_in_words(100_000_000) == "un million d'euros"
    assert amount_in_words(2121) == "vingt et un euros et vingt et un centimes"


def test_money_received_gets_its_payment(app: Comptoir, site: SiteInfo) -> None:
    donation_id = gift(app, site)
    with Session(app.engine) as session:
        payment = session.exec(select(Payment).where(col(Payment.donation_id) == donation_id)).one()
    assert (payment.amount_cents, payment.method, payment.paid_on) == (
        12345,
        "cheque",
        date(2026, 3, 10),
    )
    listed = app.donations.list_period(site.id, start=date(2026, 1, 1), end=date(2026, 12, 31))
    assert [d.id for d in listed.rows] == [donation_id]
    assert listed.total_cents == 12345
    assert (
        app.donations.list_period(site.id, start=date(2026, 4, 1), end=date(2026, 4, 30)).rows == ()
    )


def test_receipt_numbers_are_continuous_per_year(app: Comptoir, site: SiteInfo) -> None:
    entitled(app, site)
    ids = [gift(app, site, 1000 + n) for n in range(3)]
    numbers = [
        app.donations.issue_receipt(ids[0], issued_on=date(2026, 12, 30)).number,
        app.donations.issue_receipt(ids[1], issued_on=date(2026, 12, 31)).number,
        app.donations.issue_receipt(ids[2], issued_on=date(2027, 1, 2)).number,
    ]
    assert numbers == ["2026-0001", "2026-0002", "2027-0001"]
    with Session(app.engine) as session:
        lines = session.exec(
            select(TillJournal)
            .where(col(TillJournal.kind) == "receipt")
            .order_by(col(TillJournal.seq))
        ).all()
    assert [line.number for line in lines] == numbers
    assert json.loads(lines[0].payload)["donor"]["last_name"] == "Martin"


def test_refused_when_the_place_is_not_entitled(app: Comptoir, site: SiteInfo) -> None:
    donation_id = gift(app, site)
    with pytest.raises(ValidationError, match="habilité"):
        app.donations.issue_receipt(donation_id)
    entitled(app, site, receipts=False)
    with pytest.raises(ValidationError, match="habilité"):
        app.donations.issue_receipt(donation_id)
    assert app.donations.get(donation_id).receipt_number is None


def test_refused_without_address_or_valuation(app: Comptoir, site: SiteInfo) -> None:
    entitled(app, site)
    nameless = gift(app, site, donor=DonorInput(last_name="Martin"))
    with pytest.raises(ValidationError, match="Adresse du donateur"):
        app.donations.issue_receipt(nameless)
    in_kind = gift(app, site, 0, form=KIND, description="Deux ordinateurs portables")
    with pytest.raises(ValidationError, match="évalué"):
        app.donations.issue_receipt(in_kind)
    company = gift(app, site, donor=DonorInput(**{**ADDRESS.__dict__, "company": True}))
    with pytest.raises(ValidationError, match="16216"):
        app.donations.issue_receipt(company)
    # Corrected before issue: the address typed at issue, the valuation by an update.
    assert app.donations.issue_receipt(nameless, donor=ADDRESS).number == "2026-0001"
    app.donations.update(
        in_kind,
        DonationInput(
            donor=ADDRESS,
            amount_cents=90000,
            received_on=date(2026, 3, 10),
            form=KIND,
            description="Deux ordinateurs portables",
        ),
    )
    assert app.donations.issue_receipt(in_kind).number == "2026-0002"


def test_issued_receipt_cannot_change(app: Comptoir, site: SiteInfo) -> None:
    entitled(app, site)
    donation_id = gift(app, site)
    app.donations.issue_receipt(donation_id)
    with pytest.raises(ValidationError, match="2026-0001"):
        app.donations.update(
            donation_id,
            DonationInput(donor=ADDRESS, amount_cents=1, received_on=date(2026, 3, 10)),
        )
    with pytest.raises(ValidationError, match="déjà établi"):
        app.donations.issue_receipt(donation_id)
    with app.engine.connect() as connection:
        with pytest.raises((IntegrityError, DBAPIError), match="never changed"):
            connection.execute(
                text("UPDATE donation SET amount_cents = 1 WHERE id = :id"),
                {"id": donation_id.hex},
            )
        connection.rollback()
        with pytest.raises((IntegrityError, DBAPIError), match="never deleted"):
            connection.execute(text("DELETE FROM donation WHERE id = :id"), {"id": donation_id.hex})
    with Session(app.engine) as session:
        assert session.get(Donation, donation_id).amount_cents == 12345  # type: ignore[union-attr]


def test_receipt_pdf_reads_back(app: Comptoir, site: SiteInfo, tmp_path: Path) -> None:
    entitled(app, site)
    donation_id = gift(app, site)
    receipt = app.donations.issue_receipt(donation_id, signatory_quality="Trésorière")
    path = write_tax_receipt(receipt, tmp_path / "recu.pdf")
    words = pdf_text(path)
    assert "2026-0001" in words
    assert "11580*05" in words
    assert "Association Le Comptoir" in words and "W231000123" in words
    assert "Martin" in words and "Jeanne" in words and "3 rue des Forges" in words
    assert "123,45 €" in words
    assert "cent vingt-trois euros et quarante-cinq centimes" in words
    assert f"{TICKED} 200 du CGI" in words
    assert f"{TICKED} Chèque" in words
    assert f"{TICKED} Œuvre ou organisme d'intérêt général" in words
    assert "10 mars 2026" in words and "Trésorière" in words
    assert "DUPLICATA" not in words
    assert fonts_not_embedded(path) == []
    again = app.donations.receipt_copy(donation_id)
    copy = pdf_text(write_tax_receipt(again, tmp_path / "duplicata.pdf"))
    assert "DUPLICATA" in copy and "2026-0001" in copy and "Trésorière" in copy
    with Session(app.engine) as session:
        kinds = session.exec(
            select(TillJournal.kind).where(col(TillJournal.ref_id) == donation_id)
        ).all()
    assert sorted(kinds) == ["duplicate", "receipt"]


def test_membership_receipt(app: Comptoir, site: SiteInfo, tmp_path: Path) -> None:
    entitled(app, site)
    person = app.people.create(site.id, PersonInput(first_name="Aline", last_name="Dubreuil"))
    membership = MembershipService(app.uow).add(
        person_id=person.id,
        start_date=date(2026, 1, 10),
        period="year",
        fee_cents=1500,
        method="cash",
    )
    assert [m.id for m in app.donations.memberships_paid(site.id, person.id)] == [membership.id]
    receipt = app.donations.membership_receipt(membership.id)
    words = pdf_text(write_membership_receipt(receipt, tmp_path / "cotisation.pdf"))
    assert "Reçu de cotisation" in words
    assert "Aline Dubreuil" in words and "15,00 €" in words and "quinze euros" in words
    assert "10 janvier 2026" in words and "31 décembre 2026" in words
    assert "Espèces" in words
    assert "pas un reçu fiscal" in words
    with Session(app.engine) as session:
        line = session.exec(
            select(TillJournal).where(col(TillJournal.ref_id) == membership.id)
        ).one()
    assert (line.kind, line.amount_cents) == ("receipt", 1500)


def test_numbering_and_guard_on_postgresql(pg_url: str) -> None:
    from tiers_lieu.app import build

    app = build(pg_url)
    try:
        site = app.sites.init_site(name="Le Relais", commune_name="Felletin")
        entitled(app, site)
        first, second = gift(app, site), gift(app, site, 500)
        assert app.donations.issue_receipt(first).number.endswith("-0001")
        assert app.donations.issue_receipt(second).number.endswith("-0002")
        with app.engine.connect() as connection, pytest.raises(DBAPIError, match="never changed"):
            connection.execute(
                text("UPDATE donation SET amount_cents = 1 WHERE id = :id"), {"id": first}
            )
    finally:
        app.close()
