"""The rota's small dialogs: a new shift (Ctrl+N), the volunteer picker (Entrée on a shift),
a volunteer's usual availability."""

from __future__ import annotations

import uuid
from datetime import date, time

from PySide6.QtCore import Qt, QTime
from PySide6.QtGui import QBrush, QColor, QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import ValidationError
from tiers_lieu.i18n import _, format_time, weekday_name
from tiers_lieu.services.rota import (
    MAX_REPEAT_WEEKS,
    ROLES,
    AvailabilityRange,
    ShiftInfo,
    ShiftInput,
    VolunteerChoice,
    role_label,
)
from tiers_lieu.ui.common import dialog_buttons, to_date, to_qdate, to_time
from tiers_lieu.ui.date_range import bounded
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.pickers import PersonEdit

AVAILABLE = QColor("#1b5e20")
UNAVAILABLE = QColor("#6b6b6b")


def range_text(r: AvailabilityRange) -> str:
    text = _("{day} {start}–{end}").format(
        day=weekday_name(r.weekday), start=format_time(r.starts_at), end=format_time(r.ends_at)
    )
    return f"{text} ({role_label(r.role)})" if r.role else text


def shift_text(s: ShiftInfo) -> str:
    return _("{role} {start}–{end}").format(
        role=role_label(s.role), start=format_time(s.starts_at), end=format_time(s.ends_at)
    )


def _role_combo(parent: QWidget, *, any_role: bool = False) -> QComboBox:
    combo = QComboBox(parent)
    if any_role:
        combo.addItem(_("Tous les rôles"), "")
    for code in ROLES:
        combo.addItem(role_label(code), code)
    return combo


def _time_edit(value: time, parent: QWidget) -> QTimeEdit:
    edit = QTimeEdit(QTime(value.hour, value.minute), parent)
    edit.setDisplayFormat("HH:mm")
    return edit


