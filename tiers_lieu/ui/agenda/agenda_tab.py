"""« Agenda »: the day or the week of the place's resources, and what the host does on it.

The page (the bar that turns pages, the grid, the line that describes the booking under the
cursor, the buttons) is laid out in ``agenda_page.py``. This module is what the host does on
it: a new booking on the time selected (Ctrl+N, Entrée, a drag), the booking or free slot
under the cursor, the next free slot, and the statuses: check in (counts the visit and uses a
pass), no-show, cancel (after a confirmation). Every dialog is opened with ``open()``, not
``exec()``, so the grid keeps painting behind it and the tests drive it like a host would.
"""

from __future__ import annotations

import uuid
from datetime import date, time

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMessageBox, QWidget

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import _, format_date, place_now
from tiers_lieu.models.enums import BookingStatus
from tiers_lieu.services.agenda.readmodels import BookingInfo, PermanenceSlot
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.agenda.agenda_page import AgendaPage
from tiers_lieu.ui.agenda.booking_dialog import BookingDialog, default_end
from tiers_lieu.ui.agenda.content import status_label, time_range
from tiers_lieu.ui.agenda.grid_model import BlockKind, CellRange, GridBlock
from tiers_lieu.ui.agenda.slot_dialog import SlotDialog
from tiers_lieu.ui.common import add_shortcut
from tiers_lieu.ui.data_changed import DataChanged, Topic
from tiers_lieu.ui.errors import show_error


