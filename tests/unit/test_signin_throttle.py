"""Guessing a PIN is slowed down for good (issue 15, point 6): wrong secrets are counted in the
database per account, so restarting Comptoir every few tries gains nothing; each lock lasts
longer than the one before (30 s, 1 min, 2 min, 5 min, 10 min, then 15 min), a right secret
starts again from 30 s, the lockout is in the audit log, and two desks failing at once on one
account both count."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import col, select

from tiers_lieu.app import Comptoir, build
from tiers_lieu.errors import AuthenticationError
from tiers_lieu.models import AppUser, AuditEntry
from tiers_lieu.models.enums import Role
from tiers_lieu.services.audit_log import AuditFilter
from tiers_lieu.services.readmodels import UserInfo

PASSWORD = "tilleul-2026"
PIN = "482916"
WRONG = "000000"


def volunteer(app: Comptoir) -> UserInfo:
    return app.accounts.create_user(
        username="jules", display_name="Jules", role=Role.VOLUNTEER, pin=PIN
    )


def wrong_tries(app: Comptoir, user: UserInfo, count: int) -> str:
    """``count`` wrong PINs; the last refusal's message."""
    message = ""
    for _attempt in range(count):
        with pytest.raises(AuthenticationError) as refused:
            app.accounts.authenticate_pin(user.id, WRONG)
        message = refused.value.message
    return message


def stored(app: Comptoir, user: UserInfo) -> AppUser:
    with app.uow(read_only=True) as uow:
        row = uow.session.get(AppUser, user.id)
        assert row is not None
        uow.session.expunge(row)
        return row


def lockouts(app: Comptoir) -> list[AuditEntry]:
    with app.uow(read_only=True) as uow:
        rows = list(
            uow.session.exec(
                select(AuditEntry)
                .where(AuditEntry.action == "lockout")
                .order_by(col(AuditEntry.seq))
            ).all()
        )
        uow.session.expunge_all()
        return rows


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock(app: Comptoir) -> Clock:
    clock = Clock()
    app.accounts.clock = clock
    return clock


def test_a_restart_keeps_the_lock(app: Comptoir, db_path: Path) -> None:
    jules = volunteer(app)
    assert "réessayez dans 30 secondes" in wrong_tries(app, jules, 5)
    app.close()
    again = build(str(db_path))  # what a guesser would do after five tries
    try:
        with pytest.raises(AuthenticationError, match=r"bloqué, réessayez dans (29|30) secondes"):
            again.accounts.authenticate_pin(jules.id, PIN)  # even the right PIN waits
        with pytest.raises(AuthenticationError, match="bloqué"):
            again.accounts.authenticate("jules", PIN)
    finally:
        again.close()


def test_failures_are_counted_across_restarts(app: Comptoir, db_path: Path) -> None:
    jules = volunteer(app)
    assert wrong_tries(app, jules, 3) == "Code PIN incorrect."
    assert stored(app, jules).failed_attempts == 3  # written although the sign-in failed
    app.close()
    again = build(str(db_path))
    try:
        assert wrong_tries(again, jules, 1) == "Code PIN incorrect."
        assert "bloqué" in wrong_tries(again, jules, 1)  # the fifth, two starts later
        row = stored(again, jules)
        assert row.failed_attempts == 0 and row.lock_count == 1
        assert row.locked_until is not None
    finally:
        again.close()


def test_each_lock_lasts_longer_and_a_success_starts_again(app: Comptoir, clock: Clock) -> None:
    jules = volunteer(app)
    waits = []
    for _lock in range(7):
        waits.append(wrong_tries(app, jules, 5).split("réessayez dans ")[1])
        clock.advance(15 * 60 + 1)
    assert waits == [
        "30 secondes.",
        "1 minute.",
        "2 minutes.",
        "5 minutes.",
        "10 minutes.",
        "15 minutes.",
        "15 minutes.",
    ]
    assert app.accounts.authenticate_pin(jules.id, PIN).id == jules.id
    row = stored(app, jules)
    assert (row.failed_attempts, row.lock_count, row.locked_until) == (0, 0, None)
    assert "réessayez dans 30 secondes" in wrong_tries(app, jules, 5)


def test_the_wait_counts_down_and_other_accounts_are_unaffected(
    app: Comptoir, clock: Clock
) -> None:
    jules = volunteer(app)
    paul = app.accounts.create_user(
        username="paul", display_name="Paul", role=Role.HOST, password=PASSWORD
    )
    wrong_tries(app, jules, 5)
    clock.advance(20)
    with pytest.raises(AuthenticationError, match="réessayez dans 10 secondes"):
        app.accounts.unlock(jules.id, PIN)
    assert app.accounts.authenticate("paul", PASSWORD).id == paul.id
    clock.advance(11)
    assert app.accounts.unlock(jules.id, PIN).id == jules.id


def test_a_lockout_is_in_the_audit_log(app: Comptoir, clock: Clock) -> None:
    jules = volunteer(app)
    wrong_tries(app, jules, 5)
    clock.advance(31)
    wrong_tries(app, jules, 5)
    lines = lockouts(app)
    assert [json.loads(line.details) for line in lines] == [
        {"attempts": 5, "blocked_seconds": 30, "locks": 1},
        {"attempts": 5, "blocked_seconds": 60, "locks": 2},
    ]
    assert all(line.entity_id == jules.id and line.user_id is None for line in lines)
    page = app.audit_log.page(AuditFilter(action="lockout"))
    assert [line.action_label for line in page] == ["Blocage de compte"] * 2
    assert "2 blocages successifs" in page[0].details


@pytest.fixture(params=["sqlite", "postgresql"])
def any_app(request: pytest.FixtureRequest, app: Comptoir) -> Iterator[Comptoir]:
    if request.param == "sqlite":
        yield app
        return
    pg_url = request.getfixturevalue("pg_url")
    comptoir = build(pg_url)
    try:
        yield comptoir
    finally:
        comptoir.close()


@pytest.mark.parametrize("desks", [4, 5])
def test_desks_failing_at_once_all_count(any_app: Comptoir, desks: int) -> None:
    jules = volunteer(any_app)
    start = threading.Barrier(desks)
    messages: list[str] = []

    def desk() -> None:
        start.wait()
        try:
            any_app.accounts.authenticate_pin(jules.id, WRONG)
        except AuthenticationError as refused:
            messages.append(refused.message)

    threads = [threading.Thread(target=desk) for _desk in range(desks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    row = stored(any_app, jules)
    if desks == 4:
        assert row.failed_attempts == 4 and row.locked_until is None
        assert messages == ["Code PIN incorrect."] * 4
    else:
        assert row.failed_attempts == 0 and row.lock_count == 1
        assert sum("bloqué" in m for m in messages) == 1
        assert len(lockouts(any_app)) == 1
