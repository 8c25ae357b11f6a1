"""The lists of the « Rapports » record tabs, as table models over OrganisationService's read
models. They only format (dates, FTE, durations through :mod:`tiers_lieu.i18n`)."""

from __future__ import annotations

from datetime import date
from enum import IntEnum
from typing import Any

from PySide6.QtCore import Qt

from tiers_lieu.i18n import _, format_date, format_number
from tiers_lieu.reports.pdf_parts.text import format_value
from tiers_lieu.services.organisation import (
    JobInfo,
    PartnerInfo,
    VolunteerTimeInfo,
    contract_type_label,
)
from tiers_lieu.services.payment_claims import ClaimInfo
from tiers_lieu.ui.models import ReadModelTable

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def _day(value: object) -> str:
    return format_date(value) if isinstance(value, date) else "—"


class PartnersModel(ReadModelTable[PartnerInfo]):
    class Columns(IntEnum):
        NAME = 0
        KIND = 1
        STARTED = 2
        ENDED = 3
        FRANCE_SERVICES = 4

    def headers(self) -> dict[Any, str]:
        c = self.Columns
        return {
            c.NAME: _("Partenaire"),
            c.KIND: _("Type"),
            c.STARTED: _("Depuis le"),
            c.ENDED: _("Jusqu'au"),
            c.FRANCE_SERVICES: _("France Services"),
        }

    def display(self, row: PartnerInfo, column: Any) -> str:
        c = self.Columns
        if column == c.NAME:
            return row.name
        if column == c.KIND:
            return row.kind
        if column == c.STARTED:
            return _day(row.started_on)
        if column == c.ENDED:
            return _day(row.ended_on)
        return _("oui") if row.is_france_services_operator else ""

    def sort_value(self, row: PartnerInfo, column: Any) -> object:
        if column == self.Columns.STARTED:
            return row.started_on.isoformat() if row.started_on else ""
        return self.display(row, column)


class JobsModel(ReadModelTable[JobInfo]):
    class Columns(IntEnum):
        POST = 0
        CONTRACT = 1
        START = 2
        END = 3
        TIME = 4
        NEW = 5
        FTE = 6

    def headers(self) -> dict[Any, str]:
        c = self.Columns
        return {
            c.POST: _("Poste"),
            c.CONTRACT: _("Contrat"),
            c.START: _("Début"),
            c.END: _("Fin"),
            c.TIME: _("Temps"),
            c.NEW: _("Création"),
            c.FTE: _("ETP (R.37)"),
        }

    def display(self, row: JobInfo, column: Any) -> str:
        c = self.Columns
        if column == c.POST:
            return row.post
        if column == c.CONTRACT:
            return contract_type_label(row.contract_type)
        if column == c.START:
            return _day(row.start_date)
        if column == c.END:
            return _day(row.end_date)
        if column == c.TIME:
            return _("{n} %").format(n=format_number(row.working_time_percent))
        if column == c.NEW:
            return _("emploi créé") if row.is_new else _("emploi maintenu")
        return "—" if row.is_volunteer else format_number(row.fte, 2)

    def alignment(self, column: Any) -> Qt.AlignmentFlag:
        if column in (self.Columns.TIME, self.Columns.FTE):
            return _RIGHT
        return super().alignment(column)


class VolunteerTimeModel(ReadModelTable[VolunteerTimeInfo]):
    class Columns(IntEnum):
        DATE = 0
        DURATION = 1
        ACTIVITY = 2
        PERSON = 3

    def headers(self) -> dict[Any, str]:
        c = self.Columns
        return {
            c.DATE: _("Date"),
            c.DURATION: _("Durée"),
            c.ACTIVITY: _("Activité"),
            c.PERSON: _("Bénévole"),
        }

    def display(self, row: VolunteerTimeInfo, column: Any) -> str:
        c = self.Columns
        if column == c.DATE:
            return _day(row.on_date)
        if column == c.DURATION:
            return format_value(row.minutes / 60, "hours")
        if column == c.ACTIVITY:
            return row.activity
        # The report counts volunteers; the list only says whether one was named.
        return _("identifié") if row.person_id is not None else _("non précisé")

    def alignment(self, column: Any) -> Qt.AlignmentFlag:
        if column == self.Columns.DURATION:
            return _RIGHT
        return super().alignment(column)


class ClaimsModel(ReadModelTable[ClaimInfo]):
    class Columns(IntEnum):
        NUMBER = 0
        START = 1
        END = 2

    def headers(self) -> dict[Any, str]:
        c = self.Columns
        return {c.NUMBER: _("Demande n°"), c.START: _("Du"), c.END: _("Au")}

    def display(self, row: ClaimInfo, column: Any) -> str:
        c = self.Columns
        if column == c.NUMBER:
            return row.number
        if column == c.START:
            return _day(row.period_start)
        return _day(row.period_end)
