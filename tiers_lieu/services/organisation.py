"""What the activity report needs that the desk does not log: partners, jobs, volunteers'
time, the funded operation (LEADER file) and its payment claims.

The coordinator keeps these by hand a few times a year: plain CRUD with French validation
naming each field, each change audited in its transaction. Volunteer time may name a person
or not (reports only count it); deleting the hours of a shift marked « Fait » unmarks it."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import col, select

from tiers_lieu.db import UnitOfWork, UowFactory
from tiers_lieu.errors import NotFoundError, ValidationError
from tiers_lieu.i18n import N_, _
from tiers_lieu.models import Job, Operation, Partner, Person, VolunteerTime
from tiers_lieu.models.enums import AuditAction, ContractType
from tiers_lieu.services import audit
from tiers_lieu.services.access import Permission, requires
from tiers_lieu.services.payment_claims import PaymentClaims
from tiers_lieu.services.rota import shift_back_to_planned

CONTRACT_TYPE_LABELS: dict[ContractType, str] = {
    ContractType.CDI: N_("CDI"),
    ContractType.CDD: N_("CDD"),
    ContractType.APPRENTICESHIP: N_("Apprentissage"),
    ContractType.CIVIC_SERVICE: N_("Service civique"),
    ContractType.SELF_EMPLOYED: N_("Travail indépendant"),
    ContractType.SUBSIDISED: N_("Contrat aidé"),
    ContractType.VOLUNTEER: N_("Bénévolat"),
}
MAX_VOLUNTEER_MINUTES = 24 * 60
DESCRIPTION_MAX = 2000  # operation.description's column


def contract_type_label(value: str) -> str:
    try:
        return _(CONTRACT_TYPE_LABELS[ContractType(value)])
    except ValueError:
        return value


@dataclass(frozen=True)
class PartnerInfo:
    id: uuid.UUID
    name: str
    kind: str
    started_on: date | None
    ended_on: date | None
    contact: str
    is_france_services_operator: bool


@dataclass(frozen=True)
class JobInfo:
    id: uuid.UUID
    post: str
    contract_type: str
    start_date: date
    end_date: date | None
    working_time_percent: int
    is_new: bool
    fte: float  # CAP R.37: 12 months or more at full time = 1
    person_id: uuid.UUID | None = None  # who holds the post (named on the time sheets)

    @property
    def is_volunteer(self) -> bool:
        return self.contract_type == ContractType.VOLUNTEER


@dataclass(frozen=True)
class VolunteerTimeInfo:
    id: uuid.UUID
    person_id: uuid.UUID | None
    on_date: date
    minutes: int
    activity: str


@dataclass(frozen=True)
class OperationDetail:
    id: uuid.UUID
    title: str
    file_number: str
    gal_name: str
    region: str
    cofunders: str
    start_date: date | None
    end_date: date | None
    emblem_path: str | None
    leader_logo_path: str | None
    region_logo_path: str | None
    gal_logo_path: str | None
    description: str = ""  # what the operation does (its poster and notice)


@dataclass(frozen=True, slots=True, kw_only=True)
class OperationFields:
    """What the operation form gives (the LEADER file); the logos are image paths."""

    title: str
    file_number: str = ""
    gal_name: str = ""
    region: str = ""
    cofunders: str = ""
    start_date: date | None = None
    end_date: date | None = None
    emblem_path: str | None = None
    leader_logo_path: str | None = None
    region_logo_path: str | None = None
    gal_logo_path: str | None = None
    description: str = ""


def _text(value: str, field: str, limit: int, *, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError(field, _("ce champ est obligatoire"))
    if len(value) > limit:
        raise ValidationError(field, _("{n} caractères au plus").format(n=limit))
    return value


def _path(value: str | None, field: str) -> str | None:
    return _text(value or "", field, 500) or None


def _description(value: str) -> str:
    """The operation's description: paragraphs kept (blank lines), trailing spaces cut."""
    lines = [line.rstrip() for line in (value or "").strip().splitlines()]
    text = "\n".join(lines)
    if len(text) > DESCRIPTION_MAX:
        raise ValidationError(
            _("Description de l'opération"),
            _("{n} caractères au plus").format(n=DESCRIPTION_MAX),
        )
    return text


def _ordered(first: date | None, last: date | None, field: str) -> None:
    if first is not None and last is not None and last < first:
        raise ValidationError(field, _("la fin précède le début"))


def _partner(p: Partner) -> PartnerInfo:
    return PartnerInfo(
        p.id, p.name, p.kind, p.started_on, p.ended_on, p.contact, p.is_france_services_operator
    )


def _job(j: Job) -> JobInfo:
    from tiers_lieu.reports.indicators.partners_results import fte  # the report's own rule

    return JobInfo(
        j.id,
        j.post,
        j.contract_type,
        j.start_date,
        j.end_date,
        j.working_time_percent,
        j.is_new,
        0.0
        if j.contract_type == ContractType.VOLUNTEER
        else round(fte(j.working_time_percent, j.start_date, j.end_date), 2),
        j.person_id,
    )


