"""What every part of the check of one place's till journal shares: the tables read, the
streaming of rows (:data:`STREAM_ROWS` at a time) and the merging of sorted streams
(:class:`_Follower`), a payload read back, an instant as the journal writes it, and
:class:`_PlaceBase` — the place's state during the walk, the saying of a break (at most
:data:`MOST_BREAKS`), and which sales and lines are read.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from itertools import groupby
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Table, and_

from tiers_lieu.models import Payment, Sale, SaleLine, Site, TillClosure, TillJournal
from tiers_lieu.services.audit_witness import SeenHead
from tiers_lieu.services.till.verify_report import TillBreak

STREAM_ROWS = 2000
MOST_BREAKS = 50
"""Breaks said per place; the others are counted."""

_J = cast(Table, TillJournal.__table__)  # type: ignore[attr-defined]
_SALE = cast(Table, Sale.__table__)  # type: ignore[attr-defined]
_LINE = cast(Table, SaleLine.__table__)  # type: ignore[attr-defined]
_PAY = cast(Table, Payment.__table__)  # type: ignore[attr-defined]
_CLOSURE = cast(Table, TillClosure.__table__)  # type: ignore[attr-defined]
_SITES = cast(Table, Site.__table__)  # type: ignore[attr-defined]


def naive_utc(value: datetime) -> str:
    """An instant as the journal's payloads and hashes write it: naive UTC, microseconds."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat(timespec="microseconds")


def _payload(text_: str) -> dict[str, Any] | None:
    try:
        data = json.loads(text_)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


class _Follower:
    """Rows sorted by a key, taken group by group in increasing key order."""

    def __init__(self, rows: Iterator[Any], key: Callable[[Any], Any]) -> None:
        self._groups = groupby(rows, key=key)
        self._pending: tuple[Any, list[Any]] | None = None

    def take(self, wanted: Any) -> list[Any]:
        """The rows of key ``wanted`` (none if it has none); smaller keys are passed over."""
        while True:
            if self._pending is None:
                following = next(self._groups, None)
                if following is None:
                    return []
                self._pending = (following[0], list(following[1]))
            key, rows = self._pending
            if key < wanted:
                self._pending = None
                continue
            if key == wanted:
                self._pending = None
                return rows
            return []


class _PlaceBase:
    """One place's check: its state and how it says a break."""

    def __init__(
        self,
        connection: Connection,
        site_id: uuid.UUID,
        place: str,
        zone: ZoneInfo,
        *,
        seen: SeenHead | None = None,
        new_only: bool = False,
    ):
        self.connection = connection
        self.site_id = site_id
        self.place = place
        self.zone = zone
        self.seen = seen
        """The place's last line found whole by this desk's last verification."""
        self.after = seen.seq if new_only and seen is not None else 0
        """Lines numbered up to this one are not read (0: the whole journal is)."""
        self.lines = 0
        self.tickets = 0
        self.tickets_before = 0
        """Tickets the opening line counts (numbered before the journal, without a line)."""
        self.from_ticket = 0
        """Tickets numbered up to this one are not compared (the opening's, or the last one
        the part not read recorded)."""
        self.breaks: list[TillBreak] = []
        self.omitted = 0
        self.head: SeenHead | None = None
        """The chain's last line read (the place's newest)."""

    def say(
        self,
        problem: str,
        *,
        seq: int | None,
        at: datetime | None,
        kind: str,
        number: str = "",
    ) -> None:
        if len(self.breaks) >= MOST_BREAKS:
            self.omitted += 1
            return
        self.breaks.append(
            TillBreak(self.site_id, self.place, seq, at, kind, number, problem, self.zone)
        )

    def say_line(self, row: Any, problem: str) -> None:
        self.say(problem, seq=row.seq, at=row.occurred_at, kind=row.kind, number=row.number)

    def stream(self, query: Any) -> Iterator[Any]:
        yield from self.connection.execution_options(yield_per=STREAM_ROWS).execute(query)

    def numbered(self) -> Any:
        """The sales to compare: numbered after ``from_ticket``."""
        return and_(_SALE.c.site_id == self.site_id, _SALE.c.ticket_number > self.from_ticket)

    def numbered_of_line(self, after: int) -> Any:
        """The sale of a journal line is numbered after ``after``; written so that no
        index of ``sale`` can serve it: the database then reaches the sale from the line by
        its primary key, instead of searching the journal for each sale (``ref_id`` has no
        index; SQLite would otherwise walk the whole journal once per ticket). The sale's
        place is compared in Python (:meth:`own`)."""
        return (_SALE.c.ticket_number + 0) > after

    def read_lines(self) -> Any:
        """The journal lines read: all, or those after the line this desk kept."""
        return _J.c.seq > self.after

    def own(self, rows: Iterator[Any]) -> Iterator[Any]:
        return (row for row in rows if row.sale_site == self.site_id)
