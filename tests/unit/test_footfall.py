"""People through the door and services used (issue 20): « personnes accueillies » counts
passages, « services rendus » counts visits, by the rule of ``services.visits``.

Two services in the minute after « une personne entre » are one person and two services; the
key then one service is one person; a service alone is one person (its own passage); visits
without a passage (counted before that rule, or by a booking, a workshop, an import) count
their own people. Undo takes back the passage a visit made itself, never one keyed at the
door. Who is served (« Public ») is recorded on visits and bookings and reported like the
other breakdowns.
"""

from __future__ import annotations

import csv
import io
import json
import random
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from tiers_lieu.app import Comptoir, build
from tiers_lieu.errors import ConflictError, NotFoundError, ValidationError
from tiers_lieu.models import AuditEntry, Booking, Category, Passage, Resource, Service, Visit
from tiers_lieu.models.enums import AuditAction, BookingStatus, CategoryKind
from tiers_lieu.services.agenda.inputs import BookingRequest
from tiers_lieu.services.pending_visits import (
    PendingPassage,
    PendingVisit,
    PendingVisitQueue,
    save_passage,
    save_pending,
)
from tiers_lieu.services.readmodels import ServiceInfo, SiteInfo
from tiers_lieu.services.visit_log import VisitCorrection

PARIS = ZoneInfo("Europe/Paris")


def today() -> date:
    return datetime.now(PARIS).date()


@pytest.fixture
def services(app: Comptoir, site: SiteInfo) -> list[ServiceInfo]:
    return app.config.list_services(site.id)


def figures(app: Comptoir, site: SiteInfo, day: date | None = None) -> tuple[int, int]:
    """(« personnes accueillies », « services rendus ») of the report for one day."""
    day = day or today()
    data = app.reports.compute(period_start=day, period_end=day, site_ids=[site.id])
    return int(data.value("visits.people")), int(data.value("visits.total"))


def passage_of(app: Comptoir, passage_id: uuid.UUID | None) -> Passage | None:
    with Session(app.engine) as session:
        return session.get(Passage, passage_id) if passage_id else None


def public(app: Comptoir, site: SiteInfo, label: str) -> uuid.UUID:
    return next(
        c.id for c in app.config.list_categories(site.id, CategoryKind.PUBLIC) if c.label == label
    )


# -- the rule ---------------------------------------------------------------------------------
def test_two_services_in_the_minute_after_the_passage_key_are_one_person_two_services(
    app: Comptoir, site: SiteInfo, services: list[ServiceInfo]
) -> None:
    door = app.passages.enter(site_id=site.id)
    cafe = app.visits.count(site_id=site.id, service_id=services[0].id, passage_id=door.id)
    grocery = app.visits.count(site_id=site.id, service_id=services[1].id, passage_id=door.id)
    assert cafe.passage_id == grocery.passage_id == door.id
    assert door.count == 1 and door.activity_date == today()
    assert figures(app, site) == (1, 2)


def test_the_passage_key_then_one_service_is_one_person(
    app: Comptoir, site: SiteInfo, services: list[ServiceInfo]
) -> None:
    door = app.passages.enter(site_id=site.id)
    app.visits.count(site_id=site.id, service_id=services[0].id, passage_id=door.id)
    assert figures(app, site) == (1, 1)
    # Someone who came in and used nothing is still a person welcomed.
    app.passages.enter(site_id=site.id)
    assert figures(app, site) == (2, 1)


def test_a_service_alone_is_one_person_through_its_own_passage(
    app: Comptoir, site: SiteInfo, services: list[ServiceInfo]
) -> None:
    visit = app.visits.count(site_id=site.id, service_id=services[0].id)
    assert visit.passage_id == visit.id  # made with it, under its id
    own = passage_of(app, visit.id)
    assert own is not None and own.count == 1 and own.activity_date == visit.activity_date
    assert figures(app, site) == (1, 1)
    # A desk that never presses the passage key counts people = visits, as before.
    app.visits.count(site_id=site.id, service_id=services[1].id)
    assert figures(app, site) == (2, 2)


