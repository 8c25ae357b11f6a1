"""The visits of the activity report in one pass (issue 17): every figure the single grouped
statement gives is the one a plain count of the visit rows gives, on SQLite and PostgreSQL,
and the report reads ``visit`` once, through its covering index, without sorting.

The base is generated: three places, their services and categories (one inactive, one
« unknown » row), communes shared by name or INSEE code across places, people, groups
(``count`` > 1), empty references and dates on both sides of the period.
"""

from __future__ import annotations

import random
import re
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlmodel import Session, select

from tiers_lieu.app import Comptoir, build
from tiers_lieu.defaults import UNKNOWN
from tiers_lieu.models import Category, Commune, Person, Service, Visit
from tiers_lieu.models.enums import CategoryKind
from tiers_lieu.reports.indicators import visits
from tiers_lieu.reports.indicators.common import Scope
from tiers_lieu.reports.model import ReportData

KINDS = {
    "visits.by_age_band": CategoryKind.AGE_BAND,
    "visits.by_gender": CategoryKind.GENDER,
    "visits.by_status": CategoryKind.STATUS,
}
COLUMNS = {
    "visits.by_age_band": "age_band_id",
    "visits.by_gender": "gender_id",
    "visits.by_status": "status_id",
}
FIRST, LAST = date(2025, 11, 20), date(2026, 3, 10)


def generate(app: Comptoir, seed: int = 17, visits_per_site: int = 400) -> list[uuid.UUID]:
    """Three places of random visits; returns their ids."""
    rng = random.Random(seed)
    ids = []
    for name, insee in (("Felletin", "23079"), ("Aubusson", "23008"), ("La Courtine", None)):
        site = app.sites.init_site(name=f"Lieu de {name}", commune_name=name, insee_code=insee)
        ids.append(site.id)
        with app.uow() as uow:
            session = uow.session
            # Communes: a shared one by INSEE code, one shared by name only, one without
            # population, and the place's own.
            communes = [
                Commune(site_id=site.id, name="Gentioux", insee_code="23090", population=350),
                Commune(site_id=site.id, name="Crocq", population=400),
                Commune(site_id=site.id, name=f"Hameau {name}"),
            ]
            session.add_all(communes)
            session.add(
                Category(
                    site_id=site.id, kind=CategoryKind.GENDER, label="Inconnu", is_unknown=True
                )
            )
            session.flush()
            services = session.exec(select(Service).where(Service.site_id == site.id)).all()
            services[-1].active = False  # listed only when counted
            categories = session.exec(select(Category).where(Category.site_id == site.id)).all()
            categories[0].active = False
            by_kind: dict[str, list[Category]] = {}
            for category in categories:
                by_kind.setdefault(category.kind, []).append(category)
            people = [
                Person(site_id=site.id, first_name=f"P{n}", last_name=name) for n in range(25)
            ]
            session.add_all(people)
            session.flush()

            def maybe(options: list[Any]) -> Any:
                return rng.choice(options).id if rng.random() < 0.7 else None

            span = (LAST - FIRST).days + 40
            for _ in range(visits_per_site):
                session.add(
                    Visit(
                        site_id=site.id,
                        service_id=rng.choice(services).id,
                        activity_date=FIRST - timedelta(days=20) + timedelta(rng.randrange(span)),
                        count=rng.choice([1, 1, 1, 2, 8]),
                        commune_id=maybe(communes),
                        age_band_id=maybe(by_kind[CategoryKind.AGE_BAND]),
                        gender_id=maybe(by_kind[CategoryKind.GENDER]),
                        status_id=maybe(by_kind[CategoryKind.STATUS]),
                        person_id=maybe(people) if rng.random() < 0.5 else None,
                    )
                )
            uow.commit()
    return ids


def reference(
    app: Comptoir, site_ids: list[uuid.UUID] | None, start: date, end: date
) -> dict[str, Any]:
    """The visit figures counted the plain way: every row read, summed in Python."""
    with Session(app.engine) as session:
        rows = [
            v
            for v in session.exec(select(Visit)).all()
            if (site_ids is None or v.site_id in site_ids) and start <= v.activity_date <= end
        ]
        in_scope = (lambda s: True) if site_ids is None else (lambda s: s in site_ids)
        services = [s for s in session.exec(select(Service)).all() if in_scope(s.site_id)]
        categories = [c for c in session.exec(select(Category)).all() if in_scope(c.site_id)]
        communes = {c.id: c for c in session.exec(select(Commune)).all()}
    service_names = {s.id: s.name for s in services}
    labels = {c.id: (UNKNOWN if c.is_unknown else c.label) for c in categories}

    def summed(key: Any, zeros: list[str] = ()) -> dict[str, int]:  # type: ignore[assignment]
        found: Counter[str] = Counter(dict.fromkeys(zeros, 0))
        for v in rows:
            found[key(v)] += v.count
        return dict(found)

    figures: dict[str, Any] = {
        "visits.total": sum(v.count for v in rows),
        "visits.by_month": summed(lambda v: f"{v.activity_date:%Y-%m}"),
        "visits.by_service": summed(
            lambda v: service_names.get(v.service_id, UNKNOWN),
            [s.name for s in services if s.active],
        ),
        "visits.by_commune": summed(
            lambda v: communes[v.commune_id].name if v.commune_id else UNKNOWN
        ),
        "people.distinct": len({v.person_id for v in rows if v.person_id is not None}),
    }
    for code, kind in KINDS.items():
        column = COLUMNS[code]
        figures[code] = summed(
            lambda v, column=column: (
                labels.get(getattr(v, column), UNKNOWN) if getattr(v, column) else UNKNOWN
            ),
            [c.label for c in categories if c.kind == kind and c.active and not c.is_unknown],
        )
    seen = [communes[i] for i in {v.commune_id for v in rows if v.commune_id}]
    populations = {(c.insee_code or c.name.casefold()): c.population or 0 for c in seen}
    figures["results.population_served"] = sum(populations.values())
    return figures


