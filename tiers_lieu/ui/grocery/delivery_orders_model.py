"""The table of « Portage »: a day's home-delivery orders, numbered by their stop on their
round, with what to bring, the round's driver and the order's state (delivered in green,
absent in red).
"""

from __future__ import annotations

import uuid
from enum import IntEnum
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from tiers_lieu.i18n import _
from tiers_lieu.services.deliveries import ABSENT, DELIVERED, OrderRow, status_label
from tiers_lieu.ui.models import ReadModelTable

_COLOURS = {DELIVERED: "#dff0d8", ABSENT: "#f2dede"}


class OrdersModel(ReadModelTable[OrderRow]):
    class Columns(IntEnum):
        NUMBER = 0
        PERSON = 1
        COMMUNE = 2
        ADDRESS = 3
        BRING = 4
        ROUND = 5
        STATUS = 6

    rounds: dict[uuid.UUID, str] = {}

    def headers(self) -> dict[Any, str]:
        c = self.Columns
        return {
            c.NUMBER: _("N°"),
            c.PERSON: _("Personne"),
            c.COMMUNE: _("Commune"),
            c.ADDRESS: _("Adresse"),
            c.BRING: _("À apporter"),
            c.ROUND: _("Chauffeur"),
            c.STATUS: _("État"),
        }

    def display(self, row: OrderRow, column: Any) -> str:
        c = self.Columns
        if column == c.NUMBER:
            return str(row.position) if row.round_id else ""
        if column == c.PERSON:
            return row.recipient
        if column == c.COMMUNE:
            return row.commune
        if column == c.ADDRESS:
            return row.address
        if column == c.BRING:
            return " ; ".join(row.to_bring())
        if column == c.ROUND:
            return self.rounds.get(row.round_id, "") if row.round_id else _("(aucune)")
        return status_label(row.status)

    def extra(self, row: OrderRow, column: Any, role: int) -> object:
        if role == Qt.ItemDataRole.BackgroundRole and row.status in _COLOURS:
            return QColor(_COLOURS[row.status])
        if role == Qt.ItemDataRole.ForegroundRole and row.status in _COLOURS:
            return QColor("#202020")
        return None