def test_a_passage_of_another_day_or_place_is_not_joined(
    app: Comptoir, site: SiteInfo, services: list[ServiceInfo]
) -> None:
    other = app.sites.init_site(name="La Grange", commune_name="Felletin", insee_code="23079")
    elsewhere = app.passages.enter(site_id=other.id)
    visit = app.visits.count(site_id=site.id, service_id=services[0].id, passage_id=elsewhere.id)
    assert visit.passage_id == visit.id
    yesterday = today() - timedelta(days=1)
    door = app.passages.enter(site_id=site.id, activity_date=yesterday)
    late = app.visits.count(site_id=site.id, service_id=services[0].id, passage_id=door.id)
    assert late.passage_id == late.id
    assert figures(app, site) == (2, 2)
    assert figures(app, site, yesterday) == (1, 0)


def test_groups_keep_people_and_passages_in_step(
    app: Comptoir, site: SiteInfo, services: list[ServiceInfo]
) -> None:
    alone = app.visits.count(site_id=site.id, service_id=services[0].id)
    details = {"commune_id": None, "age_band_id": None, "gender_id": None, "status_id": None}
    app.visits.complete(alone.id, **details, person_id=None, count=3)
    assert figures(app, site) == (3, 3)  # its own passage follows its group

    door = app.passages.enter(site_id=site.id)
    visit = app.visits.count(site_id=site.id, service_id=services[1].id, passage_id=door.id)
    app.visits.complete(visit.id, **details, person_id=None, count=4)
    assert figures(app, site) == (3 + 4, 3 + 4)  # four used it: four came in
    assert app.passages.complete(door.id, count=2).count == 4  # never below the group
    assert app.passages.complete(door.id, count=6).count == 6
    assert figures(app, site) == (3 + 6, 3 + 4)
    with pytest.raises(ValidationError, match="Nombre de personnes"):
        app.passages.complete(door.id, count=0)
    # A group counted at once joins a door's passage of one: the group came in.
    family = app.passages.enter(site_id=site.id)
    app.visits.count(site_id=site.id, service_id=services[2].id, count=5, passage_id=family.id)
    assert figures(app, site) == (3 + 6 + 5, 3 + 4 + 5)


def test_undo_takes_back_the_passage_a_visit_made_never_one_keyed_at_the_door(
    app: Comptoir, site: SiteInfo, services: list[ServiceInfo]
) -> None:
    alone = app.visits.count(site_id=site.id, service_id=services[0].id)
    app.visits.undo(alone.id)
    assert passage_of(app, alone.id) is None
    assert figures(app, site) == (0, 0)

    door = app.passages.enter(site_id=site.id)
    first = app.visits.count(site_id=site.id, service_id=services[0].id, passage_id=door.id)
    second = app.visits.count(site_id=site.id, service_id=services[1].id, passage_id=door.id)
    with pytest.raises(ConflictError, match="annulez-les d'abord"):
        app.passages.undo(door.id)
    app.visits.undo(second.id)
    assert figures(app, site) == (1, 1)  # the person did come in
    app.visits.undo(first.id)
    assert figures(app, site) == (1, 0)
    app.passages.undo(door.id)
    assert figures(app, site) == (0, 0)
    with pytest.raises(NotFoundError):
        app.passages.undo(door.id)
    with app.uow() as uow:
        lines = uow.session.exec(
            select(AuditEntry.action).where(
                AuditEntry.entity == "passage", AuditEntry.entity_id == door.id
            )
        ).all()
    assert lines == [AuditAction.DELETE]


def test_a_passage_entered_twice_under_its_id_is_saved_once_and_not_brought_back(
    app: Comptoir, site: SiteInfo
) -> None:
    passage_id = uuid.uuid4()
    first = app.passages.enter(site_id=site.id, passage_id=passage_id)
    again = app.passages.enter(site_id=site.id, passage_id=passage_id)
    assert first.id == again.id == passage_id
    assert figures(app, site) == (1, 0)
    app.passages.undo(passage_id)
    with pytest.raises(ConflictError, match="enregistrée puis retirée"):
        app.passages.enter(site_id=site.id, passage_id=passage_id)
    with pytest.raises(ValidationError, match="Date de l'activité"):
        app.passages.enter(site_id=site.id, activity_date=today() + timedelta(days=1))
    assert figures(app, site) == (0, 0)


