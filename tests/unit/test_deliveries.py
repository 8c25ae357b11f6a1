"""Home delivery (portage): orders taken for a person, rounds in address order, the round
sheet (PDF read back), delivered / absent ticked, the report's four codes in CSV, XLSX and PDF,
and the demo's rounds."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pdftext import pdf_text
from rolesdemo import make_demo
from sqlmodel import Session, col, func, select

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import ConflictError, ValidationError
from tiers_lieu.models import AuditEntry, Sale
from tiers_lieu.models.enums import Role
from tiers_lieu.models.proximity import DeliveryOrder, DeliveryRound
from tiers_lieu.reports.documents.round_sheet import write_round_sheet
from tiers_lieu.services.access import AccessDeniedError
from tiers_lieu.services.deliveries import OrderInput
from tiers_lieu.services.people import PersonInput
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.services.sites import site_now

CODES = ("deliveries.orders", "deliveries.delivered", "deliveries.absent", "deliveries.people")


def today_of(app: Comptoir, site: SiteInfo) -> date:
    with app.uow() as uow:
        return site_now(uow, site.id).date()


@pytest.fixture
def village(app: Comptoir, site: SiteInfo) -> dict[str, object]:
    """Three people of two communes: Marie consented, Jean did not, Rose withdrew."""
    felletin = app.communes.find_or_add(site.id, "Felletin").id
    aubusson = app.communes.find_or_add(site.id, "Aubusson").id
    marie = app.people.create(
        site.id,
        PersonInput(
            first_name="Marie",
            last_name="Vergne",
            phone="05 55 66 77 88",
            commune_id=felletin,
            consent=True,
        ),
    )
    jean = app.people.create(
        site.id,
        PersonInput(
            first_name="Jean", last_name="Aubert", phone="06 11 22 33 44", commune_id=aubusson
        ),
    )
    rose = app.people.create(
        site.id,
        PersonInput(
            first_name="Rose",
            last_name="Dumas",
            phone="06 99 88 77 66",
            commune_id=felletin,
            consent=True,
        ),
    )
    app.people.set_consent(person_id=rose.id, given=False)
    return {"marie": marie.id, "jean": jean.id, "rose": rose.id}


def order(app: Comptoir, site: SiteInfo, person: object, day: date, address: str, **kw: object):
    return app.deliveries.take_order(
        site.id,
        OrderInput(person_id=person, for_date=day, address=address, **kw),  # type: ignore[arg-type]
    )


def test_an_order_needs_a_person_an_address_and_something_to_bring(
    app: Comptoir, site: SiteInfo, village: dict[str, object]
) -> None:
    day = today_of(app, site)
    with pytest.raises(ValidationError, match="Personne"):
        order(app, site, None, day, "3 rue Haute", items="pain")
    with pytest.raises(ValidationError, match="Adresse"):
        order(app, site, village["marie"], day, "  ", items="pain")
    with pytest.raises(ValidationError, match="Courses : rien à livrer"):
        order(app, site, village["marie"], day, "3 rue Haute")
    with pytest.raises(ValidationError, match="Courses : 300 caractères au plus"):
        order(app, site, village["marie"], day, "3 rue Haute", items="x" * 301)
    taken = order(
        app,
        site,
        village["marie"],
        day,
        " 3  rue Haute ",
        items="2 × lait\n\n1 pain ",
        prescription=True,
    )
    assert taken.recipient == "Marie Vergne"
    assert taken.address == "3 rue Haute"
    assert taken.commune == "Felletin"
    assert taken.to_bring() == ["2 × lait", "1 pain", "Ordonnance à retirer"]
    # The next order starts from the last address given for that person.
    assert app.deliveries.last_address(site.id, village["marie"]) == "3 rue Haute"  # type: ignore[arg-type]
    assert app.deliveries.last_address(site.id, village["jean"]) == ""  # type: ignore[arg-type]


def test_a_round_in_address_order_moved_by_one_and_printed(
    app: Comptoir, site: SiteInfo, village: dict[str, object], tmp_path: Path
) -> None:
    day = today_of(app, site)
    made = app.deliveries.create_round(site.id, day=day, driver="Gérard Vialle", label="Jeudi")
    rose = order(app, site, village["rose"], day, "9 place du Marché", items="1 kg de pommes")
    marie = order(
        app, site, village["marie"], day, "3 rue Haute", amap_basket=True, prescription=True
    )
    jean = order(app, site, village["jean"], day, "1 route de la Gare", items="6 œufs")
    for taken in (rose, marie, jean):
        app.deliveries.assign(taken.id, made.id)
    assert [s.id for s in app.deliveries.sheet(made.id).stops] == [rose.id, marie.id, jean.id]

    app.deliveries.sort_by_address(made.id)  # Aubusson before Felletin; then « 3 » < « 9 »
    assert [s.id for s in app.deliveries.sheet(made.id).stops] == [jean.id, marie.id, rose.id]
    app.deliveries.move(rose.id, -1)
    app.deliveries.move(jean.id, -1)  # already first: stays
    sheet = app.deliveries.sheet(made.id)
    assert [s.id for s in sheet.stops] == [jean.id, rose.id, marie.id]
    # Phone only for the one who consented (Rose withdrew, Jean never gave it).
    assert {s.recipient: s.phone for s in sheet.stops} == {
        "Jean Aubert": "",
        "Rose Dumas": "",
        "Marie Vergne": "05 55 66 77 88",
    }
    assert app.deliveries.rounds(site.id, day)[0].stops == 3

    pdf = write_round_sheet(tmp_path / "tournee.pdf", sheet, place=site.name)
    text = pdf_text(pdf)
    assert "Jeudi" in text and "chauffeur : Gérard Vialle — 3 arrêts" in text
    assert text.index("Jean Aubert") < text.index("Rose Dumas") < text.index("Marie Vergne")
    assert "1 route de la Gare, Aubusson" in text
    assert "05 55 66 77 88" in text and "06 11 22 33 44" not in text and "06 99" not in text
    assert "Panier AMAP" in text and "Ordonnance à retirer" in text and "6 œufs" in text
    assert "Livré" in text and "Absent" in text
    assert "Une commande n'est pas une vente" in text
    assert "Signature" not in text and "signature" not in text


def test_a_round_is_for_its_day_and_ticks_wait_for_it(
    app: Comptoir, site: SiteInfo, village: dict[str, object]
) -> None:
    day = today_of(app, site)
    tomorrow = day + timedelta(days=1)
    later = app.deliveries.create_round(site.id, day=tomorrow, driver="Monique")
    taken = order(app, site, village["marie"], day, "3 rue Haute", items="pain")
    with pytest.raises(ConflictError, match="Cette tournée est celle du"):
        app.deliveries.assign(taken.id, later.id)
    ahead = order(app, site, village["jean"], tomorrow, "1 route de la Gare", items="pain")
    with pytest.raises(ConflictError, match="n'a pas encore eu lieu"):
        app.deliveries.mark(ahead.id, "delivered")
    with pytest.raises(ValidationError, match="Chauffeur"):
        app.deliveries.create_round(site.id, day=day, driver=" ")
    assert app.deliveries.mark(taken.id, "delivered").status == "delivered"
    with pytest.raises(ConflictError, match="déjà pointée"):
        app.deliveries.cancel_order(taken.id)
    app.deliveries.cancel_order(ahead.id)
    assert [o.id for o in app.deliveries.orders(site.id, tomorrow)] == []


def test_a_round_gets_another_driver_and_one_made_by_mistake_is_deleted(
    app: Comptoir, site: SiteInfo, village: dict[str, object]
) -> None:
    """A typo in the driver's name is corrected; a round made by mistake is deleted, its stops
    back among the day's orders on no round; a round already ticked stays (its sheet is the
    record of who was delivered)."""
    day = today_of(app, site)
    made = app.deliveries.create_round(site.id, day=day, driver="Gérrard")
    fixed = app.deliveries.update_round(made.id, driver="  Gérard   Vialle ")
    assert fixed.driver == "Gérard Vialle"
    assert [r.driver for r in app.deliveries.rounds(site.id, day)] == ["Gérard Vialle"]
    with pytest.raises(ValidationError, match="Chauffeur"):
        app.deliveries.update_round(made.id, driver=" ")
    first = order(app, site, village["marie"], day, "3 rue Haute", items="pain")
    second = order(app, site, village["jean"], day, "1 route de la Gare", items="lait")
    app.deliveries.assign(first.id, made.id)
    app.deliveries.assign(second.id, made.id)
    assert app.deliveries.delete_round(made.id) == 2
    assert app.deliveries.rounds(site.id, day) == []
    assert [(o.round_id, o.status) for o in app.deliveries.orders(site.id, day)] == [
        (None, "planned"),
        (None, "planned"),
    ]
    ticked = app.deliveries.create_round(site.id, day=day, driver="Alain")
    app.deliveries.assign(first.id, ticked.id)
    app.deliveries.mark(first.id, "delivered")
    with pytest.raises(ConflictError, match="déjà notée"):
        app.deliveries.delete_round(ticked.id)
    assert [r.driver for r in app.deliveries.rounds(site.id, day)] == ["Alain"]
    with Session(app.engine) as s:
        actions = s.exec(
            select(AuditEntry.action).where(AuditEntry.entity == "delivery_round")
        ).all()
    assert sorted(actions) == ["create", "create", "delete", "update"]


def test_an_order_is_not_a_sale_and_every_write_is_audited(
    app: Comptoir, site: SiteInfo, village: dict[str, object]
) -> None:
    day = today_of(app, site)
    made = app.deliveries.create_round(site.id, day=day, driver="Alain")
    taken = order(app, site, village["marie"], day, "3 rue Haute", items="2 × lait")
    app.deliveries.assign(taken.id, made.id)
    app.deliveries.mark(taken.id, "absent")
    with Session(app.engine) as session:
        assert session.exec(select(func.count()).select_from(Sale)).one() == 0
        entities = session.exec(
            select(AuditEntry.entity, AuditEntry.action).where(
                col(AuditEntry.entity).in_(["delivery_order", "delivery_round"])
            )
        ).all()
    assert sorted(entities) == [
        ("delivery_order", "create"),
        ("delivery_order", "update"),
        ("delivery_order", "update"),
        ("delivery_round", "create"),
    ]


def test_a_volunteer_ticks_but_takes_no_order_and_sees_no_phone(
    app: Comptoir, site: SiteInfo, village: dict[str, object]
) -> None:
    day = today_of(app, site)
    made = app.deliveries.create_round(site.id, day=day, driver="Alain")
    taken = order(app, site, village["marie"], day, "3 rue Haute", items="pain")
    app.deliveries.assign(taken.id, made.id)
    volunteer = app.accounts.create_user(
        username="jules", display_name="Jules", role=Role.VOLUNTEER, password="tilleul-2026"
    )
    app.access.sign_in(volunteer)
    with pytest.raises(AccessDeniedError):
        order(app, site, village["jean"], day, "1 route de la Gare", items="pain")
    assert app.deliveries.sheet(made.id).stops[0].phone == ""
    assert app.deliveries.mark(taken.id, "delivered").status == "delivered"


def test_the_report_counts_orders_deliveries_absences_and_people_in_three_formats(
    app: Comptoir, site: SiteInfo, village: dict[str, object], tmp_path: Path
) -> None:
    day = today_of(app, site)
    week_ago = day - timedelta(days=7)
    for when, person, status in (
        (week_ago, "marie", "delivered"),
        (day, "marie", "delivered"),
        (day, "jean", "absent"),
        (day, "rose", "planned"),
    ):
        taken = order(app, site, village[person], when, "3 rue Haute", items="pain")
        app.deliveries.mark(taken.id, status)
    order(app, site, village["jean"], day - timedelta(days=400), "ailleurs", items="pain")
    data = app.reports.compute(
        period_start=day - timedelta(days=30), period_end=day, site_ids=[site.id]
    )
    expected = {
        "deliveries.orders": 4,
        "deliveries.delivered": 2,
        "deliveries.absent": 1,
        "deliveries.people": 1,
    }
    assert {code: data.value(code) for code in CODES} == expected

    paths = {fmt: tmp_path / f"rapport.{fmt}" for fmt in ("csv", "xlsx", "pdf")}
    for fmt, path in paths.items():
        app.reports.write(data, fmt=fmt, path=path)  # type: ignore[arg-type]
    rows = list(csv.reader(io.StringIO(paths["csv"].read_text("utf-8-sig")), delimiter=";"))
    in_csv = {code: value for code, _label, dimension, value in rows[1:] if not dimension}
    sheet = load_workbook(paths["xlsx"])["Indicateurs"]
    in_xlsx = {row[0]: row[3] for row in sheet.iter_rows(min_row=2, values_only=True) if not row[2]}
    for code, value in expected.items():
        assert float(in_csv[code].replace(",", ".")) == value
        assert in_xlsx[code] == value
    text = pdf_text(paths["pdf"])
    assert "Services de proximité" in text
    assert "Commandes de portage à domicile 4" in text
    assert "Livraisons à domicile effectuées 2" in text
    assert "Livraisons à domicile : personne absente 1" in text
    assert "Personnes livrées à domicile 1" in text


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory, template_db: Path) -> Path:
    return make_demo(template_db, tmp_path_factory.mktemp("portage") / "demo.sqlite", seed=5)


def test_the_demo_has_a_round_a_week_and_its_figures(demo_app: Comptoir) -> None:
    with Session(demo_app.engine) as session:
        days = session.exec(select(col(DeliveryRound.day))).all()
        statuses = session.exec(select(DeliveryOrder.status)).all()
    assert len(days) == 13 and all(d.weekday() == 3 for d in days)
    assert len(set(days)) == 13
    assert {"delivered", "planned"} <= set(statuses)
    site = demo_app.sites.list_sites()[0]
    first, last = min(days), max(days)
    data = demo_app.reports.compute(period_start=first, period_end=last, site_ids=[site.id])
    assert data.value("deliveries.orders") == len(statuses)
    assert data.value("deliveries.delivered") == statuses.count("delivered")
    assert data.value("deliveries.absent") == statuses.count("absent")
    assert 0 < data.value("deliveries.people") <= 8


def test_an_erased_person_leaves_no_name_or_address_on_the_orders(
    app: Comptoir, site: SiteInfo, village: dict[str, object]
) -> None:
    day = today_of(app, site)
    taken = order(app, site, village["marie"], day, "3 rue Haute", items="pain")
    app.deliveries.mark(taken.id, "delivered")
    app.privacy.erase(person_id=village["marie"])  # type: ignore[arg-type]
    (kept,) = app.deliveries.orders(site.id, day)
    assert (kept.recipient, kept.address, kept.phone) == ("", "", "")
    data = app.reports.compute(period_start=day, period_end=day, site_ids=[site.id])
    assert data.value("deliveries.people") == 1  # the figures stay
