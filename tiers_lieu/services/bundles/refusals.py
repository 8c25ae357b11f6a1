"""What a bundle import refuses, whole, naming the table and the row: a row of another place
than the signer's, a row pointing at another place's row, a date in the future, a row the
database would not take. :mod:`tiers_lieu.services.bundles.merge` calls these as it merges.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tiers_lieu.errors import ComptoirError
from tiers_lieu.i18n import _
from tiers_lieu.services.bundles.tables import LOCAL_TABLES

CHUNK = 500  # ids in one ``IN (…)``
KNOWN = 20_000  # ids a row points at, found to be the signer's, remembered (about 2 MB)


def refused(detail: str) -> ComptoirError:
    return ComptoirError(
        _("Ce paquet est refusé, rien n'a été importé : {detail}").format(detail=detail)
    )


def not_the_signers(table: str, row_id: Any) -> ComptoirError:
    return refused(
        _(
            "la ligne {row} de la table « {table} » appartient à un autre lieu que celui qui "
            "a signé le paquet."
        ).format(row=row_name(row_id), table=table)
    )


def pointing_elsewhere(
    table: str, row_id: Any, column: str, target: str, target_id: Any
) -> ComptoirError:
    return refused(
        _(
            "la ligne {row} de la table « {table} » (colonne {column}) désigne la ligne "
            "{target_row} de la table « {target} », qui appartient à un autre lieu que celui "
            "qui a signé le paquet."
        ).format(
            row=row_name(row_id),
            table=table,
            column=column,
            target_row=row_name(target_id),
            target=target,
        )
    )


def in_the_future(table: str, row_id: Any, at: datetime) -> ComptoirError:
    return refused(
        _(
            "la ligne {row} de la table « {table} » est datée du {at} (UTC), plus tard que "
            "maintenant."
        ).format(row=row_name(row_id), table=table, at=at.strftime("%d/%m/%Y %H:%M"))
    )


def row_name(row_id: Any) -> str:
    return row_id.hex if isinstance(row_id, uuid.UUID) else str(row_id)[:40]


def owner_of(table: Table, row: Any) -> Any:
    """The place a row belongs to: its ``site_id``, or its own id for a ``site`` row."""
    return row["id"] if table.name == "site" else row.get("site_id")


def owner_column(table: Table) -> Any:
    return table.c.id if table.name == "site" else table.c.site_id


@cache
def _pointers(table: Table) -> tuple[tuple[Table, tuple[str, ...]], ...]:
    """The columns of ``table`` that point at a row of a place, by the table they point at:
    every reference but the row's own ``site_id`` (checked with the row) and those to tables
    that never travel (emptied)."""
    by_target: dict[Table, list[str]] = {}
    for column in table.c:
        if column.name == "site_id":
            continue
        for fk in column.foreign_keys:
            target = fk.column.table
            if target.name not in LOCAL_TABLES and (target.name == "site" or "site_id" in target.c):
                by_target.setdefault(target, []).append(column.name)
    return tuple((target, tuple(names)) for target, names in by_target.items())


class References:
    """Refuses the bundle when a row points at a row of another place than the signer's: one
    lookup per table pointed at and batch (:data:`CHUNK` ids a query). A row pointed at that
    is not in the base yet comes in this bundle, which only brings the signer's rows. The ids
    found fine are remembered, up to :data:`KNOWN` of them, and not looked up again (visits of
    the same people, batch after batch)."""

    def __init__(self, session: Session, site_id: uuid.UUID) -> None:
        self._session = session
        self._site_id = site_id
        self._known: dict[str, set[Any]] = {}  # by table: an id is only fine in its own
        self._count = 0

    def check(self, table: Table, rows: list[dict[str, Any]]) -> None:
        for target, names in _pointers(table):
            known = self._known.setdefault(target.name, set())
            wanted: dict[Any, tuple[Any, str]] = {}
            for row in rows:
                for name in names:
                    value = row.get(name)
                    if value is not None and value not in wanted and value not in known:
                        wanted[value] = (row["id"], name)
            ids = list(wanted)
            owner = owner_column(target)
            for start in range(0, len(ids), CHUNK):
                query = (
                    select(target.c.id)
                    .where(target.c.id.in_(ids[start : start + CHUNK]), owner != self._site_id)
                    .limit(1)
                )
                found = self._session.execute(query).scalar()
                if found is not None:
                    row_id, name = wanted[found]
                    raise pointing_elsewhere(table.name, row_id, name, target.name, found)
            if self._count + len(ids) > KNOWN:
                self._known = {target.name: known}
                known.clear()
                self._count = 0
            known.update(ids)
            self._count += len(ids)


def refused_integrity(exc: IntegrityError) -> ComptoirError:
    """The French refusal of a row the database would not take (also raised at commit, where
    SQLite checks the references it deferred)."""
    return ComptoirError(
        _(
            "Ce paquet ne peut pas être fusionné avec cette base (donnée en double ou "
            "référence manquante : {detail}). Rien n'a été importé."
        ).format(detail=str(exc.orig)[:200])
    )