def test_the_visit_list_keeps_passages_in_step(
    app: Comptoir, site: SiteInfo, services: list[ServiceInfo]
) -> None:
    yesterday = today() - timedelta(days=1)
    alone = app.visits.count(site_id=site.id, service_id=services[0].id)
    door = app.passages.enter(site_id=site.id)
    joined = app.visits.count(site_id=site.id, service_id=services[1].id, passage_id=door.id)

    def corrected(visit_id: uuid.UUID, **changes: object) -> None:
        row = app.visit_log.get(visit_id)
        values = {
            "service_id": row.service_id,
            "activity_date": row.activity_date,
            "activity_time": row.activity_time,
            "count": row.count,
        } | changes
        app.visit_log.update(visit_id, VisitCorrection(**values))  # type: ignore[arg-type]

    corrected(alone.id, count=2, activity_date=yesterday)  # its passage moves with it
    assert figures(app, site, yesterday) == (2, 2)
    corrected(joined.id, activity_date=yesterday)  # leaves the door's passage of today
    assert figures(app, site) == (1, 0)
    assert figures(app, site, yesterday) == (2 + 1, 2 + 1)
    app.visit_log.delete(alone.id)
    assert passage_of(app, alone.id) is None
    assert figures(app, site, yesterday) == (1, 1)


def test_visits_without_a_passage_count_as_their_own_people(
    app: Comptoir, site: SiteInfo, services: list[ServiceInfo]
) -> None:
    """Data of before issue 20 (and a booking's, a workshop's, an import's visits): no
    passage, so each visit is its own, ``count`` people."""
    day = today() - timedelta(days=3)
    with app.uow() as uow:
        for count in (1, 3, 8):
            uow.session.add(
                Visit(site_id=site.id, service_id=services[0].id, activity_date=day, count=count)
            )
        uow.commit()
    assert figures(app, site, day) == (12, 12)
    door = app.passages.enter(site_id=site.id, activity_date=day)
    app.visits.count(
        site_id=site.id, service_id=services[1].id, activity_date=day, passage_id=door.id
    )
    assert figures(app, site, day) == (13, 13)


# -- the report against independent counts ---------------------------------------------------
def generate(app: Comptoir, seed: int = 20) -> tuple[list[uuid.UUID], date, date]:
    """Two places of visits with passages keyed at the door, passages of their own, and
    none; a public on some. Returns the places and the period."""
    rng = random.Random(seed)
    first, last = date(2026, 1, 5), date(2026, 2, 20)
    sites = [
        app.sites.init_site(name=f"Lieu {n}", commune_name="Felletin", insee_code="23079").id
        for n in range(2)
    ]
    with app.uow() as uow:
        session = uow.session
        for site_id in sites:
            service_ids = list(session.exec(select(Service.id).where(Service.site_id == site_id)))
            publics = list(
                session.exec(
                    select(Category.id).where(
                        Category.site_id == site_id, Category.kind == CategoryKind.PUBLIC
                    )
                )
            )
            for _ in range(150):
                day = first - timedelta(days=5) + timedelta(days=rng.randrange(55))
                at = datetime.combine(day, time(10), tzinfo=UTC)
                shape = rng.random()
                if shape < 0.3:  # a door passage and 0–3 services
                    door = Passage(
                        site_id=site_id, at=at, activity_date=day, count=rng.choice([1, 1, 2])
                    )
                    session.add(door)
                    session.flush()
                    uses = [rng.choice([1, 1, 2]) for _ in range(rng.randrange(4))]
                    door.count = max([door.count, *uses])
                    for n in uses:
                        session.add(
                            Visit(site_id=site_id, service_id=rng.choice(service_ids),
                                  activity_date=day, count=n, passage_id=door.id,
                                  public_id=rng.choice([*publics, None]))
                        )  # fmt: skip
                elif shape < 0.7:  # a visit with its own passage
                    visit_id = uuid.uuid4()
                    n = rng.choice([1, 1, 1, 4])
                    session.add(
                        Passage(id=visit_id, site_id=site_id, at=at, activity_date=day, count=n)
                    )
                    session.flush()
                    session.add(
                        Visit(id=visit_id, site_id=site_id, service_id=rng.choice(service_ids),
                              activity_date=day, count=n, passage_id=visit_id)
                    )  # fmt: skip
                else:  # no passage at all
                    session.add(
                        Visit(site_id=site_id, service_id=rng.choice(service_ids),
                              activity_date=day, count=rng.choice([1, 2, 8]),
                              public_id=rng.choice([*publics, None]))
                    )  # fmt: skip
                session.flush()
        uow.commit()
    return sites, first, last


