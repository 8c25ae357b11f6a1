"""The desk's visit counter and today's summary: what is saved per key press, what undo
removes, what the details change, and what the Accueil screen reads for today."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from lostanswer import lose_answers, retry_after_lost_answer
from sqlmodel import select

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import ConflictError, NotFoundError, ValidationError
from tiers_lieu.models import (
    AssistanceRecord,
    AuditEntry,
    Booking,
    Person,
    Resource,
    Visit,
)
from tiers_lieu.models.enums import AuditAction, BookingStatus, CategoryKind, Role
from tiers_lieu.services.pending_visits import (
    FlushResult,
    PendingVisit,
    PendingVisitQueue,
    is_connection_lost,
    save_pending,
)
from tiers_lieu.services.readmodels import ServiceInfo, SiteInfo, UserInfo
from tiers_lieu.services.visits import desk_keys

PARIS = ZoneInfo("Europe/Paris")


def paris_today() -> date:
    return datetime.now(PARIS).date()


@pytest.fixture
def services(app: Comptoir, site: SiteInfo) -> list[ServiceInfo]:
    return app.config.list_services(site.id)


@pytest.fixture
def host(app: Comptoir, site: SiteInfo) -> UserInfo:
    return app.accounts.create_user(
        username="lea", display_name="Léa", password="motdepasse-long", role=Role.HOST
    )


def stored(app: Comptoir, visit_id: uuid.UUID) -> Visit | None:
    with app.uow() as uow:
        row = uow.session.get(Visit, visit_id)
        if row is not None:
            uow.session.expunge(row)  # readable after the unit of work closes
        return row


def visit_count(app: Comptoir) -> int:
    with app.uow() as uow:
        return len(uow.session.exec(select(Visit)).all())


def category(app: Comptoir, site: SiteInfo, kind: CategoryKind, label: str) -> uuid.UUID:
    return next(c.id for c in app.config.list_categories(site.id, kind) if c.label == label)


# -- counting -----------------------------------------------------------------------------
def test_a_key_press_saves_one_visit_now_at_the_place(
    app: Comptoir, site: SiteInfo, services: list[ServiceInfo], host: UserInfo
) -> None:
    grocery = next(s for s in services if s.name == "Épicerie")
    before = datetime.now(PARIS).replace(second=0, microsecond=0)
    app.access.sign_in(host)  # the desk's account: the visit says who counted it
    visit = app.visits.count(site_id=site.id, service_id=grocery.id)

    assert visit.service_name == "Épicerie"
    assert visit.count == 1
    assert visit.activity_date == paris_today()
    assert visit.activity_time is not None
    moment = datetime.combine(visit.activity_date, visit.activity_time, PARIS)
    assert before <= moment <= datetime.now(PARIS)
    row = stored(app, visit.id)
    assert row is not None
    assert (row.source, row.created_by_id, row.site_id) == ("desk", host.id, site.id)
    assert app.visits.counts_for_day(site.id, paris_today()) == {grocery.id: 1}


def test_group_counts_sum_per_service(
    app: Comptoir, site: SiteInfo, services: list[ServiceInfo]
) -> None:
    welcome, cafe = services[0], services[7]
    app.visits.count(site_id=site.id, service_id=welcome.id, count=8)
    app.visits.count(site_id=site.id, service_id=welcome.id)
    app.visits.count(site_id=site.id, service_id=cafe.id, count=3)
    assert app.visits.counts_for_day(site.id, paris_today()) == {welcome.id: 9, cafe.id: 3}


def test_a_past_dated_visit_keeps_its_entry_instant_apart(
    app: Comptoir, site: SiteInfo, services: list[ServiceInfo]
) -> None:
    day = paris_today() - timedelta(days=3)
    visit = app.visits.count(
        site_id=site.id, service_id=services[1].id, activity_date=day, activity_time=time(10, 30)
    )
    assert (visit.activity_date, visit.activity_time) == (day, time(10, 30))
    assert visit.created_at.astimezone(PARIS).date() == paris_today() != visit.activity_date
    assert app.visits.counts_for_day(site.id, day) == {services[1].id: 1}
    assert app.visits.counts_for_day(site.id, paris_today()) == {}

    untimed = app.visits.count(site_id=site.id, service_id=services[1].id, activity_date=day)
    assert untimed.activity_time is None


def test_count_zero_and_a_future_date_are_refused_and_nothing_is_written(
    app: Comptoir, site: SiteInfo, services: list[ServiceInfo]
) -> None:
    with pytest.raises(ValidationError) as zero:
        app.visits.count(site_id=site.id, service_id=services[0].id, count=0)
    assert zero.value.field == "Nombre de personnes"
    with pytest.raises(ValidationError) as future:
        app.visits.count(
            site_id=site.id,
            service_id=services[0].id,
            activity_date=paris_today() + timedelta(days=1),
        )
    assert future.value.field == "Date de l'activité"
    assert "Date de l'activité" in future.value.message
    assert visit_count(app) == 0


def test_an_inactive_service_or_one_of_another_site_is_refused(
    app: Comptoir, site: SiteInfo, services: list[ServiceInfo]
) -> None:
    app.config.update_service(services[2].id, name=services[2].name, active=False)
    with pytest.raises(ConflictError, match="désactivé"):
        app.visits.count(site_id=site.id, service_id=services[2].id)
    other = app.sites.init_site(name="Le Relais du plateau", commune_name="Gentioux")
    with pytest.raises(NotFoundError):
        app.visits.count(site_id=other.id, service_id=services[0].id)
    assert visit_count(app) == 0


# -- retried with the desk's id (server unreachable) ----------------------------------------
def test_a_visit_counted_twice_under_its_id_is_saved_once(
    app: Comptoir, site: SiteInfo, services: list[ServiceInfo]
) -> None:
    visit_id = uuid.uuid4()
    day = paris_today() - timedelta(days=1)
    first = app.visits.count(
        site_id=site.id, service_id=services[0].id, activity_date=day, visit_id=visit_id
    )
    again = app.visits.count(
        site_id=site.id, service_id=services[0].id, activity_date=day, visit_id=visit_id
    )
    assert first.id == again.id == visit_id
    assert app.visits.counts_for_day(site.id, day) == {services[0].id: 1}


def test_a_kept_visit_whose_first_commit_was_not_acknowledged_counts_once(
    app: Comptoir, site: SiteInfo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert retry_after_lost_answer(app, site.id, tmp_path, monkeypatch) == (1, 1)


def test_a_kept_visit_taken_back_is_removed_from_the_server_even_after_a_restart(
    app: Comptoir, site: SiteInfo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = app.config.list_services(site.id)[0]
    visit = PendingVisit(site.id, service.id, service.name, paris_today(), time(9, 5))
    queue = PendingVisitQueue.for_database(app.url, tmp_path)
    lose_answers(monkeypatch, times=1)
    with pytest.raises(Exception) as caught:
        save_pending(app.visits, visit)
    assert is_connection_lost(caught.value)
    queue.add(visit)
    assert queue.take_back(visit.id) and len(queue) == 0
    assert stored(app, visit.id) is not None  # what the server took, unanswered

    reopened = PendingVisitQueue.for_database(app.url, tmp_path)  # the desk restarted
    assert reopened.withdrawn() == [visit.id]
    result = reopened.flush(lambda kept: save_pending(app.visits, kept), undo=app.visits.undo)
    assert result.taken_back == [visit.id] and result.saved == []
    assert stored(app, visit.id) is None
    assert reopened.withdrawn() == []
    # Taken back before it ever reached the server: nothing to remove, nothing refused.
    never = PendingVisit(site.id, service.id, service.name, paris_today(), time(9, 6))
    reopened.add(never)
    reopened.take_back(never.id)
    assert reopened.flush(lambda kept: save_pending(app.visits, kept), undo=app.visits.undo) == (
        FlushResult()
    )
    assert reopened.withdrawn() == [] and visit_count(app) == 0


def test_a_retry_does_not_bring_back_a_visit_undone_meanwhile(
    app: Comptoir, site: SiteInfo, services: list[ServiceInfo]
) -> None:
    visit_id = uuid.uuid4()
    app.visits.count(site_id=site.id, service_id=services[0].id, visit_id=visit_id)
    app.visits.undo(visit_id)
    with pytest.raises(ConflictError, match="enregistrée puis retirée"):
        app.visits.count(site_id=site.id, service_id=services[0].id, visit_id=visit_id)
    assert visit_count(app) == 0


def test_a_retry_in_another_place_is_refused_and_the_first_visit_stays(
    app: Comptoir, site: SiteInfo, services: list[ServiceInfo]
) -> None:
    visit_id = uuid.uuid4()
    first = app.visits.count(site_id=site.id, service_id=services[0].id, visit_id=visit_id)
    other = app.sites.init_site(name="Le Relais du plateau", commune_name="Gentioux")
    elsewhere = app.config.list_services(other.id)[0]
    with pytest.raises(ConflictError, match="déjà enregistrée pour un autre lieu"):
        app.visits.count(site_id=other.id, service_id=elsewhere.id, visit_id=visit_id)
    kept = stored(app, visit_id)
    assert kept is not None and kept.site_id == site.id and kept.created_at == first.created_at
    assert visit_count(app) == 1
    # A retry in its own place (read through the same transaction as the key press's
    # check) still answers the visit saved the first time.
    again = app.visits.count(site_id=site.id, service_id=services[0].id, visit_id=visit_id)
    assert again.id == visit_id and again.service_name == services[0].name
    assert visit_count(app) == 1


# -- undo ---------------------------------------------------------------------------------
def test_undo_removes_the_visit_and_the_audit_log_says_who(
    app: Comptoir, site: SiteInfo, services: list[ServiceInfo], host: UserInfo
) -> None:
    kept = app.visits.count(site_id=site.id, service_id=services[0].id)
    wrong = app.visits.count(site_id=site.id, service_id=services[0].id, count=2)
    app.access.sign_in(host)
    removed = app.visits.undo(wrong.id)

    assert removed.id == wrong.id
    assert stored(app, wrong.id) is None
    assert stored(app, kept.id) is not None
    assert app.visits.counts_for_day(site.id, paris_today()) == {services[0].id: 1}
    with app.uow() as uow:
        entries = [
            (e.action, e.entity, e.user_id, e.details)
            for e in uow.session.exec(select(AuditEntry).where(AuditEntry.entity_id == wrong.id))
        ]
    assert [e[:3] for e in entries] == [(AuditAction.DELETE, "visit", host.id)]
    assert '"count": 2' in entries[0][3]
    with pytest.raises(NotFoundError):
        app.visits.undo(wrong.id)


# -- details ------------------------------------------------------------------------------
def test_completing_a_visit_stores_its_details_and_touches_the_person(
    app: Comptoir, site: SiteInfo, services: list[ServiceInfo], host: UserInfo
) -> None:
    day = paris_today() - timedelta(days=1)
    visit = app.visits.count(site_id=site.id, service_id=services[4].id, activity_date=day)
    commune = app.communes.find_or_add(site.id, "Aubusson")
    with app.uow() as uow:
        person = Person(site_id=site.id, first_name="Jeanne", last_name="Martin")
        uow.session.add(person)
        uow.commit()
        person_id = person.id
    band = category(app, site, CategoryKind.AGE_BAND, "60-69")
    gender = category(app, site, CategoryKind.GENDER, "Féminin")

    app.access.sign_in(host)
    done = app.visits.complete(
        visit.id,
        commune_id=commune.id,
        age_band_id=band,
        gender_id=gender,
        status_id=None,
        person_id=person_id,
        count=2,
    )

    assert (done.commune_id, done.age_band_id, done.gender_id, done.status_id) == (
        commune.id,
        band,
        gender,
        None,
    )
    assert (done.person_id, done.count, done.activity_date) == (person_id, 2, day)
    row = stored(app, visit.id)
    assert row is not None and row.commune_id == commune.id and row.count == 2
    assert app.visits.counts_for_day(site.id, day) == {services[4].id: 2}
    with app.uow() as uow:
        touched = uow.session.get(Person, person_id)
        assert touched is not None and touched.last_activity_on == day
        audit = uow.session.exec(
            select(AuditEntry).where(
                AuditEntry.entity_id == visit.id, AuditEntry.action == AuditAction.UPDATE
            )
        ).one()
        assert audit.user_id == host.id
        assert "person" in audit.details
        assert "Jeanne" not in audit.details  # the audit names fields, not people


def test_completing_refuses_a_value_from_the_wrong_list_and_count_zero(
    app: Comptoir, site: SiteInfo, services: list[ServiceInfo]
) -> None:
    visit = app.visits.count(site_id=site.id, service_id=services[0].id)
    gender = category(app, site, CategoryKind.GENDER, "Masculin")
    values = {"commune_id": None, "gender_id": None, "status_id": None, "person_id": None}
    with pytest.raises(ValidationError) as wrong_list:
        app.visits.complete(visit.id, age_band_id=gender, count=1, **values)
    assert wrong_list.value.field == "Tranche d'âge"
    with pytest.raises(ValidationError) as zero:
        app.visits.complete(visit.id, age_band_id=None, count=0, **values)
    assert zero.value.field == "Nombre de personnes"
    row = stored(app, visit.id)
    assert row is not None and row.age_band_id is None and row.count == 1


def test_counts_for_day_keeps_sites_and_days_apart(
    app: Comptoir, site: SiteInfo, services: list[ServiceInfo]
) -> None:
    other = app.sites.init_site(name="La Grange de Vallière", commune_name="Vallière")
    other_service = app.config.list_services(other.id)[0]
    app.visits.count(site_id=site.id, service_id=services[0].id, count=4)
    app.visits.count(
        site_id=site.id,
        service_id=services[0].id,
        activity_date=paris_today() - timedelta(days=1),
    )
    app.visits.count(site_id=other.id, service_id=other_service.id, count=5)
    assert app.visits.counts_for_day(site.id, paris_today()) == {services[0].id: 4}
    assert app.visits.counts_for_day(other.id, paris_today()) == {other_service.id: 5}


def test_desk_keys_follow_the_active_services_in_order() -> None:
    def service(n: int, active: bool = True) -> ServiceInfo:
        return ServiceInfo(uuid.uuid4(), f"S{n}", "other", n, active)

    listed = [service(0), service(1, active=False)] + [service(n) for n in range(2, 13)]
    keys = desk_keys(listed)
    active = [s for s in listed if s.active]
    assert [keys.get(s.id) for s in active] == [1, 2, 3, 4, 5, 6, 7, 8, 9, 0, None, None]
    assert listed[1].id not in keys


# -- today --------------------------------------------------------------------------------
def add_booking(
    app: Comptoir,
    site: SiteInfo,
    resource_id: uuid.UUID,
    start: datetime,
    *,
    status: BookingStatus = BookingStatus.CONFIRMED,
    person_id: uuid.UUID | None = None,
    organisation: str = "",
) -> None:
    with app.uow() as uow:
        uow.session.add(
            Booking(
                site_id=site.id,
                resource_id=resource_id,
                start_at=start.astimezone(UTC),
                end_at=(start + timedelta(hours=1)).astimezone(UTC),
                status=status,
                person_id=person_id,
                organisation=organisation,
                title="Motif qui ne doit pas paraître",
            )
        )
        uow.commit()


def test_today_summary_counts_visits_bookings_and_follow_ups(
    app: Comptoir, site: SiteInfo, services: list[ServiceInfo]
) -> None:
    today = paris_today()
    app.visits.count(
        site_id=site.id, service_id=services[0].id, activity_date=today, activity_time=time(9, 5)
    )
    app.visits.count(
        site_id=site.id,
        service_id=services[0].id,
        activity_date=today,
        activity_time=time(9, 50),
        count=3,
    )
    app.visits.count(
        site_id=site.id, service_id=services[5].id, activity_date=today, activity_time=time(14, 0)
    )
    app.visits.count(site_id=site.id, service_id=services[5].id, activity_date=today)
    app.visits.count(
        site_id=site.id, service_id=services[5].id, activity_date=today - timedelta(days=1)
    )

    with app.uow() as uow:
        desk = Resource(site_id=site.id, name="Poste 1", kind="desk")
        room = Resource(site_id=site.id, name="Salle de réunion", kind="meeting_room")
        person = Person(site_id=site.id, first_name="Paul", last_name="Durand", phone="0600")
        uow.session.add_all([desk, room, person])
        uow.commit()
        desk_id, room_id, person_id = desk.id, room.id, person.id
    midnight = datetime.combine(today, time(0), PARIS)
    add_booking(app, site, desk_id, midnight + timedelta(minutes=30), person_id=person_id)
    add_booking(app, site, room_id, midnight + timedelta(hours=14), organisation="Asso Vélo")
    add_booking(app, site, desk_id, midnight + timedelta(hours=10), status=BookingStatus.CANCELLED)
    add_booking(app, site, desk_id, midnight - timedelta(minutes=30))  # yesterday 23:30
    add_booking(app, site, desk_id, midnight + timedelta(days=1, hours=9))  # tomorrow

    labels = {
        c.label: c.id
        for kind in (CategoryKind.OPERATOR, CategoryKind.THEME, CategoryKind.HELP_TYPE)
        for c in app.config.list_categories(site.id, kind)
    }
    outcome = category(app, site, CategoryKind.OUTCOME, "Doit revenir")
    with app.uow() as uow:
        for due, closed in (
            (today, None),
            (today - timedelta(days=5), None),
            (today + timedelta(days=2), None),
            (today - timedelta(days=1), datetime.now(UTC)),
        ):
            uow.session.add(
                AssistanceRecord(
                    site_id=site.id,
                    activity_date=today - timedelta(days=7),
                    operator_id=labels["CAF"],
                    theme_id=labels["Logement"],
                    help_type_id=labels["Information / orientation"],
                    outcome_id=outcome,
                    follow_up_due=due,
                    follow_up_closed_at=closed,
                )
            )
        uow.commit()

    summary = app.today.summary(site.id, today)

    assert summary.visits_by_service == {services[0].id: 4, services[5].id: 2}
    assert summary.total == 6
    assert summary.visits_by_hour == {9: 4, 14: 1}
    assert summary.untimed == 1
    assert [(b.start, b.resource_name, b.who) for b in summary.bookings_today] == [
        (time(0, 30), "Poste 1", "Paul Durand"),
        (time(14, 0), "Salle de réunion", "Asso Vélo"),
    ]
    assert "Motif" not in repr(summary.bookings_today)
    assert summary.follow_ups_due == 2
    light = app.today.visits(site.id, today)  # what a key press reloads
    assert (light.by_service, light.by_hour, light.untimed, light.total) == (
        summary.visits_by_service,
        summary.visits_by_hour,
        1,
        6,
    )


def test_today_summary_of_a_quiet_day_is_empty(app: Comptoir, site: SiteInfo) -> None:
    summary = app.today.summary(site.id, paris_today())
    assert (summary.total, summary.visits_by_hour, summary.bookings_today) == (0, {}, ())
    assert summary.follow_ups_due == 0
    assert (summary.parcels_waiting, summary.parcels_late) == (0, 0)
    with pytest.raises(NotFoundError):
        app.today.summary(uuid.uuid4(), paris_today())