def _operation(o: Operation) -> OperationDetail:
    return OperationDetail(
        o.id,
        o.title,
        o.file_number,
        o.gal_name,
        o.region,
        o.cofunders,
        o.start_date,
        o.end_date,
        o.emblem_path,
        o.leader_logo_path,
        o.region_logo_path,
        o.gal_logo_path,
        o.description,
    )


class OrganisationService(PaymentClaims):
    def __init__(self, uow: UowFactory) -> None:
        self._uow = uow

    # -- partners -------------------------------------------------------------------------
    @requires(Permission.REPORTS)
    def list_partners(self, site_id: uuid.UUID) -> list[PartnerInfo]:
        with self._uow() as uow:
            rows = uow.session.exec(
                select(Partner).where(Partner.site_id == site_id).order_by(col(Partner.name))
            )
            return [_partner(p) for p in rows]

    @requires(Permission.REPORTS)
    def save_partner(
        self,
        site_id: uuid.UUID,
        *,
        partner_id: uuid.UUID | None = None,
        name: str,
        kind: str = "",
        started_on: date | None = None,
        ended_on: date | None = None,
        contact: str = "",
        is_france_services_operator: bool = False,
    ) -> PartnerInfo:
        """Add a partner, or update the one ``partner_id`` names."""
        values = {
            "name": _text(name, _("Nom du partenaire"), 160, required=True),
            "kind": _text(kind, _("Type de partenaire"), 60),
            "contact": _text(contact, _("Contact"), 160),
            "started_on": started_on,
            "ended_on": ended_on,
            "is_france_services_operator": is_france_services_operator,
        }
        _ordered(started_on, ended_on, _("Fin du partenariat"))
        with self._uow() as uow:
            row = self._save(uow, Partner, partner_id, site_id, values, "partner")
            uow.commit()
            return _partner(row)

    @requires(Permission.REPORTS)
    def delete_partner(self, partner_id: uuid.UUID) -> None:
        self._delete(Partner, partner_id, "partner", _("Ce partenaire n'existe plus."))

    # -- jobs -----------------------------------------------------------------------------
    @requires(Permission.REPORTS)
    def list_jobs(self, site_id: uuid.UUID) -> list[JobInfo]:
        with self._uow() as uow:
            rows = uow.session.exec(
                select(Job).where(Job.site_id == site_id).order_by(col(Job.start_date))
            )
            return [_job(j) for j in rows]

    @requires(Permission.REPORTS)
    def save_job(
        self,
        site_id: uuid.UUID,
        *,
        job_id: uuid.UUID | None = None,
        post: str,
        contract_type: str,
        start_date: date,
        end_date: date | None = None,
        working_time_percent: int = 100,
        is_new: bool = True,
        person_id: uuid.UUID | None = None,
    ) -> JobInfo:
        """Add a post, or update the one ``job_id`` names; a volunteer post counts no FTE.
        ``person_id``: who holds it (their name heads the post's time sheets)."""
        try:
            contract = ContractType(contract_type)
        except ValueError:
            raise ValidationError(_("Type de contrat"), _("type de contrat inconnu")) from None
        if not 1 <= working_time_percent <= 100:
            raise ValidationError(_("Temps de travail"), _("entre 1 et 100 %"))
        _ordered(start_date, end_date, _("Fin du contrat"))
        values = {
            "post": _text(post, _("Poste"), 120, required=True),
            "contract_type": contract.value,
            "start_date": start_date,
            "end_date": end_date,
            "working_time_percent": working_time_percent,
            "is_new": is_new,
            "person_id": person_id,
        }
        with self._uow() as uow:
            holder = uow.session.get(Person, person_id) if person_id is not None else None
            if person_id is not None and (holder is None or holder.site_id != site_id):
                raise NotFoundError(_("Cette personne n'existe plus."))
            row = self._save(uow, Job, job_id, site_id, values, "job")
            uow.commit()
            return _job(row)

    @requires(Permission.REPORTS)
    def delete_job(self, job_id: uuid.UUID) -> None:
        self._delete(Job, job_id, "job", _("Ce poste n'existe plus."))

    # -- volunteer time -------------------------------------------------------------------
    @requires(Permission.REPORTS)
    def list_volunteer_time(
        self,
        site_id: uuid.UUID,
        *,
        start: date | None = None,
        end: date | None = None,
        limit: int | None = None,
    ) -> list[VolunteerTimeInfo]:
        """Entries newest first; ``limit`` keeps the most recent ones (the tab lists 200: ten
        years of a place are ~5,000 entries, 0.86 s to list them all on the GUI thread)."""
        query = select(VolunteerTime).where(VolunteerTime.site_id == site_id)
        if start is not None:
            query = query.where(VolunteerTime.on_date >= start)
        if end is not None:
            query = query.where(VolunteerTime.on_date <= end)
        query = query.order_by(
            col(VolunteerTime.on_date).desc(),
            col(VolunteerTime.created_at).desc(),
            col(VolunteerTime.id),
        )
        if limit is not None:
            query = query.limit(limit)
        with self._uow(read_only=True) as uow:
            rows = uow.session.exec(query)
            return [
                VolunteerTimeInfo(r.id, r.person_id, r.on_date, r.minutes, r.activity) for r in rows
            ]

    @requires(Permission.REPORTS)
    def add_volunteer_time(
        self,
        site_id: uuid.UUID,
        *,
        on_date: date,
        minutes: int,
        activity: str = "",
        person_id: uuid.UUID | None = None,
    ) -> VolunteerTimeInfo:
        if not 1 <= minutes <= MAX_VOLUNTEER_MINUTES:
            raise ValidationError(_("Durée"), _("entre 1 minute et 24 heures"))
        values = {
            "on_date": on_date,
            "minutes": minutes,
            "activity": _text(activity, _("Activité"), 120),
            "person_id": person_id,
        }
        with self._uow() as uow:
            if person_id is not None and uow.session.get(Person, person_id) is None:
                raise NotFoundError(_("Cette personne n'existe plus."))
            row = self._save(uow, VolunteerTime, None, site_id, values, "volunteer_time")
            uow.commit()
            return VolunteerTimeInfo(row.id, row.person_id, row.on_date, row.minutes, row.activity)

    @requires(Permission.REPORTS)
    def delete_volunteer_time(self, entry_id: uuid.UUID) -> None:
        """Delete hours entered; a rota shift whose « Fait » wrote them is « Prévu » again."""
        message = _("Ce temps de bénévolat n'existe plus.")
        self._delete(VolunteerTime, entry_id, "volunteer_time", message, shift_back_to_planned)

    # -- operation and payment claims -----------------------------------------------------
    @requires(Permission.REPORTS)
    def get_operation(self, site_id: uuid.UUID) -> OperationDetail | None:
        """The site's operation (the most recent one if several were recorded)."""
        with self._uow() as uow:
            row = self._current_operation(uow, site_id)
            return _operation(row) if row is not None else None

    @requires(Permission.REPORTS)
    def save_operation(self, site_id: uuid.UUID, data: OperationFields) -> OperationDetail:
        """Create the site's operation or update it in place."""
        _ordered(data.start_date, data.end_date, _("Fin de l'opération"))
        values = {
            "title": _text(data.title, _("Intitulé de l'opération"), 250, required=True),
            "file_number": _text(data.file_number, _("Numéro de dossier"), 80),
            "gal_name": _text(data.gal_name, _("GAL"), 200),
            "region": _text(data.region, _("Région"), 120),
            "cofunders": _text(data.cofunders, _("Cofinanceurs"), 500),
            "start_date": data.start_date,
            "end_date": data.end_date,
            "emblem_path": _path(data.emblem_path, _("Emblème de l'Union européenne")),
            "leader_logo_path": _path(data.leader_logo_path, _("Logo LEADER")),
            "region_logo_path": _path(data.region_logo_path, _("Logo de la Région")),
            "gal_logo_path": _path(data.gal_logo_path, _("Logo du GAL")),
            "description": _description(data.description),
        }
        with self._uow() as uow:
            current = self._current_operation(uow, site_id)
            current_id = current.id if current is not None else None
            row = self._save(uow, Operation, current_id, site_id, values, "operation")
            uow.commit()
            return _operation(row)

    # -- shared ---------------------------------------------------------------------------
    @staticmethod
    def _save(
        uow: UnitOfWork,
        model: Any,
        row_id: uuid.UUID | None,
        site_id: uuid.UUID,
        values: dict[str, Any],
        entity: str,
    ) -> Any:
        if row_id is None:
            row = model(site_id=site_id, **values)
            action = AuditAction.CREATE
        else:
            row = uow.session.get(model, row_id)
            if row is None or row.site_id != site_id:
                raise NotFoundError(_("Cet enregistrement n'existe plus."))
            for key, value in values.items():
                setattr(row, key, value)
            action = AuditAction.UPDATE
        uow.session.add(row)
        uow.session.flush()
        audit.record(uow, action=action, entity=entity, entity_id=row.id, site_id=site_id)
        return row

    def _delete(
        self,
        model: Any,
        row_id: uuid.UUID,
        entity: str,
        missing: str,
        before: Callable[[UnitOfWork, Any], None] = lambda _uow, _row: None,
    ) -> None:
        """Delete the row (``before`` first tidies what points at it), with its audit line."""
        with self._uow() as uow:
            row = uow.session.get(model, row_id)
            if row is None:
                raise NotFoundError(missing)
            site_id = row.site_id
            before(uow, row)
            uow.session.delete(row)
            audit.record(
                uow,
                action=AuditAction.DELETE,
                entity=entity,
                entity_id=row_id,
                site_id=site_id,
            )
            uow.commit()
