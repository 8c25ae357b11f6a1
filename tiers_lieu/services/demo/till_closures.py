"""The demo's till closures: a numbered Z every evening the grocery sold, the month's closure
once the month is over, the year's once the year is, as a real place closes its till.

:class:`TillBook` is fed the place's tickets day by day, in number order (the demo has them
in memory: :mod:`.commerce`), and gives back the closures to write: before a day's tickets,
the months and the year that ended before that day; after them, the day's Z. It makes exactly
the rows :class:`~tiers_lieu.services.till.closures.TillClosureService` makes for the same
tickets (numbers per kind, totals JSON, grand total, journal payload) with the service's own
functions (:func:`~tiers_lieu.services.till.closures.closure_fields`,
:func:`~.closures.totals_of`, :func:`~.closures.closure_payload`); only the day's
aggregation is redone here, over the tickets rather than in SQL, and
``tests/unit/test_till_demo.py`` compares the two on the same sales. The service takes
~40 ms a day through the ORM; the large demo has ~5 000 days with sales.

When things happen: a day's Z at the place's closing time (15 minutes after its last opening
range ends, after the day's last ticket in any case); a month's closure on the first of the
next month at 08:00, a year's at 08:05 on 1 January. Nothing is closed from the demo's
"today" on: today stays open for the desk to sell, and a period whose closure would fall on
today is left for the coordinator to close.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from hashlib import sha256
from typing import Any

from tiers_lieu.i18n import _
from tiers_lieu.models.enums import ClosureKind, JournalKind
from tiers_lieu.services.amounts import vat_included
from tiers_lieu.services.demo.common import uuid4_of
from tiers_lieu.services.grocery.closing import MethodTotal, PeriodTotals, VatTotal
from tiers_lieu.services.till.chain import canonical, line_hash
from tiers_lieu.services.till.closures import (
    closure_fields,
    closure_label,
    closure_payload,
    totals_of,
)
from tiers_lieu.services.till.journal import Head
from tiers_lieu.services.till.tickets import ChainedTicket

#: The columns of :meth:`DemoClosure.row` (``site_id`` and ``updated_at`` are the writer's).
CLOSURE_COLUMNS = (
    "id",
    "created_at",
    "kind",
    "number",
    "period_start",
    "period_end",
    "first_ticket",
    "last_ticket",
    "tickets",
    "reversals",
    "total_cents",
    "reversed_cents",
    "grand_total_cents",
    "totals",
    "closed_at",
    "closed_by",
)

MONTH_CLOSED_AT = time(8, 0)
YEAR_CLOSED_AT = time(8, 5)
Z_AFTER_CLOSING = 15  # minutes


@dataclass(frozen=True)
class DemoClosure:
    """One closure as :class:`~tiers_lieu.models.TillClosure` keeps it."""

    id: uuid.UUID
    kind: str
    number: int
    period_start: date
    period_end: date
    first_ticket: int | None
    last_ticket: int | None
    tickets: int
    reversals: int
    total_cents: int
    reversed_cents: int
    grand_total_cents: int
    totals: str
    closed_at: datetime
    closed_by: str

    def row(self) -> tuple[Any, ...]:
        """The values of :data:`CLOSURE_COLUMNS`."""
        return (
            self.id,
            self.closed_at,
            self.kind,
            self.number,
            self.period_start,
            self.period_end,
            self.first_ticket,
            self.last_ticket,
            self.tickets,
            self.reversals,
            self.total_cents,
            self.reversed_cents,
            self.grand_total_cents,
            self.totals,
            self.closed_at,
            self.closed_by,
        )

    def journal_line(self, site_id: uuid.UUID, after: Head, line_id: uuid.UUID) -> tuple[Any, ...]:
        """Its CLOSURE line chained after ``after``, as
        :func:`~tiers_lieu.services.till.journal.append` writes it, in the columns of
        :data:`~tiers_lieu.services.till.tickets.JOURNAL_COLUMNS`."""
        seq = after.seq + 1
        kind = str(JournalKind.CLOSURE)
        number = closure_label(self.kind, self.number)
        payload = canonical(closure_payload(self))
        digest = line_hash(
            prev_hash=after.line_hash,
            seq=seq,
            line_id=line_id,
            site_id=site_id,
            kind=kind,
            occurred_at=self.closed_at,
            actor=self.closed_by,
            ref_id=self.id,
            number=number,
            amount_cents=self.total_cents,
            payload=payload,
        )
        return (
            line_id,
            self.closed_at,
            seq,
            kind,
            self.closed_at,
            self.closed_by,
            self.id,
            number,
            self.total_cents,
            payload,
            after.line_hash,
            digest,
        )


def day_totals(tickets: Sequence[ChainedTicket]) -> PeriodTotals:
    """:func:`~tiers_lieu.services.grocery.closing.period_totals` of one day, from its tickets
    (in number order) rather than in SQL: a reversal counts on its own day and refunds its
    original's payments (``ChainedTicket.payments``) by the same methods."""
    sales = sales_cents = reversals = reversed_cents = solidarity = 0
    methods: dict[str, list[int]] = {}
    rates: dict[int, int] = {}
    for ticket in tickets:
        if ticket.reverses_id is None:
            sales += 1
            sales_cents += ticket.total_cents
            solidarity += ticket.solidarity
            for _id, method, amount, _reference in ticket.payments:
                entry = methods.get(method)
                if entry is None:
                    entry = methods[method] = [0, 0, 0]
                entry[0] += 1
                entry[1] += amount
        else:
            reversals += 1
            reversed_cents -= ticket.total_cents
            for _id, method, amount, _reference in ticket.payments:
                entry = methods.setdefault(method, [0, 0, 0])
                entry[1] -= amount
                entry[2] += 1
        for line in ticket.lines:
            rates[line.vat_rate_bp] = rates.get(line.vat_rate_bp, 0) + line.total_cents
    numbers = [t.number for t in tickets]
    moments = [t.sold_at for t in tickets]
    return PeriodTotals(
        sales=sales,
        sales_cents=sales_cents,
        reversals=reversals,
        reversed_cents=reversed_cents,
        solidarity_sales=solidarity,
        cancelled_sales=0,
        cancelled_cents=0,
        first_ticket=min(numbers, default=None),
        last_ticket=max(numbers, default=None),
        by_method=tuple(
            MethodTotal(method, n, amount, refunds)
            for method, (n, amount, refunds) in sorted(methods.items())
        ),
        by_vat=tuple(
            VatTotal(rate, total, vat_included(total, rate))
            for rate, total in sorted(rates.items())
        ),
        first_sale=min(moments, default=None),
        last_sale=max(moments, default=None),
    )