def reported(data: ReportData) -> dict[str, Any]:
    figures: dict[str, Any] = {
        code: data.value(code)
        for code in ("visits.total", "people.distinct", "results.population_served")
    }
    for code in ("visits.by_service", "visits.by_commune", *KINDS):
        figures[code] = dict(data.series(code))
    figures["visits.by_month"] = {k: v for k, v in data.series("visits.by_month") if v}
    return figures


def check_every_figure(app: Comptoir) -> None:
    ids = generate(app)
    scopes = [None, [ids[0]], [ids[1], ids[2]]]
    periods = [
        (FIRST, LAST),
        (date(2026, 1, 1), date(2026, 1, 31)),
        (date(2030, 1, 1), date(2030, 2, 1)),
    ]
    for site_ids in scopes:
        for start, end in periods:
            data = app.reports.compute(period_start=start, period_end=end, site_ids=site_ids)
            assert reported(data) == reference(app, site_ids, start, end), (site_ids, start)
            months = [k for k, _v in data.series("visits.by_month")]
            assert months == visits.month_keys(start, end)


def test_every_figure_matches_a_plain_count_on_sqlite(app: Comptoir) -> None:
    check_every_figure(app)


@pytest.fixture
def pg_app(pg_url: str) -> Iterator[Comptoir]:
    comptoir = build(pg_url)
    yield comptoir
    comptoir.close()


def test_every_figure_matches_a_plain_count_on_postgresql(pg_app: Comptoir) -> None:
    check_every_figure(pg_app)


# -- one pass ---------------------------------------------------------------------------------


def statements_during(app: Comptoir, work: Any) -> list[str]:
    """Every statement SQLite ran while ``work()`` ran, including those read from the DB-API
    cursor directly (SQLAlchemy's events do not see them)."""
    seen: list[str] = []

    def checkout(dbapi_connection: Any, *_: Any) -> None:
        dbapi_connection.set_trace_callback(seen.append)

    def checkin(dbapi_connection: Any, *_: Any) -> None:
        dbapi_connection.set_trace_callback(None)

    event.listen(app.engine, "checkout", checkout)
    event.listen(app.engine, "checkin", checkin)
    try:
        work()
    finally:
        event.remove(app.engine, "checkout", checkout)
        event.remove(app.engine, "checkin", checkin)
    return seen


def over_visit(statements: list[str]) -> list[str]:
    return [s for s in statements if re.search(r"\b(FROM|JOIN)\s+visit\b", s, re.IGNORECASE)]


@pytest.mark.parametrize("scope", ["all", "one", "two"])
def test_the_report_reads_visit_once(app: Comptoir, scope: str) -> None:
    ids = generate(app, visits_per_site=50)
    site_ids = {"all": None, "one": ids[:1], "two": ids[:2]}[scope]
    statements = statements_during(
        app,
        lambda: app.reports.compute(period_start=FIRST, period_end=LAST, site_ids=site_ids),
    )
    assert len(over_visit(statements)) == 1, over_visit(statements)


@pytest.mark.parametrize("scope", ["all", "one", "two"])
def test_the_pass_follows_the_covering_index_without_sorting(app: Comptoir, scope: str) -> None:
    """Grouped in the order of ``ix_visit_report``: SQLite reads the period's slice of the
    index once, place by place, and aggregates as it goes (a temporary B-tree would sort
    every visit)."""
    ids = generate(app, visits_per_site=50)
    site_ids = {"all": None, "one": ids[:1], "two": ids[:2]}[scope]
    with app.engine.connect() as connection:
        session = Session(bind=connection)
        statement = visits.one_pass(Scope.load(session, start=FIRST, end=LAST, site_ids=site_ids))
        sql = str(
            statement.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True})
        )
        for analysed in (False, True):  # without, then with the planner's statistics
            if analysed:
                connection.execute(text("ANALYZE"))
            plan = " / ".join(
                r[-1] for r in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + sql)
            )
            # SEARCH: each place's slice of the period only, even for all places.
            assert "SEARCH visit USING COVERING INDEX ix_visit_report" in plan, plan
            assert "TEMP B-TREE" not in plan, plan
