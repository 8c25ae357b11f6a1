"""The public writer's letters of the demo (issue 22): each démarche of type « Écrivain public
(courrier) » drawn by :mod:`.assistance` gets a letter sent the same day or the next, an
answer expected three to six weeks later and its follow-up; of those whose answer date is
past, most are answered, some relaunched (still waiting, or answered after), some late.

No draw from the demo's random stream (the other records keep theirs): the dates come from
the démarche's own day and hour and the states from a fixed cycle, so the same seed and
``today`` give the same letters.
"""

from __future__ import annotations

from datetime import time, timedelta
from typing import Any

from tiers_lieu.models.enums import CategoryKind
from tiers_lieu.services.demo.common import DemoContext

WRITER_HELP = "Écrivain public (courrier)"
PAST_DUE = ("answered", "relaunched", "late", "answered", "relaunched_answered", "answered")
"""What became of the letters whose answer date is past, in turn."""


class LetterDraw:
    """The letter columns of the démarche records :mod:`.assistance` draws."""

    def __init__(self, ctx: DemoContext) -> None:
        self._ctx = ctx
        self._writer = ctx.category(CategoryKind.HELP_TYPE, WRITER_HELP)
        self._past_due = 0

    def letter(self, record: dict[str, Any]) -> dict[str, Any]:
        """Nothing for a démarche of another type of help."""
        ctx = self._ctx
        if self._writer is None or record.get("help_type_id") != self._writer:
            return {}
        day = record["activity_date"]
        moment: time = record.get("activity_time") or time(10, 0)
        key = day.toordinal() + moment.hour + moment.minute
        sent = min(day + timedelta(days=key % 2), ctx.today)
        answer = sent + timedelta(days=21 + key % 22)
        due, closed = answer, None
        if answer < ctx.today:
            fate = PAST_DUE[self._past_due % len(PAST_DUE)]
            self._past_due += 1
            if fate == "answered":  # around the expected day
                closed = ctx.at(min(answer - timedelta(days=key % 5), ctx.today), time(11, 0))
            elif fate == "relaunched":  # still waiting after a relaunch
                due = max(answer + timedelta(days=14), ctx.today + timedelta(days=1 + key % 7))
            elif fate == "relaunched_answered":
                due = answer + timedelta(days=14)
                if due < ctx.today:
                    closed = ctx.at(due, time(11, 0))
        return {
            "letter_sent_on": sent,
            "answer_expected_on": answer,
            "follow_up_due": due,
            "follow_up_closed_at": closed,
            "follow_up_outcome_id": None,
        }
