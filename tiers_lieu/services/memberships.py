"""Memberships (adhésions) of the association running the place, and renewals due.

A membership runs either for the calendar year of its start or for 12 rolling months; its
fee is paid at once, so the membership and its :class:`Payment` (``membership_id``) are
written in the same transaction: the books never hold a membership without its money or
money without its membership. Renewals due are the people whose latest membership ends
within the coming weeks (or ended recently) and who have not renewed, computed in SQL.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from sqlalchemy import func
from sqlmodel import col, select

from tiers_lieu.db import UowFactory
from tiers_lieu.errors import NotFoundError, ValidationError
from tiers_lieu.i18n import _
from tiers_lieu.models import Membership, Payment, Person
from tiers_lieu.models.enums import AuditAction, PaymentMethod
from tiers_lieu.services import audit
from tiers_lieu.services.access import Permission, requires

MembershipPeriod = Literal["year", "rolling"]


@dataclass(frozen=True)
class MembershipInfo:
    id: uuid.UUID
    person_id: uuid.UUID
    start_date: date
    end_date: date
    fee_cents: int
    paid_cents: int


@dataclass(frozen=True)
class RenewalDue:
    person_id: uuid.UUID
    display_name: str
    end_date: date


def membership_end(start: date, period: MembershipPeriod) -> date:
    """31 December of the start's year, or the day before the same date a year later."""
    if period == "year":
        return date(start.year, 12, 31)
    try:
        return start.replace(year=start.year + 1) - timedelta(days=1)
    except ValueError:  # 29 February
        return date(start.year + 1, 2, 28)


class MembershipService:
    def __init__(self, uow: UowFactory) -> None:
        self._uow = uow

    @requires(Permission.PEOPLE_EDIT)
    def add(
        self,
        *,
        person_id: uuid.UUID,
        start_date: date,
        period: MembershipPeriod,
        fee_cents: int,
        method: PaymentMethod | None,
    ) -> MembershipInfo:
        """Record a membership and, when a fee is paid, its payment, together."""
        if period not in ("year", "rolling"):
            raise ValidationError(_("Durée"), _("année civile ou 12 mois glissants"))
        if fee_cents < 0:
            raise ValidationError(_("Cotisation"), _("le montant ne peut pas être négatif"))
        if fee_cents > 0 and method is None:
            raise ValidationError(_("Paiement"), _("indiquez le moyen de paiement"))
        with self._uow() as uow:
            person = uow.session.get(Person, person_id)
            if person is None or person.anonymized_at is not None or person.merged_into_id:
                raise NotFoundError(_("Cette personne n'existe plus."))
            membership = Membership(
                site_id=person.site_id,
                person_id=person_id,
                start_date=start_date,
                end_date=membership_end(start_date, period),
                fee_cents=fee_cents,
            )
            uow.session.add(membership)
            uow.session.flush()  # no ORM relationship orders the inserts: the payment's key
            if fee_cents > 0 and method is not None:
                uow.session.add(
                    Payment(
                        site_id=person.site_id,
                        amount_cents=fee_cents,
                        method=method,
                        paid_on=start_date,
                        membership_id=membership.id,
                    )
                )
            kinds = {k for k in person.kinds.split(",") if k} | {"adherent"}
            person.kinds = ",".join(sorted(kinds))
            if person.last_activity_on is None or person.last_activity_on < start_date:
                person.last_activity_on = start_date  # retention counts from the last activity
            audit.record(
                uow,
                action=AuditAction.CREATE,
                entity="membership",
                entity_id=membership.id,
                site_id=person.site_id,
            )
            uow.commit()
            return MembershipInfo(
                id=membership.id,
                person_id=person_id,
                start_date=membership.start_date,
                end_date=membership.end_date,
                fee_cents=fee_cents,
                paid_cents=fee_cents if method is not None else 0,
            )

    @requires(Permission.PEOPLE_EDIT)
    def of_person(self, person_id: uuid.UUID) -> list[MembershipInfo]:
        with self._uow() as uow:
            paid = (
                select(func.coalesce(func.sum(Payment.amount_cents), 0))
                .where(col(Payment.membership_id) == Membership.id)
                .scalar_subquery()
            )
            rows = uow.session.exec(
                select(Membership, paid)
                .where(Membership.person_id == person_id)
                .order_by(col(Membership.start_date).desc())
            ).all()
            return [
                MembershipInfo(
                    id=m.id,
                    person_id=m.person_id,
                    start_date=m.start_date,
                    end_date=m.end_date,
                    fee_cents=m.fee_cents,
                    paid_cents=int(p),
                )
                for m, p in rows
            ]

    @requires(Permission.PEOPLE_EDIT)
    def renewals_due(
        self, *, site_id: uuid.UUID, today: date, ahead_days: int = 30, behind_days: int = 90
    ) -> list[RenewalDue]:
        """Members whose latest membership ends in the next ``ahead_days`` days or ended in
        the last ``behind_days`` days, soonest first."""
        with self._uow() as uow:
            latest = (
                select(
                    col(Membership.person_id).label("person_id"),
                    func.max(Membership.end_date).label("end_date"),
                )
                .where(Membership.site_id == site_id)
                .group_by(col(Membership.person_id))
                .subquery()
            )
            rows = uow.session.exec(
                select(Person, latest.c.end_date)
                .join(latest, latest.c.person_id == Person.id)
                .where(
                    latest.c.end_date >= today - timedelta(days=behind_days),
                    latest.c.end_date <= today + timedelta(days=ahead_days),
                    col(Person.anonymized_at).is_(None),
                    col(Person.merged_into_id).is_(None),
                )
                .order_by(latest.c.end_date, col(Person.last_name))
            ).all()
            return [
                RenewalDue(
                    person_id=p.id,
                    display_name=" ".join(x for x in (p.first_name, p.last_name) if x)
                    or p.organisation,
                    end_date=end,
                )
                for p, end in rows
            ]
