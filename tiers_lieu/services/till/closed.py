"""Whether a day of the till is closed: the guard a sale and a reversal pass first.

A day's Z closes the day for good (:mod:`tiers_lieu.services.till.closures`); days close in
order, so a Z on a day or after it means the day can no longer change. This module is a leaf
(models only): the sales service calls :func:`ensure_open` inside its own unit of work, and
the closures service, which reads the sales' totals, would otherwise import it back.
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select

from tiers_lieu.db import UnitOfWork
from tiers_lieu.errors import ConflictError
from tiers_lieu.i18n import _, format_date
from tiers_lieu.models import TillClosure
from tiers_lieu.models.enums import ClosureKind

_C = TillClosure.__table__  # type: ignore[attr-defined]


def closing_z(uow: UnitOfWork, site_id: uuid.UUID, day: date) -> int | None:
    """The number of the Z that closed ``day`` (the first day Z on or after it), if any."""
    number = uow.session.execute(
        select(_C.c.number)
        .where(
            _C.c.site_id == site_id,
            _C.c.kind == str(ClosureKind.DAY),
            _C.c.period_start >= day,
        )
        .order_by(_C.c.period_start)
        .limit(1)
    ).scalar()
    return None if number is None else int(number)


def ensure_open(uow: UnitOfWork, site_id: uuid.UUID, day: date) -> None:
    """Refuse, with a French message, to record anything on ``day`` once it is closed."""
    number = closing_z(uow, site_id, day)
    if number is not None:
        raise ConflictError(
            _(
                "La journée du {day} est clôturée (Z n° {number}) : aucune vente ni "
                "annulation ne peut plus y être enregistrée."
            ).format(day=format_date(day, "long"), number=number)
        )
