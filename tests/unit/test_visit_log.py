"""The visits list as the coordinator relies on it: filters that keep the right visits, pages
that give every visit exactly once, totals that add up, and corrections and deletions that
leave an audit line saying who did it."""

from __future__ import annotations

import json
import uuid
from datetime import date, time
from typing import Any

import pytest
from sqlmodel import col, select

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import ConflictError, NotFoundError, ValidationError
from tiers_lieu.models import AuditEntry, Person, Visit
from tiers_lieu.models.enums import CategoryKind, Role, VisitSource
from tiers_lieu.services.events import EventFields, HeadCountLine
from tiers_lieu.services.readmodels import SiteInfo, UserInfo
from tiers_lieu.services.visit_log import UNKNOWN_FILTER, VisitCorrection, VisitFilter

YEAR = VisitFilter(start=date(2026, 1, 1), end=date(2026, 12, 31))


@pytest.fixture
def user(app: Comptoir, site: SiteInfo) -> UserInfo:
    return app.accounts.create_user(
        username="camille",
        display_name="Camille",
        password="motdepasse-solide",
        role=Role.COORDINATOR,
        site_id=site.id,
    )


def service_id(app: Comptoir, site: SiteInfo, name: str) -> uuid.UUID:
    return next(s.id for s in app.config.list_services(site.id) if s.name == name)


def category_id(app: Comptoir, site: SiteInfo, kind: CategoryKind, label: str) -> uuid.UUID:
    return next(c.id for c in app.config.list_categories(site.id, kind) if c.label == label)


def add_visits(app: Comptoir, site: SiteInfo, *rows: dict[str, Any]) -> list[uuid.UUID]:
    """Visits written straight to the database (the desk's counter is another service)."""
    ids = []
    with app.uow() as uow:
        for values in rows:
            visit = Visit(site_id=site.id, **values)
            uow.session.add(visit)
            ids.append(visit.id)
        uow.commit()
    return ids


def audit_lines(app: Comptoir, entity_id: uuid.UUID) -> list[AuditEntry]:
    with app.uow() as uow:
        rows = uow.session.exec(
            select(AuditEntry).where(AuditEntry.entity_id == entity_id).order_by(col(AuditEntry.at))
        )
        # Copies, so that they can be read once the session is closed.
        return [AuditEntry.model_validate(row.model_dump()) for row in rows]


def test_filters_keep_only_the_matching_visits(app: Comptoir, site: SiteInfo) -> None:
    welcome = service_id(app, site, "Accueil / information")
    grocery = service_id(app, site, "Épicerie")
    felletin = app.communes.find_or_add(site.id, "Felletin").id
    teen = category_id(app, site, CategoryKind.AGE_BAND, "12-17")
    add_visits(
        app,
        site,
        {"service_id": welcome, "activity_date": date(2026, 3, 2), "count": 1},
        {"service_id": welcome, "activity_date": date(2026, 3, 3), "commune_id": felletin},
        {"service_id": grocery, "activity_date": date(2026, 3, 3), "count": 4, "age_band_id": teen},
        {"service_id": grocery, "activity_date": date(2026, 4, 1), "commune_id": felletin},
        {"service_id": grocery, "activity_date": date(2025, 12, 31)},
    )

    def people(**changes: Any) -> int:
        filters = VisitFilter(**{**YEAR.__dict__, **changes})
        rows = app.visit_log.page(site_id=site.id, filters=filters, limit=50)
        return sum(r.count for r in rows)

    assert people() == 7  # the visit of 2025 is outside the year
    assert people(start=date(2026, 3, 3), end=date(2026, 3, 3)) == 5
    assert people(service_id=grocery) == 5
    assert people(commune_id=felletin) == 2
    assert people(commune_id=UNKNOWN_FILTER) == 5
    assert people(age_band_id=teen) == 4
    assert people(age_band_id=UNKNOWN_FILTER, service_id=grocery) == 1


