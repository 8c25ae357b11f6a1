"""Coworking passes: what is offered (day, half-day, 10-pass card, monthly subscription),
what a member bought and paid, and what they have left.

A pass's balance is its units minus its uses, summed in SQL; a check-in takes one unit of
the person's valid pass that ends soonest (:func:`consume`) in the check-in's transaction. A
sale writes the pass and its payment together. A monthly pass is valid for a month from its
first day (1 March to 31 March; 15 March to 14 April); a day or half-day pass for its day.
"""

from __future__ import annotations

import calendar as month_calendar
import uuid
from datetime import date, timedelta

from sqlmodel import col, func, or_, select

from tiers_lieu.db import UnitOfWork, UowFactory
from tiers_lieu.errors import NotFoundError, ValidationError
from tiers_lieu.i18n import _, place_today
from tiers_lieu.models import CoworkingPass, PassType, PassUse, Payment, Person
from tiers_lieu.models.enums import AuditAction, PassKind, PaymentMethod
from tiers_lieu.services import audit
from tiers_lieu.services.access import Permission, in_place, requires
from tiers_lieu.services.agenda.readmodels import (
    PassHistory,
    PassInfo,
    PassTypeInfo,
    PassUseInfo,
)
from tiers_lieu.services.sites import site_zone


def type_info(t: PassType) -> PassTypeInfo:
    return PassTypeInfo(
        t.id, t.site_id, t.name, t.kind, t.price_cents, t.units, t.validity_days, t.active
    )


def month_later(day: date) -> date:
    """The day before the same date next month (clamped to the month's last day)."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    last = month_calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last)) - timedelta(days=1)


def valid_until(kind: str, valid_from: date, validity_days: int | None) -> date | None:
    if kind in (PassKind.DAY, PassKind.HALF_DAY):
        return valid_from
    if kind == PassKind.MONTHLY:
        return month_later(valid_from)
    if validity_days is None:
        return None
    return valid_from + timedelta(days=validity_days - 1)


def _used(uow: UnitOfWork, pass_ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    if not pass_ids:
        return {}
    rows = uow.session.exec(
        select(PassUse.pass_id, func.sum(PassUse.units))
        .where(col(PassUse.pass_id).in_(pass_ids))
        .group_by(col(PassUse.pass_id))
    )
    return {pid: int(total or 0) for pid, total in rows}


def _person_today(uow: UnitOfWork, person_id: uuid.UUID) -> date:
    """Today at the person's place (their passes are valid by the place's calendar)."""
    person = uow.session.get(Person, person_id)
    if person is None:
        raise NotFoundError(_("Cette personne n'existe pas dans ce lieu."))
    return place_today(site_zone(uow, person.site_id))


def _passes(uow: UnitOfWork, person_id: uuid.UUID) -> list[PassInfo]:
    rows = uow.session.exec(
        select(CoworkingPass, PassType)
        .join(PassType, col(PassType.id) == col(CoworkingPass.pass_type_id))
        .where(CoworkingPass.person_id == person_id)
        .order_by(col(CoworkingPass.purchased_on).desc(), col(CoworkingPass.created_at).desc())
    ).all()
    used = _used(uow, [p.id for p, _t in rows])
    methods = dict(
        uow.session.exec(
            select(Payment.pass_id, Payment.method).where(
                col(Payment.pass_id).in_([p.id for p, _t in rows])
            )
        ).all()
    )
    return [
        PassInfo(
            id=p.id,
            pass_type_id=t.id,
            type_name=t.name,
            kind=t.kind,
            person_id=p.person_id,
            purchased_on=p.purchased_on,
            valid_from=p.valid_from,
            valid_until=p.valid_until,
            units_total=p.units_total,
            units_used=used.get(p.id, 0),
            price_cents=p.price_cents,
            payment_method=methods.get(p.id),
        )
        for p, t in rows
    ]


def consume(
    uow: UnitOfWork, person_id: uuid.UUID, day: date, booking_id: uuid.UUID | None
) -> tuple[uuid.UUID, int] | None:
    """Take one unit of the person's pass valid on ``day`` that ends soonest; return the
    pass and its balance afterwards, or None when the person holds no valid pass."""
    candidates = uow.session.exec(
        select(CoworkingPass)
        .where(
            CoworkingPass.person_id == person_id,
            col(CoworkingPass.valid_from) <= day,
            or_(col(CoworkingPass.valid_until).is_(None), col(CoworkingPass.valid_until) >= day),
        )
        .order_by(
            col(CoworkingPass.valid_until).is_(None),
            col(CoworkingPass.valid_until),
            col(CoworkingPass.purchased_on),
        )
    ).all()
    used = _used(uow, [p.id for p in candidates])
    for held in candidates:
        left = held.units_total - used.get(held.id, 0)
        if left > 0:
            uow.session.add(
                PassUse(site_id=held.site_id, pass_id=held.id, booking_id=booking_id, used_on=day)
            )
            return held.id, left - 1
    return None


def _checked_type(name: str, price_cents: int, units: int, validity_days: int | None) -> str:
    """An offer's name (trimmed) once its figures are within bounds."""
    name = name.strip()
    if not name or len(name) > 80:
        raise ValidationError(_("Nom"), _("entre 1 et 80 caractères"))
    if not 0 <= price_cents <= 10_000_000:
        raise ValidationError(_("Prix"), _("montant invalide"))
    if not 1 <= units <= 1000:
        raise ValidationError(_("Unités"), _("entre 1 et 1000"))
    if validity_days is not None and not 1 <= validity_days <= 3660:
        raise ValidationError(_("Validité"), _("entre 1 et 3660 jours"))
    return name


