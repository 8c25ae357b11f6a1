"""The visits list: filtered pages, totals, and the corrections a coordinator makes afterwards.

A busy site logs about 17 000 visits a year, so the list is never read whole: ``page`` returns
one keyset page (newest first, ordered by activity date, activity time and id) and the window
asks for the next page with the last row's :class:`VisitCursor` as it scrolls. Keyset rather
than OFFSET so that a page deep in the year costs the same as the first one, and so that a row
deleted meanwhile never shifts the rows after it onto the previous page. A visit without a
time sorts as midnight, at the end of its day.

Totals are one grouped query per filter change. Corrections and deletions write their audit
line in the same transaction as the change. A visit's passage follows it (the rule of
:mod:`tiers_lieu.services.visits`): the passage it made itself takes its new count, person and
day and leaves with it; a visit moved to another day leaves a passage keyed at the door
(it then counts as its own passage). Visits that mirror a workshop's attendance are
kept by :mod:`tiers_lieu.services.events` and refused here: correcting one would make the
visits disagree with the attendance they come from.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import Date, Select, Time, Uuid, func, literal, tuple_
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col, select

from tiers_lieu.db import UnitOfWork, UowFactory
from tiers_lieu.errors import ConflictError, NotFoundError, ValidationError
from tiers_lieu.i18n import N_, _, place_today
from tiers_lieu.models import Category, Commune, Event, Person, Service, Visit
from tiers_lieu.models.enums import AuditAction, CategoryKind, VisitSource
from tiers_lieu.services import audit
from tiers_lieu.services.access import Permission, requires
from tiers_lieu.services.passages import follow_visit
from tiers_lieu.services.sites import site_zone
from tiers_lieu.services.visits import remove_visit

UNKNOWN_FILTER = uuid.UUID(int=0)
"""As a commune or age-band filter: only the visits where it is « Non communiqué »."""

MAX_COUNT = 10_000
"""A group larger than this is a typing slip, not a visit."""

_MIDNIGHT = literal(time(0, 0), Time())


@dataclass(frozen=True)
class VisitFilter:
    """Which visits the list shows; dates inclusive. ``None`` means any."""

    start: date
    end: date
    service_id: uuid.UUID | None = None
    commune_id: uuid.UUID | None = None
    age_band_id: uuid.UUID | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class VisitCorrection:
    """Every field of a visit as the correction form gives it (``None``: « Non communiqué »,
    or no time, or nobody named)."""

    service_id: uuid.UUID
    activity_date: date
    activity_time: time | None
    count: int
    commune_id: uuid.UUID | None = None
    age_band_id: uuid.UUID | None = None
    gender_id: uuid.UUID | None = None
    status_id: uuid.UUID | None = None
    person_id: uuid.UUID | None = None
    public_id: uuid.UUID | None = None


@dataclass(frozen=True)
class VisitCursor:
    """Where a page ended: the next page starts strictly after this row."""

    activity_date: date
    activity_time: time | None
    id: uuid.UUID


@dataclass(frozen=True)
class VisitRow:
    id: uuid.UUID
    activity_date: date
    activity_time: time | None
    service_id: uuid.UUID
    service_name: str
    count: int
    commune_id: uuid.UUID | None
    commune_name: str
    age_band_id: uuid.UUID | None
    age_band: str
    gender_id: uuid.UUID | None
    gender: str
    status_id: uuid.UUID | None
    status: str
    person_id: uuid.UUID | None
    person_name: str
    created_at: datetime
    source: str
    event_id: uuid.UUID | None
    public_id: uuid.UUID | None = None
    public: str = ""

    @property
    def cursor(self) -> VisitCursor:
        return VisitCursor(self.activity_date, self.activity_time, self.id)


@dataclass(frozen=True)
class ServiceTotal:
    service_id: uuid.UUID
    name: str
    rows: int
    people: int


@dataclass(frozen=True)
class VisitTotals:
    """``rows`` lines in the list; ``people`` the visits they count (a group of 8 counts 8)."""

    rows: int
    people: int
    by_service: tuple[ServiceTotal, ...]


def _person_name(first: str | None, last: str | None, organisation: str | None) -> str:
    name = " ".join(p for p in (first, last) if p)
    return name or (organisation or "")


def _conditions(site_id: uuid.UUID, filters: VisitFilter) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = [
        col(Visit.site_id) == site_id,
        col(Visit.activity_date) >= filters.start,
        col(Visit.activity_date) <= filters.end,
    ]
    if filters.service_id is not None:
        where.append(col(Visit.service_id) == filters.service_id)
    for column, wanted in (
        (col(Visit.commune_id), filters.commune_id),
        (col(Visit.age_band_id), filters.age_band_id),
    ):
        if wanted == UNKNOWN_FILTER:
            where.append(column.is_(None))
        elif wanted is not None:
            where.append(column == wanted)
    return where


class VisitLogService:
    def __init__(self, uow: UowFactory) -> None:
        self._uow = uow

    # -- reading ----------------------------------------------------------------------------
    @requires(Permission.DESK)
    def page(
        self,
        *,
        site_id: uuid.UUID,
        filters: VisitFilter,
        after: VisitCursor | None = None,
        limit: int = 200,
    ) -> list[VisitRow]:
        """Up to ``limit`` visits, newest first, starting after ``after``."""
        sort_time = func.coalesce(col(Visit.activity_time), _MIDNIGHT)
        where = _conditions(site_id, filters)
        if after is not None:
            where.append(
                tuple_(col(Visit.activity_date), sort_time, col(Visit.id))
                < tuple_(
                    literal(after.activity_date, Date()),
                    literal(after.activity_time or time(0, 0), Time()),
                    literal(after.id, Uuid()),
                )
            )
        # The page is cut first, then its few rows get their labels: joining before the
        # LIMIT would look up labels for the whole year.
        keys = (
            sa_select(
                col(Visit.id).label("id"),
                col(Visit.activity_date).label("activity_date"),
                sort_time.label("sort_time"),
            )
            .where(*where)
            .order_by(col(Visit.activity_date).desc(), sort_time.desc(), col(Visit.id).desc())
            .limit(max(1, limit))
            .subquery()
        )
        query = _labelled().join(keys, keys.c.id == col(Visit.id))
        query = query.order_by(
            keys.c.activity_date.desc(), keys.c.sort_time.desc(), keys.c.id.desc()
        )
        with self._uow() as uow:
            return [_row(r) for r in uow.session.execute(query).mappings()]

    @requires(Permission.DESK)
    def totals(self, *, site_id: uuid.UUID, filters: VisitFilter) -> VisitTotals:
        grouped = (
            sa_select(
                col(Visit.service_id).label("service_id"),
                func.count().label("rows"),
                func.sum(Visit.count).label("people"),
            )
            .where(*_conditions(site_id, filters))
            .group_by(col(Visit.service_id))
            .subquery()
        )
        query = (
            sa_select(grouped.c.service_id, col(Service.name), grouped.c.rows, grouped.c.people)
            .join(Service, col(Service.id) == grouped.c.service_id)
            .order_by(col(Service.position), col(Service.name))
        )
        with self._uow() as uow:
            by_service = tuple(
                ServiceTotal(service_id, name, int(rows), int(people or 0))
                for service_id, name, rows, people in uow.session.execute(query)
            )
        return VisitTotals(
            rows=sum(s.rows for s in by_service),
            people=sum(s.people for s in by_service),
            by_service=by_service,
        )

    @requires(Permission.DESK)
    def get(self, visit_id: uuid.UUID) -> VisitRow:
        with self._uow() as uow:
            return _read(uow, visit_id)

    # -- corrections ------------------------------------------------------------------------
    @requires(Permission.DESK)
    def update(
        self, visit_id: uuid.UUID, data: VisitCorrection, *, today: date | None = None
    ) -> VisitRow:
        """Correct a visit; the audit log keeps which fields changed, who and when."""
        count, activity_date, activity_time = data.count, data.activity_date, data.activity_time
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise ValidationError(_("Nombre"), _("au moins une personne"))
        if count > MAX_COUNT:
            raise ValidationError(
                _("Nombre"), _("{n} personnes au plus par ligne").format(n=MAX_COUNT)
            )
        if activity_time is not None:
            activity_time = activity_time.replace(second=0, microsecond=0)
        with self._uow() as uow:
            visit = self._visit(uow, visit_id)
            if activity_date > (today or place_today(site_zone(uow, visit.site_id))):
                raise ValidationError(
                    _("Date"), _("une visite ne peut pas être datée dans le futur")
                )
            self._refuse_event_visit(uow, visit)
            _check_references(
                uow,
                visit.site_id,
                service_id=data.service_id,
                commune_id=data.commune_id,
                categories={
                    CategoryKind.AGE_BAND: data.age_band_id,
                    CategoryKind.GENDER: data.gender_id,
                    CategoryKind.STATUS: data.status_id,
                    CategoryKind.PUBLIC: data.public_id,
                },
                person_id=data.person_id,
            )
            wanted: dict[str, Any] = {
                "service_id": data.service_id,
                "activity_date": activity_date,
                "activity_time": activity_time,
                "count": count,
                "commune_id": data.commune_id,
                "age_band_id": data.age_band_id,
                "gender_id": data.gender_id,
                "status_id": data.status_id,
                "person_id": data.person_id,
                "public_id": data.public_id,
            }
            changed: dict[str, Any] = {}
            for name, value in wanted.items():
                old = getattr(visit, name)
                if old != value:
                    # Which person is nobody's business in the log: only that it changed.
                    changed[name] = "modifiée" if name == "person_id" else [old, value]
                    setattr(visit, name, value)
            if changed:
                if (
                    "activity_date" in changed
                    and visit.passage_id is not None
                    and visit.passage_id != visit.id
                ):
                    visit.passage_id = None  # another day: no longer that door's passage
                uow.session.add(visit)
                follow_visit(uow, visit)
                audit.record(
                    uow,
                    action=AuditAction.UPDATE,
                    entity="visit",
                    entity_id=visit.id,
                    site_id=visit.site_id,
                    details={"changed": changed},
                )
                uow.session.flush()
            row = _read(uow, visit.id)
            uow.commit()
            return row

    @requires(Permission.DESK)
    def delete(self, visit_id: uuid.UUID) -> None:
        with self._uow() as uow:
            visit = self._visit(uow, visit_id)
            self._refuse_event_visit(uow, visit)
            remove_visit(uow, visit)
            uow.commit()

    # -- helpers ----------------------------------------------------------------------------
    @staticmethod
    def _visit(uow: UnitOfWork, visit_id: uuid.UUID) -> Visit:
        visit = uow.session.get(Visit, visit_id)
        if visit is None:
            raise NotFoundError(_("Cette visite n'existe plus : la liste a été mise à jour."))
        return visit

    @staticmethod
    def _refuse_event_visit(uow: UnitOfWork, visit: Visit) -> None:
        if visit.event_id is None or visit.source != VisitSource.EVENT:
            return
        event = uow.session.get(Event, visit.event_id)
        title = event.title if event is not None else ""
        raise ConflictError(
            _(
                "Cette visite compte la participation à l'atelier « {title} » : corrigez "
                "plutôt sa participation dans l'onglet « Ateliers et animations »."
            ).format(title=title)
        )


def _read(uow: UnitOfWork, visit_id: uuid.UUID) -> VisitRow:
    """One visit with its labels, as the list shows it (read inside ``uow``)."""
    query = _labelled().where(col(Visit.id) == visit_id)
    found = uow.session.execute(query).mappings().first()
    if found is None:
        raise NotFoundError(_("Cette visite n'existe plus : la liste a été mise à jour."))
    return _row(found)


def _labelled() -> Select[*tuple[Any, ...]]:
    """Visits with the names and labels their ids point to."""
    age, gender, status = aliased(Category), aliased(Category), aliased(Category)
    public = aliased(Category)
    return (
        sa_select(
            col(Visit.id).label("id"),
            col(Visit.activity_date).label("activity_date"),
            col(Visit.activity_time).label("activity_time"),
            col(Visit.service_id).label("service_id"),
            col(Service.name).label("service_name"),
            col(Visit.count).label("count"),
            col(Visit.commune_id).label("commune_id"),
            col(Commune.name).label("commune_name"),
            col(Visit.age_band_id).label("age_band_id"),
            col(age.label).label("age_band"),
            col(Visit.gender_id).label("gender_id"),
            col(gender.label).label("gender"),
            col(Visit.status_id).label("status_id"),
            col(status.label).label("status"),
            col(Visit.person_id).label("person_id"),
            col(Person.first_name).label("first_name"),
            col(Person.last_name).label("last_name"),
            col(Person.organisation).label("organisation"),
            col(Visit.created_at).label("created_at"),
            col(Visit.source).label("source"),
            col(Visit.event_id).label("event_id"),
            col(Visit.public_id).label("public_id"),
            col(public.label).label("public"),
        )
        .select_from(Visit)
        .join(Service, col(Service.id) == col(Visit.service_id))
        .outerjoin(Commune, col(Commune.id) == col(Visit.commune_id))
        .outerjoin(age, col(age.id) == col(Visit.age_band_id))
        .outerjoin(gender, col(gender.id) == col(Visit.gender_id))
        .outerjoin(status, col(status.id) == col(Visit.status_id))
        .outerjoin(public, col(public.id) == col(Visit.public_id))
        .outerjoin(Person, col(Person.id) == col(Visit.person_id))
    )


def _row(r: Any) -> VisitRow:
    return VisitRow(
        id=r["id"],
        activity_date=r["activity_date"],
        activity_time=r["activity_time"],
        service_id=r["service_id"],
        service_name=r["service_name"],
        count=r["count"],
        commune_id=r["commune_id"],
        commune_name=r["commune_name"] or "",
        age_band_id=r["age_band_id"],
        age_band=r["age_band"] or "",
        gender_id=r["gender_id"],
        gender=r["gender"] or "",
        status_id=r["status_id"],
        status=r["status"] or "",
        person_id=r["person_id"],
        person_name=_person_name(r["first_name"], r["last_name"], r["organisation"]),
        created_at=r["created_at"],
        source=r["source"],
        event_id=r["event_id"],
        public_id=r["public_id"],
        public=r["public"] or "",
    )


def _check_references(
    uow: UnitOfWork,
    site_id: uuid.UUID,
    *,
    service_id: uuid.UUID,
    commune_id: uuid.UUID | None,
    categories: dict[CategoryKind, uuid.UUID | None],
    person_id: uuid.UUID | None,
) -> None:
    """Every id names a row of this site, of the right kind; else the field is named."""
    service = uow.session.get(Service, service_id)
    if service is None or service.site_id != site_id:
        raise ValidationError(_("Service"), _("ce service n'existe pas dans ce lieu"))
    if commune_id is not None:
        commune = uow.session.get(Commune, commune_id)
        if commune is None or commune.site_id != site_id:
            raise ValidationError(_("Commune"), _("cette commune n'est pas connue du lieu"))
    check_categories(uow, site_id, categories)
    if person_id is not None:
        person = uow.session.get(Person, person_id)
        if person is None or person.site_id != site_id or person.anonymized_at is not None:
            raise ValidationError(_("Personne"), _("cette personne n'existe plus"))


CATEGORY_FIELDS = {
    CategoryKind.AGE_BAND: N_("Tranche d'âge"),
    CategoryKind.GENDER: N_("Genre"),
    CategoryKind.STATUS: N_("Statut"),
    CategoryKind.EVENT_TYPE: N_("Type"),
    CategoryKind.PUBLIC: N_("Public"),
}


def check_categories(
    uow: UnitOfWork, site_id: uuid.UUID, categories: dict[CategoryKind, uuid.UUID | None]
) -> None:
    """Each given id is a category of ``site_id`` of that kind (shared with the events)."""
    wanted = {kind: value for kind, value in categories.items() if value is not None}
    if not wanted:
        return
    found = {
        row.id: row
        for row in uow.session.exec(
            select(Category).where(col(Category.id).in_(list(wanted.values())))
        )
    }
    for kind, value in wanted.items():
        row = found.get(value)
        if row is None or row.site_id != site_id or row.kind != kind:
            raise ValidationError(
                _(CATEGORY_FIELDS.get(kind, kind)), _("valeur inconnue dans ce lieu")
            )
