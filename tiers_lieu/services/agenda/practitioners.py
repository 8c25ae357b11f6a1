"""Visiting practitioners (nurse, social worker, physiotherapist…): who they are and how
to reach them; their presence is a permanence (:mod:`.permanences`).
"""

from __future__ import annotations

import uuid

from sqlmodel import col, select

from tiers_lieu.db import UowFactory
from tiers_lieu.errors import NotFoundError, ValidationError
from tiers_lieu.i18n import _, ngettext
from tiers_lieu.models import (
    Practitioner,
)
from tiers_lieu.models.enums import AuditAction
from tiers_lieu.services import audit
from tiers_lieu.services.access import Permission, in_place, requires
from tiers_lieu.services.agenda.readmodels import (
    PractitionerInfo,
)
from tiers_lieu.services.agenda.slots import practitioner_info


def check_text(value: str, field: str, limit: int, *, required: bool = False) -> str:
    value = value.strip()
    if required and not value:
        raise ValidationError(field, _("ce champ est obligatoire"))
    if len(value) > limit:
        raise ValidationError(
            field,
            ngettext("{n} caractère au plus", "{n} caractères au plus", limit).format(n=limit),
        )
    return value


class PractitionerService:
    def __init__(self, uow: UowFactory) -> None:
        self._uow = uow

    @in_place
    def list(self, site_id: uuid.UUID) -> list[PractitionerInfo]:
        with self._uow() as uow:
            rows = uow.session.exec(
                select(Practitioner)
                .where(Practitioner.site_id == site_id)
                .order_by(col(Practitioner.name))
            )
            return [practitioner_info(p) for p in rows]

    def get(self, practitioner_id: uuid.UUID) -> PractitionerInfo:
        with self._uow() as uow:
            row = uow.session.get(Practitioner, practitioner_id)
            if row is None:
                raise NotFoundError(_("Ce praticien n'existe plus."))
            return practitioner_info(row)

    @requires(Permission.SETTINGS)
    def create(
        self,
        *,
        site_id: uuid.UUID,
        name: str,
        profession: str,
        specialty: str = "",
        organisation: str = "",
        phone: str = "",
        email: str = "",
    ) -> PractitionerInfo:
        return self._save(None, site_id, name, profession, specialty, organisation, phone, email)

    @requires(Permission.SETTINGS)
    def update(
        self,
        practitioner_id: uuid.UUID,
        *,
        name: str,
        profession: str,
        specialty: str = "",
        organisation: str = "",
        phone: str = "",
        email: str = "",
    ) -> PractitionerInfo:
        return self._save(
            practitioner_id, None, name, profession, specialty, organisation, phone, email
        )

    def _save(
        self,
        practitioner_id: uuid.UUID | None,
        site_id: uuid.UUID | None,
        name: str,
        profession: str,
        specialty: str,
        organisation: str,
        phone: str,
        email: str,
    ) -> PractitionerInfo:
        values = {
            "name": check_text(name, _("Nom"), 120, required=True),
            "profession": check_text(profession, _("Profession"), 80, required=True),
            "specialty": check_text(specialty, _("Spécialité"), 80),
            "organisation": check_text(organisation, _("Structure"), 120),
            "phone": check_text(phone, _("Téléphone"), 30),
            "email": check_text(email, _("Courriel"), 200),
        }
        with self._uow() as uow:
            if practitioner_id is None:
                assert site_id is not None
                row = Practitioner.model_validate({"site_id": site_id, **values})
                uow.session.add(row)
                action = AuditAction.CREATE
            else:
                found = uow.session.get(Practitioner, practitioner_id)
                if found is None:
                    raise NotFoundError(_("Ce praticien n'existe plus."))
                row = found
                for key, value in values.items():
                    setattr(row, key, value)
                action = AuditAction.UPDATE
            audit.record(
                uow,
                action=action,
                entity="practitioner",
                entity_id=row.id,
                site_id=row.site_id,
            )
            uow.commit()
            return practitioner_info(row)
