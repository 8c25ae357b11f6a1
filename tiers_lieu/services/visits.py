"""The desk's visit counter: one visit saved per key press, completed afterwards if the host
has a moment, and undone when the key was wrong.

Counting must cost the host nothing, so :meth:`VisitService.count` does the least work that
keeps the data right (one indexed read and one insert, in one transaction, through Core: no
ORM object is built) and leaves the details to :meth:`VisitService.complete`. The desk gives
each visit its id when the key is pressed: counted again under the same id (a retry after
the server's answer was lost), the visit is found and nothing more is saved. The activity
date and time are the place's wall clock (the site's time zone), kept apart from
``created_at``, the entry instant, so that a paper tally sheet can be re-keyed days later.
Which number key counts which service is a rule of the desk shared by the Accueil screen and
the settings list: :func:`desk_keys`.

**People and services (issue 20).** A visit is one service used (« services rendus »); a
*passage* is people coming through the door (« personnes accueillies »). The rule:

- the desk's « une personne entre » key records a passage
  (:class:`~tiers_lieu.services.passages.PassageService`, a count like a visit's); the
  services counted at the same desk within the minute after it attach to it (the desk
  passes its ``passage_id`` to :meth:`VisitService.count`);
- a visit counted with no passage open gets its own passage, made in the same transaction
  under the visit's own id (*implicit*): so a desk that never presses the passage key counts
  people = visits, exactly as before, and one key per person never counts fewer people;
- an implicit passage follows its visit (count, person, date) and leaves with it (undo,
  deletion); a passage counts at least as many people as the largest group attached to it;
- visits without a passage (the bookings, workshops, démarches and imports, and every visit
  counted before migration 0009) count as their own passage: ``count`` people each.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import Table, bindparam
from sqlalchemy import select as sa_select
from sqlmodel import col, func, select

from tiers_lieu.db import UnitOfWork, UowFactory
from tiers_lieu.errors import ConflictError, NotFoundError, ValidationError
from tiers_lieu.i18n import _, time_zone
from tiers_lieu.models import (
    Category,
    Commune,
    Passage,
    Person,
    Service,
    Site,
    Tombstone,
    Visit,
    utcnow,
)
from tiers_lieu.models.enums import AuditAction, CategoryKind, VisitSource
from tiers_lieu.services import audit
from tiers_lieu.services.access import Permission, in_place, requires
from tiers_lieu.services.key_press import check_count, saved_before, saved_once
from tiers_lieu.services.passages import drop_own_passage, follow_visit
from tiers_lieu.services.readmodels import ServiceInfo
from tiers_lieu.services.sites import site_zone
from tiers_lieu.validation import check_date, check_row

DESK_KEYS = (1, 2, 3, 4, 5, 6, 7, 8, 9, 0)
"""The number keys of the desk, in the order the active services receive them."""


def desk_keys(services: Sequence[ServiceInfo]) -> dict[uuid.UUID, int]:
    """The number key of each active service: the n-th active one gets n (1 to 9), the
    tenth gets 0, later ones none (they are counted by clicking).

    ``services`` must be in desk order (as ``ConfigService.list_services`` gives them);
    inactive services are skipped, so deactivating one moves the next ones up a key.
    """
    active = [s for s in services if s.active]
    return {service.id: key for service, key in zip(active, DESK_KEYS, strict=False)}


@dataclass(frozen=True)
class VisitInfo:
    id: uuid.UUID
    service_id: uuid.UUID
    service_name: str
    activity_date: date
    activity_time: time | None
    count: int
    commune_id: uuid.UUID | None
    age_band_id: uuid.UUID | None
    gender_id: uuid.UUID | None
    status_id: uuid.UUID | None
    person_id: uuid.UUID | None
    created_at: datetime
    passage_id: uuid.UUID | None = None
    """The passage the visit belongs to (its own id when the visit made it implicitly)."""
    public_id: uuid.UUID | None = None


def visit_info(visit: Visit, service_name: str) -> VisitInfo:
    return VisitInfo(
        id=visit.id,
        service_id=visit.service_id,
        service_name=service_name,
        activity_date=visit.activity_date,
        activity_time=visit.activity_time,
        count=visit.count,
        commune_id=visit.commune_id,
        age_band_id=visit.age_band_id,
        gender_id=visit.gender_id,
        status_id=visit.status_id,
        person_id=visit.person_id,
        created_at=visit.created_at,
        passage_id=visit.passage_id,
        public_id=visit.public_id,
    )


_VISIT: Table = Visit.__table__  # type: ignore[attr-defined]
_SERVICE: Table = Service.__table__  # type: ignore[attr-defined]
_SITE: Table = Site.__table__  # type: ignore[attr-defined]
_TOMBSTONE: Table = Tombstone.__table__  # type: ignore[attr-defined]
_PASSAGE: Table = Passage.__table__  # type: ignore[attr-defined]

_DESK_LOOKUP = (
    sa_select(
        _SERVICE.c.name,
        _SERVICE.c.active,
        _SERVICE.c.site_id,
        _SITE.c.timezone,
        sa_select(_VISIT.c.site_id)
        .where(_VISIT.c.id == bindparam("visit_id", type_=_VISIT.c.id.type))
        .scalar_subquery()
        .label("counted_in"),
        sa_select(_TOMBSTONE.c.id)
        .where(
            _TOMBSTONE.c.table_name == "visit",
            _TOMBSTONE.c.row_id == bindparam("visit_id", type_=_VISIT.c.id.type),
        )
        .limit(1)
        .scalar_subquery()
        .label("removed"),
        sa_select(_PASSAGE.c.activity_date)
        .where(
            _PASSAGE.c.id == bindparam("passage_id", type_=_PASSAGE.c.id.type),
            _PASSAGE.c.site_id == _SERVICE.c.site_id,
        )
        .scalar_subquery()
        .label("passage_day"),
    )
    .select_from(_SERVICE.join(_SITE, _SITE.c.id == _SERVICE.c.site_id))
    .where(_SERVICE.c.id == bindparam("service_id", type_=_SERVICE.c.id.type))
)
"""Everything a key press checks, in one indexed read: the service (its place, whether it is
active), the place's time zone, whether the visit's id was already counted or removed, and
the day of the passage it should attach to (``None``: no such passage in this place)."""
_INSERT_VISIT = _VISIT.insert()
_INSERT_PASSAGE = _PASSAGE.insert()


def _as_day(value: object) -> date | None:
    """A date read through Core (SQLite's drivers may hand back the stored text)."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


class VisitService:
    def __init__(self, uow: UowFactory) -> None:
        self._uow = uow

    @in_place
    def time_zone(self, site_id: uuid.UUID) -> ZoneInfo:
        """The place's time zone: "today" and "now" at the desk are the place's."""
        with self._uow() as uow:
            return site_zone(uow, site_id)

    @requires(Permission.DESK)
    def count(
        self,
        *,
        site_id: uuid.UUID,
        service_id: uuid.UUID,
        activity_date: date | None = None,
        activity_time: time | None = None,
        count: int = 1,
        visit_id: uuid.UUID | None = None,
        passage_id: uuid.UUID | None = None,
    ) -> VisitInfo:
        """Save one visit (or a group of ``count``) to an active service of the site.

        Without ``activity_date`` the visit happens now (date and time of the place); with a
        date and no time, the time stays unknown. A date after today is refused.

        ``visit_id`` is the id the desk gave the visit when the key was pressed: a retry of a
        visit whose first commit succeeded but whose answer was lost (server unreachable)
        saves nothing more and returns the visit saved the first time.

        ``passage_id`` is the passage the desk has open (« une personne entre » pressed less
        than a minute ago): the visit attaches to it. Without one, or when that passage is
        not of this place and day (taken back meanwhile, say), the visit makes its own
        passage under its own id, in the same transaction (see the module's rule).
        """
        check_count(count)
        if activity_date is not None:
            check_date(_("Date de l'activité"), activity_date)
        return saved_once(
            self._uow,
            lambda: self._count(
                site_id, service_id, activity_date, activity_time, count, visit_id, passage_id
            ),
            visit_id,
            lambda uow, known: self._already_counted(uow, known, site_id),
        )

    def _count(
        self,
        site_id: uuid.UUID,
        service_id: uuid.UUID,
        activity_date: date | None,
        activity_time: time | None,
        count: int,
        visit_id: uuid.UUID | None,
        passage_id: uuid.UUID | None,
    ) -> VisitInfo:
        # One read and one or two inserts through Core (issue 17: the ORM's four reads,
        # objects and flush cost more than the commit itself). The service and the passage
        # are checked against the place here, since Core skips the unit of work's place filter.
        with self._uow() as uow:
            conn = uow.connection()  # no ORM session unless a retry needs one
            found = conn.execute(
                _DESK_LOOKUP,
                {"service_id": service_id, "visit_id": visit_id, "passage_id": passage_id},
            ).first()
            if visit_id is not None and (
                found is None or found.counted_in is not None or found.removed is not None
            ):
                already = self._already_counted(uow, visit_id, site_id)
                if already is not None:
                    return already
            if found is None or found.site_id != site_id:
                raise NotFoundError(_("Ce service n'existe pas dans ce lieu."))
            if not found.active:
                raise ConflictError(
                    _(
                        "Le service « {name} » est désactivé : réactivez-le dans Paramètres "
                        "pour y compter des visites."
                    ).format(name=found.name)
                )
            now = datetime.now(time_zone(found.timezone)).replace(second=0, microsecond=0)
            if activity_date is None:
                activity_date = now.date()
                if activity_time is None:
                    activity_time = now.time()
            elif activity_date > now.date():
                raise ValidationError(
                    _("Date de l'activité"), _("une visite ne peut pas être comptée à l'avance")
                )
            entered = utcnow()
            new_id = visit_id or uuid.uuid4()
            if passage_id is None or _as_day(found.passage_day) != activity_date:
                # No passage open: the visit is its own, under the visit's id.
                passage_id = new_id
                passage = {
                    "id": new_id,
                    "created_at": entered,
                    "updated_at": entered,
                    "site_id": site_id,
                    "at": entered,
                    "activity_date": activity_date,
                    "count": count,
                    "person_id": None,
                    "created_by_id": uow.actor_id,
                }
                check_row(_PASSAGE, passage)
                conn.execute(_INSERT_PASSAGE, passage)
            elif count > 1:  # a group joins the door's passage: that many came in
                conn.execute(
                    _PASSAGE.update()
                    .where(_PASSAGE.c.id == passage_id, _PASSAGE.c.count < count)
                    .values(count=count, updated_at=entered)
                )
            values = {
                "id": new_id,
                "created_at": entered,
                "updated_at": entered,
                "site_id": site_id,
                "service_id": service_id,
                "activity_date": activity_date,
                "activity_time": activity_time,
                "count": count,
                "source": VisitSource.DESK.value,
                "created_by_id": uow.actor_id,
                "passage_id": passage_id,
            }
            check_row(_VISIT, values)  # what the ORM's listener checks on every row
            conn.execute(_INSERT_VISIT, values)
            uow.commit()
        return VisitInfo(
            id=new_id,
            service_id=service_id,
            service_name=found.name,
            activity_date=activity_date,
            activity_time=activity_time,
            count=count,
            commune_id=None,
            age_band_id=None,
            gender_id=None,
            status_id=None,
            person_id=None,
            created_at=entered,
            passage_id=passage_id,
        )

    def _already_counted(
        self, uow: UnitOfWork, visit_id: uuid.UUID, site_id: uuid.UUID
    ) -> VisitInfo | None:
        """The visit saved earlier under ``visit_id``, if any (:func:`saved_before`)."""
        visit = saved_before(
            uow,
            Visit,
            visit_id,
            site_id,
            elsewhere=_("Cette visite est déjà enregistrée pour un autre lieu."),
            removed=_("Cette visite avait été enregistrée puis retirée : elle ne compte pas."),
        )
        return (
            None if visit is None else visit_info(visit, self._service_name(uow, visit.service_id))
        )

    @requires(Permission.DESK)
    def complete(
        self,
        visit_id: uuid.UUID,
        *,
        commune_id: uuid.UUID | None,
        age_band_id: uuid.UUID | None,
        gender_id: uuid.UUID | None,
        status_id: uuid.UUID | None,
        person_id: uuid.UUID | None,
        count: int,
        public_id: uuid.UUID | None = None,
    ) -> VisitInfo:
        """Give a counted visit its details (``None`` = « Non communiqué »); audited. Its
        passage follows (the module's rule)."""
        check_count(count)
        with self._uow() as uow:
            visit = uow.session.get(Visit, visit_id)
            if visit is None:
                raise NotFoundError(_("Cette visite n'existe plus (elle a peut-être été annulée)."))
            site_id = visit.site_id
            for value, kind, field in (
                (age_band_id, CategoryKind.AGE_BAND, _("Tranche d'âge")),
                (gender_id, CategoryKind.GENDER, _("Genre")),
                (status_id, CategoryKind.STATUS, _("Statut")),
                (public_id, CategoryKind.PUBLIC, _("Public")),
            ):
                self._check_category(uow, site_id, value, kind, field)
            if commune_id is not None:
                commune = uow.session.get(Commune, commune_id)
                if commune is None or commune.site_id != site_id:
                    raise ValidationError(_("Commune"), _("commune inconnue dans ce lieu"))
            if person_id is not None:
                person = uow.session.get(Person, person_id)
                if person is None or person.site_id != site_id or person.anonymized_at:
                    raise ValidationError(_("Personne"), _("cette personne n'existe plus"))
                if person.last_activity_on is None or person.last_activity_on < visit.activity_date:
                    # Retention counts from the last activity: a visit keeps the person's
                    # record alive as long as the policy says.
                    person.last_activity_on = visit.activity_date
                    uow.session.add(person)
            changed = sorted(
                name
                for name, old, new in (
                    ("commune", visit.commune_id, commune_id),
                    ("age_band", visit.age_band_id, age_band_id),
                    ("gender", visit.gender_id, gender_id),
                    ("status", visit.status_id, status_id),
                    ("person", visit.person_id, person_id),
                    ("count", visit.count, count),
                    ("public", visit.public_id, public_id),
                )
                if old != new
            )
            visit.commune_id = commune_id
            visit.age_band_id = age_band_id
            visit.gender_id = gender_id
            visit.status_id = status_id
            visit.person_id = person_id
            visit.count = count
            visit.public_id = public_id
            uow.session.add(visit)
            follow_visit(uow, visit)
            audit.record(
                uow,
                action=AuditAction.UPDATE,
                entity="visit",
                entity_id=visit.id,
                site_id=site_id,
                details={"fields": changed},
            )
            service_name = self._service_name(uow, visit.service_id)
            uow.commit()
            return visit_info(visit, service_name)

    @requires(Permission.DESK)
    def undo(self, visit_id: uuid.UUID) -> VisitInfo:
        """Remove a visit counted by mistake; the audit log keeps who and when."""
        with self._uow() as uow:
            visit = uow.session.get(Visit, visit_id)
            if visit is None:
                raise NotFoundError(_("Cette visite n'existe plus (elle a peut-être été annulée)."))
            info = remove_visit(uow, visit)
            uow.commit()
            return info

    @requires(Permission.DESK)
    def counts_for_day(self, site_id: uuid.UUID, day: date) -> dict[uuid.UUID, int]:
        """People counted per service on ``day`` (a group of 8 counts 8), all sources."""
        with self._uow() as uow:
            rows = uow.session.exec(
                select(Visit.service_id, func.sum(Visit.count))
                .where(Visit.site_id == site_id, Visit.activity_date == day)
                .group_by(col(Visit.service_id))
            ).all()
            return {service_id: int(total or 0) for service_id, total in rows}

    @staticmethod
    def _service_name(uow: UnitOfWork, service_id: uuid.UUID) -> str:
        service = uow.session.get(Service, service_id)
        return service.name if service is not None else ""

    @staticmethod
    def _check_category(
        uow: UnitOfWork,
        site_id: uuid.UUID,
        value: uuid.UUID | None,
        kind: CategoryKind,
        field: str,
    ) -> None:
        if value is None:
            return
        category = uow.session.get(Category, value)
        if category is None or category.site_id != site_id or category.kind != kind:
            raise ValidationError(field, _("valeur inconnue dans cette liste"))


def remove_visit(uow: UnitOfWork, visit: Visit) -> VisitInfo:
    """Take back a visit counted by mistake (and the passage it made alone), with its audit
    line; the caller commits."""
    info = visit_info(visit, VisitService._service_name(uow, visit.service_id))
    uow.session.delete(visit)
    drop_own_passage(uow, visit)
    audit.record(
        uow,
        action=AuditAction.DELETE,
        entity="visit",
        entity_id=visit.id,
        site_id=visit.site_id,
        details={
            "service": info.service_name,
            "activity_date": info.activity_date.isoformat(),
            "count": info.count,
            "source": visit.source,
        },
    )
    return info
