"""People through the door (« une personne entre », issue 20): the desk's « + » records a
passage, counted like a visit (one read and one insert, under the id the desk made at the key
press), and the services counted at the same desk within the minute after it attach to it.

How passages and visits count people (a visit without a passage is its own, a passage counts
at least its largest group) is the rule of :mod:`tiers_lieu.services.visits`, which makes the
passage of a visit counted alone; here, how a passage follows the visits attached to it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import func, select

from tiers_lieu.db import UnitOfWork, UowFactory
from tiers_lieu.errors import ConflictError, NotFoundError, ValidationError
from tiers_lieu.i18n import _
from tiers_lieu.models import Passage, Visit, utcnow
from tiers_lieu.models.enums import AuditAction
from tiers_lieu.services import audit
from tiers_lieu.services.access import Permission, requires
from tiers_lieu.services.key_press import check_count, saved_before, saved_once
from tiers_lieu.services.sites import site_zone
from tiers_lieu.validation import check_date

_AHEAD = timedelta(minutes=5)
"""How far ahead of this computer's clock a kept key press may be (another desk's clock)."""


@dataclass(frozen=True)
class PassageInfo:
    """People through the door (« une personne entre »), as the desk keeps it."""

    id: uuid.UUID
    site_id: uuid.UUID
    at: datetime
    """When the key was pressed (UTC); the services of the next minute attach to it."""
    activity_date: date
    activity_time: time | None
    """The place's wall clock of the key press (``None`` when re-keying a day without time)."""
    count: int
    person_id: uuid.UUID | None = None


def passage_info(passage: Passage, zone: ZoneInfo | None = None) -> PassageInfo:
    local = passage.at.astimezone(zone) if zone is not None else None
    moment = (
        local.time().replace(second=0, microsecond=0)
        if local is not None and local.date() == passage.activity_date
        else None
    )
    return PassageInfo(
        id=passage.id,
        site_id=passage.site_id,
        at=passage.at,
        activity_date=passage.activity_date,
        activity_time=moment,
        count=passage.count,
        person_id=passage.person_id,
    )


def largest_attached(uow: UnitOfWork, passage: Passage) -> int:
    """The largest group counted at a service attached to ``passage`` (0: none), read through
    the report's covering index (place, day, then the passage)."""
    found = uow.session.exec(
        select(func.max(Visit.count)).where(
            Visit.site_id == passage.site_id,
            Visit.activity_date == passage.activity_date,
            Visit.passage_id == passage.id,
        )
    ).one()
    return int(found or 0)


def follow_visit(uow: UnitOfWork, visit: Visit) -> None:
    """Keep the visit's passage in step after a change of the visit: its own passage (made
    with it) takes its count, person and day; a passage keyed at the door counts at least the
    visit's group, and takes the visit's person if it names none."""
    if visit.passage_id is None:
        return
    passage = uow.session.get(Passage, visit.passage_id)
    if passage is None:
        return
    if passage.id == visit.id:
        passage.count = visit.count
        passage.person_id = visit.person_id
        passage.activity_date = visit.activity_date
    else:
        passage.count = max(passage.count, visit.count)
        if passage.person_id is None:
            passage.person_id = visit.person_id
    if uow.session.is_modified(passage):
        uow.session.add(passage)


def drop_own_passage(uow: UnitOfWork, visit: Visit) -> None:
    """After ``visit`` was deleted from the session: its own passage (made with it, same
    id) goes too; a passage keyed at the door stays (the person did come in)."""
    if visit.passage_id != visit.id:
        return
    passage = uow.session.get(Passage, visit.id)
    if passage is not None:
        uow.session.flush()  # the visit first: it refers to the passage
        uow.session.delete(passage)


