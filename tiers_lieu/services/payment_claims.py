"""The payment claims (demandes de paiement) of a place's LEADER operation: each a number
and the period it covers, chosen for a report's cover page and the claim pack. Added,
corrected (a number mistyped, a period moved) or deleted from Rapports › Opération LEADER;
a number is unique within its operation. Part of ``app.organisation``
(:class:`~tiers_lieu.services.organisation.OrganisationService` mixes it in).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlmodel import col, select

from tiers_lieu.db import UnitOfWork, UowFactory
from tiers_lieu.errors import ConflictError, NotFoundError, ValidationError
from tiers_lieu.i18n import _
from tiers_lieu.models import Operation, PaymentClaim
from tiers_lieu.models.enums import AuditAction
from tiers_lieu.services import audit
from tiers_lieu.services.access import Permission, requires
from tiers_lieu.services.lookups import get_or_gone
from tiers_lieu.validation import check_text

NUMBER_MAX = 40


@dataclass(frozen=True)
class ClaimInfo:
    id: uuid.UUID
    operation_id: uuid.UUID
    number: str
    period_start: date
    period_end: date


def _info(row: PaymentClaim) -> ClaimInfo:
    return ClaimInfo(row.id, row.operation_id, row.number, row.period_start, row.period_end)


def _checked(number: str, period_start: date, period_end: date) -> str:
    number = check_text(_("Numéro de la demande"), (number or "").strip(), NUMBER_MAX)
    if not number:
        raise ValidationError(_("Numéro de la demande"), _("ce champ est obligatoire"))
    if period_end < period_start:
        raise ValidationError(_("Fin de la période"), _("la fin précède le début"))
    return number


class PaymentClaims:
    """The claims part of the organisation service."""

    _uow: UowFactory

    @requires(Permission.REPORTS)
    def list_claims(self, site_id: uuid.UUID) -> list[ClaimInfo]:
        with self._uow() as uow:
            rows = uow.session.exec(
                select(PaymentClaim)
                .where(PaymentClaim.site_id == site_id)
                .order_by(col(PaymentClaim.period_start), col(PaymentClaim.number))
            )
            return [_info(r) for r in rows]

    @requires(Permission.REPORTS)
    def add_claim(
        self,
        site_id: uuid.UUID,
        *,
        number: str,
        period_start: date,
        period_end: date,
    ) -> ClaimInfo:
        """A payment claim of the site's operation, with the period it covers."""
        number = _checked(number, period_start, period_end)
        with self._uow() as uow:
            operation = self._current_operation(uow, site_id)
            if operation is None:
                raise NotFoundError(
                    _("Enregistrez d'abord l'opération (dossier LEADER) de ce lieu.")
                )
            _refuse_taken(uow, operation.id, number, None)
            row = PaymentClaim(
                site_id=site_id,
                operation_id=operation.id,
                number=number,
                period_start=period_start,
                period_end=period_end,
            )
            uow.session.add(row)
            uow.session.flush()
            _audit(uow, AuditAction.CREATE, row)
            uow.commit()
            return _info(row)

    @requires(Permission.REPORTS)
    def update_claim(
        self, claim_id: uuid.UUID, *, number: str, period_start: date, period_end: date
    ) -> ClaimInfo:
        """Correct a claim's number or period (the reports made with it keep what they say)."""
        number = _checked(number, period_start, period_end)
        with self._uow() as uow:
            row = get_or_gone(uow, PaymentClaim, claim_id, _gone())
            _refuse_taken(uow, row.operation_id, number, row.id)
            row.number, row.period_start, row.period_end = number, period_start, period_end
            _audit(uow, AuditAction.UPDATE, row)
            uow.commit()
            return _info(row)

    @requires(Permission.REPORTS)
    def delete_claim(self, claim_id: uuid.UUID) -> ClaimInfo:
        """Delete a claim entered by mistake; returns what it was."""
        with self._uow() as uow:
            row = get_or_gone(uow, PaymentClaim, claim_id, _gone())
            info = _info(row)
            uow.session.delete(row)
            _audit(uow, AuditAction.DELETE, row)
            uow.commit()
            return info

    @staticmethod
    def _current_operation(uow: UnitOfWork, site_id: uuid.UUID) -> Operation | None:
        """The place's operation (the latest recorded), which new claims belong to."""
        return uow.session.exec(
            select(Operation)
            .where(Operation.site_id == site_id)
            .order_by(col(Operation.created_at).desc())
        ).first()


def _gone() -> str:
    return _("Cette demande de paiement n'existe plus.")


def _refuse_taken(
    uow: UnitOfWork, operation_id: uuid.UUID, number: str, itself: uuid.UUID | None
) -> None:
    taken = uow.session.exec(
        select(PaymentClaim.id).where(
            PaymentClaim.operation_id == operation_id,
            PaymentClaim.number == number,
            PaymentClaim.id != itself if itself is not None else True,  # type: ignore[arg-type]
        )
    ).first()
    if taken is not None:
        raise ConflictError(
            _("Une demande de paiement porte déjà le numéro « {number} ».").format(number=number)
        )


def _audit(uow: UnitOfWork, action: AuditAction, row: PaymentClaim) -> None:
    audit.record(uow, action=action, entity="payment_claim", entity_id=row.id, site_id=row.site_id)
