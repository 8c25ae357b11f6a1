"""How demo rows reach the database driver: plain tuples, each value converted once, one
``executemany`` per batch.

SQLAlchemy's Core ``executemany`` prepares every parameter of every row through the column
types' processors (on the large demo, 20 of 29 s went there). Each table gets a
:class:`TablePlan` once instead: the INSERT in the driver's parameter style, every column in
table order, and per column the function that turns a Python value into what the SQLAlchemy
type itself would hand the driver. On SQLite that is a UUID's 32 hex digits, ISO dates and
times, naive UTC instants as text and booleans as 0/1, done by C methods
(``date.isoformat``…) rather than SQLAlchemy's ``%`` formats; each of these fast converters is
compared with the type's own processor on a sample when the plan is made, and the type's
processor is used whenever they differ. Other dialects (PostgreSQL) use the types' processors
(mostly none: psycopg takes UUIDs, dates and times as they are).
``tests/unit/test_demo_bulk.py`` reads rows written this way back through the ORM models.

Values are converted column by column, the fast converters being list comprehensions that
call no Python function per value; the per-row work is the final ``zip`` into tuples.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from pydantic_core import PydanticUndefined
from sqlalchemy import Boolean, Date, Dialect, Time, Uuid
from sqlalchemy.sql.schema import Column
from sqlmodel import SQLModel

from tiers_lieu.models.base import UTCDateTime

ColumnConverter = Callable[[Sequence[Any]], list[Any]]

# The columns the writer fills itself when a row leaves them out (see ``DemoContext``).
STAMPS = ("id", "created_at", "updated_at")


# Column converters: a column's values in, the driver's values out. The fast ones are list
# comprehensions that call no Python function per value (on the large demo, one function call
# per value cost as much as SQLite's own work on the indexes).


def _uuid_texts(values: Sequence[Any]) -> list[Any]:
    # ``v.hex`` without its call; the 16 bytes' hex is a third of the time of ``f"{…:032x}"``.
    return [None if v is None else v.int.to_bytes(16, "big").hex() for v in values]


class _Remembered:
    """A converter for values that come back again and again (days, clock times, instants: a
    sale's moment is also its lines', movements' and payment's stamp): each converted once,
    then looked up (a date's, a time's or a datetime's hash is made in C and kept in it).

    Only values whose equality means the same text are kept (``keep``): plain dates, naive
    times, UTC instants (two equal aware datetimes of other zones may have other dates and
    times; two local times one hour apart on the night the clocks go back are equal). Cleared
    past :attr:`KEPT` values.
    """

    KEPT = 200_000

    def __init__(self, one: Callable[[Any], str | None], keep: Callable[[Any], bool]) -> None:
        self._one = one
        self._keep = keep
        self._known: dict[Any, str | None] = {}

    def __call__(self, values: Sequence[Any]) -> list[Any]:
        if len(self._known) > self.KEPT:
            self._known.clear()
        known, remember = self._known.get, self._remember
        return [None if v is None else known(v) or remember(v) for v in values]

    def _remember(self, value: Any) -> str | None:
        text = self._one(value)
        if self._keep(value):
            self._known[value] = text
        return text


def _time_text(value: time) -> str:
    # SQLAlchemy's SQLite TIME writes the clock's fields and leaves any zone out.
    return time.isoformat(value.replace(tzinfo=None), "microseconds")


def _instant_text(value: datetime | None) -> str | None:
    """An aware instant as SQLite keeps a ``UTCDateTime``: naive UTC, with microseconds."""
    if value is None:
        return None
    if value.tzinfo is not UTC:
        if value.tzinfo is None:  # the same refusal as UTCDateTime.process_bind_param
            raise ValueError("UTCDateTime refuse une date-heure sans fuseau horaire")
        value = value.astimezone(UTC)
    return value.isoformat(" ", "microseconds")[:26]  # without "+00:00"


# ``date.isoformat`` of a datetime keeps the date part, as SQLAlchemy's SQLite DATE does.
_date_texts = _Remembered(date.isoformat, lambda v: type(v) is date)
_time_texts = _Remembered(_time_text, lambda v: v.tzinfo is None)
_instant_texts = _Remembered(_instant_text, lambda v: v.tzinfo is UTC)


_BOOLEAN = {True: 1, False: 0, None: None}


def _bool_ints(values: Sequence[Any]) -> list[Any]:
    return [_BOOLEAN[v] for v in values]


# Fast SQLite converters, by SQLAlchemy type, with a sample to check them against the
# type's own processor.
_SQLITE_FAST: dict[type[Any], tuple[ColumnConverter, Any]] = {
    Uuid: (_uuid_texts, uuid.UUID("0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9")),
    Date: (_date_texts, date(2024, 2, 29)),
    Time: (_time_texts, time(9, 5, 7, 120)),
    UTCDateTime: (_instant_texts, datetime(2024, 3, 31, 1, 30, 5, 17, tzinfo=UTC)),
    Boolean: (_bool_ints, True),
}


def _each(processor: Callable[[Any], Any]) -> ColumnConverter:
    def convert(values: Sequence[Any]) -> list[Any]:
        return list(map(processor, values))

    return convert


def _converter(column: Column[Any], dialect: Dialect) -> ColumnConverter | None:
    """What turns a column's Python values into the driver's, ``None`` for "as they are"."""
    processor = column.type.dialect_impl(dialect).bind_processor(dialect)
    if processor is None:
        return None
    fast = _SQLITE_FAST.get(type(column.type)) if dialect.name == "sqlite" else None
    if fast is not None:
        convert, sample = fast
        if convert([sample, None]) == [processor(sample), processor(None)]:
            return convert
    return _each(processor)


def _parameter_marks(dialect: Dialect, count: int) -> str:
    style = dialect.paramstyle
    if style == "qmark":
        marks = ["?"] * count
    elif style in ("format", "pyformat"):
        marks = ["%s"] * count
    elif style == "numeric":
        marks = [f":{n}" for n in range(1, count + 1)]
    else:  # "named" would need dicts, which is what this module avoids
        raise ValueError(f"paramstyle {style!r} is not one the demo writer knows")
    return ", ".join(marks)


@dataclass(frozen=True)
class Same:
    """One value for every row of a batch (``site_id``, a default): converted once."""

    value: Any


@dataclass(frozen=True)
class TablePlan:
    """One table's INSERT for plain tuples: column order, defaults and converters."""

    table: str
    columns: tuple[str, ...]
    sql: str
    defaults: tuple[Any, ...]
    converters: tuple[ColumnConverter | None, ...]
    has_site: bool

    @classmethod
    def of(cls, model: type[SQLModel], dialect: Dialect) -> TablePlan:
        table = model.__table__  # type: ignore[attr-defined]
        columns = tuple(c.name for c in table.columns)
        fields = model.model_fields
        defaults = []
        for column in table.columns:
            info = fields.get(column.name)
            default = None
            if info is not None and info.default_factory is None:
                if info.default is not PydanticUndefined:
                    default = info.default
            elif info is not None and column.name not in STAMPS:
                # A value made per row (a new id, the clock) that the writer cannot make
                # reproducibly: a generator must give it.
                raise ValueError(
                    f"{table.name}.{column.name}: a default_factory the demo writer cannot fill"
                )
            defaults.append(default)
        quote = dialect.identifier_preparer.quote
        sql = "INSERT INTO {} ({}) VALUES ({})".format(
            dialect.identifier_preparer.format_table(table),
            ", ".join(quote(name) for name in columns),
            _parameter_marks(dialect, len(columns)),
        )
        return cls(
            table=str(table.name),
            columns=columns,
            sql=sql,
            defaults=tuple(defaults),
            converters=tuple(_converter(c, dialect) for c in table.columns),
            has_site="site_id" in columns,
        )

    def convert(self, values: Sequence[Sequence[Any] | Same], count: int) -> list[tuple[Any, ...]]:
        """``count`` rows as the driver takes them, from Python values column by column."""
        out: list[Sequence[Any]] = []
        done: dict[tuple[int, ColumnConverter], list[Any]] = {}  # updated_at: created_at's list
        for convert, column in zip(self.converters, values, strict=True):
            if isinstance(column, Same):
                value = column.value if convert is None else convert([column.value])[0]
                out.append([value] * count)
            elif convert is None:
                out.append(column)
            else:
                converted = done.get((id(column), convert))
                if converted is None:
                    converted = done[id(column), convert] = convert(column)
                out.append(converted)
        return list(zip(*out, strict=True))
