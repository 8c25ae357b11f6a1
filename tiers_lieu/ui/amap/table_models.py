"""The AMAP lists as table models over the services' read models.

They only format: euros, dates and status words come from :mod:`tiers_lieu.i18n` and the
labels of :mod:`tiers_lieu.services.amap.common`, so the screen and the printed sheet say the
same thing.
"""

from __future__ import annotations

from datetime import datetime
from enum import IntEnum
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from tiers_lieu.i18n import (
    _,
    format_date,
    format_eur,
    format_time,
    time_zone,
    to_place_time,
    weekday_name,
)
from tiers_lieu.models.enums import PickupStatus, SubscriptionStatus
from tiers_lieu.services.amap import (
    ContractInfo,
    DistributionInfo,
    EligibleHousehold,
    InstalmentInfo,
    SheetLine,
    SubscriptionInfo,
)
from tiers_lieu.services.amap.common import (
    FUNDING_LABELS,
    METHOD_LABELS,
    PICKUP_LABELS,
    SCHEDULE_LABELS,
    label,
)
from tiers_lieu.ui.models import ReadModelTable

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_STATUS_COLOURS: dict[str, str] = {
    PickupStatus.COLLECTED: "#d8f0d8",
    PickupStatus.GIVEN: "#d8f0d8",
    PickupStatus.ABSENT: "#e4e4e4",
    PickupStatus.DONATED: "#fbe7c6",
    PickupStatus.KEPT: "#fbe7c6",
    PickupStatus.UNCOLLECTED: "#f6d0d0",
}


class SheetModel(ReadModelTable[SheetLine]):
    class Columns(IntEnum):
        HOUSEHOLD = 0
        BASKET = 1
        QUANTITY = 2
        STATUS = 3
        BY = 4
        ABSENCES = 5

    max_absences = 0

    def headers(self) -> dict[Any, str]:
        c = self.Columns
        return {
            c.HOUSEHOLD: _("Foyer"),
            c.BASKET: _("Panier"),
            c.QUANTITY: _("Qté"),
            c.STATUS: _("Retrait"),
            c.BY: _("Retiré par"),
            c.ABSENCES: _("Absences"),
        }

    def row_id(self, row: SheetLine) -> object:
        return row.subscription_id

    def display(self, row: SheetLine, column: Any) -> str:
        c = self.Columns
        if column == c.HOUSEHOLD:
            return row.household + (_(" (solidaire)") if row.solidarity else "")
        if column == c.BASKET:
            return row.basket_name
        if column == c.QUANTITY:
            return str(row.quantity)
        if column == c.STATUS:
            return label(PICKUP_LABELS, row.status)
        if column == c.BY:
            return row.collected_by
        return _("{used} / {max}").format(used=row.absences_used, max=self.max_absences)

    def alignment(self, column: Any) -> Qt.AlignmentFlag:
        return (
            _RIGHT
            if column in (self.Columns.QUANTITY, self.Columns.ABSENCES)
            else (super().alignment(column))
        )

    def extra(self, row: SheetLine, column: Any, role: int) -> object:
        if role == Qt.ItemDataRole.BackgroundRole and row.status in _STATUS_COLOURS:
            return QColor(_STATUS_COLOURS[row.status])
        if role == Qt.ItemDataRole.ForegroundRole and row.status in _STATUS_COLOURS:
            return QColor("#202020")
        return None

    def replace_line(self, line: SheetLine) -> None:
        """Show one household's new status without reloading the whole sheet."""
        number = self.find_row(line.subscription_id)
        if number < 0:
            return
        self._rows[number] = line
        self.dataChanged.emit(self.index(number, 0), self.index(number, len(self.Columns) - 1))


class ContractsModel(ReadModelTable[ContractInfo]):
    class Columns(IntEnum):
        NAME = 0
        PRODUCER = 1
        SEASON = 2
        DAY = 3
        SCHEDULE = 4
        HOUSEHOLDS = 5

    def headers(self) -> dict[Any, str]:
        c = self.Columns
        return {
            c.NAME: _("Contrat"),
            c.PRODUCER: _("Producteur"),
            c.SEASON: _("Saison"),
            c.DAY: _("Distribution"),
            c.SCHEDULE: _("Paiement"),
            c.HOUSEHOLDS: _("Foyers"),
        }

    def display(self, row: ContractInfo, column: Any) -> str:
        c = self.Columns
        if column == c.NAME:
            return row.name
        if column == c.PRODUCER:
            return row.producer_name
        if column == c.SEASON:
            return _("{start} – {end}").format(
                start=format_date(row.season_start), end=format_date(row.season_end)
            )
        if column == c.DAY:
            return _("{day} {start}–{end}").format(
                day=weekday_name(row.weekday),
                start=format_time(row.start_time),
                end=format_time(row.end_time),
            )
        if column == c.SCHEDULE:
            return label(SCHEDULE_LABELS, row.payment_schedule)
        capacity = "∞" if row.capacity is None else str(row.capacity)
        text = _("{n} / {capacity}").format(n=row.subscribed, capacity=capacity)
        if row.waiting:
            text += _(" (+{n} en attente)").format(n=row.waiting)
        return text


