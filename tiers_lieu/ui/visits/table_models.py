"""The lists of « Visites et ateliers », as table models over the services' read models.

The visits list is a :class:`~tiers_lieu.ui.models.PagedTable` reading the next page by
keyset (after the last row held): a year of a busy site (≈ 17 000 visits) opens with its
first 200 rows. Corrections and deletions patch the rows held instead of reloading, so the
host keeps their place in the list.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from enum import IntEnum
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QModelIndex, QObject, Qt

from tiers_lieu.defaults import UNKNOWN
from tiers_lieu.i18n import (
    N_,
    _,
    format_date,
    format_datetime,
    format_duration,
    format_number,
    format_time,
    ngettext,
)
from tiers_lieu.models.enums import AttendanceMode, VisitSource
from tiers_lieu.services.events import EventInfo, HeadCountLine, RegisteredPerson
from tiers_lieu.services.visit_log import VisitCursor, VisitRow
from tiers_lieu.ui.models import PagedTable, ReadModelTable

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_NO_INDEX = QModelIndex()

SOURCE_LABELS = {
    VisitSource.DESK: N_("Comptoir"),
    VisitSource.IMPORT: N_("Import"),
    VisitSource.EVENT: N_("Atelier"),
    VisitSource.BOOKING: N_("Réservation"),
    VisitSource.ASSISTANCE: N_("Démarche"),
    VisitSource.DEMO: N_("Démonstration"),
}


def source_label(source: str) -> str:
    label = SOURCE_LABELS.get(VisitSource(source)) if source in set(VisitSource) else None
    return _(label) if label else source


def duration_text(minutes: int) -> str:
    """« 45 min », « 2 h », « 1 h 30 » (the one rule, :func:`i18n.format_duration`)."""
    return format_duration(minutes)


Fetch = Callable[[VisitCursor | None, int], list[VisitRow]]


class VisitsModel(PagedTable[VisitRow]):
    """Visits newest first, read page by page through ``fetch(after, limit)``."""

    class Columns(IntEnum):
        DATE = 0
        TIME = 1
        SERVICE = 2
        COUNT = 3
        COMMUNE = 4
        AGE_BAND = 5
        GENDER = 6
        STATUS = 7
        PERSON = 8
        ENTERED = 9
        SOURCE = 10

    def __init__(
        self,
        fetch: Fetch,
        parent: QObject | None = None,
        *,
        zone: ZoneInfo,
    ) -> None:
        super().__init__(parent)
        self._fetch = fetch
        self._zone = zone
        self._texts: dict[uuid.UUID, tuple[str, ...]] = {}

    def headers(self) -> dict[Any, str]:
        c = self.Columns
        return {
            c.DATE: _("Date"),
            c.TIME: _("Heure"),
            c.SERVICE: _("Service"),
            c.COUNT: _("Nombre"),
            c.COMMUNE: _("Commune"),
            c.AGE_BAND: _("Tranche d'âge"),
            c.GENDER: _("Genre"),
            c.STATUS: _("Statut"),
            c.PERSON: _("Personne"),
            c.ENTERED: _("Saisie le"),
            c.SOURCE: _("Source"),
        }

    def display(self, row: VisitRow, column: Any) -> str:
        # Formatting through babel costs ~0.2 ms a value and Qt asks for each cell several
        # times per paint: the texts of a row are made once and kept with the pages.
        texts = self._texts.get(row.id)
        if texts is None:
            texts = self._texts[row.id] = self._row_texts(row)
        return texts[column]

    def _row_texts(self, row: VisitRow) -> tuple[str, ...]:
        return (
            format_date(row.activity_date),
            format_time(row.activity_time) if row.activity_time else "",
            row.service_name,
            str(row.count) if row.count < 1000 else format_number(row.count),
            row.commune_name,
            row.age_band,
            row.gender,
            row.status,
            row.person_name,
            # Stored in UTC; shown on the place's wall clock.
            format_datetime(row.created_at, self._zone),
            source_label(row.source),
        )

    def alignment(self, column: Any) -> Qt.AlignmentFlag:
        return _RIGHT if column == self.Columns.COUNT else super().alignment(column)

    def sort_value(self, row: VisitRow, column: Any) -> object:
        c = self.Columns
        if column == c.DATE:
            return row.activity_date
        if column == c.COUNT:
            return row.count
        if column == c.ENTERED:
            return row.created_at
        return self.display(row, column)

    # -- pages -------------------------------------------------------------------------------
    def read_page(self, held: Sequence[VisitRow], limit: int) -> list[VisitRow]:
        return self._fetch(held[-1].cursor if held else None, limit)

    def reload(self, first: list[VisitRow] | None = None) -> None:
        self._texts.clear()
        super().reload(first)

    # -- patches after a correction ----------------------------------------------------------
    def replace_row(self, row: VisitRow) -> None:
        number = self.find_row(row.id)
        if number < 0:
            return
        self._rows[number] = row
        self._texts.pop(row.id, None)
        self.dataChanged.emit(self.index(number, 0), self.index(number, len(self.Columns) - 1))

    def remove_id(self, row_id: uuid.UUID) -> None:
        number = self.find_row(row_id)
        if number < 0:
            return
        self.beginRemoveRows(_NO_INDEX, number, number)
        del self._rows[number]
        self._texts.pop(row_id, None)
        self.endRemoveRows()


class EventsModel(ReadModelTable[EventInfo]):
    class Columns(IntEnum):
        DATE = 0
        TIME = 1
        TITLE = 2
        TYPE = 3
        DURATION = 4
        PARTICIPANTS = 5
        PLACE = 6
        FACILITATOR = 7
        PARTNER = 8

    def headers(self) -> dict[Any, str]:
        c = self.Columns
        return {
            c.DATE: _("Date"),
            c.TIME: _("Début"),
            c.TITLE: _("Titre"),
            c.TYPE: _("Type"),
            c.DURATION: _("Durée"),
            c.PARTICIPANTS: _("Participants"),
            c.PLACE: _("Lieu"),
            c.FACILITATOR: _("Animé par"),
            c.PARTNER: _("Partenaire"),
        }

    def display(self, row: EventInfo, column: Any) -> str:
        c = self.Columns
        if column == c.DATE:
            return format_date(row.event_date)
        if column == c.TIME:
            return format_time(row.start_time) if row.start_time else ""
        if column == c.DURATION:
            return duration_text(row.duration_min)
        if column == c.PARTICIPANTS:
            text = format_number(row.participants)
            if row.attendance_mode == AttendanceMode.REGISTERED:
                return ngettext("{n} inscrit", "{n} inscrits", row.participants).format(n=text)
            return text
        texts = {
            c.TITLE: row.title,
            c.TYPE: row.event_type,
            c.PLACE: row.place,
            c.FACILITATOR: row.facilitator,
            c.PARTNER: row.partner_name,
        }
        return texts[column]

    def alignment(self, column: Any) -> Qt.AlignmentFlag:
        if column in (self.Columns.DURATION, self.Columns.PARTICIPANTS):
            return _RIGHT
        return super().alignment(column)

    def sort_value(self, row: EventInfo, column: Any) -> object:
        c = self.Columns
        if column == c.DATE:
            return row.event_date
        if column == c.DURATION:
            return row.duration_min
        if column == c.PARTICIPANTS:
            return row.participants
        return self.display(row, column)


class HeadCountsModel(ReadModelTable[HeadCountLine]):
    """The head-count lines being edited; ``labels`` names the categories' ids."""

    class Columns(IntEnum):
        COUNT = 0
        GENDER = 1
        AGE_BAND = 2
        STATUS = 3

    def __init__(self, labels: Mapping[uuid.UUID, str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._labels = labels

    def headers(self) -> dict[Any, str]:
        c = self.Columns
        return {
            c.COUNT: _("Nombre"),
            c.GENDER: _("Genre"),
            c.AGE_BAND: _("Tranche d'âge"),
            c.STATUS: _("Statut"),
        }

    def display(self, row: HeadCountLine, column: Any) -> str:
        c = self.Columns
        if column == c.COUNT:
            return format_number(row.count)
        value = {c.GENDER: row.gender_id, c.AGE_BAND: row.age_band_id, c.STATUS: row.status_id}[
            column
        ]
        return _(UNKNOWN) if value is None else self._labels.get(value, "")

    def alignment(self, column: Any) -> Qt.AlignmentFlag:
        return _RIGHT if column == self.Columns.COUNT else super().alignment(column)


class RegisteredModel(ReadModelTable[RegisteredPerson]):
    class Columns(IntEnum):
        NAME = 0

    def headers(self) -> dict[Any, str]:
        return {self.Columns.NAME: _("Personne inscrite")}

    def display(self, row: RegisteredPerson, column: Any) -> str:
        return row.name

    def row_id(self, row: RegisteredPerson) -> object:
        return row.person_id
