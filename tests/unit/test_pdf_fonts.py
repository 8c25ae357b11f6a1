"""Every PDF Comptoir writes carries the programs of all its fonts (a printer or a funder's
reader without Helvetica shows the text as written), and prints dates the French way."""

from __future__ import annotations

import re
import shutil
import subprocess
import uuid
from datetime import date, datetime, time
from pathlib import Path

import pytest
from pdftext import fonts_not_embedded, pdf_text
from test_agenda_support import make_place, paris
from test_report_pdf import known_report

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import format_date
from tiers_lieu.models.enums import PickupStatus
from tiers_lieu.reports.documents.agenda_sheet import write_agenda_sheet
from tiers_lieu.reports.documents.amap_sheet import write_distribution_sheet
from tiers_lieu.reports.documents.privacy import write_notice_pdf, write_person_pdf
from tiers_lieu.reports.documents.tally_sheet import write_tally_sheet
from tiers_lieu.reports.documents.z_report import write_z_pdf
from tiers_lieu.reports.pdf import render_pdf
from tiers_lieu.services.agenda.inputs import BookingRequest
from tiers_lieu.services.agenda.permanences import PermanenceInput
from tiers_lieu.services.amap.pickups import DistributionSheet, SheetLine
from tiers_lieu.services.memberships import MembershipService
from tiers_lieu.services.people import PersonInput
from tiers_lieu.services.privacy import PrivacyService
from tiers_lieu.services.readmodels import SiteInfo

DAY = date(2026, 3, 10)
ISO_DATE = re.compile(r"\b(19|20)\d\d-\d\d-\d\d\b")


def amap_sheet() -> DistributionSheet:
    line = SheetLine(
        subscription_id=uuid.uuid4(),
        person_id=uuid.uuid4(),
        household="ALARD Anne",
        phone="06 12 34 56 78",
        basket_name="Petit panier",
        quantity=1,
        solidarity=True,
        status=PickupStatus.EXPECTED,
        collected_by="",
        absences_used=0,
    )
    return DistributionSheet(
        distribution_id=uuid.uuid4(),
        contract_id=uuid.uuid4(),
        contract_name="Légumes bio",
        producer_name="Ferme du Thym",
        on_date=DAY,
        start_time=time(17),
        end_time=time(19),
        cancelled=False,
        note="",
        max_absences=4,
        lines=(line,),
    )


def person_export(app: Comptoir, site: SiteInfo, target: Path) -> Path:
    person = app.people.create(site.id, PersonInput(first_name="Aline", last_name="Dubreuil"))
    MembershipService(app.uow).add(
        person_id=person.id,
        start_date=date(2026, 1, 10),
        period="year",
        fee_cents=1500,
        method="cash",
    )
    return write_person_pdf(PrivacyService(app.uow).person_copy(person.id), target)


@pytest.fixture
def every_pdf(app: Comptoir, site: SiteInfo, tmp_path: Path) -> dict[str, Path]:
    """One file of each kind of PDF the desk can write."""
    place = make_place(app, site)
    who = app.agenda.practitioners.create(
        site_id=site.id, name="Sophie Lavaud", profession="Infirmière"
    )
    app.agenda.permanences.create(
        site.id,
        PermanenceInput(
            practitioner_id=who.id,
            resource_id=place.health.id,
            weekday=1,
            start_time=time(9),
            end_time=time(12),
            start_date=date(2026, 3, 3),
        ),
    )
    app.agenda.bookings.create(
        site.id,
        BookingRequest(
            resource_id=place.room.id,
            start=paris(2026, 3, 10, 14),
            end=paris(2026, 3, 10, 16),
            title="Conseil d'administration",
        ),
    )
    printing = app.agenda.printing
    report = tmp_path / "rapport.pdf"
    render_pdf(known_report(), report)
    z = write_z_pdf(app.grocery.closing.z_report(site_id=site.id, day=DAY), tmp_path / "z.pdf")
    return {
        "rapport d'activité": report,
        "agenda de la porte": write_agenda_sheet(
            printing.day_sheet(site_id=site.id, day=DAY), tmp_path / "porte.pdf"
        ),
        "liste du praticien": write_agenda_sheet(
            printing.practitioner_day(practitioner_id=who.id, day=DAY),
            tmp_path / "praticien.pdf",
        ),
        "feuille AMAP": write_distribution_sheet(
            tmp_path / "amap.pdf", amap_sheet(), place=site.name
        ),
        "Z de caisse": z,
        "affiche RGPD": write_notice_pdf(
            PrivacyService(app.uow).notice_facts(site.id), tmp_path / "notice.pdf"
        ),
        "export d'une personne": person_export(app, site, tmp_path / "personne.pdf"),
        "feuille de comptage": write_tally_sheet(
            tmp_path / "comptage.pdf",
            place=site.name,
            services=[s.name for s in app.config.list_services(site.id)],
            ranges=app.config.opening_hours(site.id),
        ),
        **publicity_pdfs(app, site, tmp_path),
        "sommaire du dossier de paiement": claim_contents_pdf(tmp_path / "sommaire.pdf"),
        "feuilles de temps": time_sheets_pdf(app, site, tmp_path / "temps.pdf"),
        **donation_receipt_pdfs(app, site, tmp_path),
        "planning des bénévoles": rota_pdf(app, site, tmp_path / "planning.pdf"),
        "avis de colis": parcel_notice_pdf(app, site, tmp_path / "colis.pdf"),
        "feuille de tournée": round_sheet_pdf(app, site, tmp_path / "tournee.pdf"),
    }


