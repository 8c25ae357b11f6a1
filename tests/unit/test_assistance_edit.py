"""Correcting a démarche typed wrong, deleting one (a duplicate), and moving a follow-up's
date: what ``create`` wrote besides the record (the visit it counted, the follow-up, the
person's last activity, the Coop's fields) follows in the same transaction, so that the
funders' figures (LEADER report, France Services table, Coop export) stay right; the same
checks as ``create``; audited without a name or a note; refused for a volunteer and for
another place's record."""

from __future__ import annotations

import json
import uuid
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from sqlmodel import col, func, select

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import ConflictError, NotFoundError, ValidationError
from tiers_lieu.i18n import place_today, time_zone
from tiers_lieu.models import AssistanceRecord, AuditEntry, Person, Tombstone, Visit
from tiers_lieu.models.enums import AuditAction, CategoryKind, Role, VisitSource
from tiers_lieu.services.access import AccessDeniedError
from tiers_lieu.services.assistance import AssistanceInput
from tiers_lieu.services.readmodels import SiteInfo

DAY = date(2026, 3, 10)
APRIL = date(2026, 4, 2)
CONSENT = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def category(app: Comptoir, site: SiteInfo, kind: CategoryKind, label: str) -> uuid.UUID:
    return next(c.id for c in app.config.list_categories(site.id, kind) if c.label == label)


def data(app: Comptoir, site: SiteInfo, **overrides: Any) -> AssistanceInput:
    values: dict[str, Any] = {
        "activity_date": DAY,
        "activity_time": time(10, 30),
        "operator_id": category(app, site, CategoryKind.OPERATOR, "CAF"),
        "theme_id": category(app, site, CategoryKind.THEME, "Logement"),
        "help_type_id": category(app, site, CategoryKind.HELP_TYPE, "Aide à une démarche en ligne"),
        "duration_min": 15,
        "outcome_id": category(app, site, CategoryKind.OUTCOME, "Finalisée"),
    }
    values.update(overrides)
    return AssistanceInput(**values)


def record(app: Comptoir, site: SiteInfo, *, count_visit: bool = True, **overrides: Any) -> Any:
    return app.assistance.create(site.id, data(app, site, **overrides), count_visit=count_visit)


def count(app: Comptoir, model: Any, *where: Any) -> int:
    with app.uow() as uow:
        query = select(func.count()).select_from(model)
        if where:
            query = query.where(*where)
        return int(uow.session.exec(query).one())


def fetch(app: Comptoir, model: Any, row_id: uuid.UUID | None) -> Any:
    with app.uow() as uow:
        row = uow.session.get(model, row_id)
        return None if row is None else SimpleNamespace(**row.model_dump())


def add_person(app: Comptoir, site: SiteInfo, first: str, *, consent: bool = True) -> uuid.UUID:
    with app.uow() as uow:
        person = Person(
            site_id=site.id,
            first_name=first,
            last_name="Marchand",
            consent_given_at=CONSENT if consent else None,
        )
        uow.session.add(person)
        uow.commit()
        return person.id


def audit_lines(app: Comptoir, entity_id: uuid.UUID) -> list[Any]:
    with app.uow() as uow:
        rows = uow.session.exec(
            select(AuditEntry)
            .where(col(AuditEntry.entity_id) == entity_id)
            .order_by(col(AuditEntry.at))
        ).all()
        return [SimpleNamespace(**r.model_dump()) for r in rows]


def sign_in(app: Comptoir, role: Role, *, site_id: uuid.UUID | None = None) -> Any:
    user = app.accounts.create_user(
        username=f"compte.{role.value}.{uuid.uuid4().hex[:6]}",
        display_name=f"Compte {role.value}",
        password="correct horse battery",
        role=role,
        site_id=site_id,
    )
    app.access.sign_in(user)
    return user


def today(site: SiteInfo) -> date:
    return place_today(time_zone(site.timezone))


