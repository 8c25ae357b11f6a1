"""The dialog that creates or changes a workshop: its description on the left, its attendance
on the right.

Saving is two service calls: the event, then its attendance (which re-writes the visits it
counts). If the attendance is refused, the event is already saved: the dialog stays open on
that event, so saving again after the fix updates it instead of creating a second one.
Entrée adds an attendance line rather than saving (a head count is typed line after line);
Ctrl+S saves, Échap cancels.
"""

from __future__ import annotations

import uuid
from datetime import date

from PySide6.QtCore import QTime, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import _, place_today
from tiers_lieu.models.enums import AttendanceMode, CategoryKind
from tiers_lieu.services.coop_vocabulary import (
    CHANNELS,
    DIGITAL_THEMES,
    EQUIPMENT,
    SEPARATOR,
    WORKSHOP_LEVELS,
)
from tiers_lieu.services.events import MAX_DURATION_MIN, EventDetail, EventFields
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.services.visit_log import MAX_COUNT
from tiers_lieu.ui import options
from tiers_lieu.ui.common import to_date, to_qdate
from tiers_lieu.ui.coop_fields import KeyCombo, KeyListEdit
from tiers_lieu.ui.date_range import bounded
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.pickers import CategoryCombo
from tiers_lieu.ui.visits.attendance import AttendanceEditor
from tiers_lieu.ui.visits.common import keep_choice, select_data, to_time


def _line_edit(parent: QWidget, length: int, hint: str = "") -> QLineEdit:
    edit = QLineEdit(parent)
    edit.setMaxLength(length)
    edit.setPlaceholderText(hint)
    return edit


