"""A permanence's rule as fields: the room, the day, the hours, the slots, the rhythm and the
first date. The Permanences tab adds with them; « Corriger… » opens them in a dialog on a
permanence typed wrong (nobody booked it yet: the service refuses otherwise)."""

from __future__ import annotations

import uuid
from datetime import date
from zoneinfo import ZoneInfo

from PySide6.QtCore import QTime
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.i18n import _, weekday_name
from tiers_lieu.models.enums import ResourceKind
from tiers_lieu.services.agenda.permanences import PermanenceInput
from tiers_lieu.services.agenda.readmodels import PermanenceInfo, ResourceInfo
from tiers_lieu.ui.agenda.dialog_parts import WeeksBox
from tiers_lieu.ui.agenda.side_form import bounded_combo
from tiers_lieu.ui.common import dialog_buttons, to_date, to_qdate, to_time, today_qdate
from tiers_lieu.ui.date_range import bounded
from tiers_lieu.ui.visits.common import find_data


class PermanenceFields:
    """The fields of a permanence's rule, laid out in ``form`` (labels with their letters)."""

    def __init__(self, parent: QWidget, form: QFormLayout, zone: ZoneInfo) -> None:
        self.resource = bounded_combo(QComboBox(parent))
        self.weekday = QComboBox(parent)
        for number in range(7):
            self.weekday.addItem(weekday_name(number), number)
        self.start = QTimeEdit(QTime(9, 0), parent)
        self.end = QTimeEdit(QTime(12, 0), parent)
        self.slot = QSpinBox(parent)
        self.slot.setRange(5, 240)
        self.slot.setValue(20)
        self.slot.setSuffix(_(" min"))
        self.interval = WeeksBox(parent)
        self.from_date = bounded(QDateEdit(today_qdate(zone), parent))
        self.from_date.setCalendarPopup(True)
        self.from_date.setDisplayFormat("dd/MM/yyyy")
        hours = QHBoxLayout()
        hours.addWidget(self.start)
        hours.addWidget(self.end)
        form.addRow(_("&Lieu :"), self.resource)
        form.addRow(_("&Jour :"), self.weekday)
        hours_label = QLabel(_("&Horaires :"), parent)
        hours_label.setBuddy(self.start)
        form.addRow(hours_label, hours)
        form.addRow(_("Créneaux de :"), self.slot)
        form.addRow(_("&Rythme :"), self.interval)
        form.addRow(_("À partir du :"), self.from_date)

    def set_rooms(self, resources: list[ResourceInfo], chosen: uuid.UUID | None = None) -> None:
        """The rooms to choose from: ``chosen``, or else the last health room."""
        self.resource.clear()
        for resource in resources:
            self.resource.addItem(resource.name, resource.id)
            if chosen is None and resource.kind == ResourceKind.HEALTH_ROOM:
                self.resource.setCurrentIndex(self.resource.count() - 1)
        if chosen is not None:
            self.resource.setCurrentIndex(max(0, find_data(self.resource, chosen)))

    def show_rule(self, permanence: PermanenceInfo) -> None:
        self.weekday.setCurrentIndex(permanence.weekday)
        self.start.setTime(QTime(permanence.start_time.hour, permanence.start_time.minute))
        self.end.setTime(QTime(permanence.end_time.hour, permanence.end_time.minute))
        self.slot.setValue(permanence.slot_min)
        self.interval.setValue(permanence.interval_weeks)
        self.from_date.setDate(to_qdate(permanence.start_date))

    def rule(self, practitioner_id: uuid.UUID, end_date: date | None = None) -> PermanenceInput:
        return PermanenceInput(
            practitioner_id=practitioner_id,
            resource_id=self.resource.currentData(),
            weekday=self.weekday.currentData(),
            start_time=to_time(self.start.time()),
            end_time=to_time(self.end.time()),
            slot_min=self.slot.value(),
            interval_weeks=self.interval.value(),
            start_date=to_date(self.from_date.date()),
            end_date=end_date,
        )


class PermanenceDialog(QDialog):
    """Correct a permanence typed wrong; its end date, if any, is kept."""

    def __init__(
        self,
        permanence: PermanenceInfo,
        rooms: list[ResourceInfo],
        zone: ZoneInfo,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.permanence = permanence
        self.setWindowTitle(
            _("Corriger la permanence de {name}").format(name=permanence.practitioner_name)
        )
        form = QFormLayout()
        self.fields = PermanenceFields(self, form, zone)
        self.fields.set_rooms(rooms, permanence.resource_id)
        self.fields.show_rule(permanence)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(dialog_buttons(self))
        self.fields.weekday.setFocus()

    def rule(self) -> PermanenceInput:
        return self.fields.rule(self.permanence.practitioner_id, self.permanence.end_date)
