"""When a resource can be booked: bookable hours of a day, the nearest free slots
(:mod:`.search`) and « prochain créneau libre » (:mod:`.next_free`).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import col, select

from tiers_lieu.db import UowFactory
from tiers_lieu.errors import NotFoundError, ValidationError
from tiers_lieu.i18n import _
from tiers_lieu.models import Resource
from tiers_lieu.models.enums import ResourceKind
from tiers_lieu.services.access import Permission, in_place, requires
from tiers_lieu.services.agenda.next_free import next_free
from tiers_lieu.services.agenda.readmodels import PermanenceSlot, SlotInfo
from tiers_lieu.services.agenda.rules import SiteCalendar
from tiers_lieu.services.agenda.search import HORIZON_DAYS, SlotQuery, search


class AvailabilityService:
    def __init__(self, uow: UowFactory) -> None:
        self._uow = uow

    @in_place
    def bookable_ranges(self, site_id: uuid.UUID, day: date) -> list[tuple[datetime, datetime]]:
        """The day's opening ranges as aware local datetimes; none when the place is closed."""
        with self._uow() as uow:
            calendar = SiteCalendar(uow, site_id)
            return [
                (calendar.local(day, o), calendar.local(day, c)) for o, c in calendar.ranges(day)
            ]

    @in_place
    def closed_reason(self, site_id: uuid.UUID, day: date) -> str | None:
        """Why the place is closed that day (« jour férié : Noël », a closure), or None."""
        with self._uow() as uow:
            return SiteCalendar(uow, site_id).closed_reason(day)

    @in_place
    def free_slots(
        self,
        *,
        site_id: uuid.UUID,
        duration_min: int,
        resource_id: uuid.UUID | None = None,
        kind: str | Sequence[str] | None = None,
        after: datetime | date | None = None,
        until: date | None = None,
        seats: int = 1,
        limit: int = 5,
    ) -> list[SlotInfo]:
        """The nearest free slots of ``duration_min`` minutes, soonest first.

        Search one resource (``resource_id``) or every active resource of a kind (``kind``:
        one ResourceKind or several, e.g. both health kinds), from ``after`` (a date means
        its whole day; default: now) up to ``until`` (default: four months ahead).
        """
        if duration_min < 1:
            raise ValidationError(_("Durée"), _("au moins une minute"))
        with self._uow() as uow:
            calendar = SiteCalendar(uow, site_id)
            query = select(Resource).where(
                Resource.site_id == site_id, col(Resource.active).is_(True)
            )
            if resource_id is not None:
                query = query.where(Resource.id == resource_id)
            elif kind is not None:
                kinds = [kind] if isinstance(kind, str) else list(kind)
                query = query.where(col(Resource.kind).in_(kinds))
            resources = list(uow.session.exec(query.order_by(col(Resource.name))))
            if resource_id is not None and not resources:
                raise NotFoundError(_("Cette ressource n'existe plus."))
            if isinstance(after, datetime):
                if after.tzinfo is None:
                    raise ValidationError(_("Début"), _("heure sans fuseau horaire"))
                start = after
            elif isinstance(after, date):
                start = calendar.local(after, time(0))
            else:
                start = datetime.now(UTC)
            horizon = (
                HORIZON_DAYS
                if until is None
                else (until - start.astimezone(calendar.zone).date()).days
            )
            if horizon < 0:
                return []
            return search(
                uow,
                calendar,
                resources,
                SlotQuery(
                    wanted=start,
                    duration=timedelta(minutes=duration_min),
                    seats=seats,
                    limit=limit,
                    not_before=start,
                    horizon_days=horizon,
                ),
            )

    @requires(Permission.BOOKINGS)
    def next_free(
        self,
        site_id: uuid.UUID,
        *,
        resource_id: uuid.UUID | None = None,
        practitioner_id: uuid.UUID | None = None,
        after: datetime | None = None,
        duration_min: int | None = None,
    ) -> SlotInfo | PermanenceSlot | None:
        """« Prochain créneau libre » from ``after`` (default: now): the practitioner's next
        free permanence slot, or the resource's soonest free time (a permanence slot in it,
        or its shortest booking length, ``duration_min`` if given, inside the opening hours).
        ``None`` when nothing is free within four months."""
        if (resource_id is None) == (practitioner_id is None):
            raise ValidationError(_("Ressource"), _("choisissez une ressource ou un praticien"))
        if duration_min is not None and duration_min < 1:
            raise ValidationError(_("Durée"), _("au moins une minute"))
        if after is not None and after.tzinfo is None:
            raise ValidationError(_("Début"), _("heure sans fuseau horaire"))
        with self._uow(read_only=True) as uow:
            calendar = SiteCalendar(uow, site_id)
            resource = None
            if resource_id is not None:
                resource = uow.session.get(Resource, resource_id)
                if resource is None or resource.site_id != site_id or not resource.active:
                    raise NotFoundError(_("Cette ressource n'existe plus."))
            elif practitioner_id is not None:
                from tiers_lieu.models import Practitioner

                who = uow.session.get(Practitioner, practitioner_id)
                if who is None or who.site_id != site_id:
                    raise NotFoundError(_("Ce praticien n'existe pas dans ce lieu."))
            return next_free(
                uow,
                calendar,
                (after or datetime.now(UTC)).astimezone(calendar.zone),
                resource=resource,
                practitioner_id=practitioner_id,
                duration=None if duration_min is None else timedelta(minutes=duration_min),
            )


HEALTH_KINDS = (ResourceKind.HEALTH_ROOM.value, ResourceKind.TELECONSULTATION.value)
"""« Any health room »: the consultation room and the teleconsultation cabin."""
