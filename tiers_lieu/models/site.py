"""The place itself and what a coordinator configures about it.

A database may hold several sites (consolidation); every configurable list is per site so
that bundles merge. ``Category`` holds the extensible vocabularies of DOMAIN.md (age bands,
operators, themes…); rows are never deleted, only deactivated, so history keeps its labels.
"""

from __future__ import annotations

import uuid
from datetime import date, time

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field

from tiers_lieu.models.base import Row, SiteRow


class Site(Row, table=True):
    __tablename__ = "site"

    name: str = Field(max_length=120, unique=True)
    commune_name: str = Field(default="", max_length=120)
    insee_code: str | None = Field(default=None, max_length=5)
    address: str = Field(default="", max_length=250)
    local_distance_km: int = Field(default=80, ge=0)
    timezone: str = Field(default="Europe/Paris", max_length=64)
    holiday_subdivision: str | None = Field(default=None, max_length=8)


class Service(SiteRow, table=True):
    """A service counted at the desk (Accueil, Coworking, Épicerie…)."""

    __tablename__ = "service"
    __table_args__ = (UniqueConstraint("site_id", "name"),)

    name: str = Field(max_length=80)
    kind: str = Field(max_length=24)
    position: int = Field(default=0)
    active: bool = Field(default=True)


class OpeningHours(SiteRow, table=True):
    """One opening range of a weekday (0 = Monday); a day may have several ranges."""

    __tablename__ = "opening_hours"
    __table_args__ = (
        CheckConstraint("weekday >= 0 AND weekday <= 6", name="weekday_range"),
        CheckConstraint("opens_at < closes_at", name="opens_before_closes"),
    )

    weekday: int
    opens_at: time
    closes_at: time


class Closure(SiteRow, table=True):
    """A period the place is closed (holidays of the staff, works…), dates inclusive."""

    __tablename__ = "closure"
    __table_args__ = (CheckConstraint("start_date <= end_date", name="dates_ordered"),)

    start_date: date = Field(index=True)
    end_date: date
    reason: str = Field(default="", max_length=200)


class Commune(SiteRow, table=True):
    """A commune of residence; those of the territory are imported, others typed in."""

    __tablename__ = "commune"
    __table_args__ = (UniqueConstraint("site_id", "insee_code"),)

    insee_code: str | None = Field(default=None, max_length=5)
    name: str = Field(max_length=120, index=True)
    population: int | None = Field(default=None, ge=0)
    in_territory: bool = Field(default=True)


class Category(SiteRow, table=True):
    """An entry of an extensible list of DOMAIN.md (see ``CategoryKind``)."""

    __tablename__ = "category"
    __table_args__ = (UniqueConstraint("site_id", "kind", "label"),)

    kind: str = Field(max_length=24, index=True)
    label: str = Field(max_length=120)
    position: int = Field(default=0)
    active: bool = Field(default=True)
    is_unknown: bool = Field(default=False)


class SiteSetting(SiteRow, table=True):
    """A key/value setting of a site (retention periods, report options…), value as JSON."""

    __tablename__ = "site_setting"
    __table_args__ = (UniqueConstraint("site_id", "key"),)

    key: str = Field(max_length=80)
    value: str = Field(default="null")


class Operation(SiteRow, table=True):
    """The funded operation a report is written for (LEADER file)."""

    __tablename__ = "operation"

    title: str = Field(max_length=250)
    file_number: str = Field(default="", max_length=80)
    gal_name: str = Field(default="", max_length=200)
    region: str = Field(default="", max_length=120)
    cofunders: str = Field(default="", max_length=500)
    start_date: date | None = None
    end_date: date | None = None
    emblem_path: str | None = Field(default=None, max_length=500)
    leader_logo_path: str | None = Field(default=None, max_length=500)
    region_logo_path: str | None = Field(default=None, max_length=500)
    gal_logo_path: str | None = Field(default=None, max_length=500)
    # What the operation does, for its poster and notice (issue 20).
    description: str = Field(default="", max_length=2000)


class PaymentClaim(SiteRow, table=True):
    """A payment claim (demande de paiement) of an operation, with its period."""

    __tablename__ = "payment_claim"

    operation_id: uuid.UUID = Field(foreign_key="operation.id", index=True, ondelete="CASCADE")
    number: str = Field(max_length=40)
    period_start: date
    period_end: date
