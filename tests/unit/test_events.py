"""Workshops and their attendance: what the list and the funder's figures see. Attendance
must always show up as visits to the workshop's service, the same number, with the same
categories, whatever was changed and however often."""

from __future__ import annotations

import uuid
from datetime import date, time

import pytest
from sqlmodel import col, func, select

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import NotFoundError, ValidationError
from tiers_lieu.models import AuditEntry, Person, Visit
from tiers_lieu.models.enums import CategoryKind, Role, VisitSource
from tiers_lieu.services.events import EventFields, HeadCountLine, event_totals
from tiers_lieu.services.readmodels import SiteInfo, UserInfo

DAY = date(2026, 3, 12)


@pytest.fixture
def user(app: Comptoir, site: SiteInfo) -> UserInfo:
    return app.accounts.create_user(
        username="sam",
        display_name="Sam",
        password="motdepasse-solide",
        role=Role.HOST,
        site_id=site.id,
    )


def category(app: Comptoir, site: SiteInfo, kind: CategoryKind, label: str) -> uuid.UUID:
    return next(c.id for c in app.config.list_categories(site.id, kind) if c.label == label)


def event_visits(app: Comptoir, event_id: uuid.UUID) -> list[Visit]:
    with app.uow() as uow:
        rows = uow.session.exec(
            select(Visit).where(Visit.event_id == event_id).order_by(col(Visit.count))
        )
        return [Visit.model_validate(r.model_dump()) for r in rows]


def workshop(app: Comptoir, site: SiteInfo, user: UserInfo, **changes: object) -> uuid.UUID:
    values: dict[str, object] = {
        "title": "Premiers pas sur tablette",
        "event_date": DAY,
        "start_time": time(14, 0),
        "duration_min": 90,
    }
    values.update(changes)
    return app.events.create(site.id, EventFields(**values)).id  # type: ignore[arg-type]


def test_a_new_workshop_counts_for_the_workshop_service(
    app: Comptoir, site: SiteInfo, user: UserInfo
) -> None:
    digital = category(app, site, CategoryKind.EVENT_TYPE, "Atelier numérique")
    info = app.events.create(
        site.id,
        EventFields(
            title="  Premiers pas sur tablette ",
            event_type_id=digital,
            event_date=DAY,
            start_time=time(14, 0, 59),
            duration_min=90,
            place="Salle commune",
            facilitator="Conseiller numérique",
        ),
    )
    assert info.title == "Premiers pas sur tablette"
    assert info.service_name == "Atelier / animation"
    assert info.event_type == "Atelier numérique"
    assert info.start_time == time(14, 0)
    assert info.participants == 0
    assert event_visits(app, info.id) == []


def test_head_counts_become_visits_and_follow_every_change(
    app: Comptoir, site: SiteInfo, user: UserInfo
) -> None:
    event_id = workshop(app, site, user)
    women = category(app, site, CategoryKind.GENDER, "Féminin")
    seniors = category(app, site, CategoryKind.AGE_BAND, "70+")
    app.access.sign_in(user)  # the visits say who counted them
    detail = app.events.set_head_counts(
        event_id,
        [HeadCountLine(5, gender_id=women, age_band_id=seniors), HeadCountLine(3)],
    )
    assert detail.event.participants == 8
    assert detail.head_counts == (HeadCountLine(5, women, seniors), HeadCountLine(3))
    visits = event_visits(app, event_id)
    assert [(v.count, v.gender_id, v.age_band_id) for v in visits] == [
        (3, None, None),
        (5, women, seniors),
    ]
    assert {v.source for v in visits} == {VisitSource.EVENT}
    assert {(v.activity_date, v.activity_time) for v in visits} == {(DAY, time(14, 0))}
    assert {v.created_by_id for v in visits} == {user.id}

    # Saved again with one line fewer: the visits follow, nothing is counted twice.
    app.events.set_head_counts(event_id, [HeadCountLine(6)])
    assert [v.count for v in event_visits(app, event_id)] == [6]

    # Moved to another day and service: the visits move with it.
    cafe = next(s.id for s in app.config.list_services(site.id) if s.name.startswith("Café"))
    app.events.update(
        event_id,
        EventFields(
            title="Premiers pas sur tablette",
            event_date=date(2026, 3, 19),
            start_time=time(10, 0),
            service_id=cafe,
        ),
    )
    (moved,) = event_visits(app, event_id)
    assert (moved.activity_date, moved.activity_time, moved.service_id, moved.count) == (
        date(2026, 3, 19),
        time(10, 0),
        cafe,
        6,
    )

    # No attendance left: no visits left.
    app.events.set_head_counts(event_id, [])
    assert event_visits(app, event_id) == []
    assert app.events.get(event_id).event.participants == 0


