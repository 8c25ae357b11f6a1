"""Read models shared by several services: frozen snapshots of rows, safe after commit."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, time
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from tiers_lieu.i18n import DEFAULT_TIME_ZONE, time_zone

if TYPE_CHECKING:
    from tiers_lieu.services.agenda.readmodels import BookedPerson


@dataclass(frozen=True)
class SiteInfo:
    id: uuid.UUID
    name: str
    commune_name: str
    insee_code: str | None
    address: str
    local_distance_km: int
    timezone: str = DEFAULT_TIME_ZONE

    @property
    def zone(self) -> ZoneInfo:
        """The place's clock: what every time shown for this site is read on."""
        return time_zone(self.timezone)


@dataclass(frozen=True)
class ServiceInfo:
    id: uuid.UUID
    name: str
    kind: str
    position: int
    active: bool


@dataclass(frozen=True)
class CategoryInfo:
    id: uuid.UUID
    kind: str
    label: str
    position: int
    active: bool


@dataclass(frozen=True)
class OpeningRange:
    weekday: int
    opens_at: time
    closes_at: time


@dataclass(frozen=True)
class ClosureInfo:
    id: uuid.UUID
    start_date: date
    end_date: date
    reason: str
    to_call: tuple[BookedPerson, ...] = ()
    """Set by ``add_closure``: the bookings still standing on the closed days."""


@dataclass(frozen=True)
class CommuneInfo:
    id: uuid.UUID
    insee_code: str | None
    name: str
    population: int | None
    in_territory: bool


@dataclass(frozen=True)
class UserInfo:
    id: uuid.UUID
    username: str
    display_name: str
    role: str
    site_id: uuid.UUID | None
