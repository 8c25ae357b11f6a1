"""Which tables travel in a bundle, in foreign-key order, and how a row becomes JSON and back.

Every site-owned table travels except accounts, the audit trail and the places' keys (local
to a desk: password hashes and private keys never leave it) and the tables the database derives
(``DERIVED_TABLES``); references to accounts are emptied on import. ``ANONYMOUS_BLANKS``
lists the personal fields blanked in an "anonymous" bundle.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime, time
from functools import cache
from typing import Any

from sqlalchemy import Column, Table
from sqlalchemy.types import Boolean, Date, Integer, String, Time, TypeDecorator, Uuid

from tiers_lieu.models import metadata
from tiers_lieu.models.base import UTCDateTime
from tiers_lieu.services.bundles.vocabularies import allowed

LOCAL_TABLES = frozenset(
    {"app_user", "audit_entry", "tombstone", "bundle_import", "bundle_conflict", "place_key"}
)

DERIVED_TABLES = frozenset({"stock_level"})
"""Kept by the database itself from the rows that travel (triggers on ``stock_movement``):
never exported nor merged, the receiving base derives them from the movements it merges."""

# Table → columns emptied in "anonymous" mode (always, or only where a person is set).
ANONYMOUS_BLANKS: dict[str, tuple[str, ...]] = {
    "person": ("first_name", "last_name", "organisation", "phone", "email", "note"),
    "assistance_record": ("note",),
    "pickup": ("collected_by",),
    "practitioner": ("name", "organisation"),
    "partner": ("contact",),
    "distribution": ("note",),
    "stock_movement": ("note",),
    "volunteer_time": ("activity",),
    "time_entry": ("task",),
}
BLANK_WHERE_PERSON: dict[str, tuple[str, ...]] = {"booking": ("organisation", "title")}
PERSON_BIRTH = ("birth_year",)


@cache
def travelling_tables() -> tuple[Table, ...]:
    """The site table first, then every site-owned table, parents before children."""
    return tuple(
        table
        for table in metadata.sorted_tables
        if table.name not in LOCAL_TABLES | DERIVED_TABLES
        and ("site_id" in table.c or table.name == "site")
    )


def local_references(table: Table) -> list[str]:
    """Columns of ``table`` pointing at a table that never travels (emptied on import)."""
    return [
        column.name
        for column in table.c
        if any(fk.column.table.name in LOCAL_TABLES for fk in column.foreign_keys)
    ]


def to_json(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return value


def _same(value: Any) -> Any:
    return value


def converter(column: Column[Any]) -> Callable[[Any], Any]:
    """How a JSON value of ``column`` becomes the Python value SQLAlchemy binds: a value of
    the wrong type, or outside the column's list (``vocabularies``), raises ``TypeError`` or
    ``ValueError``. (A text's length is checked after, with the other field shapes:
    ``validation.check_row``.)"""
    kind = column.type
    if isinstance(kind, Uuid):
        return uuid.UUID
    if isinstance(kind, UTCDateTime):
        return datetime.fromisoformat
    if isinstance(kind, Date):
        return date.fromisoformat
    if isinstance(kind, Time):
        return time.fromisoformat
    stored = kind.impl_instance if isinstance(kind, TypeDecorator) else kind  # AutoString
    if isinstance(stored, Boolean):
        return _boolean
    if isinstance(stored, Integer):
        return _integer
    if isinstance(stored, String):
        fits = allowed(column.table.name, column.name)
        return _text if fits is None else _listed(fits)
    return _same


INTEGER_LIMIT = 2**63
"""SQLite's and PostgreSQL's ``BIGINT`` hold integers below this, in absolute value."""


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError("not a boolean")
    return value


def _integer(value: Any) -> int:
    """An integer column's value as JSON wrote it: an integer, never a boolean, a text or a
    number too large for the column (a signed bundle carrying one was stored as text)."""
    if isinstance(value, bool) or not isinstance(value, int) or abs(value) >= INTEGER_LIMIT:
        raise TypeError("not an integer")
    return value


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("not a text")
    return value


def _listed(fits: Callable[[str], bool]) -> Callable[[Any], str]:
    """A text of a column with a closed list: one of its values."""

    def listed(value: Any) -> str:
        text = _text(value)
        if not fits(text):
            raise ValueError("not in the column's list")
        return text

    return listed


def anonymise(table: str, row: dict[str, Any]) -> dict[str, Any]:
    for name in ANONYMOUS_BLANKS.get(table, ()):
        row[name] = ""
    if table == "person":
        for name in PERSON_BIRTH:
            row[name] = None
    if row.get("person_id") is not None:
        for name in BLANK_WHERE_PERSON.get(table, ()):
            row[name] = ""
    return row