def test_registered_people_count_one_visit_each(
    app: Comptoir, site: SiteInfo, user: UserInfo
) -> None:
    felletin = app.communes.find_or_add(site.id, "Felletin").id
    retired = category(app, site, CategoryKind.STATUS, "Retraité")
    with app.uow() as uow:
        louise = Person(
            site_id=site.id,
            first_name="Louise",
            last_name="Martin",
            commune_id=felletin,
            status_id=retired,
        )
        paul = Person(site_id=site.id, first_name="Paul", last_name="Bernard")
        uow.session.add_all([louise, paul])
        uow.commit()
    event_id = workshop(app, site, user)
    app.events.set_head_counts(event_id, [HeadCountLine(12)])

    detail = app.events.set_registered(event_id, [paul.id, louise.id, paul.id])
    assert [p.name for p in detail.registered] == ["Louise Martin", "Paul Bernard"]
    assert detail.head_counts == ()
    assert detail.event.participants == 2
    assert detail.event.attendance_mode == "registered"
    visits = event_visits(app, event_id)
    assert [v.count for v in visits] == [1, 1]  # the head count of 12 is gone
    by_person = {v.person_id: v for v in visits}
    assert (by_person[louise.id].commune_id, by_person[louise.id].status_id) == (
        felletin,
        retired,
    )
    with app.uow() as uow:
        seen = uow.session.get(Person, louise.id)
        assert seen is not None and seen.last_activity_on == DAY

    detail = app.events.set_registered(event_id, [louise.id])
    assert [v.person_id for v in event_visits(app, event_id)] == [louise.id]


def test_deleting_a_workshop_removes_its_visits_and_is_audited(
    app: Comptoir, site: SiteInfo, user: UserInfo
) -> None:
    event_id = workshop(app, site, user)
    app.events.set_head_counts(event_id, [HeadCountLine(4)])
    app.events.delete(event_id)
    assert event_visits(app, event_id) == []
    with pytest.raises(NotFoundError):
        app.events.get(event_id)
    with app.uow() as uow:
        actions = uow.session.exec(
            select(AuditEntry.action).where(AuditEntry.entity_id == event_id)
        ).all()
        left = uow.session.exec(select(func.count()).select_from(Visit)).one()
    assert sorted(actions) == ["create", "delete", "update"]
    assert left == 0


def test_list_gives_the_period_with_participants_and_totals(
    app: Comptoir, site: SiteInfo, user: UserInfo
) -> None:
    early = workshop(app, site, user, title="Atelier CV", event_date=date(2026, 2, 1))
    late = workshop(app, site, user, title="Réunion des bénévoles", duration_min=30)
    workshop(app, site, user, title="Hors période", event_date=date(2025, 12, 31))
    app.events.set_head_counts(early, [HeadCountLine(7), HeadCountLine(2)])
    app.events.set_head_counts(late, [HeadCountLine(4)])

    listed = app.events.list(site.id, date(2026, 1, 1), date(2026, 12, 31))
    assert [(e.title, e.participants) for e in listed] == [
        ("Réunion des bénévoles", 4),
        ("Atelier CV", 9),
    ]
    totals = event_totals(listed)
    assert (totals.events, totals.participants, totals.minutes) == (2, 13, 120)
    assert totals.hours == 2


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "   "}, "Titre"),
        ({"title": "x" * 201}, "Titre"),
        ({"duration_min": -5}, "Durée"),
        ({"duration_min": 25 * 60}, "Durée"),
        ({"place": "x" * 121}, "Lieu"),
        ({"service_id": uuid.uuid4()}, "Service"),
        ({"partner_id": uuid.uuid4()}, "Partenaire"),
        ({"event_type_id": uuid.uuid4()}, "Type"),
    ],
)
def test_a_wrong_workshop_names_the_field(
    app: Comptoir, site: SiteInfo, user: UserInfo, changes: dict[str, object], field: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        workshop(app, site, user, **changes)
    assert refused.value.field == field
    assert app.events.list(site.id, date(2000, 1, 1), date(2100, 1, 1)) == []


def test_a_wrong_head_count_changes_nothing(app: Comptoir, site: SiteInfo, user: UserInfo) -> None:
    event_id = workshop(app, site, user)
    app.events.set_head_counts(event_id, [HeadCountLine(3)])
    seniors = category(app, site, CategoryKind.AGE_BAND, "70+")
    with pytest.raises(ValidationError, match="Nombre : ligne 2"):
        app.events.set_head_counts(event_id, [HeadCountLine(2), HeadCountLine(0)])
    with pytest.raises(ValidationError) as wrong_kind:
        app.events.set_head_counts(event_id, [HeadCountLine(2, gender_id=seniors)])
    assert wrong_kind.value.field == "Genre"
    with pytest.raises(ValidationError) as unknown:
        app.events.set_registered(event_id, [uuid.uuid4()])
    assert unknown.value.field == "Participants"
    assert [v.count for v in event_visits(app, event_id)] == [3]


def test_the_form_choices(app: Comptoir, site: SiteInfo) -> None:
    workshop_service = app.events.default_service_id(site.id)
    names = {s.id: s.name for s in app.config.list_services(site.id)}
    assert workshop_service is not None and names[workshop_service] == "Atelier / animation"
    assert app.events.list_partners(site.id) == []
