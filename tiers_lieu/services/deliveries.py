"""Home delivery (« portage », issue 22): orders taken by phone for a person, the day's rounds
with who drives them, the round sheet in address order, and delivered / absent ticked after.

An order is **not a sale**: the grocery products listed on it are written as short text lines
(« 2 × lait demi-écrémé ») and sold at the till when paid, through the till's own ticket. This
module never writes a sale, a stock movement or a payment.

The person is picked from the register; ``Person`` has no address column, so the typed
address is kept on the order (prefilled from the person's last order) and the commune comes
from the person's record. A prescription to pick up at the pharmacy is a yes/no only: no text
about it is ever asked or stored.

Stops are ordered on a round by ``position``; « trier par adresse » numbers them by commune
then address, and a stop moves one place up or down. The round sheet shows a phone number only
for a person who consented to their contact being kept (``consent_given_at`` set, not
withdrawn), and only to an account that may see contacts (``PEOPLE_EDIT``).

Taking orders and making rounds need ``PEOPLE_EDIT`` (an address is personal data); reading
the rounds, printing the sheet and ticking delivered / absent need ``DESK`` (the volunteer
who drove the round ticks it).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlmodel import col, func, select

from tiers_lieu.db import UnitOfWork, UowFactory
from tiers_lieu.errors import ConflictError, ValidationError
from tiers_lieu.i18n import N_, _, format_date
from tiers_lieu.models import Commune, Person, utcnow
from tiers_lieu.models.enums import AuditAction
from tiers_lieu.models.proximity import DeliveryOrder, DeliveryRound
from tiers_lieu.services import audit
from tiers_lieu.services.access import Permission, requires
from tiers_lieu.services.agenda.common import display_name
from tiers_lieu.services.lookups import get_or_gone
from tiers_lieu.services.sites import site_now
from tiers_lieu.services.tabular import normalise

PLANNED, DELIVERED, ABSENT = "planned", "delivered", "absent"
STATUS_LABELS: dict[str, str] = {
    PLANNED: N_("À livrer"),
    DELIVERED: N_("Livré"),
    ABSENT: N_("Absent"),
}

MAX_ADDRESS, MAX_ITEMS, MAX_DRIVER, MAX_LABEL = 250, 300, 120, 80


def status_label(status: str) -> str:
    return _(STATUS_LABELS[status]) if status in STATUS_LABELS else status


@dataclass(frozen=True, kw_only=True)
class OrderInput:
    """An order as the host takes it on the phone."""

    person_id: uuid.UUID | None
    for_date: date
    address: str
    items: str = ""
    amap_basket: bool = False
    prescription: bool = False


@dataclass(frozen=True)
class OrderRow:
    id: uuid.UUID
    person_id: uuid.UUID | None
    recipient: str
    commune: str
    address: str
    phone: str
    """Empty unless the person consented and the reader may see contacts."""
    for_date: date
    round_id: uuid.UUID | None
    position: int
    items: str
    amap_basket: bool
    prescription: bool
    status: str

    def to_bring(self) -> list[str]:
        """What the driver brings, as the sheet and the screen say it."""
        things = [line.strip() for line in self.items.splitlines() if line.strip()]
        if self.amap_basket:
            things.append(_("Panier AMAP"))
        if self.prescription:
            things.append(_("Ordonnance à retirer"))
        return things


@dataclass(frozen=True)
class RoundRow:
    id: uuid.UUID
    day: date
    label: str
    driver: str
    stops: int

    def title(self) -> str:
        name = self.label or _("Tournée")
        if self.driver:
            return _("{name} — {driver}").format(name=name, driver=self.driver)
        return name


@dataclass(frozen=True)
class RoundSheet:
    """One round as the driver takes it: the stops in order."""

    round_id: uuid.UUID
    day: date
    label: str
    driver: str
    stops: tuple[OrderRow, ...]


def address_key(commune: str, address: str) -> tuple[str, str]:
    """The sort order of a round: commune, then address (accents and case ignored)."""
    return normalise(commune), normalise(address)


def _get_order(uow: UnitOfWork, order_id: uuid.UUID) -> DeliveryOrder:
    return get_or_gone(uow, DeliveryOrder, order_id, _("Cette commande de portage n'existe plus."))


def _get_round(uow: UnitOfWork, round_id: uuid.UUID) -> DeliveryRound:
    return get_or_gone(uow, DeliveryRound, round_id, _("Cette tournée n'existe plus."))


def _audit(
    uow: UnitOfWork, action: AuditAction, row: DeliveryOrder | DeliveryRound, **details: object
) -> None:
    """The audit line of a change to an order or a round (``details`` name no one)."""
    entity = "delivery_order" if isinstance(row, DeliveryOrder) else "delivery_round"
    audit.record(
        uow, action=action, entity=entity, entity_id=row.id, site_id=row.site_id, details=details
    )


def _round_names(driver: str, label: str) -> tuple[str, str]:
    """The driver and name of a round, spaces tidied; refused in French when too long."""
    driver, label = " ".join(driver.split()), " ".join(label.split())
    if not driver:
        raise ValidationError(_("Chauffeur"), _("indiquez qui fait la tournée"))
    if len(driver) > MAX_DRIVER:
        raise ValidationError(_("Chauffeur"), _("{n} caractères au plus").format(n=MAX_DRIVER))
    if len(label) > MAX_LABEL:
        raise ValidationError(_("Nom"), _("{n} caractères au plus").format(n=MAX_LABEL))
    return driver, label


def _contacts(uow: UnitOfWork) -> bool:
    return uow.access is None or uow.access.allows(Permission.PEOPLE_EDIT)


def _rows(uow: UnitOfWork, where: list[object]) -> list[OrderRow]:
    """Orders matching ``where`` with their person's commune and (consented) phone."""
    query = (
        select(DeliveryOrder, Person, Commune.name)
        .join(Person, col(Person.id) == col(DeliveryOrder.person_id), isouter=True)
        .join(Commune, col(Commune.id) == col(Person.commune_id), isouter=True)
        .where(*where)  # type: ignore[arg-type]
    )
    contacts = _contacts(uow)
    rows = []
    for order, person, commune in uow.session.exec(query).all():
        consented = (
            person is not None
            and person.consent_given_at is not None
            and person.consent_withdrawn_at is None
            and person.anonymized_at is None
        )
        rows.append(
            OrderRow(
                id=order.id,
                person_id=order.person_id,
                recipient=order.recipient,
                commune=commune or "",
                address=order.address,
                phone=person.phone if (person is not None and consented and contacts) else "",
                for_date=order.for_date,
                round_id=order.round_id,
                position=order.position,
                items=order.items,
                amap_basket=order.amap_basket,
                prescription=order.prescription,
                status=order.status,
            )
        )
    return rows


