"""« Programme » : the week's or month's workshops with their places, registrations ahead and
the waiting list, the room blocked in the agenda, and the programme to print or publish.

Keyboard path: Alt+T goes to the list of workshops (arrows choose one); Alt+R goes to the
person field, a name typed and chosen, Entrée registers (on the waiting list when the
workshop is full); Suppr in the registrations (or Alt+N) cancels one, and the first waiting
moves up; Alt+V/Alt+E reserve places without names; Alt+L then Alt+B block a room; Alt+G
opens « Programme… » (poster A4 or A3, .ics, web page), written off the GUI thread.
"""

from __future__ import annotations

import uuid
from datetime import date
from enum import IntEnum
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import N_, _, format_date, format_time, ngettext, place_today
from tiers_lieu.reports.documents.programme import places_text, title_text, write_programme
from tiers_lieu.services.programme import (
    MONTH,
    WEEK,
    EventPlaces,
    Programme,
    ProgrammeLine,
    Registration,
    period_of,
)
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.services.visit_log import MAX_COUNT
from tiers_lieu.ui.common import (
    StatusLabel,
    add_shortcut,
    make_table,
    select_id,
    selected_id,
    to_qdate,
)
from tiers_lieu.ui.data_changed import DataChanged, ListTab, Topic
from tiers_lieu.ui.date_range import bounded
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.loading import refresh_when_shown
from tiers_lieu.ui.models import ReadModelTable
from tiers_lieu.ui.ops import run_op
from tiers_lieu.ui.pickers import PersonEdit

# (format, size, menu text, file filter, suffix)
OUTPUTS: tuple[tuple[str, str, str, str, str], ...] = (
    ("pdf", "A4", N_("Affiche &A4 (PDF)…"), N_("PDF (*.pdf)"), "pdf"),
    ("pdf", "A3", N_("Affiche A&3 (PDF)…"), N_("PDF (*.pdf)"), "pdf"),
    ("ics", "A4", N_("&Agenda (.ics)…"), N_("iCalendar (*.ics)"), "ics"),
    ("html", "A4", N_("Page &web (HTML)…"), N_("HTML (*.html)"), "html"),
)


class ProgrammeModel(ReadModelTable[ProgrammeLine]):
    class Columns(IntEnum):
        DATE = 0
        TIME = 1
        TITLE = 2
        ROOM = 3
        PLACES = 4
        WAITING = 5

    def headers(self) -> dict[Any, str]:
        c = self.Columns
        return {
            c.DATE: _("Date"),
            c.TIME: _("Début"),
            c.TITLE: _("Atelier"),
            c.ROOM: _("Salle"),
            c.PLACES: _("Places"),
            c.WAITING: _("En attente"),
        }

    def row_id(self, row: ProgrammeLine) -> object:
        return row.event_id

    def display(self, row: ProgrammeLine, column: Any) -> str:
        c = self.Columns
        if column == c.DATE:
            return format_date(row.event_date)
        if column == c.TIME:
            return format_time(row.start_time) if row.start_time else ""
        if column == c.PLACES:
            if row.capacity is None:
                return ngettext("{n} inscrit", "{n} inscrits", row.taken).format(n=row.taken)
            return _("{taken}/{capacity}").format(taken=row.taken, capacity=row.capacity)
        if column == c.WAITING:
            return str(row.waiting) if row.waiting else ""
        return {c.TITLE: row.title, c.ROOM: row.room}.get(column, "")

    def extra(self, row: ProgrammeLine, column: Any, role: int) -> object:
        if role == Qt.ItemDataRole.ToolTipRole and column == self.Columns.PLACES:
            return places_text(row)
        return None


class RegistrationsModel(ReadModelTable[Registration]):
    class Columns(IntEnum):
        NUMBER = 0
        NAME = 1
        STATE = 2

    def headers(self) -> dict[Any, str]:
        c = self.Columns
        return {c.NUMBER: _("N°"), c.NAME: _("Inscrit"), c.STATE: _("État")}

    def display(self, row: Registration, column: Any) -> str:
        c = self.Columns
        if column == c.NUMBER:
            return str(self.find_row(row.id) + 1)
        if column == c.NAME:
            return row.name
        return _("liste d'attente") if row.waiting else _("inscrit")


