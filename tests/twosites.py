"""A database of two places (the small demo in each) with accounts bound to the first one,
shared by the per-place scope tests (issue 15, point 4)."""

from __future__ import annotations

import shutil
from pathlib import Path

from rolesdemo import PASSWORD, TODAY, add_role_accounts

from tiers_lieu.app import build
from tiers_lieu.models.enums import Role

__all__ = ["PASSWORD", "PLACE_A", "PLACE_B", "TODAY", "make_two_sites"]

PLACE_A = "Le Comptoir de Felletin"
PLACE_B = "La Fabrique d'Aubusson"


def make_two_sites(template_db: Path, path: Path) -> Path:
    """Copy the migrated template to ``path``, create both places, fill each with the small
    demo, and add ``a.<role>`` (bound to place A) for every role and ``reseau.admin`` (every
    place), all with :data:`PASSWORD`."""
    shutil.copyfile(template_db, path)
    app = build(str(path))
    a = app.sites.init_site(name=PLACE_A, commune_name="Felletin", insee_code="23079")
    app.sites.init_site(name=PLACE_B, commune_name="Aubusson", insee_code="23008")
    app.demo.generate(scale="small", seed=3, site_name=PLACE_A, today=TODAY)
    app.demo.generate(scale="small", seed=4, site_name=PLACE_B, today=TODAY)
    add_role_accounts(app, "a", "A", site_id=a.id)
    app.accounts.create_user(
        username="reseau.admin", display_name="Réseau", password=PASSWORD, role=Role.ADMIN
    )
    app.close()
    return path
