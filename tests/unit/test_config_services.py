"""Service behaviour the settings tab relies on beyond what the UI tests show: the opening
hours check a form runs before writing any day, and the edges of the services' desk order."""

from __future__ import annotations

from datetime import time

import pytest

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import ConflictError, ValidationError
from tiers_lieu.services.config import check_opening_ranges
from tiers_lieu.services.readmodels import SiteInfo


def test_opening_ranges_are_checked_in_order_and_name_the_field() -> None:
    afternoon, morning = (time(14, 0), time(18, 0)), (time(9, 0), time(12, 0))
    assert check_opening_ranges([afternoon, morning]) == [morning, afternoon]
    assert check_opening_ranges([]) == []

    with pytest.raises(ValidationError) as overlap:
        check_opening_ranges([morning, (time(11, 0), time(13, 0))], "Horaires du lundi")
    assert overlap.value.field == "Horaires du lundi"
    assert overlap.value.message == "Horaires du lundi : deux plages se chevauchent"

    with pytest.raises(ValidationError, match=r"^Horaires : l'ouverture doit précéder"):
        check_opening_ranges([(time(12, 0), time(12, 0))])


def test_ranges_that_touch_are_allowed(app: Comptoir, site: SiteInfo) -> None:
    ranges = [(time(9, 0), time(12, 0)), (time(12, 0), time(14, 0))]
    app.config.set_opening_hours(site.id, 2, ranges)
    stored = [
        (r.opens_at, r.closes_at) for r in app.config.opening_hours(site.id) if r.weekday == 2
    ]
    assert stored == ranges


def test_a_refused_day_keeps_its_hours(app: Comptoir, site: SiteInfo) -> None:
    before = app.config.opening_hours(site.id)
    with pytest.raises(ValidationError, match="chevauchent"):
        app.config.set_opening_hours(
            site.id, 0, [(time(9, 0), time(12, 0)), (time(11, 0), time(13, 0))]
        )
    assert app.config.opening_hours(site.id) == before


def test_moving_past_either_end_changes_nothing(app: Comptoir, site: SiteInfo) -> None:
    services = app.config.list_services(site.id)
    app.config.move_service(services[0].id, -1)
    app.config.move_service(services[-1].id, +1)
    assert [s.id for s in app.config.list_services(site.id)] == [s.id for s in services]


def test_a_new_service_comes_last_after_a_reordering(app: Comptoir, site: SiteInfo) -> None:
    first = app.config.list_services(site.id)[0]
    app.config.move_service(first.id, +1)
    added = app.config.add_service(site.id, name="Repair café")
    services = app.config.list_services(site.id)
    assert services[-1].id == added.id
    assert len({s.position for s in services}) == len(services)


def test_renaming_onto_another_service_is_refused(app: Comptoir, site: SiteInfo) -> None:
    first, second = app.config.list_services(site.id)[:2]
    with pytest.raises(ConflictError, match="existe déjà"):
        app.config.update_service(first.id, name=second.name, active=True)
    assert app.config.list_services(site.id)[0].name == first.name
