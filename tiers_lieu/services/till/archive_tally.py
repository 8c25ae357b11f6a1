"""The closures of a till archive checked against its journal: each closure's ticket count,
total, reversals and totals per payment method recomputed from the journal's tickets,
reversals and payments as :mod:`.archive_check` reads them a line at a time (closures of one
kind cover ticket ranges that do not overlap: a line finds its closures by bisection), and
the French sentence for each figure that does not match."""

from __future__ import annotations

import json
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tiers_lieu.i18n import _, format_date, format_eur, ngettext
from tiers_lieu.models.enums import ClosureKind, JournalKind


@dataclass
class _Sums:
    total: int = 0
    reversed: int = 0
    tickets: int = 0
    reversals: int = 0
    methods: dict[str, int] = field(default_factory=dict)


class _Tally:
    """Each closure's totals recomputed from the journal's tickets and payments. Closures of
    one kind cover ticket ranges that do not overlap: found by bisection."""

    def __init__(self, closures: list[dict[str, Any]]) -> None:
        self.closures = closures
        self.sums = [_Sums() for _c in closures]
        self.ranges: dict[str, tuple[list[int], list[tuple[int, int]]]] = {}
        by_kind: dict[str, list[tuple[int, int, int]]] = {}
        for index, closure in enumerate(closures):
            first, last = closure.get("first_ticket"), closure.get("last_ticket")
            if isinstance(first, int) and isinstance(last, int):
                by_kind.setdefault(str(closure.get("kind")), []).append((first, last, index))
        for kind, ranges in by_kind.items():
            ranges.sort()
            self.ranges[kind] = ([r[0] for r in ranges], [(r[1], r[2]) for r in ranges])

    def _of(self, ticket: int) -> Iterator[_Sums]:
        for starts, rest in self.ranges.values():
            at = bisect_right(starts, ticket) - 1
            if at >= 0 and ticket <= rest[at][0]:
                yield self.sums[rest[at][1]]

    def count(self, record: dict[str, Any]) -> None:
        kind = record["kind"]
        if kind not in (JournalKind.TICKET, JournalKind.REVERSAL, JournalKind.PAYMENT):
            return
        try:
            payload = json.loads(record["payload"])
            ticket = int(payload["ticket"])
            amount = int(record.get("amount_cents", 0))
        except (ValueError, TypeError, KeyError, RecursionError):
            return  # the line's hash is what says it was changed
        for sums in self._of(ticket):
            if kind == JournalKind.PAYMENT:
                method = str(payload.get("method"))
                sums.methods[method] = sums.methods.get(method, 0) + amount
            elif kind == JournalKind.REVERSAL:
                sums.reversals += 1
                sums.total += amount
                sums.reversed += -amount
            else:
                sums.tickets += 1
                sums.total += amount

    def problems(self) -> Iterator[str]:
        for closure, sums in zip(self.closures, self.sums, strict=True):
            name = _closure_name(closure)
            first, last = closure.get("first_ticket"), closure.get("last_ticket")
            found = sums.tickets + sums.reversals
            if isinstance(first, int) and isinstance(last, int) and found != last - first + 1:
                yield ngettext(
                    "{closure} : {found} ticket dans le journal de l'archive, alors que la "
                    "clôture en numérote {expected}",
                    "{closure} : {found} tickets dans le journal de l'archive, alors que la "
                    "clôture en numérote {expected}",
                    found,
                ).format(closure=name, found=found, expected=last - first + 1)
            if closure.get("total_cents") != sums.total:
                yield _(
                    "{closure} : le total ({said}) ne correspond pas aux tickets du journal "
                    "({computed})"
                ).format(
                    closure=name,
                    said=_money(closure.get("total_cents")),
                    computed=format_eur(sums.total),
                )
            if closure.get("reversed_cents") not in (None, sums.reversed):
                yield _(
                    "{closure} : les annulations ({said}) ne correspondent pas au journal "
                    "({computed})"
                ).format(
                    closure=name,
                    said=_money(closure.get("reversed_cents")),
                    computed=format_eur(sums.reversed),
                )
            totals = closure.get("totals")
            methods = totals.get("by_method") if isinstance(totals, dict) else None
            if isinstance(methods, dict):
                said = {k: v for k, v in methods.items() if v}
                computed = {k: v for k, v in sums.methods.items() if v}
                if said != computed:
                    yield _(
                        "{closure} : les totaux par moyen de paiement ne correspondent pas aux "
                        "paiements du journal"
                    ).format(closure=name)


def _money(value: Any) -> str:
    return format_eur(value) if isinstance(value, int) else "?"


def _closure_name(closure: dict[str, Any]) -> str:
    kinds = {
        ClosureKind.DAY: _("Clôture du jour"),
        ClosureKind.MONTH: _("Clôture du mois"),
        ClosureKind.YEAR: _("Clôture de l'année"),
    }
    kind = {str(k): v for k, v in kinds.items()}.get(str(closure.get("kind")), _("Clôture"))
    try:
        start = format_date(date.fromisoformat(str(closure.get("period_start"))))
    except ValueError:
        start = "?"
    return _("{kind} n° {number} ({start})").format(
        kind=kind, number=closure.get("number", "?"), start=start
    )
