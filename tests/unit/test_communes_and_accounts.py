"""Territory communes import (all-or-nothing, line errors) and local accounts."""

from __future__ import annotations

from pathlib import Path

import pytest
from argon2 import PasswordHasher, Type, extract_parameters, profiles

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import AuthenticationError, ConflictError, ImportFileError, ValidationError
from tiers_lieu.models import AppUser
from tiers_lieu.models.enums import Role
from tiers_lieu.services.readmodels import SiteInfo


def _write(path: Path, text: str, encoding: str = "utf-8-sig") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_communes_import_from_insee_csv(app: Comptoir, site: SiteInfo, tmp_path: Path) -> None:
    csv = _write(
        tmp_path / "communes.csv",
        "code_insee;nom;population\n"
        "23008;Aubusson;3 224\n23096;Guéret;12986\n\n23176;La Souterraine;\n",
    )
    result = app.communes.import_csv(site.id, csv)
    assert (result.created, result.updated) == (3, 0)
    communes = {c.name: c for c in app.communes.list_communes(site.id)}
    assert communes["Aubusson"].population == 3224
    assert communes["La Souterraine"].population is None
    # The site's own commune (Felletin) was created at set-up.
    assert "Felletin" in communes


def test_communes_import_updates_known_codes(app: Comptoir, site: SiteInfo, tmp_path: Path) -> None:
    first = _write(tmp_path / "a.csv", "code_insee;nom;population\n23008;Aubusson;3000\n")
    app.communes.import_csv(site.id, first)
    second = _write(
        tmp_path / "b.csv", "Code INSÉE,Nom,Population\n23008,Aubusson,3224\n", "cp1252"
    )
    result = app.communes.import_csv(site.id, second)
    assert (result.created, result.updated) == (0, 1)
    [aubusson] = [c for c in app.communes.list_communes(site.id) if c.name == "Aubusson"]
    assert aubusson.population == 3224


def test_communes_import_is_all_or_nothing(app: Comptoir, site: SiteInfo, tmp_path: Path) -> None:
    before = app.communes.list_communes(site.id)
    bad = _write(
        tmp_path / "bad.csv",
        "code_insee;nom;population\n23008;Aubusson;3224\n2309;Guéret;12986\n23176;;10\n23008;Bis;1\n",
    )
    with pytest.raises(ImportFileError) as caught:
        app.communes.import_csv(site.id, bad)
    message = caught.value.message
    assert "Ligne 3" in message and "2309" in message
    assert "Ligne 4" in message and "Ligne 5" in message
    assert "Ligne 2" not in message
    assert app.communes.list_communes(site.id) == before


def test_communes_import_names_a_missing_column(
    app: Comptoir, site: SiteInfo, tmp_path: Path
) -> None:
    bad = _write(tmp_path / "bad.csv", "insee;commune\n23008;Aubusson\n")
    with pytest.raises(ImportFileError, match="code_insee"):
        app.communes.import_csv(site.id, bad)


def test_dry_run_writes_nothing(app: Comptoir, site: SiteInfo, tmp_path: Path) -> None:
    csv = _write(tmp_path / "c.csv", "code_insee;nom\n23008;Aubusson\n")
    assert app.communes.import_csv(site.id, csv, dry_run=True).created == 1
    assert "Aubusson" not in [c.name for c in app.communes.list_communes(site.id)]


def test_coordinator_account_is_hashed_and_authenticates(app: Comptoir) -> None:
    assert not app.accounts.has_users()
    user = app.accounts.create_user(
        username="Claire",
        display_name="Claire Martin",
        password="motdepasse-solide",
        role=Role.COORDINATOR,
    )
    assert user.username == "claire"
    with app.uow() as uow:
        row = uow.session.get(AppUser, user.id)
        assert row is not None
        assert row.password_hash.startswith("$argon2")
        assert "motdepasse" not in row.password_hash
    assert app.accounts.authenticate("claire", "motdepasse-solide").id == user.id
    with pytest.raises(AuthenticationError, match="incorrect"):
        app.accounts.authenticate("claire", "mauvais-mot")
    with pytest.raises(AuthenticationError):
        app.accounts.authenticate("inconnue", "motdepasse-solide")
    with pytest.raises(ConflictError):
        app.accounts.create_user(
            username="claire", display_name="", password="autremotdepasse", role=Role.HOST
        )


def test_short_password_is_refused(app: Comptoir) -> None:
    with pytest.raises(ValidationError, match="Mot de passe"):
        app.accounts.create_user(
            username="paul", display_name="Paul", password="court", role=Role.HOST
        )
    assert not app.accounts.has_users()


@pytest.mark.desk_secret_hashes
def test_a_password_is_hashed_with_the_desks_argon2_parameters_and_a_weaker_hash_upgraded(
    app: Comptoir,
) -> None:
    """The desk's parameters are argon2-cffi's defaults (RFC 9106's low-memory choice: 64 MiB,
    3 passes); a hash made with weaker ones (an older version, the tests' cheapest) is made
    again with the desk's at the next password sign-in, as the password is known then."""
    user = app.accounts.create_user(
        username="claire", display_name="Claire", password="motdepasse-solide", role=Role.ADMIN
    )
    stored = PasswordHasher.from_parameters(profiles.RFC_9106_LOW_MEMORY)
    with app.uow() as uow:
        row = uow.session.get(AppUser, user.id)
        assert row is not None
        params = extract_parameters(row.password_hash)
        assert params.type is Type.ID
        assert params.memory_cost >= stored.memory_cost and params.time_cost >= stored.time_cost
        row.password_hash = PasswordHasher.from_parameters(profiles.CHEAPEST).hash(
            "motdepasse-solide"
        )
        uow.session.add(row)
        uow.commit()
    assert app.accounts.authenticate("claire", "motdepasse-solide").id == user.id
    with app.uow() as uow:
        row = uow.session.get(AppUser, user.id)
        assert row is not None
        assert extract_parameters(row.password_hash) == params
