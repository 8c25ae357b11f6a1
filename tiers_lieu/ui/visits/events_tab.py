"""« Ateliers et animations » : the workshops of a period with their participants, and the
totals the activity report shows (events, participants, hours).

A site holds a few hundred workshops a year, so the list is read whole for the period; it
is read again after each change because a workshop's participants come from its attendance.
"""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import _, format_date, format_number, ngettext, place_today
from tiers_lieu.reports.documents.attendance_sheet import write_attendance_sheets
from tiers_lieu.services.events import AttendanceSheet, EventDetail, event_totals
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.common import (
    StatusLabel,
    add_shortcut,
    list_keys,
    make_table,
    select_id,
    selected_id,
)
from tiers_lieu.ui.data_changed import DataChanged, ListTab, Topic
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.loading import refresh_when_shown
from tiers_lieu.ui.satisfaction import SatisfactionRow
from tiers_lieu.ui.sheet_output import print_confirmed, save_confirmed
from tiers_lieu.ui.visits.event_dialog import EventDialog
from tiers_lieu.ui.visits.period import Period, PeriodPicker
from tiers_lieu.ui.visits.table_models import EventsModel, duration_text


class EventsTab(ListTab):
    """A workshop saved or deleted changes its participants' visits too: both are announced."""

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
        self._today = today
        self.dialog: EventDialog | None = None

        self.period = PeriodPicker(self, initial=Period.YEAR, zone=site.zone, today=today)
        self.period.period_changed.connect(self.on_period_changed)
        top = QHBoxLayout()
        top.addWidget(self.period)
        top.addStretch(1)

        self.model = EventsModel(self)
        self.view = make_table(self.model, self, stretch=EventsModel.Columns.TITLE)
        self.view.selectionModel().selectionChanged.connect(self.on_selection_changed)
        self.view.doubleClicked.connect(self.on_edit_clicked)
        self.totals_label = QLabel(self)
        font = self.totals_label.font()
        font.setBold(True)
        self.totals_label.setFont(font)

        self.new_button = QPushButton(_("&Nouvel atelier…"), self)
        self.edit_button = QPushButton(_("&Modifier…"), self)
        self.delete_button = QPushButton(_("Supprimer"), self)
        self.new_button.clicked.connect(self.on_new_clicked)
        add_shortcut(self, QKeySequence.StandardKey.New, self.on_new_clicked, self.new_button)
        list_keys(
            self,
            self.view,
            edit=self.on_edit_clicked,
            delete=self.on_delete_clicked,
            edit_button=self.edit_button,
            delete_button=self.delete_button,
        )
        self.delete_button.setToolTip(_("Supprimer l'atelier choisi (Suppr dans la liste)"))
        # The sheet the participants sign (LEADER claim), printed before the workshop.
        self.sheet_button = QPushButton(_("Feuille d'émar&gement…"), self)
        self.sheet_button.setToolTip(
            _("Imprimer la feuille d'émargement de l'atelier choisi, ou l'enregistrer en PDF")
        )
        self.sheet_menu = QMenu(self.sheet_button)
        self.sheet_menu.addAction(_("&Imprimer…"), self.on_print_sheet_triggered)
        self.sheet_menu.addAction(_("Enregistrer en &PDF…"), self.on_save_sheet_triggered)
        self.sheet_button.setMenu(self.sheet_menu)
        self.status = StatusLabel(self, zone=self._site.zone)
        buttons = QHBoxLayout()
        for button in (self.new_button, self.edit_button, self.delete_button, self.sheet_button):
            buttons.addWidget(button)
        buttons.addWidget(self.status, 1)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.totals_label)
        layout.addLayout(buttons)
        self.satisfaction = SatisfactionRow(app, site.id, self)  # after a workshop: F9/F10/F11
        layout.addWidget(self.satisfaction)
        self.shown = refresh_when_shown(self)  # read when first on screen
        self.changes.watch(self, {Topic.EVENTS}, self.shown.invalidate)

    def refresh(self) -> None:
        start, end = self.period.range()
        kept = selected_id(self.view)
        events = self._app.events.list(self._site.id, start, end)
        self.model.set_rows(events)
        if kept is not None:
            select_id(self.view, kept)
        totals = event_totals(events)
        if not totals.events:
            self.totals_label.setText(_("Aucun atelier sur cette période."))
        else:
            self.totals_label.setText(
                _("Total : {events}, {participants}, {hours}").format(
                    events=ngettext("{n} atelier", "{n} ateliers", totals.events).format(
                        n=format_number(totals.events)
                    ),
                    participants=ngettext(
                        "{n} participant", "{n} participants", totals.participants
                    ).format(n=format_number(totals.participants)),
                    hours=duration_text(totals.minutes),
                )
            )
        self.on_selection_changed()

    # -- slots --------------------------------------------------------------------------
    def on_period_changed(self, *_args: object) -> None:
        self.refresh()

    def on_selection_changed(self, *_args: object) -> None:
        chosen = selected_id(self.view) is not None
        self.edit_button.setEnabled(chosen)
        self.delete_button.setEnabled(chosen)
        self.sheet_button.setEnabled(chosen)

    def _open(self, detail: EventDetail | None) -> None:
        self.dialog = EventDialog(self._app, self._site, detail, self, day=self._today)
        self.dialog.event_saved.connect(self.on_event_saved)
        # Even a cancelled dialog may have saved the event before its attendance was refused.
        self.dialog.finished.connect(self.on_dialog_finished)
        self.dialog.open()

    def on_new_clicked(self, *_args: object) -> None:
        self._open(None)

    def on_edit_clicked(self, *_args: object) -> None:
        event_id = selected_id(self.view)
        if not isinstance(event_id, uuid.UUID):
            return
        try:
            detail = self._app.events.get(event_id)
        except Exception as exc:  # expected ones shown, unexpected ones also logged
            show_error(self, exc)
            self.refresh()
            return
        self._open(detail)

    def on_event_saved(self, detail: EventDetail) -> None:
        event = detail.event
        message = _("Atelier « {title} » enregistré.").format(title=event.title)
        self.show_write(event.id, message, Topic.EVENTS, Topic.VISITS)
        if event.event_date <= (self._today or place_today(self._site.zone)):  # held: ask
            self.satisfaction.arm("atelier", event.event_date, event_id=event.id, several=True)

    def on_dialog_finished(self, _result: int) -> None:
        dialog = self.dialog
        if dialog is not None and dialog.event_id is not None and not dialog.result():
            self.show_write(None, "", Topic.EVENTS, Topic.VISITS)

    # -- the attendance sheet --------------------------------------------------------------
    def _chosen_sheet(self) -> AttendanceSheet | None:
        """The chosen workshop's sheet (one quick read), or ``None`` after an error shown."""
        event_id = selected_id(self.view)
        if not isinstance(event_id, uuid.UUID):
            return None
        try:
            return self._app.events.attendance_sheet(event_id)
        except Exception as exc:  # expected ones shown, unexpected ones also logged
            show_error(self, exc)
            self.refresh()
            return None

    def on_print_sheet_triggered(self) -> None:
        sheet = self._chosen_sheet()
        if sheet is None:
            return
        print_confirmed(
            self,
            self.status,
            lambda target: write_attendance_sheets([sheet], target),
            title=_("Feuille d'émargement"),
            label=_("Impression de la feuille d'émargement…"),
        )

    def on_save_sheet_triggered(self) -> None:
        sheet = self._chosen_sheet()
        if sheet is None:
            return
        suggested = Path.home() / _("emargement-{day}.pdf").format(day=sheet.event_date.isoformat())
        path, _filter = QFileDialog.getSaveFileName(
            self, _("Enregistrer la feuille d'émargement"), str(suggested), _("PDF (*.pdf)")
        )
        if not path:
            return
        target = Path(path)
        if target.suffix.lower() != ".pdf":
            target = target.with_suffix(".pdf")
        save_confirmed(
            self,
            self.status,
            lambda path: write_attendance_sheets([sheet], path),
            target,
            label=_("Préparation de la feuille d'émargement…"),
            saved=_("Feuille d'émargement enregistrée : {path}."),
        )

    def on_delete_clicked(self, *_args: object) -> None:
        event_id = selected_id(self.view)
        number = self.model.find_row(event_id) if event_id is not None else -1
        if number < 0:
            return
        event = self.model.row_at(number)
        question = _("Supprimer « {title} » du {day} ?").format(
            title=event.title, day=format_date(event.event_date, "long")
        )
        if event.participants:
            question += " " + ngettext(
                "Son participant ne comptera plus comme visite.",
                "Ses {n} participants ne compteront plus comme visites.",
                event.participants,
            ).format(n=format_number(event.participants))
        answer = QMessageBox.question(
            self,
            _("Supprimer l'atelier"),
            question,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            self._app.events.delete(event.id)
        except Exception as exc:  # expected ones shown, unexpected ones also logged
            show_error(self, exc, _("Atelier non supprimé"))
            return
        message = _("Atelier « {title} » supprimé.").format(title=event.title)
        self.show_write(None, message, Topic.EVENTS, Topic.VISITS)
