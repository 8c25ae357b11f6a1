"""What multi-site bundles need to remember: deleted rows, bundles taken in, merge conflicts.

A deletion cannot travel as a row, so each deletion of a site-owned row leaves a
``Tombstone`` (table, id, site, instant) that the next bundle carries. ``BundleImport`` keeps
the id of every bundle merged so that importing the same file twice changes nothing, and the
instant of the last import from a site, which is how a conflict is told apart from a plain
update. ``BundleConflict`` is the log a coordinator reads when both sides edited one row.
None of these rows has a foreign key to ``site``: they must outlive the rows they describe.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field

from tiers_lieu.models.base import Row, UTCDateTime


class Tombstone(Row, table=True):
    __tablename__ = "tombstone"
    __table_args__ = (
        UniqueConstraint("table_name", "row_id"),
        Index("ix_tombstone_site_deleted", "site_id", "deleted_at"),
    )

    table_name: str = Field(max_length=40)
    row_id: uuid.UUID
    site_id: uuid.UUID
    deleted_at: datetime = Field(sa_type=UTCDateTime)


class BundleImport(Row, table=True):
    __tablename__ = "bundle_import"
    __table_args__ = (UniqueConstraint("bundle_id"),)

    bundle_id: uuid.UUID
    site_id: uuid.UUID = Field(index=True)
    mode: str = Field(max_length=12)
    imported_at: datetime = Field(sa_type=UTCDateTime)
    rows: int = Field(default=0)
    conflicts: int = Field(default=0)


class BundleConflict(Row, table=True):
    __tablename__ = "bundle_conflict"

    bundle_id: uuid.UUID = Field(index=True)
    site_id: uuid.UUID
    table_name: str = Field(max_length=40)
    row_id: uuid.UUID
    local_updated_at: datetime = Field(sa_type=UTCDateTime)
    incoming_updated_at: datetime = Field(sa_type=UTCDateTime)
    # "incoming" or "local": which version was kept (the newer one).
    kept: str = Field(max_length=8)


class PlaceKey(Row, table=True):
    """The Ed25519 key of a place: its public half, and its private half for the places this
    database signs bundles for.

    A coordinator adds the public key of each place it trusts once, after comparing the
    fingerprint with the place (by phone or on paper); a bundle is merged only if it is signed
    by the key recorded for its site. No foreign key to ``site``: the key of a place is trusted
    before its first bundle brings the site row.
    """

    __tablename__ = "place_key"
    __table_args__ = (UniqueConstraint("site_id"),)

    site_id: uuid.UUID
    label: str = Field(default="", max_length=120)
    public_key: str = Field(max_length=64)  # base64 of the 32 raw bytes
    private_key: str | None = Field(default=None, max_length=64)  # only for our own places
    added_by_id: uuid.UUID | None = None