class ProgrammeTab(ListTab):
    """A registration changes the workshop's participants and visits; a room, the agenda."""

    def __init__(
        self,
        app: Comptoir,
        site: SiteInfo,
        parent: QWidget | None = None,
        *,
        today: date | None = None,
        changes: DataChanged | None = None,
    ) -> None:
        super().__init__(parent, changes)
        self._app = app
        self._site = site
        self._today = today or place_today(site.zone)
        self.programme_data: Programme | None = None
        self.places: EventPlaces | None = None

        # -- the period ---------------------------------------------------------------------
        self.span = QComboBox(self)
        self.span.addItem(_("Semaine"), WEEK)
        self.span.addItem(_("Mois"), MONTH)
        self.day = bounded(QDateEdit(to_qdate(self._today), self))
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("dd/MM/yyyy")
        self.span.currentIndexChanged.connect(self.on_period_changed)
        self.day.dateChanged.connect(self.on_period_changed)
        span_label = QLabel(_("&Période"), self)
        span_label.setBuddy(self.span)
        day_label = QLabel(_("Aut&our du"), self)
        day_label.setBuddy(self.day)
        self.title_label = QLabel(self)
        font = self.title_label.font()
        font.setBold(True)
        self.title_label.setFont(font)
        top = QHBoxLayout()
        for widget in (span_label, self.span, day_label, self.day):
            top.addWidget(widget)
        top.addWidget(self.title_label, 1)

        # -- the workshops ------------------------------------------------------------------
        self.model = ProgrammeModel(self)
        self.view = make_table(self.model, self, stretch=ProgrammeModel.Columns.TITLE)
        self.view.selectionModel().selectionChanged.connect(self.on_selection_changed)

        # -- the chosen workshop's registrations --------------------------------------------
        side = QGroupBox(_("Inscriptions"), self)
        self.places_label = QLabel(side)
        self.places_label.setWordWrap(True)
        self.registrations = RegistrationsModel(self)
        self.registrations_view = make_table(
            self.registrations, side, stretch=RegistrationsModel.Columns.NAME
        )
        self.person = PersonEdit(app, site.id, side)
        self.person.setPlaceholderText(_("tapez un nom pour chercher"))
        self.person.returnPressed.connect(self.on_register_clicked)
        self.register_button = QPushButton(_("In&scrire"), side)
        self.register_button.clicked.connect(self.on_register_clicked)
        self.count = QSpinBox(side)
        self.count.setRange(1, MAX_COUNT)
        self.count.setValue(2)
        self.reserve_button = QPushButton(_("Rés&erver"), side)
        self.reserve_button.clicked.connect(self.on_reserve_clicked)
        self.cancel_button = QPushButton(_("A&nnuler l'inscription"), side)
        self.cancel_button.clicked.connect(self.on_cancel_clicked)
        add_shortcut(
            self.registrations_view, QKeySequence.StandardKey.Delete, self.on_cancel_clicked
        ).setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.room = QComboBox(side)
        self.room_button = QPushButton(_("&Bloquer la salle"), side)
        self.room_button.setToolTip(
            _("Réserver la salle choisie dans l'agenda pour l'atelier (ou la libérer)")
        )
        self.room_button.clicked.connect(self.on_room_clicked)

        form = QFormLayout()
        person_row = QHBoxLayout()
        person_row.addWidget(self.person, 1)
        person_row.addWidget(self.register_button)
        person_label = QLabel(_("Pe&rsonne"), side)
        person_label.setBuddy(self.person)
        form.addRow(person_label, person_row)
        count_row = QHBoxLayout()
        count_row.addWidget(self.count)
        count_row.addWidget(self.reserve_button)
        count_row.addStretch(1)
        count_label = QLabel(_("Places réser&vées"), side)
        count_label.setBuddy(self.count)
        form.addRow(count_label, count_row)
        room_row = QHBoxLayout()
        room_row.addWidget(self.room, 1)
        room_row.addWidget(self.room_button)
        room_label = QLabel(_("Sa&lle"), side)
        room_label.setBuddy(self.room)
        form.addRow(room_label, room_row)
        side_layout = QVBoxLayout(side)
        side_layout.addWidget(self.places_label)
        side_layout.addWidget(self.registrations_view, 1)
        side_layout.addWidget(self.cancel_button)
        side_layout.addLayout(form)

        list_label = QLabel(_("A&teliers de la période"), self)
        list_label.setBuddy(self.view)
        left = QVBoxLayout()
        left.addWidget(list_label)
        left.addWidget(self.view, 1)
        middle = QHBoxLayout()
        middle.addLayout(left, 3)
        middle.addWidget(side, 2)

        # -- the programme to print or publish ----------------------------------------------
        self.programme_button = QPushButton(_("Pro&gramme…"), self)
        self.programme_button.setToolTip(
            _("Le programme de la période : affiche A4 ou A3, agenda .ics, page web")
        )
        self.programme_menu = QMenu(self.programme_button)
        for fmt, size, text, file_filter, suffix in OUTPUTS:
            self.programme_menu.addAction(
                _(text), partial(self.on_save_programme, fmt, size, _(file_filter), suffix)
            )
        self.programme_button.setMenu(self.programme_menu)
        self.status = StatusLabel(self, zone=site.zone)
        bottom = QHBoxLayout()
        bottom.addWidget(self.programme_button)
        bottom.addWidget(self.status, 1)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(middle, 1)
        layout.addLayout(bottom)
        self.shown = refresh_when_shown(self)
        self.changes.watch(
            self, {Topic.EVENTS, Topic.BOOKINGS, Topic.RESOURCES}, self.shown.invalidate
        )

    # -- reading ------------------------------------------------------------------------------
    def period(self) -> tuple[date, date]:
        chosen = self.day.date()
        day = date(chosen.year(), chosen.month(), chosen.day())
        return period_of(day, str(self.span.currentData()))

    def refresh(self) -> None:
        kept = selected_id(self.view)
        try:
            self.programme_data = self._app.programme.programme(self._site.id, *self.period())
            rooms = self._app.programme.rooms(self._site.id)
        except Exception as exc:  # expected ones shown, unexpected ones also logged
            show_error(self, exc)
            return
        self.model.set_rows(self.programme_data.lines)
        self.title_label.setText(
            title_text(self.programme_data)
            + " — "
            + ngettext("{n} atelier", "{n} ateliers", len(self.programme_data.lines)).format(
                n=len(self.programme_data.lines)
            )
        )
        self.room.blockSignals(True)
        self.room.clear()
        self.room.addItem(_("Aucune salle"), None)
        for choice in rooms:
            self.room.addItem(choice.name, choice.id)
        self.room.blockSignals(False)
        if kept is not None:
            select_id(self.view, kept)
        if selected_id(self.view) is None and self.model.rowCount():
            self.view.selectRow(0)
        self.on_selection_changed()

    def _show_places(self, places: EventPlaces | None) -> None:
        self.places = places
        chosen = places is not None
        for widget in (
            self.person,
            self.register_button,
            self.count,
            self.reserve_button,
            self.cancel_button,
            self.room,
            self.room_button,
        ):
            widget.setEnabled(chosen)
        if places is None:
            self.registrations.set_rows([])
            self.places_label.setText(_("Choisissez un atelier dans la liste."))
            return
        self.registrations.set_rows(places.registrations)
        left = places.places_left
        text = _("« {title} » : {places}").format(
            title=places.title,
            places=_("places non limitées")
            if left is None
            else ngettext("{n} place restante", "{n} places restantes", left).format(n=left),
        )
        if places.waiting:
            text += " " + ngettext(
                "({n} personne en attente)", "({n} personnes en attente)", places.waiting
            ).format(n=places.waiting)
        self.places_label.setText(text)
        index = self.room.findText(places.room) if places.room else 0
        self.room.setCurrentIndex(max(index, 0))

    def on_period_changed(self, *_args: object) -> None:
        self.refresh()

    def on_selection_changed(self, *_args: object) -> None:
        event_id = selected_id(self.view)
        if not isinstance(event_id, uuid.UUID):
            self._show_places(None)
            return
        try:
            self._show_places(self._app.programme.places(event_id))
        except Exception as exc:  # expected ones shown, unexpected ones also logged
            show_error(self, exc)

    # -- writing ------------------------------------------------------------------------------
    def _written(self, places: EventPlaces, message: str, *topics: Topic) -> None:
        self.show_write(places.event_id, message, Topic.EVENTS, Topic.VISITS, *topics)

    def on_register_clicked(self, *_args: object) -> None:
        if self.places is None:
            return
        person_id = self.person.value() or self.person.only_choice()
        if person_id is None:
            self.person.setFocus()
            self.status.setText(_("Personne : tapez un nom et choisissez une personne."))
            return
        try:
            outcome = self._app.programme.register(self.places.event_id, person_id)
        except Exception as exc:  # expected ones shown, unexpected ones also logged
            show_error(self, exc, _("Inscription non enregistrée"))
            return
        self.person.clear()
        self._written(outcome.places, outcome.message())
        self.person.setFocus()

    def on_reserve_clicked(self, *_args: object) -> None:
        if self.places is None:
            return
        try:
            outcome = self._app.programme.reserve(self.places.event_id, self.count.value())
        except Exception as exc:  # expected ones shown, unexpected ones also logged
            show_error(self, exc, _("Places non réservées"))
            return
        self._written(outcome.places, outcome.message())

    def on_cancel_clicked(self, *_args: object) -> None:
        chosen = selected_id(self.registrations_view)
        if not isinstance(chosen, uuid.UUID):
            self.registrations_view.setFocus()
            return
        try:
            outcome = self._app.programme.cancel(chosen)
        except Exception as exc:  # expected ones shown, unexpected ones also logged
            show_error(self, exc, _("Inscription non annulée"))
            return
        self._written(outcome.places, outcome.message())
        self.registrations_view.setFocus()

    def on_room_clicked(self, *_args: object) -> None:
        if self.places is None:
            return
        resource_id = self.room.currentData()
        try:
            if isinstance(resource_id, uuid.UUID):
                places = self._app.programme.book_room(self.places.event_id, resource_id)
                message = _("Salle « {room} » bloquée dans l'agenda.").format(room=places.room)
            else:
                places = self._app.programme.release_room(self.places.event_id)
                message = _("Salle libérée dans l'agenda.")
        except Exception as exc:  # expected ones shown (the agenda says why)
            show_error(self, exc, _("Salle non bloquée"))
            return
        self._written(places, message, Topic.BOOKINGS)

    def on_save_programme(self, fmt: str, size: str, file_filter: str, suffix: str) -> None:
        programme = self.programme_data
        if programme is None or not programme.lines:
            self.status.setText(_("Aucun atelier au programme de cette période : rien à écrire."))
            return
        start = programme.start.isoformat()
        suggested = Path.home() / _("programme-{start}.{suffix}").format(start=start, suffix=suffix)
        path, _filter = QFileDialog.getSaveFileName(
            self, _("Enregistrer le programme"), str(suggested), file_filter
        )
        if path:
            self.write_programme(Path(path), fmt, size)

    def write_programme(self, target: Path, fmt: str, size: str = "A4") -> None:
        """Write the programme shown to ``target`` off the GUI thread."""
        programme = self.programme_data
        if programme is None:
            return
        if target.suffix.lower() != "." + fmt:
            target = target.with_name(target.name + "." + fmt)
        app, site_id = self._app, self._site.id

        def work(_progress: object) -> Path:
            operation = app.organisation.get_operation(site_id) if fmt == "pdf" else None
            return write_programme(target, programme, fmt, operation, size=size)

        run_op(
            self,
            work,
            lambda written: self.status.confirm(
                _("Programme enregistré : {path}.").format(path=written)
            ),
            label=_("Écriture du programme…"),
            on_failure=lambda exc: show_error(self, exc, _("Programme non écrit")),
        )
