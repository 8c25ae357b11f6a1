"""Small demo databases shared by tests: one place with the small demo, and the same with
one account per role for the role tests."""

from __future__ import annotations

import shutil
import uuid
from datetime import date
from pathlib import Path

from tiers_lieu.app import Comptoir, build
from tiers_lieu.models.enums import Role

TODAY = date(2026, 3, 15)
PASSWORD = "correct horse battery"


def make_demo(
    template_db: Path, path: Path, *, seed: int, today: date = TODAY, roles: bool = False
) -> Path:
    """Copy the migrated template to ``path`` and load the small demo of one place; with
    ``roles``, add the accounts ``compte.<role>`` (all with :data:`PASSWORD`)."""
    shutil.copyfile(template_db, path)
    app = build(str(path))
    app.sites.init_site(name="Le Comptoir de Felletin", commune_name="Felletin", insee_code="23079")
    app.demo.generate(scale="small", seed=seed, today=today)
    if roles:
        add_role_accounts(app, "compte", "Compte")
    app.close()
    return path


def make_roles_demo(template_db: Path, path: Path, *, seed: int) -> Path:
    """The small demo with the accounts ``compte.<role>`` (all with :data:`PASSWORD`)."""
    return make_demo(template_db, path, seed=seed, roles=True)


def add_role_accounts(
    app: Comptoir, prefix: str, name: str, site_id: uuid.UUID | None = None
) -> None:
    """One account ``<prefix>.<role>`` per role, named ``<name> <role>``, with
    :data:`PASSWORD`, bound to ``site_id`` (every place when ``None``)."""
    for role in Role:
        app.accounts.create_user(
            username=f"{prefix}.{role.value}",
            display_name=f"{name} {role.value}",
            password=PASSWORD,
            role=role,
            site_id=site_id,
        )
