"""Numbering tickets and writing them to the journal, in the sale's own transaction.

A ticket's number is the place's highest number plus one, read after the place's chain is
held (:func:`~.journal.lock_chain`; on SQLite the write lock): the number, the sale and its
journal lines commit together or not at all, so a crash at any moment leaves the number used
or free, never twice (``ix_sale_site_ticket`` is unique) and never skipped.

A ticket line's payload is what the ticket says: its number, instant, lines (product, quantity,
unit price, VAT rate, amount), total and VAT per rate; each payment gets its own line. The
verifier compares these with the rows of ``sale``, ``sale_line`` and ``payment``.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from hashlib import sha256
from typing import Any

from sqlalchemy import Connection, func, select, text

from tiers_lieu.db import UnitOfWork
from tiers_lieu.i18n import _
from tiers_lieu.models import Payment, Sale, SaleLine, TillJournal
from tiers_lieu.models.enums import JournalKind
from tiers_lieu.services.amounts import vat_included
from tiers_lieu.services.till.chain import GENESIS, canonical, line_hash
from tiers_lieu.services.till.journal import CHAIN_LOCK, Head, append, lock_chain

_SALES = Sale.__table__  # type: ignore[attr-defined]


def next_ticket_number(uow: UnitOfWork, site_id: uuid.UUID) -> int:
    """The place's next ticket number (holds the chain first)."""
    lock_chain(uow, site_id)
    last = uow.session.execute(
        select(func.max(_SALES.c.ticket_number)).where(_SALES.c.site_id == site_id)
    ).scalar()
    return int(last or 0) + 1


def ticket_label(number: int) -> str:
    """« T000042 »: the number as printed and as the journal's ``number``."""
    return f"T{number:06d}"


@dataclass(frozen=True)
class TicketLine:
    product: str
    quantity_milli: int
    unit_price_cents: int
    vat_rate_bp: int
    total_cents: int


def vat_breakdown(lines: Sequence[TicketLine]) -> dict[str, list[int]]:
    """Per VAT rate (basis points, as text): ``[total incl. VAT, VAT]``, the VAT computed on
    the rate's total as a till's Z does."""
    totals: dict[int, int] = {}
    for line in lines:
        totals[line.vat_rate_bp] = totals.get(line.vat_rate_bp, 0) + line.total_cents
    return {str(rate): [total, vat_included(total, rate)] for rate, total in sorted(totals.items())}


def ticket_payload(sale: Sale, lines: Sequence[TicketLine]) -> dict[str, Any]:
    return _payload(
        sale.ticket_number,
        sale.sold_at,
        lines,
        sale.total_cents,
        bool(sale.solidarity),
        sale.reverses_id,
    )


def _payload(
    number: int | None,
    sold_at: datetime,
    lines: Sequence[TicketLine],
    total_cents: int,
    solidarity: bool,
    reverses_id: uuid.UUID | None,
) -> dict[str, Any]:
    """What :func:`ticket_payload` says, from the values themselves (the bulk writer has no
    ``Sale`` objects)."""
    naive = sold_at.astimezone(UTC).replace(tzinfo=None)
    payload: dict[str, Any] = {
        "ticket": number,
        "sold_at": naive.isoformat(timespec="microseconds"),
        "lines": [
            [
                line.product,
                line.quantity_milli,
                line.unit_price_cents,
                line.vat_rate_bp,
                line.total_cents,
            ]
            for line in lines
        ],
        "total_cents": total_cents,
        "solidarity": solidarity,
        "vat": vat_breakdown(lines),
    }
    if reverses_id is not None:
        payload["reverses"] = str(reverses_id)
    return payload


