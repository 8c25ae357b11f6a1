"""Membership receipts (« Reçu de cotisation »): the plain receipt of a membership fee paid,
not numbered by law, each print leaving a RECEIPT line in the till journal (a fee is not a
gift: no tax receipt), and a person's memberships with a fee paid, those a receipt can be
printed for. :class:`MembershipReceipts` is the base of
:class:`~tiers_lieu.services.till.donations.DonationService` (one service for the front
ends, ``app.donations``)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlmodel import col, select

from tiers_lieu.db import UowFactory
from tiers_lieu.errors import NotFoundError, ValidationError
from tiers_lieu.i18n import _
from tiers_lieu.models import Membership, Payment, Person, Site
from tiers_lieu.models.enums import AuditAction, JournalKind
from tiers_lieu.services import audit
from tiers_lieu.services.access import Permission, requires
from tiers_lieu.services.till import billing
from tiers_lieu.services.till.donation_models import _person, _today
from tiers_lieu.services.till.journal import actor_name, append


@dataclass(frozen=True)
class MembershipReceipt:
    """A membership fee paid, as its plain receipt states it."""

    organisation: str
    address: str
    postal_code: str
    city: str
    siren_or_rna: str
    member: str
    start_date: date
    end_date: date
    fee_cents: int
    paid_cents: int
    payments: tuple[tuple[date, str, int], ...]
    """(date, method, amount) of each payment."""
    issued_on: date
    signatory_name: str


class MembershipReceipts:
    """Membership receipts, and the memberships a receipt can be printed for."""

    _uow: UowFactory

    # -- membership receipts --------------------------------------------------------------
    @requires(Permission.BILLING)
    def membership_receipt(self, membership_id: uuid.UUID) -> MembershipReceipt:
        """The receipt of a membership fee, leaving a RECEIPT line in the journal (a fee is
        not a gift: no tax receipt)."""
        with self._uow() as uow:
            membership = uow.session.exec(
                select(Membership).where(col(Membership.id) == membership_id)
            ).first()
            if membership is None:
                raise NotFoundError(_("Cette adhésion n'existe plus."))
            site_id = membership.site_id
            person = uow.session.get(Person, membership.person_id)
            if person is None or person.anonymized_at is not None:
                raise NotFoundError(_("Cette personne n'existe plus."))
            payments = uow.session.exec(
                select(Payment)
                .where(col(Payment.membership_id) == membership.id)
                .order_by(col(Payment.paid_on))
            ).all()
            paid = sum(p.amount_cents for p in payments)
            if paid <= 0:
                raise ValidationError(
                    _("Cotisation"), _("aucun paiement enregistré pour cette adhésion")
                )
            settings = billing.load(uow.session, site_id)
            site = uow.session.get(Site, site_id)
            signatory = actor_name(uow)
            receipt = MembershipReceipt(
                organisation=settings.legal_name or (site.name if site else ""),
                address=settings.address or (site.address if site else ""),
                postal_code=settings.postal_code,
                city=settings.city or (site.commune_name if site else ""),
                siren_or_rna=settings.rna or settings.siret,
                member=" ".join(p for p in (person.first_name, person.last_name) if p)
                or person.organisation,
                start_date=membership.start_date,
                end_date=membership.end_date,
                fee_cents=membership.fee_cents,
                paid_cents=paid,
                payments=tuple((p.paid_on, p.method, p.amount_cents) for p in payments),
                issued_on=_today(uow, site_id),
                signatory_name=signatory,
            )
            append(
                uow,
                site_id=site_id,
                kind=JournalKind.RECEIPT,
                payload={
                    "membership": str(membership.id),
                    "member": receipt.member,
                    "start": receipt.start_date.isoformat(),
                    "end": receipt.end_date.isoformat(),
                    "fee_cents": receipt.fee_cents,
                    "paid_cents": paid,
                    "issued_on": receipt.issued_on.isoformat(),
                },
                ref_id=membership.id,
                amount_cents=paid,
            )
            audit.record(
                uow,
                action=AuditAction.EXPORT,
                entity="membership",
                entity_id=membership.id,
                site_id=site_id,
                details={"receipt": "membership"},
            )
            uow.commit()
            return receipt

    @requires(Permission.BILLING)
    def memberships_paid(self, site_id: uuid.UUID, person_id: uuid.UUID) -> list[MembershipPaid]:
        """A person's memberships with a fee paid, latest first (what a receipt can be
        printed for)."""
        with self._uow(read_only=True) as uow:
            _person(uow, site_id, person_id)
            paid = (
                select(func.coalesce(func.sum(Payment.amount_cents), 0))
                .where(col(Payment.membership_id) == Membership.id)
                .scalar_subquery()
            )
            rows = uow.session.exec(
                select(Membership, paid)
                .where(col(Membership.person_id) == person_id)
                .order_by(col(Membership.start_date).desc())
                .limit(100)
            ).all()
            return [
                MembershipPaid(m.id, m.start_date, m.end_date, m.fee_cents, int(p))
                for m, p in rows
                if int(p) > 0
            ]


@dataclass(frozen=True)
class MembershipPaid:
    id: uuid.UUID
    start_date: date
    end_date: date
    fee_cents: int
    paid_cents: int
