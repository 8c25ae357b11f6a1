"""What an export over a period gathers place by place (the attendance sheets, the time
sheets): the place asked for, or every place of the base in turn."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING, TypeVar

from tiers_lieu.errors import ValidationError

if TYPE_CHECKING:
    from tiers_lieu.app import Comptoir
    from tiers_lieu.cli.export import ExportRequest

T = TypeVar("T")


def gather_period(
    app: Comptoir,
    request: ExportRequest,
    read: Callable[[uuid.UUID, date, date], Sequence[T]],
    nothing: str,
) -> list[T]:
    """What ``read(place_id, start, end)`` gives over the request's period, place after
    place; when there is nothing at all, refused with ``nothing`` (its ``{period}`` filled
    in) as a fault of ``--from/--to``."""
    assert request.start is not None and request.end is not None  # a period kind
    places = [request.site] if request.site is not None else app.sites.list_sites()
    found: list[T] = []
    for place in places:
        found += read(place.id, request.start, request.end)
    if not found:
        from tiers_lieu.reports.pdf_parts.text import period_text

        raise ValidationError(
            "--from/--to", nothing.format(period=period_text(request.start, request.end))
        )
    return found
