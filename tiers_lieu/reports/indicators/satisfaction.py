"""« Services de proximité » — the desk's satisfaction key (issue 22).

``satisfaction.answers``: keys pressed after a démarche, a workshop or a visit;
``satisfaction.by_score``: content / moyen / pas content (always the three, best first);
``satisfaction.rate``: the percent of answers « content » (0 without answers).
"""

from __future__ import annotations

from sqlalchemy import func, select

from tiers_lieu.i18n import _
from tiers_lieu.models import Satisfaction
from tiers_lieu.reports.indicators.common import Scope, breakdown, table, total
from tiers_lieu.reports.model import Indicator
from tiers_lieu.services.satisfaction import SCORES


def compute(scope: Scope) -> list[Indicator]:
    row = table(Satisfaction)
    counts = dict(
        scope.session.execute(
            select(row.c.score, func.count())
            .where(scope.on_sites(row.c.site_id) & scope.on_dates(row.c.activity_date))
            .group_by(row.c.score)
        ).all()
    )
    answers = sum(counts.values())
    labels = {score: _(label) for score, label in SCORES.items()}
    return [
        total("satisfaction.answers", answers),
        *breakdown(
            "satisfaction.by_score",
            {labels[s]: counts.get(s, 0) for s in SCORES},
            ordered=[labels[s] for s in SCORES],
        ),
        total("satisfaction.rate", 100 * counts.get(3, 0) / answers if answers else 0),
    ]