class ShiftDialog(QDialog):
    """A new shift: day, hours, role, who (optional) and how many following weeks alike."""

    def __init__(
        self,
        app: Comptoir,
        site_id: uuid.UUID,
        parent: QWidget | None = None,
        *,
        day: date,
        starts_at: time = time(9, 0),
        ends_at: time = time(12, 0),
        role: str = "accueil",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Nouveau créneau"))
        self._app, self._site_id = app, site_id
        self.created: list[ShiftInfo] = []
        self.day = bounded(QDateEdit(to_qdate(day), self))
        self.day.setCalendarPopup(True)
        self.starts = _time_edit(starts_at, self)
        self.ends = _time_edit(ends_at, self)
        self.role = _role_combo(self)
        self.role.setCurrentIndex(max(0, self.role.findData(role)))
        self.person = QComboBox(self)
        self.person.addItem(_("— personne (à pourvoir) —"), None)
        for v in app.rota.volunteers(site_id):
            self.person.addItem(v.name, v.person_id)
        self.repeat = QSpinBox(self)
        self.repeat.setRange(0, MAX_REPEAT_WEEKS)
        self.repeat.setToolTip(
            _("Le même créneau les semaines suivantes (0 : cette fois seulement)")
        )
        form = QFormLayout(self)
        form.addRow(_("&Jour :"), self.day)
        form.addRow(_("&Début :"), self.starts)
        form.addRow(_("&Fin :"), self.ends)
        form.addRow(_("&Rôle :"), self.role)
        form.addRow(_("&Bénévole :"), self.person)
        form.addRow(_("Ré&péter les semaines suivantes :"), self.repeat)
        form.addRow(dialog_buttons(self, self.on_save))

    def on_save(self) -> None:
        data = ShiftInput(
            on_date=to_date(self.day.date()),
            starts_at=to_time(self.starts.time()),
            ends_at=to_time(self.ends.time()),
            role=str(self.role.currentData()),
            person_id=self.person.currentData(),
        )
        try:
            self.created = self._app.rota.create_shift(
                self._site_id, data, repeat_weeks=self.repeat.value()
            )
        except Exception as exc:
            show_error(self, exc)
            return
        self.accept()


class _FilterEdit(QLineEdit):
    """The picker's search line: ↑/↓ move in the list below while typing."""

    def __init__(self, target: QListWidget, parent: QWidget) -> None:
        super().__init__(parent)
        self._target = target

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            step = -1 if event.key() == Qt.Key.Key_Up else 1
            row = self._target.currentRow() + step
            while 0 <= row < self._target.count() and self._target.item(row).isHidden():
                row += step
            if 0 <= row < self._target.count():
                self._target.setCurrentRow(row)
            return
        super().keyPressEvent(event)


class VolunteerPicker(QDialog):
    """Who holds a shift: the volunteers, those available first, each with their usual
    availability; « personne » leaves it to fill; another person of the register may be
    added to the volunteers here."""

    def __init__(
        self,
        app: Comptoir,
        site_id: uuid.UUID,
        shifts: list[ShiftInfo],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Bénévole du créneau"))
        self.resize(560, 420)
        self._app, self._site_id = app, site_id
        self.assigned: ShiftInfo | None = None
        self.shift = QComboBox(self)
        for s in shifts:
            who = s.person_name or _("à pourvoir")
            self.shift.addItem(f"{shift_text(s)} — {who}", s.id)
        first_gap = next((n for n, s in enumerate(shifts) if s.is_gap), 0)
        self.shift.setCurrentIndex(first_gap)
        self.shift.setVisible(len(shifts) > 1)
        self.choices = QListWidget(self)
        self.filter = _FilterEdit(self.choices, self)
        self.filter.setPlaceholderText(_("tapez un nom pour filtrer"))
        self.filter.textChanged.connect(self.on_filter)
        self.other = PersonEdit(app, site_id, self)
        self.other.setPlaceholderText(_("une autre personne du registre"))
        self.other.value_changed.connect(self.on_other_changed)
        layout = QVBoxLayout(self)
        if len(shifts) > 1:
            layout.addWidget(QLabel(_("Créneau :"), self))
            layout.addWidget(self.shift)
        search = QLabel(_("&Chercher :"), self)
        search.setBuddy(self.filter)
        layout.addWidget(search)
        layout.addWidget(self.filter)
        layout.addWidget(self.choices)
        add = QLabel(_("&Ajouter aux bénévoles :"), self)
        add.setBuddy(self.other)
        layout.addWidget(add)
        layout.addWidget(self.other)
        layout.addWidget(dialog_buttons(self, self.on_save, save=False))
        self.shift.currentIndexChanged.connect(self.reload)
        self.choices.itemActivated.connect(lambda _item: self.on_save())
        self.reload()
        self.filter.setFocus()

    def reload(self) -> None:
        shift_id = self.shift.currentData()
        try:
            found = self._app.rota.volunteers(self._site_id, shift_id=shift_id)
        except Exception as exc:
            show_error(self, exc)
            return
        self.choices.clear()
        nobody = QListWidgetItem(_("— Personne (laisser à pourvoir) —"))
        nobody.setData(Qt.ItemDataRole.UserRole, None)
        self.choices.addItem(nobody)
        for v in found:
            self.choices.addItem(self._item(v))
        self.choices.setCurrentRow(1 if found else 0)
        self.on_filter(self.filter.text())

    @staticmethod
    def _item(v: VolunteerChoice) -> QListWidgetItem:
        if v.available:
            state = _("disponible")
        elif v.ranges:
            state = _("hors de ses disponibilités")
        else:
            state = _("disponibilités non renseignées")
        if v.busy_that_day:
            state = _("{state}, déjà sur un créneau à cette heure").format(state=state)
        ranges = "; ".join(range_text(r) for r in v.ranges)
        item = QListWidgetItem(f"{v.name} — {state}" + (f"\n    {ranges}" if ranges else ""))
        item.setData(Qt.ItemDataRole.UserRole, v.person_id)
        item.setForeground(QBrush(AVAILABLE if v.available else UNAVAILABLE))
        return item

    def on_filter(self, text: str) -> None:
        wanted = text.strip().casefold()
        for row in range(1, self.choices.count()):
            item = self.choices.item(row)
            item.setHidden(bool(wanted) and wanted not in item.text().split("—")[0].casefold())
        current = self.choices.currentItem()
        if current is None or current.isHidden() or (wanted and self.choices.currentRow() == 0):
            shown = [
                r for r in range(1, self.choices.count()) if not self.choices.item(r).isHidden()
            ]
            self.choices.setCurrentRow(shown[0] if shown else 0)

    def on_other_changed(self, value: object) -> None:
        if value is not None:
            self.choices.clearSelection()

    def chosen(self) -> uuid.UUID | None:
        item = self.choices.currentItem()
        if item is None or item.isHidden():
            return None
        value = item.data(Qt.ItemDataRole.UserRole)
        return value if isinstance(value, uuid.UUID) else None

    def on_save(self) -> None:
        shift_id = self.shift.currentData()
        try:
            other = self.other.value()
            person: uuid.UUID | None
            if other is not None:
                self._app.rota.add_volunteer(self._site_id, other)
                person = other
            else:
                person = self.chosen()
            self.assigned = self._app.rota.assign(shift_id, person)
        except Exception as exc:
            show_error(self, exc)
            return
        self.accept()


class AvailabilityDialog(QDialog):
    """A volunteer's usual availability: ranges of a weekday, for a role or any."""

    def __init__(
        self,
        app: Comptoir,
        site_id: uuid.UUID,
        parent: QWidget | None = None,
        *,
        person_id: uuid.UUID | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Disponibilités d'un bénévole"))
        self.resize(520, 400)
        self._app, self._site_id = app, site_id
        self.saved = False
        self._ranges: list[AvailabilityRange] = []
        self.person = QComboBox(self)
        for v in app.rota.volunteers(site_id):
            self.person.addItem(v.name, v.person_id)
        if person_id is not None:
            self.person.setCurrentIndex(max(0, self.person.findData(person_id)))
        self.list = QListWidget(self)
        self.weekday = QComboBox(self)
        for n in range(7):
            self.weekday.addItem(weekday_name(n), n)
        self.starts = _time_edit(time(9, 0), self)
        self.ends = _time_edit(time(12, 0), self)
        self.role = _role_combo(self, any_role=True)
        self.add_button = QPushButton(_("Ajou&ter la plage"), self)
        self.add_button.clicked.connect(self.on_add)
        self.remove_button = QPushButton(_("Reti&rer la plage"), self)
        self.remove_button.clicked.connect(self.on_remove)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        form.addRow(_("&Bénévole :"), self.person)
        layout.addLayout(form)
        layout.addWidget(self.list)
        line = QHBoxLayout()
        day = QLabel(_("&Jour :"), self)
        day.setBuddy(self.weekday)
        line.addWidget(day)
        line.addWidget(self.weekday)
        line.addWidget(self.starts)
        line.addWidget(QLabel("–", self))
        line.addWidget(self.ends)
        line.addWidget(self.role)
        layout.addLayout(line)
        actions = QHBoxLayout()
        actions.addWidget(self.add_button)
        actions.addWidget(self.remove_button)
        actions.addStretch(1)
        layout.addLayout(actions)
        layout.addWidget(dialog_buttons(self, self.on_save))
        self.person.currentIndexChanged.connect(self.load)
        self.load()

    def load(self) -> None:
        person_id = self.person.currentData()
        self._ranges = self._app.rota.availability(person_id) if person_id else []
        self._show()

    def _show(self) -> None:
        self.list.clear()
        for r in self._ranges:
            self.list.addItem(range_text(r))
        self.remove_button.setEnabled(bool(self._ranges))

    def on_add(self) -> None:
        start, end = to_time(self.starts.time()), to_time(self.ends.time())
        if not start < end:
            show_error(self, ValidationError(_("Fin"), _("la fin doit suivre le début")))
            return
        new = AvailabilityRange(
            int(self.weekday.currentData()), start, end, self.role.currentData()
        )
        self._ranges = sorted({*self._ranges, new}, key=lambda r: (r.weekday, r.starts_at))
        self._show()

    def on_remove(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self._ranges):
            del self._ranges[row]
            self._show()

    def on_save(self) -> None:
        person_id = self.person.currentData()
        if person_id is None:
            self.reject()
            return
        try:
            self._app.rota.set_availability(self._site_id, person_id, self._ranges)
        except Exception as exc:
            show_error(self, exc)
            return
        self.saved = True
        self.accept()