def independent(app: Comptoir, sites: list[uuid.UUID], first: date, last: date) -> tuple[int, int]:
    """People and services counted with plain SQL, not the report's code."""
    marks = ", ".join(
        f"'{s.hex}'" if app.engine.dialect.name == "sqlite" else f"'{s}'" for s in sites
    )
    where = f"site_id IN ({marks}) AND activity_date BETWEEN '{first}' AND '{last}'"
    with app.engine.connect() as connection:
        doors = connection.execute(
            text(f"SELECT COALESCE(SUM(count), 0) FROM passage WHERE {where}")
        ).scalar_one()
        alone = connection.execute(
            text(f"SELECT COALESCE(SUM(count), 0) FROM visit WHERE {where} AND passage_id IS NULL")
        ).scalar_one()
        services = connection.execute(
            text(f"SELECT COALESCE(SUM(count), 0) FROM visit WHERE {where}")
        ).scalar_one()
    return int(doors) + int(alone), int(services)


def check_against_independent_counts(app: Comptoir) -> None:
    sites, first, last = generate(app)
    for scope in (None, sites[:1], sites[1:]):
        data = app.reports.compute(period_start=first, period_end=last, site_ids=scope)
        reported = int(data.value("visits.people")), int(data.value("visits.total"))
        assert reported == independent(app, scope or sites, first, last), scope
        assert reported[0] < reported[1]  # some people used two services
        assert sum(v for _d, v in data.series("visits.by_public")) == reported[1]


def test_the_report_counts_people_and_services_as_plain_sql_does_on_sqlite(app: Comptoir) -> None:
    check_against_independent_counts(app)


@pytest.fixture
def pg_app(pg_url: str) -> Iterator[Comptoir]:
    comptoir = build(pg_url)
    yield comptoir
    comptoir.close()


def test_the_report_counts_people_and_services_as_plain_sql_does_on_postgresql(
    pg_app: Comptoir,
) -> None:
    check_against_independent_counts(pg_app)


# -- kept while the server is away ------------------------------------------------------------
def test_a_kept_passage_is_saved_before_the_visits_that_attach_to_it(
    app: Comptoir, site: SiteInfo, services: list[ServiceInfo], tmp_path: Path
) -> None:
    pressed = (datetime.now(PARIS) - timedelta(minutes=2)).replace(second=0, microsecond=0)
    day, moment = pressed.date(), pressed.time()
    door = PendingPassage(site.id, day, moment, queued_at=pressed)
    queue = PendingVisitQueue.for_database(app.url, tmp_path)
    queue.add_passage(door)
    for service in services[:2]:
        queue.add(PendingVisit(site.id, service.id, service.name, day, moment, passage_id=door.id))
    alone = PendingVisit(site.id, services[2].id, services[2].name, day, moment)
    queue.add(alone)

    reopened = PendingVisitQueue.for_database(app.url, tmp_path)  # what the file kept
    assert [p.id for p in reopened.passages()] == [door.id]
    assert [v.passage_id for v in reopened.visits()] == [door.id, door.id, None]
    result = reopened.flush(
        lambda kept: save_pending(app.visits, kept),
        undo=app.visits.undo,
        enter=lambda kept: save_passage(app.passages, kept),
        undo_passage=app.passages.undo,
    )
    assert result.passages_saved == [door] and len(result.saved) == 3
    assert reopened.passages() == [] and len(reopened) == 0
    saved = passage_of(app, door.id)
    assert saved is not None and saved.at == pressed.astimezone(UTC)  # the key press
    assert figures(app, site, day) == (2, 3)