def test_rows_carry_labels_and_come_newest_first(app: Comptoir, site: SiteInfo) -> None:
    welcome = service_id(app, site, "Accueil / information")
    woman = category_id(app, site, CategoryKind.GENDER, "Féminin")
    with app.uow() as uow:
        person = Person(site_id=site.id, first_name="Louise", last_name="Martin")
        uow.session.add(person)
        uow.commit()
    add_visits(
        app,
        site,
        {"service_id": welcome, "activity_date": date(2026, 5, 4), "activity_time": time(9, 5)},
        {
            "service_id": welcome,
            "activity_date": date(2026, 5, 4),
            "activity_time": time(16, 30),
            "gender_id": woman,
            "person_id": person.id,
        },
        {"service_id": welcome, "activity_date": date(2026, 5, 4)},  # no time: end of the day
        {"service_id": welcome, "activity_date": date(2026, 5, 5), "activity_time": time(8, 0)},
    )
    rows = app.visit_log.page(site_id=site.id, filters=YEAR, limit=10)
    assert [(r.activity_date.day, r.activity_time) for r in rows] == [
        (5, time(8, 0)),
        (4, time(16, 30)),
        (4, time(9, 5)),
        (4, None),
    ]
    louise = rows[1]
    assert louise.service_name == "Accueil / information"
    assert louise.gender == "Féminin"
    assert louise.person_name == "Louise Martin"
    assert louise.age_band == ""
    assert louise.created_at.tzinfo is not None


def test_pages_give_every_visit_exactly_once(app: Comptoir, site: SiteInfo) -> None:
    welcome = service_id(app, site, "Accueil / information")
    # Many visits share a date and a time, some have none: the id must break the ties.
    rows = [
        {
            "service_id": welcome,
            "activity_date": date(2026, 6, 1 + n % 3),
            "activity_time": None if n % 4 == 0 else time(10 + n % 2, 0),
            "count": 1 + n % 3,
        }
        for n in range(95)
    ]
    created = set(add_visits(app, site, *rows))
    seen: list[uuid.UUID] = []
    after = None
    while True:
        page = app.visit_log.page(site_id=site.id, filters=YEAR, after=after, limit=10)
        if not page:
            break
        assert len(page) <= 10
        seen.extend(r.id for r in page)
        after = page[-1].cursor
    assert len(seen) == len(created) == 95
    assert set(seen) == created
    totals = app.visit_log.totals(site_id=site.id, filters=YEAR)
    assert totals.rows == 95
    assert totals.people == sum(r["count"] for r in rows)


def test_totals_add_up_per_service(app: Comptoir, site: SiteInfo) -> None:
    app.demo.generate(scale="small", seed=1, today=date(2026, 11, 20))
    filters = VisitFilter(start=date(2026, 9, 1), end=date(2026, 11, 20))
    totals = app.visit_log.totals(site_id=site.id, filters=filters)
    assert totals.rows > 100
    assert sum(s.people for s in totals.by_service) == totals.people
    assert sum(s.rows for s in totals.by_service) == totals.rows
    assert totals.people >= totals.rows  # groups count for more than one
    grocery = next(s for s in totals.by_service if s.name == "Épicerie")
    only = app.visit_log.totals(
        site_id=site.id, filters=VisitFilter(filters.start, filters.end, grocery.service_id)
    )
    assert (only.rows, only.people) == (grocery.rows, grocery.people)
    assert [s.name for s in only.by_service] == ["Épicerie"]


def test_a_correction_is_saved_and_audited(app: Comptoir, site: SiteInfo, user: UserInfo) -> None:
    welcome = service_id(app, site, "Accueil / information")
    coworking = service_id(app, site, "Coworking")
    retired = category_id(app, site, CategoryKind.STATUS, "Retraité")
    (visit_id,) = add_visits(
        app, site, {"service_id": welcome, "activity_date": date(2026, 5, 4), "count": 1}
    )
    app.access.sign_in(user)
    row = app.visit_log.update(
        visit_id,
        VisitCorrection(
            service_id=coworking,
            activity_date=date(2026, 5, 3),
            activity_time=time(14, 20, 33),
            count=3,
            status_id=retired,
        ),
    )
    assert (row.service_name, row.count, row.status) == ("Coworking", 3, "Retraité")
    assert row.activity_time == time(14, 20)
    assert app.visit_log.get(visit_id) == row

    (entry,) = audit_lines(app, visit_id)
    assert (entry.action, entry.entity, entry.user_id) == ("update", "visit", user.id)
    changed = json.loads(entry.details)["changed"]
    assert set(changed) == {"service_id", "activity_date", "activity_time", "count", "status_id"}
    assert changed["count"] == [1, 3]


