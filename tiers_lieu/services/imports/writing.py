"""Writing a checked import in the caller's transaction: the communes it adds, then its rows.

Rows go to the driver's ``executemany`` in batches. Neither ORM objects nor Core's per-row
conversion fit the 10-second budget of a 100 000-line file, so the writer works column by
column: each column's values are converted by SQLAlchemy's own converter for the connection's
dialect (so SQLite and PostgreSQL both get what they expect), once per distinct value, and the
rows are zipped back together. Every row carries ``source = "import"`` so that an import stays
recognisable later; assistance records write no visit (the visits of that time were counted,
if at all, in the visits sheet).
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from itertools import repeat
from operator import attrgetter
from typing import Any

from sqlalchemy import Connection, Table, insert

from tiers_lieu.db import UnitOfWork
from tiers_lieu.models import AssistanceRecord, Commune, Visit, utcnow
from tiers_lieu.models.enums import VisitSource
from tiers_lieu.services.imports.assistance import CheckedRecord
from tiers_lieu.services.imports.checking import Progress
from tiers_lieu.services.imports.visits import CheckedVisit
from tiers_lieu.validation import check_columns, check_row

BATCH = 5000
IMPORT_CACHE_KIB = -65536  # negative: a size in KiB (64 MB), SQLite's convention


def _table(model: Any) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


def bulk_insert(
    uow: UnitOfWork,
    table: Table,
    columns: dict[str, Sequence[Any]],
    constants: dict[str, Any],
    *,
    progress: Progress | None = None,
    done: int = 0,
    total: int = 0,
) -> None:
    """Insert one row per index of the ``columns`` lists; ``constants`` hold the same value
    on every row. Together they must name every column of ``table``."""
    count = len(next(iter(columns.values())))
    keys = [*columns, *constants]
    missing = {c.name for c in table.columns} - set(keys)
    if missing:
        raise ValueError(f"{table.name}: no value for {sorted(missing)}")
    # Core inserts skip the ORM's check of field shapes (tiers_lieu.validation): done here.
    check_columns(table, columns)
    check_row(table, constants)
    connection = uow.session.connection()
    dialect = connection.dialect
    compiled = insert(table).compile(dialect=dialect, column_keys=keys)
    order = list(compiled.positiontup or []) if compiled.positional else keys
    sql = str(compiled)

    def converter(key: str) -> Any:
        return table.c[key].type.dialect_impl(dialect).bind_processor(dialect)

    fixed = {}
    for key, value in constants.items():
        process = converter(key)
        fixed[key] = process(value) if process is not None else value
    processes = {key: converter(key) for key in columns}
    with _large_cache(connection):
        for start in range(0, count, BATCH):
            size = min(BATCH, count - start)
            converted: dict[str, Any] = {}
            for key, values in columns.items():
                part = values[start : start + size]
                process = processes[key]
                if process is None:
                    converted[key] = part
                elif key == "id":  # unique: nothing to remember
                    converted[key] = list(map(process, part))
                else:
                    table_of = {value: process(value) for value in set(part)}
                    converted[key] = list(map(table_of.__getitem__, part))
            for key, value in fixed.items():
                converted[key] = repeat(value, size)
            columns_in_order = [converted[key] for key in order]
            if compiled.positional:
                params: list[Any] = list(zip(*columns_in_order, strict=False))
            else:
                params = [
                    dict(zip(order, values, strict=True))
                    for values in zip(*columns_in_order, strict=False)
                ]
            connection.exec_driver_sql(sql, params)
            if progress is not None:
                progress(done + start + size, total)


@contextmanager
def _large_cache(connection: Connection) -> Iterator[None]:
    """A larger SQLite page cache while a big import is written, then the usual one again:
    with the default 2 MB the indexes of 100 000 new rows spill to disk over and over."""
    if connection.dialect.name != "sqlite":
        yield
        return
    before = int(connection.exec_driver_sql("PRAGMA cache_size").scalar() or -2000)
    connection.exec_driver_sql(f"PRAGMA cache_size={IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size={before}")


def ascending_ids(n: int) -> list[uuid.UUID]:
    """``n`` random version-4 UUIDs in ascending order, so that the primary key index grows
    at its end instead of being written all over."""
    draw = secrets.randbits
    return [uuid.UUID(int=value, version=4) for value in sorted(draw(128) for _ in range(n))]


def add_communes(uow: UnitOfWork, site_id: uuid.UUID, new: dict[uuid.UUID, str]) -> None:
    """The communes an import names that the site did not know: outside the territory."""
    if not new:
        return
    now = utcnow()
    bulk_insert(
        uow,
        _table(Commune),
        {"id": list(new), "name": list(new.values())},
        {
            "created_at": now,
            "updated_at": now,
            "site_id": site_id,
            "insee_code": None,
            "population": None,
            "in_territory": False,
        },
    )


def _stamps(uow: UnitOfWork, site_id: uuid.UUID) -> dict[str, Any]:
    now = utcnow()
    return {
        "created_at": now,
        "updated_at": now,
        "site_id": site_id,
        "person_id": None,
        "source": VisitSource.IMPORT.value,
        "created_by_id": uow.actor_id,
    }


def write_visits(
    uow: UnitOfWork,
    site_id: uuid.UUID,
    rows: list[CheckedVisit],
    *,
    progress: Progress | None = None,
    done: int = 0,
    total: int = 0,
) -> None:
    # In date order, the (site, date) index is filled in runs rather than at random.
    rows = sorted(rows, key=attrgetter("activity_date"))
    columns: dict[str, Sequence[Any]] = {
        "id": ascending_ids(len(rows)),
        "service_id": [r.service_id for r in rows],
        "activity_date": [r.activity_date for r in rows],
        "activity_time": [r.activity_time for r in rows],
        "count": [r.count for r in rows],
        "commune_id": [r.commune_id for r in rows],
        "age_band_id": [r.age_band_id for r in rows],
        "gender_id": [r.gender_id for r in rows],
        "status_id": [r.status_id for r in rows],
        "public_id": [r.public_id for r in rows],
    }
    constants = {
        **_stamps(uow, site_id),
        "event_id": None,
        "booking_id": None,
        "passage_id": None,  # its own passage (services.visits' rule)
    }
    bulk_insert(uow, _table(Visit), columns, constants, progress=progress, done=done, total=total)


def write_assistance(
    uow: UnitOfWork,
    site_id: uuid.UUID,
    rows: list[CheckedRecord],
    *,
    progress: Progress | None = None,
    done: int = 0,
    total: int = 0,
) -> None:
    rows = sorted(rows, key=attrgetter("activity_date"))
    columns: dict[str, Sequence[Any]] = {
        "id": ascending_ids(len(rows)),
        "activity_date": [r.activity_date for r in rows],
        "activity_time": [r.activity_time for r in rows],
        "operator_id": [r.operator_id for r in rows],
        "theme_id": [r.theme_id for r in rows],
        "help_type_id": [r.help_type_id for r in rows],
        "duration_min": [r.duration_min for r in rows],
        "place_id": [r.place_id for r in rows],
        "outcome_id": [r.outcome_id for r in rows],
        "orientation_id": [r.orientation_id for r in rows],
        "commune_id": [r.commune_id for r in rows],
        "age_band_id": [r.age_band_id for r in rows],
        "gender_id": [r.gender_id for r in rows],
        "status_id": [r.status_id for r in rows],
    }
    constants = {
        **_stamps(uow, site_id),
        "note": "",
        # A spreadsheet says nothing of a public writer's letter (services/letters.py).
        "letter_sent_on": None,
        "answer_expected_on": None,
        "follow_up_due": None,
        "follow_up_closed_at": None,
        "follow_up_outcome_id": None,
        "visit_id": None,
        # What the Coop asks and a spreadsheet does not say: empty (its export reads the
        # channel from the « Lieu » when none is recorded).
        "channel": None,
        "equipment": "",
        "autonomy": None,
        "digital_themes": "",
        "demarche_name": "",
    }
    bulk_insert(
        uow,
        _table(AssistanceRecord),
        columns,
        constants,
        progress=progress,
        done=done,
        total=total,
    )