def test_a_kept_passage_taken_back_is_removed_from_the_server(
    app: Comptoir, site: SiteInfo, tmp_path: Path
) -> None:
    door = PendingPassage(site.id, today(), time(9, 0))
    save_passage(app.passages, door)  # the server took it, its answer was lost
    queue = PendingVisitQueue.for_database(app.url, tmp_path)
    queue.add_passage(door)
    assert queue.take_back_passage(door.id)
    reopened = PendingVisitQueue.for_database(app.url, tmp_path)
    assert reopened.withdrawn_passages() == [door.id]
    result = reopened.flush(
        lambda kept: save_pending(app.visits, kept),
        undo=app.visits.undo,
        enter=lambda kept: save_passage(app.passages, kept),
        undo_passage=app.passages.undo,
    )
    assert result.taken_back == [door.id]
    assert passage_of(app, door.id) is None and reopened.withdrawn_passages() == []


def test_a_queue_file_of_before_passages_still_loads(
    app: Comptoir, site: SiteInfo, tmp_path: Path
) -> None:
    service = app.config.list_services(site.id)[0]
    queue = PendingVisitQueue.for_database(app.url, tmp_path)
    visit = PendingVisit(site.id, service.id, service.name, today(), time(9, 0))
    queue.add(visit)
    document = json.loads(queue.path.read_text(encoding="utf-8"))
    for key in ("passages", "withdrawn_passages"):
        document.pop(key)
    for item in document["visits"]:
        item.pop("passage_id")
    queue.path.write_text(json.dumps(document), encoding="utf-8")
    reopened = PendingVisitQueue.for_database(app.url, tmp_path)
    assert reopened.visits() == [visit] and reopened.passages() == []


# -- who is served ----------------------------------------------------------------------------
def test_the_public_of_visits_and_bookings_is_kept_checked_and_reported(
    app: Comptoir, site: SiteInfo, services: list[ServiceInfo], tmp_path: Path
) -> None:
    day = today() - timedelta(days=(today().weekday() - 1) % 7 or 7)  # a Tuesday: open
    company, association = public(app, site, "Entreprise"), public(app, site, "Association")
    first = app.visits.count(site_id=site.id, service_id=services[0].id, activity_date=day)
    details = {"commune_id": None, "age_band_id": None, "gender_id": None, "status_id": None}
    app.visits.complete(first.id, **details, person_id=None, count=2, public_id=company)
    second = app.visits.count(site_id=site.id, service_id=services[0].id, activity_date=day)
    app.visit_log.update(
        second.id,
        VisitCorrection(service_id=services[0].id, activity_date=day, activity_time=None,
                        count=1, public_id=association),
    )  # fmt: skip
    assert app.visit_log.get(second.id).public == "Association"
    age = app.config.list_categories(site.id, CategoryKind.AGE_BAND)[0].id
    with pytest.raises(ValidationError, match="Public"):
        app.visits.complete(first.id, **details, person_id=None, count=1, public_id=age)

    # A booking for a company; its check-in visit is the company's too.
    with app.uow() as uow:
        desk = Resource(site_id=site.id, name="Bureau", kind="desk", capacity=2)
        uow.session.add(desk)
        uow.commit()
        desk_id = desk.id
    start = datetime.combine(day, time(10), tzinfo=PARIS)
    request = BookingRequest(resource_id=desk_id, start=start, end=start + timedelta(hours=2),
                             organisation="Scop du plateau", public_id=company)  # fmt: skip
    booking = app.agenda.bookings.create(site.id, request)
    assert booking.public_id == company
    edited = app.agenda.bookings.edit(
        booking.id, person_id=None, organisation="Scop du plateau", title="", public_id=association
    )
    assert edited.public_id == association
    with pytest.raises(ValidationError, match="Public"):
        app.agenda.bookings.edit(
            booking.id, person_id=None, organisation="Scop", title="", public_id=age
        )
    checked = app.agenda.bookings.check_in(booking.id)
    with Session(app.engine) as session:
        visit = session.get(Visit, checked.visit_id)
        assert visit is not None and visit.public_id == association
        assert session.get(Booking, booking.id).status == BookingStatus.CHECKED_IN  # type: ignore[union-attr]

    data = app.reports.compute(period_start=day, period_end=day, site_ids=[site.id])
    path = tmp_path / "rapport.csv"
    app.reports.write(data, fmt="csv", path=path)
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig")), delimiter=";"))
    by_public = {
        dimension: int(value)
        for code, _l, dimension, value in rows[1:]
        if code == "visits.by_public"
    }
    assert by_public["Entreprise"] == 2 and by_public["Association"] == 1 + 1
    assert by_public["Particulier"] == 0 and by_public["Patient"] == 0
    assert sum(by_public.values()) == int(data.value("visits.total"))
    labels = {label for code, label, _d, _v in rows[1:] if code == "visits.by_public"}
    assert labels == {"Visites par public"}
    coworking = {d: int(v) for code, _l, d, v in rows[1:] if code == "coworking.by_public"}
    assert coworking["Association"] == 1 and sum(coworking.values()) == 1


