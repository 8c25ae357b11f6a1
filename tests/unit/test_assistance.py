"""The assistance desk's records: the visit each one counts, the rules of the form, the
follow-ups and the totals of « Historique »."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from sqlmodel import col, func, select

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import ConflictError, NotFoundError, ValidationError
from tiers_lieu.models import AssistanceRecord, AuditEntry, Person, Visit
from tiers_lieu.models.enums import CategoryKind, VisitSource
from tiers_lieu.services.assistance import AssistanceInput, follow_up_days, is_oriented
from tiers_lieu.services.readmodels import SiteInfo

DAY = date(2026, 3, 10)


def category(app: Comptoir, site: SiteInfo, kind: CategoryKind, label: str) -> uuid.UUID:
    return next(c.id for c in app.config.list_categories(site.id, kind) if c.label == label)


def record(app: Comptoir, site: SiteInfo, **overrides: Any) -> Any:
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
    count_visit = values.pop("count_visit", True)
    return app.assistance.create(site.id, AssistanceInput(**values), count_visit=count_visit)


def count(app: Comptoir, model: Any) -> int:
    with app.uow() as uow:
        return int(uow.session.exec(select(func.count()).select_from(model)).one())


def fetch(app: Comptoir, model: Any, row_id: uuid.UUID | None) -> Any:
    """A row's values as they are in the database (readable after the session closes)."""
    with app.uow() as uow:
        row = uow.session.get(model, row_id)
        return None if row is None else SimpleNamespace(**row.model_dump())


def add_person(app: Comptoir, site: SiteInfo, *, consent: bool) -> uuid.UUID:
    with app.uow() as uow:
        person = Person(
            site_id=site.id,
            first_name="Lucie",
            last_name="Marchand",
            consent_given_at=datetime(2026, 1, 5, 9, 0, tzinfo=UTC) if consent else None,
        )
        uow.session.add(person)
        uow.commit()
        return person.id


def test_a_desk_record_counts_one_visit_to_aide_aux_demarches(
    app: Comptoir, site: SiteInfo
) -> None:
    info = record(app, site)

    assert info.visit_service == "Aide aux démarches"
    visit = fetch(app, Visit, info.visit_id)
    saved = fetch(app, AssistanceRecord, info.id)
    assert visit is not None and saved is not None
    assert saved.visit_id == visit.id
    assert (visit.activity_date, visit.activity_time, visit.count) == (DAY, time(10, 30), 1)
    assert visit.source == VisitSource.ASSISTANCE
    assert count(app, Visit) == 1


def test_no_visit_when_the_site_has_no_active_assistance_service(
    app: Comptoir, site: SiteInfo
) -> None:
    service = next(s for s in app.config.list_services(site.id) if s.kind == "assistance")
    app.config.update_service(service.id, name=service.name, active=False)

    info = record(app, site)

    assert info.visit_id is None and info.visit_service is None
    assert count(app, Visit) == 0
    assert count(app, AssistanceRecord) == 1


def test_an_imported_record_counts_no_visit(app: Comptoir, site: SiteInfo) -> None:
    info = record(app, site, count_visit=False, source="import")

    assert info.visit_id is None
    assert count(app, Visit) == 0
    saved = fetch(app, AssistanceRecord, info.id)
    assert saved is not None and saved.source == "import"


def test_a_record_attached_to_a_counted_visit_adds_none(app: Comptoir, site: SiteInfo) -> None:
    first = record(app, site)

    second = record(app, site, visit_id=first.visit_id)

    assert second.visit_id == first.visit_id and second.visit_service is None
    assert count(app, Visit) == 1
    with pytest.raises(NotFoundError):
        record(app, site, visit_id=uuid.uuid4())


def test_a_refused_record_leaves_no_visit_behind(app: Comptoir, site: SiteInfo) -> None:
    oriented = category(app, site, CategoryKind.OUTCOME, "Orientée")
    with pytest.raises(ValidationError):
        record(app, site, outcome_id=oriented)
    assert count(app, Visit) == 0 and count(app, AssistanceRecord) == 0


