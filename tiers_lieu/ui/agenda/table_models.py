"""The agenda's lists as table models over the agenda services' read models: resources,
practitioners, permanences, a member's passes and their uses, the occurrences of a recurring
booking that collide, and the events of a calendar import that collide.

They only format (dates, hours, euros through :mod:`tiers_lieu.i18n`); the tabs reload them
after each service call.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from tiers_lieu.i18n import (
    _,
    format_date,
    format_eur,
    format_number,
    format_time,
    ngettext,
    weekday_name,
)
from tiers_lieu.services.agenda.readmodels import (
    IcsEvent,
    Occurrence,
    PassInfo,
    PassTypeInfo,
    PassUseInfo,
    PermanenceInfo,
    PractitionerInfo,
    ResourceInfo,
)
from tiers_lieu.ui.agenda.labels import pass_kind_label, payment_label, resource_kind_label
from tiers_lieu.ui.models import ReadModelTable

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class PassTypesModel(ReadModelTable[PassTypeInfo]):
    """The coworking offers, deactivated ones included."""

    class Columns(IntEnum):
        NAME = 0
        KIND = 1
        PRICE = 2
        UNITS = 3
        ACTIVE = 4

    def headers(self) -> dict[Any, str]:
        c = self.Columns
        return {
            c.NAME: _("Formule"),
            c.KIND: _("Type"),
            c.PRICE: _("Prix"),
            c.UNITS: _("Unités"),
            c.ACTIVE: _("État"),
        }

    def display(self, row: PassTypeInfo, column: Any) -> str:
        c = self.Columns
        if column == c.NAME:
            return row.name
        if column == c.KIND:
            return pass_kind_label(row.kind)
        if column == c.PRICE:
            return format_eur(row.price_cents)
        if column == c.UNITS:
            return format_number(row.units)
        return _("En vente") if row.active else _("Retirée de la vente")

    def alignment(self, column: Any) -> Qt.AlignmentFlag:
        right = column in (self.Columns.PRICE, self.Columns.UNITS)
        return _RIGHT if right else super().alignment(column)


class ResourcesModel(ReadModelTable[ResourceInfo]):
    class Columns(IntEnum):
        NAME = 0
        KIND = 1
        CAPACITY = 2
        DURATION = 3
        BUFFER = 4
        ACTIVE = 5

    def headers(self) -> dict[Any, str]:
        c = self.Columns
        return {
            c.NAME: _("Ressource"),
            c.KIND: _("Type"),
            c.CAPACITY: _("Places"),
            c.DURATION: _("Durée min. – max."),
            c.BUFFER: _("Battement"),
            c.ACTIVE: _("État"),
        }

    def display(self, row: ResourceInfo, column: Any) -> str:
        c = self.Columns
        if column == c.NAME:
            return row.name
        if column == c.KIND:
            return resource_kind_label(row.kind)
        if column == c.CAPACITY:
            return format_number(row.capacity)
        if column == c.DURATION:
            most = (
                _("{n} min").format(n=row.max_duration_min)
                if row.max_duration_min
                else _("sans limite")
            )
            return _("{least} min – {most}").format(least=row.min_duration_min, most=most)
        if column == c.BUFFER:
            return _("{n} min").format(n=row.buffer_min) if row.buffer_min else "—"
        return _("Active") if row.active else _("Désactivée")

    def alignment(self, column: Any) -> Qt.AlignmentFlag:
        return _RIGHT if column == self.Columns.CAPACITY else super().alignment(column)

    def extra(self, row: ResourceInfo, column: Any, role: int) -> object:
        if role == Qt.ItemDataRole.ForegroundRole and not row.active:
            return QColor("#777777")
        return None


class PractitionersModel(ReadModelTable[PractitionerInfo]):
    class Columns(IntEnum):
        NAME = 0
        PROFESSION = 1
        ORGANISATION = 2
        CONTACT = 3

    def headers(self) -> dict[Any, str]:
        c = self.Columns
        return {
            c.NAME: _("Nom"),
            c.PROFESSION: _("Profession"),
            c.ORGANISATION: _("Structure"),
            c.CONTACT: _("Contact"),
        }

    def display(self, row: PractitionerInfo, column: Any) -> str:
        c = self.Columns
        if column == c.NAME:
            return row.name
        if column == c.PROFESSION:
            return f"{row.profession} — {row.specialty}" if row.specialty else row.profession
        if column == c.ORGANISATION:
            return row.organisation
        return " · ".join(part for part in (row.phone, row.email) if part)


class PermanencesModel(ReadModelTable[PermanenceInfo]):
    class Columns(IntEnum):
        PRACTITIONER = 0
        WHEN = 1
        RESOURCE = 2
        SLOTS = 3
        PERIOD = 4

    def headers(self) -> dict[Any, str]:
        c = self.Columns
        return {
            c.PRACTITIONER: _("Intervenant·e"),
            c.WHEN: _("Jour et horaires"),
            c.RESOURCE: _("Lieu"),
            c.SLOTS: _("Créneaux"),
            c.PERIOD: _("Période"),
        }

    def display(self, row: PermanenceInfo, column: Any) -> str:
        c = self.Columns
        if column == c.PRACTITIONER:
            return f"{row.practitioner_name} ({row.profession})"
        if column == c.WHEN:
            every = ngettext(
                "chaque {weekday}", "{weekday}, toutes les {n} semaines", row.interval_weeks
            ).format(weekday=weekday_name(row.weekday), n=row.interval_weeks)
            return _("{every}, {start}–{end}").format(
                every=every, start=format_time(row.start_time), end=format_time(row.end_time)
            )
        if column == c.RESOURCE:
            return row.resource_name
        if column == c.SLOTS:
            return _("{n} × {minutes} min").format(n=row.slots_per_day, minutes=row.slot_min)
        if row.end_date is None:
            return _("depuis le {start}").format(start=format_date(row.start_date))
        return _("du {start} au {end}").format(
            start=format_date(row.start_date), end=format_date(row.end_date)
        )


class PassesModel(ReadModelTable[PassInfo]):
    class Columns(IntEnum):
        TYPE = 0
        BOUGHT = 1
        VALID = 2
        BALANCE = 3
        PRICE = 4
        PAYMENT = 5

    def headers(self) -> dict[Any, str]:
        c = self.Columns
        return {
            c.TYPE: _("Pass"),
            c.BOUGHT: _("Acheté le"),
            c.VALID: _("Valable jusqu'au"),
            c.BALANCE: _("Reste"),
            c.PRICE: _("Prix"),
            c.PAYMENT: _("Paiement"),
        }

    def display(self, row: PassInfo, column: Any) -> str:
        c = self.Columns
        if column == c.TYPE:
            return row.type_name or pass_kind_label(row.kind)
        if column == c.BOUGHT:
            return format_date(row.purchased_on)
        if column == c.VALID:
            return format_date(row.valid_until) if row.valid_until else _("sans limite")
        if column == c.BALANCE:
            return _("{left} / {total}").format(left=row.balance, total=row.units_total)
        if column == c.PRICE:
            return format_eur(row.price_cents)
        return payment_label(row.payment_method)

    def alignment(self, column: Any) -> Qt.AlignmentFlag:
        c = self.Columns
        return _RIGHT if column in (c.BALANCE, c.PRICE) else super().alignment(column)


class PassUsesModel(ReadModelTable[PassUseInfo]):
    class Columns(IntEnum):
        DAY = 0
        TYPE = 1
        UNITS = 2

    def headers(self) -> dict[Any, str]:
        c = self.Columns
        return {c.DAY: _("Utilisé le"), c.TYPE: _("Pass"), c.UNITS: _("Unités")}

    def display(self, row: PassUseInfo, column: Any) -> str:
        c = self.Columns
        if column == c.DAY:
            return format_date(row.used_on, "full")
        if column == c.TYPE:
            return row.type_name
        return format_number(row.units)

    def row_id(self, row: PassUseInfo) -> object:
        return (row.pass_id, row.used_on, row.booking_id)

    def alignment(self, column: Any) -> Qt.AlignmentFlag:
        return _RIGHT if column == self.Columns.UNITS else super().alignment(column)


class OccurrencesModel(ReadModelTable[Occurrence]):
    """The dates of a recurring booking; those that collide say why."""

    class Columns(IntEnum):
        DAY = 0
        HOURS = 1
        STATE = 2

    def headers(self) -> dict[Any, str]:
        c = self.Columns
        return {c.DAY: _("Date"), c.HOURS: _("Horaires"), c.STATE: _("Disponibilité")}

    def display(self, row: Occurrence, column: Any) -> str:
        c = self.Columns
        if column == c.DAY:
            return format_date(row.day, "full")
        if column == c.HOURS:
            return _("{start}–{end}").format(
                start=format_time(row.start.time()), end=format_time(row.end.time())
            )
        return row.reason or _("libre")

    def row_id(self, row: Occurrence) -> object:
        return row.day

    def extra(self, row: Occurrence, column: Any, role: int) -> object:
        if role == Qt.ItemDataRole.ForegroundRole and row.collides:
            return QColor("#b3261e")
        return None


class IcsEventsModel(ReadModelTable[IcsEvent]):
    """The events of a calendar import that cannot become bookings, and why."""

    class Columns(IntEnum):
        WHEN = 0
        SUMMARY = 1
        REASON = 2

    def headers(self) -> dict[Any, str]:
        c = self.Columns
        return {c.WHEN: _("Quand"), c.SUMMARY: _("Événement"), c.REASON: _("Conflit")}

    def display(self, row: IcsEvent, column: Any) -> str:
        c = self.Columns
        if column == c.WHEN:
            return _("{date}, {start}–{end}").format(
                date=format_date(row.start.date()),
                start=format_time(row.start.time()),
                end=format_time(row.end.time()),
            )
        if column == c.SUMMARY:
            return row.summary
        return row.reason

    def row_id(self, row: IcsEvent) -> object:
        return (row.uid, row.start)
