"""What the booking form hands the booking service: one booking, and how it repeats.

The same :class:`BookingRequest` books once (``BookingService.create``) or, with a
:class:`Repetition`, plans and books a series (``plan_series``, ``create_series``). Both are
plain values: the service checks them (French messages naming the field) inside its
transaction.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum


@dataclass(frozen=True, slots=True, kw_only=True)
class BookingRequest:
    """``seats`` of a resource from ``start`` to ``end`` (aware instants) for a person, an
    organisation or under a title (at least one of the three); ``public_id`` says who is
    served (a category of kind « public »; ``None``: « Non communiqué »); ``price_cents`` is
    the price agreed (0: free), ``None`` for the resource's hourly price × the duration
    (:func:`~.prices.price_for`; no price when the resource has none)."""

    resource_id: uuid.UUID
    start: datetime
    end: datetime
    seats: int = 1
    person_id: uuid.UUID | None = None
    organisation: str = ""
    title: str = ""
    public_id: uuid.UUID | None = None
    price_cents: int | None = None


class Unchanged(Enum):
    """A value an edit leaves as it is (where ``None`` already means something)."""

    KEEP = "keep"


KEEP = Unchanged.KEEP


@dataclass(frozen=True, slots=True, kw_only=True)
class Repetition:
    """Every ``interval_weeks`` weeks at the same wall-clock hours, until a date or ``count``
    times (one of the two)."""

    interval_weeks: int = 1
    until: date | None = None
    count: int | None = None
