"""The grocery's lists as table models over read models: the basket being sold, products,
producers, stock movements and the day's sales.

The basket is a list of :class:`CartLine` (a product snapshot and a quantity); its prices
come from the same :func:`~tiers_lieu.services.grocery.sales.unit_price` and
:func:`~tiers_lieu.services.grocery.sales.line_total` the sale service uses, so the total on
screen is the total recorded, to the cent.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from tiers_lieu.i18n import _, format_datetime, format_eur, format_time, time_zone
from tiers_lieu.services.amounts import line_total
from tiers_lieu.services.grocery.closing import DaySale
from tiers_lieu.services.grocery.labels import method_label, movement_label, unit_label, vat_label
from tiers_lieu.services.grocery.producers import ProducerInfo
from tiers_lieu.services.grocery.products import ProductInfo
from tiers_lieu.services.grocery.sales import unit_price
from tiers_lieu.services.grocery.stock import MovementInfo, format_quantity
from tiers_lieu.services.till.tickets import ticket_label
from tiers_lieu.ui.models import ReadModelTable

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_WARN = QColor("#b3261e")


@dataclass(frozen=True)
class CartLine:
    product: ProductInfo
    quantity_milli: int
    solidarity: bool

    @property
    def id(self) -> object:
        return self.product.id

    @property
    def unit_price_cents(self) -> int:
        return unit_price(
            self.product.price_cents, self.product.solidarity_price_cents, self.solidarity
        )

    @property
    def total_cents(self) -> int:
        return line_total(self.unit_price_cents, self.quantity_milli)

    @cached_property
    def texts(self) -> tuple[str, str, str, str]:
        """The four cells, formatted once: babel's euro formatting costs a fraction of a
        millisecond, and a view asks for every cell many times (the scan budget is 30 ms)."""
        price = format_eur(self.unit_price_cents)
        if self.product.is_weighed:
            price = _("{price} / {unit}").format(price=price, unit=unit_label(self.product.unit))
        return (
            self.product.name,
            format_quantity(self.quantity_milli, self.product.unit),
            price,
            format_eur(self.total_cents),
        )


class CartModel(ReadModelTable[CartLine]):
    class Columns(IntEnum):
        PRODUCT = 0
        QUANTITY = 1
        PRICE = 2
        TOTAL = 3

    def headers(self) -> dict[Any, str]:
        c = self.Columns
        return {
            c.PRODUCT: _("Article"),
            c.QUANTITY: _("Quantité"),
            c.PRICE: _("Prix unitaire"),
            c.TOTAL: _("Montant"),
        }

    def display(self, row: CartLine, column: Any) -> str:
        return row.texts[int(column)]

    def alignment(self, column: Any) -> Qt.AlignmentFlag:
        return _LEFT if column == self.Columns.PRODUCT else _RIGHT

    def total_cents(self) -> int:
        return sum(line.total_cents for line in self._rows)

    def put(self, line: CartLine) -> int:
        """Add ``line``, or replace the line of the same product; returns its row. Rows are
        inserted or changed, not reset, so the view redraws one line per scan."""
        for number, old in enumerate(self._rows):
            if old.product.id == line.product.id:
                self._rows[number] = line
                self.dataChanged.emit(
                    self.index(number, 0), self.index(number, len(self.Columns) - 1)
                )
                return number
        number = len(self._rows)
        self.beginInsertRows(QModelIndex(), number, number)
        self._rows.append(line)
        self.endInsertRows()
        return number


class ProductsModel(ReadModelTable[ProductInfo]):
    class Columns(IntEnum):
        NAME = 0
        CATEGORY = 1
        PRODUCER = 2
        PRICE = 3
        SOLIDARITY = 4
        VAT = 5
        STOCK = 6
        BARCODE = 7

    def headers(self) -> dict[Any, str]:
        c = self.Columns
        return {
            c.NAME: _("Produit"),
            c.CATEGORY: _("Rayon"),
            c.PRODUCER: _("Producteur"),
            c.PRICE: _("Prix"),
            c.SOLIDARITY: _("Prix solidaire"),
            c.VAT: _("TVA"),
            c.STOCK: _("Stock"),
            c.BARCODE: _("Code-barres"),
        }

    def display(self, row: ProductInfo, column: Any) -> str:
        c = self.Columns
        if column == c.NAME:
            star = "★ " if row.favourite else ""
            return star + row.name + ("" if row.active else " " + _("(inactif)"))
        if column == c.CATEGORY:
            return row.category
        if column == c.PRODUCER:
            return row.producer_name
        if column == c.PRICE:
            price = format_eur(row.price_cents)
            if row.is_weighed:
                return _("{price} / {unit}").format(price=price, unit=unit_label(row.unit))
            return price
        if column == c.SOLIDARITY:
            cents = row.solidarity_price_cents
            return format_eur(cents) if cents is not None else "—"
        if column == c.VAT:
            return vat_label(row.vat_rate_bp)
        if column == c.STOCK:
            return format_quantity(row.stock_milli, row.unit)
        return row.barcode or ""

    def alignment(self, column: Any) -> Qt.AlignmentFlag:
        c = self.Columns
        return _RIGHT if column in (c.PRICE, c.SOLIDARITY, c.VAT, c.STOCK) else _LEFT

    def extra(self, row: ProductInfo, column: Any, role: int) -> object:
        if (
            role == Qt.ItemDataRole.ForegroundRole
            and column == self.Columns.STOCK
            and row.low_stock
        ):
            return QBrush(_WARN)
        return None


class LowStockModel(ReadModelTable[ProductInfo]):
    class Columns(IntEnum):
        NAME = 0
        STOCK = 1
        THRESHOLD = 2
        PRODUCER = 3

    def headers(self) -> dict[Any, str]:
        c = self.Columns
        return {
            c.NAME: _("Produit"),
            c.STOCK: _("Stock"),
            c.THRESHOLD: _("Seuil d'alerte"),
            c.PRODUCER: _("Producteur"),
        }

    def display(self, row: ProductInfo, column: Any) -> str:
        c = self.Columns
        if column == c.NAME:
            return row.name
        if column == c.STOCK:
            return format_quantity(row.stock_milli, row.unit)
        if column == c.THRESHOLD:
            return format_quantity(row.alert_threshold_milli, row.unit)
        return row.producer_name

    def alignment(self, column: Any) -> Qt.AlignmentFlag:
        c = self.Columns
        return _RIGHT if column in (c.STOCK, c.THRESHOLD) else _LEFT


class MovementsModel(ReadModelTable[MovementInfo]):
    class Columns(IntEnum):
        WHEN = 0
        KIND = 1
        QUANTITY = 2
        COST = 3
        NOTE = 4

    unit = "piece"
    zone: ZoneInfo = time_zone(None)
    """The place's time zone: movements show at the place's wall clock."""

    def headers(self) -> dict[Any, str]:
        c = self.Columns
        return {
            c.WHEN: _("Date"),
            c.KIND: _("Mouvement"),
            c.QUANTITY: _("Quantité"),
            c.COST: _("Prix d'achat"),
            c.NOTE: _("Remarque"),
        }

    def display(self, row: MovementInfo, column: Any) -> str:
        c = self.Columns
        if column == c.WHEN:
            return format_datetime(row.occurred_at, self.zone)
        if column == c.KIND:
            return movement_label(row.kind)
        if column == c.QUANTITY:
            sign = "+" if row.quantity_milli > 0 else "−"
            return sign + format_quantity(abs(row.quantity_milli), self.unit)
        if column == c.COST:
            return format_eur(row.unit_cost_cents) if row.unit_cost_cents is not None else ""
        return row.note

    def alignment(self, column: Any) -> Qt.AlignmentFlag:
        c = self.Columns
        return _RIGHT if column in (c.QUANTITY, c.COST) else _LEFT


class ProducersModel(ReadModelTable[ProducerInfo]):
    class Columns(IntEnum):
        NAME = 0
        COMMUNE = 1
        DISTANCE = 2
        LOCAL = 3
        SUPPLIES = 4
        CONTACT = 5

    def headers(self) -> dict[Any, str]:
        c = self.Columns
        return {
            c.NAME: _("Producteur"),
            c.COMMUNE: _("Commune"),
            c.DISTANCE: _("Distance"),
            c.LOCAL: _("Local"),
            c.SUPPLIES: _("Produits fournis"),
            c.CONTACT: _("Contact"),
        }

    def display(self, row: ProducerInfo, column: Any) -> str:
        c = self.Columns
        if column == c.NAME:
            return row.name
        if column == c.COMMUNE:
            return row.commune_name
        if column == c.DISTANCE:
            return _("{n} km").format(n=row.distance_km) if row.distance_km is not None else "—"
        if column == c.LOCAL:
            return _("oui") if row.is_local else _("non")
        if column == c.SUPPLIES:
            return row.supplies
        return " · ".join(p for p in (row.contact, row.phone, row.email) if p)

    def alignment(self, column: Any) -> Qt.AlignmentFlag:
        return _RIGHT if column == self.Columns.DISTANCE else _LEFT


class DaySalesModel(ReadModelTable[DaySale]):
    class Columns(IntEnum):
        TICKET = 0
        TIME = 1
        ITEMS = 2
        TOTAL = 3
        METHODS = 4
        BUYER = 5
        STATUS = 6

    def headers(self) -> dict[Any, str]:
        c = self.Columns
        return {
            c.TICKET: _("Ticket"),
            c.TIME: _("Heure"),
            c.ITEMS: _("Articles"),
            c.TOTAL: _("Montant"),
            c.METHODS: _("Paiement"),
            c.BUYER: _("Client"),
            c.STATUS: _("État"),
        }

    def display(self, row: DaySale, column: Any) -> str:
        c = self.Columns
        if column == c.TICKET:
            return ticket_label(row.ticket_number) if row.ticket_number is not None else "—"
        if column == c.TIME:
            return format_time(row.time)
        if column == c.ITEMS:
            return str(row.items)
        if column == c.TOTAL:
            return format_eur(row.total_cents)
        if column == c.METHODS:
            return ", ".join(method_label(m) for m in row.methods)
        if column == c.BUYER:
            return row.person_name
        if row.reverses_ticket is not None:
            return _("Annulation du ticket {number}").format(
                number=ticket_label(row.reverses_ticket)
            )
        if row.reversed_by is not None:
            return _("Annulé par le ticket {number}").format(number=ticket_label(row.reversed_by))
        if row.cancelled:
            return _("Annulée")
        return _("Prix solidaire") if row.solidarity else ""

    def alignment(self, column: Any) -> Qt.AlignmentFlag:
        c = self.Columns
        return _RIGHT if column in (c.TICKET, c.ITEMS, c.TOTAL) else _LEFT

    def extra(self, row: DaySale, column: Any, role: int) -> object:
        if role == Qt.ItemDataRole.ForegroundRole and (row.cancelled or row.is_reversal):
            return QBrush(QColor("#777777"))
        return None
