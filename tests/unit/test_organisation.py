"""Partners, jobs, volunteer time, the LEADER operation and its payment claims: what the
coordinator records for the report, with French validation naming each field."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import ConflictError, NotFoundError, ValidationError
from tiers_lieu.models import AuditEntry, Person
from tiers_lieu.services.organisation import OperationFields
from tiers_lieu.services.readmodels import SiteInfo


def test_partners_are_added_updated_listed_and_deleted(app: Comptoir, site: SiteInfo) -> None:
    org = app.organisation
    caf = org.save_partner(
        site.id,
        name="  CAF de la Creuse ",
        kind="Opérateur France Services",
        started_on=date(2026, 2, 1),
        is_france_services_operator=True,
    )
    org.save_partner(site.id, name="Association des parents")
    assert [p.name for p in org.list_partners(site.id)] == [
        "Association des parents",
        "CAF de la Creuse",
    ]
    org.save_partner(
        site.id,
        partner_id=caf.id,
        name="CAF",
        started_on=caf.started_on,
        ended_on=date(2026, 12, 31),
    )
    (updated,) = [p for p in org.list_partners(site.id) if p.id == caf.id]
    assert (updated.name, updated.ended_on, updated.is_france_services_operator) == (
        "CAF",
        date(2026, 12, 31),
        False,
    )
    org.delete_partner(caf.id)
    assert [p.name for p in org.list_partners(site.id)] == ["Association des parents"]
    with pytest.raises(NotFoundError):
        org.delete_partner(caf.id)
    with app.uow() as uow:
        actions = [
            e.action
            for e in uow.session.exec(select(AuditEntry).where(AuditEntry.entity == "partner"))
        ]
    assert sorted(actions) == ["create", "create", "delete", "update"]


def test_partner_fields_are_checked_in_french(app: Comptoir, site: SiteInfo) -> None:
    with pytest.raises(ValidationError, match="Nom du partenaire : ce champ est obligatoire"):
        app.organisation.save_partner(site.id, name="  ")
    with pytest.raises(ValidationError, match="Fin du partenariat : la fin précède le début"):
        app.organisation.save_partner(
            site.id, name="X", started_on=date(2026, 5, 1), ended_on=date(2026, 4, 1)
        )
    assert app.organisation.list_partners(site.id) == []


def test_jobs_carry_their_fte_and_volunteers_count_none(app: Comptoir, site: SiteInfo) -> None:
    org = app.organisation
    org.save_job(
        site.id,
        post="Conseiller numérique",
        contract_type="cdd",
        start_date=date(2026, 1, 1),
        end_date=date(2026, 6, 30),
    )
    org.save_job(
        site.id,
        post="Agente",
        contract_type="cdi",
        start_date=date(2026, 3, 1),
        working_time_percent=80,
    )
    org.save_job(
        site.id, post="Bénévole accueil", contract_type="volunteer", start_date=date(2026, 1, 1)
    )
    jobs = {j.post: j for j in org.list_jobs(site.id)}
    assert jobs["Conseiller numérique"].fte == 0.5
    assert jobs["Agente"].fte == 0.8
    assert jobs["Bénévole accueil"].fte == 0 and jobs["Bénévole accueil"].is_volunteer
    job = jobs["Agente"]
    org.save_job(
        site.id,
        job_id=job.id,
        post="Agente",
        contract_type="cdi",
        start_date=job.start_date,
        working_time_percent=100,
        is_new=False,
    )
    (again,) = [j for j in org.list_jobs(site.id) if j.id == job.id]
    assert (again.fte, again.is_new) == (1.0, False)
    org.delete_job(job.id)
    assert len(org.list_jobs(site.id)) == 2


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"post": ""}, "Poste : ce champ est obligatoire"),
        ({"contract_type": "stage"}, "Type de contrat : type de contrat inconnu"),
        ({"working_time_percent": 0}, "Temps de travail : entre 1 et 100 %"),
        ({"working_time_percent": 120}, "Temps de travail : entre 1 et 100 %"),
        ({"end_date": date(2025, 12, 31)}, "Fin du contrat : la fin précède le début"),
    ],
)
def test_job_fields_are_checked(
    app: Comptoir, site: SiteInfo, changes: dict[str, object], message: str
) -> None:
    values: dict[str, object] = {
        "post": "Agent",
        "contract_type": "cdi",
        "start_date": date(2026, 1, 1),
        **changes,
    }
    with pytest.raises(ValidationError, match=message):
        app.organisation.save_job(site.id, **values)  # type: ignore[arg-type]
    assert app.organisation.list_jobs(site.id) == []


def test_volunteer_time_with_or_without_a_person(app: Comptoir, site: SiteInfo) -> None:
    org = app.organisation
    with app.uow() as uow:
        person = Person(site_id=site.id, first_name="Paul")
        uow.session.add(person)
        uow.commit()
    org.add_volunteer_time(
        site.id, on_date=date(2026, 3, 2), minutes=120, activity="Épicerie", person_id=person.id
    )
    entry = org.add_volunteer_time(site.id, on_date=date(2026, 4, 2), minutes=45)
    assert [e.minutes for e in org.list_volunteer_time(site.id)] == [45, 120]
    march = org.list_volunteer_time(site.id, start=date(2026, 3, 1), end=date(2026, 3, 31))
    assert [(e.person_id, e.activity) for e in march] == [(person.id, "Épicerie")]
    org.delete_volunteer_time(entry.id)
    assert len(org.list_volunteer_time(site.id)) == 1
    with pytest.raises(ValidationError, match="Durée"):
        org.add_volunteer_time(site.id, on_date=date(2026, 3, 2), minutes=0)


def test_the_operation_is_saved_in_place_and_claims_need_it(app: Comptoir, site: SiteInfo) -> None:
    org = app.organisation
    assert org.get_operation(site.id) is None
    with pytest.raises(NotFoundError, match="opération"):
        org.add_claim(
            site.id, number="DP1", period_start=date(2026, 1, 1), period_end=date(2026, 6, 30)
        )
    with pytest.raises(ValidationError, match="Intitulé de l'opération"):
        org.save_operation(site.id, OperationFields(title=""))
    first = org.save_operation(
        site.id,
        OperationFields(
            title="Tiers-lieu", gal_name="GAL Sud Creusois", emblem_path="/logos/ue.png"
        ),
    )
    second = org.save_operation(
        site.id,
        OperationFields(
            title="Tiers-lieu rural",
            file_number="LEADER-1",
            start_date=date(2026, 1, 1),
            end_date=date(2028, 12, 31),
        ),
    )
    assert second.id == first.id
    saved = org.get_operation(site.id)
    assert saved is not None
    assert (saved.title, saved.file_number, saved.gal_name, saved.emblem_path) == (
        "Tiers-lieu rural",
        "LEADER-1",
        "",
        None,
    )
    org.add_claim(
        site.id, number="DP2", period_start=date(2026, 7, 1), period_end=date(2026, 12, 31)
    )
    org.add_claim(
        site.id, number="DP1", period_start=date(2026, 1, 1), period_end=date(2026, 6, 30)
    )
    assert [c.number for c in org.list_claims(site.id)] == ["DP1", "DP2"]
    with pytest.raises(ConflictError, match="DP1"):
        org.add_claim(
            site.id, number="DP1", period_start=date(2027, 1, 1), period_end=date(2027, 6, 30)
        )
    with pytest.raises(ValidationError, match="Fin de la période"):
        org.add_claim(
            site.id, number="DP3", period_start=date(2027, 6, 1), period_end=date(2027, 1, 1)
        )


def test_a_claim_is_corrected_or_deleted_and_its_number_stays_unique(
    app: Comptoir, site: SiteInfo
) -> None:
    org = app.organisation
    org.save_operation(site.id, OperationFields(title="Tiers-lieu"))
    first = org.add_claim(
        site.id, number="DP1", period_start=date(2026, 1, 1), period_end=date(2026, 6, 30)
    )
    second = org.add_claim(
        site.id, number="DP2", period_start=date(2026, 7, 1), period_end=date(2026, 12, 31)
    )
    fixed = org.update_claim(
        first.id, number=" DP-1 ", period_start=date(2026, 1, 1), period_end=date(2026, 5, 31)
    )
    assert (fixed.number, fixed.period_end) == ("DP-1", date(2026, 5, 31))
    assert (
        org.update_claim(
            first.id, number="DP-1", period_start=date(2026, 1, 1), period_end=date(2026, 6, 30)
        ).number
        == "DP-1"
    )  # its own number is not taken
    with pytest.raises(ConflictError, match="DP2"):
        org.update_claim(
            first.id, number="DP2", period_start=date(2026, 1, 1), period_end=date(2026, 6, 30)
        )
    with pytest.raises(ValidationError, match="Fin de la période"):
        org.update_claim(
            first.id, number="DP-1", period_start=date(2026, 6, 1), period_end=date(2026, 1, 1)
        )
    with pytest.raises(ValidationError, match="Numéro de la demande"):
        org.update_claim(
            first.id, number="  ", period_start=date(2026, 1, 1), period_end=date(2026, 6, 30)
        )
    assert [(c.number, c.period_end) for c in org.list_claims(site.id)] == [
        ("DP-1", date(2026, 6, 30)),
        ("DP2", date(2026, 12, 31)),
    ]
    assert org.delete_claim(second.id).number == "DP2"
    assert [c.number for c in org.list_claims(site.id)] == ["DP-1"]
    with pytest.raises(NotFoundError, match="n'existe plus"):
        org.delete_claim(second.id)
    with app.uow() as uow:
        actions = uow.session.exec(
            select(AuditEntry.action).where(AuditEntry.entity == "payment_claim")
        ).all()
    assert sorted(actions) == ["create", "create", "delete", "update", "update"]