class PassService:
    def __init__(self, uow: UowFactory) -> None:
        self._uow = uow

    @in_place
    def list_types(
        self, site_id: uuid.UUID, *, include_inactive: bool = False
    ) -> list[PassTypeInfo]:
        with self._uow() as uow:
            query = select(PassType).where(PassType.site_id == site_id)
            if not include_inactive:
                query = query.where(col(PassType.active).is_(True))
            return [
                type_info(t) for t in uow.session.exec(query.order_by(col(PassType.price_cents)))
            ]

    @requires(Permission.SETTINGS)
    def create_type(
        self,
        *,
        site_id: uuid.UUID,
        name: str,
        kind: str,
        price_cents: int,
        units: int | None = None,
        validity_days: int | None = None,
    ) -> PassTypeInfo:
        """An offer; ``units`` defaults to 10 for a 10-pass card, else 1 (a monthly pass
        counts a unit per day of use, without limit but its month)."""
        if kind not in {k.value for k in PassKind}:
            raise ValidationError(_("Type"), _("type de formule inconnu"))
        if units is None:
            units = {PassKind.TEN_PASS: 10, PassKind.MONTHLY: 31}.get(PassKind(kind), 1)
        name = _checked_type(name, price_cents, units, validity_days)
        with self._uow() as uow:
            row = PassType(
                site_id=site_id,
                name=name,
                kind=kind,
                price_cents=price_cents,
                units=units,
                validity_days=validity_days,
            )
            uow.session.add(row)
            audit.record(
                uow,
                action=AuditAction.CREATE,
                entity="pass_type",
                entity_id=row.id,
                site_id=site_id,
            )
            uow.commit()
            return type_info(row)

    @requires(Permission.SETTINGS)
    def update_type(
        self,
        pass_type_id: uuid.UUID,
        *,
        name: str,
        price_cents: int,
        units: int,
        validity_days: int | None,
        active: bool = True,
    ) -> PassTypeInfo:
        """Correct an offer (its kind stays): the passes sold keep the price, units and
        validity they were sold with; a deactivated offer is no longer sold."""
        name = _checked_type(name, price_cents, units, validity_days)
        with self._uow() as uow:
            row = uow.session.get(PassType, pass_type_id)
            if row is None:
                raise NotFoundError(_("Cette formule n'existe plus."))
            values = {
                "name": name,
                "price_cents": price_cents,
                "units": units,
                "validity_days": validity_days,
                "active": active,
            }
            audit.record_changes(uow, row, values, entity="pass_type")
            uow.commit()
            return type_info(row)

    @requires(Permission.BOOKINGS)
    def sell(
        self,
        *,
        site_id: uuid.UUID,
        person_id: uuid.UUID,
        pass_type_id: uuid.UUID,
        method: str,
        paid_on: date | None = None,
        valid_from: date | None = None,
        reference: str = "",
    ) -> PassInfo:
        """Sell a pass to a person and record its payment, in one transaction."""
        if method not in {m.value for m in PaymentMethod}:
            raise ValidationError(_("Paiement"), _("moyen de paiement inconnu"))
        if len(reference) > 60:
            raise ValidationError(_("Référence"), _("60 caractères au plus"))
        with self._uow() as uow:
            paid_on = paid_on or place_today(site_zone(uow, site_id))
            valid_from = valid_from or paid_on
            kind = uow.session.get(PassType, pass_type_id)
            if kind is None or kind.site_id != site_id:
                raise NotFoundError(_("Cette formule n'existe pas dans ce lieu."))
            person = uow.session.get(Person, person_id)
            if person is None or person.site_id != site_id:
                raise NotFoundError(_("Cette personne n'existe pas dans ce lieu."))
            row = CoworkingPass(
                site_id=site_id,
                pass_type_id=kind.id,
                person_id=person_id,
                purchased_on=paid_on,
                valid_from=valid_from,
                valid_until=valid_until(kind.kind, valid_from, kind.validity_days),
                units_total=kind.units,
                price_cents=kind.price_cents,
            )
            uow.session.add(row)
            uow.session.add(
                Payment(
                    site_id=site_id,
                    amount_cents=kind.price_cents,
                    method=method,
                    paid_on=paid_on,
                    reference=reference.strip(),
                    pass_id=row.id,
                )
            )
            audit.record(
                uow,
                action=AuditAction.CREATE,
                entity="coworking_pass",
                entity_id=row.id,
                site_id=site_id,
            )
            uow.commit()
            return next(p for p in _passes(uow, person_id) if p.id == row.id)

    @requires(Permission.BOOKINGS)
    def balance(self, person_id: uuid.UUID, *, on: date | None = None) -> int:
        """Units left on the person's passes valid on ``on`` (default today at the place)."""
        with self._uow() as uow:
            day = on or _person_today(uow, person_id)
            return sum(p.balance for p in _passes(uow, person_id) if p.valid_on(day))

    @requires(Permission.BOOKINGS)
    def history(self, person_id: uuid.UUID) -> PassHistory:
        """What the person bought (with payment) and used, newest first."""
        with self._uow() as uow:
            held = _passes(uow, person_id)
            names = {p.id: p.type_name for p in held}
            uses = uow.session.exec(
                select(PassUse)
                .where(col(PassUse.pass_id).in_(list(names)))
                .order_by(col(PassUse.used_on).desc())
            ).all()
            return PassHistory(
                person_id=person_id,
                today=_person_today(uow, person_id),
                passes=tuple(held),
                uses=tuple(
                    PassUseInfo(u.pass_id, names[u.pass_id], u.used_on, u.units, u.booking_id)
                    for u in uses
                ),
            )
