"""The prints of the till's documents, kept in the till journal: the original, then every
« Duplicata » (art. 286 I-3° bis du CGI).

A closure's report and an issued invoice's or credit note's PDF are printed through
:func:`record_print`, in the transaction that reads what is printed, once the place's chain is
held: the first print is the original and writes a PRINT line, every later one is a duplicate
and writes a DUPLICATE line (``reprint``: 1 for the first duplicate) — ``ref_id`` the document,
``number`` its label, the actor the signed-in account. The journal is never purged nor
changed, so the original stays known for ever (the audit log is purged after its retention).
A closure printed before PRINT lines existed left only an EXPORT audit line: the caller says
so with ``printed_before``.

A ticket's original is printed right after the sale and writes nothing: its reprints are
DUPLICATE lines alone (:mod:`.receipts`), counted by :func:`duplicates`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from tiers_lieu.db import UnitOfWork
from tiers_lieu.models import TillJournal
from tiers_lieu.models.enums import JournalKind
from tiers_lieu.services.till.journal import append, lock_chain

_J = TillJournal.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Print:
    """One print recorded: the original (``reprint`` 0) or the n-th duplicate."""

    reprint: int
    at: datetime

    @property
    def duplicate(self) -> bool:
        return self.reprint > 0


def _count(uow: UnitOfWork, site_id: uuid.UUID, ref_id: uuid.UUID, kind: JournalKind) -> int:
    count = uow.session.execute(
        select(func.count())
        .select_from(_J)
        .where(_J.c.site_id == site_id, _J.c.ref_id == ref_id, _J.c.kind == str(kind))
    ).scalar()
    return int(count or 0)


def duplicates(uow: UnitOfWork, site_id: uuid.UUID, ref_id: uuid.UUID) -> int:
    """How many duplicates of the document ``ref_id`` were printed."""
    return _count(uow, site_id, ref_id, JournalKind.DUPLICATE)


def printed(uow: UnitOfWork, site_id: uuid.UUID, ref_id: uuid.UUID) -> bool:
    """Whether the document ``ref_id`` was printed already (its original, at least)."""
    found = uow.session.execute(
        select(_J.c.seq)
        .where(
            _J.c.site_id == site_id,
            _J.c.ref_id == ref_id,
            _J.c.kind.in_([str(JournalKind.PRINT), str(JournalKind.DUPLICATE)]),
        )
        .limit(1)
    ).first()
    return found is not None


def record_print(
    uow: UnitOfWork,
    *,
    site_id: uuid.UUID,
    ref_id: uuid.UUID,
    number: str,
    amount_cents: int,
    payload: dict[str, Any],
    printed_before: bool = False,
) -> Print:
    """Record a print of the document ``ref_id`` (flushed, not committed): a PRINT line the
    first time, a DUPLICATE line after, ``payload`` saying what the document is."""
    lock_chain(uow, site_id)  # two desks printing at once: one original
    duplicate = printed_before or printed(uow, site_id, ref_id)
    reprint = duplicates(uow, site_id, ref_id) + 1 if duplicate else 0
    line = append(
        uow,
        site_id=site_id,
        kind=JournalKind.DUPLICATE if duplicate else JournalKind.PRINT,
        payload={**payload, "reprint": reprint} if duplicate else payload,
        ref_id=ref_id,
        number=number,
        amount_cents=amount_cents,
    )
    return Print(reprint, line.occurred_at)