def test_a_correction_that_changes_nothing_writes_no_audit_line(
    app: Comptoir, site: SiteInfo, user: UserInfo
) -> None:
    welcome = service_id(app, site, "Accueil / information")
    (visit_id,) = add_visits(app, site, {"service_id": welcome, "activity_date": date(2026, 5, 4)})
    app.visit_log.update(
        visit_id,
        VisitCorrection(
            service_id=welcome, activity_date=date(2026, 5, 4), activity_time=None, count=1
        ),
    )
    assert audit_lines(app, visit_id) == []


def test_a_deletion_removes_the_visit_and_is_audited(
    app: Comptoir, site: SiteInfo, user: UserInfo
) -> None:
    welcome = service_id(app, site, "Accueil / information")
    keep, gone = add_visits(
        app,
        site,
        {"service_id": welcome, "activity_date": date(2026, 5, 4)},
        {"service_id": welcome, "activity_date": date(2026, 5, 5), "count": 6},
    )
    app.access.sign_in(user)
    app.visit_log.delete(gone)
    rows = app.visit_log.page(site_id=site.id, filters=YEAR, limit=10)
    assert [r.id for r in rows] == [keep]
    (entry,) = audit_lines(app, gone)
    assert (entry.action, entry.user_id, entry.site_id) == ("delete", user.id, site.id)
    assert json.loads(entry.details)["count"] == 6
    with pytest.raises(NotFoundError):
        app.visit_log.delete(gone)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"count": 0}, "Nombre"),
        ({"count": 20_000}, "Nombre"),
        ({"activity_date": date(2026, 5, 6)}, "Date"),
        ({"service_id": uuid.uuid4()}, "Service"),
        ({"gender_id": "age"}, "Genre"),
        ({"person_id": uuid.uuid4()}, "Personne"),
    ],
)
def test_a_wrong_correction_names_the_field_and_changes_nothing(
    app: Comptoir, site: SiteInfo, user: UserInfo, changes: dict[str, Any], field: str
) -> None:
    welcome = service_id(app, site, "Accueil / information")
    (visit_id,) = add_visits(app, site, {"service_id": welcome, "activity_date": date(2026, 5, 4)})
    if changes.get("gender_id") == "age":  # an age band given as a gender
        changes = {"gender_id": category_id(app, site, CategoryKind.AGE_BAND, "70+")}
    values: dict[str, Any] = {
        "service_id": welcome,
        "activity_date": date(2026, 5, 4),
        "activity_time": None,
        "count": 2,
        **changes,
    }
    with pytest.raises(ValidationError) as refused:
        app.visit_log.update(visit_id, VisitCorrection(**values), today=date(2026, 5, 5))
    assert refused.value.field == field
    assert app.visit_log.get(visit_id).count == 1
    assert audit_lines(app, visit_id) == []


def test_visits_of_a_workshop_are_corrected_through_the_workshop(
    app: Comptoir, site: SiteInfo, user: UserInfo
) -> None:
    event = app.events.create(
        site.id, EventFields(title="Atelier tablette", event_date=date(2026, 5, 4))
    )
    app.events.set_head_counts(event.id, [HeadCountLine(5)])
    (row,) = app.visit_log.page(site_id=site.id, filters=YEAR, limit=10)
    assert row.source == VisitSource.EVENT
    with pytest.raises(ConflictError, match="Atelier tablette"):
        app.visit_log.delete(row.id)
    with pytest.raises(ConflictError):
        app.visit_log.update(
            row.id,
            VisitCorrection(
                service_id=row.service_id,
                activity_date=row.activity_date,
                activity_time=None,
                count=9,
            ),
        )
    assert app.visit_log.get(row.id).count == 5
