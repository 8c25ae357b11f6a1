"""What a key press at the desk saves, a visit (:mod:`tiers_lieu.services.visits`) or a
passage (:mod:`tiers_lieu.services.passages`): a number of people, and a row under the id the
desk made at the press, so that a retry (the server's answer was lost, or the key press was
kept while the server was away) saves it once, and an id saved then taken back stays out.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from tiers_lieu.db import UnitOfWork, UowFactory
from tiers_lieu.errors import ConflictError, ValidationError
from tiers_lieu.i18n import _
from tiers_lieu.models import Passage, Tombstone, Visit

R = TypeVar("R")
Keyed = TypeVar("Keyed", Visit, Passage)


def saved_before(
    uow: UnitOfWork,
    model: type[Keyed],
    row_id: uuid.UUID,
    site_id: uuid.UUID,
    *,
    elsewhere: str,
    removed: str,
) -> Keyed | None:
    """The row a key press saved earlier under ``row_id`` (the desk makes the id), if any.
    One of another place is refused (``elsewhere``), and so is an id saved then taken back
    (``removed``): a late retry must not bring it back."""
    row = uow.session.get(model, row_id)
    if row is not None:
        if row.site_id != site_id:
            raise ConflictError(elsewhere)
        return row
    gone = uow.session.exec(
        select(Tombstone.id).where(
            Tombstone.table_name == model.__tablename__, Tombstone.row_id == row_id
        )
    ).first()
    if gone is not None:
        raise ConflictError(removed)
    return None


def saved_once(
    uows: UowFactory,
    save: Callable[[], R],
    row_id: uuid.UUID | None,
    find: Callable[[UnitOfWork, uuid.UUID], R | None],
) -> R:
    """``save()``, which saves under ``row_id`` when the desk made one. When another attempt
    with the same id committed in between (on PostgreSQL both can look before either
    writes), the unique key refuses this one: what that attempt saved, read by ``find``."""
    try:
        return save()
    except IntegrityError:
        if row_id is None:
            raise
        with uows(read_only=True) as uow:
            already = find(uow, row_id)
        if already is None:
            raise
        return already


def check_count(count: int) -> int:
    if count < 1:
        raise ValidationError(_("Nombre de personnes"), _("au moins une personne"))
    if count > 999:
        raise ValidationError(_("Nombre de personnes"), _("999 au plus"))
    return count
