"""Appending to the till journal: one line, chained to the place's last one.

:func:`append` is the only writer. It runs inside the caller's unit of work, so a line exists
exactly when what it records does (a ticket and its line commit together, or neither does).
Two writers never read the same head: on SQLite the writing transaction already holds the
database's write lock (``BEGIN IMMEDIATE``); on PostgreSQL :func:`append` first takes a
transaction-scoped advisory lock for the place's chain; and ``UNIQUE (site_id, seq)`` refuses
a second line of one number whatever happens.

The actor is the signed-in account's display name (accounts stay on their desk; the name
travels with the journal in a bundle), « Système » for the command line and the demo.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, text

from tiers_lieu.db import UnitOfWork
from tiers_lieu.i18n import _
from tiers_lieu.models import AppUser, TillJournal, utcnow
from tiers_lieu.models.enums import JournalKind
from tiers_lieu.services.till.chain import GENESIS, canonical, line_hash

#: PostgreSQL advisory lock namespace of the till journal (one lock per place, 2-key form).
CHAIN_LOCK = 0x5469  # "Ti"

_T = TillJournal.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Head:
    seq: int
    line_hash: str


def head(uow: UnitOfWork, site_id: uuid.UUID) -> Head:
    """The place's last line, ``(0, GENESIS)`` when its journal is empty."""
    row = uow.session.execute(
        select(_T.c.seq, _T.c.line_hash)
        .where(_T.c.site_id == site_id)
        .order_by(_T.c.seq.desc())
        .limit(1)
    ).first()
    return Head(0, GENESIS) if row is None else Head(int(row.seq), str(row.line_hash))


def actor_name(uow: UnitOfWork) -> str:
    """Who is acting, as the journal and the documents name them."""
    if uow.actor_id is None:
        return _("Système")
    account = uow.session.get(AppUser, uow.actor_id)
    return account.display_name if account is not None else _("Système")


def lock_chain(uow: UnitOfWork, site_id: uuid.UUID) -> None:
    """Hold the place's chain until the transaction ends (PostgreSQL; SQLite's write lock
    already does). Taken before reading any number the line will carry."""
    connection = uow.session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(
            text("SELECT pg_advisory_xact_lock(:ns, hashtext(:site))"),
            {"ns": CHAIN_LOCK, "site": str(site_id)},
        )


def append(
    uow: UnitOfWork,
    *,
    site_id: uuid.UUID,
    kind: JournalKind,
    payload: dict[str, Any],
    ref_id: uuid.UUID | None = None,
    number: str = "",
    amount_cents: int = 0,
    occurred_at: datetime | None = None,
) -> TillJournal:
    """Add the next line of the place's chain to the unit of work (flushed, not committed)."""
    lock_chain(uow, site_id)
    last = head(uow, site_id)
    when = occurred_at or utcnow()
    who = actor_name(uow)
    body = canonical(payload)
    line = TillJournal(
        site_id=site_id,
        seq=last.seq + 1,
        kind=str(kind),
        occurred_at=when,
        actor=who,
        ref_id=ref_id,
        number=number,
        amount_cents=amount_cents,
        payload=body,
        prev_hash=last.line_hash,
        line_hash="",
    )
    line.line_hash = line_hash(
        prev_hash=last.line_hash,
        seq=line.seq,
        line_id=line.id,
        site_id=site_id,
        kind=line.kind,
        occurred_at=when,
        actor=who,
        ref_id=ref_id,
        number=number,
        amount_cents=amount_cents,
        payload=body,
    )
    uow.session.add(line)
    uow.session.flush()
    return line
