"""The grocery's and the AMAP's producers: who supplies the place, from where, and whether
they count as « local ».

Producers are shared by the grocery (products, receptions) and the AMAP (contracts), so this
service is the one door to them for both. « Local » is not stored: it is the producer's
distance compared with the site's ``local_distance_km`` at the moment of asking, so a
coordinator who changes the threshold changes every answer (and the report) at once. A
producer with no known distance is not local.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlmodel import col, select

from tiers_lieu.db import UnitOfWork, UowFactory
from tiers_lieu.errors import NotFoundError, ValidationError
from tiers_lieu.i18n import _
from tiers_lieu.models import Producer, Site
from tiers_lieu.models.enums import AuditAction
from tiers_lieu.services import audit
from tiers_lieu.services.access import Permission, requires
from tiers_lieu.services.tabular import normalise

MAX_DISTANCE_KM = 20000


@dataclass(frozen=True)
class ProducerInfo:
    id: uuid.UUID
    site_id: uuid.UUID
    name: str
    commune_name: str
    distance_km: int | None
    contact: str
    phone: str
    email: str
    supplies: str
    is_local: bool


def producer_info(producer: Producer, local_distance_km: int) -> ProducerInfo:
    distance = producer.distance_km
    return ProducerInfo(
        id=producer.id,
        site_id=producer.site_id,
        name=producer.name,
        commune_name=producer.commune_name,
        distance_km=distance,
        contact=producer.contact,
        phone=producer.phone,
        email=producer.email,
        supplies=producer.supplies,
        is_local=distance is not None and distance <= local_distance_km,
    )


def local_distance(uow: UnitOfWork, site_id: uuid.UUID) -> int:
    site = uow.session.get(Site, site_id)
    if site is None:
        raise NotFoundError(_("Ce lieu n'existe plus."))
    return site.local_distance_km


@dataclass(frozen=True)
class _Fields:
    name: str
    commune_name: str
    distance_km: int | None
    contact: str
    phone: str
    email: str
    supplies: str


def _check(
    name: str,
    commune_name: str,
    distance_km: int | None,
    contact: str,
    phone: str,
    email: str,
    supplies: str,
) -> _Fields:
    fields = _Fields(
        name=name.strip(),
        commune_name=commune_name.strip(),
        distance_km=distance_km,
        contact=contact.strip(),
        phone=phone.strip(),
        email=email.strip(),
        supplies=supplies.strip(),
    )
    if not fields.name:
        raise ValidationError(_("Nom"), _("le nom du producteur est obligatoire"))
    for label, value, limit in (
        (_("Nom"), fields.name, 120),
        (_("Commune"), fields.commune_name, 120),
        (_("Contact"), fields.contact, 120),
        (_("Téléphone"), fields.phone, 30),
        (_("Courriel"), fields.email, 200),
        (_("Produits fournis"), fields.supplies, 300),
    ):
        if len(value) > limit:
            raise ValidationError(label, _("{n} caractères au plus").format(n=limit))
    if fields.email and "@" not in fields.email:
        raise ValidationError(_("Courriel"), _("adresse invalide"))
    if distance_km is not None and not 0 <= distance_km <= MAX_DISTANCE_KM:
        raise ValidationError(_("Distance"), _("entre 0 et {n} km").format(n=MAX_DISTANCE_KM))
    return fields


class ProducerService:
    def __init__(self, uow: UowFactory) -> None:
        self._uow = uow

    @requires(Permission.SALES)
    def list(self, *, site_id: uuid.UUID, text: str = "") -> list[ProducerInfo]:
        """The site's producers by name; ``text`` keeps those whose name, commune or
        supplies contain every word typed (accents and case ignored)."""
        words = [w for w in normalise(text).split("_") if w]
        with self._uow() as uow:
            threshold = local_distance(uow, site_id)
            rows = uow.session.exec(
                select(Producer).where(Producer.site_id == site_id).order_by(col(Producer.name))
            ).all()
            found = []
            for row in rows:
                if words:
                    haystack = normalise(
                        " ".join((row.name, row.commune_name, row.supplies, row.contact))
                    ).replace("_", " ")
                    if not all(word in haystack for word in words):
                        continue
                found.append(producer_info(row, threshold))
            return found

    @requires(Permission.SALES)
    def get(self, producer_id: uuid.UUID) -> ProducerInfo:
        with self._uow() as uow:
            producer = uow.session.get(Producer, producer_id)
            if producer is None:
                raise NotFoundError(_("Ce producteur n'existe plus."))
            return producer_info(producer, local_distance(uow, producer.site_id))

    @requires(Permission.SETTINGS)
    def create(
        self,
        *,
        site_id: uuid.UUID,
        name: str,
        commune_name: str = "",
        distance_km: int | None = None,
        contact: str = "",
        phone: str = "",
        email: str = "",
        supplies: str = "",
    ) -> ProducerInfo:
        fields = _check(name, commune_name, distance_km, contact, phone, email, supplies)
        with self._uow() as uow:
            threshold = local_distance(uow, site_id)
            producer = Producer(site_id=site_id, **fields.__dict__)
            uow.session.add(producer)
            audit.record(
                uow,
                action=AuditAction.CREATE,
                entity="producer",
                entity_id=producer.id,
                site_id=site_id,
            )
            uow.commit()
            return producer_info(producer, threshold)

    @requires(Permission.SETTINGS)
    def update(
        self,
        producer_id: uuid.UUID,
        *,
        name: str,
        commune_name: str = "",
        distance_km: int | None = None,
        contact: str = "",
        phone: str = "",
        email: str = "",
        supplies: str = "",
    ) -> ProducerInfo:
        """Replace every field of a producer (a form saves all its fields at once)."""
        fields = _check(name, commune_name, distance_km, contact, phone, email, supplies)
        with self._uow() as uow:
            producer = uow.session.get(Producer, producer_id)
            if producer is None:
                raise NotFoundError(_("Ce producteur n'existe plus."))
            changed = sorted(k for k, v in fields.__dict__.items() if getattr(producer, k) != v)
            for key, value in fields.__dict__.items():
                setattr(producer, key, value)
            uow.session.add(producer)
            audit.record(
                uow,
                action=AuditAction.UPDATE,
                entity="producer",
                entity_id=producer.id,
                site_id=producer.site_id,
                details={"fields": changed},
            )
            uow.commit()
            return producer_info(producer, local_distance(uow, producer.site_id))