def parcel_notice_pdf(app: Comptoir, site: SiteInfo, path: Path) -> Path:
    """The notice « Un colis vous attend » (A6)."""
    from datetime import timedelta

    import placetime

    from tiers_lieu.reports.documents.parcel_notice import write_parcel_notice
    from tiers_lieu.services.parcels import ParcelInput

    parcel = app.parcels.receive(
        site.id,
        ParcelInput(
            carrier="Mondial Relay",
            tracking="MR123456",
            recipient="Zoé Œillet",
            keep_until=placetime.place_today() + timedelta(days=8),
        ),
    )
    notice = app.parcels.notice(parcel.id)
    return write_parcel_notice(path, notice, app.config.opening_hours(site.id))


def round_sheet_pdf(app: Comptoir, site: SiteInfo, path: Path) -> Path:
    """The home-delivery round sheet (A4): one stop with a basket and a prescription."""
    from tiers_lieu.reports.documents.round_sheet import write_round_sheet
    from tiers_lieu.services.deliveries import OrderInput

    zoe = app.people.create(site.id, PersonInput(first_name="Zoé", last_name="Œillet"))
    made = app.deliveries.create_round(site.id, day=DAY, driver="Gérard")
    taken = app.deliveries.take_order(
        site.id,
        OrderInput(person_id=zoe.id, for_date=DAY, address="3 rue Haute", amap_basket=True),
    )
    app.deliveries.assign(taken.id, made.id)
    return write_round_sheet(path, app.deliveries.sheet(made.id), place=site.name)


def rota_pdf(app: Comptoir, site: SiteInfo, path: Path) -> Path:
    """The week's rota (A4 landscape): a shift with someone, one to fill."""
    from tiers_lieu.reports.documents.rota_sheet import write_rota_sheet
    from tiers_lieu.services.rota import ShiftInput

    marie = app.people.create(
        site.id, PersonInput(first_name="Marie", last_name="Dubois", kinds=["volunteer"])
    )
    for who, role in ((marie.id, "accueil"), (None, "cafe")):
        app.rota.create_shift(
            site.id,
            ShiftInput(on_date=DAY, starts_at=time(9), ends_at=time(12), role=role, person_id=who),
        )
    return write_rota_sheet(app.rota.week_sheet(site.id, DAY), path)


def donation_receipt_pdfs(app: Comptoir, site: SiteInfo, tmp_path: Path) -> dict[str, Path]:
    """A donation's tax receipt (Cerfa 11580) and a membership fee's receipt."""
    from test_till_donations import entitled, gift

    from tiers_lieu.reports.documents.tax_receipt import (
        write_membership_receipt,
        write_tax_receipt,
    )

    entitled(app, site)
    receipt = app.donations.issue_receipt(gift(app, site))
    person = app.people.create(site.id, PersonInput(first_name="Rémi", last_name="Aubert"))
    membership = MembershipService(app.uow).add(
        person_id=person.id, start_date=DAY, period="year", fee_cents=2000, method="cheque"
    )
    return {
        "reçu fiscal de don": write_tax_receipt(receipt, tmp_path / "recu-fiscal.pdf"),
        "reçu de cotisation": write_membership_receipt(
            app.donations.membership_receipt(membership.id), tmp_path / "cotisation.pdf"
        ),
    }


def publicity_pdfs(app: Comptoir, site: SiteInfo, tmp_path: Path) -> dict[str, Path]:
    """The LEADER operation's poster and notice, and a workshop's attendance sheet."""
    from tiers_lieu.reports.documents.attendance_sheet import write_attendance_sheets
    from tiers_lieu.reports.documents.publicity import write_publicity
    from tiers_lieu.services.events import EventFields
    from tiers_lieu.services.organisation import OperationFields

    operation = app.organisation.save_operation(
        site.id,
        OperationFields(title="Accueil et services au public", description="Un lieu ouvert."),
    )
    event = app.events.create(site.id, EventFields(title="Atelier tablette", event_date=DAY))
    return {
        "affiche LEADER": write_publicity(tmp_path / "affiche.pdf", operation, site, size="A3"),
        "notice LEADER": write_publicity(tmp_path / "notice.pdf", operation, site, size="A4"),
        "feuille d'émargement": write_attendance_sheets(
            [app.events.attendance_sheet(event.id)], tmp_path / "emargement.pdf"
        ),
    }


