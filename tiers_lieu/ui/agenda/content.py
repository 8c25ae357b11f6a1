"""From the agenda service's :class:`AgendaView` to what the grid paints.

Kept apart from the widgets so that the choices a host sees are in one place and testable
without a window: which columns a view has (resources for a day; days for one resource's week;
days × resources for the whole place's week, a closed day folded into one narrow column),
which hours the rows cover (the opening hours of the days shown, stretched to any booking
outside them), and what each block says. Health resources never show a booking's title: only
« Pris » / « Libre » and the person's name (GDPR art. 9, no reason is ever displayed).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum

from tiers_lieu.i18n import _, format_date, format_time, ngettext, weekday_name
from tiers_lieu.models.enums import BookingStatus, ResourceKind
from tiers_lieu.services.agenda.readmodels import (
    AgendaView,
    BookingInfo,
    PermanenceSlot,
    ResourceAgenda,
)
from tiers_lieu.ui.agenda.grid_model import BlockKind, GridBlock, GridColumn

HEALTH_KINDS = frozenset({ResourceKind.HEALTH_ROOM, ResourceKind.TELECONSULTATION})


class ViewMode(StrEnum):
    DAY = "day"
    WEEK = "week"


@dataclass(frozen=True)
class GridContent:
    columns: list[GridColumn]
    blocks: list[GridBlock]
    first: time
    last: time


def status_label(status: str) -> str:
    return {
        BookingStatus.CONFIRMED: _("Confirmée"),
        BookingStatus.CANCELLED: _("Annulée"),
        BookingStatus.CHECKED_IN: _("Arrivé·e"),
        BookingStatus.NO_SHOW: _("Absent·e"),
    }.get(BookingStatus(status), status)


def day_title(day: date) -> str:
    """« lundi 23/11 »: the weekday in full and the date, short enough for a column."""
    return _("{weekday} {date}").format(
        weekday=weekday_name(day.weekday()), date=day.strftime("%d/%m")
    )


def time_range(start: datetime, end: datetime) -> str:
    return _("{start}–{end}").format(start=format_time(start.time()), end=format_time(end.time()))


def booking_lines(booking: BookingInfo, health: bool) -> tuple[str, ...]:
    when = time_range(booking.start, booking.end)
    if health:
        return (when, _("Pris — {who}").format(who=booking.who) if booking.who else _("Pris"))
    who = booking.who or booking.organisation
    lines = [when]
    if who:
        lines.append(who if booking.seats == 1 else f"{who} ({booking.seats})")
    if booking.title and booking.title != who:
        lines.append(booking.title)
    if booking.status != BookingStatus.CONFIRMED:
        lines.append(status_label(booking.status))
    return tuple(lines)


def booking_tooltip(booking: BookingInfo, health: bool) -> str:
    parts = [
        booking.resource_name,
        _("{date}, {hours}").format(
            date=format_date(booking.start.date(), "full"),
            hours=time_range(booking.start, booking.end),
        ),
    ]
    if booking.who:
        parts.append(booking.who)
    if booking.organisation and booking.organisation != booking.who:
        parts.append(booking.organisation)
    if booking.title and not health:
        parts.append(booking.title)
    if booking.seats > 1:
        parts.append(ngettext("{n} place", "{n} places", booking.seats).format(n=booking.seats))
    parts.append(status_label(booking.status))
    return "\n".join(parts)


def slot_block(slot: PermanenceSlot, column: int, health: bool = True) -> GridBlock:
    when = format_time(slot.start.time())
    if slot.cancelled:
        lines: tuple[str, ...] = (when, _("Permanence annulée"))
        return GridBlock(
            key=("slot", slot.permanence_id, slot.start),
            column=column,
            start=slot.start.time(),
            end=slot.end.time(),
            lines=lines,
            kind=BlockKind.BOOKING,
            status=BookingStatus.CANCELLED,
            tooltip=_("{name} : permanence annulée ce jour").format(name=slot.practitioner_name),
            payload=slot,
        )
    if slot.taken:
        who = _("Pris — {who}").format(who=slot.who) if slot.who else _("Pris")
        status_line = (
            (status_label(slot.status),)
            if slot.status and slot.status != BookingStatus.CONFIRMED
            else ()
        )
        return GridBlock(
            key=slot.booking_id,
            column=column,
            start=slot.start.time(),
            end=slot.end.time(),
            lines=(when, who, *status_line),
            kind=BlockKind.SLOT_TAKEN,
            status=slot.status or BookingStatus.CONFIRMED,
            tooltip=_("{name}, {hours} : {who}").format(
                name=slot.practitioner_name, hours=time_range(slot.start, slot.end), who=who
            ),
            payload=slot,
        )
    return GridBlock(
        key=("slot", slot.permanence_id, slot.start),
        column=column,
        start=slot.start.time(),
        end=slot.end.time(),
        lines=(when, _("Libre")),
        kind=BlockKind.SLOT_FREE,
        status="free",
        tooltip=_("{name}, {hours} : libre (un clic pour réserver)").format(
            name=slot.practitioner_name, hours=time_range(slot.start, slot.end)
        ),
        payload=slot,
    )


def _blocks_for(agenda: ResourceAgenda, day: date, column: int) -> list[GridBlock]:
    health = agenda.resource.kind in HEALTH_KINDS
    blocks: list[GridBlock] = []
    for booking in agenda.bookings:
        if booking.start.date() != day or not booking.active or booking.permanence_id:
            continue
        blocks.append(
            GridBlock(
                key=booking.id,
                column=column,
                start=booking.start.time(),
                end=booking.end.time() if booking.end.date() == day else time(23, 59),
                lines=booking_lines(booking, health),
                status=booking.status,
                tooltip=booking_tooltip(booking, health),
                payload=booking,
            )
        )
    for slot in agenda.permanence_slots:
        if slot.day == day:
            blocks.append(slot_block(slot, column))
    return blocks


def build_content(
    view: AgendaView,
    *,
    mode: ViewMode,
    resource_id: uuid.UUID | None,
    today: date,
) -> GridContent:
    """The grid of ``view``: all resources, or only ``resource_id`` when given."""
    agendas = [a for a in view.resources if resource_id is None or a.resource.id == resource_id]
    columns: list[GridColumn] = []
    blocks: list[GridBlock] = []
    grouped = mode == ViewMode.WEEK and len(agendas) > 1
    for day in view.days:
        closed = view.closed_days.get(day, "")
        ranges = view.opening.get(day, ())
        if not closed and not ranges:
            closed = _("Fermé")
        if grouped and closed:  # folded into one narrow column
            columns.append(
                GridColumn(
                    day,
                    None,
                    _("Fermé"),
                    group=format_date(day, "EEE dd/MM"),
                    closed=closed,
                    today=day == today,
                )
            )
            continue
        for agenda in agendas:
            by_resource = mode == ViewMode.DAY or grouped
            title = agenda.resource.name if by_resource else day_title(day)
            column = GridColumn(
                day=day,
                resource_id=agenda.resource.id,
                title=title,
                group=day_title(day) if grouped else "",
                closed=closed,
                open_ranges=tuple(ranges),
                today=day == today,
                slots=tuple(
                    (slot.start.time(), slot.end.time())
                    for slot in agenda.permanence_slots
                    if slot.day == day
                ),
            )
            blocks.extend(_blocks_for(agenda, day, len(columns)))
            columns.append(column)
    first, last = _hours(view, blocks)
    return GridContent(columns, blocks, first, last)


def _hours(view: AgendaView, blocks: list[GridBlock]) -> tuple[time, time]:
    starts = [o for ranges in view.opening.values() for o, _c in ranges]
    ends = [c for ranges in view.opening.values() for _o, c in ranges]
    starts += [b.start for b in blocks]
    ends += [b.end for b in blocks]
    first = min(starts, default=time(9, 0))
    last = max(ends, default=time(18, 0))
    first = time(first.hour, 0)
    last = last if last.minute == 0 else time(min(last.hour + 1, 23), 0)
    return first, last
