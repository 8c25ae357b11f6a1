"""Pieces the agenda's dialogs share: the person picker that shows a person's no-shows and can
register someone new, the row of proposed free slots (one click takes one), and the weekly
repetition box.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDateEdit,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import _, format_date, format_time, ngettext
from tiers_lieu.services.agenda.errors import PastBookingError
from tiers_lieu.services.agenda.readmodels import BookedPerson, SlotInfo
from tiers_lieu.services.agenda.to_call import describe
from tiers_lieu.services.people_search import PersonInfo
from tiers_lieu.ui.common import to_date, to_qdate
from tiers_lieu.ui.date_range import bounded
from tiers_lieu.ui.person_dialog import NewPersonDialog
from tiers_lieu.ui.pickers import PersonEdit


class PersonPicker(QWidget):
    """A person found by name, or « Nouvelle personne… »; their no-shows shown below."""

    person_changed = Signal(object)

    def __init__(
        self,
        app: Comptoir,
        site_id: uuid.UUID,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._app = app
        self._site_id = site_id
        self.edit = PersonEdit(app, site_id, self)
        self.edit.setPlaceholderText(_("tapez un nom pour chercher"))
        self.new_button = QPushButton(_("No&uvelle personne…"), self)
        self.new_button.clicked.connect(self.on_new_clicked)
        self.history = QLabel(self)
        self.history.setWordWrap(True)
        self.history.hide()
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        row.addWidget(self.new_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.history)
        self.setFocusProxy(self.edit)
        self.edit.value_changed.connect(self.on_person_changed)
        self.new_dialog: NewPersonDialog | None = None

    def value(self) -> uuid.UUID | None:
        """The person chosen, or the only one the typed name finds (Entrée books)."""
        found = self.edit.value() or self.edit.only_choice()
        if found is not None and self.edit.value() is None:
            self.set_value(found)
        return found

    def set_value(self, person_id: uuid.UUID | None) -> None:
        self.edit.set_value(person_id)
        self.on_person_changed(person_id)

    def on_new_clicked(self) -> None:
        self.new_dialog = NewPersonDialog(self._app, self._site_id, self, name=self.edit.text())
        self.new_dialog.person_created.connect(self.on_person_created)
        self.new_dialog.open()

    def on_person_created(self, person: PersonInfo) -> None:
        self.set_value(person.id)

    def on_person_changed(self, person_id: object) -> None:
        if not isinstance(person_id, uuid.UUID):
            self.history.hide()
            self.person_changed.emit(None)
            return
        history = self._app.agenda.bookings.no_show_history(person_id)
        if history.no_shows == 0:
            text = ngettext(
                "Aucune absence sur {n} réservation passée.",
                "Aucune absence sur {n} réservations passées.",
                history.bookings,
            ).format(n=history.bookings)
            self.history.setStyleSheet("")
        else:
            booked = ngettext(
                "{n} réservation passée", "{n} réservations passées", history.bookings
            ).format(n=history.bookings)
            text = ngettext(
                "Attention : {k} absence sans prévenir sur {booked}",
                "Attention : {k} absences sans prévenir sur {booked}",
                history.no_shows,
            ).format(k=history.no_shows, booked=booked)
            if history.recent:
                text += _(" (dernière le {date}).").format(
                    date=format_date(history.recent[0].start.date())
                )
            self.history.setStyleSheet("color: #a04000;")
        self.history.setText(text)
        self.history.show()
        self.person_changed.emit(person_id)


def confirm_past(parent: QWidget, refused: PastBookingError) -> bool:
    """Ask before booking a slot already over: it is a booking keyed in afterwards only
    when the host says so (« Non » by default)."""
    answer = QMessageBox.question(
        parent,
        _("Réservation dans le passé"),
        refused.message,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


def show_people_to_call(parent: QWidget, title: str, people: Sequence[BookedPerson]) -> None:
    """The bookings still standing where the place closes or a permanence now sits: one line
    each (when, where, who, phone), so the host calls them; nothing was cancelled."""
    if not people:
        return
    lines = "\n".join(describe(p) for p in people)
    QMessageBox.warning(
        parent,
        title,
        ngettext(
            "{n} réservation est déjà prise sur cette période : elle n'est pas annulée. "
            "Prévenez la personne, puis déplacez ou annulez la réservation dans l'agenda :\n\n"
            "{lines}",
            "{n} réservations sont déjà prises sur cette période : elles ne sont pas annulées. "
            "Prévenez les personnes, puis déplacez ou annulez les réservations dans l'agenda :"
            "\n\n{lines}",
            len(people),
        ).format(n=len(people), lines=lines),
    )


class ProposalsBox(QGroupBox):
    """The nearest free slots after a refusal, as buttons: one click books one."""

    slot_chosen = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(_("Créneaux libres les plus proches"), parent)
        self._layout = QVBoxLayout(self)
        self.buttons: list[QPushButton] = []
        self.hide()

    def set_slots(self, slots: list[SlotInfo]) -> None:
        for button in self.buttons:
            button.deleteLater()
        self.buttons = []
        for number, slot in enumerate(slots[:5], start=1):
            text = _("&{n}  {date}, {start}–{end} · {resource}").format(
                n=number,
                date=format_date(slot.start.date(), "full"),
                start=format_time(slot.start.time()),
                end=format_time(slot.end.time()),
                resource=slot.resource_name,
            )
            button = QPushButton(text, self)
            button.setAutoDefault(False)
            button.clicked.connect(lambda _checked=False, s=slot: self.slot_chosen.emit(s))
            self._layout.addWidget(button)
            self.buttons.append(button)
        self.setVisible(bool(slots))


class WeeksBox(QSpinBox):
    """Every how many weeks: « chaque semaine », « toutes les 2 semaines » … (1 to 12)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRange(1, 12)
        self.setSpecialValueText(_("chaque semaine"))  # the minimum, 1
        self.setPrefix(_("toutes les "))
        self._agree(self.minimum() + 1)
        self.valueChanged.connect(self._agree)

    def _agree(self, weeks: int) -> None:
        """« semaine » agrees with the number shown (1 shows the special text instead).
        The suffix is set only when it changes: setting it rewrites the text being typed."""
        if weeks == self.minimum():
            return
        suffix = ngettext(" semaine", " semaines", weeks)
        if suffix != self.suffix():
            self.setSuffix(suffix)