class AgendaTab(AgendaPage):
    """The agenda page with its actions: the buttons, Ctrl+N and the grid's requests open the
    booking and slot dialogs or change a booking's status."""

    def __init__(
        self,
        app: Comptoir,
        site: SiteInfo,
        parent: QWidget | None = None,
        *,
        changes: DataChanged | None = None,
    ) -> None:
        super().__init__(app, site, parent, changes=changes)
        self.dialog: BookingDialog | SlotDialog | None = None
        self.next_free_button.clicked.connect(self.on_next_free_requested)
        self.new_button.clicked.connect(self.on_new_clicked)
        self.edit_button.clicked.connect(self.on_edit_clicked)
        self.check_in_button.clicked.connect(self.on_check_in_clicked)
        self.no_show_button.clicked.connect(self.on_no_show_clicked)
        self.cancel_button.clicked.connect(self.on_cancel_clicked)
        add_shortcut(self, QKeySequence("Ctrl+N"), self.on_new_clicked, self.new_button)
        self.grid.cell_activated.connect(self.on_cell_activated)
        self.grid.block_activated.connect(self.on_block_activated)
        self.grid.cancel_requested.connect(self.on_cancel_requested)
        self.grid.next_free_requested.connect(self.on_next_free_requested)

    # -- « Prochain créneau libre » -------------------------------------------------------
    def on_next_free_requested(self) -> None:
        """Move to the next free slot of the practitioner chosen (or under the cursor), else
        of the resource of the current column, and open the booking form on it: the person
        waiting is then typed, and Entrée books."""
        block = self.grid.current_block()
        practitioner_id = self.practitioner_filter()
        if (
            practitioner_id is None
            and block is not None
            and isinstance(block.payload, PermanenceSlot)
        ):
            practitioner_id = block.payload.practitioner_id
        column, _row = self.grid.current_cell()
        shown = self.grid.columns()
        resource_id = shown[column].resource_id if column < len(shown) else None
        if not isinstance(resource_id, uuid.UUID):
            resource_id = self.resource_filter()
        if practitioner_id is None and resource_id is None:
            self.status.setText(_("Choisissez d'abord une ressource ou un praticien."))
            return
        try:
            found = self._app.agenda.availability.next_free(
                self._site.id,
                practitioner_id=practitioner_id,
                resource_id=None if practitioner_id else resource_id,
                after=place_now(self._site.zone),
            )
        except Exception as exc:
            show_error(self, exc)
            return
        if found is None:
            self.status.setText(_("Aucun créneau libre dans les quatre prochains mois."))
            return
        self._show_slot(found.resource_id, found.start)
        if isinstance(found, PermanenceSlot):
            self._open(SlotDialog(self._app, self._site, found, self))
            return
        self._open_new_booking(
            found.resource_id, found.start.date(), found.start.time(), found.end.time()
        )

    # -- the booking and slot dialogs -----------------------------------------------------
    def _open(self, dialog: BookingDialog | SlotDialog) -> None:
        self.dialog = dialog
        if isinstance(dialog, BookingDialog):
            dialog.booking_saved.connect(self.on_booking_saved)
        else:
            dialog.slot_booked.connect(self.on_booking_saved)
        dialog.finished.connect(self.grid.setFocus)
        dialog.open()

    def _open_new_booking(
        self, resource_id: uuid.UUID | None, day: date, start: time, end: time
    ) -> None:
        """The booking dialog on a new booking of ``resource_id``, ``day`` ``start``-``end``."""
        self._open(
            BookingDialog(
                self._app,
                self._site,
                self,
                resources=self._resources,
                resource_id=resource_id,
                day=day,
                start=start,
                end=end,
            )
        )

    def on_new_clicked(self) -> None:
        selected = self.grid.selected_range()
        if selected is None:
            return
        self.on_cell_activated(selected)

    def on_cell_activated(self, selected: CellRange) -> None:
        resource_id = selected.column.resource_id
        if not isinstance(resource_id, uuid.UUID):
            resource_id = self.resource_filter()
        resource = next((r for r in self._resources if r.id == resource_id), None)
        least = resource.min_duration_min if resource else 60
        end = selected.end
        if (end.hour * 60 + end.minute) - (
            selected.start.hour * 60 + selected.start.minute
        ) < least:
            end = default_end(selected.start, least)
        self._open_new_booking(resource_id, selected.column.day, selected.start, end)

    def on_block_activated(self, block: GridBlock) -> None:
        if block.kind == BlockKind.SLOT_FREE and isinstance(block.payload, PermanenceSlot):
            self._open(SlotDialog(self._app, self._site, block.payload, self))
            return
        booking_id = self._booking_of(block)
        if booking_id is None:
            return
        try:
            booking = self._app.agenda.bookings.get(booking_id)
        except Exception as exc:
            show_error(self, exc)
            return
        self._open(
            BookingDialog(self._app, self._site, self, resources=self._resources, booking=booking)
        )

    def on_edit_clicked(self) -> None:
        block = self.grid.current_block()
        if block is not None:
            self.on_block_activated(block)

    def on_booking_saved(self, booking: BookingInfo) -> None:
        self._day = booking.start.date()
        self.on_bookings_changed()
        self.grid.go_to(self._day, booking.start.time())
        self.status.confirm(
            _("Réservé pour {who} : {resource}, {date}, {hours}.").format(
                who=booking.who or booking.title or "—",
                resource=booking.resource_name,
                date=format_date(booking.start.date(), "full"),
                hours=time_range(booking.start, booking.end),
            )
        )

    # -- statuses -------------------------------------------------------------------------
    def on_check_in_clicked(self) -> None:
        booking_id = self._booking_of(self.grid.current_block())
        if booking_id is None:
            return
        try:
            result = self._app.agenda.bookings.check_in(booking_id)
        except Exception as exc:
            show_error(self, exc)
            return
        message = _("{who} est arrivé·e : visite comptée.").format(
            who=result.booking.who or result.booking.resource_name
        )
        if result.pass_balance is not None:
            message += " " + _("Reste sur le pass : {n}.").format(n=result.pass_balance)
        self.on_bookings_changed(Topic.VISITS)
        self.status.confirm(message)

    def on_no_show_clicked(self) -> None:
        self._set_status(BookingStatus.NO_SHOW)

    def on_cancel_clicked(self) -> None:
        block = self.grid.current_block()
        if block is not None:
            self.on_cancel_requested(block)

    def on_cancel_requested(self, block: GridBlock) -> None:
        if self._booking_of(block) is None:
            return
        answer = QMessageBox.question(
            self,
            _("Annuler la réservation"),
            _("Annuler cette réservation ?\n\n{what}").format(what=block.tooltip),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self._set_status(BookingStatus.CANCELLED)

    def _set_status(self, status: BookingStatus) -> None:
        booking_id = self._booking_of(self.grid.current_block())
        if booking_id is None:
            return
        bookings = self._app.agenda.bookings
        try:
            if status == BookingStatus.CANCELLED:
                done = bookings.cancel(booking_id)
            else:
                done = bookings.no_show(booking_id)
        except Exception as exc:
            show_error(self, exc)
            return
        self.on_bookings_changed()
        self.status.confirm(
            _("{who} : {status}.").format(
                who=done.who or done.resource_name, status=status_label(done.status)
            )
        )