def closure_id(site_id: uuid.UUID, kind: str, number: int) -> uuid.UUID:
    """A closure's id from what it is (the seeded generator is left alone: drawing from it
    would change every row the later generators make)."""
    digest = sha256(f"till-closure:{site_id}:{kind}:{number}".encode()).digest()
    return uuid4_of(int.from_bytes(digest[:16], "big"))


class TillBook:
    """The closures of a place whose till had none, as its tickets come day by day."""

    def __init__(
        self,
        site_id: uuid.UUID,
        *,
        today: date,
        local: Callable[[date, time], datetime],
        closing_time: Callable[[date], time],
    ) -> None:
        """``local(day, moment)``: the place's wall-clock moment as an aware instant;
        ``closing_time(day)``: when the place closes that day (its Z follows)."""
        self.site_id = site_id
        self.today = today
        self.local = local
        self.closing_time = closing_time
        self.actor = _("Système")
        self.numbers = {kind: 0 for kind in ClosureKind}
        self.grand_total = 0
        self.days: list[DemoClosure] = []  # the Zs of the month not closed yet
        self.months: list[DemoClosure] = []  # the closures of the year not closed yet

    def opening(self, day: date) -> list[DemoClosure]:
        """The closures due before ``day``'s tickets: the months and the year over by then."""
        written: list[DemoClosure] = []
        if self.days and _month(self.days[0].period_start) < _month(day):
            written += self._close_month(day)
        if self.months and self.months[0].period_start.year < day.year:
            written += self._close_year(day)
        return written

    def closing(self, day: date, tickets: Sequence[ChainedTicket]) -> list[DemoClosure]:
        """``day``'s Z, after its tickets (none for today and after, nor for a day without)."""
        if day >= self.today or not tickets:
            return []
        totals = day_totals(tickets)
        self.grand_total += totals.total_cents
        evening = self.local(day, self.closing_time(day))
        last = max(t.sold_at for t in tickets)
        z = self._closure(
            ClosureKind.DAY,
            day,
            day,
            totals,
            self.grand_total,
            max(evening, last.astimezone(UTC)),
        )
        self.days.append(z)
        return [z]

    def finish(self) -> list[DemoClosure]:
        """The month and year still open whose closure falls before today."""
        return self.opening(self.today)

    # -- internals -------------------------------------------------------------------------
    def _close_month(self, before: date) -> list[DemoClosure]:
        first = self.days[0].period_start.replace(day=1)
        following = _next_month(first)
        at = self.local(following, MONTH_CLOSED_AT)
        if following >= self.today:
            return []
        month = self._closure(
            ClosureKind.MONTH,
            first,
            _last_day(first),
            totals_of(self.days),
            self.days[-1].grand_total_cents,
            at,
        )
        self.days = []
        self.months.append(month)
        return [month]

    def _close_year(self, before: date) -> list[DemoClosure]:
        year = self.months[0].period_start.year
        following = date(year + 1, 1, 1)
        if following >= self.today or self.days:  # its last month is still open
            return []
        closure = self._closure(
            ClosureKind.YEAR,
            date(year, 1, 1),
            date(year, 12, 31),
            totals_of(self.months),
            self.months[-1].grand_total_cents,
            self.local(following, YEAR_CLOSED_AT),
        )
        self.months = []
        return [closure]

    def _closure(
        self,
        kind: ClosureKind,
        start: date,
        end: date,
        totals: PeriodTotals,
        grand_total: int,
        at: datetime,
    ) -> DemoClosure:
        self.numbers[kind] += 1
        number = self.numbers[kind]
        fields = closure_fields(
            kind=kind, number=number, start=start, end=end, totals=totals, grand_total=grand_total
        )
        return DemoClosure(
            id=closure_id(self.site_id, str(kind), number),
            closed_at=at,
            closed_by=self.actor,
            **fields,
        )


def _month(day: date) -> tuple[int, int]:
    return day.year, day.month


def _next_month(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def _last_day(first: date) -> date:
    following = _next_month(first)
    return date.fromordinal(following.toordinal() - 1)
