"""Frozen snapshots the agenda services return, safe to keep after the transaction ends.

Every instant here is an aware ``datetime`` in the site's time zone (Europe/Paris for a French
place): the database keeps UTC, the screens and the PDFs show the place's wall clock, and
converting once in the service keeps the views free of time-zone arithmetic.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time


@dataclass(frozen=True)
class ResourceInfo:
    id: uuid.UUID
    site_id: uuid.UUID
    name: str
    kind: str  # models.enums.ResourceKind
    capacity: int
    min_duration_min: int
    max_duration_min: int | None
    buffer_min: int
    service_id: uuid.UUID | None
    active: bool
    hourly_price_cents: int | None = None
    """What an hour costs, in cents (``None``: not hired out)."""
    to_call: tuple[BookedPerson, ...] = ()
    """After a deactivation: the bookings still standing from now on (nothing cancelled)."""


@dataclass(frozen=True)
class SlotInfo:
    """A free stretch of a resource, as proposed to the host."""

    resource_id: uuid.UUID
    resource_name: str
    start: datetime
    end: datetime
    seats_free: int


@dataclass(frozen=True)
class BookingInfo:
    id: uuid.UUID
    site_id: uuid.UUID
    resource_id: uuid.UUID
    resource_name: str
    start: datetime
    end: datetime
    seats: int
    person_id: uuid.UUID | None
    who: str  # the person's name, else the organisation, else ""
    organisation: str
    title: str
    status: str  # models.enums.BookingStatus
    cancelled_at: datetime | None
    checked_in_at: datetime | None
    permanence_id: uuid.UUID | None
    series_id: uuid.UUID | None
    source: str
    public_id: uuid.UUID | None = None
    """Who is served (category of kind « public »; ``None``: « Non communiqué »)."""
    price_cents: int | None = None
    """The price agreed, in cents (0: free; ``None``: no price)."""

    @property
    def active(self) -> bool:
        """Still holds its seats (everything but a cancellation)."""
        return self.status != "cancelled"


@dataclass(frozen=True)
class ResourceAgenda:
    """One resource's column of a day or week view: its bookings and permanence slots."""

    resource: ResourceInfo
    bookings: tuple[BookingInfo, ...]
    permanence_slots: tuple[PermanenceSlot, ...] = ()