# -- update ---------------------------------------------------------------------------------
def test_a_corrected_record_moves_its_figures_and_its_visit_in_the_reports(
    app: Comptoir, site: SiteInfo
) -> None:
    info = record(app, site)
    msa = category(app, site, CategoryKind.OPERATOR, "MSA")
    health = category(app, site, CategoryKind.THEME, "Social - Santé")

    edited = app.assistance_edit.update(
        info.id,
        data(app, site, activity_date=APRIL, operator_id=msa, theme_id=health, duration_min=45),
    )

    assert (edited.id, edited.operator, edited.theme, edited.activity_date) == (
        info.id,
        "MSA",
        "Social - Santé",
        APRIL,
    )
    assert {"activity_date", "operator", "theme", "duration_min"} <= set(edited.changed)
    # France Services table: the record left March's CAF cell for April's MSA one.
    table = app.assistance.monthly_by_operator(site.id, start=date(2026, 3, 1), end=APRIL)
    cells = {line.operator: line.counts for line in table.lines}
    assert table.months == ["2026-03", "2026-04"]
    assert cells["CAF"] == [0, 0] and cells["MSA"] == [0, 1]
    # LEADER report: the visit it counted moved with it (no second visit), and the démarche's
    # own figures follow.
    report = app.reports.compute(
        period_start=date(2026, 3, 1), period_end=date(2026, 4, 30), site_ids=[site.id]
    )
    assert report.value("visits.total") == 1
    assert report.value("visits.by_month", "2026-03") == 0
    assert report.value("visits.by_month", "2026-04") == 1
    assert report.value("assistance.total") == 1
    assert report.value("assistance.minutes") == 45
    assert report.value("assistance.by_operator", "MSA") == 1
    assert report.value("assistance.by_operator", "CAF") == 0
    assert count(app, Visit) == 1 and count(app, AssistanceRecord) == 1
    visit = fetch(app, Visit, info.visit_id)
    assert (visit.activity_date, visit.source) == (APRIL, VisitSource.ASSISTANCE)
    assert app.visits.counts_for_day(site.id, DAY) == {}
    # The Coop export reads the record as it is now.
    rows = app.assistance.coop_activities([site.id], start=date(2026, 3, 1), end=APRIL).rows
    assert [row.day for row in rows] == [APRIL]


def test_the_visit_follows_the_person_and_the_details(app: Comptoir, site: SiteInfo) -> None:
    first = add_person(app, site, "Lucie")
    second = add_person(app, site, "Marc")
    aubusson = app.communes.add_commune(site.id, name="Aubusson", insee_code="23008").id
    sixties = category(app, site, CategoryKind.AGE_BAND, "60-69")
    info = record(app, site, person_id=first)

    app.assistance_edit.update(
        info.id,
        data(
            app,
            site,
            activity_date=DAY + timedelta(days=5),
            activity_time=None,
            person_id=second,
            commune_id=aubusson,
            age_band_id=sixties,
        ),
    )

    visit = fetch(app, Visit, info.visit_id)
    assert (visit.person_id, visit.commune_id, visit.age_band_id) == (second, aubusson, sixties)
    assert (visit.activity_date, visit.activity_time) == (DAY + timedelta(days=5), None)
    assert fetch(app, Person, second).last_activity_on == DAY + timedelta(days=5)


def test_an_imported_record_still_counts_no_visit_once_corrected(
    app: Comptoir, site: SiteInfo
) -> None:
    info = record(app, site, count_visit=False, source="import")

    app.assistance_edit.update(info.id, data(app, site, duration_min=30))

    assert count(app, Visit) == 0
    saved = fetch(app, AssistanceRecord, info.id)
    assert (saved.duration_min, saved.source, saved.visit_id) == (30, "import", None)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ("wrong_list", "Organisme"),
        ("other_place", "Thème"),
        ("oriented_without_orientation", "Orientation"),
        ("orientation_not_oriented", "Orientation"),
        ("duration", "Durée"),
        ("note", "Note"),
        ("future", "Date de la démarche"),
        ("follow_up_before", "Date de suivi"),
        ("commune", "Commune"),
        ("letter_not_writer", "Courrier envoyé le"),
    ],
)
def test_a_correction_is_checked_as_a_new_record_is_and_refused_whole(
    app: Comptoir, site: SiteInfo, change: str, field: str
) -> None:
    info = record(app, site)
    other = app.sites.init_site(name="Autre lieu", commune_name="Aubusson")
    oriented = category(app, site, CategoryKind.OUTCOME, "Orientée")
    back = category(app, site, CategoryKind.OUTCOME, "Doit revenir")
    changes: dict[str, Any] = {
        "wrong_list": {"operator_id": category(app, site, CategoryKind.THEME, "Logement")},
        "other_place": {"theme_id": category(app, other, CategoryKind.THEME, "Logement")},
        "oriented_without_orientation": {"outcome_id": oriented},
        "orientation_not_oriented": {
            "orientation_id": category(app, site, CategoryKind.ORIENTATION, "Organisme en charge")
        },
        "duration": {"duration_min": 0},
        "note": {"note": "x" * 281},
        "future": {"activity_date": today(site) + timedelta(days=1)},
        "follow_up_before": {"outcome_id": back, "follow_up_due": DAY - timedelta(days=1)},
        "commune": {"commune_id": uuid.uuid4()},
        "letter_not_writer": {"letter_sent_on": DAY, "answer_expected_on": DAY + timedelta(days=9)},
    }[change]
    before = fetch(app, AssistanceRecord, info.id)

    with pytest.raises(ValidationError) as refused:
        app.assistance_edit.update(info.id, data(app, site, **({"duration_min": 50} | changes)))

    assert refused.value.field == field
    assert fetch(app, AssistanceRecord, info.id) == before  # nothing half written
    assert fetch(app, Visit, info.visit_id).activity_date == DAY
    assert [line.action for line in audit_lines(app, info.id)] == []