class PassageService:
    def __init__(self, uow: UowFactory) -> None:
        self._uow = uow

    @requires(Permission.DESK)
    def enter(
        self,
        *,
        site_id: uuid.UUID,
        activity_date: date | None = None,
        activity_time: time | None = None,
        count: int = 1,
        passage_id: uuid.UUID | None = None,
        at: datetime | None = None,
    ) -> PassageInfo:
        """People through the door: one passage of ``count`` people, the services counted
        at this desk within the next minute attaching to it (the desk keeps it open).

        Dates as for :meth:`~tiers_lieu.services.visits.VisitService.count`. ``passage_id``
        is the id the desk made at the key press (a retry saves nothing more; an id entered
        then taken back is refused); ``at`` the instant of the key press when it is saved
        later (kept while the server was away).
        """
        check_count(count)
        if activity_date is not None:
            check_date(_("Date de l'activité"), activity_date)
        if at is not None and (at.tzinfo is None or at > utcnow() + _AHEAD):
            raise ValidationError(_("Heure d'entrée"), _("instant inconnu ou à venir"))
        return saved_once(
            self._uow,
            lambda: self._enter(site_id, activity_date, activity_time, count, passage_id, at),
            passage_id,
            lambda uow, known: self._already_entered(uow, known, site_id),
        )

    def _enter(
        self,
        site_id: uuid.UUID,
        activity_date: date | None,
        activity_time: time | None,
        count: int,
        passage_id: uuid.UUID | None,
        at: datetime | None,
    ) -> PassageInfo:
        with self._uow() as uow:
            if passage_id is not None:
                already = self._already_entered(uow, passage_id, site_id)
                if already is not None:
                    return already
            zone = site_zone(uow, site_id)
            now = datetime.now(zone).replace(second=0, microsecond=0)
            if activity_date is None:
                pressed = now if at is None else at.astimezone(zone)
                activity_date = pressed.date()
                activity_time = pressed.time().replace(second=0, microsecond=0)
            elif activity_date > now.date():
                raise ValidationError(
                    _("Date de l'activité"), _("une entrée ne peut pas être comptée à l'avance")
                )
            passage = Passage(
                id=passage_id or uuid.uuid4(),
                site_id=site_id,
                at=(at or utcnow()).astimezone(UTC),
                activity_date=activity_date,
                count=count,
                created_by_id=uow.actor_id,
            )
            uow.session.add(passage)
            uow.commit()
            return PassageInfo(
                id=passage.id,
                site_id=site_id,
                at=passage.at,
                activity_date=activity_date,
                activity_time=activity_time,
                count=count,
            )

    @staticmethod
    def _already_entered(
        uow: UnitOfWork, passage_id: uuid.UUID, site_id: uuid.UUID
    ) -> PassageInfo | None:
        passage = saved_before(
            uow,
            Passage,
            passage_id,
            site_id,
            elsewhere=_("Cette entrée est déjà enregistrée pour un autre lieu."),
            removed=_("Cette entrée avait été enregistrée puis retirée : elle ne compte pas."),
        )
        return None if passage is None else passage_info(passage, site_zone(uow, site_id))

    @requires(Permission.DESK)
    def complete(self, passage_id: uuid.UUID, *, count: int) -> PassageInfo:
        """How many people came in together; never fewer than the largest group counted at
        a service attached to the passage (that many people did come in). Audited."""
        check_count(count)
        with self._uow() as uow:
            passage = self._passage(uow, passage_id)
            count = max(count, largest_attached(uow, passage))
            if count != passage.count:
                passage.count = count
                uow.session.add(passage)
                audit.record(
                    uow,
                    action=AuditAction.UPDATE,
                    entity="passage",
                    entity_id=passage.id,
                    site_id=passage.site_id,
                    details={"fields": ["count"], "count": count},
                )
            info = passage_info(passage, site_zone(uow, passage.site_id))
            uow.commit()
            return info

    @requires(Permission.DESK)
    def undo(self, passage_id: uuid.UUID) -> PassageInfo:
        """Take back a passage keyed by mistake; refused while services are attached to it
        (they are taken back first: the desk's Ctrl+Z goes in the reverse order). Audited."""
        with self._uow() as uow:
            passage = self._passage(uow, passage_id)
            if largest_attached(uow, passage):
                raise ConflictError(
                    _("Des services comptés sont rattachés à cette entrée : annulez-les d'abord.")
                )
            info = passage_info(passage, site_zone(uow, passage.site_id))
            uow.session.delete(passage)
            audit.record(
                uow,
                action=AuditAction.DELETE,
                entity="passage",
                entity_id=passage.id,
                site_id=passage.site_id,
                details={"activity_date": info.activity_date.isoformat(), "count": info.count},
            )
            uow.commit()
            return info

    @staticmethod
    def _passage(uow: UnitOfWork, passage_id: uuid.UUID) -> Passage:
        passage = uow.session.get(Passage, passage_id)
        if passage is None:
            raise NotFoundError(_("Cette entrée n'existe plus (elle a peut-être été annulée)."))
        return passage