def journal_ticket(
    uow: UnitOfWork,
    sale: Sale,
    lines: Sequence[tuple[SaleLine, str]],
    payments: Sequence[Payment],
    *,
    reversed_number: int | None = None,
) -> None:
    """The ticket's line (or the reversal's) and one line per payment, chained in order."""
    assert sale.ticket_number is not None
    number = ticket_label(sale.ticket_number)
    infos = [
        TicketLine(name, row.quantity_milli, row.unit_price_cents, row.vat_rate_bp, row.total_cents)
        for row, name in lines
    ]
    payload = ticket_payload(sale, infos)
    if reversed_number is not None:
        payload["reverses_ticket"] = reversed_number
    append(
        uow,
        site_id=sale.site_id,
        kind=JournalKind.REVERSAL if sale.reverses_id else JournalKind.TICKET,
        payload=payload,
        ref_id=sale.id,
        number=number,
        amount_cents=sale.total_cents,
        occurred_at=sale.sold_at,
    )
    sign = -1 if sale.reverses_id else 1
    for payment in payments:
        append(
            uow,
            site_id=sale.site_id,
            kind=JournalKind.PAYMENT,
            payload={
                "ticket": sale.ticket_number,
                "method": payment.method,
                "amount_cents": sign * payment.amount_cents,
                "reference": payment.reference,
            },
            ref_id=payment.id,
            number=number,
            amount_cents=sign * payment.amount_cents,
            occurred_at=sale.sold_at,
        )


# -- Many tickets at once (the demo) -------------------------------------------------------


@dataclass(frozen=True)
class ChainedTicket:
    """One ticket for :func:`chain_tickets`: what :func:`journal_ticket` reads of a sale, its
    lines and its payments (``(payment id, method, amount, reference)``, positive amounts:
    a reversal's are the original's, negated in the journal)."""

    sale_id: uuid.UUID
    number: int
    sold_at: datetime
    lines: Sequence[TicketLine]
    total_cents: int
    solidarity: bool
    payments: Sequence[tuple[uuid.UUID, str, int, str]]
    reverses_id: uuid.UUID | None = None
    reversed_number: int | None = None


#: The columns of the rows :func:`chain_tickets` yields (``site_id`` and ``updated_at`` are
#: the writer's: the place, and ``created_at``).
JOURNAL_COLUMNS = (
    "id",
    "created_at",
    "seq",
    "kind",
    "occurred_at",
    "actor",
    "ref_id",
    "number",
    "amount_cents",
    "payload",
    "prev_hash",
    "line_hash",
)


def chain_start(connection: Connection, site_id: uuid.UUID) -> tuple[Head, int]:
    """The place's last journal line and last ticket number, the chain held first (as
    :func:`~.journal.lock_chain` does; SQLite: the caller's write lock)."""
    if connection.dialect.name == "postgresql":
        connection.execute(
            text("SELECT pg_advisory_xact_lock(:ns, hashtext(:site))"),
            {"ns": CHAIN_LOCK, "site": str(site_id)},
        )
    journal = TillJournal.__table__  # type: ignore[attr-defined]
    last = connection.execute(
        select(journal.c.seq, journal.c.line_hash)
        .where(journal.c.site_id == site_id)
        .order_by(journal.c.seq.desc())
        .limit(1)
    ).first()
    number = connection.execute(
        select(func.max(_SALES.c.ticket_number)).where(_SALES.c.site_id == site_id)
    ).scalar()
    head = Head(0, GENESIS) if last is None else Head(int(last.seq), str(last.line_hash))
    return head, int(number or 0)


_CHECKED_KINDS: set[str] = set()
"""The kinds of line whose first one :func:`chain_tickets` checked in this process."""


