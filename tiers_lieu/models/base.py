"""Shared building blocks of every table: UUID keys, UTC timestamps, site ownership.

Rows carry UUID primary keys and a ``site_id`` so that bundles exported by different sites
merge without collisions. Timestamps are timezone-aware UTC in Python; SQLite has no time
zone type, so :class:`UTCDateTime` stores naive UTC and gives back aware values, the same on
PostgreSQL. Constraint names follow one convention so that Alembic batch migrations on SQLite
can find them again.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from pydantic import ConfigDict
from sqlalchemy import DateTime, MetaData
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SQLModel.metadata = MetaData(naming_convention=NAMING_CONVENTION)
metadata = SQLModel.metadata


def utcnow() -> datetime:
    """The current instant, timezone-aware UTC."""
    return datetime.now(UTC)


def new_id() -> uuid.UUID:
    return uuid.uuid4()


class UTCDateTime(TypeDecorator[datetime]):
    """A datetime stored as naive UTC and always returned timezone-aware (UTC)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError("UTCDateTime attend un datetime")
        if value.tzinfo is None:
            raise ValueError("UTCDateTime refuse une date-heure sans fuseau horaire")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Row(SQLModel):
    """Columns every table has: a UUID key and creation/update instants."""

    # Pydantic's validator is built at the first validation, not when the class is made:
    # tables are rarely validated (``model_validate``), and building 65 of them at import
    # cost ~90 ms of every start and command (issue 17).
    model_config = ConfigDict(defer_build=True)  # type: ignore[assignment]

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    updated_at: datetime = Field(
        default_factory=utcnow,
        sa_type=UTCDateTime,
        nullable=False,
        sa_column_kwargs={"onupdate": utcnow},
    )


class SiteRow(Row):
    """A row that belongs to one site (place)."""

    site_id: uuid.UUID = Field(foreign_key="site.id", index=True, ondelete="CASCADE")
