"""The café: quick sales and open tabs (« ardoises ») at the till (issue 22).

Café products are grocery products whose category is « Café »
(:data:`~tiers_lieu.services.grocery.products.CAFE_CATEGORY`); those without an alert
threshold (a coffee) are not stock-tracked (:func:`~tiers_lieu.services.grocery.products.
stock_tracked`): selling them never asks for an inventory correction.

A tab is not a ticket: it is opened for a table (« Table 3 ») or a person, its lines change
freely (added, taken away) while it is open, and its running total is at the prices of the
moment. Settling it records ONE numbered ticket through
:meth:`~tiers_lieu.services.grocery.sales.SaleService.record` (the till's only writer), and
the tab's ``closed_at``/``sale_id`` are written *in the ticket's transaction* (its ``within``
hook): a crash anywhere leaves either the ticket and the closed tab, or neither (the tab
still open, the number free). Two desks settling the same tab: the second finds it closed
(a conditional update, under the chain's lock) and its ticket is undone. A line added to the
tab while it was being settled makes the settlement refuse (the ticket would miss it).

A quick sale without a tab (one coffee, paid at once) is just a ticket: the UI calls the
sale service directly.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlmodel import col, select

from tiers_lieu.db import UnitOfWork, UowFactory
from tiers_lieu.errors import ConflictError, NotFoundError, ValidationError
from tiers_lieu.i18n import _
from tiers_lieu.models import Person, Product, Sale, utcnow
from tiers_lieu.models.enums import AuditAction, ProductUnit
from tiers_lieu.models.proximity import CafeTab, CafeTabLine
from tiers_lieu.services import audit
from tiers_lieu.services.access import Permission, requires
from tiers_lieu.services.amounts import line_total
from tiers_lieu.services.eligibility import eligible_on
from tiers_lieu.services.grocery.products import ProductInfo, ProductService
from tiers_lieu.services.grocery.sales import (
    LineInput,
    PaymentInput,
    SaleInfo,
    SaleService,
    unit_price,
)
from tiers_lieu.services.grocery.stock import check_quantity
from tiers_lieu.services.lookups import get_or_gone
from tiers_lieu.services.product_kinds import is_cafe
from tiers_lieu.services.sites import site_zone

LABEL_MAX = 60


@dataclass(frozen=True)
class TabLineInfo:
    id: uuid.UUID
    product_id: uuid.UUID
    product_name: str
    unit: str
    quantity_milli: int
    unit_price_cents: int
    total_cents: int


@dataclass(frozen=True)
class TabInfo:
    id: uuid.UUID
    label: str
    person_id: uuid.UUID | None
    opened_at: datetime
    closed_at: datetime | None
    sale_id: uuid.UUID | None
    lines: tuple[TabLineInfo, ...]
    total_cents: int
    """At the prices of the moment (the solidarity price for an eligible person)."""

    @property
    def items(self) -> int:
        """Articles on the tab (a weighed line counts one)."""
        return sum(
            line.quantity_milli // 1000 if line.quantity_milli % 1000 == 0 else 1
            for line in self.lines
        )


def _person_name(person: Person | None) -> str:
    if person is None:
        return ""
    return " ".join(p for p in (person.first_name, person.last_name) if p) or person.organisation


def _tab(uow: UnitOfWork, tab_id: uuid.UUID, *, lock: bool = False) -> CafeTab:
    """The tab; ``lock``, on PostgreSQL: a line added waits for a settlement under way (and
    sees it)."""
    return get_or_gone(uow, CafeTab, tab_id, _("Cette ardoise n'existe plus."), lock=lock)


def _open_tab(uow: UnitOfWork, tab_id: uuid.UUID, *, lock: bool = True) -> CafeTab:
    """The tab, refused once settled (``lock``: as :func:`_tab`)."""
    tab = _tab(uow, tab_id, lock=lock)
    if tab.closed_at is not None:
        raise ConflictError(
            _("L'ardoise « {label} » est déjà encaissée.").format(label=_infos(uow, [tab])[0].label)
        )
    return tab


def _lines(uow: UnitOfWork, tab_ids: Sequence[uuid.UUID]) -> list[tuple[CafeTabLine, Product]]:
    if not tab_ids:
        return []
    return list(
        uow.session.exec(
            select(CafeTabLine, Product)
            .join(Product, col(Product.id) == col(CafeTabLine.product_id))
            .where(col(CafeTabLine.tab_id).in_(tab_ids))
            .order_by(col(CafeTabLine.added_at), col(CafeTabLine.id))
        ).all()
    )


def _infos(
    uow: UnitOfWork, tabs: Sequence[CafeTab], *, at: datetime | None = None
) -> list[TabInfo]:
    lines = _lines(uow, [t.id for t in tabs])
    people_ids = {t.person_id for t in tabs if t.person_id is not None}
    people = (
        {
            p.id: p
            for p in uow.session.exec(select(Person).where(col(Person.id).in_(people_ids))).all()
        }
        if people_ids
        else {}
    )
    found: list[TabInfo] = []
    for tab in tabs:
        today = (at or utcnow()).astimezone(site_zone(uow, tab.site_id)).date()
        person = people.get(tab.person_id) if tab.person_id else None
        solidarity = eligible_on(person, today)
        mine: list[TabLineInfo] = []
        for line, product in lines:
            if line.tab_id != tab.id:
                continue
            price = unit_price(product.price_cents, product.solidarity_price_cents, solidarity)
            mine.append(
                TabLineInfo(
                    id=line.id,
                    product_id=product.id,
                    product_name=product.name,
                    unit=product.unit,
                    quantity_milli=line.quantity_milli,
                    unit_price_cents=price,
                    total_cents=line_total(price, line.quantity_milli),
                )
            )
        found.append(
            TabInfo(
                id=tab.id,
                label=tab.label or _person_name(person) or _("Ardoise sans nom"),
                person_id=tab.person_id,
                opened_at=tab.opened_at,
                closed_at=tab.closed_at,
                sale_id=tab.sale_id,
                lines=tuple(mine),
                total_cents=sum(line.total_cents for line in mine),
            )
        )
    return found


def _changed(uow: UnitOfWork, tab: CafeTab, action: AuditAction, **details: object) -> TabInfo:
    """A tab opened, or a line of it added or taken off: audited (``action``, ``details``),
    committed, and the tab as it now is."""
    uow.session.flush()
    audit.record(
        uow,
        action=action,
        entity="cafe_tab",
        entity_id=tab.id,
        site_id=tab.site_id,
        details=details,
    )
    uow.commit()
    return _infos(uow, [tab])[0]


class CafeService:
    def __init__(self, uow: UowFactory) -> None:
        self._uow = uow
        self._sales = SaleService(uow)  # the till's one writer of tickets
        self._products = ProductService(uow)

    @requires(Permission.SALES)
    def products(self, *, site_id: uuid.UUID) -> list[ProductInfo]:
        """The café's active products, favourites first then by name (the first nine get
        the number keys)."""
        found = [p for p in self._products.list(site_id=site_id) if is_cafe(p.category)]
        return sorted(found, key=lambda p: (not p.favourite, p.name.casefold()))

    @requires(Permission.SALES)
    def open_tabs(self, *, site_id: uuid.UUID) -> list[TabInfo]:
        """The place's open tabs with their running totals, the oldest first."""
        with self._uow(read_only=True) as uow:
            tabs = uow.session.exec(
                select(CafeTab)
                .where(CafeTab.site_id == site_id, col(CafeTab.closed_at).is_(None))
                .order_by(col(CafeTab.opened_at), col(CafeTab.id))
            ).all()
            return _infos(uow, tabs)

    @requires(Permission.SALES)
    def get(self, tab_id: uuid.UUID) -> TabInfo:
        with self._uow(read_only=True) as uow:
            return _infos(uow, [_tab(uow, tab_id)])[0]

    @requires(Permission.SALES)
    def open(
        self, *, site_id: uuid.UUID, label: str = "", person_id: uuid.UUID | None = None
    ) -> TabInfo:
        """Open a tab for a table (``label``) or a person (shown by their name when no
        label is typed; the name is not copied onto the tab, so erasing the person leaves
        « Ardoise sans nom »)."""
        label = " ".join(label.split())
        with self._uow() as uow:
            person = uow.session.get(Person, person_id) if person_id is not None else None
            if person_id is not None and (person is None or person.site_id != site_id):
                raise ValidationError(_("Personne"), _("cette personne n'existe plus"))
            # A person's tab keeps no copy of their name (erased with them): it is read from
            # the person each time.
            if not label and person is None:
                raise ValidationError(
                    _("Ardoise"), _("indiquez une table (« Table 3 ») ou choisissez une personne")
                )
            if len(label) > LABEL_MAX:
                raise ValidationError(_("Ardoise"), _("{n} caractères au plus").format(n=LABEL_MAX))
            tab = CafeTab(site_id=site_id, label=label, person_id=person_id, opened_at=utcnow())
            uow.session.add(tab)
            return _changed(uow, tab, AuditAction.CREATE)

    @requires(Permission.SALES)
    def add(self, tab_id: uuid.UUID, product_id: uuid.UUID, quantity_milli: int = 1000) -> TabInfo:
        """Put ``quantity_milli`` of a product on an open tab (added to its line, if any)."""
        with self._uow() as uow:
            tab = _open_tab(uow, tab_id)
            product = uow.session.get(Product, product_id)
            if product is None or product.site_id != tab.site_id or not product.active:
                raise NotFoundError(_("Ce produit n'est plus en vente."))
            check_quantity(product.unit, quantity_milli, product.name)
            line = uow.session.exec(
                select(CafeTabLine).where(
                    CafeTabLine.tab_id == tab.id, CafeTabLine.product_id == product.id
                )
            ).first()
            if line is None:
                line = CafeTabLine(
                    site_id=tab.site_id,
                    tab_id=tab.id,
                    product_id=product.id,
                    quantity_milli=quantity_milli,
                    added_at=utcnow(),
                )
            else:
                line.quantity_milli += quantity_milli
            uow.session.add(line)
            return _changed(
                uow, tab, AuditAction.UPDATE, added=str(product.id), quantity_milli=quantity_milli
            )

    @requires(Permission.SALES)
    def remove(self, line_id: uuid.UUID) -> TabInfo:
        """Take one unit of a line off an open tab (the whole line when it was the last one,
        or for a product sold by weight)."""
        with self._uow() as uow:
            line = uow.session.get(CafeTabLine, line_id)
            if line is None:
                raise NotFoundError(_("Cette ligne n'est plus sur l'ardoise."))
            tab = _open_tab(uow, line.tab_id)
            product = uow.session.get(Product, line.product_id)
            by_piece = product is not None and product.unit == ProductUnit.PIECE
            if by_piece and line.quantity_milli > 1000:
                line.quantity_milli -= 1000
                uow.session.add(line)
                taken = 1000
            else:
                taken = line.quantity_milli
                uow.session.delete(line)
            return _changed(
                uow, tab, AuditAction.UPDATE, removed=str(line.product_id), quantity_milli=taken
            )

    @requires(Permission.SALES)
    def discard(self, tab_id: uuid.UUID) -> None:
        """Drop an open tab opened by mistake: only an empty one (its lines taken away)."""
        with self._uow() as uow:
            tab = _open_tab(uow, tab_id)
            if _lines(uow, [tab.id]):
                raise ConflictError(
                    _(
                        "L'ardoise « {label} » n'est pas vide : encaissez-la ou retirez ses lignes."
                    ).format(label=_infos(uow, [tab])[0].label)
                )
            uow.session.delete(tab)
            audit.record(
                uow,
                action=AuditAction.DELETE,
                entity="cafe_tab",
                entity_id=tab.id,
                site_id=tab.site_id,
            )
            uow.commit()

    @requires(Permission.SALES)
    def settle(
        self,
        tab_id: uuid.UUID,
        payments: Sequence[PaymentInput],
        *,
        confirm_beyond_stock: bool = False,
    ) -> SaleInfo:
        """Settle a tab: one numbered ticket with its lines and payments, the tab closed in
        the ticket's own transaction (see the module's docstring)."""
        with self._uow(read_only=True) as uow:
            tab = _open_tab(uow, tab_id, lock=False)
            site_id, person_id = tab.site_id, tab.person_id
            label = _infos(uow, [tab])[0].label
            rows = [line for line, _product in _lines(uow, [tab.id])]
            seen = sorted((line.id, line.quantity_milli) for line in rows)
            lines = [LineInput(line.product_id, line.quantity_milli) for line in rows]
        if not lines:
            raise ValidationError(
                _("Ardoise"), _("l'ardoise « {label} » est vide").format(label=label)
            )

        def close(uow: UnitOfWork, sale: Sale) -> None:
            # Under the chain's lock, in the ticket's transaction: closed once, by this ticket.
            closed = uow.session.execute(
                update(CafeTab)
                .where(col(CafeTab.id) == tab_id, col(CafeTab.closed_at).is_(None))
                .values(closed_at=sale.sold_at, sale_id=sale.id, updated_at=sale.sold_at)
            )
            if closed.rowcount != 1:  # type: ignore[attr-defined]
                raise ConflictError(
                    _("L'ardoise « {label} » est déjà encaissée.").format(label=label)
                )
            now = sorted(
                (line.id, line.quantity_milli)
                for line in uow.session.exec(
                    select(CafeTabLine).where(CafeTabLine.tab_id == tab_id)
                ).all()
            )
            if now != seen:
                raise ConflictError(
                    _(
                        "L'ardoise « {label} » vient de changer sur un autre poste : "
                        "vérifiez-la et encaissez de nouveau."
                    ).format(label=label)
                )
            audit.record(
                uow,
                action=AuditAction.UPDATE,
                entity="cafe_tab",
                entity_id=tab_id,
                site_id=site_id,
                details={"settled_by": str(sale.id), "ticket": sale.ticket_number},
            )

        return self._sales.record(
            site_id=site_id,
            lines=lines,
            payments=payments,
            person_id=person_id,
            confirm_beyond_stock=confirm_beyond_stock,
            within=close,
        )
