"""The spreadsheets imported into a place, remembered by the fingerprint of their bytes.

A file imported twice would count its visits twice, silently: each import of visits or
assistance records leaves one ``ImportedFile`` row (sha256 of the file, its name, when, how
many lines and what they counted), and a second import of the same bytes is refused unless
asked for. The rows belong to the place and travel with its bundles, so the coordinator's base
knows them too.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field

from tiers_lieu.models.base import SiteRow, UTCDateTime


class ImportedFile(SiteRow, table=True):
    __tablename__ = "imported_file"
    __table_args__ = (Index("ix_imported_file_site_sha256", "site_id", "sha256"),)

    kind: str = Field(max_length=20)  # "visits" or "assistance"
    sha256: str = Field(max_length=64)
    file_name: str = Field(max_length=255)
    imported_at: datetime = Field(sa_type=UTCDateTime)
    rows: int = Field(default=0)
    amount: int = Field(default=0)  # visits counted, or assistance records
    sheets: str = Field(default="", max_length=2000)  # the sheets read, one name a line
