"""Booking a person into a health permanence's free slot: the second of the two clicks.

The host clicked a free slot in the agenda; this small form says which slot (practitioner,
day, hours), asks only who (found by name, or registered on the spot) and books on Entrée. No
reason is asked, shown or stored (GDPR art. 9). If someone took the slot in the meantime, the
refusal is shown with the next free slots of the same permanence, one click books one.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from tiers_lieu.app import Comptoir
from tiers_lieu.i18n import _, format_date, format_time
from tiers_lieu.services.agenda.errors import AgendaConflict, PastBookingError
from tiers_lieu.services.agenda.readmodels import PermanenceSlot, SlotInfo
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.agenda.dialog_parts import PersonPicker, ProposalsBox, confirm_past
from tiers_lieu.ui.errors import show_error


class SlotDialog(QDialog):
    """Emits ``slot_booked`` with the new :class:`BookingInfo` and closes."""

    slot_booked = Signal(object)

    def __init__(
        self,
        app: Comptoir,
        site: SiteInfo,
        slot: PermanenceSlot,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._app = app
        self._slot = slot
        self._start = slot.start
        self._past_ok = False  # the host said a slot already over is keyed in afterwards
        self.setWindowTitle(_("Réserver un créneau de santé"))
        self.setMinimumWidth(460)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self._show_summary(slot.start, slot.end)
        self.person = PersonPicker(app, site.id, self)
        note = QLabel(_("Aucun motif n'est demandé ni enregistré pour un créneau de santé."), self)
        note.setWordWrap(True)
        self.refusal = QLabel(self)
        self.refusal.setWordWrap(True)
        self.refusal.setStyleSheet("color: #b3261e; font-weight: bold;")
        self.refusal.hide()
        self.proposals = ProposalsBox(self)
        self.proposals.slot_chosen.connect(self.on_proposal_chosen)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(_("Réser&ver"))
        self.save_button.setDefault(True)
        buttons.accepted.connect(self.on_save_clicked)
        buttons.rejected.connect(self.reject)
        who = QLabel(_("&Personne :"), self)
        who.setBuddy(self.person)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(who)
        layout.addWidget(self.person)
        layout.addWidget(note)
        layout.addWidget(self.refusal)
        layout.addWidget(self.proposals)
        layout.addWidget(buttons)
        self.person.setFocus()

    def _show_summary(self, start: datetime, end: datetime) -> None:
        self.summary.setText(
            _("<b>{name}</b><br>{date}, de {start} à {end}").format(
                name=self._slot.practitioner_name,
                date=format_date(start.date(), "full"),
                start=format_time(start.time()),
                end=format_time(end.time()),
            )
        )

    def on_proposal_chosen(self, slot: SlotInfo) -> None:
        self._start = slot.start
        self._show_summary(slot.start, slot.end)
        self.on_save_clicked()

    def on_save_clicked(self) -> None:
        person_id = self.person.value()
        if person_id is None:
            self.refusal.setText(
                _("Choisissez la personne dans la liste, ou « Nouvelle personne… ».")
            )
            self.refusal.show()
            self.person.setFocus()
            return
        try:
            booking = self._app.agenda.permanences.book_slot(
                self._slot.permanence_id,
                self._start,
                person_id=person_id,
                allow_past=self._past_ok,
            )
        except PastBookingError as refused:
            if confirm_past(self, refused):
                self._past_ok = True
                self.on_save_clicked()
            return
        except AgendaConflict as refused:
            self.refusal.setText(refused.message)
            self.refusal.show()
            self.proposals.set_slots(refused.alternatives)
            return
        except Exception as exc:
            show_error(self, exc)
            return
        self.slot_booked.emit(booking)
        self.accept()
