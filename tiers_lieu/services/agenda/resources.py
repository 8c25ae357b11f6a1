"""What can be booked: desks, an open space with N seats, meeting rooms, a health room, a
teleconsultation cabin.

A resource carries the rules every booking of it must respect (capacity, minimum and maximum
duration, a buffer after each booking for cleaning) and the desk service its check-ins count
in. Resources are deactivated, never deleted: past bookings keep pointing at them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace

from sqlmodel import col, select

from tiers_lieu.db import UowFactory
from tiers_lieu.errors import NotFoundError, ValidationError
from tiers_lieu.i18n import _
from tiers_lieu.models import Resource, Service
from tiers_lieu.models.enums import AuditAction, ResourceKind
from tiers_lieu.services import audit
from tiers_lieu.services.access import Permission, in_place, requires
from tiers_lieu.services.agenda import to_call
from tiers_lieu.services.agenda.prices import check_hourly_price
from tiers_lieu.services.agenda.readmodels import ResourceInfo
from tiers_lieu.services.agenda.rules import SiteCalendar


def resource_info(r: Resource) -> ResourceInfo:
    return ResourceInfo(
        id=r.id,
        site_id=r.site_id,
        name=r.name,
        kind=r.kind,
        capacity=r.capacity,
        min_duration_min=r.min_duration_min,
        max_duration_min=r.max_duration_min,
        buffer_min=r.buffer_min,
        service_id=r.service_id,
        active=r.active,
        hourly_price_cents=r.hourly_price_cents,
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class ResourceFields:
    """Every field of a resource as the resource form gives them (creation and change);
    ``hourly_price_cents``: what an hour costs (``None``: not hired out), from which each new
    booking's price is worked out (:mod:`.prices`)."""

    name: str
    kind: str
    capacity: int = 1
    min_duration_min: int = 30
    max_duration_min: int | None = None
    buffer_min: int = 0
    service_id: uuid.UUID | None = None
    active: bool = True
    hourly_price_cents: int | None = None


def _check(data: ResourceFields) -> str:
    name, kind, capacity = data.name.strip(), data.kind, data.capacity
    min_duration_min, max_duration_min = data.min_duration_min, data.max_duration_min
    buffer_min = data.buffer_min
    if not name:
        raise ValidationError(_("Nom"), _("ce champ est obligatoire"))
    if len(name) > 80:
        raise ValidationError(_("Nom"), _("80 caractères au plus"))
    if kind not in {k.value for k in ResourceKind}:
        raise ValidationError(_("Type"), _("type de ressource inconnu"))
    if not 1 <= capacity <= 500:
        raise ValidationError(_("Capacité"), _("entre 1 et 500 places"))
    if not 0 <= min_duration_min <= 24 * 60:
        raise ValidationError(_("Durée minimale"), _("entre 0 et 24 heures"))
    if max_duration_min is not None:
        if not 1 <= max_duration_min <= 24 * 60:
            raise ValidationError(_("Durée maximale"), _("entre 1 minute et 24 heures"))
        if max_duration_min < min_duration_min:
            raise ValidationError(
                _("Durée maximale"), _("elle ne peut pas être inférieure à la durée minimale")
            )
    if not 0 <= buffer_min <= 240:
        raise ValidationError(_("Battement"), _("entre 0 et 240 minutes"))
    check_hourly_price(data.hourly_price_cents)
    return name


class ResourceService:
    def __init__(self, uow: UowFactory) -> None:
        self._uow = uow

    @in_place
    def list(
        self, site_id: uuid.UUID, *, kind: str | None = None, include_inactive: bool = False
    ) -> list[ResourceInfo]:
        """The site's resources by name; only active ones unless ``include_inactive``."""
        with self._uow() as uow:
            query = select(Resource).where(Resource.site_id == site_id)
            if kind is not None:
                query = query.where(Resource.kind == kind)
            if not include_inactive:
                query = query.where(col(Resource.active).is_(True))
            rows = uow.session.exec(query.order_by(col(Resource.name)))
            return [resource_info(r) for r in rows]

    def get(self, resource_id: uuid.UUID) -> ResourceInfo:
        with self._uow() as uow:
            row = uow.session.get(Resource, resource_id)
            if row is None:
                raise NotFoundError(_("Cette ressource n'existe plus."))
            return resource_info(row)

    @in_place
    def find(self, site_id: uuid.UUID, name: str) -> ResourceInfo:
        """The resource named ``name`` (accents and case as typed), for the command line."""
        wanted = name.strip().casefold()
        for r in self.list(site_id, include_inactive=True):
            if r.name.casefold() == wanted:
                return r
        raise NotFoundError(
            _("Aucune ressource ne s'appelle « {name} » dans ce lieu.").format(name=name)
        )

    @requires(Permission.SETTINGS)
    def create(self, site_id: uuid.UUID, data: ResourceFields) -> ResourceInfo:
        name = _check(data)
        service_id = data.service_id
        with self._uow() as uow:
            self._check_service(
                uow.session.get(Service, service_id) if service_id else None, site_id, service_id
            )
            row = Resource(
                site_id=site_id,
                name=name,
                kind=data.kind,
                capacity=data.capacity,
                min_duration_min=data.min_duration_min,
                max_duration_min=data.max_duration_min,
                buffer_min=data.buffer_min,
                service_id=service_id,
                active=data.active,
                hourly_price_cents=data.hourly_price_cents,
            )
            uow.session.add(row)
            audit.record(
                uow,
                action=AuditAction.CREATE,
                entity="resource",
                entity_id=row.id,
                site_id=site_id,
            )
            uow.commit()
            return resource_info(row)

    @requires(Permission.SETTINGS)
    def update(self, resource_id: uuid.UUID, data: ResourceFields) -> ResourceInfo:
        """Change a resource's rules; existing bookings are kept as they are (their prices
        too: a new hourly price applies to the bookings made from now on). Deactivated, its
        bookings from now on are returned in ``to_call`` (none is cancelled)."""
        name = _check(data)
        service_id = data.service_id
        with self._uow() as uow:
            row = uow.session.get(Resource, resource_id)
            if row is None:
                raise NotFoundError(_("Cette ressource n'existe plus."))
            self._check_service(
                uow.session.get(Service, service_id) if service_id else None,
                row.site_id,
                service_id,
            )
            was_active = row.active
            row.name, row.kind, row.capacity = name, data.kind, data.capacity
            row.min_duration_min, row.max_duration_min = (
                data.min_duration_min,
                data.max_duration_min,
            )
            row.buffer_min, row.service_id, row.active = data.buffer_min, service_id, data.active
            row.hourly_price_cents = data.hourly_price_cents
            audit.record(
                uow,
                action=AuditAction.UPDATE,
                entity="resource",
                entity_id=row.id,
                site_id=row.site_id,
            )
            uow.commit()
            if was_active and not row.active:
                people = to_call.on_resource(uow, SiteCalendar(uow, row.site_id), row.id)
                return replace(resource_info(row), to_call=people)
            return resource_info(row)

    @staticmethod
    def _check_service(
        service: Service | None, site_id: uuid.UUID, service_id: uuid.UUID | None
    ) -> None:
        if service_id is not None and (service is None or service.site_id != site_id):
            raise ValidationError(_("Service"), _("ce service n'existe pas dans ce lieu"))
