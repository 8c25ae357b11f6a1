"""Helpers shared by the agenda's service tests (no test here): Paris instants, a site
with the resources of a typical place and a nurse's permanence."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from tiers_lieu.app import Comptoir
from tiers_lieu.models.enums import ResourceKind
from tiers_lieu.services.agenda.permanences import PermanenceInput
from tiers_lieu.services.agenda.readmodels import PermanenceInfo, ResourceInfo
from tiers_lieu.services.agenda.resources import ResourceFields
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
            site.id, ResourceFields(name="Espace partagé", kind=ResourceKind.OPEN_SPACE, capacity=6)
        ),
        cabin=r.create(
            site.id,
            ResourceFields(
                name="Cabine de téléconsultation",
                kind=ResourceKind.TELECONSULTATION,
                min_duration_min=15,
                max_duration_min=60,
                buffer_min=15,
            ),
        ),
        room=r.create(
            site.id,
            ResourceFields(
                name="Salle de réunion",
                kind=ResourceKind.MEETING_ROOM,
                min_duration_min=30,
                max_duration_min=240,
            ),
        ),
        health=r.create(
            site.id, ResourceFields(name="Cabinet de santé", kind=ResourceKind.HEALTH_ROOM)
        ),
    )


def nurse(app: Comptoir, place: Place, start_date: date, every: int = 1) -> PermanenceInfo:
    """Sophie Lavaud (nurse, phone 0555) in the health room on Tuesdays, 9:00–12:00 in
    20-minute slots, every ``every`` weeks from ``start_date``."""
    who = app.agenda.practitioners.create(
        site_id=place.site.id, name="Sophie Lavaud", profession="Infirmière", phone="0555"
    )
    return app.agenda.permanences.create(
        place.site.id,
        PermanenceInput(
            practitioner_id=who.id,
            resource_id=place.health.id,
            weekday=1,  # Tuesday
            start_time=time(9),
            end_time=time(12),
            slot_min=20,
            interval_weeks=every,
            start_date=start_date,
        ),
    )
