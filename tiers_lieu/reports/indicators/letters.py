"""« Services de proximité » — the public writer's letters (issue 22, services/letters.py).

A letter is a démarche record with ``letter_sent_on`` (and ``answer_expected_on``).

- ``letters.written``: letters sent on a day of the period;
- ``letters.answered``: letters whose answer was noted in the period (their follow-up closed,
  by « Réponse reçue » or « Clore le suivi »), whenever they were sent;
- ``letters.pending``: letters sent by the period's last day still waiting for their answer
  at its end (not closed then, late or relaunched ones included);
- ``letters.by_operator``: ``letters.written`` per organisme.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, func, or_, select

from tiers_lieu.models import AssistanceRecord
from tiers_lieu.reports.indicators.common import Scope, breakdown, merge, table, total
from tiers_lieu.reports.model import Indicator


def compute(scope: Scope) -> list[Indicator]:
    record = table(AssistanceRecord).c
    letter = scope.on_sites(record.site_id) & record.letter_sent_on.is_not(None)
    session = scope.session

    def count(where: ColumnElement[bool]) -> int:
        return int(session.execute(select(func.count()).where(letter & where)).scalar_one())

    written = scope.on_dates(record.letter_sent_on)
    by_operator = session.execute(
        select(record.operator_id, func.count())
        .where(letter & written)
        .group_by(record.operator_id)
    ).all()
    return [
        total("letters.written", count(written)),
        total(
            "letters.answered", count(scope.in_period(record.follow_up_closed_at, record.site_id))
        ),
        total(
            "letters.pending",
            count(
                (record.letter_sent_on <= scope.end)
                & or_(record.follow_up_closed_at.is_(None), _closed_after_end(scope))
            ),
        ),
        *breakdown(
            "letters.by_operator",
            merge(((r[0], r[1]) for r in by_operator), scope.category_labels),
        ),
    ]


def _closed_after_end(scope: Scope) -> ColumnElement[bool]:
    """Closed after the period's last day, as lived at each place."""
    record = table(AssistanceRecord).c
    by_zone: dict[str, list[object]] = {}
    for site in scope.sites:
        by_zone.setdefault(site.timezone, []).append(site.id)
    parts = [
        record.site_id.in_(ids) & (record.follow_up_closed_at >= scope.instant_bounds(zone)[1])
        for zone, ids in by_zone.items()
    ]
    return or_(*parts) if parts else false()