def _in_round_order(rows: list[OrderRow]) -> list[OrderRow]:
    return sorted(rows, key=lambda r: (r.position, address_key(r.commune, r.address), r.recipient))


def _check(data: OrderInput) -> tuple[str, str]:
    address = " ".join(data.address.split())
    if data.person_id is None:
        raise ValidationError(_("Personne"), _("choisissez la personne dans le registre"))
    if not address:
        raise ValidationError(_("Adresse"), _("indiquez l'adresse de livraison"))
    if len(address) > MAX_ADDRESS:
        raise ValidationError(_("Adresse"), _("{n} caractères au plus").format(n=MAX_ADDRESS))
    lines = [" ".join(line.split()) for line in data.items.splitlines()]
    items = "\n".join(line for line in lines if line)
    if len(items) > MAX_ITEMS:
        raise ValidationError(_("Courses"), _("{n} caractères au plus").format(n=MAX_ITEMS))
    if not items and not data.amap_basket and not data.prescription:
        raise ValidationError(
            _("Courses"),
            _("rien à livrer : indiquez des courses, un panier AMAP ou une ordonnance à retirer"),
        )
    return address, items


class DeliveryService:
    def __init__(self, uow: UowFactory) -> None:
        self._uow = uow

    # -- orders ----------------------------------------------------------------------------
    @requires(Permission.PEOPLE_EDIT)
    def last_address(self, site_id: uuid.UUID, person_id: uuid.UUID) -> str:
        """The address of the person's last order (the new order's field starts with it)."""
        with self._uow() as uow:
            found = uow.session.exec(
                select(DeliveryOrder.address)
                .where(DeliveryOrder.site_id == site_id, DeliveryOrder.person_id == person_id)
                .order_by(col(DeliveryOrder.for_date).desc(), col(DeliveryOrder.created_at).desc())
                .limit(1)
            ).first()
            return found or ""

    @requires(Permission.PEOPLE_EDIT)
    def take_order(self, site_id: uuid.UUID, data: OrderInput) -> OrderRow:
        """Record an order for ``data.for_date`` (not on a round yet)."""
        address, items = _check(data)
        with self._uow() as uow:
            person = uow.session.get(Person, data.person_id)
            if person is None or person.site_id != site_id or person.anonymized_at is not None:
                raise ValidationError(_("Personne"), _("cette personne n'est pas au registre"))
            order = DeliveryOrder(
                site_id=site_id,
                person_id=person.id,
                recipient=display_name(person)[:120] or _("Sans nom"),
                address=address,
                for_date=data.for_date,
                items=items,
                amap_basket=data.amap_basket,
                prescription=data.prescription,
            )
            uow.session.add(order)
            uow.session.flush()
            _audit(uow, AuditAction.CREATE, order, for_date=data.for_date.isoformat())
            uow.commit()
            return _rows(uow, [DeliveryOrder.id == order.id])[0]

    @requires(Permission.PEOPLE_EDIT)
    def update_order(self, order_id: uuid.UUID, data: OrderInput) -> OrderRow:
        """Correct an order still to deliver (a new date takes it off its round)."""
        address, items = _check(data)
        with self._uow() as uow:
            order = _get_order(uow, order_id)
            if order.status != PLANNED:
                raise ConflictError(_("Cette commande est déjà pointée : elle ne change plus."))
            if data.person_id != order.person_id:
                raise ValidationError(_("Personne"), _("une commande ne change pas de personne"))
            if data.for_date != order.for_date:
                order.round_id = None
                order.position = 0
            order.address, order.items, order.for_date = address, items, data.for_date
            order.amap_basket, order.prescription = data.amap_basket, data.prescription
            _audit(uow, AuditAction.UPDATE, order, for_date=data.for_date.isoformat())
            uow.commit()
            return _rows(uow, [DeliveryOrder.id == order.id])[0]

    @requires(Permission.PEOPLE_EDIT)
    def cancel_order(self, order_id: uuid.UUID) -> None:
        """Remove an order not delivered yet (the person called it off)."""
        with self._uow() as uow:
            order = _get_order(uow, order_id)
            if order.status != PLANNED:
                raise ConflictError(_("Cette commande est déjà pointée : elle reste."))
            _audit(uow, AuditAction.DELETE, order)
            uow.session.delete(order)
            uow.commit()

    @requires(Permission.DESK)
    def orders(self, site_id: uuid.UUID, day: date) -> list[OrderRow]:
        """The orders for ``day``: on a round in round order, then those on none by address."""
        with self._uow(read_only=True) as uow:
            rows = _rows(uow, [DeliveryOrder.site_id == site_id, DeliveryOrder.for_date == day])
        return sorted(
            rows,
            key=lambda r: (
                r.round_id is None,
                str(r.round_id),
                r.position,
                address_key(r.commune, r.address),
            ),
        )

    # -- rounds ----------------------------------------------------------------------------
    @requires(Permission.DESK)
    def rounds(self, site_id: uuid.UUID, day: date) -> list[RoundRow]:
        with self._uow(read_only=True) as uow:
            counts = dict(
                uow.session.exec(
                    select(DeliveryOrder.round_id, func.count())
                    .where(DeliveryOrder.site_id == site_id, DeliveryOrder.for_date == day)
                    .group_by(col(DeliveryOrder.round_id))
                ).all()
            )
            found = uow.session.exec(
                select(DeliveryRound)
                .where(DeliveryRound.site_id == site_id, DeliveryRound.day == day)
                .order_by(col(DeliveryRound.created_at), col(DeliveryRound.label))
            ).all()
            return [RoundRow(r.id, r.day, r.label, r.driver, counts.get(r.id, 0)) for r in found]

    @requires(Permission.PEOPLE_EDIT)
    def create_round(
        self, site_id: uuid.UUID, *, day: date, driver: str, label: str = ""
    ) -> RoundRow:
        driver, label = _round_names(driver, label)
        with self._uow() as uow:
            made = DeliveryRound(site_id=site_id, day=day, driver=driver, label=label)
            uow.session.add(made)
            uow.session.flush()
            _audit(uow, AuditAction.CREATE, made, round_day=day.isoformat())
            uow.commit()
            return RoundRow(made.id, made.day, made.label, made.driver, 0)

    @requires(Permission.PEOPLE_EDIT)
    def update_round(self, round_id: uuid.UUID, *, driver: str, label: str = "") -> RoundRow:
        """Another driver (or a typo corrected), and the round's name."""
        driver, label = _round_names(driver, label)
        with self._uow() as uow:
            row = _get_round(uow, round_id)
            row.driver, row.label = driver, label
            uow.session.add(row)
            stops = uow.session.exec(
                select(func.count()).where(DeliveryOrder.round_id == round_id)
            ).one()
            _audit(uow, AuditAction.UPDATE, row, driver_changed=True)
            uow.commit()
            return RoundRow(row.id, row.day, row.label, row.driver, int(stops))

    @requires(Permission.PEOPLE_EDIT)
    def delete_round(self, round_id: uuid.UUID) -> int:
        """Delete a round made by mistake: its stops go back among the day's orders on no
        round (how many is returned). A round with a stop ticked delivered or absent stays:
        its sheet is the record of that day."""
        with self._uow() as uow:
            row = _get_round(uow, round_id)
            stops = uow.session.exec(
                select(DeliveryOrder).where(DeliveryOrder.round_id == round_id)
            ).all()
            if any(o.status != PLANNED for o in stops):
                raise ConflictError(
                    _(
                        "La tournée de {driver} a une commande déjà notée livrée ou absente : "
                        "elle reste."
                    ).format(driver=row.driver)
                )
            for stop in stops:
                stop.round_id, stop.position = None, 0
                uow.session.add(stop)
                _audit(uow, AuditAction.UPDATE, stop, round=None)
            _audit(uow, AuditAction.DELETE, row)
            uow.session.flush()
            uow.session.delete(row)
            uow.commit()
            return len(stops)

    @requires(Permission.PEOPLE_EDIT)
    def assign(self, order_id: uuid.UUID, round_id: uuid.UUID | None) -> None:
        """Put an order on a round (last stop) or take it off (``None``)."""
        with self._uow() as uow:
            order = _get_order(uow, order_id)
            if round_id is None:
                order.round_id, order.position = None, 0
            else:
                chosen = _get_round(uow, round_id)
                if chosen.site_id != order.site_id or chosen.day != order.for_date:
                    raise ConflictError(
                        _(
                            "Cette tournée est celle du {day} : la commande est pour le {wanted}."
                        ).format(day=format_date(chosen.day), wanted=format_date(order.for_date))
                    )
                if order.round_id != round_id:
                    last = uow.session.exec(
                        select(func.max(DeliveryOrder.position)).where(
                            DeliveryOrder.round_id == round_id
                        )
                    ).one()
                    order.round_id, order.position = round_id, (last or 0) + 1
            _audit(uow, AuditAction.UPDATE, order, round=str(round_id) if round_id else None)
            uow.commit()

    @requires(Permission.PEOPLE_EDIT)
    def sort_by_address(self, round_id: uuid.UUID) -> None:
        """Number the round's stops by commune, then address."""
        with self._uow() as uow:
            chosen = _get_round(uow, round_id)
            rows = _rows(uow, [DeliveryOrder.round_id == round_id])
            ordered = sorted(rows, key=lambda r: (address_key(r.commune, r.address), r.recipient))
            self._renumber(uow, [r.id for r in ordered])
            _audit(uow, AuditAction.UPDATE, chosen, sorted=True)
            uow.commit()

    @requires(Permission.PEOPLE_EDIT)
    def move(self, order_id: uuid.UUID, step: int) -> None:
        """Move a stop one place earlier (``-1``) or later (``+1``) on its round."""
        if step not in (-1, 1):
            raise ValidationError(_("Ordre"), _("une place à la fois"))
        with self._uow() as uow:
            order = _get_order(uow, order_id)
            if order.round_id is None:
                raise ConflictError(_("Cette commande n'est sur aucune tournée."))
            ids = [
                r.id
                for r in _in_round_order(_rows(uow, [DeliveryOrder.round_id == order.round_id]))
            ]
            here = ids.index(order.id)
            there = here + step
            if 0 <= there < len(ids):
                ids[here], ids[there] = ids[there], ids[here]
                self._renumber(uow, ids)
                _audit(uow, AuditAction.UPDATE, order, position=there + 1)
                uow.commit()

    @staticmethod
    def _renumber(uow: UnitOfWork, ids: list[uuid.UUID]) -> None:
        orders = {
            o.id: o
            for o in uow.session.exec(select(DeliveryOrder).where(col(DeliveryOrder.id).in_(ids)))
        }
        for number, order_id in enumerate(ids, start=1):
            if orders[order_id].position != number:
                orders[order_id].position = number

    @requires(Permission.DESK)
    def sheet(self, round_id: uuid.UUID) -> RoundSheet:
        """The round as it is printed: stops in order."""
        with self._uow(read_only=True) as uow:
            chosen = _get_round(uow, round_id)
            stops = _in_round_order(_rows(uow, [DeliveryOrder.round_id == round_id]))
            return RoundSheet(chosen.id, chosen.day, chosen.label, chosen.driver, tuple(stops))

    @requires(Permission.DESK)
    def mark(self, order_id: uuid.UUID, status: str) -> OrderRow:
        """Tick an order delivered or absent after the round (or back to « à livrer »)."""
        if status not in STATUS_LABELS:
            raise ValidationError(_("Livraison"), _("statut inconnu"))
        with self._uow() as uow:
            order = _get_order(uow, order_id)
            today = site_now(uow, order.site_id).date()
            if status != PLANNED and order.for_date > today:
                raise ConflictError(
                    _("La livraison du {day} n'a pas encore eu lieu.").format(
                        day=format_date(order.for_date)
                    )
                )
            if order.status != status:
                order.status = status
                order.done_at = None if status == PLANNED else utcnow()
                _audit(uow, AuditAction.UPDATE, order, status=status)
                uow.commit()
            return _rows(uow, [DeliveryOrder.id == order.id])[0]