class EventDialog(QDialog):
    event_saved = Signal(object)
    """The saved workshop with its attendance, as an ``EventDetail``."""

    def __init__(
        self,
        app: Comptoir,
        site: SiteInfo,
        detail: EventDetail | None = None,
        parent: QWidget | None = None,
        *,
        day: date | None = None,
    ) -> None:
        super().__init__(parent)
        self._app = app
        self._site_id = site.id
        self._event_id = detail.event.id if detail else None
        self.setWindowTitle(_("Modifier l'atelier") if detail else _("Nouvel atelier"))

        box = QGroupBox(_("Atelier ou animation"), self)
        self.title_edit = _line_edit(box, 200, _("par exemple : Premiers pas sur tablette"))
        self.type_combo = CategoryCombo(app, site.id, CategoryKind.EVENT_TYPE, box)
        self.theme_edit = _line_edit(box, 120, _("par exemple : démarches en ligne"))
        self.date_edit = bounded(QDateEdit(box))
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("dd/MM/yyyy")
        start = day or place_today(site.zone)
        self.date_edit.setDate(to_qdate(start))
        self.time_check = QCheckBox(_("à"), box)
        self.time_check.setChecked(True)
        self.time_edit = QTimeEdit(QTime(14, 0), box)
        self.time_edit.setDisplayFormat("HH:mm")
        self.time_check.toggled.connect(self.time_edit.setEnabled)
        when = QHBoxLayout()
        when.addWidget(self.date_edit)
        when.addWidget(self.time_check)
        when.addWidget(self.time_edit)
        when.addStretch(1)
        self.duration_spin = QSpinBox(box)
        self.duration_spin.setRange(0, MAX_DURATION_MIN)
        self.duration_spin.setSingleStep(15)
        self.duration_spin.setValue(90)
        self.duration_spin.setSuffix(_(" min"))
        self.place_edit = _line_edit(box, 120, _("par exemple : salle commune"))
        self.facilitator_edit = _line_edit(box, 120, _("qui anime"))
        self.partner_combo = QComboBox(box)
        self.partner_combo.addItem(_("Aucun"), None)
        for partner in app.events.list_partners(site.id):
            self.partner_combo.addItem(partner.name, partner.id)
        self.service_combo = QComboBox(box)
        for service in app.config.list_services(site.id):
            self.service_combo.addItem(service.name, service.id)
        self.service_combo.setToolTip(
            _("Chaque participant compte une visite à ce service, à la date de l'atelier.")
        )
        default_service = app.events.default_service_id(site.id)
        select_data(self.service_combo, default_service)

        # What the Coop de la médiation numérique asks of a workshop (optional; the channel
        # and the equipment of the last new workshop are proposed).
        coop = QGroupBox(_("Pour la Coop de la médiation numérique (facultatif)"), self)
        # Created in the order Tab follows: niveau, places, canal, thématiques, matériel.
        self.level_combo = KeyCombo(WORKSHOP_LEVELS, coop)
        self.capacity_spin = QSpinBox(coop)
        self.capacity_spin.setRange(0, MAX_COUNT)
        self.capacity_spin.setSpecialValueText(_("—"))
        self.capacity_spin.setToolTip(_("Places offertes ; « — » : non précisé."))
        self.channel_combo = KeyCombo(CHANNELS, coop)
        self.themes_edit = KeyListEdit(DIGITAL_THEMES, coop)
        self.themes_edit.setPlaceholderText(_("e-mail, navigation sur internet…"))
        self.equipment_edit = KeyListEdit(EQUIPMENT, coop)
        self.equipment_edit.setPlaceholderText(_("ordinateur, tablette…"))
        if detail is None:
            self.channel_combo.set_value(options.WORKSHOP_CHANNEL.get() or None)
            self.equipment_edit.set_keys(EQUIPMENT.split(options.WORKSHOP_EQUIPMENT.get()))
        coop_form = QFormLayout(coop)
        level_row = QHBoxLayout()
        level_row.addWidget(self.level_combo, 1)
        places = QLabel(_("Places :"), coop)
        places.setBuddy(self.capacity_spin)
        level_row.addWidget(places)
        level_row.addWidget(self.capacity_spin)
        coop_rows: tuple[tuple[str, QWidget | QHBoxLayout], ...] = (
            (_("Nive&au :"), level_row),
            (_("Canal :"), self.channel_combo),
            (_("Thématiques numéri&ques :"), self.themes_edit),
            (_("Matériel :"), self.equipment_edit),
        )
        for text, row in coop_rows:
            label = QLabel(text, coop)
            label.setBuddy(row if isinstance(row, QWidget) else self.level_combo)
            coop_form.addRow(label, row)

        form = QFormLayout(box)
        for text, field in (
            (_("T&itre :"), self.title_edit),
            (_("T&ype :"), self.type_combo),
            (_("T&hème :"), self.theme_edit),
            (_("&Date :"), when),
            (_("D&urée :"), self.duration_spin),
            (_("&Lieu :"), self.place_edit),
            (_("Ani&mé par :"), self.facilitator_edit),
            (_("Parte&naire :"), self.partner_combo),
            (_("Ser&vice :"), self.service_combo),
        ):
            label = QLabel(text, box)
            label.setBuddy(field if isinstance(field, QWidget) else self.date_edit)
            form.addRow(label, field)

        attendance_box = QGroupBox(_("Participation"), self)
        self.attendance = AttendanceEditor(app, site.id, attendance_box)
        note = QLabel(
            _("Les participants comptent aussi comme visites au service choisi."),
            attendance_box,
        )
        note.setWordWrap(True)
        attendance_layout = QVBoxLayout(attendance_box)
        attendance_layout.addWidget(self.attendance, 1)
        attendance_layout.addWidget(note)

        self.save_button = QPushButton(_("&Enregistrer"), self)
        self.cancel_button = QPushButton(_("Annuler"), self)
        self.save_button.setToolTip(_("Enregistrer l'atelier (Ctrl+S)"))
        self.save_button.clicked.connect(self.on_save_clicked)
        self.cancel_button.clicked.connect(self.reject)
        QShortcut(QKeySequence.StandardKey.Save, self, self.on_save_clicked)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.cancel_button)

        left = QVBoxLayout()
        left.addWidget(box)
        left.addWidget(coop)
        left.addStretch(1)
        columns = QHBoxLayout()
        columns.addLayout(left, 1)
        columns.addWidget(attendance_box, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addLayout(buttons)
        # No button answers Entrée: in a dialog, an « auto-default » button would (the next one
        # in the focus chain), and Entrée belongs to the attendance lines.
        for button in self.findChildren(QPushButton):
            button.setAutoDefault(False)
            button.setDefault(False)
        box.setMinimumWidth(360)
        coop.setMinimumWidth(360)
        self.resize(1000, 540)  # within a 1024×600 screen
        if detail is not None:
            self._show(detail)

    def _show(self, detail: EventDetail) -> None:
        event = detail.event
        self.title_edit.setText(event.title)
        keep_choice(self.type_combo, event.event_type_id, event.event_type)
        self.type_combo.set_value(event.event_type_id)
        self.theme_edit.setText(event.theme)
        day = event.event_date
        self.date_edit.setDate(to_qdate(day))
        self.time_check.setChecked(event.start_time is not None)
        if event.start_time is not None:
            self.time_edit.setTime(QTime(event.start_time.hour, event.start_time.minute))
        self.duration_spin.setValue(event.duration_min)
        self.place_edit.setText(event.place)
        self.facilitator_edit.setText(event.facilitator)
        keep_choice(self.partner_combo, event.partner_id, event.partner_name)
        select_data(self.partner_combo, event.partner_id)
        keep_choice(self.service_combo, event.service_id, event.service_name)
        select_data(
            self.service_combo, event.service_id, fallback=self.service_combo.currentIndex()
        )
        self.level_combo.set_value(event.workshop_level)
        self.channel_combo.set_value(event.channel)
        self.capacity_spin.setValue(event.capacity or 0)
        self.themes_edit.set_keys(event.digital_themes)
        self.equipment_edit.set_keys(event.equipment)
        self.attendance.set_detail(detail)

    @property
    def event_id(self) -> uuid.UUID | None:
        """The workshop being edited (set once a new one was saved)."""
        return self._event_id

    def on_save_clicked(self) -> None:
        self.duration_spin.interpretText()
        self.capacity_spin.interpretText()
        events = self._app.events
        try:
            values = EventFields(
                title=self.title_edit.text(),
                event_type_id=self.type_combo.value(),
                theme=self.theme_edit.text(),
                event_date=to_date(self.date_edit.date()),
                start_time=to_time(self.time_edit.time()) if self.time_check.isChecked() else None,
                duration_min=self.duration_spin.value(),
                place=self.place_edit.text(),
                facilitator=self.facilitator_edit.text(),
                partner_id=self.partner_combo.currentData(),
                service_id=self.service_combo.currentData(),
                capacity=self.capacity_spin.value() or None,
                workshop_level=self.level_combo.value(),
                digital_themes=self.themes_edit.keys(),
                equipment=self.equipment_edit.keys(),
                channel=self.channel_combo.value(),
            )
            if self._event_id is None:
                info = events.create(self._site_id, values)
                self._event_id = info.id
                self.setWindowTitle(_("Modifier l'atelier"))
            else:
                events.update(self._event_id, values)
        except Exception as exc:  # expected ones shown, unexpected ones also logged
            show_error(self, exc, _("Atelier non enregistré"))
            return
        if values.channel is not None:  # the next new workshop starts from these
            options.WORKSHOP_CHANNEL.set(values.channel)
        options.WORKSHOP_EQUIPMENT.set(SEPARATOR.join(values.equipment))
        try:
            if self.attendance.mode() == AttendanceMode.REGISTERED:
                detail = events.set_registered(self._event_id, self.attendance.person_ids())
            else:
                detail = events.set_head_counts(self._event_id, self.attendance.head_counts())
        except Exception as exc:  # the event is saved; its attendance is to be fixed
            show_error(self, exc, _("Participation non enregistrée"))
            return
        self.event_saved.emit(detail)
        self.accept()
