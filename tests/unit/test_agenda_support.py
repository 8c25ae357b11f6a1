"""Helpers shared by the agenda's service tests (no test here): Paris instants and a site
with the resources of a typical place."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from tiers_lieu.app import Comptoir
from tiers_lieu.models.enums import ResourceKind
from tiers_lieu.services.agenda.readmodels import ResourceInfo
from tiers_lieu.services.readmodels import SiteInfo

PARIS = ZoneInfo("Europe/Paris")


def paris(y: int, m: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, m, d, h, mi, tzinfo=PARIS)


@dataclass
class Place:
    site: SiteInfo
    open_space: ResourceInfo
    cabin: ResourceInfo
    room: ResourceInfo
    health: ResourceInfo


def make_place(app: Comptoir, site: SiteInfo) -> Place:
    r = app.agenda.resources
    return Place(
        site=site,
        open_space=r.create(
            site_id=site.id, name="Espace partagé", kind=ResourceKind.OPEN_SPACE, capacity=6
        ),
        cabin=r.create(
            site_id=site.id,
            name="Cabine de téléconsultation",
            kind=ResourceKind.TELECONSULTATION,
            min_duration_min=15,
            max_duration_min=60,
            buffer_min=15,
        ),
        room=r.create(
            site_id=site.id,
            name="Salle de réunion",
            kind=ResourceKind.MEETING_ROOM,
            min_duration_min=30,
            max_duration_min=240,
        ),
        health=r.create(site_id=site.id, name="Cabinet de santé", kind=ResourceKind.HEALTH_ROOM),
    )
