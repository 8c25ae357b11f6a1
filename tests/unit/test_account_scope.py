"""Accounts and places of an administrator bound to one place (issue 15, point 4): such an
account manages the accounts of its own place only, never a network account nor another
place's, and cannot create a place. An administrator of the network (no place) can."""

from __future__ import annotations

import pytest
from twosites import PASSWORD, PLACE_A, PLACE_B

from tiers_lieu.app import Comptoir
from tiers_lieu.models.enums import Role
from tiers_lieu.services.access import AccessDeniedError
from tiers_lieu.services.readmodels import SiteInfo


def places(app: Comptoir) -> tuple[SiteInfo, SiteInfo]:
    by_name = {s.name: s for s in app.sites.list_sites()}
    return by_name[PLACE_A], by_name[PLACE_B]


def sign_in(app: Comptoir, username: str) -> None:
    app.access.sign_in(app.accounts.authenticate(username, PASSWORD))


def b_account(app: Comptoir) -> None:
    _a, b = places(app)
    app.accounts.create_user(
        username="b.host", display_name="B host", password=PASSWORD, role=Role.HOST, site_id=b.id
    )


def test_a_bound_administrator_lists_the_accounts_of_its_place_only(two: Comptoir) -> None:
    b_account(two)
    sign_in(two, "a.admin")
    names = {account.username for account in two.accounts.list_accounts()}
    assert "a.volunteer" in names and "a.admin" in names
    assert "b.host" not in names
    assert "reseau.admin" not in names


def test_a_bound_administrator_changes_no_account_of_another_place_or_of_the_network(
    two: Comptoir,
) -> None:
    b_account(two)
    ids = {u.username: u.id for u in two.accounts.list_users()}
    sign_in(two, "a.admin")
    for username in ("b.host", "reseau.admin"):
        for method, value in (
            (two.accounts.set_role, Role.VOLUNTEER),
            (two.accounts.set_active, False),
            (two.accounts.set_password, "un autre mot de passe 123"),
        ):
            with pytest.raises(AccessDeniedError) as refused:
                method(ids[username], value)
            assert refused.value.message.startswith("Action refusée")
    two.access.act_as_system()
    roles = {a.username: (a.role, a.active) for a in two.accounts.list_accounts()}
    assert roles["b.host"] == (Role.HOST, True)
    assert roles["reseau.admin"] == (Role.ADMIN, True)
    # Its own place's accounts it still manages.
    sign_in(two, "a.admin")
    assert two.accounts.set_role(ids["a.host"], Role.MEDIATOR).role == Role.MEDIATOR


def test_a_bound_administrator_creates_accounts_of_its_own_place_only(two: Comptoir) -> None:
    a, b = places(two)
    sign_in(two, "a.admin")
    with pytest.raises(AccessDeniedError):
        two.accounts.create_user(
            username="intrus",
            display_name="Intrus",
            password=PASSWORD,
            role=Role.ADMIN,
            site_id=b.id,
        )
    made = two.accounts.create_user(
        username="a.nouveau", display_name="Nouveau", password=PASSWORD, role=Role.HOST
    )
    assert made.site_id == a.id  # not an account of the whole network
    assert "intrus" not in {u.username for u in two.accounts.list_users()}


def test_only_the_network_creates_a_place(two: Comptoir) -> None:
    sign_in(two, "a.admin")
    with pytest.raises(AccessDeniedError) as refused:
        two.sites.init_site(name="Le Tiers-Lieu de Gentioux")
    assert f"« {PLACE_A} »" in refused.value.message
    sign_in(two, "reseau.admin")
    made = two.sites.init_site(name="Le Tiers-Lieu de Gentioux")
    assert made.name == "Le Tiers-Lieu de Gentioux"
