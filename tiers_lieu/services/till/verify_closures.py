"""The closures of one place against their CLOSURE lines: a closure without a line, or whose
row no longer says what its line recorded (the fields the payload names, the totals, the
period's net turnover).
"""

from __future__ import annotations

import json
import uuid
from datetime import date
from typing import Any

from sqlalchemy import or_, select

from tiers_lieu.i18n import _
from tiers_lieu.models.enums import JournalKind
from tiers_lieu.services.till.verify_base import _CLOSURE, _J, _Follower, _payload, _PlaceBase


class _ClosureChecks(_PlaceBase):
    """The closures part of one place's check."""

    # -- closures -----------------------------------------------------------------------
    def check_closures(self) -> None:
        """Each closure with its CLOSURE line, both sorted by the closure's id, merged."""
        c, j = _CLOSURE, _J
        closures = select(c).where(c.c.site_id == self.site_id).order_by(c.c.id)
        if self.after and self.seen is not None:
            # Those the new lines record, and those closed after the line kept (one whose
            # line is in the part not read, by a desk whose clock is ahead: looked up below).
            closures = closures.where(
                or_(
                    c.c.closed_at > self.seen.at,
                    c.c.id.in_(
                        select(j.c.ref_id).where(
                            j.c.site_id == self.site_id,
                            self.read_lines(),
                            j.c.kind == str(JournalKind.CLOSURE),
                        )
                    ),
                )
            )
        recorded = (
            select(
                c.c.id.label("closure_id"),
                j.c.seq,
                j.c.kind,
                j.c.occurred_at,
                j.c.number,
                j.c.amount_cents.label("line_amount"),
                j.c.payload,
            )
            .select_from(j.join(c, c.c.id == j.c.ref_id))
            .where(
                j.c.site_id == self.site_id,
                self.read_lines(),
                j.c.kind == str(JournalKind.CLOSURE),
            )
            .order_by(c.c.id, j.c.seq)
        )
        records = _Follower(self.stream(recorded), lambda row: row.closure_id)
        for closure in self.stream(closures):
            lines = records.take(closure.id)
            if not lines and self.after and self.recorded_before(closure.id):
                continue
            if not lines:
                self.say(
                    _(
                        "cette clôture n'a pas de ligne au journal : elle a été ajoutée hors de "
                        "Comptoir"
                    ),
                    seq=None,
                    at=closure.closed_at,
                    kind=JournalKind.CLOSURE,
                    number=str(closure.number),
                )
                continue
            line = lines[0]
            changed = closure_differences(closure, line, _payload(line.payload))
            if changed:
                self.say_line(
                    line,
                    _(
                        "la clôture ne correspond plus à ce que le journal a enregistré "
                        "({what}) : elle a été modifiée hors de Comptoir"
                    ).format(what=", ".join(changed)),
                )

    def recorded_before(self, closure_id: uuid.UUID) -> bool:
        """Whether the part of the journal not read has the closure's line (a walk of the
        place's journal: only for a closure said to be newer than the line kept but whose
        line is not among the new ones, which does not happen but for clocks apart)."""
        j = _J
        found = self.connection.execute(
            select(j.c.id)
            .where(
                j.c.site_id == self.site_id,
                j.c.seq <= self.after,
                j.c.kind == str(JournalKind.CLOSURE),
                j.c.ref_id == closure_id,
            )
            .limit(1)
        ).first()
        return found is not None


CLOSURE_FIELDS = (
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
)


def closure_differences(row: Any, line: Any, data: dict[str, Any] | None) -> list[str]:
    """What of a closure's row differs from its journal line's payload (fields the payload
    names) and amount (the period's net turnover)."""
    if data is None:
        return [_("contenu illisible")]
    changed = []
    for name in CLOSURE_FIELDS:
        if name not in data:
            continue
        value = getattr(row, name)
        if isinstance(value, date):
            value = value.isoformat()
        if data[name] != value:
            changed.append(name)
    if "totals" in data:
        try:
            totals = json.loads(row.totals)
        except ValueError:
            totals = None
        if totals != data["totals"]:
            changed.append("totals")
    if line.line_amount != row.total_cents:
        changed.append("amount_cents")
    return changed