def claim_contents_pdf(path: Path) -> Path:
    """The contents page of a payment-claim pack: a document, a workbook, a piece missing."""
    from tiers_lieu.reports.documents.claim_contents import (
        PackContents,
        PackEntry,
        write_contents,
    )

    entries = (
        PackEntry(1, "Rapport d'activité", "01-rapport-activite.pdf", pages=3),
        PackEntry(2, "Tableaux", "02-rapport-activite.xlsx"),
        PackEntry(4, "Feuilles d'émargement", "04-feuilles-emargement.pdf", reason="Aucun."),
    )
    contents = PackContents(
        operation_title="Accueil et services au public",
        file_number="LEADER-1",
        gal_name="GAL Sud",
        claim_number="DP1",
        start=date(2026, 1, 1),
        end=date(2026, 6, 30),
        place_name="Le Relais",
        place_text="Le Relais, Felletin",
        made_on=DAY,
        entries=entries,
    )
    return write_contents(contents, path)


def test_every_pdf_embeds_all_its_fonts(every_pdf: dict[str, Path]) -> None:
    missing = {name: fonts_not_embedded(path) for name, path in every_pdf.items()}
    assert {name: fonts for name, fonts in missing.items() if fonts} == {}


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils absent")
def test_pdffonts_agrees(every_pdf: dict[str, Path]) -> None:
    """The same check through poppler, when the machine has it (``make test`` installs it)."""
    for name, path in every_pdf.items():
        out = subprocess.run(
            ["pdffonts", str(path)], capture_output=True, text=True, check=True
        ).stdout
        rows = out.splitlines()[2:]
        assert rows, name
        for row in rows:
            # name, type (1–2 words), encoding, emb, sub, uni, object ID (2 columns)
            emb = row.split()[-5]
            assert emb == "yes", f"{name}: {row}"


def test_every_pdf_prints_dates_in_french(every_pdf: dict[str, Path]) -> None:
    for name, path in every_pdf.items():
        text = pdf_text(path)
        assert not ISO_DATE.search(text), f"{name}: {ISO_DATE.search(text)}"


def test_the_person_export_dates_read_in_french(
    app: Comptoir, site: SiteInfo, tmp_path: Path
) -> None:
    text = pdf_text(person_export(app, site, tmp_path / "personne.pdf"))
    today = datetime.now(app.visits.time_zone(site.id)).date()
    assert f"Copie éditée le {format_date(today, 'long')}" in text
    assert f"Inscrit·e le : {format_date(today, 'long')}" in text
    assert "10/01/2026 — Adhésion — jusqu'au " in text
    assert not ISO_DATE.search(text)


def time_sheets_pdf(app: Comptoir, site: SiteInfo, path: Path) -> Path:
    """A month's time sheet of a named post, on the place's operation."""
    from tiers_lieu.reports.documents.time_sheet import write_time_sheets
    from tiers_lieu.services.organisation import OperationFields
    from tiers_lieu.services.people import PersonInput
    from tiers_lieu.services.time_sheet_models import WeekLine

    operation = app.organisation.get_operation(site.id) or app.organisation.save_operation(
        site.id, OperationFields(title="Accueil et services au public")
    )
    person = app.people.create(site.id, PersonInput(first_name="Claire", last_name="Maury"))
    job = app.organisation.save_job(
        site.id,
        post="Coordinatrice",
        contract_type="cdi",
        start_date=date(2025, 1, 1),
        person_id=person.id,
    )
    app.time_sheets.save_week(
        site.id, job.id, DAY, [WeekLine(operation.id, "Coordination", (420, 210, 0, 0, 0, 0, 0))]
    )
    sheets = app.time_sheets.monthly_sheets(site.id, DAY.replace(day=1), DAY.replace(day=31))
    return write_time_sheets(sheets, path)


def wording_fonts(path: Path) -> set[str]:
    """The fonts « Cofinancé par l'Union européenne » is drawn with, page by page."""
    from pypdf import PdfReader

    found: set[str] = set()
    for page in PdfReader(str(path)).pages:

        def visit(text: str, _cm: object, _tm: object, font: object, _size: object) -> None:
            if "Cofinancé" in text and font is not None:
                found.add(str(font.get("/BaseFont", "")))  # type: ignore[attr-defined]

        page.extract_text(visitor_text=visit)
    return found


def test_the_eu_wording_is_set_in_a_font_the_eu_rules_allow(
    every_pdf: dict[str, Path],
) -> None:
    """Annex IX of Regulation (EU) 2021/1060 allows Arial, Auto, Calibri, Garamond,
    Trebuchet, Tahoma, Verdana or Ubuntu for « Cofinancé par l'Union européenne »."""
    with_wording = {
        name: wording_fonts(path)
        for name, path in every_pdf.items()
        if "Cofinancé par l'Union européenne" in pdf_text(path)
    }
    assert len(with_wording) >= 5  # report cover, poster, notice, sheets, claim contents
    assert {
        name: fonts
        for name, fonts in with_wording.items()
        if not fonts or any("Ubuntu-Bold" not in font for font in fonts)
    } == {}
