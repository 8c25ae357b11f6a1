"""A service's look-up of one row by its id: the row, or a French « … n'existe plus » that the
screens show when another desk removed it meanwhile (each service words its own message)."""

from __future__ import annotations

import uuid
from typing import TypeVar

from sqlmodel import SQLModel

from tiers_lieu.db import UnitOfWork
from tiers_lieu.errors import NotFoundError

RowT = TypeVar("RowT", bound=SQLModel)


def get_or_gone(
    uow: UnitOfWork, model: type[RowT], row_id: uuid.UUID, gone: str, *, lock: bool = False
) -> RowT:
    """The ``model`` row of ``row_id``, else :class:`~tiers_lieu.errors.NotFoundError` with
    ``gone`` (already translated). ``lock``: read afresh with ``FOR UPDATE`` (the row locked on
    PostgreSQL; SQLite's writer already holds the base), so that two desks changing the same
    row wait for each other."""
    row = uow.session.get(model, row_id, with_for_update=True if lock else None)
    if row is None:
        raise NotFoundError(gone)
    return row