def chain_tickets(
    site_id: uuid.UUID,
    tickets: Iterable[ChainedTicket],
    *,
    after: Head,
    line_id: Callable[[uuid.UUID], uuid.UUID],
) -> Iterator[tuple[Any, ...]]:
    """The journal lines of ``tickets`` (given in number order), chained after ``after``:
    exactly the lines :func:`journal_ticket` would append one by one (ticket or reversal,
    then its payments), as tuples of :data:`JOURNAL_COLUMNS` for a bulk insert.
    ``line_id(ref_id)`` gives each line's id (the sale's or the payment's line). The lines
    are written in the name of « Système », as the command line's (the demo writes them; no
    caller names who acts).

    The hashes are :func:`~.chain.line_hash`'s and the payment payloads
    :func:`~.chain.canonical`'s, their JSON written out directly (three times as fast: the demo
    writes hundreds of thousands of lines); the first line of each kind this process writes is
    checked against those functions themselves, and the tests compare every line with what
    :func:`journal_ticket` writes."""
    seq, previous = after.seq, after.line_hash
    site = str(site_id)
    actor = _("Système")
    quoted_actor = _QUOTE(actor)
    checked = _CHECKED_KINDS  # once per process: the demo calls this once per place-day
    for ticket in tickets:
        number = ticket_label(ticket.number)
        at = ticket.sold_at.astimezone(UTC).replace(tzinfo=None)
        payload = _payload(
            ticket.number,
            at,
            ticket.lines,
            ticket.total_cents,
            ticket.solidarity,
            ticket.reverses_id,
        )
        if ticket.reversed_number is not None:
            payload["reverses_ticket"] = ticket.reversed_number
        kind = _REVERSAL if ticket.reverses_id else _TICKET
        lines: list[tuple[uuid.UUID, str, int, str, dict[str, Any]]] = [
            (ticket.sale_id, kind, ticket.total_cents, _CANONICAL(payload), payload)
        ]
        sign = -1 if ticket.reverses_id else 1
        for payment_id, method, amount, reference in ticket.payments:
            body = {
                "amount_cents": sign * amount,
                "method": method,
                "reference": reference,
                "ticket": ticket.number,
            }
            # canonical(body), its keys in order and the method one of ours.
            written = (
                f'{{"amount_cents":{sign * amount},"method":"{method}",'
                f'"reference":{_QUOTE(reference)},"ticket":{ticket.number}}}'
            )
            lines.append((payment_id, _PAYMENT, sign * amount, written, body))
        when = at.isoformat(timespec="microseconds")
        for ref_id, line_kind, amount_cents, text_, content in lines:
            seq += 1
            new_id = line_id(ref_id)
            # line_hash's JSON array, written out: only the actor and the payload may hold
            # characters JSON escapes; the rest is hex, digits and our own labels.
            fields = (
                f'["{previous}",{seq},"{new_id}","{site}","{line_kind}","{when}",{quoted_actor},'
                f'"{ref_id}","{number}",{amount_cents},{_QUOTE(text_)}]'
            )
            digest = sha256(fields.encode("utf-8")).hexdigest()
            if line_kind not in checked:
                expected = line_hash(
                    prev_hash=previous,
                    seq=seq,
                    line_id=new_id,
                    site_id=site_id,
                    kind=line_kind,
                    occurred_at=ticket.sold_at,
                    actor=actor,
                    ref_id=ref_id,
                    number=number,
                    amount_cents=amount_cents,
                    payload=text_,
                )
                if digest != expected or text_ != canonical(content):
                    raise RuntimeError("chain_tickets no longer writes what chain.line_hash hashes")
                checked.add(line_kind)
            yield (
                new_id,
                ticket.sold_at,
                seq,
                line_kind,
                ticket.sold_at,
                actor,
                ref_id,
                number,
                amount_cents,
                text_,
                previous,
                digest,
            )
            previous = digest


# chain.canonical with its encoder made once; how json.dumps(..., ensure_ascii=False) quotes
# a string.
_CANONICAL = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode
_QUOTE = json.encoder.encode_basestring  # type: ignore[attr-defined]
_TICKET, _REVERSAL, _PAYMENT = (
    str(JournalKind.TICKET),
    str(JournalKind.REVERSAL),
    str(JournalKind.PAYMENT),
)