def test_a_new_record_is_refused_a_date_after_today_too(app: Comptoir, site: SiteInfo) -> None:
    with pytest.raises(ValidationError) as refused:
        record(app, site, activity_date=today(site) + timedelta(days=1))
    assert refused.value.field == "Date de la démarche"
    assert count(app, AssistanceRecord) == 0 and count(app, Visit) == 0
    assert record(app, site, activity_date=today(site)).activity_date == today(site)


def test_a_person_who_did_not_consent_cannot_be_put_on_a_record(
    app: Comptoir, site: SiteInfo
) -> None:
    info = record(app, site)
    refusing = add_person(app, site, "Paul", consent=False)

    with pytest.raises(ConflictError) as refused:
        app.assistance_edit.update(info.id, data(app, site, person_id=refusing))

    assert "consentement" in refused.value.message
    assert fetch(app, AssistanceRecord, info.id).person_id is None


def test_the_follow_up_opens_and_goes_with_the_outcome(app: Comptoir, site: SiteInfo) -> None:
    info = record(app, site)
    back = category(app, site, CategoryKind.OUTCOME, "Doit revenir")
    assert app.assistance.count_follow_ups(site.id) == 0

    opened = app.assistance_edit.update(info.id, data(app, site, outcome_id=back))

    assert opened.follow_up_due == DAY + timedelta(days=7)
    assert [f.id for f in app.assistance.follow_ups(site.id)] == [info.id]

    app.assistance_edit.update(info.id, data(app, site))

    assert app.assistance.count_follow_ups(site.id) == 0
    assert fetch(app, AssistanceRecord, info.id).follow_up_due is None


def test_a_closed_follow_up_stays_closed_with_its_closing_orientation(
    app: Comptoir, site: SiteInfo
) -> None:
    back = category(app, site, CategoryKind.OUTCOME, "Doit revenir")
    oriented = category(app, site, CategoryKind.OUTCOME, "Orientée")
    social = category(app, site, CategoryKind.ORIENTATION, "Organisme en charge")
    info = record(app, site, outcome_id=back)
    app.assistance.close_follow_up(info.id, outcome_id=oriented, orientation_id=social)

    # The form sends no orientation: the record's own outcome is « Doit revenir ».
    app.assistance_edit.update(info.id, data(app, site, outcome_id=back, duration_min=40))

    saved = fetch(app, AssistanceRecord, info.id)
    assert saved.follow_up_closed_at is not None and saved.follow_up_outcome_id == oriented
    assert saved.orientation_id == social and saved.duration_min == 40
    assert app.assistance.count_follow_ups(site.id) == 0


def test_a_relaunched_letter_keeps_its_relaunch_date_when_corrected(
    app: Comptoir, site: SiteInfo
) -> None:
    now = today(site)
    writer = category(app, site, CategoryKind.HELP_TYPE, "Écrivain public (courrier)")
    letter = {
        "activity_date": now,
        "help_type_id": writer,
        "letter_sent_on": now,
        "answer_expected_on": now + timedelta(days=30),
    }
    info = record(app, site, **letter)
    app.letters.relaunch(info.id, due=now + timedelta(days=40))

    app.assistance_edit.update(info.id, data(app, site, duration_min=45, **letter))

    assert fetch(app, AssistanceRecord, info.id).follow_up_due == now + timedelta(days=40)


def test_a_correction_is_audited_by_the_account_without_name_or_note(
    app: Comptoir, site: SiteInfo
) -> None:
    lucie = add_person(app, site, "Lucie")
    info = record(app, site, note="Dossier APL de Lucie")
    user = sign_in(app, Role.MEDIATOR, site_id=site.id)

    app.assistance_edit.update(
        info.id,
        data(app, site, person_id=lucie, note="Dossier APL de Lucie, suite", duration_min=20),
    )

    lines = audit_lines(app, info.id)
    assert [(line.action, line.entity, line.user_id) for line in lines] == [
        (AuditAction.UPDATE, "assistance_record", user.id)
    ]
    details = json.loads(lines[0].details)
    assert details["changed"]["duration_min"] == [15, 20]
    assert {"note", "person"} <= set(details["fields"])
    assert "Lucie" not in lines[0].details and "APL" not in lines[0].details


