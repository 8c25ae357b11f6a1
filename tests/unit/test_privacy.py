"""Rights of the person and retention: export content, erasure and purge leave every report
figure unchanged while the identifying data is gone, retention settings are honoured."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from pdftext import pdf_text
from rolesdemo import make_demo
from sqlalchemy import select as sa_select
from sqlmodel import col, select

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import NotFoundError, ValidationError
from tiers_lieu.models import (
    AppUser,
    AssistanceRecord,
    AuditEntry,
    Booking,
    CafeTab,
    Client,
    Donation,
    Passage,
    Person,
    Visit,
    metadata,
)
from tiers_lieu.models.enums import CategoryKind, PaymentMethod, Role
from tiers_lieu.reports.documents.privacy import (
    register_of_processing,
    write_notice_pdf,
    write_person_pdf,
)
from tiers_lieu.services.account_secrets import PIN_ONLY
from tiers_lieu.services.memberships import MembershipService
from tiers_lieu.services.people import PersonInput
from tiers_lieu.services.people_search import PersonInfo
from tiers_lieu.services.privacy import PrivacyService, Retention
from tiers_lieu.services.readmodels import SiteInfo

TODAY = date(2026, 3, 15)


@pytest.fixture(scope="module")
def demo_db(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("privacy-demo") / "demo.sqlite"
    return make_demo(template_db, path, seed=3, today=TODAY)


def report_csv(app: Comptoir, tmp_path: Path, name: str) -> list[str]:
    path = tmp_path / name
    app.reports.export(
        period_start=date(2025, 1, 1), period_end=TODAY, fmt="csv", path=path, site_ids=None
    )
    # The generation instant is the only line allowed to differ.
    return [
        line
        for line in path.read_text(encoding="utf-8").splitlines()
        if "2026-" not in line or "énér" not in line
    ]


def assisted_person(app: Comptoir, site: SiteInfo, day: date, note: str) -> PersonInfo:
    person = app.people.create(
        site.id, PersonInput(first_name="Aline", last_name="Dubreuil", phone="06 12 34 56 78")
    )
    kind = app.config.list_categories
    with app.uow() as uow:
        uow.session.add(
            AssistanceRecord(
                site_id=site.id,
                activity_date=day,
                operator_id=kind(site.id, CategoryKind.OPERATOR)[0].id,
                theme_id=kind(site.id, CategoryKind.THEME)[0].id,
                help_type_id=kind(site.id, CategoryKind.HELP_TYPE)[0].id,
                outcome_id=kind(site.id, CategoryKind.OUTCOME)[0].id,
                person_id=person.id,
                note=note,
            )
        )
        row = uow.session.get(Person, person.id)
        assert row is not None
        row.last_activity_on = day
        uow.commit()
    return app.people.get(person.id)


def test_erasure_keeps_every_report_figure_and_removes_identity(
    demo_app: Comptoir, tmp_path: Path
) -> None:
    privacy = PrivacyService(demo_app.uow)
    with demo_app.uow() as uow:
        # The people who count most: those linked to visits, bookings and assistance.
        ids = list(
            uow.session.exec(select(Visit.person_id).where(col(Visit.person_id).is_not(None)))
        )[:5]
        ids += list(
            uow.session.exec(select(Booking.person_id).where(col(Booking.person_id).is_not(None)))
        )[:5]
    before = report_csv(demo_app, tmp_path, "before.csv")
    for person_id in dict.fromkeys(ids):
        assert person_id is not None
        privacy.erase(person_id=person_id)
    after = report_csv(demo_app, tmp_path, "after.csv")
    assert before == after
    with demo_app.uow() as uow:
        erased = uow.session.get(Person, ids[0])
        assert erased is not None
        assert erased.anonymized_at is not None
        assert (erased.first_name, erased.last_name, erased.phone, erased.email) == ("", "", "", "")
        titles = uow.session.exec(select(Booking.title).where(Booking.person_id == ids[-1])).all()
        assert titles and all(t == "" for t in titles)
    with pytest.raises(NotFoundError):
        demo_app.people.get(ids[0])


def test_erasure_blanks_assistance_notes_and_merged_duplicates(
    app: Comptoir, site: SiteInfo
) -> None:
    person = assisted_person(app, site, TODAY, "Dossier CAF de Mme Dubreuil")
    twin = app.people.create(site.id, PersonInput(first_name="Aline", last_name="DUBREUIL"))
    app.people.merge(keep_id=person.id, merge_id=twin.id)
    PrivacyService(app.uow).erase(person_id=person.id)
    with app.uow() as uow:
        assert uow.session.exec(select(AssistanceRecord.note)).all() == [""]
        tomb = uow.session.get(Person, twin.id)
        assert tomb is not None and tomb.last_name == ""
    assert app.people.search(site.id, "dubreuil") == []


def test_purge_follows_retention_and_keeps_the_report(demo_app: Comptoir, tmp_path: Path) -> None:
    privacy = PrivacyService(demo_app.uow)
    site = demo_app.sites.resolve(None)
    later = TODAY + timedelta(days=5 * 365)
    before = report_csv(demo_app, tmp_path, "before.csv")
    preview = privacy.purge(site.id, dry_run=True, today=later)
    assert preview.dry_run and len(preview.people) > 50
    with demo_app.uow() as uow:
        live = uow.session.exec(select(Person).where(col(Person.anonymized_at).is_(None))).all()
        assert len(live) >= len(preview.people)  # a dry run changes nothing
    done = privacy.purge(site.id, dry_run=False, today=later)
    assert {p.person_id for p in done.people} == {p.person_id for p in preview.people}
    assert report_csv(demo_app, tmp_path, "after.csv") == before
    again = privacy.purge(site.id, dry_run=True, today=later)
    assert again.people == ()


def test_purge_spares_recent_people_and_honours_longer_settings(
    app: Comptoir, site: SiteInfo
) -> None:
    privacy = PrivacyService(app.uow)
    old = assisted_person(app, site, date(2023, 1, 10), "RSA, pièces manquantes")
    recent = app.people.create(site.id, PersonInput(first_name="Jean", last_name="Récent"))
    with app.uow() as uow:
        for pid in (old.id, recent.id):
            row = uow.session.get(Person, pid)
            assert row is not None
            row.created_at = datetime(2022, 1, 1, tzinfo=UTC)
        row = uow.session.get(Person, recent.id)
        assert row is not None
        row.last_activity_on = date(2026, 1, 5)
        uow.commit()
    report = privacy.purge(site.id, dry_run=True, today=TODAY)
    assert report.assistance_notes == 1
    assert [p.person_id for p in report.people] == [old.id]
    privacy.set_retention(
        site_id=site.id,
        retention=Retention(assistance_months=48, inactive_people_months=60, audit_months=12),
    )
    assert privacy.retention(site.id).inactive_people_months == 60
    report = privacy.purge(site.id, dry_run=True, today=TODAY)
    assert report.people == () and report.assistance_notes == 0
    with pytest.raises(ValidationError):
        privacy.set_retention(site_id=site.id, retention=Retention(assistance_months=-1))


def test_purge_blanks_old_notes_and_drops_old_audit_lines(app: Comptoir, site: SiteInfo) -> None:
    privacy = PrivacyService(app.uow)
    # Written first, as lines are: the purge removes the start of the place's chain.
    with app.uow() as uow:
        uow.session.add(
            AuditEntry(
                site_id=site.id,
                at=datetime(2024, 1, 1, tzinfo=UTC),
                action="export",
                entity="report",
            )
        )
        uow.commit()
    assisted_person(app, site, date(2023, 1, 10), "Passeport perdu")
    report = privacy.purge(site.id, dry_run=False, today=TODAY)
    assert report.assistance_notes == 1 and report.audit_entries == 1
    with app.uow() as uow:
        assert uow.session.exec(select(AssistanceRecord.note)).all() == [""]
        assert len(uow.session.exec(select(AssistanceRecord)).all()) == 1


def test_export_holds_everything_and_is_audited(
    app: Comptoir, site: SiteInfo, tmp_path: Path
) -> None:
    person = assisted_person(app, site, TODAY, "Carte grise")
    app.people.set_consent(person_id=person.id, given=True, purpose="AMAP et lettre d'information")
    MembershipService(app.uow).add(
        person_id=person.id,
        start_date=date(2026, 1, 10),
        period="year",
        fee_cents=1500,
        method=PaymentMethod.CASH,
    )
    privacy = PrivacyService(app.uow)
    data = json.loads(privacy.export_json(person.id, tmp_path / "p.json").read_text("utf-8"))
    assert data["person"]["last_name"] == "Dubreuil"
    assert data["person"]["phone"] == "06 12 34 56 78"
    assert data["consent"]["purpose"] == "AMAP et lettre d'information"
    assert data["assistance"][0]["detail"] == "Carte grise"
    assert data["memberships"][0]["date"] == "2026-01-10"
    text = pdf_text(write_person_pdf(privacy.person_copy(person.id), tmp_path / "p.pdf"))
    assert "Dubreuil" in text and "Carte grise" in text and "Adhésions" in text
    with app.uow() as uow:
        actions = uow.session.exec(
            select(AuditEntry.action).where(AuditEntry.entity_id == person.id)
        ).all()
    assert actions.count("export") == 2


def test_register_and_notice_follow_the_settings(
    app: Comptoir, site: SiteInfo, tmp_path: Path
) -> None:
    PrivacyService(app.uow).set_retention(
        site_id=site.id, retention=Retention(assistance_months=18, inactive_people_months=36)
    )
    privacy = PrivacyService(app.uow)
    text = register_of_processing(privacy.register_facts(site.id))
    assert "Le Comptoir de Felletin" in text
    assert "18 mois après le dernier contact" in text
    assert "3 ans" in text
    notice = pdf_text(write_notice_pdf(privacy.notice_facts(site.id), tmp_path / "notice.pdf"))
    assert "Ce que nous faisons de vos données" in notice
    assert "18 mois" in notice


# Every table holding a person's rows, and the section of the access export that shows them.
EXPORTED_IN = {
    "amap_subscription": "amap",
    "app_user": "account",
    "assistance_record": "assistance",
    "booking": "bookings",
    "cafe_tab": "cafe_tabs",
    "client": "clients",
    "coworking_pass": "passes",
    "delivery_order": "deliveries",
    "donation": "donations",
    "event_attendance": "events",
    "job": "jobs",
    "membership": "memberships",
    "parcel": "parcels",
    "passage": "passages",
    "rota_availability": "volunteering",
    "rota_shift": "volunteering",
    "sale": "purchases",
    "visit": "visits",
    "volunteer_time": "volunteering",
}


def test_every_table_holding_a_persons_rows_has_its_section_in_the_export() -> None:
    held = {
        fk.parent.table.name
        for table in metadata.tables.values()
        for fk in table.foreign_keys
        if fk.column.table.name == "person" and fk.parent.name == "person_id"
    }
    # A table added later that points at a person must be exported too (and listed above).
    assert held == set(EXPORTED_IN)


def test_the_export_shows_a_persons_rows_of_every_table(demo_app: Comptoir, tmp_path: Path) -> None:
    """Right of access: whoever has a row in a table sees it in their export (JSON and PDF),
    deliveries, parcels, donations, volunteering, café tabs, invoicing and account included."""
    with demo_app.uow() as uow:
        session = uow.session
        someone = session.exec(
            select(Person).where(col(Person.anonymized_at).is_(None)).limit(1)
        ).one()
        site_id, now = someone.site_id, datetime.now(UTC)
        session.add_all(
            [
                AppUser(
                    username="lea",
                    display_name="Léa",
                    password_hash=PIN_ONLY,
                    role=Role.VOLUNTEER,
                    site_id=site_id,
                    person_id=someone.id,
                ),
                CafeTab(
                    site_id=site_id, label="Ardoise de Léa", person_id=someone.id, opened_at=now
                ),
                Client(site_id=site_id, name="Léa Facturée", city="Felletin", person_id=someone.id),
                Donation(
                    site_id=site_id,
                    person_id=someone.id,
                    amount_cents=2500,
                    received_on=TODAY,
                    method=PaymentMethod.CASH,
                ),
                Passage(site_id=site_id, at=now, activity_date=TODAY, person_id=someone.id),
            ]
        )
        record = session.exec(
            select(AssistanceRecord).where(col(AssistanceRecord.person_id).is_not(None)).limit(1)
        ).one()
        record.letter_sent_on, record.answer_expected_on = date(2026, 3, 2), date(2026, 4, 2)
        session.add(record)
        written_to, who = record.person_id, someone.id
        uow.commit()
        holders = {}
        for name in EXPORTED_IN:
            table = metadata.tables[name]
            where = [table.c.person_id.is_not(None)]
            if name == "sale":
                where.append(table.c.cancelled_at.is_(None))
            holders[name] = session.execute(
                sa_select(table.c.person_id)
                .join(Person.__table__, Person.__table__.c.id == table.c.person_id)
                .where(*where, Person.__table__.c.anonymized_at.is_(None))
                .limit(1)
            ).scalar_one()
    privacy = PrivacyService(demo_app.uow)
    exports = {pid: privacy.export_data(pid) for pid in set(holders.values())}
    empty = [name for name, pid in holders.items() if not exports[pid][EXPORTED_IN[name]]]
    assert empty == []
    letters = [a["detail"] for a in exports[written_to]["assistance"]]
    assert any("courrier envoyé le 02/03/2026" in d for d in letters), letters
    text = pdf_text(write_person_pdf(privacy.person_copy(who), tmp_path / "copie.pdf"))
    for title in (
        "Dons",
        "Ardoises du café",
        "Facturation",
        "Compte Comptoir",
        "Passages à l'accueil",
    ):
        assert title in text
    assert "Ardoise de Léa" in text and "25,00" in text
