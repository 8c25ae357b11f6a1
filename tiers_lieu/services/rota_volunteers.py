"""The volunteers of the rota: who may be put on a shift (people of the register whose kinds
hold ``volunteer``), their usual availability (read and replaced), a person counted among
them, and the lookups of a shift and of a volunteer the rest of
:class:`~tiers_lieu.services.rota.RotaService` shares. :class:`RotaVolunteers` is the base of
that service (one service for the front ends, ``app.rota``)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlmodel import col, select

from tiers_lieu.db import UnitOfWork, UowFactory
from tiers_lieu.errors import NotFoundError, ValidationError
from tiers_lieu.i18n import _
from tiers_lieu.models import Person
from tiers_lieu.models.enums import AuditAction
from tiers_lieu.models.proximity import RotaAvailability, RotaShift
from tiers_lieu.services import audit
from tiers_lieu.services.access import Permission, requires
from tiers_lieu.services.rota_models import (
    VOLUNTEER_KIND,
    AvailabilityRange,
    VolunteerChoice,
    _hours,
    _is_volunteer,
    _name,
    _role,
    _shift_info,
)


class RotaVolunteers:
    """The volunteers, their availability, and the shared lookups of the rota service."""

    _uow: UowFactory

    @requires(Permission.PEOPLE_EDIT)
    def volunteers(
        self, site_id: uuid.UUID, *, shift_id: uuid.UUID | None = None
    ) -> list[VolunteerChoice]:
        """The place's volunteers, by name; for ``shift_id``, those available first."""
        with self._uow(read_only=True) as uow:
            people = [
                p
                for p in uow.session.exec(
                    select(Person).where(
                        Person.site_id == site_id,
                        col(Person.kinds).contains(VOLUNTEER_KIND),
                        col(Person.anonymized_at).is_(None),
                        col(Person.merged_into_id).is_(None),
                    )
                )
                if _is_volunteer(p)
            ]
            ranges: dict[uuid.UUID, list[AvailabilityRange]] = {}
            for a in uow.session.exec(
                select(RotaAvailability)
                .where(RotaAvailability.site_id == site_id)
                .order_by(col(RotaAvailability.weekday), col(RotaAvailability.starts_at))
            ):
                ranges.setdefault(a.person_id, []).append(
                    AvailabilityRange(a.weekday, a.starts_at, a.ends_at, a.role)
                )
            shift = self._shift(uow, shift_id) if shift_id is not None else None
            busy: set[uuid.UUID] = set()
            info = None
            if shift is not None:
                info = _shift_info(shift, None)
                busy = {
                    pid
                    for pid in uow.session.exec(
                        select(RotaShift.person_id).where(
                            RotaShift.site_id == site_id,
                            RotaShift.on_date == shift.on_date,
                            RotaShift.id != shift.id,
                            col(RotaShift.starts_at) < shift.ends_at,
                            col(RotaShift.ends_at) > shift.starts_at,
                        )
                    )
                    if pid is not None
                }
            choices = []
            for p in people:
                own = tuple(ranges.get(p.id, []))
                available = info is not None and any(r.covers(info) for r in own)
                choices.append(VolunteerChoice(p.id, _name(p), available, p.id in busy, own))
        choices.sort(key=lambda c: (not c.available, c.busy_that_day, c.name.casefold()))
        return choices

    @requires(Permission.PEOPLE_EDIT)
    def availability(self, person_id: uuid.UUID) -> list[AvailabilityRange]:
        with self._uow(read_only=True) as uow:
            return [
                AvailabilityRange(a.weekday, a.starts_at, a.ends_at, a.role)
                for a in uow.session.exec(
                    select(RotaAvailability)
                    .where(RotaAvailability.person_id == person_id)
                    .order_by(col(RotaAvailability.weekday), col(RotaAvailability.starts_at))
                )
            ]

    @requires(Permission.PEOPLE_EDIT)
    def set_availability(
        self, site_id: uuid.UUID, person_id: uuid.UUID, ranges: Sequence[AvailabilityRange]
    ) -> list[AvailabilityRange]:
        """Replace the volunteer's usual availability with ``ranges``."""
        if len(ranges) > 50:
            raise ValidationError(_("Disponibilités"), _("50 plages au plus"))
        for r in ranges:
            if not 0 <= r.weekday <= 6:
                raise ValidationError(_("Jour"), _("jour de la semaine inconnu"))
            _hours(r.starts_at, r.ends_at, _("Fin"))
            if r.role:
                _role(r.role)
        with self._uow() as uow:
            self._volunteer(uow, site_id, person_id)
            for old in uow.session.exec(
                select(RotaAvailability).where(RotaAvailability.person_id == person_id)
            ):
                uow.session.delete(old)
            for r in ranges:
                uow.session.add(
                    RotaAvailability(
                        site_id=site_id,
                        person_id=person_id,
                        weekday=r.weekday,
                        starts_at=r.starts_at,
                        ends_at=r.ends_at,
                        role=r.role,
                    )
                )
            audit.record(
                uow,
                action=AuditAction.UPDATE,
                entity="rota_availability",
                entity_id=person_id,
                site_id=site_id,
                details={"availability": len(ranges)},
            )
            uow.commit()
        return sorted(ranges, key=lambda r: (r.weekday, r.starts_at))

    @requires(Permission.PEOPLE_EDIT)
    def add_volunteer(self, site_id: uuid.UUID, person_id: uuid.UUID) -> None:
        """Count a person of the register among the volunteers (adds the kind)."""
        with self._uow() as uow:
            person = uow.session.get(Person, person_id)
            if person is None or person.site_id != site_id or person.anonymized_at is not None:
                raise NotFoundError(_("Cette personne n'existe plus."))
            if _is_volunteer(person):
                return
            kinds = {k for k in person.kinds.split(",") if k} | {VOLUNTEER_KIND}
            person.kinds = ",".join(sorted(kinds))
            uow.session.add(person)
            audit.record(
                uow,
                action=AuditAction.UPDATE,
                entity="person",
                entity_id=person.id,
                site_id=site_id,
                details={"changed": ["kinds"], "volunteer": True},
            )
            uow.commit()

    # -- shared ---------------------------------------------------------------------------
    @staticmethod
    def _shift(uow: UnitOfWork, shift_id: uuid.UUID) -> RotaShift:
        row = uow.session.get(RotaShift, shift_id)
        if row is None:
            raise NotFoundError(_("Ce créneau n'existe plus."))
        return row

    @staticmethod
    def _volunteer(
        uow: UnitOfWork, site_id: uuid.UUID, person_id: uuid.UUID | None
    ) -> Person | None:
        if person_id is None:
            return None
        person = uow.session.get(Person, person_id)
        if person is None or person.site_id != site_id or person.anonymized_at is not None:
            raise NotFoundError(_("Cette personne n'existe plus."))
        if not _is_volunteer(person):
            raise ValidationError(
                _("Bénévole"),
                _("{name} n'est pas inscrit·e comme bénévole").format(name=_name(person)),
            )
        return person