class RepeatBox(QGroupBox):
    """« Répéter chaque semaine »: every N weeks, until a date or N times."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None, *, today: date) -> None:
        super().__init__(_("Répéter chaque &semaine"), parent)
        self.setCheckable(True)
        self.setChecked(False)
        self.interval = WeeksBox(self)
        self.until_choice = QRadioButton(_("jusqu'au"), self)
        self.count_choice = QRadioButton(_("nombre de fois :"), self)
        self.count_choice.setChecked(True)
        self.until = bounded(QDateEdit(self))
        self.until.setCalendarPopup(True)
        self.until.setDisplayFormat("dd/MM/yyyy")
        self.until.setDate(to_qdate(today).addMonths(3))
        self.count = QSpinBox(self)
        self.count.setRange(2, 104)
        self.count.setValue(4)
        grid = QGridLayout(self)
        grid.addWidget(self.interval, 0, 0, 1, 2)
        grid.addWidget(self.count_choice, 1, 0)
        grid.addWidget(self.count, 1, 1)
        grid.addWidget(self.until_choice, 2, 0)
        grid.addWidget(self.until, 2, 1)
        grid.setColumnStretch(2, 1)
        for signal in (
            self.toggled,
            self.interval.valueChanged,
            self.count.valueChanged,
            self.until.dateChanged,
            self.until_choice.toggled,
        ):
            signal.connect(self.on_value_changed)

    def on_value_changed(self, *_args: object) -> None:
        self.changed.emit()

    def is_on(self) -> bool:
        return self.isChecked()

    def values(self) -> tuple[int, date | None, int | None]:
        """``(interval_weeks, until, count)``, one of the last two set."""
        if self.until_choice.isChecked():
            return self.interval.value(), to_date(self.until.date()), None
        return self.interval.value(), None, self.count.value()
