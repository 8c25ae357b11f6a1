"""Setting up a place and configuring it, through the services the CLI and windows share."""

from __future__ import annotations

from datetime import date, time

import pytest

from tiers_lieu.app import Comptoir
from tiers_lieu.defaults import DEFAULT_CATEGORIES, DEFAULT_SERVICES
from tiers_lieu.errors import (
    AmbiguousSiteError,
    ConflictError,
    NoSiteError,
    NotFoundError,
    ValidationError,
)
from tiers_lieu.models.enums import CategoryKind
from tiers_lieu.services.public_holidays import public_holidays
from tiers_lieu.services.readmodels import SiteInfo


def test_new_site_has_the_default_services_and_categories(app: Comptoir, site: SiteInfo) -> None:
    services = app.config.list_services(site.id)
    assert [s.name for s in services] == [name for name, _kind in DEFAULT_SERVICES]
    operators = app.config.list_categories(site.id, CategoryKind.OPERATOR)
    assert [c.label for c in operators] == DEFAULT_CATEGORIES[CategoryKind.OPERATOR]
    assert "CAF" in [c.label for c in operators]
    hours = app.config.opening_hours(site.id)
    assert {r.weekday for r in hours} == {0, 1, 2, 3, 4, 5}


def test_site_keeps_only_the_services_chosen(app: Comptoir) -> None:
    site = app.sites.init_site(name="Tiers-lieu", services=["Coworking", "épicerie"])
    assert [s.name for s in app.config.list_services(site.id)] == ["Coworking", "Épicerie"]


def test_site_name_is_required_and_unique(app: Comptoir, site: SiteInfo) -> None:
    with pytest.raises(ValidationError, match="Nom du lieu"):
        app.sites.init_site(name="   ")
    with pytest.raises(ConflictError):
        app.sites.init_site(name=site.name)


def test_bad_insee_code_is_refused_naming_the_field(app: Comptoir) -> None:
    with pytest.raises(ValidationError, match="Code INSEE"):
        app.sites.init_site(name="Ailleurs", insee_code="123")
    assert app.sites.list_sites() == []


def test_resolve_site_says_what_to_do(app: Comptoir) -> None:
    with pytest.raises(NoSiteError, match="tiers-lieu init"):
        app.sites.resolve()
    first = app.sites.init_site(name="Felletin")
    assert app.sites.resolve() == first
    app.sites.init_site(name="Aubusson")
    with pytest.raises(AmbiguousSiteError, match="--site"):
        app.sites.resolve()
    assert app.sites.resolve("aubusson").name == "Aubusson"
    with pytest.raises(NotFoundError, match="Guéret"):
        app.sites.resolve("Guéret")


def test_opening_hours_replace_a_day_and_refuse_overlaps(app: Comptoir, site: SiteInfo) -> None:
    app.config.set_opening_hours(site.id, 5, [])
    assert 5 not in {r.weekday for r in app.config.opening_hours(site.id)}
    app.config.set_opening_hours(
        site.id, 2, [(time(14, 0), time(19, 0)), (time(8, 30), time(12, 0))]
    )
    wednesday = [r for r in app.config.opening_hours(site.id) if r.weekday == 2]
    assert [(r.opens_at, r.closes_at) for r in wednesday] == [
        (time(8, 30), time(12, 0)),
        (time(14, 0), time(19, 0)),
    ]
    with pytest.raises(ValidationError, match="chevauchent"):
        app.config.set_opening_hours(
            site.id, 2, [(time(9, 0), time(12, 0)), (time(11, 0), time(13, 0))]
        )
    with pytest.raises(ValidationError):
        app.config.set_opening_hours(site.id, 2, [(time(12, 0), time(9, 0))])
    # The refused changes left Wednesday as it was.
    assert len([r for r in app.config.opening_hours(site.id) if r.weekday == 2]) == 2


def test_open_days_follow_hours_holidays_and_closures(app: Comptoir, site: SiteInfo) -> None:
    assert app.config.is_open_on(site.id, date(2026, 11, 24))  # a Tuesday
    assert not app.config.is_open_on(site.id, date(2026, 11, 22))  # a Sunday
    assert not app.config.is_open_on(site.id, date(2026, 12, 25))  # Noël, a Friday
    app.config.add_closure(
        site.id, start_date=date(2026, 12, 28), end_date=date(2026, 12, 31), reason="Congés"
    )
    assert not app.config.is_open_on(site.id, date(2026, 12, 29))
    assert app.config.is_open_on(site.id, date(2027, 1, 4))
    with pytest.raises(ValidationError):
        app.config.add_closure(site.id, start_date=date(2026, 5, 2), end_date=date(2026, 5, 1))


def test_public_holidays_are_french() -> None:
    days = public_holidays(2026)
    assert days[date(2026, 7, 14)] == "Fête nationale"
    assert date(2026, 4, 6) in days  # lundi de Pâques
    assert len(days) == 11


def test_services_are_deactivated_never_lost(app: Comptoir, site: SiteInfo) -> None:
    added = app.config.add_service(site.id, name="Repair café")
    assert app.config.list_services(site.id)[-1].name == "Repair café"
    with pytest.raises(ConflictError):
        app.config.add_service(site.id, name="Repair café")
    app.config.update_service(added.id, name="Repair café", active=False)
    assert "Repair café" not in [s.name for s in app.config.list_services(site.id)]
    kept = app.config.list_services(site.id, include_inactive=True)
    assert "Repair café" in [s.name for s in kept]


def test_moving_a_service_changes_the_desk_order(app: Comptoir, site: SiteInfo) -> None:
    first, second = app.config.list_services(site.id)[:2]
    app.config.move_service(first.id, +1)
    names = [s.name for s in app.config.list_services(site.id)]
    assert names[:2] == [second.name, first.name]
    app.config.move_service(names and app.config.list_services(site.id)[0].id, -1)
    assert [s.name for s in app.config.list_services(site.id)][:2] == [second.name, first.name]


def test_categories_can_be_extended(app: Comptoir, site: SiteInfo) -> None:
    app.config.add_category(site.id, CategoryKind.OPERATOR, label="Mission locale")
    labels = [c.label for c in app.config.list_categories(site.id, CategoryKind.OPERATOR)]
    assert labels[-1] == "Mission locale"
    with pytest.raises(ConflictError):
        app.config.add_category(site.id, CategoryKind.OPERATOR, label="CAF")
