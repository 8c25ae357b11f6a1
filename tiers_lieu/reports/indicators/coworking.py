"""« Coworking »: bookings of the coworking resources and their occupancy.

Coworking resources are those of kind desk or open space (meeting rooms and health rooms have
their own sections or none). Booked hours are seat-hours of the bookings that were not
cancelled (no-shows kept the seat), counted on the day they start. Bookable hours are the
opening hours of each open day times the capacity of the site's active coworking resources;
the occupancy rate is booked ÷ bookable in percent (0–100). The bookings counted are broken
down by who is served (``coworking.by_public``: particulier, entreprise, association…).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, extract, func, select, true

from tiers_lieu.models import Booking, Resource
from tiers_lieu.models.enums import BookingStatus, CategoryKind, ResourceKind
from tiers_lieu.reports.indicators.common import Scope, breakdown, merge, table, total
from tiers_lieu.reports.model import Indicator

COWORKING_KINDS = (ResourceKind.DESK.value, ResourceKind.OPEN_SPACE.value)


def hours_between(scope: Scope, start: Any, end: Any) -> ColumnElement[Any]:
    """``end - start`` in hours, in SQL, for SQLite and PostgreSQL."""
    if scope.dialect == "postgresql":
        return extract("epoch", end - start) / 3600.0
    return (func.julianday(end) - func.julianday(start)) * 24.0


def compute(scope: Scope) -> list[Indicator]:
    resource, booking = table(Resource), table(Booking)
    capacities = scope.session.execute(
        select(resource.c.site_id, func.sum(resource.c.capacity))
        .where(
            scope.on_sites(resource.c.site_id),
            resource.c.kind.in_(COWORKING_KINDS),
            resource.c.active == true(),
        )
        .group_by(resource.c.site_id)
    ).all()
    bookable = sum(
        float(seats or 0) * sum(scope.open_hours(site_id).values()) for site_id, seats in capacities
    )
    coworking_ids = select(resource.c.id).where(resource.c.kind.in_(COWORKING_KINDS))
    counted = (
        booking.c.resource_id.in_(coworking_ids),
        booking.c.status != BookingStatus.CANCELLED.value,
        scope.in_period(booking.c.start_at, booking.c.site_id),
    )
    by_public = scope.session.execute(
        select(booking.c.public_id, func.count()).where(*counted).group_by(booking.c.public_id)
    ).all()
    row = scope.session.execute(
        select(
            func.count(),
            func.coalesce(
                func.sum(
                    hours_between(scope, booking.c.start_at, booking.c.end_at) * booking.c.seats
                ),
                0,
            ),
            func.count(func.distinct(booking.c.person_id)),
        ).where(*counted)
    ).one()
    bookings, booked, users = int(row[0]), float(row[1] or 0), int(row[2])
    occupancy = min(100.0, booked / bookable * 100) if bookable else 0.0
    return [
        total("coworking.bookings", bookings),
        total("coworking.hours_booked", booked),
        total("coworking.hours_bookable", bookable),
        total("coworking.occupancy_rate", occupancy),
        total("coworking.distinct_users", users),
        *breakdown(
            "coworking.by_public",
            merge(
                [(public, int(n)) for public, n in by_public],
                scope.category_labels,
                zeros=scope.active_categories(CategoryKind.PUBLIC),
            ),
        ),
    ]
