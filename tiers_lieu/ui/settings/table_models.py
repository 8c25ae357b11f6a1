"""The lists of the settings tabs, as table models over the services' read models.

They only format: dates and numbers go through :mod:`tiers_lieu.i18n` so that the screen
reads like the reports (« 1 234 » with a narrow no-break space, « vendredi 25 décembre 2026 »).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import IntEnum
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from tiers_lieu.i18n import _, format_date, format_number
from tiers_lieu.services.readmodels import ClosureInfo, CommuneInfo, ServiceInfo, SiteInfo
from tiers_lieu.services.visits import desk_keys
from tiers_lieu.ui.models import ReadModelTable

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_CENTRE = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter


@dataclass(frozen=True)
class Holiday:
    """One French public holiday, as :func:`~tiers_lieu.services.public_holidays.public_holidays`
    gives it."""

    day: date
    name: str


class SitesModel(ReadModelTable[SiteInfo]):
    class Columns(IntEnum):
        NAME = 0
        COMMUNE = 1
        INSEE = 2

    def headers(self) -> dict[Any, str]:
        c = self.Columns
        return {c.NAME: _("Lieu"), c.COMMUNE: _("Commune"), c.INSEE: _("Code INSEE")}

    def display(self, row: SiteInfo, column: Any) -> str:
        c = self.Columns
        if column == c.NAME:
            return row.name
        if column == c.COMMUNE:
            return row.commune_name
        return row.insee_code or ""


class ClosuresModel(ReadModelTable[ClosureInfo]):
    class Columns(IntEnum):
        START = 0
        END = 1
        REASON = 2

    def headers(self) -> dict[Any, str]:
        c = self.Columns
        return {c.START: _("Du"), c.END: _("Au"), c.REASON: _("Motif")}

    def display(self, row: ClosureInfo, column: Any) -> str:
        c = self.Columns
        if column == c.START:
            return format_date(row.start_date, "full")
        if column == c.END:
            return format_date(row.end_date, "full")
        return row.reason

    def sort_value(self, row: ClosureInfo, column: Any) -> object:
        c = self.Columns
        if column == c.START:
            return row.start_date
        if column == c.END:
            return row.end_date
        return row.reason


class HolidaysModel(ReadModelTable[Holiday]):
    class Columns(IntEnum):
        DAY = 0
        NAME = 1

    def headers(self) -> dict[Any, str]:
        c = self.Columns
        return {c.DAY: _("Date"), c.NAME: _("Jour férié")}

    def display(self, row: Holiday, column: Any) -> str:
        if column == self.Columns.DAY:
            return format_date(row.day, "full")
        return row.name

    def row_id(self, row: Holiday) -> object:
        return row.day

    def sort_value(self, row: Holiday, column: Any) -> object:
        return row.day if column == self.Columns.DAY else row.name


class ServicesModel(ReadModelTable[ServiceInfo]):
    """Services in desk order, inactive ones included and greyed."""

    class Columns(IntEnum):
        KEY = 0
        NAME = 1
        STATE = 2

    def headers(self) -> dict[Any, str]:
        c = self.Columns
        return {c.KEY: _("Touche"), c.NAME: _("Service"), c.STATE: _("État")}

    def display(self, row: ServiceInfo, column: Any) -> str:
        c = self.Columns
        if column == c.KEY:
            key = desk_key(row, self._rows)
            return "" if key is None else str(key)
        if column == c.NAME:
            return row.name
        return _("Actif") if row.active else _("Désactivé")

    def sort_value(self, row: ServiceInfo, column: Any) -> object:
        return row.position if column == self.Columns.KEY else self.display(row, column)

    def alignment(self, column: Any) -> Qt.AlignmentFlag:
        if column == self.Columns.KEY:
            return _CENTRE
        return super().alignment(column)

    def extra(self, row: ServiceInfo, column: Any, role: int) -> object:
        if role == Qt.ItemDataRole.ForegroundRole and not row.active:
            return QApplication.palette().brush(
                QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text
            )
        if role == Qt.ItemDataRole.ToolTipRole and column == self.Columns.KEY:
            key = desk_key(row, self._rows)
            if key is not None:
                return _("Au comptoir, la touche {key} compte une visite pour ce service.").format(
                    key=key
                )
        return None


def desk_key(service: ServiceInfo, services: Sequence[ServiceInfo]) -> int | None:
    """The number key that counts this service at the desk, if it has one: the Accueil
    screen's rule (:func:`~tiers_lieu.services.visits.desk_keys`), over ``services`` in desk
    order."""
    return desk_keys(services).get(service.id)


class CommunesModel(ReadModelTable[CommuneInfo]):
    class Columns(IntEnum):
        INSEE = 0
        NAME = 1
        POPULATION = 2

    def headers(self) -> dict[Any, str]:
        c = self.Columns
        return {c.INSEE: _("Code INSEE"), c.NAME: _("Nom"), c.POPULATION: _("Population")}

    def display(self, row: CommuneInfo, column: Any) -> str:
        c = self.Columns
        if column == c.INSEE:
            return row.insee_code or ""
        if column == c.NAME:
            return row.name
        return "" if row.population is None else format_number(row.population)

    def sort_value(self, row: CommuneInfo, column: Any) -> object:
        if column == self.Columns.POPULATION:
            return row.population if row.population is not None else -1
        return self.display(row, column)

    def alignment(self, column: Any) -> Qt.AlignmentFlag:
        if column == self.Columns.POPULATION:
            return _RIGHT
        return super().alignment(column)
