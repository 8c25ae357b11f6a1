"""« Date de l'activité »: when the visits being counted happened.

By default the bar follows the clock ("now" mode) and the section counts without a date, so
the service stamps each visit with the place's current time. When the host re-keys a paper
tally sheet, they set a date and time; the bar then stays fixed and turns a warning colour as
long as the date is not today, because counting yesterday's visits by mistake would go
unnoticed otherwise. « Maintenant » goes back to following the clock.

The two fields change only deliberately: a click in them, Alt+D or F2 starts an edit, which
lasts while the focus stays in them and ends with Entrée, Échap, a day picked in the calendar
or the focus going elsewhere. Outside an edit a digit is left to the window, where it is a
service key: Qt gives these fields the focus by itself (coming back with Ctrl+1, Tab), and a
« 3 » used to move the date to the 3rd instead of counting a visit.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time

from PySide6.QtCore import QDate, QEvent, QObject, Qt, QTime, QTimer, Signal
from PySide6.QtGui import QColor, QFocusEvent, QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTimeEdit,
    QWidget,
)

from tiers_lieu.i18n import _, format_date
from tiers_lieu.ui.common import to_qdate
from tiers_lieu.ui.date_range import bounded

TICK_MS = 15_000

WARNING_STYLE = "background: #fff0c2; color: #6b4500; border: 1px solid #c77c00;"
WARNING_BASE = QColor("#ffe08a")
WARNING_TEXT = QColor("#5a3a00")


def _to_date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


_COMMAND = (
    Qt.KeyboardModifier.ControlModifier
    | Qt.KeyboardModifier.AltModifier
    | Qt.KeyboardModifier.MetaModifier
)
_ARMING_REASONS = (Qt.FocusReason.MouseFocusReason, Qt.FocusReason.ShortcutFocusReason)
_KEEPING_REASONS = (Qt.FocusReason.PopupFocusReason, Qt.FocusReason.ActiveWindowFocusReason)
_ENDING_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape)


def is_digit(event: QKeyEvent) -> bool:
    """A number key (top row or keypad) without Ctrl, Alt or Meta: a service key."""
    return Qt.Key.Key_0 <= event.key() <= Qt.Key.Key_9 and not event.modifiers() & _COMMAND


def is_desk_key(event: QKeyEvent) -> bool:
    """A service key, or « + » (« une personne entre »): the window's, not the field's."""
    return is_digit(event) or (event.key() == Qt.Key.Key_Plus and not event.modifiers() & _COMMAND)


class ActivityDateBar(QWidget):
    """The date and time given to the next visits; ``value()`` is ``(None, None)`` for now."""

    changed = Signal()
    """The day or the mode changed (the counts on the buttons follow the chosen day)."""
    day_changed = Signal()
    """Midnight passed while the bar followed the clock."""
    editing_done = Signal()
    """A deliberate edit of the date or time ended (Entrée, Échap, a day picked)."""

    def __init__(self, clock: Callable[[], datetime], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._clock = clock
        self._live = True
        self._setting = False
        self._today = clock().date()
        self._editing = False

        self.date_edit = bounded(QDateEdit(self))
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("dd/MM/yyyy")
        self.date_edit.setAccessibleName(_("Date de l'activité"))
        self.time_edit = QTimeEdit(self)
        self.time_edit.setDisplayFormat("HH:mm")
        self.time_edit.setAccessibleName(_("Heure de l'activité"))
        label = QLabel(_("&Date de l'activité :"), self)
        label.setBuddy(self.date_edit)
        self.now_button = QPushButton(_("&Maintenant"), self)
        self.now_button.setToolTip(_("Revenir à la date et à l'heure actuelles (Alt+M)"))
        self.now_button.clicked.connect(self.on_now_clicked)
        self.note = QLabel(self)
        self.note.setObjectName("activityDateNote")
        self.note.setWordWrap(True)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(label)
        layout.addWidget(self.date_edit)
        layout.addWidget(self.time_edit)
        layout.addWidget(self.now_button)
        layout.addWidget(self.note, 1)

        hint = _("Cliquez, ou Alt+D ou F2, pour changer ; Entrée revient aux touches des services")
        for edit in (self.date_edit, self.time_edit):
            edit.setToolTip(hint)
            edit.installEventFilter(self)
            inner = edit.findChild(QLineEdit)
            if inner is not None:  # a click in the text lands on the spin box's own field
                inner.installEventFilter(self)
        self.date_edit.calendarWidget().clicked.connect(self.on_calendar_clicked)

        self.date_edit.dateChanged.connect(self.on_date_changed)
        self.time_edit.timeChanged.connect(self.on_time_changed)
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self.on_timer_timeout)
        self._timer.start()
        self._show_now()

    # -- public ---------------------------------------------------------------------------
    def is_live(self) -> bool:
        return self._live

    def value(self) -> tuple[date | None, time | None]:
        """``(None, None)`` when following the clock, else the date and time chosen."""
        if self._live:
            return None, None
        moment = self.time_edit.time()
        return _to_date(self.date_edit.date()), time(moment.hour(), moment.minute())

    def day(self) -> date:
        """The day the next visits go to."""
        return self._today if self._live else _to_date(self.date_edit.date())

    def set_fixed(self, day: date, moment: time) -> None:
        """Fix the date and time (as the host does when re-keying a sheet)."""
        self._live = False
        self._set_edits(day, moment)
        self._update_note()
        self.changed.emit()

    def follow_clock(self) -> None:
        was_live = self._live
        self._live = True
        self._show_now()
        if not was_live:
            self.changed.emit()

    def is_editing(self) -> bool:
        """Whether the host is changing the date or time (the fields then keep the digits)."""
        return self._editing

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        edit = watched if isinstance(watched, QAbstractSpinBox) else watched.parent()
        if edit not in (self.date_edit, self.time_edit):
            return super().eventFilter(watched, event)
        kind = event.type()
        if kind == QEvent.Type.MouseButtonPress:
            self._editing = True
        elif kind == QEvent.Type.FocusIn and isinstance(event, QFocusEvent):
            if event.reason() in _ARMING_REASONS:
                self._editing = True
        elif kind == QEvent.Type.FocusOut and isinstance(event, QFocusEvent):
            if event.reason() not in _KEEPING_REASONS and not self._holds(
                QApplication.focusWidget()
            ):
                self._editing = False
        elif kind == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if event.key() == Qt.Key.Key_F2 and not self._editing:
                self._editing = True
                return True
            if self._editing and event.key() in _ENDING_KEYS:
                self._end_edit()
            elif not self._editing and is_desk_key(event):
                return True  # not a service key here either: dropped, the date stays
        elif kind == QEvent.Type.Wheel and not self._editing:
            return True  # a wheel passing over the field: the date of the next visits stays
        elif (
            kind == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and not self._editing
            and is_desk_key(event)
        ):
            event.ignore()  # the window's service key takes it
            return True
        return super().eventFilter(watched, event)

    # -- slots ----------------------------------------------------------------------------
    def on_calendar_clicked(self, _value: QDate) -> None:
        # After the popup has closed and given the focus back to the field.
        QTimer.singleShot(0, self._end_edit)

    def on_now_clicked(self) -> None:
        self.follow_clock()

    def on_date_changed(self, _value: QDate) -> None:
        if not self._setting:
            self._live = False
            self._update_note()
            self.changed.emit()

    def on_time_changed(self, _value: QTime) -> None:
        if not self._setting:
            self._live = False
            self._update_note()

    def on_timer_timeout(self) -> None:
        today = self._clock().date()
        rolled = today != self._today
        self._today = today
        self.date_edit.setMaximumDate(to_qdate(today))
        if self._live:
            self._show_now()
        else:
            self._update_note()
        if rolled:
            self.day_changed.emit()

    # -- inside ---------------------------------------------------------------------------
    def _holds(self, widget: QWidget | None) -> bool:
        return widget is not None and (
            widget in (self.date_edit, self.time_edit)
            or self.date_edit.isAncestorOf(widget)
            or self.time_edit.isAncestorOf(widget)
        )

    def _end_edit(self) -> None:
        if self._editing:
            self._editing = False
            self.editing_done.emit()

    def _set_edits(self, day: date, moment: time) -> None:
        self._setting = True
        try:
            self.date_edit.setMaximumDate(to_qdate(self._today))
            self.date_edit.setDate(to_qdate(day))
            self.time_edit.setTime(QTime(moment.hour, moment.minute))
        finally:
            self._setting = False

    def _show_now(self) -> None:
        now = self._clock()
        self._today = now.date()
        self._set_edits(self._today, time(now.hour, now.minute))
        self._update_note()

    def _update_note(self) -> None:
        day = self.day()
        if self._live:
            self.note.setText(_("Les visites sont comptées à l'heure actuelle."))
            self.note.setStyleSheet("")
            self._warn_edits(False)
            return
        if day != self._today:
            self.note.setText(
                _(
                    "Attention : les visites sont comptées pour le {day}, pas pour aujourd'hui."
                ).format(day=format_date(day, "full"))
            )
            self.note.setStyleSheet(WARNING_STYLE + " padding: 2px 6px; border-radius: 4px;")
            self._warn_edits(True)
        else:
            self.note.setText(_("Heure fixée : « Maintenant » revient à l'heure actuelle."))
            self.note.setStyleSheet("")
            self._warn_edits(False)
        self.note.setAlignment(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft)

    def _warn_edits(self, warn: bool) -> None:
        # Through the palette, not a style sheet: a style sheet on a date edit drops its
        # native arrows.
        for edit in (self.date_edit, self.time_edit):
            palette = self.palette()
            if warn:
                palette.setColor(QPalette.ColorRole.Base, WARNING_BASE)
                palette.setColor(QPalette.ColorRole.Text, WARNING_TEXT)
            edit.setPalette(palette)
            edit.setProperty("warning", warn)
