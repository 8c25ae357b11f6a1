"""A small demo database with one account per role, shared by the role tests."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from tiers_lieu.app import build
from tiers_lieu.models.enums import Role

TODAY = date(2026, 3, 15)
PASSWORD = "correct horse battery"


def make_roles_demo(template_db: Path, path: Path, *, seed: int) -> Path:
    """Copy the migrated template to ``path``, load the small demo and add the accounts
    ``compte.<role>`` (all with :data:`PASSWORD`)."""
    shutil.copyfile(template_db, path)
    app = build(str(path))
    app.sites.init_site(name="Le Comptoir de Felletin", commune_name="Felletin", insee_code="23079")
    app.demo.generate(scale="small", seed=seed, today=TODAY)
    for role in Role:
        app.accounts.create_user(
            username=f"compte.{role.value}",
            display_name=f"Compte {role.value}",
            password=PASSWORD,
            role=role,
        )
    app.close()
    return path