def test_nothing_changed_writes_nothing(app: Comptoir, site: SiteInfo) -> None:
    info = record(app, site)
    before = fetch(app, AssistanceRecord, info.id)

    same = app.assistance_edit.update(info.id, data(app, site))

    assert same.changed == ()
    assert fetch(app, AssistanceRecord, info.id) == before
    assert audit_lines(app, info.id) == []


def test_detail_gives_the_form_every_field_and_the_read_is_audited(
    app: Comptoir, site: SiteInfo
) -> None:
    lucie = add_person(app, site, "Lucie")
    info = record(app, site, person_id=lucie, note="CERFA", demarche_name="prime d'activité")

    detail = app.assistance_edit.detail(info.id)

    assert (detail.id, detail.activity_date, detail.activity_time) == (info.id, DAY, time(10, 30))
    assert detail.operator_id == category(app, site, CategoryKind.OPERATOR, "CAF")
    assert detail.labels[detail.operator_id] == "CAF"
    assert (detail.person_id, detail.person_label) == (lucie, "Lucie Marchand")
    assert (detail.note, detail.demarche_name) == ("CERFA", "prime d'activité")
    assert detail.visit_service == "Aide aux démarches"
    with app.uow() as uow:
        reads = uow.session.exec(
            select(AuditEntry.details).where(AuditEntry.action == AuditAction.READ)
        ).all()
    assert len(reads) == 1 and "Lucie" not in reads[0]


# -- delete ---------------------------------------------------------------------------------
def test_a_deleted_record_takes_its_visit_and_follow_up_out_of_the_figures(
    app: Comptoir, site: SiteInfo
) -> None:
    back = category(app, site, CategoryKind.OUTCOME, "Doit revenir")
    kept = record(app, site)
    duplicate = record(app, site, outcome_id=back)
    assert app.assistance.count_follow_ups(site.id) == 1
    rows = app.assistance.page(site.id, start=DAY, end=DAY)
    assert [row.visit_counted for row in rows] == [True, True]  # the question says so

    removed = app.assistance_edit.delete(duplicate.id)

    assert (removed.activity_date, removed.operator, removed.visit_service) == (
        DAY,
        "CAF",
        "Aide aux démarches",
    )
    assert count(app, AssistanceRecord) == 1 and count(app, Visit) == 1
    assert fetch(app, Visit, kept.visit_id) is not None
    assert fetch(app, Visit, duplicate.visit_id) is None
    assert app.assistance.count_follow_ups(site.id) == 0
    report = app.reports.compute(period_start=DAY, period_end=DAY, site_ids=[site.id])
    assert report.value("visits.total") == 1 and report.value("assistance.total") == 1
    table = app.assistance.monthly_by_operator(site.id, start=DAY, end=DAY)
    assert table.total == 1
    # The next bundle carries both deletions to the coordinator.
    for table_name, row_id in (
        ("assistance_record", duplicate.id),
        ("visit", duplicate.visit_id),
    ):
        assert count(app, Tombstone, Tombstone.table_name == table_name, Tombstone.row_id == row_id)
    actions = [(line.action, line.entity) for line in audit_lines(app, duplicate.id)]
    assert actions == [(AuditAction.DELETE, "assistance_record")]


def test_a_visit_counted_elsewhere_stays_when_its_record_goes(
    app: Comptoir, site: SiteInfo
) -> None:
    desk = next(s for s in app.config.list_services(site.id) if s.kind != "assistance")
    visit = app.visits.count(site_id=site.id, service_id=desk.id, activity_date=DAY)
    info = record(app, site, visit_id=visit.id)
    assert not app.assistance.page(site.id, start=DAY, end=DAY)[0].visit_counted

    removed = app.assistance_edit.delete(info.id)

    assert removed.visit_service is None
    assert fetch(app, Visit, visit.id) is not None
    assert count(app, AssistanceRecord) == 0


def test_a_record_deleted_twice_or_unknown_is_not_found(app: Comptoir, site: SiteInfo) -> None:
    info = record(app, site)
    app.assistance_edit.delete(info.id)

    for attempt in (
        lambda: app.assistance_edit.delete(info.id),
        lambda: app.assistance_edit.update(info.id, data(app, site)),
        lambda: app.assistance_edit.detail(uuid.uuid4()),
    ):
        with pytest.raises(NotFoundError) as gone:
            attempt()
        assert "n'existe plus" in gone.value.message


