"""The parcel and post relay (issue 22): a parcel logged on arrival, its notice, handed over
with the identity checked (a yes/no, counting a visit to « Relais colis / poste »), sent back
past its date, searched; its counts in the report (CSV, XLSX, PDF) and in the demo."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pdftext import pdf_text
from rolesdemo import make_demo
from sqlmodel import Session, select

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import ConflictError, ValidationError
from tiers_lieu.models import AuditEntry, Parcel, Service, Visit
from tiers_lieu.models.enums import ServiceKind
from tiers_lieu.reports.documents.parcel_notice import write_parcel_notice
from tiers_lieu.services.parcels import (
    CARRIERS,
    ParcelFilter,
    ParcelInput,
    ParcelState,
    default_keep_until,
)
from tiers_lieu.services.people import PersonInput
from tiers_lieu.services.readmodels import OpeningRange, SiteInfo

# Tuesday 3 March 2026, 10:00 in Paris.
MORNING = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
DAY = date(2026, 3, 3)


def at(app: Comptoir, instant: datetime) -> None:
    app.parcels.clock = lambda: instant


def parcel(
    carrier: str = "Mondial Relay",
    tracking: str = "MR 1234 5678",
    recipient: str = "Famille Dupuis",
    keep_until: date | None = None,
    **more: object,
) -> ParcelInput:
    return ParcelInput(
        carrier=carrier,
        tracking=tracking,
        recipient=recipient,
        keep_until=keep_until or default_keep_until(carrier, DAY),
        **more,  # type: ignore[arg-type]
    )


def test_each_carrier_has_its_delay() -> None:
    assert [name for name, _days in CARRIERS][:3] == [
        "La Poste / Colissimo",
        "Chronopost",
        "Mondial Relay",
    ]
    assert default_keep_until("La Poste / Colissimo", DAY) == date(2026, 3, 17)
    assert default_keep_until("Mondial Relay", DAY) == date(2026, 3, 11)
    assert default_keep_until("inconnu", DAY) == date(2026, 3, 17)


def test_a_parcel_for_a_registered_person_keeps_their_name(app: Comptoir, site: SiteInfo) -> None:
    at(app, MORNING)
    lea = app.people.create(site.id, PersonInput(first_name="Léa", last_name="Martin"))
    got = app.parcels.receive(site.id, parcel(recipient="", person_id=lea.id))
    assert got.recipient == "Léa Martin"
    assert got.tracking == "MR12345678"  # spaces typed or scanned are dropped
    assert got.state == ParcelState.WAITING
    assert got.keep_until == date(2026, 3, 11)
    assert [p.id for p in app.parcels.listing(site.id)] == [got.id]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (parcel(carrier="La Poste"), "Transporteur"),
        (parcel(recipient="  "), "Destinataire"),
        (parcel(keep_until=date(2026, 3, 2)), "À garder jusqu'au"),
        (parcel(keep_until=date(2026, 6, 1)), "À garder jusqu'au"),
        (parcel(tracking="X" * 61), "N° de suivi"),
    ],
)
def test_bad_input_names_its_field(
    app: Comptoir, site: SiteInfo, data: ParcelInput, field: str
) -> None:
    at(app, MORNING)
    with pytest.raises(ValidationError) as refused:
        app.parcels.receive(site.id, data)
    assert refused.value.field == field


def test_hand_over_needs_the_identity_checked_and_counts_a_visit(
    app: Comptoir, site: SiteInfo
) -> None:
    at(app, MORNING)
    lea = app.people.create(site.id, PersonInput(first_name="Léa", last_name="Martin"))
    got = app.parcels.receive(site.id, parcel(person_id=lea.id))
    with pytest.raises(ValidationError) as refused:
        app.parcels.hand_over(got.id, identity_checked=False)
    assert refused.value.field == "Identité vérifiée"

    at(app, MORNING + timedelta(days=2, hours=6))  # Thursday 16:00 in Paris
    done = app.parcels.hand_over(got.id, identity_checked=True)
    assert done.parcel.state == ParcelState.HANDED and done.parcel.identity_checked
    with Session(app.engine) as session:
        visit = session.get(Visit, done.visit_id)
        service = session.get(Service, visit.service_id) if visit else None
        lines = session.exec(select(AuditEntry).where(AuditEntry.entity == "parcel")).all()
    assert visit is not None and service is not None
    assert service.kind == ServiceKind.PARCEL
    assert (visit.activity_date, visit.person_id, visit.count) == (date(2026, 3, 5), lea.id, 1)
    assert str(visit.activity_time) == "16:00:00"
    assert len(lines) == 2
    assert all("Martin" not in line.details for line in lines)  # no personal data in the log
    assert app.parcels.listing(site.id) == []
    with pytest.raises(ConflictError):
        app.parcels.hand_over(got.id, identity_checked=True)


def test_a_hand_over_or_a_return_made_by_mistake_is_undone(app: Comptoir, site: SiteInfo) -> None:
    """The wrong parcel handed over (or sent back): it waits again, and the visit its hand-over
    counted is removed — the report counts neither the parcel handed nor the visit."""
    at(app, MORNING)
    wrong = app.parcels.receive(site.id, parcel(tracking="MR 1111 2222"))
    other = app.parcels.receive(site.id, parcel(tracking="MR 3333 4444"))
    done = app.parcels.hand_over(wrong.id, identity_checked=True)
    assert done.visit_id is not None
    app.parcels.put_back([wrong.id], visit_id=done.visit_id)
    waiting = {p.id: p for p in app.parcels.listing(site.id)}
    assert set(waiting) == {wrong.id, other.id}
    assert waiting[wrong.id].state == ParcelState.WAITING
    assert not waiting[wrong.id].identity_checked
    with Session(app.engine) as session:
        assert session.get(Visit, done.visit_id) is None
    assert app.parcels.mark_returned([wrong.id, other.id]) == 2
    assert app.parcels.put_back([wrong.id, other.id]) == 2
    assert len(app.parcels.listing(site.id)) == 2
    with pytest.raises(ConflictError, match="attend déjà"):
        app.parcels.put_back([wrong.id])
    # A visit that is not this parcel's hand-over is not removed through it.
    counted = app.visits.count(site_id=site.id, service_id=app.config.list_services(site.id)[0].id)
    handed = app.parcels.hand_over(wrong.id, identity_checked=True)
    with pytest.raises(ConflictError):
        app.parcels.put_back([wrong.id], visit_id=counted.id)
    with Session(app.engine) as session:
        assert session.get(Visit, counted.id) is not None
        assert session.get(Visit, handed.visit_id) is not None


def test_no_visit_when_the_place_has_no_parcel_service(app: Comptoir, site: SiteInfo) -> None:
    at(app, MORNING)
    service = next(s for s in app.config.list_services(site.id) if s.name == "Relais colis / poste")
    app.config.update_service(service.id, name=service.name, active=False)
    got = app.parcels.receive(site.id, parcel())
    assert app.parcels.hand_over(got.id, identity_checked=True).visit_id is None


def test_the_morning_list_holds_parcels_past_their_date(app: Comptoir, site: SiteInfo) -> None:
    at(app, MORNING)
    late = app.parcels.receive(site.id, parcel(keep_until=DAY))
    fresh = app.parcels.receive(site.id, parcel(recipient="Paul Roche"))
    handed = app.parcels.receive(site.id, parcel(keep_until=DAY, recipient="Zoé"))
    app.parcels.hand_over(handed.id, identity_checked=True)
    at(app, MORNING + timedelta(days=1))
    assert [p.id for p in app.parcels.to_return(site.id)] == [late.id]
    assert app.parcels.waiting_count(site.id) == (2, 1)

    assert app.parcels.mark_returned([late.id, handed.id]) == 1
    assert app.parcels.to_return(site.id) == []
    assert [p.id for p in app.parcels.listing(site.id)] == [fresh.id]
    every = app.parcels.listing(site.id, show=ParcelFilter.ALL)
    assert {p.id: p.state for p in every} == {
        late.id: ParcelState.RETURNED,
        fresh.id: ParcelState.WAITING,
        handed.id: ParcelState.HANDED,
    }
    with pytest.raises(ConflictError):
        app.parcels.hand_over(late.id, identity_checked=True)


def test_search_by_name_or_tracking_end(app: Comptoir, site: SiteInfo) -> None:
    at(app, MORNING)
    dupuis = app.parcels.receive(site.id, parcel(tracking="6A12345678901"))
    roche = app.parcels.receive(site.id, parcel(recipient="Paul Roche", tracking="XY999"))
    assert [p.id for p in app.parcels.listing(site.id, text="dupu")] == [dupuis.id]
    assert [p.id for p in app.parcels.listing(site.id, text="8901")] == [dupuis.id]
    assert [p.id for p in app.parcels.listing(site.id, text="paul xy9")] == [roche.id]
    assert [p.id for p in app.parcels.listing(site.id, text="ROCHE")] == [roche.id]
    elodie = app.parcels.receive(site.id, parcel(recipient="Élodie Bourdeau"))
    assert [p.id for p in app.parcels.listing(site.id, text="elodie")] == [elodie.id]
    assert app.parcels.listing(site.id, text="personne") == []


def test_the_notice_shows_the_tracking_end_only(
    app: Comptoir, site: SiteInfo, tmp_path: Path
) -> None:
    at(app, MORNING)
    got = app.parcels.receive(site.id, parcel(tracking="6A12345678901"))
    assert app.parcels.mark_notified(got.id).notified_at == MORNING
    notice = app.parcels.notice(got.id)
    assert notice.tracking_end == "8901"
    ranges = [OpeningRange(1, time(9, 0), time(12, 30)), OpeningRange(1, time(14), time(18))]
    path = write_parcel_notice(tmp_path / "avis.pdf", notice, ranges)
    text = pdf_text(path)
    assert "Un colis vous attend" in text
    assert "Famille Dupuis" in text and "Mondial Relay" in text
    assert "… 8901" in text and "6A12345678901" not in text
    assert "mercredi 11 mars 2026" in text
    assert "pièce d'identité" in text
    assert "mardi : 09:00–12:30, 14:00–18:00" in text


def test_the_report_counts_parcels_in_all_three_formats(
    app: Comptoir, site: SiteInfo, tmp_path: Path
) -> None:
    at(app, MORNING)
    one = app.parcels.receive(site.id, parcel())
    app.parcels.receive(site.id, parcel(carrier="La Poste / Colissimo"))
    two = app.parcels.receive(site.id, parcel(keep_until=DAY))
    app.parcels.hand_over(one.id, identity_checked=True)
    at(app, MORNING + timedelta(days=1))
    app.parcels.mark_returned([two.id])
    at(app, datetime(2026, 4, 1, 9, 0, tzinfo=UTC))  # next month: outside the period
    app.parcels.receive(site.id, parcel(keep_until=date(2026, 4, 2)))

    data = app.reports.compute(
        period_start=date(2026, 3, 1), period_end=date(2026, 3, 31), site_ids=[site.id]
    )
    assert data.value("parcels.received") == 3
    assert data.value("parcels.handed_over") == 1
    assert data.value("parcels.returned") == 1
    assert data.series("parcels.by_carrier") == [
        ("Mondial Relay", 2),
        ("La Poste / Colissimo", 1),
    ]
    assert data.value("visits.total") == 1  # the hand-over's visit

    paths = {fmt: tmp_path / f"rapport.{fmt}" for fmt in ("csv", "xlsx", "pdf")}
    for fmt, path in paths.items():
        app.reports.write(data, fmt=fmt, path=path)  # type: ignore[arg-type]
    rows = list(
        csv.reader(io.StringIO(paths["csv"].read_bytes().decode("utf-8-sig")), delimiter=";")
    )
    in_csv = {(code, dimension): value for code, _label, dimension, value in rows[1:]}
    assert in_csv[("parcels.received", "")] == "3"
    assert in_csv[("parcels.returned", "")] == "1"
    assert in_csv[("parcels.by_carrier", "Mondial Relay")] == "2"
    sheet = load_workbook(paths["xlsx"])["Indicateurs"]
    in_xlsx = {
        (code, dimension or ""): value
        for code, _label, dimension, value, _unit in sheet.iter_rows(min_row=2, values_only=True)
    }
    assert in_xlsx[("parcels.handed_over", "")] == 1
    assert in_xlsx[("parcels.by_carrier", "La Poste / Colissimo")] == 1
    text = pdf_text(paths["pdf"])
    assert "Services de proximité" in text
    assert "Colis reçus au relais 3" in text
    assert "Colis retournés au transporteur 1" in text


@pytest.fixture(scope="module")
def demo_db(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_demo(template_db, tmp_path_factory.mktemp("parcels-demo") / "demo.sqlite", seed=5)


def test_the_demo_has_parcels_some_returned(demo_app: Comptoir) -> None:
    with Session(demo_app.engine) as session:
        rows = session.exec(select(Parcel)).all()
    assert len(rows) >= 10
    assert any(p.returned_at is not None for p in rows)
    assert any(p.handed_at is not None and p.identity_checked for p in rows)
    assert any(p.handed_at is None and p.returned_at is None for p in rows)
    assert all(not (p.handed_at and p.returned_at) for p in rows)
    assert all(p.handed_at is None or p.identity_checked for p in rows)


def test_the_relay_and_its_counts_on_postgresql(pg_url: str) -> None:
    from tiers_lieu.app import build

    pg = build(pg_url)
    try:
        place = pg.sites.init_site(name="Le Comptoir", commune_name="Felletin", insee_code="23079")
        at(pg, MORNING)
        one = pg.parcels.receive(place.id, parcel(tracking="6A12345678901"))
        two = pg.parcels.receive(place.id, parcel(recipient="Zoé Martin", keep_until=DAY))
        assert pg.parcels.hand_over(one.id, identity_checked=True).visit_id is not None
        at(pg, MORNING + timedelta(days=1))
        assert [p.id for p in pg.parcels.to_return(place.id)] == [two.id]
        assert [p.id for p in pg.parcels.listing(place.id, show=ParcelFilter.ALL, text="ZOÉ")] == [
            two.id
        ]
        assert pg.parcels.mark_returned([two.id]) == 1
        data = pg.reports.compute(
            period_start=date(2026, 3, 1), period_end=date(2026, 3, 31), site_ids=[place.id]
        )
        assert [data.value(f"parcels.{c}") for c in ("received", "handed_over", "returned")] == [
            2,
            1,
            1,
        ]
    finally:
        pg.close()