def test_orientation_is_required_exactly_when_the_outcome_is_orientee(
    app: Comptoir, site: SiteInfo
) -> None:
    oriented = category(app, site, CategoryKind.OUTCOME, "Orientée")
    caf = category(app, site, CategoryKind.ORIENTATION, "Organisme en charge")

    with pytest.raises(ValidationError) as missing:
        record(app, site, outcome_id=oriented)
    assert missing.value.field == "Orientation"
    with pytest.raises(ValidationError) as superfluous:
        record(app, site, orientation_id=caf)
    assert superfluous.value.field == "Orientation"

    assert record(app, site, outcome_id=oriented, orientation_id=caf).outcome == "Orientée"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"duration_min": 0}, "Durée"),
        ({"duration_min": 601}, "Durée"),
        ({"note": "x" * 281}, "Note"),
    ],
)
def test_field_shapes_are_checked(
    app: Comptoir, site: SiteInfo, changes: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        record(app, site, **changes)
    assert refused.value.field == field
    assert count(app, AssistanceRecord) == 0


def test_a_note_of_280_characters_is_kept(app: Comptoir, site: SiteInfo) -> None:
    info = record(app, site, note="é" * 280)
    saved = fetch(app, AssistanceRecord, info.id)
    assert saved is not None and saved.note == "é" * 280


def test_categories_must_be_of_the_right_list(app: Comptoir, site: SiteInfo) -> None:
    theme = category(app, site, CategoryKind.THEME, "Logement")
    with pytest.raises(ValidationError) as refused:
        record(app, site, operator_id=theme)
    assert refused.value.field == "Organisme"
    other = app.sites.init_site(name="Autre lieu", commune_name="Aubusson")
    foreign = category(app, other, CategoryKind.OPERATOR, "CAF")
    with pytest.raises(ValidationError):
        record(app, site, operator_id=foreign)


def test_only_a_person_who_consented_can_be_attached(app: Comptoir, site: SiteInfo) -> None:
    refusing = add_person(app, site, consent=False)
    with pytest.raises(ConflictError) as refused:
        record(app, site, person_id=refusing)
    assert "consentement" in refused.value.message
    assert count(app, AssistanceRecord) == 0

    consenting = add_person(app, site, consent=True)
    info = record(app, site, person_id=consenting)
    person = fetch(app, Person, consenting)
    visit = fetch(app, Visit, info.visit_id)
    assert person is not None and person.last_activity_on == DAY
    assert visit is not None and visit.person_id == consenting


def test_follow_up_outcomes_get_a_default_due_date(app: Comptoir, site: SiteInfo) -> None:
    back = category(app, site, CategoryKind.OUTCOME, "Doit revenir")
    alone = category(app, site, CategoryKind.OUTCOME, "À finaliser en autonomie")

    assert record(app, site, outcome_id=back).follow_up_due == DAY + timedelta(days=7)
    assert record(app, site, outcome_id=alone).follow_up_due == DAY + timedelta(days=14)
    chosen = record(app, site, outcome_id=back, follow_up_due=date(2026, 3, 12))
    assert chosen.follow_up_due == date(2026, 3, 12)
    # A finished procedure has nothing to follow, whatever the form sent.
    assert record(app, site, follow_up_due=date(2026, 3, 12)).follow_up_due is None
    with pytest.raises(ValidationError):
        record(app, site, outcome_id=back, follow_up_due=DAY - timedelta(days=1))


def test_follow_ups_list_open_ones_by_due_date_and_close(app: Comptoir, site: SiteInfo) -> None:
    back = category(app, site, CategoryKind.OUTCOME, "Doit revenir")
    alone = category(app, site, CategoryKind.OUTCOME, "À finaliser en autonomie")
    person = add_person(app, site, consent=True)
    late = record(app, site, outcome_id=alone, follow_up_due=date(2026, 3, 11), note="CERFA")
    soon = record(app, site, outcome_id=back, person_id=person)
    record(app, site)  # finalised: not followed

    listed = app.assistance.follow_ups(site.id)
    assert [f.id for f in listed] == [late.id, soon.id]
    assert listed[0].note == "CERFA" and listed[0].outcome == "À finaliser en autonomie"
    assert listed[1].person_name == "Lucie Marchand"
    assert [f.id for f in app.assistance.follow_ups(site.id, due_before=date(2026, 3, 12))] == [
        late.id
    ]

    oriented = category(app, site, CategoryKind.OUTCOME, "Orientée")
    with pytest.raises(ValidationError):
        app.assistance.close_follow_up(late.id, outcome_id=oriented)
    with pytest.raises(ValidationError):
        app.assistance.close_follow_up(late.id, outcome_id=back)
    social = category(
        app, site, CategoryKind.ORIENTATION, "Aide sociale (CCAS, assistante sociale)"
    )
    app.assistance.close_follow_up(late.id, outcome_id=oriented, orientation_id=social)

    assert [f.id for f in app.assistance.follow_ups(site.id)] == [soon.id]
    closed = fetch(app, AssistanceRecord, late.id)
    with app.uow() as uow:
        audited = uow.session.exec(
            select(AuditEntry.entity).where(col(AuditEntry.entity_id) == late.id)
        ).all()
    assert closed is not None and closed.follow_up_closed_at is not None
    assert closed.follow_up_outcome_id == oriented and closed.orientation_id == social
    assert audited == ["assistance_record"]
    with pytest.raises(ConflictError):
        app.assistance.close_follow_up(late.id, outcome_id=oriented, orientation_id=social)


def test_totals_per_operator_theme_and_outcome(app: Comptoir, site: SiteInfo) -> None:
    msa = category(app, site, CategoryKind.OPERATOR, "MSA")
    health = category(app, site, CategoryKind.THEME, "Social - Santé")
    back = category(app, site, CategoryKind.OUTCOME, "Doit revenir")
    record(app, site, duration_min=10)
    record(app, site, duration_min=20, operator_id=msa, theme_id=health)
    record(app, site, duration_min=30, operator_id=msa, outcome_id=back)
    record(app, site, duration_min=45, activity_date=date(2026, 4, 2))  # outside the period

    totals = app.assistance.totals(site.id, start=date(2026, 3, 1), end=date(2026, 3, 31))

    assert (totals.records, totals.minutes) == (3, 60)
    assert [(t.label, t.records, t.minutes) for t in totals.by_operator] == [
        ("MSA", 2, 50),
        ("CAF", 1, 10),
    ]
    assert [(t.label, t.records) for t in totals.by_theme] == [
        ("Logement", 2),
        ("Social - Santé", 1),
    ]
    assert [(t.label, t.records) for t in totals.by_outcome] == [
        ("Finalisée", 2),
        ("Doit revenir", 1),
    ]
    only_msa = app.assistance.totals(
        site.id, start=date(2026, 3, 1), end=date(2026, 3, 31), operator_id=msa
    )
    assert (only_msa.records, only_msa.minutes) == (2, 50)


def test_history_pages_newest_first_with_filters(app: Comptoir, site: SiteInfo) -> None:
    msa = category(app, site, CategoryKind.OPERATOR, "MSA")
    caf = category(app, site, CategoryKind.OPERATOR, "CAF")
    for day in range(1, 8):
        record(app, site, activity_date=date(2026, 3, day), operator_id=msa if day % 2 else caf)
    start, end = date(2026, 3, 1), date(2026, 3, 31)

    first = app.assistance.page(site.id, start=start, end=end, limit=3)
    rest = app.assistance.page(site.id, start=start, end=end, offset=3, limit=10)
    msa_rows = app.assistance.page(site.id, start=start, end=end, operator_id=msa)

    assert [r.activity_date.day for r in first + rest] == [7, 6, 5, 4, 3, 2, 1]
    assert [r.activity_date.day for r in msa_rows] == [7, 5, 3, 1]
    assert first[0].operator == "MSA" and first[1].operator == "CAF"


def test_outcome_meanings_ignore_case_and_accents() -> None:
    assert is_oriented("Orientée") and is_oriented("ORIENTEE")
    assert not is_oriented("Finalisée")
    assert follow_up_days("Doit revenir") == 7
    assert follow_up_days("À finaliser en autonomie") == 14
    assert follow_up_days("Finalisée") is None
