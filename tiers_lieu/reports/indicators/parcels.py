"""« Services de proximité » — the parcel and post relay (issue 22).

- ``parcels.received``: parcels logged as arrived during the period (their arrival instant as
  lived at the place);
- ``parcels.handed_over``: parcels handed to their recipient during the period (identity
  checked; each also counted one visit to « Relais colis / poste » when the place has it);
- ``parcels.returned``: parcels sent back to their carrier during the period, past their date;
- ``parcels.by_carrier``: the parcels received, by carrier.
"""

from __future__ import annotations

from sqlalchemy import func, select

from tiers_lieu.models import Parcel
from tiers_lieu.reports.indicators.common import Scope, breakdown, table, total
from tiers_lieu.reports.model import Indicator


def compute(scope: Scope) -> list[Indicator]:
    parcel = table(Parcel)

    def counted(column: object) -> int:
        value = scope.session.execute(
            select(func.count()).where(scope.in_period(column, parcel.c.site_id))
        ).scalar()
        return int(value or 0)

    by_carrier = scope.session.execute(
        select(parcel.c.carrier, func.count())
        .where(scope.in_period(parcel.c.arrived_at, parcel.c.site_id))
        .group_by(parcel.c.carrier)
    ).all()
    return [
        total("parcels.received", counted(parcel.c.arrived_at)),
        total("parcels.handed_over", counted(parcel.c.handed_at)),
        total("parcels.returned", counted(parcel.c.returned_at)),
        *breakdown("parcels.by_carrier", {str(c): int(n) for c, n in by_carrier}),
    ]
