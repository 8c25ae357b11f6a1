"""Checking the till journal: is each place's chain whole, do the tickets, payments and
closures still say what their journal lines recorded, and is the database still guarding them?

Like :mod:`tiers_lieu.services.audit_verify` for the audit log, everything is read in one
read-only snapshot and streamed (memory does not grow with the journal):

- the chain, in ``seq`` order: each line's hash recomputed with
  :func:`~.chain.line_hash`, a number missing, two lines of one number, a line that does not
  follow the previous one (``prev_hash``), a first line that is not the first;
- every numbered sale above the opening line's ``tickets_before`` against its TICKET (or
  REVERSAL) line: number, instant, total, solidarity price, the sale's lines (quantity, unit
  price, VAT rate, amount) and each payment against its PAYMENT line — so a sale changed with
  SQL after dropping the triggers is seen; a ticket number missing; a line whose sale or
  payment is gone;
- each closure (``till_closure``) against its CLOSURE line, when it has one;
- the guards of migration 0012, as that migration writes them (``sqlite_trigger`` /
  ``postgres_guard``): present, unchanged and enabled.

What a chain without a secret cannot see (its newest lines removed, or the chain rewritten
with every hash recomputed), the desk sees for the lines it verified before: like the audit
log, it keeps each place's last line found whole (:mod:`..audit_witness`, section
:data:`~..audit_witness.TILL`), and a place whose line of that number now has another hash,
or whose chain now ends before it, is a break.

That kept line is also where the check after a sign-in starts (:func:`verify` with
``new_only``): it reads only the lines written since (linked to the kept line's hash), the
tickets, payments and closures they record, the tickets numbered after the last one the
kept part recorded, and the guards. The whole walk (« Vérifier le journal », ``tiers-lieu
caisse verifier``) still reads everything, and it alone sees a change inside the part already
verified. A place this desk never verified is walked whole, either way.

Unlike the audit check, the walk goes on after a break (each break is said, at most
:data:`MOST_BREAKS` per place). Each is said in French with the place, the line's number, its
date and time on the place's clock and its kind: « Le Comptoir : ligne n° 57 du 12/03/2026 à
14:05 (Ticket T000042) — le contenu ne correspond plus à son empreinte. »

The walk of one place is put together from its parts: :mod:`.verify_chain` (the chain),
:mod:`.verify_tickets` (tickets, payments and lines whose row is gone) and
:mod:`.verify_closures`, on :mod:`.verify_base`; the report is in :mod:`.verify_report`.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, select

from tiers_lieu.db import UowFactory
from tiers_lieu.i18n import DEFAULT_TIME_ZONE
from tiers_lieu.services.audit_witness import SeenHead
from tiers_lieu.services.till.guard_check import guard_problems
from tiers_lieu.services.till.verify_base import _SITES, MOST_BREAKS, STREAM_ROWS, naive_utc
from tiers_lieu.services.till.verify_chain import _ChainWalk, tickets_before
from tiers_lieu.services.till.verify_closures import (
    CLOSURE_FIELDS,
    _ClosureChecks,
    closure_differences,
)
from tiers_lieu.services.till.verify_report import KIND_LABELS, TillBreak, TillReport, kind_label
from tiers_lieu.services.till.verify_tickets import _TicketChecks

__all__ = [
    "CLOSURE_FIELDS",
    "KIND_LABELS",
    "MOST_BREAKS",
    "STREAM_ROWS",
    "TillBreak",
    "TillReport",
    "closure_differences",
    "kind_label",
    "naive_utc",
    "tickets_before",
    "verify",
    "verify_connection",
]


def verify(
    uow: UowFactory,
    *,
    sites: frozenset[uuid.UUID] | None = None,
    seen: Mapping[uuid.UUID | None, SeenHead] | None = None,
    new_only: bool = False,
) -> TillReport:
    """Check the journals (of ``sites`` only, when given) and the guards, in one read-only
    snapshot of the database. Each place's chain must still hold its line of ``seen`` (what
    this desk's last verification found whole); with ``new_only``, only what follows that
    line is checked."""
    with uow(read_only=True) as work:
        connection = work.session.connection()
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        return verify_connection(connection, sites=sites, seen=seen, new_only=new_only)


def verify_connection(
    connection: Connection,
    *,
    sites: frozenset[uuid.UUID] | None = None,
    seen: Mapping[uuid.UUID | None, SeenHead] | None = None,
    new_only: bool = False,
) -> TillReport:
    places = {
        row.id: (row.name, ZoneInfo(row.timezone or DEFAULT_TIME_ZONE))
        for row in connection.execute(select(_SITES.c.id, _SITES.c.name, _SITES.c.timezone))
    }
    chosen = [s for s in places if sites is None or s in sites]
    chosen.sort(key=lambda site: places[site][0].casefold())
    seen = seen or {}
    lines = tickets = omitted = 0
    breaks: list[TillBreak] = []
    heads: dict[uuid.UUID | None, SeenHead] = {}
    for site_id in chosen:
        place, zone = places[site_id]
        check = _PlaceCheck(
            connection, site_id, place, zone, seen=seen.get(site_id), new_only=new_only
        )
        check.run()
        lines += check.lines
        tickets += check.tickets
        breaks += check.breaks
        omitted += check.omitted
        if check.head is not None and not check.breaks and not check.omitted:
            heads[site_id] = check.head
    return TillReport(
        lines,
        tickets,
        tuple(breaks),
        tuple(guard_problems(connection)),
        omitted,
        heads=heads,
        new_only=new_only,
    )


class _PlaceCheck(_ChainWalk, _TicketChecks, _ClosureChecks):
    """One place's check: the chain, then the tickets, payments and closures."""

    def run(self) -> None:
        self.walk_chain()
        self.check_tickets()
        self.check_payments()
        self.check_orphans()
        self.check_closures()