class CalendarModel(ReadModelTable[DistributionInfo]):
    class Columns(IntEnum):
        DATE = 0
        HOURS = 1
        STATE = 2
        NOTE = 3

    def headers(self) -> dict[Any, str]:
        c = self.Columns
        return {c.DATE: _("Date"), c.HOURS: _("Horaires"), c.STATE: _("État"), c.NOTE: _("Note")}

    def display(self, row: DistributionInfo, column: Any) -> str:
        c = self.Columns
        if column == c.DATE:
            return format_date(row.on_date, "full")
        if column == c.HOURS:
            return _("{start}–{end}").format(
                start=format_time(row.start_time), end=format_time(row.end_time)
            )
        if column == c.STATE:
            return _("Annulée") if row.cancelled else _("Prévue")
        return row.note

    def extra(self, row: DistributionInfo, column: Any, role: int) -> object:
        if role == Qt.ItemDataRole.ForegroundRole and row.cancelled:
            return QColor("#8a1c1c")
        return None


class SubscriptionsModel(ReadModelTable[SubscriptionInfo]):
    class Columns(IntEnum):
        HOUSEHOLD = 0
        BASKET = 1
        QUANTITY = 2
        SINCE = 3
        STATUS = 4
        TOTAL = 5
        RECEIVED = 6

    def headers(self) -> dict[Any, str]:
        c = self.Columns
        return {
            c.HOUSEHOLD: _("Foyer"),
            c.BASKET: _("Panier"),
            c.QUANTITY: _("Qté"),
            c.SINCE: _("Depuis le"),
            c.STATUS: _("État"),
            c.TOTAL: _("Saison"),
            c.RECEIVED: _("Reçu"),
        }

    def display(self, row: SubscriptionInfo, column: Any) -> str:
        c = self.Columns
        if column == c.HOUSEHOLD:
            return row.household + (_(" (solidaire)") if row.solidarity else "")
        if column == c.BASKET:
            return row.basket_name
        if column == c.QUANTITY:
            return str(row.quantity)
        if column == c.SINCE:
            return format_date(row.start_date)
        if column == c.STATUS:
            if row.status == SubscriptionStatus.WAITING:
                return _("En attente (n° {n})").format(n=row.waitlist_position)
            return _("Terminé") if row.status == SubscriptionStatus.ENDED else _("Actif")
        if column == c.TOTAL:
            return format_eur(row.total_cents)
        return format_eur(row.received_cents)

    def alignment(self, column: Any) -> Qt.AlignmentFlag:
        c = self.Columns
        return _RIGHT if column in (c.QUANTITY, c.TOTAL, c.RECEIVED) else super().alignment(column)


class InstalmentsModel(ReadModelTable[InstalmentInfo]):
    zone: ZoneInfo = time_zone(None)
    """The place's clock the days of receipt are read on (the tab sets its site's)."""

    class Columns(IntEnum):
        DUE = 0
        AMOUNT = 1
        METHOD = 2
        NUMBER = 3
        RECEIVED = 4
        HANDED = 5

    def headers(self) -> dict[Any, str]:
        c = self.Columns
        return {
            c.DUE: _("Échéance"),
            c.AMOUNT: _("Montant"),
            c.METHOD: _("Moyen"),
            c.NUMBER: _("N° de chèque"),
            c.RECEIVED: _("Reçu le"),
            c.HANDED: _("Remis au producteur"),
        }

    def display(self, row: InstalmentInfo, column: Any) -> str:
        c = self.Columns
        if column == c.DUE:
            return format_date(row.due_date)
        if column == c.AMOUNT:
            return format_eur(row.amount_cents)
        if column == c.METHOD:
            return label(METHOD_LABELS, row.method)
        if column == c.NUMBER:
            return row.cheque_number
        if column == c.RECEIVED:
            return self._day(row.received_at) or _("à recevoir")
        return self._day(row.handed_to_producer_at)

    def _day(self, instant: datetime | None) -> str:
        return format_date(to_place_time(instant, self.zone).date()) if instant else ""

    def alignment(self, column: Any) -> Qt.AlignmentFlag:
        return _RIGHT if column == self.Columns.AMOUNT else super().alignment(column)


class EligibleModel(ReadModelTable[EligibleHousehold]):
    class Columns(IntEnum):
        HOUSEHOLD = 0
        CONTRACT = 1
        BASKET = 2
        REFERRED = 3
        UNTIL = 4
        GAP = 5
        FUNDING = 6

    def headers(self) -> dict[Any, str]:
        c = self.Columns
        return {
            c.HOUSEHOLD: _("Foyer"),
            c.CONTRACT: _("Contrat"),
            c.BASKET: _("Panier"),
            c.REFERRED: _("Orienté par"),
            c.UNTIL: _("Jusqu'au"),
            c.GAP: _("Écart par distribution"),
            c.FUNDING: _("Financement"),
        }

    def row_id(self, row: EligibleHousehold) -> object:
        return row.subscription_id

    def display(self, row: EligibleHousehold, column: Any) -> str:
        c = self.Columns
        if column == c.HOUSEHOLD:
            return row.household
        if column == c.CONTRACT:
            return row.contract_name
        if column == c.BASKET:
            return _("{n} × {basket}").format(n=row.quantity, basket=row.basket_name)
        if column == c.REFERRED:
            return row.referred_by
        if column == c.UNTIL:
            return format_date(row.eligible_until) if row.eligible_until else ""
        if column == c.GAP:
            return format_eur(row.gap_cents)
        if not row.funding:
            return _("à préciser")
        return ", ".join(
            _("{source} {percent} %").format(source=label(FUNDING_LABELS, s), percent=p)
            for s, p in row.funding
        )

    def alignment(self, column: Any) -> Qt.AlignmentFlag:
        return _RIGHT if column == self.Columns.GAP else super().alignment(column)