@dataclass(frozen=True)
class AgendaView:
    """A day (one date) or a week (seven dates) of all resources of a site, side by side."""

    site_id: uuid.UUID
    days: tuple[date, ...]
    resources: tuple[ResourceAgenda, ...]
    closed_days: dict[date, str] = field(default_factory=dict)  # date → why (holiday, closure)
    opening: dict[date, tuple[tuple[time, time], ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class CheckInResult:
    booking: BookingInfo
    visit_id: uuid.UUID | None  # None when the resource counts in no service
    pass_id: uuid.UUID | None  # the pass a unit was taken from, if any
    pass_balance: int | None  # units left on that pass after the check-in


@dataclass(frozen=True)
class NoShowHistory:
    person_id: uuid.UUID
    bookings: int  # past bookings that were not cancelled
    no_shows: int
    recent: tuple[BookingInfo, ...]  # the latest no-shows, newest first


@dataclass(frozen=True)
class Occurrence:
    """One date of a planned series; ``reason`` says why it cannot be booked, if it cannot."""

    day: date
    start: datetime
    end: datetime
    reason: str = ""
    alternatives: tuple[SlotInfo, ...] = ()

    @property
    def collides(self) -> bool:
        return bool(self.reason)


@dataclass(frozen=True)
class SeriesResult:
    series_id: uuid.UUID
    booked: tuple[BookingInfo, ...]
    skipped: tuple[date, ...]


@dataclass(frozen=True)
class PractitionerInfo:
    id: uuid.UUID
    site_id: uuid.UUID
    name: str
    profession: str
    specialty: str
    organisation: str
    phone: str
    email: str


@dataclass(frozen=True)
class PermanenceInfo:
    id: uuid.UUID
    site_id: uuid.UUID
    practitioner_id: uuid.UUID
    practitioner_name: str
    profession: str
    resource_id: uuid.UUID
    resource_name: str
    weekday: int  # 0 = Monday
    start_time: time
    end_time: time
    slot_min: int
    interval_weeks: int
    start_date: date
    end_date: date | None
    to_call: tuple[BookedPerson, ...] = ()
    """Set by ``create``: bookings already in the room during the permanence's hours."""

    @property
    def slots_per_day(self) -> int:
        minutes = (self.end_time.hour * 60 + self.end_time.minute) - (
            self.start_time.hour * 60 + self.start_time.minute
        )
        return minutes // self.slot_min


@dataclass(frozen=True)
class PermanenceSlot:
    """A slot of a permanence on a date: free, or taken by someone (no reason, ever)."""

    permanence_id: uuid.UUID
    practitioner_id: uuid.UUID
    practitioner_name: str
    resource_id: uuid.UUID
    day: date
    start: datetime
    end: datetime
    booking_id: uuid.UUID | None = None
    person_id: uuid.UUID | None = None
    who: str = ""
    status: str = ""  # the booking's status when taken
    cancelled: bool = False  # the permanence is cancelled that date
    cancel_reason: str = ""

    @property
    def taken(self) -> bool:
        return self.booking_id is not None


@dataclass(frozen=True)
class BookedPerson:
    """Someone to call because their slot is cancelled, or the place closed or a permanence
    set over their booking (phone and e-mail empty for a role that may not see them)."""

    booking_id: uuid.UUID
    person_id: uuid.UUID | None
    name: str
    phone: str
    email: str
    start: datetime
    end: datetime | None = None
    resource_name: str = ""


@dataclass(frozen=True)
class CancelledDate:
    permanence_id: uuid.UUID
    day: date
    reason: str
    to_call: tuple[BookedPerson, ...]


@dataclass(frozen=True)
class PassTypeInfo:
    id: uuid.UUID
    site_id: uuid.UUID
    name: str
    kind: str  # models.enums.PassKind
    price_cents: int
    units: int
    validity_days: int | None
    active: bool


@dataclass(frozen=True)
class PassInfo:
    id: uuid.UUID
    pass_type_id: uuid.UUID
    type_name: str
    kind: str
    person_id: uuid.UUID
    purchased_on: date
    valid_from: date
    valid_until: date | None
    units_total: int
    units_used: int
    price_cents: int
    payment_method: str | None  # models.enums.PaymentMethod

    @property
    def balance(self) -> int:
        return self.units_total - self.units_used

    def valid_on(self, day: date) -> bool:
        return (
            self.balance > 0
            and self.valid_from <= day
            and (self.valid_until is None or day <= self.valid_until)
        )


@dataclass(frozen=True)
class PassUseInfo:
    pass_id: uuid.UUID
    type_name: str
    used_on: date
    units: int
    booking_id: uuid.UUID | None


@dataclass(frozen=True)
class PassHistory:
    """What a member bought and used, newest first."""

    person_id: uuid.UUID
    passes: tuple[PassInfo, ...]
    uses: tuple[PassUseInfo, ...]
    today: date
    """Today at the place when the history was read: what "still valid" is measured from."""

    @property
    def balance(self) -> int:
        """Units left on the passes still valid today or later."""
        return sum(
            p.balance for p in self.passes if p.valid_until is None or p.valid_until >= self.today
        )


@dataclass(frozen=True)
class IcsEvent:
    """An event read from an .ics file, as it would become a booking."""

    uid: str
    summary: str
    start: datetime
    end: datetime
    reason: str = ""  # why it cannot be booked (collision, closed…), empty when it can
    outside_hours: bool = False  # refused only for the opening hours: may be imported anyway

    @property
    def collides(self) -> bool:
        return bool(self.reason)


@dataclass(frozen=True)
class IcsImportReport:
    resource_id: uuid.UUID
    created: int
    already_imported: int  # events whose UID was imported before, left untouched
    skipped: tuple[IcsEvent, ...]  # collisions skipped (skip_collisions=True)
    ignored: tuple[str, ...]  # events that are not bookings (no end, cancelled…), with why
    dry_run: bool
    outside_hours: int = 0  # bookings created outside the opening hours, as asked


@dataclass(frozen=True)
class SheetBlock:
    """One part of a printed agenda sheet: a heading (a resource, « Rendez-vous ») and its
    lines, each a time span and what happens then; no lines means free all day."""

    heading: str
    lines: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class AgendaSheet:
    """A printed page of the agenda, as :mod:`tiers_lieu.reports.documents.agenda_sheet`
    writes it: the door's day (names no person) or a practitioner's list of the day."""

    title: str
    subtitle: str
    blocks: tuple[SheetBlock, ...]
