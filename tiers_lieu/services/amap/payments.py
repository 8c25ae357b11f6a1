"""Payments of AMAP subscriptions: each instalment ticked when received (cheque with its
number, or another way) and received cheques marked as handed to the producer.

The schedule itself is generated with the subscription (:mod:`.subscriptions`); this module
only follows the money. A cheque handed to the producer can no longer be unticked.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import col, select

from tiers_lieu.db import UnitOfWork, UowFactory
from tiers_lieu.errors import ConflictError, NotFoundError, ValidationError
from tiers_lieu.i18n import _
from tiers_lieu.models import AmapInstalment, Person, utcnow
from tiers_lieu.models.enums import AuditAction, PaymentMethod
from tiers_lieu.services import audit
from tiers_lieu.services.access import Permission, requires
from tiers_lieu.services.amap.common import get_subscription
from tiers_lieu.services.amap.pickups import household_name


@dataclass(frozen=True)
class InstalmentInfo:
    id: uuid.UUID
    subscription_id: uuid.UUID
    household: str
    due_date: date
    amount_cents: int
    method: str
    cheque_number: str
    received_at: datetime | None
    handed_to_producer_at: datetime | None


class PaymentService:
    def __init__(self, uow: UowFactory) -> None:
        self._uow = uow

    @requires(Permission.AMAP)
    def instalments(self, *, subscription_id: uuid.UUID) -> list[InstalmentInfo]:
        with self._uow() as uow:
            sub = get_subscription(uow, subscription_id)
            person = uow.session.get(Person, sub.person_id)
            name = household_name(person) if person else ""
            rows = uow.session.exec(
                select(AmapInstalment)
                .where(AmapInstalment.subscription_id == subscription_id)
                .order_by(col(AmapInstalment.due_date))
            ).all()
            return [_instalment_info(i, name) for i in rows]

    @requires(Permission.AMAP)
    def record_payment(
        self,
        *,
        instalment_id: uuid.UUID,
        received: bool = True,
        method: str = PaymentMethod.CHEQUE,
        cheque_number: str = "",
    ) -> InstalmentInfo:
        """Tick an instalment as received (by cheque, with its number, or another way), or
        untick it when ticked by mistake."""
        if method not in {m.value for m in PaymentMethod}:
            raise ValidationError(_("Moyen de paiement"), _("moyen inconnu"))
        number = cheque_number.strip()
        if len(number) > 30:
            raise ValidationError(_("Numéro de chèque"), _("{n} caractères au plus").format(n=30))
        with self._uow() as uow:
            row = _get_instalment(uow, instalment_id)
            if not received and row.handed_to_producer_at is not None:
                raise ConflictError(_("Ce chèque a déjà été remis au producteur."))
            row.received_at = utcnow() if received else None
            row.method = method
            row.cheque_number = number if method == PaymentMethod.CHEQUE else ""
            audit.record(
                uow,
                action=AuditAction.UPDATE,
                entity="amap_instalment",
                entity_id=row.id,
                site_id=row.site_id,
                details={"received": received, "method": method},
            )
            uow.commit()
            return self._instalment(uow, row)

    @requires(Permission.AMAP)
    def hand_to_producer(self, *, instalment_ids: Sequence[uuid.UUID]) -> int:
        """Mark received instalments as handed to the producer; returns how many were."""
        with self._uow() as uow:
            rows = uow.session.exec(
                select(AmapInstalment).where(col(AmapInstalment.id).in_(list(instalment_ids)))
            ).all()
            pending = [r for r in rows if r.received_at is None]
            if pending:
                raise ConflictError(_("Un paiement non reçu ne peut pas être remis au producteur."))
            now = utcnow()
            handed = [r for r in rows if r.handed_to_producer_at is None]
            for row in handed:
                row.handed_to_producer_at = now
                audit.record(
                    uow,
                    action=AuditAction.UPDATE,
                    entity="amap_instalment",
                    entity_id=row.id,
                    site_id=row.site_id,
                    details={"handed_to_producer": True},
                )
            uow.commit()
            return len(handed)

    @staticmethod
    def _instalment(uow: UnitOfWork, row: AmapInstalment) -> InstalmentInfo:
        sub = get_subscription(uow, row.subscription_id)
        person = uow.session.get(Person, sub.person_id)
        return _instalment_info(row, household_name(person) if person else "")


def _get_instalment(uow: UnitOfWork, instalment_id: uuid.UUID) -> AmapInstalment:
    row = uow.session.get(AmapInstalment, instalment_id)
    if row is None:
        raise NotFoundError(_("Cette échéance n'existe plus."))
    return row


def _instalment_info(row: AmapInstalment, household: str) -> InstalmentInfo:
    return InstalmentInfo(
        id=row.id,
        subscription_id=row.subscription_id,
        household=household,
        due_date=row.due_date,
        amount_cents=row.amount_cents,
        method=row.method,
        cheque_number=row.cheque_number,
        received_at=row.received_at,
        handed_to_producer_at=row.handed_to_producer_at,
    )