# -- reschedule -------------------------------------------------------------------------------
def test_a_follow_up_is_put_off_to_a_new_date(app: Comptoir, site: SiteInfo) -> None:
    back = category(app, site, CategoryKind.OUTCOME, "Doit revenir")
    info = record(app, site, outcome_id=back)
    later = today(site) + timedelta(days=3)

    app.assistance_edit.reschedule_follow_up(info.id, due=later)

    assert [(f.id, f.due) for f in app.assistance.follow_ups(site.id)] == [(info.id, later)]
    updates = [line for line in audit_lines(app, info.id) if line.action == AuditAction.UPDATE]
    assert len(updates) == 1
    assert json.loads(updates[0].details) == {
        "follow_up_rescheduled_to": later.isoformat(),
        "follow_up_was": (DAY + timedelta(days=7)).isoformat(),
    }


@pytest.mark.parametrize(
    ("days", "message"),
    [(-1, "passée"), (367, "un an"), (None, "déjà la date")],
)
def test_a_new_follow_up_date_is_checked(
    app: Comptoir, site: SiteInfo, days: int | None, message: str
) -> None:
    back = category(app, site, CategoryKind.OUTCOME, "Doit revenir")
    info = record(app, site, activity_date=today(site), outcome_id=back)
    due = info.follow_up_due if days is None else today(site) + timedelta(days=days)

    with pytest.raises(ValidationError) as refused:
        app.assistance_edit.reschedule_follow_up(info.id, due=due)

    assert refused.value.field == "Nouvelle date de suivi" and message in refused.value.message


def test_only_an_open_follow_up_is_put_off(app: Comptoir, site: SiteInfo) -> None:
    back = category(app, site, CategoryKind.OUTCOME, "Doit revenir")
    done = category(app, site, CategoryKind.OUTCOME, "Finalisée")
    later = today(site) + timedelta(days=3)
    finished = record(app, site)
    closed = record(app, site, outcome_id=back)
    app.assistance.close_follow_up(closed.id, outcome_id=done)

    with pytest.raises(NotFoundError):
        app.assistance_edit.reschedule_follow_up(finished.id, due=later)
    with pytest.raises(ConflictError):
        app.assistance_edit.reschedule_follow_up(closed.id, due=later)


# -- who may ------------------------------------------------------------------------------------
def test_another_places_record_is_out_of_reach(app: Comptoir, site: SiteInfo) -> None:
    other = app.sites.init_site(name="Autre lieu", commune_name="Aubusson")
    back = category(app, other, CategoryKind.OUTCOME, "Doit revenir")
    theirs = record(app, other, outcome_id=back, **_labels_of(app, other))
    before = fetch(app, AssistanceRecord, theirs.id)
    sign_in(app, Role.MEDIATOR, site_id=site.id)

    for attempt in (
        lambda: app.assistance_edit.detail(theirs.id),
        lambda: app.assistance_edit.update(theirs.id, data(app, site)),
        lambda: app.assistance_edit.delete(theirs.id),
        lambda: app.assistance_edit.reschedule_follow_up(
            theirs.id, due=today(site) + timedelta(days=2)
        ),
    ):
        with pytest.raises(NotFoundError):
            attempt()

    app.access.act_as_system()
    assert fetch(app, AssistanceRecord, theirs.id) == before
    assert fetch(app, Visit, theirs.visit_id) is not None


def test_a_volunteer_may_neither_correct_nor_delete(app: Comptoir, site: SiteInfo) -> None:
    back = category(app, site, CategoryKind.OUTCOME, "Doit revenir")
    info = record(app, site, outcome_id=back)
    sign_in(app, Role.VOLUNTEER, site_id=site.id)

    for attempt in (
        lambda: app.assistance_edit.update(info.id, replace(data(app, site), duration_min=30)),
        lambda: app.assistance_edit.delete(info.id),
        lambda: app.assistance_edit.reschedule_follow_up(
            info.id, due=today(site) + timedelta(days=2)
        ),
    ):
        with pytest.raises(AccessDeniedError):
            attempt()

    app.access.act_as_system()
    assert count(app, AssistanceRecord) == 1


def _labels_of(app: Comptoir, site: SiteInfo) -> dict[str, uuid.UUID]:
    """The default record's categories, from ``site``'s own lists."""
    return {
        "operator_id": category(app, site, CategoryKind.OPERATOR, "CAF"),
        "theme_id": category(app, site, CategoryKind.THEME, "Logement"),
        "help_type_id": category(app, site, CategoryKind.HELP_TYPE, "Aide à une démarche en ligne"),
    }
