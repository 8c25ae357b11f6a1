"""Producers: the shared register of the grocery and the AMAP, with « local » by distance."""

from __future__ import annotations

import pytest

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import NotFoundError, ValidationError
from tiers_lieu.services.readmodels import SiteInfo


def test_create_list_and_local_against_site_threshold(app: Comptoir, site: SiteInfo) -> None:
    producers = app.grocery.producers
    near = producers.create(
        site_id=site.id,
        name="GAEC des Combes",
        commune_name="Felletin",
        distance_km=3,
        supplies="Légumes, œufs",
    )
    far = producers.create(site_id=site.id, name="Huilerie du Quercy", distance_km=190)
    unknown = producers.create(site_id=site.id, name="Ferme sans adresse")
    assert near.is_local and not far.is_local and not unknown.is_local
    assert [p.name for p in producers.list(site_id=site.id)] == [
        "Ferme sans adresse",
        "GAEC des Combes",
        "Huilerie du Quercy",
    ]
    assert [p.id for p in producers.list(site_id=site.id, text="legumes")] == [near.id]
    # The threshold is the site's: at 200 km the oil mill becomes local.
    app.sites.update_site(
        site.id,
        name=site.name,
        commune_name=site.commune_name,
        insee_code=site.insee_code,
        local_distance_km=200,
    )
    assert app.grocery.producers.get(far.id).is_local


def test_update_keeps_id_and_changes_fields(app: Comptoir, site: SiteInfo) -> None:
    producers = app.grocery.producers
    created = producers.create(site_id=site.id, name="Miellerie", distance_km=22)
    updated = producers.update(
        created.id, name="Miellerie du plateau", distance_km=120, email="miel@example.org"
    )
    assert updated.id == created.id
    assert producers.get(created.id).name == "Miellerie du plateau"
    assert not producers.get(created.id).is_local


def test_validation_names_the_field(app: Comptoir, site: SiteInfo) -> None:
    with pytest.raises(ValidationError) as error:
        app.grocery.producers.create(site_id=site.id, name="  ")
    assert error.value.field == "Nom"
    with pytest.raises(ValidationError) as error:
        app.grocery.producers.create(site_id=site.id, name="X", distance_km=-1)
    assert error.value.field == "Distance"
    with pytest.raises(ValidationError):
        app.grocery.producers.create(site_id=site.id, name="X", email="pas-une-adresse")
    with pytest.raises(NotFoundError):
        app.grocery.producers.get(site.id)
