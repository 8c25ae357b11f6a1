"""« Rappels »: the call list of the day before, a tab of the agenda (issue 22).

The host opens it in the morning: the next opening day's appointments and workshop
registrations, each person with their number (only when they consented). Keyboard path: the
list has the focus, ↑/↓ choose a person, 1 joint, 2 messagerie, 3 injoignable, 4 annulé —
the call is ticked and the next person chosen; « annulé » offers to cancel the booking or the
registration. Ctrl+2 then Ctrl+Maj+Tab opens the tab (the agenda's last; every letter of
« Rappels » is taken there) with the focus in the list; Alt+J the day, Ctrl+P prints.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import N_, _, format_date, format_time, ngettext, place_today
from tiers_lieu.reports.documents.agenda_sheet import write_agenda_sheet
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.services.reminders import (
    CANCELLED,
    OUTCOMES,
    CallList,
    CallTick,
    ReminderLine,
    call_sheet,
    contact_text,
    outcome_text,
)
from tiers_lieu.ui.common import StatusLabel, add_shortcut, make_table, to_date, to_qdate
from tiers_lieu.ui.data_changed import DataChanged, Topic, hub_for
from tiers_lieu.ui.date_range import bounded
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.loading import refresh_when_shown
from tiers_lieu.ui.ops import run_op
from tiers_lieu.ui.sheet_output import print_confirmed

KEYS = {Qt.Key.Key_1: 0, Qt.Key.Key_2: 1, Qt.Key.Key_3: 2, Qt.Key.Key_4: 3}
"""Digit key → index in :data:`OUTCOMES`."""

AnyIndex = QModelIndex | QPersistentModelIndex


class CallModel(QAbstractTableModel):
    HEADERS = (N_("Heure"), N_("Personne"), N_("Pour"), N_("Téléphone"), N_("Appel"))

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.lines: list[ReminderLine] = []

    def set_lines(self, lines: list[ReminderLine]) -> None:
        self.beginResetModel()
        self.lines = lines
        self.endResetModel()

    def replace(self, row: int, line: ReminderLine) -> None:
        self.lines[row] = line
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.HEADERS) - 1))

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.lines)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return _(self.HEADERS[section])
        return None

    def data(self, index: AnyIndex, role: int = 0) -> object:
        if not index.isValid():
            return None
        line = self.lines[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            column = index.column()
            if column == 0:
                return format_time(line.start.time()) if line.start is not None else "—"
            if column == 1:
                return line.name
            if column == 2:
                return (
                    line.what if line.booking_id else _("Atelier : {title}").format(title=line.what)
                )
            if column == 3:
                return contact_text(line)
            return outcome_text(line) or "☐"
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 3 and not line.phone:
            return QColor("#777777")
        return None


class RemindersTab(QWidget):
    def __init__(
        self,
        app: Comptoir,
        site: SiteInfo,
        parent: QWidget | None = None,
        *,
        changes: DataChanged | None = None,
    ) -> None:
        super().__init__(parent)
        self._app = app
        self._site = site
        self.changes = hub_for(changes, self)
        self.calls: CallList | None = None
        self._day_chosen = False
        self.day = bounded(QDateEdit(self))
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("dd/MM/yyyy")
        day_label = QLabel(_("&Jour :"), self)
        day_label.setBuddy(self.day)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.print_button = QPushButton(_("Imprimer…"), self)
        self.print_button.clicked.connect(self.on_print_clicked)
        add_shortcut(self, QKeySequence("Ctrl+P"), self.on_print_clicked, self.print_button)
        top = QHBoxLayout()
        top.addWidget(day_label)
        top.addWidget(self.day)
        top.addWidget(self.summary, 1)
        top.addWidget(self.print_button)

        self.model = CallModel(self)
        self.view: QTableView = make_table(self.model, self, stretch=2)
        self.view.installEventFilter(self)
        self.view.doubleClicked.connect(lambda _index: self.tick(0))

        buttons = QHBoxLayout()
        buttons.addWidget(QLabel(_("Appel :"), self))
        self.outcome_buttons: list[QPushButton] = []
        for number, label in enumerate(OUTCOMES.values(), start=1):
            button = QPushButton(_("{n} {outcome}").format(n=number, outcome=_(label)), self)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the digit keys are the path
            button.setToolTip(_("Touche {n} dans la liste").format(n=number))
            button.clicked.connect(lambda _checked=False, i=number - 1: self.tick(i))
            buttons.addWidget(button)
            self.outcome_buttons.append(button)
        buttons.addStretch(1)
        self.hint = QLabel(
            _(
                "Numéros affichés seulement pour les personnes qui ont donné leur "
                "consentement. Touches 1 à 4 sur la ligne choisie."
            ),
            self,
        )
        self.hint.setWordWrap(True)
        self.status = StatusLabel(self, zone=site.zone)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.hint)
        layout.addWidget(self.status)
        self.setFocusProxy(self.view)  # Ctrl+Tab onto the tab: the list, ready for 1–4
        self.day.dateChanged.connect(self.on_day_changed)
        self.shown = refresh_when_shown(self)
        self.changes.watch(
            self, (Topic.BOOKINGS, Topic.EVENTS, Topic.PEOPLE), self.shown.invalidate
        )

    # -- reading --------------------------------------------------------------------------
    def refresh(self) -> None:
        app, site_id = self._app, self._site.id
        chosen = to_date(self.day.date()) if self._day_chosen else None
        today = place_today(self._site.zone)

        def work(_progress: object) -> CallList:
            day = chosen or app.reminders.next_day(site_id, today)
            return app.reminders.call_list(site_id, day)

        run_op(self, work, self.show_calls)

    def show_calls(self, calls: CallList) -> None:
        self.calls = calls
        row = max(self.view.currentIndex().row(), 0)
        self.model.set_lines(list(calls.lines))
        if not self._day_chosen:
            self.day.blockSignals(True)
            self.day.setDate(to_qdate(calls.day))
            self.day.blockSignals(False)
            self._day_chosen = True
        self.summary.setText(self.summary_text(calls))
        if calls.lines:
            self.view.selectRow(min(row, len(calls.lines) - 1))

    @staticmethod
    def summary_text(calls: CallList) -> str:
        people = ngettext("{n} personne à appeler", "{n} personnes à appeler", len(calls.lines))
        done = ngettext("{n} appelée", "{n} appelées", calls.called).format(n=calls.called)
        return _("{people} pour le {day}, {done}").format(
            people=people.format(n=len(calls.lines)),
            day=format_date(calls.day, "full"),
            done=done,
        )

    def on_day_changed(self) -> None:
        self._day_chosen = True
        self.refresh()

    # -- ticking --------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.view
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in KEYS
            and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        ):
            self.tick(KEYS[Qt.Key(event.key())])
            return True
        return super().eventFilter(watched, event)

    def tick(self, outcome_index: int) -> None:
        row = self.view.currentIndex().row()
        if self.calls is None or not 0 <= row < len(self.model.lines):
            self.status.setText(_("Choisissez d'abord une personne dans la liste."))
            return
        line = self.model.lines[row]
        outcome = list(OUTCOMES)[outcome_index]
        try:
            updated = self._app.reminders.record(
                self._site.id,
                CallTick(
                    for_date=self.calls.day,
                    outcome=outcome,
                    booking_id=line.booking_id,
                    attendance_id=line.attendance_id,
                ),
            )
        except Exception as exc:  # expected ones shown, unexpected ones also logged
            show_error(self, exc, _("Appel non enregistré"))
            return
        self.model.replace(row, updated)
        self.status.confirm(
            _("{name} : {outcome}.").format(name=line.name, outcome=_(OUTCOMES[outcome]))
        )
        if outcome == CANCELLED:
            self.offer_cancel(line)
        elif row + 1 < len(self.model.lines):
            self.view.selectRow(row + 1)
        self.summary.setText(self.summary_text(CallList(self.calls.day, tuple(self.model.lines))))

    def offer_cancel(self, line: ReminderLine) -> None:
        what = (
            _("le rendez-vous de {name}")
            if line.booking_id
            else _("l'inscription de {name} à l'atelier")
        ).format(name=line.name)
        answer = QMessageBox.question(
            self,
            _("Annuler ?"),
            _("Annuler aussi {what} ?").format(what=what),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        done = _("Annulé : {what}.").format(what=what)
        try:
            if line.booking_id is not None:
                self._app.agenda.bookings.cancel(line.booking_id)
                topic = Topic.BOOKINGS
            else:
                assert line.attendance_id is not None
                moved = self._app.programme.cancel(line.attendance_id).moved_up
                topic = Topic.EVENTS
                if moved:
                    done = _("Annulé : {what} ; passe de la liste d'attente : {names}.").format(
                        what=what, names=", ".join(moved)
                    )
        except Exception as exc:  # expected ones shown, unexpected ones also logged
            show_error(self, exc, _("Annulation non enregistrée"))
            return
        self.status.confirm(done)
        self.changes.announce(self, topic, Topic.VISITS)
        self.refresh()

    # -- printing -------------------------------------------------------------------------
    def on_print_clicked(self) -> None:
        if self.calls is None:
            return
        sheet = call_sheet(CallList(self.calls.day, tuple(self.model.lines)))

        def write(target: Path) -> object:
            return write_agenda_sheet(sheet, target)

        print_confirmed(
            self,
            self.status,
            write,
            title=_("Appels de rappel"),
            label=_("Impression de la liste d'appels…"),
        )

    def selected_id(self) -> uuid.UUID | None:
        row = self.view.currentIndex().row()
        if 0 <= row < len(self.model.lines):
            line = self.model.lines[row]
            return line.booking_id or line.attendance_id
        return None