def test_a_visits_sheet_maps_its_public_column(
    app: Comptoir, site: SiteInfo, tmp_path: Path
) -> None:
    path = tmp_path / "visites.csv"
    path.write_text(
        "date;service;nombre;public\n"
        "03/02/2025;Épicerie;2;Entreprise\n"
        "03/02/2025;Épicerie;1;particulier\n"
        "04/02/2025;Épicerie;1;\n",
        encoding="utf-8",
    )
    result = app.imports.import_visits(site.id, path)
    assert [p.public for p in result.preview] == ["Entreprise", "Particulier", None]
    data = app.reports.compute(
        period_start=date(2025, 2, 1), period_end=date(2025, 2, 28), site_ids=[site.id]
    )
    assert dict(data.series("visits.by_public"))["Entreprise"] == 2
    assert data.value("visits.people") == data.value("visits.total") == 4  # no passages
    bad = tmp_path / "mauvais.csv"
    bad.write_text("date;service;public\n03/02/2025;Épicerie;Martien\n", encoding="utf-8")
    with pytest.raises(Exception, match="public"):
        app.imports.import_visits(site.id, bad)


def test_the_three_formats_carry_people_services_and_publics(
    app: Comptoir, site: SiteInfo, services: list[ServiceInfo], tmp_path: Path
) -> None:
    from openpyxl import load_workbook
    from pdftext import pdf_text

    door = app.passages.enter(site_id=site.id)
    for service in services[:2]:
        app.visits.count(site_id=site.id, service_id=service.id, passage_id=door.id)
    counted = app.visits.count(site_id=site.id, service_id=services[0].id)
    details = {"commune_id": None, "age_band_id": None, "gender_id": None, "status_id": None}
    company = public(app, site, "Entreprise")
    app.visits.complete(counted.id, **details, person_id=None, count=1, public_id=company)
    data = app.reports.compute(period_start=today(), period_end=today(), site_ids=[site.id])
    assert (data.value("visits.people"), data.value("visits.total")) == (2, 3)

    sheet = load_workbook(app.reports.write(data, fmt="xlsx", path=tmp_path / "r.xlsx"))
    rows = [r[:4] for r in sheet["Indicateurs"].iter_rows(min_row=2, values_only=True)]
    assert ("visits.people", "Personnes accueillies", None, 2) in rows
    assert ("visits.total", "Services rendus (visites)", None, 3) in rows
    assert ("visits.by_public", "Visites par public", "Entreprise", 1) in rows
    assert ("visits.by_public", "Visites par public", "Non communiqué", 2) in rows

    text = pdf_text(app.reports.write(data, fmt="pdf", path=tmp_path / "r.pdf"))
    assert "Personnes accueillies 2" in text
    assert "Services rendus (visites) 3" in text
    assert "Visites par public" in text
    assert "Personnes accueillies et services rendus" in text  # the definition, in the annex
