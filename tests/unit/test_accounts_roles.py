"""Account management: only the administration manages others' accounts (a refusal says why),
the last administration account stays, volunteers' PINs follow their rules, wrong secrets
are throttled, and every change is audited without a secret in the log."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import col, select

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import AuthenticationError, ConflictError, ValidationError
from tiers_lieu.models import AppUser, AuditEntry
from tiers_lieu.models.enums import Role
from tiers_lieu.services.access import AccessDeniedError
from tiers_lieu.services.account_secrets import PIN_ONLY
from tiers_lieu.services.readmodels import SiteInfo, UserInfo

PASSWORD = "tilleul-2026"
PIN = "482916"


def make(app: Comptoir, name: str, role: Role, **secret: str) -> UserInfo:
    if not secret:
        secret = {"password": PASSWORD}
    return app.accounts.create_user(username=name, display_name=name.title(), role=role, **secret)


def audit_lines(app: Comptoir) -> list[AuditEntry]:
    with app.uow() as uow:
        lines = list(uow.session.exec(select(AuditEntry).order_by(col(AuditEntry.at))).all())
        uow.session.expunge_all()  # plain objects, readable after the session closes
        return lines


def test_only_the_administration_manages_accounts(app: Comptoir) -> None:
    coordinator = make(app, "claire", Role.COORDINATOR)
    host = make(app, "paul", Role.HOST)
    app.access.sign_in(coordinator)
    attempts = [
        lambda: make(app, "nouveau", Role.VOLUNTEER),
        lambda: app.accounts.set_role(host.id, Role.MEDIATOR),
        lambda: app.accounts.set_active(host.id, False),
        lambda: app.accounts.set_password(host.id, "un-autre-secret"),
        lambda: app.accounts.update_display_name(host.id, "Paul V."),
        lambda: app.accounts.list_accounts(),
    ]
    for attempt in attempts:
        with pytest.raises(AccessDeniedError) as refused:
            attempt()
        message = refused.value.message
        assert "« gérer les comptes » est réservé aux rôles Administration" in message
        assert "Vous êtes connecté·e en tant que Coordination" in message
    # The switch list stays open to everyone: names and roles only.
    assert {u.username for u in app.accounts.list_users()} == {"claire", "paul"}
    # One's own password: with the current one, whatever the role.
    app.accounts.set_password(coordinator.id, "nouveau-secret-1", current=PASSWORD)
    assert app.accounts.authenticate("claire", "nouveau-secret-1").id == coordinator.id


def test_the_administration_creates_changes_and_deactivates(app: Comptoir) -> None:
    admin = make(app, "lea", Role.ADMIN)
    app.access.sign_in(admin)
    volunteer = make(app, "jules", Role.VOLUNTEER, pin=PIN)
    app.accounts.set_active(volunteer.id, False)
    with pytest.raises(AuthenticationError):
        app.accounts.authenticate("jules", PIN)
    assert "jules" not in {u.username for u in app.accounts.list_users()}
    listed = {a.username: a for a in app.accounts.list_accounts()}
    assert not listed["jules"].active and listed["jules"].has_pin
    assert not listed["jules"].has_password  # never deleted, only deactivated
    app.accounts.set_active(volunteer.id, True)
    assert app.accounts.authenticate("jules", PIN).id == volunteer.id


def test_the_last_administration_account_is_protected(app: Comptoir) -> None:
    admin = make(app, "lea", Role.ADMIN)
    for change in (
        lambda: app.accounts.set_role(admin.id, Role.COORDINATOR),
        lambda: app.accounts.set_active(admin.id, False),
    ):
        with pytest.raises(ConflictError, match="dernier compte d'administration actif"):
            change()
    second = make(app, "marc", Role.ADMIN)
    app.accounts.set_active(second.id, False)  # a deactivated admin does not count
    with pytest.raises(ConflictError, match="dernier compte d'administration"):
        app.accounts.set_role(admin.id, Role.COORDINATOR)
    app.accounts.set_active(second.id, True)
    app.accounts.set_role(admin.id, Role.COORDINATOR)
    with pytest.raises(ConflictError, match="dernier compte d'administration"):
        app.accounts.set_active(second.id, False)
    # Signed in, an administrator cannot demote or deactivate themselves either.
    app.access.sign_in(second)
    with pytest.raises(ConflictError, match="propre rôle"):
        app.accounts.set_role(second.id, Role.HOST)
    with pytest.raises(ConflictError, match="propre compte"):
        app.accounts.set_active(second.id, False)


@pytest.mark.parametrize("pin", ["12345", "1234567", "12a456", "12 456", "١٢٣٤٥٦", "abcdef"])
def test_a_pin_is_exactly_six_digits(app: Comptoir, pin: str) -> None:
    with pytest.raises(ValidationError) as refused:
        app.accounts.create_user(
            username="jules", display_name="Jules", role=Role.VOLUNTEER, pin=pin
        )
    assert refused.value.message == "Code PIN : exactement 6 chiffres"
    assert not app.accounts.has_users()


def test_a_pin_is_for_volunteers_and_a_pin_only_account_has_no_password(app: Comptoir) -> None:
    with pytest.raises(ValidationError, match="Code PIN : réservé aux bénévoles"):
        make(app, "paul", Role.HOST, password=PASSWORD, pin=PIN)
    jules = make(app, "jules", Role.VOLUNTEER, pin=PIN)
    with app.uow() as uow:
        row = uow.session.get(AppUser, jules.id)
        assert row is not None and row.password_hash == PIN_ONLY
        assert row.pin_hash is not None and row.pin_hash.startswith("$argon2")
    for wrong in ("", PIN_ONLY, "!pin-only", "000000"):
        with pytest.raises(AuthenticationError):
            app.accounts.authenticate("jules", wrong)
    assert app.accounts.authenticate("jules", PIN).id == jules.id  # the login dialog
    assert app.accounts.authenticate_pin(jules.id, PIN).id == jules.id
    # A PIN-only volunteer cannot become a host before having a password…
    with pytest.raises(ConflictError, match="donnez d'abord un mot de passe"):
        app.accounts.set_role(jules.id, Role.HOST)
    app.accounts.set_password(jules.id, PASSWORD)
    promoted = app.accounts.set_role(jules.id, Role.HOST)
    assert promoted.role == Role.HOST and not promoted.has_pin  # …and then loses the PIN
    with pytest.raises(AuthenticationError):
        app.accounts.authenticate("jules", PIN)
    with pytest.raises(ValidationError, match="réservé aux bénévoles"):
        app.accounts.set_pin(jules.id, "135790")


def test_a_volunteer_changes_their_own_pin_with_the_current_one(app: Comptoir) -> None:
    jules = make(app, "jules", Role.VOLUNTEER, pin=PIN)
    other = make(app, "zoe", Role.VOLUNTEER, pin="111111")
    app.access.sign_in(jules)
    with pytest.raises(ValidationError, match="actuel"):
        app.accounts.set_pin(jules.id, "246810")
    with pytest.raises(AuthenticationError, match="actuel est incorrect"):
        app.accounts.set_pin(jules.id, "246810", current="999999")
    app.accounts.set_pin(jules.id, "246810", current=PIN)
    assert app.accounts.authenticate_pin(jules.id, "246810").id == jules.id
    with pytest.raises(AccessDeniedError):
        app.accounts.set_pin(other.id, "246810", current="111111")
    with pytest.raises(ConflictError, match="n'a pas de mot de passe"):
        app.accounts.set_pin(jules.id, None, current="246810")


def test_five_wrong_secrets_block_the_account_for_thirty_seconds(app: Comptoir) -> None:
    jules = make(app, "jules", Role.VOLUNTEER, pin=PIN)
    paul = make(app, "paul", Role.HOST)
    now = [datetime(2026, 12, 7, 9, 0, tzinfo=UTC)]
    app.accounts.clock = lambda: now[0]
    for _attempt in range(4):
        with pytest.raises(AuthenticationError, match="incorrect"):
            app.accounts.unlock(jules.id, "000000")
    with pytest.raises(AuthenticationError) as blocked:
        app.accounts.unlock(jules.id, "000000")
    assert "réessayez dans 30 secondes" in blocked.value.message
    now[0] += timedelta(seconds=20)
    with pytest.raises(AuthenticationError, match="réessayez dans 10 secondes"):
        app.accounts.unlock(jules.id, PIN)  # even the right PIN waits
    with pytest.raises(AuthenticationError, match="réessayez dans 10 secondes"):
        app.accounts.authenticate("jules", PIN)
    assert app.accounts.authenticate("paul", PASSWORD).id == paul.id  # others unaffected
    now[0] += timedelta(seconds=11)
    assert app.accounts.unlock(jules.id, PIN).id == jules.id
    refused = [e for e in audit_lines(app) if e.action == "lockout"]
    assert len(refused) == 1 and refused[0].entity_id == jules.id


def test_unlock_by_another_person_is_an_audited_switch(app: Comptoir) -> None:
    lea = make(app, "lea", Role.COORDINATOR)
    jules = make(app, "jules", Role.VOLUNTEER, pin=PIN)
    app.access.sign_in(lea)
    before = len(audit_lines(app))
    assert app.accounts.unlock(lea.id, PASSWORD) == lea
    assert len(audit_lines(app)) == before  # the same person back: nothing to record
    assert app.accounts.unlock(jules.id, PIN).id == jules.id
    switch = audit_lines(app)[-1]
    assert switch.action == "switch" and switch.user_id == jules.id
    assert json.loads(switch.details) == {"previous": "lea"}


def test_every_account_change_is_audited_without_secrets(app: Comptoir, site: SiteInfo) -> None:
    admin = make(app, "lea", Role.ADMIN)
    app.access.sign_in(admin)
    jules = make(app, "jules", Role.VOLUNTEER, pin=PIN)
    app.accounts.set_pin(jules.id, "975310")
    app.accounts.set_password(jules.id, "secret-de-jules")
    app.accounts.update_display_name(jules.id, "Jules B.")
    app.accounts.set_role(jules.id, Role.HOST)
    app.accounts.set_active(jules.id, False)
    app.accounts.set_lock_minutes(site_id=site.id, minutes=12)
    lines = [e for e in audit_lines(app) if e.user_id == admin.id]
    assert [(e.action, e.entity) for e in lines] == [("create", "app_user")] + [
        ("update", "app_user")
    ] * 5 + [("update", "setting")]
    assert json.loads(lines[4].details) == {
        "role": "host",
        "previous_role": "volunteer",
        "pin_removed": True,
    }
    text = " ".join(e.details for e in audit_lines(app))
    for secret in (PIN, "975310", "secret-de-jules", PASSWORD, "$argon2"):
        assert secret not in text


def test_the_lock_delay_is_a_setting_of_the_place(app: Comptoir, site: SiteInfo) -> None:
    assert app.accounts.lock_minutes(site.id) == 5
    for wrong in (0, 121):
        with pytest.raises(ValidationError, match="Délai de verrouillage : entre 1 et 120"):
            app.accounts.set_lock_minutes(site_id=site.id, minutes=wrong)
    app.accounts.set_lock_minutes(site_id=site.id, minutes=15)
    assert app.accounts.lock_minutes(site.id) == 15
    app.access.sign_in(make(app, "paul", Role.HOST))
    with pytest.raises(AccessDeniedError, match="modifier les paramètres"):
        app.accounts.set_lock_minutes(site_id=site.id, minutes=30)
    assert app.accounts.lock_minutes(site.id) == 15  # read by every desk at start
