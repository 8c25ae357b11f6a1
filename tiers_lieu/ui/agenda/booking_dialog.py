"""The booking form: for a person (found as it is typed, or registered on the spot) or an
organisation, who is served (« Public » : particulier, entreprise, association…), a resource,
a date and hours, seats, the price (a meeting room, or any resource with an hourly price),
and optionally a weekly repetition.

It is built for the phone call at the desk: it opens on the cell the host chose, Entrée saves,
and a refusal never leaves the host empty-handed: the service's French reason is shown in the
form with the nearest free slots as buttons, one click books one. A repetition is checked
first: the dates that collide are listed (in red, with why) and a second Entrée books the
others. A health resource takes no « objet » at all: no reason is stored for a health slot.
When a person is chosen, how often they did not come is shown, so the host can ask.

The price field offers the resource's hourly price × the duration and follows the resource and
the hours until the host types another amount (0: free; empty: the hourly price, or no price
for a resource that has none). The booking keeps the price saved: a later change of the hourly
price does not touch it.

An existing booking opens in the same form: who it is for and its title are saved through the
service's ``edit``, its times, resource and seats through ``move``, both from the same click
(the edit first). If the move is then refused, the edit stays saved and the form says so.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import QTime, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import ValidationError
from tiers_lieu.i18n import _, format_eur, ngettext, place_today, weekday_name
from tiers_lieu.models.enums import CategoryKind, ResourceKind
from tiers_lieu.services.access import Permission
from tiers_lieu.services.agenda.errors import AgendaConflict, PastBookingError
from tiers_lieu.services.agenda.inputs import KEEP, BookingRequest, Repetition
from tiers_lieu.services.agenda.prices import price_for
from tiers_lieu.services.agenda.readmodels import BookingInfo, ResourceInfo, SlotInfo
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.ui.agenda.content import HEALTH_KINDS
from tiers_lieu.ui.agenda.dialog_parts import (
    PersonPicker,
    ProposalsBox,
    RepeatBox,
    confirm_past,
)
from tiers_lieu.ui.agenda.table_models import OccurrencesModel
from tiers_lieu.ui.amounts import cents_text, parse_cents
from tiers_lieu.ui.common import make_table, to_date, to_qdate, to_time
from tiers_lieu.ui.date_range import bounded
from tiers_lieu.ui.errors import show_error
from tiers_lieu.ui.money.invoice_dialog import invoice_booking
from tiers_lieu.ui.pickers import CategoryCombo


class BookingDialog(QDialog):
    """Emits ``booking_saved`` (a :class:`BookingInfo`, or the first of a series) and closes."""

    booking_saved = Signal(object)

    def __init__(
        self,
        app: Comptoir,
        site: SiteInfo,
        parent: QWidget | None = None,
        *,
        resources: list[ResourceInfo],
        resource_id: uuid.UUID | None = None,
        day: date | None = None,
        start: time = time(9, 0),
        end: time = time(10, 0),
        booking: BookingInfo | None = None,
    ) -> None:
        super().__init__(parent)
        self._app = app
        self._site = site
        self._resources = resources
        self._booking = booking
        self._zone: ZoneInfo = site.zone  # the forms type in the place's wall clock
        self._planned_for: tuple[object, ...] | None = None
        self._edited = False  # an edit was saved but the dialog is still open (move refused)
        self._past_ok = False  # the host said a booking already over is keyed in afterwards
        self._priced = False  # the price field is shown (a room, or an hourly price)
        self._offered = ""  # the price last offered: the field follows while it shows it
        self.setWindowTitle(_("Modifier la réservation") if booking else _("Nouvelle réservation"))
        self.setMinimumWidth(560)

        self.person = PersonPicker(app, site.id, self)
        self.organisation = QLineEdit(self)
        self.organisation.setMaxLength(120)
        self.organisation.setPlaceholderText(_("ou une association, une entreprise…"))
        self.public = CategoryCombo(app, site.id, CategoryKind.PUBLIC, self)
        self.public.setToolTip(_("Qui est servi : particulier, entreprise, association…"))
        self.title = QLineEdit(self)
        self.title.setMaxLength(200)
        self.title.setPlaceholderText(_("par exemple : réunion du conseil d'administration"))
        self.health_note = QLabel(
            _("Créneau de santé : aucun motif n'est demandé ni enregistré."), self
        )
        self.health_note.setWordWrap(True)
        self.resource = QComboBox(self)
        for resource in resources:
            self.resource.addItem(resource.name, resource.id)
        self.day = bounded(QDateEdit(self))
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("dd/MM/yyyy")
        self.weekday = QLabel(self)  # Qt's own day names follow the system, not Comptoir
        self.day.dateChanged.connect(
            lambda value: self.weekday.setText(weekday_name(to_date(value).weekday()))
        )
        self.start = QTimeEdit(self)
        self.end = QTimeEdit(self)
        for edit in (self.start, self.end):
            edit.setDisplayFormat("HH:mm")
        self.seats = QSpinBox(self)
        self.price = QLineEdit(self)
        self.price.setMaxLength(16)
        self.price.setMaximumWidth(self.price.fontMetrics().horizontalAdvance("0" * 14))
        self.price.setToolTip(
            _(
                "En euros : le tarif horaire × la durée, modifiable ; 0 pour une réservation "
                "gratuite."
            )
        )
        self.price_hint = QLabel(self)
        self.repeat = RepeatBox(self, today=place_today(self._zone))
        self.occurrences = OccurrencesModel(self)
        self.occurrences_view = make_table(
            self.occurrences, self, stretch=OccurrencesModel.Columns.STATE
        )
        self.occurrences_view.setMaximumHeight(150)
        self.occurrences_view.hide()
        self.refusal = QLabel(self)
        self.refusal.setWordWrap(True)
        self.refusal.setStyleSheet("color: #b3261e; font-weight: bold;")
        self.refusal.hide()
        self.proposals = ProposalsBox(self)
        self.proposals.slot_chosen.connect(self.on_proposal_chosen)

        hours = QHBoxLayout()
        hours.addWidget(self.start)
        to_label = QLabel(_("à"), self)
        hours.addWidget(to_label)
        hours.addWidget(self.end)
        hours.addStretch(1)
        form = QFormLayout()
        form.addRow(_("&Personne :"), self.person)
        form.addRow(_("&Organisation :"), self.organisation)
        form.addRow(_("Pu&blic :"), self.public)
        self.title_label = QLabel(_("Ob&jet :"), self)
        self.title_label.setBuddy(self.title)
        form.addRow(self.title_label, self.title)
        form.addRow("", self.health_note)
        form.addRow(_("&Ressource :"), self.resource)
        day_row = QHBoxLayout()
        day_row.addWidget(self.day)
        day_row.addWidget(self.weekday, 1)
        day_label = QLabel(_("&Date :"), self)
        day_label.setBuddy(self.day)
        form.addRow(day_label, day_row)
        hours_label = QLabel(_("&Horaires :"), self)
        hours_label.setBuddy(self.start)
        form.addRow(hours_label, hours)
        form.addRow(_("P&laces :"), self.seats)
        price_row = QHBoxLayout()
        price_row.addWidget(self.price)
        price_row.addWidget(self.price_hint, 1)
        self.price_label = QLabel(_("Pri&x :"), self)
        self.price_label.setBuddy(self.price)
        form.addRow(self.price_label, price_row)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(_("Réser&ver") if booking is None else _("&Enregistrer"))
        self.save_button.setDefault(True)
        self.buttons.accepted.connect(self.on_save_clicked)
        self.buttons.rejected.connect(self.reject)
        if booking is not None and app.access.allows(Permission.BILLING):  # issue 21
            invoice = self.buttons.addButton(
                _("&Facturer…"), QDialogButtonBox.ButtonRole.ActionRole
            )
            invoice.clicked.connect(lambda: invoice_booking(app, site, booking.id, self))

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.repeat)
        layout.addWidget(self.occurrences_view)
        layout.addWidget(self.refusal)
        layout.addWidget(self.proposals)
        layout.addWidget(self.buttons)

        self.resource.currentIndexChanged.connect(self.on_resource_changed)
        self.repeat.changed.connect(self.on_request_changed)
        for signal in (self.day.dateChanged, self.start.timeChanged, self.end.timeChanged):
            signal.connect(self.on_request_changed)

        if booking is not None:
            resource_id = booking.resource_id
            day = booking.start.date()
            start, end = booking.start.time(), booking.end.time()
            self.person.set_value(booking.person_id)
            self.organisation.setText(booking.organisation)
            self.public.set_value(booking.public_id)
            self.title.setText(booking.title)
            self.repeat.hide()
        self._select_resource(resource_id)
        self.on_resource_changed()
        day = day or place_today(self._zone)
        self.day.setDate(to_qdate(day))
        self.start.setTime(QTime(start.hour, start.minute))
        self.end.setTime(QTime(end.hour, end.minute))
        if booking is not None:
            self.seats.setValue(booking.seats)
            self.price.setText(cents_text(booking.price_cents))  # as agreed, not recomputed
        self.person.setFocus()

    # -- helpers --------------------------------------------------------------------------
    def _select_resource(self, resource_id: uuid.UUID | None) -> None:
        for index in range(self.resource.count()):
            if self.resource.itemData(index) == resource_id:
                self.resource.setCurrentIndex(index)
                return

    def current_resource(self) -> ResourceInfo | None:
        resource_id = self.resource.currentData()
        return next((r for r in self._resources if r.id == resource_id), None)

    def _instants(self) -> tuple[datetime, datetime]:
        day = to_date(self.day.date())
        return (
            datetime.combine(day, to_time(self.start.time()), tzinfo=self._zone),
            datetime.combine(day, to_time(self.end.time()), tzinfo=self._zone),
        )

    def show_refusal(self, message: str, alternatives: list[SlotInfo]) -> None:
        self.refusal.setText(message)
        self.refusal.show()
        self.proposals.set_slots(alternatives)

    def _clear_refusal(self) -> None:
        self.refusal.hide()
        self.proposals.set_slots([])

    # -- slots ----------------------------------------------------------------------------
    def on_resource_changed(self) -> None:
        resource = self.current_resource()
        health = resource is not None and resource.kind in HEALTH_KINDS
        self.title.setVisible(not health)
        self.title_label.setVisible(not health)
        self.health_note.setVisible(health)
        if health:
            self.title.clear()
        self.seats.setRange(1, resource.capacity if resource else 1)
        self.seats.setEnabled(resource is not None and resource.capacity > 1)
        self._priced = resource is not None and (
            resource.hourly_price_cents is not None
            or resource.kind == ResourceKind.MEETING_ROOM
            or (self._booking is not None and self._booking.price_cents is not None)
        )
        for widget in (self.price_label, self.price, self.price_hint):
            widget.setVisible(self._priced)
        self.on_request_changed()

    def on_request_changed(self) -> None:
        self._planned_for = None
        self.occurrences_view.hide()
        self._offer_price()

    def _offer_price(self) -> None:
        """The resource's hourly price × the hours, in the field unless the host typed
        another amount there."""
        resource = self.current_resource()
        hourly = resource.hourly_price_cents if resource is not None else None
        start, end = self._instants()
        offered = cents_text(price_for(hourly, start, end) if end > start else None)
        if self.price.text().strip() == self._offered:
            self.price.setText(offered)
        self._offered = offered
        self.price_hint.setText(
            _("{price} de l'heure ; 0 : gratuit").format(price=format_eur(hourly))
            if hourly is not None
            else _("pas de tarif horaire ; 0 : gratuit")
        )

    def _price(self) -> int | None:
        """The price typed (``None``: empty, the hourly price × the duration; or no field)."""
        if not self._priced:
            return None
        return parse_cents(self.price.text(), _("Prix"), optional=True)

    def on_proposal_chosen(self, slot: SlotInfo) -> None:
        self._select_resource(slot.resource_id)
        day = slot.start.date()
        self.day.setDate(to_qdate(day))
        self.start.setTime(QTime(slot.start.hour, slot.start.minute))
        self.end.setTime(QTime(slot.end.hour, slot.end.minute))
        self.on_save_clicked()

    def on_save_clicked(self) -> None:
        resource = self.current_resource()
        if resource is None:
            self.show_refusal(_("Choisissez une ressource."), [])
            return
        start, end = self._instants()
        if self._booking is not None:
            self._save_changes(resource, start, end)
            return
        try:
            if self.repeat.is_on():
                saved_series = self._save_series(resource, start, end)
                if saved_series is None:
                    return
                saved = saved_series
            else:
                saved = self._app.agenda.bookings.create(
                    self._site.id,
                    self._request(resource, start, end),
                    allow_past=self._past_ok,
                )
        except PastBookingError as refused:
            if confirm_past(self, refused):
                self._past_ok = True
                self.on_save_clicked()
            return
        except AgendaConflict as refused:
            self.show_refusal(refused.message, refused.alternatives)
            return
        except Exception as exc:  # a field or a rule: said in French, the form stays open
            show_error(self, exc)
            return
        self._clear_refusal()
        self.booking_saved.emit(saved)
        self.accept()

    def _request(self, resource: ResourceInfo, start: datetime, end: datetime) -> BookingRequest:
        return BookingRequest(
            resource_id=resource.id,
            start=start,
            end=end,
            seats=self.seats.value(),
            person_id=self.person.value(),
            organisation=self.organisation.text().strip(),
            title=self.title.text().strip(),
            public_id=self.public.value(),
            price_cents=self._price(),
        )

    def _save_changes(self, resource: ResourceInfo, start: datetime, end: datetime) -> None:
        """An existing booking: the edit (who, title) first, then the move; nothing changed
        closes the form."""
        booking = self._booking
        assert booking is not None
        bookings = self._app.agenda.bookings
        person_id = self.person.value()
        organisation = self.organisation.text().strip()
        title = self.title.text().strip()
        public_id = self.public.value()
        seats = self.seats.value()
        try:
            price = self._price()
        except ValidationError as exc:
            show_error(self, exc)
            return
        repriced = self._priced and price != booking.price_cents
        edit = (person_id, organisation, title, public_id) != (
            booking.person_id,
            booking.organisation,
            booking.title,
            booking.public_id,
        )
        move = (resource.id, start, end, seats) != (
            booking.resource_id,
            booking.start,
            booking.end,
            booking.seats,
        )
        # A new price goes with the move when there is one (saved with it or not at all).
        edit = edit or (repriced and not move)
        if not edit and not move:
            self.accept()
            return
        saved = booking
        try:
            if edit:
                saved = bookings.edit(
                    booking.id,
                    person_id=person_id,
                    organisation=organisation,
                    title=title,
                    public_id=public_id,
                    price_cents=price if repriced and not move else KEEP,
                )
                self._booking, self._edited = saved, True
            if move:
                saved = bookings.move(
                    booking.id,
                    start=start,
                    end=end,
                    resource_id=resource.id,
                    seats=seats,
                    allow_past=self._past_ok,
                    price_cents=price if repriced else KEEP,
                )
        except PastBookingError as refused:
            if confirm_past(self, refused):
                self._past_ok = True
                self._save_changes(resource, start, end)
            return
        except AgendaConflict as refused:
            message = refused.message
            if edit:
                message = _(
                    "Personne, organisation et objet enregistrés ; le déplacement est refusé : "
                    "{reason}"
                ).format(reason=refused.message)
            self.show_refusal(message, refused.alternatives)
            return
        except Exception as exc:  # a field or a rule: said in French, the form stays open
            show_error(self, exc)
            return
        self._clear_refusal()
        self._edited = False
        self.booking_saved.emit(saved)
        self.accept()

    def reject(self) -> None:
        """Closing after a saved edit whose move was refused still refreshes the agenda."""
        if self._edited and self._booking is not None:
            self._edited = False
            self.booking_saved.emit(self._booking)
        super().reject()

    def _save_series(
        self, resource: ResourceInfo, start: datetime, end: datetime
    ) -> BookingInfo | None:
        """First Entrée: list the dates (collisions in red); second: book all but those."""
        bookings = self._app.agenda.bookings
        interval, until, count = self.repeat.values()
        repetition = Repetition(interval_weeks=interval, until=until, count=count)
        request = (resource.id, start, end, interval, until, count, self.seats.value())
        if self._planned_for != request:
            dates = BookingRequest(
                resource_id=resource.id, start=start, end=end, seats=self.seats.value()
            )
            planned = bookings.plan_series(self._site.id, dates, repetition)
            self.occurrences.set_rows(planned)
            self.occurrences_view.show()
            self._planned_for = request
            colliding = [o for o in planned if o.collides]
            if colliding:
                ok = len(planned) - len(colliding)
                self.show_refusal(
                    ngettext(
                        "{n} date en conflit, en rouge ci-dessous : elle sera ignorée.",
                        "{n} dates en conflit, en rouge ci-dessous : elles seront ignorées.",
                        len(colliding),
                    ).format(n=len(colliding))
                    + " "
                    + ngettext(
                        "Appuyez de nouveau sur Entrée pour réserver {ok} autre date.",
                        "Appuyez de nouveau sur Entrée pour réserver les {ok} autres.",
                        ok,
                    ).format(ok=ok),
                    [],
                )
                return None
        skip = [o.day for o in self.occurrences.rows() if o.collides]
        first = self._request(resource, start, end)
        result = bookings.create_series(
            self._site.id, first, repetition, skip=skip, allow_past=self._past_ok
        )
        if not result.booked:
            self.show_refusal(_("Aucune date n'est libre : rien n'a été réservé."), [])
            return None
        return result.booked[0]


def default_end(start: time, minutes: int) -> time:
    moment = datetime.combine(date(2000, 1, 1), start) + timedelta(minutes=minutes)
    return moment.time() if moment.date() == date(2000, 1, 1) else time(23, 59)
