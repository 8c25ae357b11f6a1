"""One distribution's sheet: who collects what, and what became of each basket.

The sheet lists the households subscribed on that day (active subscriptions already started,
plus anyone with a pick-up already noted there, so a past sheet stays whole after a household
left). It is read in four queries whatever the number of households, because the desk opens it
while people queue. A basket collected by the household also counts a visit to the AMAP
service (the person came to the place), removed again if the tick is corrected.

Absences are declared in advance up to the contract's ``max_absences``; beyond, the service
refuses with a French message. Outcomes other than an absence can only be noted once the
distribution has taken place (today or earlier).
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import date, time

from sqlmodel import col, func, or_, select

from tiers_lieu.db import UnitOfWork, UowFactory
from tiers_lieu.errors import ConflictError, ValidationError
from tiers_lieu.i18n import _, format_date, ngettext
from tiers_lieu.models import (
    AmapContract,
    AmapSubscription,
    BasketType,
    Distribution,
    Person,
    Pickup,
    Producer,
    Service,
    Visit,
    utcnow,
)
from tiers_lieu.models.enums import (
    AuditAction,
    PickupStatus,
    ServiceKind,
    SubscriptionStatus,
    VisitSource,
)
from tiers_lieu.services import audit
from tiers_lieu.services.access import Permission, requires
from tiers_lieu.services.amap.common import get_contract, get_distribution, get_subscription
from tiers_lieu.services.sites import site_now


@dataclass(frozen=True)
class SheetLine:
    subscription_id: uuid.UUID
    person_id: uuid.UUID
    household: str
    phone: str
    basket_name: str
    quantity: int
    solidarity: bool
    status: str
    collected_by: str
    absences_used: int


@dataclass(frozen=True)
class DistributionSheet:
    distribution_id: uuid.UUID
    contract_id: uuid.UUID
    contract_name: str
    producer_name: str
    on_date: date
    start_time: time
    end_time: time
    cancelled: bool
    note: str
    max_absences: int
    lines: tuple[SheetLine, ...]

    def count(self, *statuses: str) -> int:
        """Baskets (quantities) whose status is one of ``statuses``."""
        return sum(line.quantity for line in self.lines if line.status in statuses)

    @property
    def baskets(self) -> int:
        return sum(line.quantity for line in self.lines)

    def to_prepare(self) -> list[tuple[str, int]]:
        """Baskets to prepare per type: every household except those absent."""
        counts: Counter[str] = Counter()
        for line in self.lines:
            if line.status != PickupStatus.ABSENT:
                counts[line.basket_name] += line.quantity
        return sorted(counts.items())


def household_name(person: Person) -> str:
    name = " ".join(p for p in (person.last_name.upper(), person.first_name) if p)
    return name or person.organisation


def _absences(uow: UnitOfWork, subscription_ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    if not subscription_ids:
        return {}
    rows = uow.session.exec(
        select(Pickup.subscription_id, func.count())
        .where(
            col(Pickup.subscription_id).in_(subscription_ids),
            Pickup.status == PickupStatus.ABSENT,
        )
        .group_by(col(Pickup.subscription_id))
    ).all()
    return dict(rows)


class PickupService:
    def __init__(self, uow: UowFactory) -> None:
        self._uow = uow

    @requires(Permission.DESK)
    def sheet(self, *, distribution_id: uuid.UUID) -> DistributionSheet:
        with self._uow() as uow:
            return self._sheet(uow, distribution_id)

    @requires(Permission.DESK)
    def set_status(
        self,
        *,
        distribution_id: uuid.UUID,
        subscription_id: uuid.UUID,
        status: str,
        collected_by: str = "",
    ) -> SheetLine:
        """Note what became of one household's basket; returns its updated sheet line."""
        if status not in {s.value for s in PickupStatus}:
            raise ValidationError(_("Retrait"), _("statut inconnu"))
        collected_by = collected_by.strip()
        if status == PickupStatus.GIVEN and not collected_by:
            raise ValidationError(_("Retiré par"), _("indiquez qui a pris le panier"))
        if len(collected_by) > 120:
            raise ValidationError(_("Retiré par"), _("{n} caractères au plus").format(n=120))
        with self._uow() as uow:
            distribution = get_distribution(uow, distribution_id)
            subscription = get_subscription(uow, subscription_id)
            contract = get_contract(uow, distribution.contract_id)
            if subscription.contract_id != contract.id:
                raise ConflictError(_("Ce foyer n'est pas abonné à ce contrat."))
            if distribution.cancelled:
                raise ConflictError(_("Cette distribution est annulée : rien à noter."))
            today = site_now(uow, distribution.site_id).date()
            done_later = status not in (PickupStatus.EXPECTED, PickupStatus.ABSENT)
            if done_later and distribution.on_date > today:
                raise ConflictError(
                    _(
                        "La distribution du {day} n'a pas encore eu lieu : seule une absence "
                        "peut être notée à l'avance."
                    ).format(day=format_date(distribution.on_date))
                )
            pickup = uow.session.exec(
                select(Pickup).where(
                    Pickup.distribution_id == distribution_id,
                    Pickup.subscription_id == subscription_id,
                )
            ).first()
            previous = pickup.status if pickup is not None else PickupStatus.EXPECTED
            if status == PickupStatus.ABSENT and previous != PickupStatus.ABSENT:
                used = _absences(uow, [subscription_id]).get(subscription_id, 0)
                if contract.max_absences == 0:
                    raise ConflictError(
                        _(
                            "Absence refusée : le contrat « {contract} » ne prévoit aucune absence."
                        ).format(contract=contract.name)
                    )
                if used >= contract.max_absences:
                    raise ConflictError(
                        ngettext(
                            "Absence refusée : le contrat « {contract} » prévoit {max} absence "
                            "au plus, et ce foyer l'a déjà déclarée.",
                            "Absence refusée : le contrat « {contract} » prévoit {max} absences "
                            "au plus, et ce foyer les a déjà toutes déclarées.",
                            contract.max_absences,
                        ).format(max=contract.max_absences, contract=contract.name)
                    )
            if pickup is None:
                pickup = Pickup(
                    site_id=distribution.site_id,
                    distribution_id=distribution_id,
                    subscription_id=subscription_id,
                )
                uow.session.add(pickup)
            pickup.status = status
            pickup.collected_by = collected_by if status == PickupStatus.GIVEN else ""
            picked = status in (PickupStatus.COLLECTED, PickupStatus.GIVEN)
            pickup.collected_at = utcnow() if picked else None
            if previous != status:
                self._mirror_visit(uow, distribution, subscription.person_id, previous, status)
            audit.record(
                uow,
                action=AuditAction.UPDATE,
                entity="pickup",
                entity_id=pickup.id,
                site_id=distribution.site_id,
                details={"from": previous, "to": status},
            )
            uow.commit()
            sheet = self._sheet(uow, distribution_id, only=subscription_id)
            return sheet.lines[0]

    @staticmethod
    def _mirror_visit(
        uow: UnitOfWork,
        distribution: Distribution,
        person_id: uuid.UUID,
        previous: str,
        status: str,
    ) -> None:
        """A household collecting its basket came to the place: count the visit once."""
        service_id = uow.session.exec(
            select(Service.id)
            .where(
                Service.site_id == distribution.site_id,
                Service.kind == ServiceKind.AMAP,
                col(Service.active).is_(True),
            )
            .order_by(col(Service.position))
        ).first()
        if service_id is None:
            return
        if status == PickupStatus.COLLECTED:
            person = uow.session.get(Person, person_id)
            uow.session.add(
                Visit(
                    site_id=distribution.site_id,
                    service_id=service_id,
                    activity_date=distribution.on_date,
                    count=1,
                    person_id=person_id,
                    commune_id=person.commune_id if person else None,
                    age_band_id=person.age_band_id if person else None,
                    gender_id=person.gender_id if person else None,
                    status_id=person.status_id if person else None,
                    source=VisitSource.DESK,
                )
            )
        elif previous == PickupStatus.COLLECTED:
            visit = uow.session.exec(
                select(Visit).where(
                    Visit.site_id == distribution.site_id,
                    Visit.service_id == service_id,
                    Visit.activity_date == distribution.on_date,
                    Visit.person_id == person_id,
                    Visit.source == VisitSource.DESK,
                )
            ).first()
            if visit is not None:
                uow.session.delete(visit)

    @staticmethod
    def _sheet(
        uow: UnitOfWork, distribution_id: uuid.UUID, only: uuid.UUID | None = None
    ) -> DistributionSheet:
        distribution = get_distribution(uow, distribution_id)
        contract = uow.session.get(AmapContract, distribution.contract_id)
        assert contract is not None
        producer = uow.session.get(Producer, contract.producer_id)
        query = (
            select(AmapSubscription, Person, BasketType, Pickup)
            .join(Person, col(Person.id) == AmapSubscription.person_id)
            .join(BasketType, col(BasketType.id) == AmapSubscription.basket_type_id)
            .outerjoin(
                Pickup,
                (col(Pickup.subscription_id) == AmapSubscription.id)
                & (col(Pickup.distribution_id) == distribution.id),
            )
            .where(
                AmapSubscription.contract_id == contract.id,
                or_(
                    col(Pickup.id).is_not(None),
                    (col(AmapSubscription.status) == SubscriptionStatus.ACTIVE)
                    & (col(AmapSubscription.start_date) <= distribution.on_date),
                ),
            )
            .order_by(col(Person.last_name), col(Person.first_name))
        )
        if only is not None:
            query = query.where(AmapSubscription.id == only)
        rows = uow.session.exec(query).all()
        absences = _absences(uow, [s.id for s, *_rest in rows])
        # The volunteer handing baskets needs the names, not the phone numbers.
        contacts = uow.access is None or uow.access.allows(Permission.PEOPLE_EDIT)
        lines = tuple(
            SheetLine(
                subscription_id=s.id,
                person_id=p.id,
                household=household_name(p),
                phone=p.phone if contacts else "",
                basket_name=b.name,
                quantity=s.quantity,
                solidarity=s.solidarity,
                status=k.status if k is not None else PickupStatus.EXPECTED,
                collected_by=k.collected_by if k is not None else "",
                absences_used=absences.get(s.id, 0),
            )
            for s, p, b, k in rows
        )
        return DistributionSheet(
            distribution_id=distribution.id,
            contract_id=contract.id,
            contract_name=contract.name,
            producer_name=producer.name if producer else "",
            on_date=distribution.on_date,
            start_time=distribution.start_time,
            end_time=distribution.end_time,
            cancelled=distribution.cancelled,
            note=distribution.note,
            max_absences=contract.max_absences,
            lines=lines,
        )
