"""« Aide aux démarches »: assistance records and their breakdowns (DOMAIN.md lists).

Every breakdown sums to ``assistance.total`` except ``by_orientation``, which counts only the
records whose outcome is « Orientée » (an orientation left empty there is « Non
communiqué »). Durations fall into the report buckets ``0-29``, ``30-59``, ``60-119``,
``120+``, listed in that order with zeros kept.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, func, select

from tiers_lieu.models import AssistanceRecord, Category
from tiers_lieu.models.enums import CategoryKind
from tiers_lieu.reports.indicators.common import Scope, breakdown, merge, table, total
from tiers_lieu.reports.model import DURATION_BUCKETS, Indicator

ORIENTED = "Orientée"


def compute(scope: Scope) -> list[Indicator]:
    record, category = table(AssistanceRecord), table(Category)
    where = scope.on_sites(record.c.site_id) & scope.on_dates(record.c.activity_date)
    labels = scope.category_labels

    def grouped(column: Any, kind: CategoryKind, extra: Any = None) -> dict[str, int | float]:
        query = select(column, func.count()).where(where).group_by(column)
        if extra is not None:
            query = query.where(extra)
        rows = scope.session.execute(query).all()
        return merge(((r[0], r[1]) for r in rows), labels, zeros=scope.active_categories(kind))

    duration = record.c.duration_min

    def bucket(condition: Any) -> Any:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    row = scope.session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(duration), 0),
            bucket(duration < 30),
            bucket((duration >= 30) & (duration < 60)),
            bucket((duration >= 60) & (duration < 120)),
            bucket(duration >= 120),
        ).where(where)
    ).one()
    buckets = dict(zip(DURATION_BUCKETS, (int(v) for v in row[2:]), strict=True))
    oriented = select(category.c.id).where(
        scope.on_sites(category.c.site_id),
        category.c.kind == CategoryKind.OUTCOME.value,
        category.c.label == ORIENTED,
    )
    return [
        total("assistance.total", row[0]),
        total("assistance.minutes", row[1]),
        *breakdown("assistance.by_operator", grouped(record.c.operator_id, CategoryKind.OPERATOR)),
        *breakdown("assistance.by_theme", grouped(record.c.theme_id, CategoryKind.THEME)),
        *breakdown("assistance.by_type", grouped(record.c.help_type_id, CategoryKind.HELP_TYPE)),
        *breakdown("assistance.by_outcome", grouped(record.c.outcome_id, CategoryKind.OUTCOME)),
        *breakdown("assistance.by_duration_bucket", buckets, ordered=DURATION_BUCKETS),
        *breakdown(
            "assistance.by_orientation",
            grouped(
                record.c.orientation_id,
                CategoryKind.ORIENTATION,
                record.c.outcome_id.in_(oriented),
            ),
        ),
    ]
